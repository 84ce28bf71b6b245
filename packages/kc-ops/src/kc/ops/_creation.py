"""Tensor creation: zeros, ones, full, eye, arange, linspace, tri/tril/triu, diag, windows, ...

New tensors default to floatx (as in Keras 3, even ``full(shape, 3)``); the
``*_like`` ops default to their input's dtype; `arange` infers its dtype from
its bounds (Python ints give int32). On torch, tensors go to
``kc.backend.torch.core.get_device()``.
"""

from __future__ import annotations

from kc import dtypes
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op

__all__ = [
    "zeros", "ones", "full", "zeros_like", "ones_like", "full_like", "empty", "empty_like",
    "eye", "identity", "arange", "linspace", "logspace", "geomspace", "tri", "tril", "triu",
    "diag", "diagflat", "vander", "meshgrid", "array", "bartlett", "blackman", "hamming",
    "hanning", "kaiser",
]


def _like(x, dtype=None):
    dtype = dtypes.standardize_dtype(dtype) if dtype is not None else rules.dtype_of(x)
    return KerasTensor(rules.shape_of(x), dtype)


def _like_rule(x, dtype=None):
    return _like(x, dtype=dtype)


def _full_like_rule(x, fill_value, dtype=None):
    return _like(x, dtype=dtype)


@op(tensors=())
def zeros(shape, dtype=None):
    """A tensor of zeros.

    Args:
        shape: int or tuple of ints.
        dtype: dtype; default floatx.

    Returns:
        The new tensor.

    Example:
        >>> kc.ops.zeros((2, 3)).shape
        (2, 3)
    """


@op(tensors=())
def ones(shape, dtype=None):
    """A tensor of ones (dtype default floatx).

    Example:
        >>> kc.ops.ones((2,))
        array([1., 1.], dtype=float32)
    """


@op(tensors=())
def full(shape, fill_value, dtype=None):
    """A tensor of ``shape`` filled with ``fill_value`` (a scalar or a tensor broadcast to shape).

    Args:
        shape: int or tuple of ints.
        fill_value: the value.
        dtype: dtype; default floatx, whatever the fill value (as in Keras 3).

    Returns:
        The new tensor.

    Example:
        >>> kc.ops.full((2,), 7)
        array([7., 7.], dtype=float32)
    """


@op(rule=_like_rule)
def zeros_like(x, dtype=None):
    """Zeros of x's shape (and dtype unless ``dtype`` is given).

    Example:
        >>> kc.ops.zeros_like([1, 2])
        array([0, 0], dtype=int32)
    """


@op(rule=_like_rule)
def ones_like(x, dtype=None):
    """Ones of x's shape (and dtype unless ``dtype`` is given).

    Example:
        >>> kc.ops.ones_like([1, 2])
        array([1, 1], dtype=int32)
    """


@op(rule=_full_like_rule)
def full_like(x, fill_value, dtype=None):
    """``fill_value`` in x's shape (and dtype unless ``dtype`` is given).

    Example:
        >>> kc.ops.full_like([1, 2], 2.5)
        array([2, 2], dtype=int32)
    """


@op(tensors=())
def empty(shape, dtype=None):
    """An uninitialised tensor (zeros on jax and tensorflow); dtype default floatx.

    Example:
        >>> kc.ops.empty((2, 2)).shape
        (2, 2)
    """


@op(rule=_like_rule)
def empty_like(x, dtype=None):
    """An uninitialised tensor of x's shape and dtype (zeros on jax and tensorflow).

    Example:
        >>> kc.ops.empty_like([1.0, 2.0]).shape
        (2,)
    """


