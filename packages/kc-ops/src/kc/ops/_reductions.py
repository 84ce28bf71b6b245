"""Reductions and statistics: sum, mean, max, argmax, cumsum, quantile, nan*-variants, ...

Dtypes follow Keras 3: sums of bool/int8/int16 accumulate in int32 (uint8/uint16
in uint32); means, variances and quantiles of ints are floatx; arg-reductions
and counts are int32; any/all are bool. Unlike Keras, 64-bit inputs keep 64-bit
results (JAX without x64 narrows them itself).
"""

from __future__ import annotations

from kc import dtypes
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op

__all__ = [
    "sum", "prod", "mean", "median", "std", "var", "average", "max", "min", "amax", "amin",
    "any", "all", "count_nonzero", "argmax", "argmin", "cumsum", "cumprod", "ptp",
    "quantile", "percentile", "nansum", "nanprod", "nanmean", "nanmedian", "nanmin", "nanmax",
    "nanstd", "nanvar", "nanargmax", "nanargmin", "nancumsum", "nancumprod", "nanquantile",
    "nanpercentile", "trapezoid", "bincount", "histogram", "corrcoef", "correlate",
]


def _same(dtype):
    return dtypes.standardize_dtype(dtype)


def _bool(dtype):
    return "bool"


def _int32(dtype):
    return "int32"


def _reduce(name: str, dtype_rule):
    """Shape/dtype rule of a reduction ``f(x, axis=None, keepdims=False, ...)``."""

    def rule(x, axis=None, keepdims=False, *args, **kwargs):
        shape = rules.reduce_shape(rules.shape_of(x), axis, keepdims, op=name)
        return KerasTensor(shape, dtype_rule(rules.dtype_of(x)))

    return rule


def _cumulative(name: str):
    def rule(x, axis=None, dtype=None):
        shape = rules.shape_of(x)
        if axis is None:
            shape = (None,) if None in shape else (_size(shape),)
        else:
            rules.canonical_axis(axis, len(shape), name)
        return KerasTensor(shape, dtypes.standardize_dtype(dtype) if dtype else
                           rules.cumulative_dtype(rules.dtype_of(x)))

    return rule


def _quantile_rule(name: str):
    def rule(x, q, axis=None, method="linear", keepdims=False):
        shape = rules.reduce_shape(rules.shape_of(x), axis, keepdims, op=name)
        return KerasTensor(rules.shape_of(q) + shape, rules.float_dtype(rules.dtype_of(x)))

    return rule


def _size(shape) -> int:
    out = 1
    for d in shape:
        out *= d
    return out


@op(rule=_reduce("sum", rules.sum_dtype))
def sum(x, axis=None, keepdims=False):
    """Sum of elements over the given axes.

    Args:
        x: input tensor.
        axis: int, tuple of ints or None (all axes).
        keepdims: keep reduced axes with size 1.

    Returns:
        The sum; bool/int8/int16 give int32, uint8/uint16 give uint32.

    Example:
        >>> kc.ops.sum([[1, 2], [3, 4]], axis=0)
        array([4, 6], dtype=int32)
    """


@op(rule=lambda x, axis=None, keepdims=False, dtype=None: KerasTensor(
    rules.reduce_shape(rules.shape_of(x), axis, keepdims, op="prod"),
    dtypes.standardize_dtype(dtype) if dtype else rules.sum_dtype(rules.dtype_of(x))))
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product of elements over the given axes.

    Args:
        x: input tensor.
        axis: int, tuple of ints or None (all axes).
        keepdims: keep reduced axes with size 1.
        dtype: result dtype; default as for `sum`.

    Returns:
        The product.

    Example:
        >>> kc.ops.prod([[1, 2], [3, 4]], axis=1)
        array([ 2, 12], dtype=int32)
    """


@op(rule=_reduce("mean", rules.float_dtype))
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over the given axes (ints and bools give floatx).

    Example:
        >>> kc.ops.mean([1, 2, 4])
        array(2.3333333, dtype=float32)
    """


