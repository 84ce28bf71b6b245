"""Reductions and statistics of the PyTorch backend (see kc/ops/_reductions.py for dtypes).

torch lacks many kernels for uint16/uint32/uint64: those compute in int64 and
cast back. Quantiles are computed by sorting (torch.quantile reduces one axis,
has a size limit and no NaN-ignoring form).
"""

from __future__ import annotations

import builtins
import math

import torch

from kc import dtypes
from kc.backend.torch.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules

_WIDE_UINTS = (torch.uint16, torch.uint32, torch.uint64)


def _prep(x, axis, name):
    x = convert_to_tensor(x)
    return x, rules.reduction_axes(axis, x.ndim, name)


def _all_axes(axes, ndim):
    return tuple(range(ndim)) if axes is None else axes


def _computable(x):
    """x, with torch's poorly supported unsigned types widened to int64."""
    return x.to(torch.int64) if x.dtype in _WIDE_UINTS else x


def _compute_dtype(name):
    """A dtype torch can accumulate in, for the kc result dtype ``name``."""
    dtype = to_native_dtype(name)
    return torch.int64 if dtype in _WIDE_UINTS else dtype


def _float_compute(x):
    """(x in a float dtype fit for computing, torch result dtype)."""
    out = to_native_dtype(rules.float_dtype(x.dtype))
    compute = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    return x.to(compute), out


def _is_float(x) -> bool:
    return x.dtype.is_floating_point or x.dtype.is_complex


def _reduce(fn, x, axes, keepdims, **kwargs):
    """``fn(x, dim=axes, keepdim=keepdims)``, where axes=() reduces nothing (torch would reduce all)."""
    axes = _all_axes(axes, x.ndim)
    if not axes:
        return x
    return fn(x, dim=axes, keepdim=keepdims, **kwargs)


def sum(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "sum")
    out = rules.sum_dtype(x.dtype)
    compute = _compute_dtype(out)
    return _reduce(torch.sum, _computable(x).to(compute), axes, keepdims).to(to_native_dtype(out))


def _prod_over(x, axes, keepdims):
    for a in sorted(_all_axes(axes, x.ndim), reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims)
    return x


def prod(x, axis=None, keepdims=False, dtype=None):
    x, axes = _prep(x, axis, "prod")
    out = dtypes.standardize_dtype(dtype) if dtype else rules.sum_dtype(x.dtype)
    compute = _compute_dtype(out)
    if compute == torch.bool:
        compute = torch.int64
    return _prod_over(_computable(x).to(compute), axes, keepdims).to(to_native_dtype(out))


def mean(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "mean")
    x, out = _float_compute(x)
    return _reduce(torch.mean, x, axes, keepdims).to(out)


def var(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "var")
    x, out = _float_compute(x)
    return _reduce(torch.var, x, axes, keepdims, correction=0).to(out)


def std(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "std")
    x, out = _float_compute(x)
    return _reduce(torch.std, x, axes, keepdims, correction=0).to(out)


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def average(x, axis=None, weights=None):
    x = convert_to_tensor(x)
    axes = rules.reduction_axes(axis, x.ndim, "average")
    if weights is None:
        return mean(x, axis=axes)
    weights = convert_to_tensor(weights)
    out = to_native_dtype(rules.float_dtype(dtypes.result_type(x.dtype, weights.dtype)))
    compute = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    x, weights = x.to(compute), _align_weights(weights.to(compute), x.shape, axes)
    total = _reduce(torch.sum, x * weights, axes, False)
    return (total / _reduce(torch.sum, weights.expand(x.shape), axes, False)).to(out)


def _align_weights(weights, shape, axes):
    """Weights of x's shape, or 1-D along the single reduced axis (reshaped to broadcast)."""
    if tuple(weights.shape) == tuple(shape):
        return weights
    if axes is None or len(axes) != 1 or weights.ndim != 1 or weights.shape[0] != shape[axes[0]]:
        raise ValueError(
            f"average: weights must have x's shape {tuple(shape)} or be 1-D of x's size along a single "
            f"axis, got weights of shape {tuple(weights.shape)} with axis={axes}.")
    return weights.reshape([-1 if i == axes[0] else 1 for i in range(len(shape))])


