"""Random draws of the TensorFlow backend: ``tf.random.stateless_*`` ops keyed by the seed tensor.

Stateless ops run the same eagerly and inside ``tf.function``.
"""

from __future__ import annotations

import tensorflow as tf

from kc.backend.common import random as common
from kc.backend.tensorflow.core import convert_to_tensor, to_native_dtype

SEED_DTYPE = "int64"

# dtypes the stateless kernels produce directly; others are drawn wider and cast.
_UNIFORM_INTS = (tf.int32, tf.int64)
_FLOATS = (tf.float16, tf.bfloat16, tf.float32, tf.float64)


def _seed(seed):
    return common.draw_seed(seed)


def _split(seed, n: int):
    return tf.random.experimental.stateless_split(_seed(seed), n)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "normal"))
    shape = common.shape_tuple(shape, "normal")
    return tf.random.stateless_normal(shape, _seed(seed), mean, stddev, dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "uniform"))
    shape = common.shape_tuple(shape, "uniform")
    return tf.random.stateless_uniform(shape, _seed(seed), minval, maxval, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "truncated_normal"))
    shape = common.shape_tuple(shape, "truncated_normal")
    return tf.random.stateless_truncated_normal(shape, _seed(seed), mean, stddev, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    dtype = to_native_dtype(common.int_dtype(dtype, "randint"))
    shape = common.shape_tuple(shape, "randint")
    draw_dtype = dtype if dtype in _UNIFORM_INTS else tf.int64
    minval = tf.cast(minval, draw_dtype)
    maxval = tf.cast(maxval, draw_dtype)
    draws = tf.random.stateless_uniform(shape, _seed(seed), minval, maxval, draw_dtype)
    return tf.cast(draws, dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    dtype = to_native_dtype(common.int_dtype(dtype, "categorical"))
    logits = convert_to_tensor(logits)
    common.check_logits(logits.shape)
    draw_dtype = dtype if dtype in _UNIFORM_INTS else tf.int64
    draws = tf.random.stateless_categorical(logits, num_samples, _seed(seed), draw_dtype)
    return tf.cast(draws, dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    common.check_rate(rate)
    inputs = convert_to_tensor(inputs)
    if noise_shape is None:
        noise_shape = tf.shape(inputs)
    else:
        noise_shape = common.noise_shape_of(noise_shape, inputs.shape)
    keep_prob = 1.0 - tf.cast(rate, tf.float32)
    keep = tf.random.stateless_uniform(noise_shape, _seed(seed)) < keep_prob
    divisor = tf.where(keep_prob > 0, keep_prob, 1.0)
    if inputs.dtype.is_floating:
        scaled = inputs / tf.cast(divisor, inputs.dtype)
    else:
        scaled = tf.cast(tf.cast(inputs, tf.float32) / divisor, inputs.dtype)
    return tf.where(keep, scaled, tf.zeros_like(scaled))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    axis = common.check_axis(axis, x.shape.rank)
    if x.shape.rank == 0:
        return tf.identity(x)
    keys = tf.random.stateless_uniform(tf.shape(x)[axis:axis + 1], _seed(seed))
    return tf.gather(x, tf.argsort(keys), axis=axis)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "gamma"))
    shape = common.shape_tuple(shape, "gamma")
    return _gamma(shape, _seed(seed), alpha, dtype)


def _gamma(shape, seed, alpha, dtype):
    draw_dtype = dtype if dtype in (tf.float16, tf.float32, tf.float64) else tf.float32
    draws = tf.random.stateless_gamma(shape, seed, alpha=tf.cast(alpha, draw_dtype), dtype=draw_dtype)
    return tf.cast(draws, dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "beta"))
    shape = common.shape_tuple(shape, "beta")
    seeds = _split(seed, 2)
    x = _gamma(shape, seeds[0], alpha, dtype)
    y = _gamma(shape, seeds[1], beta, dtype)
    return x / (x + y)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = to_native_dtype(common.real_dtype(dtype, "binomial"))
    shape = common.shape_tuple(shape, "binomial")
    draws = tf.random.stateless_binomial(
        shape, _seed(seed), tf.cast(counts, tf.float32), tf.cast(probabilities, tf.float32),
        output_dtype=tf.float32,
    )
    return tf.cast(draws, dtype)