@op(tensors=())
def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the k-th diagonal.

    Args:
        N: number of rows.
        M: number of columns (default N).
        k: diagonal offset (positive: above the main diagonal).
        dtype: dtype; default floatx.

    Returns:
        An (N, M) tensor.

    Example:
        >>> kc.ops.eye(2, 3, k=1)
        array([[0., 1., 0.],
               [0., 0., 1.]], dtype=float32)
    """


@op(tensors=())
def identity(n, dtype=None):
    """The (n, n) identity matrix (dtype default floatx).

    Example:
        >>> kc.ops.identity(2)
        array([[1., 0.],
               [0., 1.]], dtype=float32)
    """


@op(tensors=())
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in [start, stop) (``arange(n)``: [0, n)).

    Args:
        start: first value, or the stop when ``stop`` is None.
        stop: end (excluded).
        step: spacing (default 1).
        dtype: dtype; default the promotion of the bounds' dtypes (Python
            ints give int32, Python floats floatx).

    Returns:
        A 1-D tensor.

    Example:
        >>> kc.ops.arange(0, 2, 0.5)
        array([0. , 0.5, 1. , 1.5], dtype=float32)
    """


def _spaced_rule(start, stop, num, endpoint, dtype, axis):
    shape = rules.broadcast_shapes(rules.shape_of(start), rules.shape_of(stop))
    axis = rules.canonical_axis(axis, len(shape) + 1, "linspace")
    return KerasTensor(shape[:axis] + (num,) + shape[axis:], rules.linspace_dtype(start, stop, dtype))