def _reduced_shape(shape, axes, keepdims):
    axes = _all_axes(axes, len(shape))
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _extremum(torch_fn, bool_fn, bound, name):
    def reduce(x, axis=None, keepdims=False, initial=None):
        x, axes = _prep(x, axis, name)
        if initial is None:
            rules.check_nonempty_reduction(tuple(x.shape), axes, name)
        elif x.numel() == 0:
            return torch.full(_reduced_shape(x.shape, axes, keepdims), initial, dtype=x.dtype, device=x.device)
        if x.dtype == torch.bool:
            result = _reduce(bool_fn, x, axes, keepdims)
        else:
            result = _reduce(torch_fn, _computable(x), axes, keepdims).to(x.dtype)
        if initial is not None:
            result = bound(result, torch.as_tensor(initial, device=x.device).to(x.dtype))
        return result

    reduce.__name__ = name
    return reduce


max = _extremum(torch.amax, torch.any, torch.maximum, "max")
min = _extremum(torch.amin, torch.all, torch.minimum, "min")


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "any")
    return _reduce(torch.any, x != 0, axes, keepdims)


def all(x, axis=None, keepdims=False):
    x, axes = _prep(x, axis, "all")
    return _reduce(torch.all, x != 0, axes, keepdims)


def count_nonzero(x, axis=None):
    x, axes = _prep(x, axis, "count_nonzero")
    return _reduce(torch.sum, (x != 0).to(torch.int32), axes, False).to(torch.int32)


def _arg_input(x, name, axis):
    x = convert_to_tensor(x)
    if axis is not None:
        axis = rules.canonical_axis(axis, x.ndim, name)
    rules.check_nonempty_reduction(tuple(x.shape), None if axis is None else (axis,), name)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return _computable(x), axis


