"""Reductions and statistics shared by the NumPy and JAX backends (see kc/ops/_reductions.py for dtypes)."""

from __future__ import annotations

from types import ModuleType
from typing import Callable

from kc import dtypes
from kc.ops import _rules as rules


def float_compute(x, to_native_dtype: Callable):
    """(x in a float dtype fit for computing, kc result dtype)."""
    out = rules.float_dtype(x.dtype)
    compute = "float32" if out in ("float16", "bfloat16") else out
    return x.astype(to_native_dtype(compute), copy=False), to_native_dtype(out)


def reduction_ops(xp: ModuleType, core: ModuleType, as_array: Callable, quiet: Callable,
                  q_dtype: Callable) -> dict[str, Callable]:
    """Return the reductions over array module ``xp``, keyed by name.

    Args:
        xp: ``numpy`` or ``jax.numpy``.
        core: The backend's ``core`` module.
        as_array: Applied to reduction results (NumPy turns its scalars into 0-d arrays).
        quiet: Decorator for the reductions that may warn on NaN or empty input.
        q_dtype: ``q_dtype(x)``, the dtype quantiles ``q`` are converted to.

    Returns:
        The public reductions, keyed by name. ``bincount`` and ``histogram`` are
        left to each backend (JAX needs static lengths).
    """
    _t, _native = core.convert_to_tensor, core.to_native_dtype

    def _float_compute(x):
        return float_compute(x, _native)

    def _prep(x, axis, name):
        x = _t(x)
        return x, rules.reduction_axes(axis, x.ndim, name)

    def _is_float(x) -> bool:
        return dtypes.is_float_dtype(dtypes.standardize_dtype(x.dtype)) or x.dtype.kind == "c"

    def sum(x, axis=None, keepdims=False):
        x, axes = _prep(x, axis, "sum")
        return as_array(xp.sum(x, axis=axes, keepdims=keepdims, dtype=_native(rules.sum_dtype(x.dtype))))

    def prod(x, axis=None, keepdims=False, dtype=None):
        x, axes = _prep(x, axis, "prod")
        out = _native(dtype if dtype else rules.sum_dtype(x.dtype))
        return as_array(xp.prod(x, axis=axes, keepdims=keepdims, dtype=out))

    def _float_reduce(xp_fn, name):
        def reduce(x, axis=None, keepdims=False):
            x, axes = _prep(x, axis, name)
            x, out = _float_compute(x)
            return as_array(xp_fn(x, axis=axes, keepdims=keepdims)).astype(out, copy=False)

        reduce.__name__ = name
        return quiet(reduce)

    mean = _float_reduce(xp.mean, "mean")
    median = _float_reduce(xp.median, "median")
    std = _float_reduce(xp.std, "std")
    var = _float_reduce(xp.var, "var")
    nanmean = _float_reduce(xp.nanmean, "nanmean")
    nanmedian = _float_reduce(xp.nanmedian, "nanmedian")
    nanstd = _float_reduce(xp.nanstd, "nanstd")
    nanvar = _float_reduce(xp.nanvar, "nanvar")

    def average(x, axis=None, weights=None):
        x = _t(x)
        axes = rules.reduction_axes(axis, x.ndim, "average")
        if weights is None:
            return mean(x, axis=axes)
        weights = _t(weights)
        out = rules.float_dtype(dtypes.result_type(x.dtype, weights.dtype))
        compute = _native("float32" if out in ("float16", "bfloat16") else out)
        x, weights = x.astype(compute), weights.astype(compute)
        weights = _align_weights(weights, x.shape, axes)
        total = xp.sum(x * weights, axis=axes)
        return as_array(total / xp.sum(weights, axis=axes)).astype(_native(out))

    def _align_weights(weights, shape, axes):
        """Weights of x's shape, or 1-D along the single reduced axis (reshaped to broadcast)."""
        if weights.shape == tuple(shape):
            return weights
        if axes is None or len(axes) != 1 or weights.ndim != 1 or weights.shape[0] != shape[axes[0]]:
            raise ValueError(
                f"average: weights must have x's shape {tuple(shape)} or be 1-D of x's size along a single "
                f"axis, got weights of shape {weights.shape} with axis={axes}.")
        return weights.reshape([-1 if i == axes[0] else 1 for i in range(len(shape))])

    def _extremum(xp_fn, name):
        def reduce(x, axis=None, keepdims=False, initial=None):
            x, axes = _prep(x, axis, name)
            if initial is None:
                rules.check_nonempty_reduction(x.shape, axes, name)
                return as_array(xp_fn(x, axis=axes, keepdims=keepdims))
            initial = xp.asarray(initial).astype(x.dtype)
            return as_array(xp_fn(x, axis=axes, keepdims=keepdims, initial=initial))

        reduce.__name__ = name
        return reduce

    max = _extremum(xp.max, "max")
    min = _extremum(xp.min, "min")

    def amax(x, axis=None, keepdims=False):
        return max(x, axis=axis, keepdims=keepdims)

    def amin(x, axis=None, keepdims=False):
        return min(x, axis=axis, keepdims=keepdims)

    def any(x, axis=None, keepdims=False):
        x, axes = _prep(x, axis, "any")
        return as_array(xp.any(x, axis=axes, keepdims=keepdims))

    def all(x, axis=None, keepdims=False):
        x, axes = _prep(x, axis, "all")
        return as_array(xp.all(x, axis=axes, keepdims=keepdims))

    def count_nonzero(x, axis=None):
        x, axes = _prep(x, axis, "count_nonzero")
        return as_array(xp.count_nonzero(x, axis=axes)).astype(xp.int32)

    def _arg(xp_fn, name):
        def reduce(x, axis=None, keepdims=False):
            x = _t(x)
            if axis is not None:
                axis = rules.canonical_axis(axis, x.ndim, name)
            rules.check_nonempty_reduction(x.shape, None if axis is None else (axis,), name)
            return as_array(xp_fn(x, axis=axis, keepdims=keepdims)).astype(xp.int32)

        reduce.__name__ = name
        return reduce

    argmax = _arg(xp.argmax, "argmax")
    argmin = _arg(xp.argmin, "argmin")

    def _nan_arg(xp_fn, name, fill):
        def reduce(x, axis=None, keepdims=False):
            x = _t(x)
            if axis is not None:
                axis = rules.canonical_axis(axis, x.ndim, name)
            rules.check_nonempty_reduction(x.shape, None if axis is None else (axis,), name)
            if not _is_float(x):
                return as_array(xp_fn(x, axis=axis, keepdims=keepdims)).astype(xp.int32)
            nan = xp.isnan(x)
            index = xp_fn(xp.where(nan, fill, x), axis=axis, keepdims=keepdims)
            return as_array(xp.where(xp.all(nan, axis=axis, keepdims=keepdims), -1, index)).astype(xp.int32)

        reduce.__name__ = name
        return reduce

    nanargmax = _nan_arg(xp.argmax, "nanargmax", -xp.inf)
    nanargmin = _nan_arg(xp.argmin, "nanargmin", xp.inf)

    def _cumulative(xp_fn, name, nan_fill=None):
        def accumulate(x, axis=None, dtype=None):
            x = _t(x)
            if axis is not None:
                axis = rules.canonical_axis(axis, x.ndim, name)
            out = _native(dtype if dtype else rules.cumulative_dtype(x.dtype))
            if nan_fill is not None and _is_float(x):
                x = xp.where(xp.isnan(x), xp.asarray(nan_fill, x.dtype), x)
            return as_array(xp_fn(x, axis=axis, dtype=out))

        accumulate.__name__ = name
        return accumulate

    cumsum = _cumulative(xp.cumsum, "cumsum")
    cumprod = _cumulative(xp.cumprod, "cumprod")
    nancumsum = _cumulative(xp.cumsum, "nancumsum", nan_fill=0)
    nancumprod = _cumulative(xp.cumprod, "nancumprod", nan_fill=1)

    def ptp(x, axis=None, keepdims=False):
        x, axes = _prep(x, axis, "ptp")
        if x.dtype == xp.bool_:
            raise TypeError("ptp: x must be numeric, got a bool tensor (subtracting bools is undefined).")
        rules.check_nonempty_reduction(x.shape, axes, "ptp")
        return as_array(xp.ptp(x, axis=axes, keepdims=keepdims))

    def _quantile(xp_fn, name, scale):
        def reduce(x, q, axis=None, method="linear", keepdims=False):
            rules.check_quantile_method(method, name)
            x, axes = _prep(x, axis, name)
            x, out = _float_compute(x)
            q = xp.asarray(_t(q), dtype=q_dtype(x)) / scale
            return as_array(xp_fn(x, q, axis=axes, method=method, keepdims=keepdims)).astype(out)

        reduce.__name__ = name
        return quiet(reduce)

    quantile = _quantile(xp.quantile, "quantile", 1.0)
    percentile = _quantile(xp.quantile, "percentile", 100.0)
    nanquantile = _quantile(xp.nanquantile, "nanquantile", 1.0)
    nanpercentile = _quantile(xp.nanquantile, "nanpercentile", 100.0)

    def _nan_filled(reduce_fn, fill):
        def reduce(x, axis=None, keepdims=False):
            x = _t(x)
            if _is_float(x):
                x = xp.where(xp.isnan(x), xp.asarray(fill, x.dtype), x)
            return reduce_fn(x, axis=axis, keepdims=keepdims)

        reduce.__name__ = "nan" + reduce_fn.__name__
        return reduce

    nansum = _nan_filled(sum, 0)
    nanprod = _nan_filled(prod, 1)

    def _nan_extremum(xp_fn, name):
        @quiet
        def reduce(x, axis=None, keepdims=False):
            x, axes = _prep(x, axis, name)
            rules.check_nonempty_reduction(x.shape, axes, name)
            return as_array(xp_fn(x, axis=axes, keepdims=keepdims))

        reduce.__name__ = name
        return reduce

    nanmax = _nan_extremum(xp.nanmax, "nanmax")
    nanmin = _nan_extremum(xp.nanmin, "nanmin")

    def trapezoid(y, x=None, dx=1.0, axis=-1):
        y = _t(y)
        axis = rules.canonical_axis(axis, y.ndim, "trapezoid")
        if x is None:
            y, out = _float_compute(y)
            return as_array(xp.trapezoid(y, dx=dx, axis=axis)).astype(out)
        x = _t(x)
        out = _native(rules.float_dtype(dtypes.result_type(y.dtype, x.dtype)))
        compute = xp.float32 if out.itemsize < 4 else out
        return as_array(xp.trapezoid(y.astype(compute), x.astype(compute), axis=axis)).astype(out)

    @quiet
    def corrcoef(x):
        x = _t(x)
        if x.ndim not in (1, 2):
            raise ValueError(f"corrcoef: x must be 1-D or 2-D, got shape {x.shape}.")
        x, out = _float_compute(x)
        return as_array(xp.corrcoef(x)).astype(out)

    def correlate(x1, x2, mode="valid"):
        x1, x2 = _t(x1), _t(x2)
        if x1.ndim != 1 or x2.ndim != 1:
            raise ValueError(f"correlate: x1 and x2 must be 1-D, got shapes {x1.shape} and {x2.shape}.")
        rules.correlate_span(x1.shape[0], x2.shape[0], mode)
        out = _native(rules.float_dtype(dtypes.result_type(x1.dtype, x2.dtype)))
        compute = xp.float32 if out.itemsize < 4 else out
        return xp.correlate(x1.astype(compute), x2.astype(compute), mode=mode).astype(out)

    params = {"as_array", "quiet", "q_dtype"}
    return {name: f for name, f in locals().items()
            if callable(f) and not name.startswith("_") and name not in params}