def _linspace_rule(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    out = _spaced_rule(start, stop, num, endpoint, dtype, axis)
    return (out, KerasTensor((), out.dtype)) if retstep else out


@op(rule=_linspace_rule, tensors=("start", "stop"))
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from start to stop.

    Args:
        start: first value (scalar or tensor).
        stop: last value (included when ``endpoint``).
        num: number of values.
        endpoint: include ``stop``.
        retstep: also return the spacing.
        dtype: dtype; default the float type of start/stop. Integer dtypes
            round down, as NumPy.
        axis: where the new axis goes when start/stop are tensors.

    Returns:
        The values, or (values, step) when ``retstep``.

    Example:
        >>> kc.ops.linspace(0, 1, 5)
        array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """


@op(rule=lambda start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0: _spaced_rule(
    start, stop, num, endpoint, dtype, axis), tensors=("start", "stop"))
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``.

    Example:
        >>> kc.ops.logspace(0, 2, 3)
        array([  1.,  10., 100.], dtype=float32)
    """


@op(rule=lambda start, stop, num=50, endpoint=True, dtype=None, axis=0: _spaced_rule(
    start, stop, num, endpoint, dtype, axis), tensors=("start", "stop"))
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` values from start to stop spaced evenly on a log scale (a geometric progression).

    Example:
        >>> kc.ops.geomspace(1, 100, 3)
        array([  1.,  10., 100.], dtype=float32)
    """


@op(tensors=())
def tri(N, M=None, k=0, dtype=None):
    """An (N, M) tensor with ones at and below the k-th diagonal (dtype default floatx).

    Example:
        >>> kc.ops.tri(2)
        array([[1., 0.],
               [1., 1.]], dtype=float32)
    """


def _tri_rule(name):
    def rule(x, k=0):
        shape = rules.shape_of(x)
        if len(shape) < 2:
            raise ValueError(f"{name}: x must have rank >= 2, got shape {shape}.")
        return KerasTensor(shape, rules.dtype_of(x))

    return rule


@op(rule=_tri_rule("tril"))
def tril(x, k=0):
    """x with the elements above the k-th diagonal zeroed (batched over leading axes).

    Example:
        >>> kc.ops.tril([[1, 2], [3, 4]])
        array([[1, 0],
               [3, 4]], dtype=int32)
    """


@op(rule=_tri_rule("triu"))
def triu(x, k=0):
    """x with the elements below the k-th diagonal zeroed (batched over leading axes).

    Example:
        >>> kc.ops.triu([[1, 2], [3, 4]])
        array([[1, 2],
               [0, 4]], dtype=int32)
    """


def _diag_shape(shape: tuple, k: int) -> tuple:
    """diag's output shape: a 1-D input makes a square matrix, a 2-D one gives its k-th diagonal."""
    if len(shape) == 1:
        n = None if shape[0] is None else shape[0] + abs(k)
        return (n, n)
    if len(shape) == 2:
        rows, cols = shape
        if rows is None or cols is None:
            return (None,)
        return (max(0, min(rows + min(k, 0), cols - max(k, 0))),)
    raise ValueError(f"diag: x must be 1-D or 2-D, got shape {shape}.")


@op(rule=lambda x, k=0: KerasTensor(_diag_shape(rules.shape_of(x), k), rules.dtype_of(x)))
def diag(x, k=0):
    """Diagonal matrix from a 1-D tensor, or the k-th diagonal of a 2-D tensor.

    Example:
        >>> kc.ops.diag([1, 2])
        array([[1, 0],
               [0, 2]], dtype=int32)
    """


def _diagflat_rule(x, k=0):
    shape = rules.shape_of(x)
    size = None if None in shape else _size(shape)
    return KerasTensor(_diag_shape((size,), k), rules.dtype_of(x))


def _size(shape) -> int:
    out = 1
    for d in shape:
        out *= d
    return out


@op(rule=_diagflat_rule)
def diagflat(x, k=0):
    """Diagonal matrix with the flattened x on the k-th diagonal.

    Example:
        >>> kc.ops.diagflat([[1, 2]])
        array([[1, 0],
               [0, 2]], dtype=int32)
    """


def _vander_rule(x, N=None, increasing=False):
    shape = rules.shape_of(x)
    if len(shape) != 1:
        raise ValueError(f"vander: x must be 1-D, got shape {shape}.")
    return KerasTensor((shape[0], shape[0] if N is None else N), rules.dtype_of(x))


@op(rule=_vander_rule)
def vander(x, N=None, increasing=False):
    """Vandermonde matrix: columns are powers of x (decreasing unless ``increasing``).

    Args:
        x: 1-D tensor.
        N: number of columns (default len(x)).
        increasing: powers increase from left to right.

    Returns:
        A (len(x), N) tensor of x's dtype.

    Example:
        >>> kc.ops.vander([1, 2, 3], 2)
        array([[1, 1],
               [2, 1],
               [3, 1]], dtype=int32)
    """


def _meshgrid_rule(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}.")
    sizes = [_size(rules.shape_of(t)) if None not in rules.shape_of(t) else None for t in x]
    if indexing == "xy" and len(sizes) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    return [KerasTensor(tuple(sizes), rules.dtype_of(t)) for t in x]


@op(rule=_meshgrid_rule)
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate tensors.

    Args:
        *x: 1-D tensors.
        indexing: "xy" (Cartesian, the first two axes swapped) or "ij" (matrix).

    Returns:
        A list of N-D tensors, one per input, each of its input's dtype.

    Example:
        >>> [g.shape for g in kc.ops.meshgrid([1, 2], [3, 4, 5])]
        [(3, 2), (3, 2)]
    """


@op(rule=lambda x, dtype=None: KerasTensor(
    rules.shape_of(x), dtypes.standardize_dtype(dtype) if dtype else rules.dtype_of(x)))
def array(x, dtype=None):
    """A tensor from array-like data (Python ints -> int32, floats -> floatx).

    Example:
        >>> kc.ops.array([1, 2])
        array([1, 2], dtype=int32)
    """


@op(tensors=())
def bartlett(x):
    """The Bartlett (triangular) window of length x, floatx.

    Example:
        >>> kc.ops.bartlett(3)
        array([0., 1., 0.], dtype=float32)
    """


@op(tensors=())
def blackman(x):
    """The Blackman window of length x, floatx.

    Example:
        >>> kc.ops.blackman(3).shape
        (3,)
    """


@op(tensors=())
def hamming(x):
    """The Hamming window of length x, floatx.

    Example:
        >>> kc.ops.hamming(3)
        array([0.08, 1.  , 0.08], dtype=float32)
    """


@op(tensors=())
def hanning(x):
    """The Hann window of length x, floatx.

    Example:
        >>> kc.ops.hanning(3)
        array([0., 1., 0.], dtype=float32)
    """


@op(tensors=())
def kaiser(x, beta):
    """The Kaiser window of length x with shape parameter ``beta``, floatx.

    Example:
        >>> kc.ops.kaiser(3, 0.0)
        array([1., 1., 1.], dtype=float32)
    """