def _arg_reduce(torch_fn, x, axis, keepdims):
    if axis is None:
        index = torch_fn(x.reshape(-1))
        return index.reshape((1,) * x.ndim if keepdims else ()).to(torch.int32)
    return torch_fn(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmax(x, axis=None, keepdims=False):
    x, axis = _arg_input(x, "argmax", axis)
    return _arg_reduce(torch.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    x, axis = _arg_input(x, "argmin", axis)
    return _arg_reduce(torch.argmin, x, axis, keepdims)


def _nan_arg(torch_fn, name, fill):
    def reduce(x, axis=None, keepdims=False):
        x, axis = _arg_input(x, name, axis)
        if not _is_float(x):
            return _arg_reduce(torch_fn, x, axis, keepdims)
        nan = torch.isnan(x)
        index = _arg_reduce(torch_fn, torch.where(nan, fill, x), axis, keepdims)
        all_nan = _reduce(torch.all, nan, None if axis is None else (axis,), keepdims)
        return torch.where(all_nan, -1, index).to(torch.int32)

    reduce.__name__ = name
    return reduce


nanargmax = _nan_arg(torch.argmax, "nanargmax", -math.inf)
nanargmin = _nan_arg(torch.argmin, "nanargmin", math.inf)


def _cumulative(torch_fn, name, nan_fill=None):
    def accumulate(x, axis=None, dtype=None):
        x = convert_to_tensor(x)
        if axis is None:
            x, axis = x.reshape(-1), 0
        axis = rules.canonical_axis(axis, x.ndim, name)
        out = dtypes.standardize_dtype(dtype) if dtype else rules.cumulative_dtype(x.dtype)
        compute = _compute_dtype(out)
        if compute == torch.bool:
            compute = torch.int64
        if nan_fill is not None and _is_float(x):
            x = torch.where(torch.isnan(x), nan_fill, x)
        return torch_fn(_computable(x).to(compute), dim=axis).to(to_native_dtype(out))

    accumulate.__name__ = name
    return accumulate


cumsum = _cumulative(torch.cumsum, "cumsum")
cumprod = _cumulative(torch.cumprod, "cumprod")
nancumsum = _cumulative(torch.cumsum, "nancumsum", nan_fill=0.0)
nancumprod = _cumulative(torch.cumprod, "nancumprod", nan_fill=1.0)


def ptp(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        raise TypeError("ptp: x must be numeric, got a bool tensor (subtracting bools is undefined).")
    return (max(x, axis, keepdims).to(_compute_dtype(x.dtype)) -
            min(x, axis, keepdims).to(_compute_dtype(x.dtype))).to(x.dtype)


def _quantile(name, scale, ignore_nan):
    def reduce(x, q, axis=None, method="linear", keepdims=False):
        rules.check_quantile_method(method, name)
        x, axes = _prep(x, axis, name)
        x, out = _float_compute(x)
        q = convert_to_tensor(q).to(x.dtype) / scale
        return _sorted_quantile(x, q, axes, method, keepdims, ignore_nan).to(out)

    reduce.__name__ = name
    return reduce


def _sorted_quantile(x, q, axes, method, keepdims, ignore_nan):
    """Quantiles by sorting the reduced axes (moved last and flattened), NumPy's methods."""
    axes = _all_axes(axes, x.ndim)
    kept = [i for i in range(x.ndim) if i not in axes]
    kept_shape = [x.shape[i] for i in kept]
    y = x.permute(kept + list(axes)).reshape(kept_shape + [-1])
    n = y.shape[-1]
    nan = torch.isnan(y)
    if ignore_nan:
        count = (~nan).sum(-1, keepdim=True).to(x.dtype)
        y = torch.where(nan, math.inf, y)
    else:
        count = torch.full(kept_shape + [1], n, dtype=x.dtype, device=x.device)
    y = torch.sort(y, dim=-1).values
    pos = q.reshape(-1) * (count - 1)
    lo = torch.floor(pos).clamp(0, n - 1)
    hi = torch.ceil(pos).clamp(0, n - 1)
    if method == "lower":
        hi = lo
    elif method == "higher":
        lo = hi
    elif method == "nearest":
        lo = hi = torch.round(pos).clamp(0, n - 1)
    a = torch.gather(y, -1, lo.long())
    b = torch.gather(y, -1, hi.long())
    if method == "linear":
        result = a + (b - a) * (pos - lo)
    else:
        result = (a + b) / 2
    bad = count == 0 if ignore_nan else nan.any(-1, keepdim=True)
    result = torch.where(bad, math.nan, result)
    result = result.movedim(-1, 0)
    if keepdims:
        full = [1 if i in axes else d for i, d in enumerate(x.shape)]
        result = result.reshape([result.shape[0]] + full)
    return result[0] if q.ndim == 0 else result


quantile = _quantile("quantile", 1.0, ignore_nan=False)
percentile = _quantile("percentile", 100.0, ignore_nan=False)
nanquantile = _quantile("nanquantile", 1.0, ignore_nan=True)
nanpercentile = _quantile("nanpercentile", 100.0, ignore_nan=True)


def _nan_filled(reduce_fn, fill):
    def reduce(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if _is_float(x):
            x = torch.where(torch.isnan(x), fill, x)
        return reduce_fn(x, axis=axis, keepdims=keepdims)

    reduce.__name__ = "nan" + reduce_fn.__name__
    return reduce


nansum = _nan_filled(sum, 0.0)
nanprod = _nan_filled(prod, 1.0)


def _nan_moments(x, axis, keepdims, name):
    """(x as float, nan mask, count of non-NaN, mean ignoring NaNs, reduced axes, result dtype)."""
    x, axes = _prep(x, axis, name)
    x, out = _float_compute(x)
    nan = torch.isnan(x)
    count = _reduce(torch.sum, (~nan).to(x.dtype), axes, True)
    mean_ = _reduce(torch.sum, torch.where(nan, 0.0, x), axes, True) / count
    return x, nan, count, mean_, axes, out


def _squeeze(x, axes, keepdims):
    return x if keepdims else x.reshape(_reduced_shape(x.shape, axes, False))


def nanmean(x, axis=None, keepdims=False):
    x, nan, count, mean_, axes, out = _nan_moments(x, axis, keepdims, "nanmean")
    return _squeeze(mean_, axes, keepdims).to(out)


def nanvar(x, axis=None, keepdims=False):
    x, nan, count, mean_, axes, out = _nan_moments(x, axis, keepdims, "nanvar")
    sq = torch.where(nan, 0.0, (x - mean_) ** 2)
    return _squeeze(_reduce(torch.sum, sq, axes, True) / count, axes, keepdims).to(out)


def nanstd(x, axis=None, keepdims=False):
    result = nanvar(x, axis=axis, keepdims=keepdims)
    return torch.sqrt(result.to(torch.float32) if result.dtype in (torch.float16, torch.bfloat16)
                      else result).to(result.dtype)


def _nan_extremum(reduce_fn, fill, name):
    def reduce(x, axis=None, keepdims=False):
        x, axes = _prep(x, axis, name)
        rules.check_nonempty_reduction(tuple(x.shape), axes, name)
        if not _is_float(x):
            return reduce_fn(x, axis=axes, keepdims=keepdims)
        nan = torch.isnan(x)
        result = reduce_fn(torch.where(nan, fill, x), axis=axes, keepdims=keepdims)
        return torch.where(_reduce(torch.all, nan, axes, keepdims), math.nan, result).to(x.dtype)

    reduce.__name__ = name
    return reduce


nanmax = _nan_extremum(amax, -math.inf, "nanmax")
nanmin = _nan_extremum(amin, math.inf, "nanmin")


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = convert_to_tensor(y)
    axis = rules.canonical_axis(axis, y.ndim, "trapezoid")
    if x is None:
        y, out = _float_compute(y)
        return torch.trapezoid(y, dx=dx, dim=axis).to(out)
    x = convert_to_tensor(x)
    out = to_native_dtype(rules.float_dtype(dtypes.result_type(y.dtype, x.dtype)))
    compute = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    return torch.trapezoid(y.to(compute), x.to(compute), dim=axis).to(out)


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise NotImplementedError("bincount: sparse=True is not supported by kc on the torch backend.")
    x = convert_to_tensor(x)
    _check_bincount(x)
    weights = None if weights is None else convert_to_tensor(weights)
    out = to_native_dtype(rules.bincount_dtype(None if weights is None else weights.dtype))
    x = x.to(torch.int64)
    length = builtins.max(int(x.max()) + 1 if x.numel() else 0, minlength)
    rows = x.reshape(-1, x.shape[-1]) if x.ndim == 2 else x.reshape(1, -1)
    index = (rows + length * torch.arange(rows.shape[0], device=x.device)[:, None]).reshape(-1)
    compute = _compute_dtype(rules.bincount_dtype(None if weights is None else weights.dtype))
    values = torch.ones_like(index, dtype=compute) if weights is None else weights.to(compute).reshape(-1)
    counts = torch.zeros(rows.shape[0] * length, dtype=compute, device=x.device).scatter_add(0, index, values)
    return counts.reshape(x.shape[:-1] + (length,)).to(out)


def _check_bincount(x):
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: x must be 1-D or 2-D (a batch of 1-D), got shape {tuple(x.shape)}.")
    rules.check_bincount_dtype(x.dtype)
    if x.numel() and int(x.min()) < 0:
        raise ValueError(f"bincount: x must hold non-negative values, got minimum {int(x.min())}.")


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    if x.ndim != 1:
        raise ValueError(f"histogram: x must be 1-D, got shape {tuple(x.shape)}.")
    x, out = _float_compute(x)
    if range is None:
        lo, hi = (x.min(), x.max()) if x.numel() else (x.new_tensor(0.0), x.new_tensor(1.0))
    else:
        lo, hi = x.new_tensor(range[0]), x.new_tensor(range[1])
    same = lo == hi
    lo, hi = torch.where(same, lo - 0.5, lo), torch.where(same, hi + 0.5, hi)
    edges = lo + (hi - lo) * torch.arange(bins + 1, device=x.device, dtype=x.dtype) / bins
    index = torch.floor((x - lo) / (hi - lo) * bins).long().clamp(max=bins - 1)
    index = torch.where((x >= lo) & (x <= hi), index, bins)
    counts = torch.zeros(bins + 1, dtype=torch.int32, device=x.device).scatter_add(
        0, index, torch.ones_like(index, dtype=torch.int32))
    return counts[:bins], edges.to(out)


def corrcoef(x):
    x = convert_to_tensor(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"corrcoef: x must be 1-D or 2-D, got shape {tuple(x.shape)}.")
    x, out = _float_compute(x)
    rows = x.reshape(1, -1) if x.ndim == 1 else x
    centered = rows - rows.mean(dim=1, keepdim=True)
    cov = centered @ centered.T
    std_ = torch.sqrt(torch.diagonal(cov))
    c = (cov / std_[:, None] / std_[None, :]).clamp(-1, 1)
    return (c[0, 0] if x.ndim == 1 else c).to(out)


def correlate(x1, x2, mode="valid"):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"correlate: x1 and x2 must be 1-D, got shapes {tuple(x1.shape)} and {tuple(x2.shape)}.")
    n, m = x1.shape[0], x2.shape[0]
    start, length = rules.correlate_span(n, m, mode)
    out = to_native_dtype(rules.float_dtype(dtypes.result_type(x1.dtype, x2.dtype)))
    compute = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    x1, x2 = x1.to(compute), x2.to(compute)
    padded = torch.nn.functional.pad(x1, (m - 1, m - 1))
    full = padded.unfold(0, m, 1) @ x2
    return full[start:start + length].to(out)


