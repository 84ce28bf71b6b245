"""Reductions and statistics of the TensorFlow backend (see kc/ops/_reductions.py for dtypes).

TensorFlow has no reduction kernels for bool and few for unsigned types: those
compute in a wider signed type and cast back. Quantiles are computed by sorting.
Shapes are read with tf.shape where they may be unknown inside tf.function.
"""

from __future__ import annotations

import math

import tensorflow as tf

from kc import dtypes
from kc.backend.tensorflow.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules

_COMPUTE = {"bool": tf.int32, "uint8": tf.int32, "uint16": tf.int32, "uint32": tf.int64, "uint64": tf.int64}


def _name(x) -> str:
    return dtypes.standardize_dtype(x.dtype)


def _prep(x, axis, name):
    x = convert_to_tensor(x)
    return x, rules.reduction_axes(axis, x.shape.rank, name)


def _all_axes(axes, ndim):
    return tuple(range(ndim)) if axes is None else axes


def _computable(x):
    """x, with bool and unsigned types widened to a signed type TensorFlow reduces."""
    compute = _COMPUTE.get(_name(x))
    return x if compute is None else tf.cast(x, compute)


def _float_compute(x):
    """(x in a float dtype fit for computing, tf result dtype)."""
    out = to_native_dtype(rules.float_dtype(x.dtype))
    compute = tf.float32 if out in (tf.float16, tf.bfloat16) else out
    return tf.cast(x, compute), out


def _is_float(x) -> bool:
    return x.dtype.is_floating or x.dtype.is_complex


def _reduce(fn, x, axes, keepdims):
    axes = _all_axes(axes, x.shape.rank)
    if not axes:
        return x
    return fn(x, axis=list(axes), keepdims=keepdims)


def _cast(x, name):
    return tf.cast(x, to_native_dtype(name))


def sum(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "sum")
    out = rules.sum_dtype(x.dtype)
    return _cast(_reduce(tf.reduce_sum, _computable(_cast(x, out)), axes, keepdims), out)


def prod(x, axis=None, keepdims=False, dtype=None):
    x, axes = _prep(x, axis, "prod")
    out = dtypes.standardize_dtype(dtype) if dtype else rules.sum_dtype(x.dtype)
    return _cast(_reduce(tf.reduce_prod, _computable(_cast(x, out)), axes, keepdims), out)


def _float_reduce(tf_fn, name):
    def reduce(x, axis=None, keepdims=False):
        x, axes = _prep(x, axis, name)
        x, out = _float_compute(x)
        return tf.cast(_reduce(tf_fn, x, axes, keepdims), out)

    reduce.__name__ = name
    return reduce


mean = _float_reduce(tf.reduce_mean, "mean")
var = _float_reduce(tf.math.reduce_variance, "var")
std = _float_reduce(tf.math.reduce_std, "std")


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def average(x, axis=None, weights=None):
    x = convert_to_tensor(x)
    axes = rules.reduction_axes(axis, x.shape.rank, "average")
    if weights is None:
        return mean(x, axis=axes)
    weights = convert_to_tensor(weights)
    out = to_native_dtype(rules.float_dtype(dtypes.result_type(x.dtype, weights.dtype)))
    compute = tf.float32 if out in (tf.float16, tf.bfloat16) else out
    x, weights = tf.cast(x, compute), _align_weights(tf.cast(weights, compute), x.shape, axes)
    total = _reduce(tf.reduce_sum, x * weights, axes, False)
    return tf.cast(total / _reduce(tf.reduce_sum, weights * tf.ones_like(x), axes, False), out)


def _align_weights(weights, shape, axes):
    """Weights of x's shape, or 1-D along the single reduced axis (reshaped to broadcast)."""
    if weights.shape.as_list() == shape.as_list():
        return weights
    if axes is None or len(axes) != 1 or weights.shape.rank != 1 or weights.shape[0] != shape[axes[0]]:
        raise ValueError(
            f"average: weights must have x's shape {tuple(shape)} or be 1-D of x's size along a single "
            f"axis, got weights of shape {tuple(weights.shape)} with axis={axes}.")
    return tf.reshape(weights, [-1 if i == axes[0] else 1 for i in range(shape.rank)])


