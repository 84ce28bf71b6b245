"""Tensor creation of the NumPy backend (see kc/ops/_creation.py for dtypes)."""

from __future__ import annotations

import numpy as np

from kc import config, dtypes
from kc.backend.numpy.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules


def _new(dtype):
    return to_native_dtype(rules.creation_dtype(dtype))


def _like_dtype(x, dtype):
    return x.dtype if dtype is None else to_native_dtype(dtype)


def zeros(shape, dtype=None):
    return np.zeros(shape, dtype=_new(dtype))


def ones(shape, dtype=None):
    return np.ones(shape, dtype=_new(dtype))


def empty(shape, dtype=None):
    return np.empty(shape, dtype=_new(dtype))


def full(shape, fill_value, dtype=None):
    fill_value = convert_to_tensor(fill_value, rules.creation_dtype(dtype))
    return np.array(np.broadcast_to(fill_value, shape))


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return np.zeros(x.shape, dtype=_like_dtype(x, dtype))


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return np.ones(x.shape, dtype=_like_dtype(x, dtype))


def empty_like(x, dtype=None):
    x = convert_to_tensor(x)
    return np.empty(x.shape, dtype=_like_dtype(x, dtype))


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    fill_value = convert_to_tensor(fill_value).astype(_like_dtype(x, dtype))
    return np.array(np.broadcast_to(fill_value, x.shape))


def eye(N, M=None, k=0, dtype=None):
    return np.eye(N, M, k=k, dtype=_new(dtype))


def identity(n, dtype=None):
    return np.identity(n, dtype=_new(dtype))


def tri(N, M=None, k=0, dtype=None):
    return np.tri(N, M, k=k, dtype=_new(dtype))


def arange(start, stop=None, step=None, dtype=None):
    out = to_native_dtype(rules.arange_dtype(start, stop, step, dtype))
    if stop is None:
        start, stop = 0, start
    return np.arange(start, stop, 1 if step is None else step).astype(out)


def _cast_values(values, dtype):
    """Cast computed float values to ``dtype``; integer dtypes round down as NumPy's linspace."""
    if not dtypes.is_float_dtype(dtype) and dtype != "bool" and not dtype.startswith("complex"):
        values = np.floor(values)
    return values.astype(to_native_dtype(dtype))


def _compute_dtype(out: str):
    return out if dtypes.is_float_dtype(out) and out not in ("float16", "bfloat16") else "float64"


def _check_axis(start, stop, axis, name):
    rank = max(convert_to_tensor(start).ndim, convert_to_tensor(stop).ndim)
    rules.canonical_axis(axis, rank + 1, name)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    _check_axis(start, stop, axis, "linspace")
    out = rules.linspace_dtype(start, stop, dtype)
    compute = to_native_dtype(_compute_dtype(out))
    values, step = np.linspace(convert_to_tensor(start).astype(compute), convert_to_tensor(stop).astype(compute),
                               num, endpoint=endpoint, retstep=True, axis=axis)
    values = _cast_values(values, out)
    return (values, np.asarray(step, values.dtype)) if retstep else values


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    _check_axis(start, stop, axis, "logspace")
    out = rules.linspace_dtype(start, stop, dtype)
    compute = to_native_dtype(_compute_dtype(out))
    exponents = np.linspace(convert_to_tensor(start).astype(compute), convert_to_tensor(stop).astype(compute),
                            num, endpoint=endpoint, axis=axis)
    return _cast_values(np.power(np.asarray(base, compute), exponents), out)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    _check_axis(start, stop, axis, "geomspace")
    out = rules.linspace_dtype(start, stop, dtype)
    compute = to_native_dtype(_compute_dtype(out))
    values = np.geomspace(convert_to_tensor(start).astype(compute), convert_to_tensor(stop).astype(compute),
                          num, endpoint=endpoint, axis=axis)
    return _cast_values(values, out)


def _check_matrix(x, name):
    if x.ndim < 2:
        raise ValueError(f"{name}: x must have rank >= 2, got shape {x.shape}.")


def tril(x, k=0):
    x = convert_to_tensor(x)
    _check_matrix(x, "tril")
    return np.tril(x, k)


def triu(x, k=0):
    x = convert_to_tensor(x)
    _check_matrix(x, "triu")
    return np.triu(x, k)


def diag(x, k=0):
    x = convert_to_tensor(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"diag: x must be 1-D or 2-D, got shape {x.shape}.")
    return np.array(np.diag(x, k))


def diagflat(x, k=0):
    return np.diagflat(convert_to_tensor(x), k)


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    if x.ndim != 1:
        raise ValueError(f"vander: x must be 1-D, got shape {x.shape}.")
    return np.vander(x, N, increasing=increasing).astype(x.dtype)


def meshgrid(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}.")
    return list(np.meshgrid(*(convert_to_tensor(t) for t in x), indexing=indexing))


def array(x, dtype=None):
    return convert_to_tensor(x, dtype)


def _window(np_fn, name):
    def window(x):
        return np_fn(rules.window_length(x, name)).astype(to_native_dtype(config.floatx()))

    window.__name__ = name
    return window


bartlett = _window(np.bartlett, "bartlett")
blackman = _window(np.blackman, "blackman")
hamming = _window(np.hamming, "hamming")
hanning = _window(np.hanning, "hanning")


def kaiser(x, beta):
    return np.kaiser(rules.window_length(x, "kaiser"), beta).astype(to_native_dtype(config.floatx()))
