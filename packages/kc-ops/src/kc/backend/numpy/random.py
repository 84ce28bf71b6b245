"""Random draws of the NumPy backend: a `np.random.Generator` per seed."""

from __future__ import annotations

import numpy as np

from kc.backend.common import random as common
from kc.backend.numpy.core import convert_to_tensor, to_native_dtype

SEED_DTYPE = "uint32"


def _rng(seed) -> np.random.Generator:
    seed = np.asarray(common.draw_seed(seed)).astype(np.uint32)
    return np.random.default_rng([int(s) for s in seed])


def _out(x, dtype: str) -> np.ndarray:
    return np.asarray(x).astype(to_native_dtype(dtype))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = common.float_dtype(dtype, "normal")
    shape = common.shape_tuple(shape, "normal")
    return _out(_rng(seed).normal(size=shape) * stddev + mean, dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = common.float_dtype(dtype, "uniform")
    shape = common.shape_tuple(shape, "uniform")
    return _out(_rng(seed).uniform(size=shape) * (np.asarray(maxval) - minval) + minval, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = common.float_dtype(dtype, "truncated_normal")
    shape = common.shape_tuple(shape, "truncated_normal")
    rng = _rng(seed)
    x = rng.normal(size=shape)
    outside = np.abs(x) > 2.0
    while outside.any():  # redraw the ~5% outside two standard deviations
        x[outside] = rng.normal(size=int(outside.sum()))
        outside = np.abs(x) > 2.0
    return _out(x * stddev + mean, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    dtype = common.int_dtype(dtype, "randint")
    shape = common.shape_tuple(shape, "randint")
    return _out(_rng(seed).integers(minval, maxval, size=shape), dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    dtype = common.int_dtype(dtype, "categorical")
    logits = convert_to_tensor(logits)
    common.check_logits(logits.shape)
    gumbel = _rng(seed).gumbel(size=(logits.shape[0], num_samples, logits.shape[1]))
    return _out(np.argmax(logits[:, None, :] + gumbel, axis=-1), dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    common.check_rate(rate)
    inputs = convert_to_tensor(inputs)
    noise_shape = common.noise_shape_of(noise_shape, inputs.shape)
    keep_prob = 1.0 - np.asarray(rate)
    keep = _rng(seed).uniform(size=noise_shape) < keep_prob
    scaled = inputs / np.where(keep_prob > 0, keep_prob, 1.0)
    return np.where(keep, scaled, 0).astype(inputs.dtype)


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    axis = common.check_axis(axis, x.ndim)
    return _rng(seed).permutation(x, axis=axis) if x.ndim else x.copy()


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = common.float_dtype(dtype, "gamma")
    shape = common.shape_tuple(shape, "gamma")
    return _out(_rng(seed).standard_gamma(np.asarray(alpha, np.float64), size=shape), dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = common.float_dtype(dtype, "beta")
    shape = common.shape_tuple(shape, "beta")
    return _out(_rng(seed).beta(np.asarray(alpha, np.float64), np.asarray(beta, np.float64),
                                size=shape), dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = common.real_dtype(dtype, "binomial")
    shape = common.shape_tuple(shape, "binomial")
    return _out(_rng(seed).binomial(np.asarray(counts).astype(np.int64), np.asarray(probabilities),
                                    size=shape), dtype)