@op(rule=_reduce("median", rules.float_dtype))
def median(x, axis=None, keepdims=False):
    """Median over the given axes (the mean of the two middle values for even sizes).

    Example:
        >>> kc.ops.median([3, 1, 4, 2])
        array(2.5, dtype=float32)
    """


@op(rule=_reduce("std", rules.float_dtype))
def std(x, axis=None, keepdims=False):
    """Population standard deviation (ddof=0) over the given axes.

    Example:
        >>> kc.ops.std([1.0, 3.0])
        array(1., dtype=float32)
    """


@op(rule=_reduce("var", rules.float_dtype))
def var(x, axis=None, keepdims=False):
    """Population variance (ddof=0) over the given axes.

    Example:
        >>> kc.ops.var([1.0, 3.0])
        array(1., dtype=float32)
    """


def _average_rule(x, axis=None, weights=None):
    dtype = rules.dtype_of(x) if weights is None else dtypes.result_type(
        rules.dtype_of(x), rules.dtype_of(weights))
    return KerasTensor(rules.reduce_shape(rules.shape_of(x), axis, op="average"),
                       rules.float_dtype(dtype))


@op(rule=_average_rule, tensors=("x", "weights"))
def average(x, axis=None, weights=None):
    """Weighted average over ``axis``.

    Args:
        x: input tensor.
        axis: int, tuple of ints or None (all axes).
        weights: None (plain mean), a tensor of x's shape, or a 1-D tensor
            of x's size along ``axis`` (an int).

    Returns:
        The weighted average, a float tensor.

    Example:
        >>> kc.ops.average([1.0, 2.0, 4.0], weights=[1.0, 1.0, 2.0])
        array(2.75, dtype=float32)
    """


@op(rule=_reduce("max", _same))
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over the given axes.

    Args:
        x: input tensor.
        axis: int, tuple of ints or None (all axes).
        keepdims: keep reduced axes with size 1.
        initial: lower bound of the result; the only way to reduce an empty axis.

    Returns:
        The maximum, with x's dtype.

    Raises:
        ValueError: reducing an empty axis without ``initial``.

    Example:
        >>> kc.ops.max([[1, 5], [3, 2]], axis=0)
        array([3, 5], dtype=int32)
    """


@op(rule=_reduce("min", _same))
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over the given axes (``initial``: upper bound of the result).

    Example:
        >>> kc.ops.min([[1, 5], [3, 2]], axis=1)
        array([1, 2], dtype=int32)
    """


@op(rule=_reduce("amax", _same))
def amax(x, axis=None, keepdims=False):
    """Maximum over the given axes (`max` without ``initial``).

    Example:
        >>> kc.ops.amax([1, 5, 3])
        array(5, dtype=int32)
    """


@op(rule=_reduce("amin", _same))
def amin(x, axis=None, keepdims=False):
    """Minimum over the given axes (`min` without ``initial``).

    Example:
        >>> kc.ops.amin([1, 5, 3])
        array(1, dtype=int32)
    """


@op(rule=_reduce("any", _bool))
def any(x, axis=None, keepdims=False):
    """Whether any element is truthy over the given axes (bool result).

    Example:
        >>> kc.ops.any([[0, 1], [0, 0]], axis=1)
        array([ True, False])
    """


@op(rule=_reduce("all", _bool))
def all(x, axis=None, keepdims=False):
    """Whether all elements are truthy over the given axes (bool result).

    Example:
        >>> kc.ops.all([[1, 1], [0, 1]], axis=1)
        array([ True, False])
    """


@op(rule=lambda x, axis=None: KerasTensor(
    rules.reduce_shape(rules.shape_of(x), axis, op="count_nonzero"), "int32"))
def count_nonzero(x, axis=None):
    """Number of non-zero elements over the given axes (int32).

    Example:
        >>> kc.ops.count_nonzero([[0, 1], [2, 0]], axis=0)
        array([1, 1], dtype=int32)
    """


