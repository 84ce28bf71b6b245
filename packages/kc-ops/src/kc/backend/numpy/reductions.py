"""Reductions and statistics of the NumPy backend (see kc/ops/_reductions.py for dtypes)."""

from __future__ import annotations

import builtins
import functools
import warnings

import numpy as np

from kc import dtypes
from kc.backend.numpy.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules


def _quiet(fn):
    """Silence NumPy's RuntimeWarnings (all-NaN slices, empty means): results carry NaN instead."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return wrapper


def _prep(x, axis, name):
    x = convert_to_tensor(x)
    return x, rules.reduction_axes(axis, x.ndim, name)


def _native(dtype):
    return to_native_dtype(dtype)


def _float_compute(x):
    """(x in a float dtype fit for computing, kc result dtype)."""
    out = rules.float_dtype(x.dtype)
    compute = "float32" if out in ("float16", "bfloat16") else out
    return x.astype(_native(compute), copy=False), _native(out)


def _is_float(x) -> bool:
    return dtypes.is_float_dtype(dtypes.standardize_dtype(x.dtype)) or x.dtype.kind == "c"


def sum(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "sum")
    return np.asarray(np.sum(x, axis=axes, keepdims=keepdims, dtype=_native(rules.sum_dtype(x.dtype))))


def prod(x, axis=None, keepdims=False, dtype=None):
    x, axes = _prep(x, axis, "prod")
    out = _native(dtype if dtype else rules.sum_dtype(x.dtype))
    return np.asarray(np.prod(x, axis=axes, keepdims=keepdims, dtype=out))


def _float_reduce(np_fn, name):
    def reduce(x, axis=None, keepdims=False):
        x, axes = _prep(x, axis, name)
        x, out = _float_compute(x)
        return np.asarray(np_fn(x, axis=axes, keepdims=keepdims)).astype(out, copy=False)

    reduce.__name__ = name
    return _quiet(reduce)


mean = _float_reduce(np.mean, "mean")
median = _float_reduce(np.median, "median")
std = _float_reduce(np.std, "std")
var = _float_reduce(np.var, "var")
nanmean = _float_reduce(np.nanmean, "nanmean")
nanmedian = _float_reduce(np.nanmedian, "nanmedian")
nanstd = _float_reduce(np.nanstd, "nanstd")
nanvar = _float_reduce(np.nanvar, "nanvar")


def average(x, axis=None, weights=None):
    x = convert_to_tensor(x)
    axes = rules.reduction_axes(axis, x.ndim, "average")
    if weights is None:
        return mean(x, axis=axes)
    weights = convert_to_tensor(weights)
    out = rules.float_dtype(dtypes.result_type(x.dtype, weights.dtype))
    compute = _native("float32" if out in ("float16", "bfloat16") else out)
    x, weights = x.astype(compute), weights.astype(compute)
    weights = _align_weights(weights, x.shape, axes)
    total = np.sum(x * weights, axis=axes)
    return np.asarray(total / np.sum(weights, axis=axes)).astype(_native(out))


def _align_weights(weights, shape, axes):
    """Weights of x's shape, or 1-D along the single reduced axis (reshaped to broadcast)."""
    if weights.shape == tuple(shape):
        return weights
    if axes is None or len(axes) != 1 or weights.ndim != 1 or weights.shape[0] != shape[axes[0]]:
        raise ValueError(
            f"average: weights must have x's shape {tuple(shape)} or be 1-D of x's size along a single "
            f"axis, got weights of shape {weights.shape} with axis={axes}.")
    return weights.reshape([-1 if i == axes[0] else 1 for i in range(len(shape))])


def _extremum(np_fn, name):
    def reduce(x, axis=None, keepdims=False, initial=None):
        x, axes = _prep(x, axis, name)
        if initial is None:
            rules.check_nonempty_reduction(x.shape, axes, name)
            return np.asarray(np_fn(x, axis=axes, keepdims=keepdims))
        initial = np.asarray(initial).astype(x.dtype)
        return np.asarray(np_fn(x, axis=axes, keepdims=keepdims, initial=initial))

    reduce.__name__ = name
    return reduce


max = _extremum(np.max, "max")
min = _extremum(np.min, "min")


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "any")
    return np.asarray(np.any(x, axis=axes, keepdims=keepdims))


def all(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "all")
    return np.asarray(np.all(x, axis=axes, keepdims=keepdims))


def count_nonzero(x, axis=None):
    x, axes = _prep(x, axis, "count_nonzero")
    return np.asarray(np.count_nonzero(x, axis=axes)).astype(np.int32)