def _extremum(tf_fn, bool_fn, bound, name):
    def reduce(x, axis=None, keepdims=False, initial=None):
        x, axes = _prep(x, axis, name)
        if initial is None:
            rules.check_nonempty_reduction(tuple(x.shape.as_list()), axes, name)
        if x.dtype == tf.bool:
            result = _reduce(bool_fn, x, axes, keepdims)
        else:
            result = tf.cast(_reduce(tf_fn, _computable(x), axes, keepdims), x.dtype)
        if initial is not None:
            result = bound(result, tf.cast(initial, x.dtype))
        return result

    reduce.__name__ = name
    return reduce


def _bool_bound(fn):
    return lambda a, b: tf.cast(fn(tf.cast(a, tf.int32), tf.cast(b, tf.int32)), a.dtype)


def _bound(fn):
    def bounded(a, b):
        if a.dtype == tf.bool:
            return _bool_bound(fn)(a, b)
        return tf.cast(fn(_computable(a), _computable(b)), a.dtype)

    return bounded


max = _extremum(tf.reduce_max, tf.reduce_any, _bound(tf.maximum), "max")
min = _extremum(tf.reduce_min, tf.reduce_all, _bound(tf.minimum), "min")


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def _truthy(x):
    return x if x.dtype == tf.bool else tf.not_equal(x, tf.zeros((), x.dtype))


def any(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "any")
    return _reduce(tf.reduce_any, _truthy(x), axes, keepdims)


def all(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "all")
    return _reduce(tf.reduce_all, _truthy(x), axes, keepdims)


def count_nonzero(x, axis=None):
    x, axes = _prep(x, axis, "count_nonzero")
    return _reduce(tf.reduce_sum, tf.cast(_truthy(x), tf.int32), axes, False)


def _arg_input(x, name, axis):
    x = convert_to_tensor(x)
    if axis is not None:
        axis = rules.canonical_axis(axis, x.shape.rank, name)
    rules.check_nonempty_reduction(tuple(x.shape.as_list()), None if axis is None else (axis,), name)
    return _computable(x), axis


def _arg_reduce(tf_fn, x, axis, keepdims):
    if axis is None:
        index = tf_fn(tf.reshape(x, [-1]), axis=0, output_type=tf.int32)
        return tf.reshape(index, [1] * x.shape.rank) if keepdims else index
    index = tf_fn(x, axis=axis, output_type=tf.int32)
    return tf.expand_dims(index, axis) if keepdims else index