@op(rule=_reduce("argmax", _int32))
def argmax(x, axis=None, keepdims=False):
    """Index of the first maximum along ``axis`` (None: of the flattened tensor), int32.

    Example:
        >>> kc.ops.argmax([[1, 5], [3, 2]], axis=1)
        array([1, 0], dtype=int32)
    """


@op(rule=_reduce("argmin", _int32))
def argmin(x, axis=None, keepdims=False):
    """Index of the first minimum along ``axis`` (None: of the flattened tensor), int32.

    Example:
        >>> kc.ops.argmin([[1, 5], [3, 2]], axis=1)
        array([0, 1], dtype=int32)
    """


@op(rule=_cumulative("cumsum"))
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (None: of the flattened tensor).

    Args:
        x: input tensor.
        axis: int or None.
        dtype: result dtype; default x's dtype (bool gives int32).

    Returns:
        A tensor of x's shape (1-D when axis is None).

    Example:
        >>> kc.ops.cumsum([1, 2, 3])
        array([1, 3, 6], dtype=int32)
    """


@op(rule=_cumulative("cumprod"))
def cumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (None: of the flattened tensor).

    Example:
        >>> kc.ops.cumprod([1, 2, 3])
        array([1, 2, 6], dtype=int32)
    """


def _ptp_dtype(dtype):
    if dtype == "bool":
        raise TypeError("ptp: x must be numeric, got a bool tensor (subtracting bools is undefined).")
    return dtype


@op(rule=_reduce("ptp", _ptp_dtype))
def ptp(x, axis=None, keepdims=False):
    """Range (max - min) over the given axes; bool tensors raise TypeError.

    Example:
        >>> kc.ops.ptp([[1, 5], [3, 2]], axis=0)
        array([2, 3], dtype=int32)
    """


@op(rule=_quantile_rule("quantile"), tensors=("x", "q"))
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantiles of x over the given axes.

    Args:
        x: input tensor.
        q: a quantile in [0, 1] or a 1-D tensor of them.
        axis: int, tuple of ints or None (all axes).
        method: "linear", "lower", "higher", "midpoint" or "nearest".
        keepdims: keep reduced axes with size 1.

    Returns:
        A float tensor; q's axes come first.

    Example:
        >>> kc.ops.quantile([1.0, 2.0, 3.0, 4.0], 0.5)
        array(2.5, dtype=float32)
    """


@op(rule=_quantile_rule("percentile"), tensors=("x", "q"))
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th percentiles (q in [0, 100]) of x over the given axes; see `quantile`.

    Example:
        >>> kc.ops.percentile([1.0, 2.0, 3.0, 4.0], 50)
        array(2.5, dtype=float32)
    """


@op(rule=_reduce("nansum", rules.sum_dtype))
def nansum(x, axis=None, keepdims=False):
    """`sum` treating NaNs as zero.

    Example:
        >>> kc.ops.nansum([1.0, float("nan"), 2.0])
        array(3., dtype=float32)
    """


@op(rule=_reduce("nanprod", rules.sum_dtype))
def nanprod(x, axis=None, keepdims=False):
    """`prod` treating NaNs as one.

    Example:
        >>> kc.ops.nanprod([2.0, float("nan"), 3.0])
        array(6., dtype=float32)
    """


@op(rule=_reduce("nanmean", rules.float_dtype))
def nanmean(x, axis=None, keepdims=False):
    """`mean` ignoring NaNs (all-NaN slices give NaN).

    Example:
        >>> kc.ops.nanmean([1.0, float("nan"), 3.0])
        array(2., dtype=float32)
    """


@op(rule=_reduce("nanmedian", rules.float_dtype))
def nanmedian(x, axis=None, keepdims=False):
    """`median` ignoring NaNs (all-NaN slices give NaN).

    Example:
        >>> kc.ops.nanmedian([1.0, float("nan"), 3.0])
        array(2., dtype=float32)
    """