def _arg(np_fn, name):
    def reduce(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if axis is not None:
            axis = rules.canonical_axis(axis, x.ndim, name)
        rules.check_nonempty_reduction(x.shape, None if axis is None else (axis,), name)
        return np.asarray(np_fn(x, axis=axis, keepdims=keepdims)).astype(np.int32)

    reduce.__name__ = name
    return reduce


argmax = _arg(np.argmax, "argmax")
argmin = _arg(np.argmin, "argmin")


def _nan_arg(np_fn, name, fill):
    def reduce(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if axis is not None:
            axis = rules.canonical_axis(axis, x.ndim, name)
        rules.check_nonempty_reduction(x.shape, None if axis is None else (axis,), name)
        if not _is_float(x):
            return np.asarray(np_fn(x, axis=axis, keepdims=keepdims)).astype(np.int32)
        nan = np.isnan(x)
        index = np_fn(np.where(nan, fill, x), axis=axis, keepdims=keepdims)
        return np.asarray(np.where(np.all(nan, axis=axis, keepdims=keepdims), -1, index)).astype(np.int32)

    reduce.__name__ = name
    return reduce


nanargmax = _nan_arg(np.argmax, "nanargmax", -np.inf)
nanargmin = _nan_arg(np.argmin, "nanargmin", np.inf)


def _cumulative(np_fn, name, nan_fill=None):
    def accumulate(x, axis=None, dtype=None):
        x = convert_to_tensor(x)
        if axis is not None:
            axis = rules.canonical_axis(axis, x.ndim, name)
        out = _native(dtype if dtype else rules.cumulative_dtype(x.dtype))
        if nan_fill is not None and _is_float(x):
            x = np.where(np.isnan(x), np.asarray(nan_fill, x.dtype), x)
        return np.asarray(np_fn(x, axis=axis, dtype=out))

    accumulate.__name__ = name
    return accumulate


cumsum = _cumulative(np.cumsum, "cumsum")
cumprod = _cumulative(np.cumprod, "cumprod")
nancumsum = _cumulative(np.cumsum, "nancumsum", nan_fill=0)
nancumprod = _cumulative(np.cumprod, "nancumprod", nan_fill=1)


def ptp(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "ptp")
    if x.dtype == np.bool_:
        raise TypeError("ptp: x must be numeric, got a bool tensor (subtracting bools is undefined).")
    rules.check_nonempty_reduction(x.shape, axes, "ptp")
    return np.asarray(np.ptp(x, axis=axes, keepdims=keepdims))


def _quantile(np_fn, name, scale):
    def reduce(x, q, axis=None, method="linear", keepdims=False):
        rules.check_quantile_method(method, name)
        x, axes = _prep(x, axis, name)
        x, out = _float_compute(x)
        q = np.asarray(convert_to_tensor(q), dtype=np.float64) / scale
        return np.asarray(np_fn(x, q, axis=axes, method=method, keepdims=keepdims)).astype(out)

    reduce.__name__ = name
    return _quiet(reduce)


quantile = _quantile(np.quantile, "quantile", 1.0)
percentile = _quantile(np.quantile, "percentile", 100.0)
nanquantile = _quantile(np.nanquantile, "nanquantile", 1.0)
nanpercentile = _quantile(np.nanquantile, "nanpercentile", 100.0)


def _nan_filled(reduce_fn, fill):
    def reduce(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if _is_float(x):
            x = np.where(np.isnan(x), np.asarray(fill, x.dtype), x)
        return reduce_fn(x, axis=axis, keepdims=keepdims)

    reduce.__name__ = "nan" + reduce_fn.__name__
    return reduce


nansum = _nan_filled(sum, 0)
nanprod = _nan_filled(prod, 1)


def _nan_extremum(np_fn, name):
    @_quiet
    def reduce(x, axis=None, keepdims=False):
        x, axes = _prep(x, axis, name)
        rules.check_nonempty_reduction(x.shape, axes, name)
        return np.asarray(np_fn(x, axis=axes, keepdims=keepdims))

    reduce.__name__ = name
    return reduce


nanmax = _nan_extremum(np.nanmax, "nanmax")
nanmin = _nan_extremum(np.nanmin, "nanmin")


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = convert_to_tensor(y)
    axis = rules.canonical_axis(axis, y.ndim, "trapezoid")
    if x is None:
        y, out = _float_compute(y)
        return np.asarray(np.trapezoid(y, dx=dx, axis=axis)).astype(out)
    x = convert_to_tensor(x)
    out = _native(rules.float_dtype(dtypes.result_type(y.dtype, x.dtype)))
    compute = np.float32 if out.itemsize < 4 else out
    return np.asarray(np.trapezoid(y.astype(compute), x.astype(compute), axis=axis)).astype(out)


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise NotImplementedError("bincount: sparse=True is not supported by kc on the numpy backend.")
    x = convert_to_tensor(x)
    _check_bincount(x)
    weights = None if weights is None else convert_to_tensor(weights)
    out = _native(rules.bincount_dtype(None if weights is None else weights.dtype))
    length = builtins.max(int(x.max()) + 1 if x.size else 0, minlength)
    x = x.astype(np.int64)
    if x.ndim == 1:
        return np.bincount(x, weights=weights, minlength=length).astype(out)
    weights = [None] * len(x) if weights is None else weights
    return np.stack([np.bincount(row, w, minlength=length) for row, w in zip(x, weights)]).astype(out)


def _check_bincount(x):
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: x must be 1-D or 2-D (a batch of 1-D), got shape {x.shape}.")
    rules.check_bincount_dtype(x.dtype)
    if x.size and x.min() < 0:
        raise ValueError(f"bincount: x must hold non-negative values, got minimum {x.min()}.")


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    if x.ndim != 1:
        raise ValueError(f"histogram: x must be 1-D, got shape {x.shape}.")
    x, out = _float_compute(x)
    counts, edges = np.histogram(x, bins=bins, range=range)
    return counts.astype(np.int32), edges.astype(out)


@_quiet
def corrcoef(x):
    x = convert_to_tensor(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"corrcoef: x must be 1-D or 2-D, got shape {x.shape}.")
    x, out = _float_compute(x)
    return np.asarray(np.corrcoef(x)).astype(out)


def correlate(x1, x2, mode="valid"):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"correlate: x1 and x2 must be 1-D, got shapes {x1.shape} and {x2.shape}.")
    rules.correlate_span(x1.shape[0], x2.shape[0], mode)
    out = _native(rules.float_dtype(dtypes.result_type(x1.dtype, x2.dtype)))
    compute = np.float32 if out.itemsize < 4 else out
    return np.correlate(x1.astype(compute), x2.astype(compute), mode=mode).astype(out)
