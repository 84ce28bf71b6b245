"""Random draws of the JAX backend: the seed tensor is a raw ``jax.random`` key.

Everything stays traceable: with a `SeedGenerator` whose state is in a
`kc.StatelessScope`, or an int seed, the ops run inside ``jax.jit``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from kc.backend.common import random as common
from kc.backend.jax.core import convert_to_tensor, to_native_dtype

SEED_DTYPE = "uint32"


def _key(seed):
    return jax.random.wrap_key_data(common.draw_seed(seed))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "normal"))
    shape = common.shape_tuple(shape, "normal")
    return (jax.random.normal(_key(seed), shape, dtype) * stddev + mean).astype(dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "uniform"))
    shape = common.shape_tuple(shape, "uniform")
    return jax.random.uniform(_key(seed), shape, dtype, minval, maxval)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "truncated_normal"))
    shape = common.shape_tuple(shape, "truncated_normal")
    x = jax.random.truncated_normal(_key(seed), -2.0, 2.0, shape, dtype)
    return (x * stddev + mean).astype(dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    dtype = to_native_dtype(common.int_dtype(dtype, "randint"))
    shape = common.shape_tuple(shape, "randint")
    return jax.random.randint(_key(seed), shape, minval, maxval, dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    dtype = to_native_dtype(common.int_dtype(dtype, "categorical"))
    logits = convert_to_tensor(logits)
    common.check_logits(logits.shape)
    draws = jax.random.categorical(_key(seed), logits, axis=-1, shape=(num_samples, logits.shape[0]))
    return draws.T.astype(dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    common.check_rate(rate)
    inputs = convert_to_tensor(inputs)
    noise_shape = common.noise_shape_of(noise_shape, inputs.shape)
    keep_prob = 1.0 - jnp.asarray(rate, jnp.float32)
    keep = jax.random.uniform(_key(seed), noise_shape) < keep_prob
    scaled = inputs / jnp.where(keep_prob > 0, keep_prob, 1.0)
    return jnp.where(keep, scaled, 0).astype(inputs.dtype)


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    axis = common.check_axis(axis, x.ndim)
    if x.ndim == 0:
        return x
    return jax.random.permutation(_key(seed), x, axis=axis, independent=False)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "gamma"))
    shape = common.shape_tuple(shape, "gamma")
    return jax.random.gamma(_key(seed), jnp.asarray(alpha, dtype), shape, dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = to_native_dtype(common.float_dtype(dtype, "beta"))
    shape = common.shape_tuple(shape, "beta")
    return jax.random.beta(_key(seed), jnp.asarray(alpha, dtype), jnp.asarray(beta, dtype), shape, dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = to_native_dtype(common.real_dtype(dtype, "binomial"))
    shape = common.shape_tuple(shape, "binomial")
    draws = jax.random.binomial(_key(seed), jnp.asarray(counts, jnp.float32),
                                jnp.asarray(probabilities, jnp.float32), shape)
    return draws.astype(dtype)