@op(rule=_reduce("nanmin", _same))
def nanmin(x, axis=None, keepdims=False):
    """`amin` ignoring NaNs (all-NaN slices give NaN).

    Example:
        >>> kc.ops.nanmin([2.0, float("nan"), 1.0])
        array(1., dtype=float32)
    """


@op(rule=_reduce("nanmax", _same))
def nanmax(x, axis=None, keepdims=False):
    """`amax` ignoring NaNs (all-NaN slices give NaN).

    Example:
        >>> kc.ops.nanmax([2.0, float("nan"), 1.0])
        array(2., dtype=float32)
    """


@op(rule=_reduce("nanstd", rules.float_dtype))
def nanstd(x, axis=None, keepdims=False):
    """`std` ignoring NaNs (all-NaN slices give NaN).

    Example:
        >>> kc.ops.nanstd([1.0, float("nan"), 3.0])
        array(1., dtype=float32)
    """


@op(rule=_reduce("nanvar", rules.float_dtype))
def nanvar(x, axis=None, keepdims=False):
    """`var` ignoring NaNs (all-NaN slices give NaN).

    Example:
        >>> kc.ops.nanvar([1.0, float("nan"), 3.0])
        array(1., dtype=float32)
    """


@op(rule=_reduce("nanargmax", _int32))
def nanargmax(x, axis=None, keepdims=False):
    """`argmax` ignoring NaNs; all-NaN slices give -1 (as in Keras 3, where NumPy raises).

    Example:
        >>> kc.ops.nanargmax([1.0, float("nan"), 3.0])
        array(2, dtype=int32)
    """


@op(rule=_reduce("nanargmin", _int32))
def nanargmin(x, axis=None, keepdims=False):
    """`argmin` ignoring NaNs; all-NaN slices give -1 (as in Keras 3, where NumPy raises).

    Example:
        >>> kc.ops.nanargmin([1.0, float("nan"), 3.0])
        array(0, dtype=int32)
    """


@op(rule=_cumulative("nancumsum"))
def nancumsum(x, axis=None, dtype=None):
    """`cumsum` treating NaNs as zero.

    Example:
        >>> kc.ops.nancumsum([1.0, float("nan"), 2.0])
        array([1., 1., 3.], dtype=float32)
    """


@op(rule=_cumulative("nancumprod"))
def nancumprod(x, axis=None, dtype=None):
    """`cumprod` treating NaNs as one.

    Example:
        >>> kc.ops.nancumprod([2.0, float("nan"), 3.0])
        array([2., 2., 6.], dtype=float32)
    """


@op(rule=_quantile_rule("nanquantile"), tensors=("x", "q"))
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """`quantile` ignoring NaNs.

    Example:
        >>> kc.ops.nanquantile([1.0, float("nan"), 3.0], 0.5)
        array(2., dtype=float32)
    """


@op(rule=_quantile_rule("nanpercentile"), tensors=("x", "q"))
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """`percentile` ignoring NaNs.

    Example:
        >>> kc.ops.nanpercentile([1.0, float("nan"), 3.0], 50)
        array(2., dtype=float32)
    """


def _trapezoid_rule(y, x=None, dx=1.0, axis=-1):
    shape = rules.shape_of(y)
    axis = rules.canonical_axis(axis, len(shape), "trapezoid")
    dtype = rules.dtype_of(y) if x is None else dtypes.result_type(rules.dtype_of(y), rules.dtype_of(x))
    return KerasTensor(shape[:axis] + shape[axis + 1:], rules.float_dtype(dtype))