def argmax(x, axis=None, keepdims=False):
    x, axis = _arg_input(x, "argmax", axis)
    return _arg_reduce(tf.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    x, axis = _arg_input(x, "argmin", axis)
    return _arg_reduce(tf.argmin, x, axis, keepdims)


def _nan_arg(tf_fn, name, fill):
    def reduce(x, axis=None, keepdims=False):
        x, axis = _arg_input(x, name, axis)
        if not _is_float(x):
            return _arg_reduce(tf_fn, x, axis, keepdims)
        nan = tf.math.is_nan(x)
        index = _arg_reduce(tf_fn, tf.where(nan, tf.cast(fill, x.dtype), x), axis, keepdims)
        all_nan = _reduce(tf.reduce_all, nan, None if axis is None else (axis,), keepdims)
        return tf.where(all_nan, -1, index)

    reduce.__name__ = name
    return reduce


nanargmax = _nan_arg(tf.argmax, "nanargmax", -math.inf)
nanargmin = _nan_arg(tf.argmin, "nanargmin", math.inf)


def _cumulative(tf_fn, name, nan_fill=None):
    def accumulate(x, axis=None, dtype=None):
        x = convert_to_tensor(x)
        if axis is None:
            x, axis = tf.reshape(x, [-1]), 0
        axis = rules.canonical_axis(axis, x.shape.rank, name)
        out = dtypes.standardize_dtype(dtype) if dtype else rules.cumulative_dtype(x.dtype)
        if nan_fill is not None and _is_float(x):
            x = tf.where(tf.math.is_nan(x), tf.cast(nan_fill, x.dtype), x)
        return _cast(tf_fn(_computable(_cast(x, out)), axis=axis), out)

    accumulate.__name__ = name
    return accumulate


cumsum = _cumulative(tf.math.cumsum, "cumsum")
cumprod = _cumulative(tf.math.cumprod, "cumprod")
nancumsum = _cumulative(tf.math.cumsum, "nancumsum", nan_fill=0.0)
nancumprod = _cumulative(tf.math.cumprod, "nancumprod", nan_fill=1.0)


def ptp(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        raise TypeError("ptp: x must be numeric, got a bool tensor (subtracting bools is undefined).")
    high = _computable(max(x, axis, keepdims))
    return tf.cast(high - _computable(min(x, axis, keepdims)), x.dtype)


def _quantile(name, scale, ignore_nan):
    def reduce(x, q, axis=None, method="linear", keepdims=False):
        rules.check_quantile_method(method, name)
        x, axes = _prep(x, axis, name)
        x, out = _float_compute(x)
        q = tf.cast(convert_to_tensor(q), x.dtype) / scale
        return tf.cast(_sorted_quantile(x, q, axes, method, keepdims, ignore_nan), out)

    reduce.__name__ = name
    return reduce


def _sorted_quantile(x, q, axes, method, keepdims, ignore_nan):
    """Quantiles by sorting the reduced axes (moved last and flattened), NumPy's methods."""
    rank = x.shape.rank
    axes = _all_axes(axes, rank)
    kept = [i for i in range(rank) if i not in axes]
    kept_shape = tf.gather(tf.shape(x), kept) if kept else tf.zeros([0], tf.int32)
    y = tf.reshape(tf.transpose(x, kept + list(axes)), tf.concat([kept_shape, [-1]], 0))
    n = tf.cast(tf.shape(y)[-1], x.dtype)
    nan = tf.math.is_nan(y)
    if ignore_nan:
        count = tf.reduce_sum(tf.cast(~nan, x.dtype), axis=-1, keepdims=True)
    else:
        count = tf.fill(tf.concat([kept_shape, [1]], 0), n)
    y = tf.sort(tf.where(nan, tf.cast(math.inf, x.dtype), y), axis=-1)
    pos = tf.reshape(q, [-1]) * (count - 1)
    lo = tf.clip_by_value(tf.floor(pos), 0, n - 1)
    hi = tf.clip_by_value(tf.math.ceil(pos), 0, n - 1)
    if method == "lower":
        hi = lo
    elif method == "higher":
        lo = hi
    elif method == "nearest":
        lo = hi = tf.clip_by_value(tf.round(pos), 0, n - 1)
    a = tf.gather(y, tf.cast(lo, tf.int32), batch_dims=len(kept))
    b = tf.gather(y, tf.cast(hi, tf.int32), batch_dims=len(kept))
    result = a + (b - a) * (pos - lo) if method == "linear" else (a + b) / 2
    bad = tf.equal(count, 0) if ignore_nan else tf.reduce_any(nan, axis=-1, keepdims=True)
    result = tf.where(bad, tf.cast(math.nan, x.dtype), result)
    result = tf.transpose(result, [len(kept)] + list(range(len(kept))))
    if keepdims:
        for a_ in sorted(axes):
            result = tf.expand_dims(result, a_ + 1)
    return result[0] if q.shape.rank == 0 else result


quantile = _quantile("quantile", 1.0, ignore_nan=False)
percentile = _quantile("percentile", 100.0, ignore_nan=False)
nanquantile = _quantile("nanquantile", 1.0, ignore_nan=True)
nanpercentile = _quantile("nanpercentile", 100.0, ignore_nan=True)


def _nan_filled(reduce_fn, fill):
    def reduce(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if _is_float(x):
            x = tf.where(tf.math.is_nan(x), tf.cast(fill, x.dtype), x)
        return reduce_fn(x, axis=axis, keepdims=keepdims)

    reduce.__name__ = "nan" + reduce_fn.__name__
    return reduce


nansum = _nan_filled(sum, 0.0)
nanprod = _nan_filled(prod, 1.0)


def _nan_moments(x, axis, name):
    """(x as float, nan mask, count of non-NaN, NaN-ignoring mean with kept axes, axes, result dtype)."""
    x, axes = _prep(x, axis, name)
    x, out = _float_compute(x)
    nan = tf.math.is_nan(x)
    count = _reduce(tf.reduce_sum, tf.cast(~nan, x.dtype), axes, True)
    mean_ = _reduce(tf.reduce_sum, tf.where(nan, tf.zeros_like(x), x), axes, True) / count
    return x, nan, count, mean_, axes, out


def _squeeze(x, axes, keepdims):
    if keepdims:
        return x
    return tf.squeeze(x, list(_all_axes(axes, x.shape.rank))) if x.shape.rank else x


def nanmean(x, axis=None, keepdims=False):
    x, nan, count, mean_, axes, out = _nan_moments(x, axis, "nanmean")
    return tf.cast(_squeeze(mean_, axes, keepdims), out)


def nanvar(x, axis=None, keepdims=False):
    x, nan, count, mean_, axes, out = _nan_moments(x, axis, "nanvar")
    sq = tf.where(nan, tf.zeros_like(x), tf.square(x - mean_))
    return tf.cast(_squeeze(_reduce(tf.reduce_sum, sq, axes, True) / count, axes, keepdims), out)


def nanstd(x, axis=None, keepdims=False):
    result = nanvar(x, axis=axis, keepdims=keepdims)
    return tf.cast(tf.sqrt(tf.cast(result, tf.float32) if result.dtype in (tf.float16, tf.bfloat16)
                           else result), result.dtype)


def _nan_extremum(reduce_fn, fill, name):
    def reduce(x, axis=None, keepdims=False):
        x, axes = _prep(x, axis, name)
        rules.check_nonempty_reduction(tuple(x.shape.as_list()), axes, name)
        if not _is_float(x):
            return reduce_fn(x, axis=axes, keepdims=keepdims)
        nan = tf.math.is_nan(x)
        result = reduce_fn(tf.where(nan, tf.cast(fill, x.dtype), x), axis=axes, keepdims=keepdims)
        return tf.where(_reduce(tf.reduce_all, nan, axes, keepdims), tf.cast(math.nan, x.dtype), result)

    reduce.__name__ = name
    return reduce


nanmax = _nan_extremum(amax, -math.inf, "nanmax")
nanmin = _nan_extremum(amin, math.inf, "nanmin")


def _slice(t, axis, start, stop):
    return t[(slice(None),) * axis + (slice(start, stop),)]


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = convert_to_tensor(y)
    axis = rules.canonical_axis(axis, y.shape.rank, "trapezoid")
    dtype = _name(y) if x is None else dtypes.result_type(y.dtype, convert_to_tensor(x).dtype)
    out = to_native_dtype(rules.float_dtype(dtype))
    compute = tf.float32 if out in (tf.float16, tf.bfloat16) else out
    y = tf.cast(y, compute)
    if x is None:
        d = tf.cast(dx, compute)
    else:
        x = tf.cast(convert_to_tensor(x), compute)
        d = _slice(x, x.shape.rank - 1 if x.shape.rank == 1 else axis, 1, None) - \
            _slice(x, x.shape.rank - 1 if x.shape.rank == 1 else axis, None, -1)
        if x.shape.rank == 1:
            d = tf.reshape(d, [-1 if i == axis else 1 for i in range(y.shape.rank)])
    mid = (_slice(y, axis, 1, None) + _slice(y, axis, None, -1)) / 2
    return tf.cast(tf.reduce_sum(d * mid, axis=axis), out)


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise NotImplementedError("bincount: sparse=True is not supported by kc on the tensorflow backend.")
    x = convert_to_tensor(x)
    _check_bincount(x)
    weights = None if weights is None else convert_to_tensor(weights)
    out = rules.bincount_dtype(None if weights is None else weights.dtype)
    compute = tf.int32 if weights is None else (
        tf.float64 if out == "float64" else tf.float32 if _is_float(weights) else tf.int64)
    counts = tf.math.bincount(
        tf.cast(x, tf.int32), weights=None if weights is None else tf.cast(weights, compute),
        minlength=minlength, dtype=compute, axis=None if x.shape.rank == 1 else -1)
    return _cast(counts, out)


def _check_bincount(x):
    if x.shape.rank not in (1, 2):
        raise ValueError(f"bincount: x must be 1-D or 2-D (a batch of 1-D), got shape {tuple(x.shape)}.")
    rules.check_bincount_dtype(x.dtype)
    if tf.executing_eagerly() and tf.size(x) > 0 and int(tf.reduce_min(_computable(x))) < 0:
        raise ValueError(f"bincount: x must hold non-negative values, got minimum {int(tf.reduce_min(x))}.")


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    if x.shape.rank != 1:
        raise ValueError(f"histogram: x must be 1-D, got shape {tuple(x.shape)}.")
    x, out = _float_compute(x)
    if range is None:
        lo, hi = tf.reduce_min(x), tf.reduce_max(x)
    else:
        lo, hi = tf.cast(range[0], x.dtype), tf.cast(range[1], x.dtype)
    same = tf.equal(lo, hi)
    lo, hi = tf.where(same, lo - 0.5, lo), tf.where(same, hi + 0.5, hi)
    edges = lo + (hi - lo) * tf.cast(tf.range(bins + 1), x.dtype) / bins
    index = tf.minimum(tf.cast(tf.floor((x - lo) / (hi - lo) * bins), tf.int32), bins - 1)
    index = tf.where((x >= lo) & (x <= hi), index, bins)
    counts = tf.math.bincount(index, minlength=bins + 1, maxlength=bins + 1, dtype=tf.int32)
    return counts[:bins], tf.cast(edges, out)


def corrcoef(x):
    x = convert_to_tensor(x)
    if x.shape.rank not in (1, 2):
        raise ValueError(f"corrcoef: x must be 1-D or 2-D, got shape {tuple(x.shape)}.")
    x, out = _float_compute(x)
    rows = tf.reshape(x, [1, -1]) if x.shape.rank == 1 else x
    centered = rows - tf.reduce_mean(rows, axis=1, keepdims=True)
    cov = tf.matmul(centered, centered, transpose_b=True)
    std_ = tf.sqrt(tf.linalg.diag_part(cov))
    c = tf.clip_by_value(cov / std_[:, None] / std_[None, :], -1, 1)
    return tf.cast(c[0, 0] if x.shape.rank == 1 else c, out)


def correlate(x1, x2, mode="valid"):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if x1.shape.rank != 1 or x2.shape.rank != 1:
        raise ValueError(f"correlate: x1 and x2 must be 1-D, got shapes {tuple(x1.shape)} and {tuple(x2.shape)}.")
    n, m = x1.shape[0], x2.shape[0]
    start, length = rules.correlate_span(n, m, mode)
    out = to_native_dtype(rules.float_dtype(dtypes.result_type(x1.dtype, x2.dtype)))
    compute = tf.float32 if out in (tf.float16, tf.bfloat16) else out
    padded = tf.pad(tf.cast(x1, compute), [[m - 1, m - 1]])
    full = tf.linalg.matvec(tf.signal.frame(padded, m, 1), tf.cast(x2, compute))
    return tf.cast(full[start:start + length], out)