@op(rule=_trapezoid_rule, tensors=("y", "x"))
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoidal rule.

    Args:
        y: values to integrate.
        x: sample points (1-D along ``axis`` or y's shape); None: spacing ``dx``.
        dx: spacing when ``x`` is None.
        axis: the axis to integrate along.

    Returns:
        A float tensor with ``axis`` removed.

    Example:
        >>> kc.ops.trapezoid([1.0, 2.0, 3.0])
        array(4., dtype=float32)
    """


def _bincount_rule(x, weights=None, minlength=0, sparse=False):
    shape = rules.shape_of(x)
    if len(shape) not in (1, 2):
        raise ValueError(f"bincount: x must be 1-D or 2-D (a batch of 1-D), got shape {shape}.")
    rules.check_bincount_dtype(rules.dtype_of(x))
    weights_dtype = None if weights is None else rules.dtype_of(weights)
    return KerasTensor(shape[:-1] + (None,), rules.bincount_dtype(weights_dtype))


@op(rule=_bincount_rule, tensors=("x", "weights"))
def bincount(x, weights=None, minlength=0, sparse=False):
    """Count occurrences of each non-negative integer value.

    Args:
        x: 1-D int tensor, or 2-D (each row counted separately).
        weights: optional tensor of x's shape; sums weights instead of counting.
        minlength: minimum output length. Under `jax.jit` the length must be
            static: there the output has exactly ``minlength`` bins.
        sparse: not supported by kc (raises NotImplementedError).

    Returns:
        Counts of length ``max(max(x) + 1, minlength)`` along the last axis.

    Example:
        >>> kc.ops.bincount([0, 1, 1, 3])
        array([1, 2, 0, 1], dtype=int32)
    """


def _histogram_rule(x, bins=10, range=None):
    shape = rules.shape_of(x)
    if len(shape) != 1:
        raise ValueError(f"histogram: x must be 1-D, got shape {shape}.")
    return (KerasTensor((bins,), "int32"), KerasTensor((bins + 1,), rules.float_dtype(rules.dtype_of(x))))


@op(rule=_histogram_rule)
def histogram(x, bins=10, range=None):
    """Histogram of a 1-D tensor with ``bins`` equal-width bins.

    Args:
        x: 1-D tensor.
        bins: number of bins.
        range: (lower, upper) of the bins; default (min(x), max(x)).

    Returns:
        (counts, bin_edges): int32 counts of shape (bins,) and float edges of
        shape (bins + 1,). Values outside ``range`` are not counted.

    Example:
        >>> kc.ops.histogram([1.0, 2.0, 2.5, 4.0], bins=3)[0]
        array([1, 2, 1], dtype=int32)
    """


def _corrcoef_rule(x):
    shape = rules.shape_of(x)
    if len(shape) not in (1, 2):
        raise ValueError(f"corrcoef: x must be 1-D or 2-D, got shape {shape}.")
    out = () if len(shape) == 1 else (shape[0], shape[0])
    return KerasTensor(out, rules.float_dtype(rules.dtype_of(x)))


@op(rule=_corrcoef_rule)
def corrcoef(x):
    """Pearson correlation coefficients of the rows (variables) of x.

    Example:
        >>> kc.ops.corrcoef([[1.0, 2.0, 3.0], [2.0, 4.0, 7.0]]).shape
        (2, 2)
    """


def _correlate_rule(x1, x2, mode="valid"):
    s1, s2 = rules.shape_of(x1), rules.shape_of(x2)
    if len(s1) != 1 or len(s2) != 1:
        raise ValueError(f"correlate: x1 and x2 must be 1-D, got shapes {s1} and {s2}.")
    length = None if None in s1 + s2 else rules.correlate_span(s1[0], s2[0], mode)[1]
    dtype = rules.float_dtype(dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2)))
    return KerasTensor((length,), dtype)


@op(rule=_correlate_rule)
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors, as `numpy.correlate`.

    Args:
        x1: 1-D tensor.
        x2: 1-D tensor.
        mode: "valid", "same" or "full".

    Returns:
        A 1-D float tensor.

    Example:
        >>> kc.ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0], mode="full")
        array([0., 1., 2., 3.], dtype=float32)
    """
