"""Shape manipulation: reshape, transpose, join, split, tile, pad, get_item, rearrange, ...

Each declaration's body is its shape/dtype rule (run on `KerasTensor`s); the
computation is ``kc.backend.<active>.manipulation``. Backends call the shape
helpers of `kc.ops._rules` on concrete shapes too, so bad input raises the
same error on every backend.
"""

from __future__ import annotations

import numbers
import re

from kc import dtypes
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op
from kc.ops._rules import canonical_axis, dtype_of, shape_of

__all__ = [
    "append", "array_split", "broadcast_to", "concatenate", "copy", "diff", "dsplit", "dstack",
    "expand_dims", "flip", "fliplr", "flipud", "get_item", "hsplit", "hstack", "moveaxis", "ndim",
    "pad", "ravel", "rearrange", "repeat", "reshape", "roll", "rot90", "size", "split", "squeeze",
    "stack", "swapaxes", "tile", "transpose", "unravel_index", "view", "vsplit", "vstack",
]

PAD_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum",
             "reflect", "symmetric", "wrap", "empty", "circular")


def _spec(x, shape) -> KerasTensor:
    return KerasTensor(tuple(shape), dtype_of(x))


def _joined_dtype(xs) -> str:
    return dtypes.result_type(*[dtype_of(x) for x in xs])


# --- shape rules shared by several declarations (also used by the backends) ---


def transpose_axes(axes, ndim: int, op: str = "transpose") -> tuple:
    """Validated permutation (default: reversed axes)."""
    if axes is None:
        return tuple(range(ndim - 1, -1, -1))
    perm = tuple(canonical_axis(a, ndim, op) for a in axes)
    if sorted(perm) != list(range(ndim)):
        raise ValueError(f"{op}: axes must be a permutation of 0..{ndim - 1}, got {tuple(axes)}.")
    return perm


def split_sizes(dim, indices_or_sections, op: str = "split", even: bool = True) -> list:
    """Sizes of the pieces along the split axis (None where unknown)."""
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise ValueError(f"{op}: indices_or_sections must be a positive int, got {n}.")
        if dim is None:
            return [None] * n
        if even and dim % n:
            raise ValueError(f"{op}: a size-{dim} axis cannot be split into {n} equal parts.")
        return [dim // n + (1 if i < dim % n else 0) for i in range(n)]
    bounds = [int(i) for i in indices_or_sections]
    if dim is None:
        return [None] * (len(bounds) + 1)
    edges = [0] + [min(max(b + dim if b < 0 else b, 0), dim) for b in bounds] + [dim]
    return [max(b - a, 0) for a, b in zip(edges[:-1], edges[1:])]


def pad_pairs(pad_width, ndim: int) -> tuple:
    """``pad_width`` in any NumPy form -> ((before, after),) * ndim."""
    import numpy as np

    pairs = np.broadcast_to(np.asarray(pad_width, dtype="int64"), (ndim, 2))
    if (pairs < 0).any():
        raise ValueError(f"pad: pad_width must be non-negative, got {pad_width!r}.")
    return tuple((int(a), int(b)) for a, b in pairs)


def check_pad_mode(mode: str, constant_values) -> None:
    if mode not in PAD_MODES:
        raise ValueError(f"pad: mode must be one of {PAD_MODES}, got {mode!r}.")
    if constant_values is not None and mode != "constant":
        raise ValueError(f"pad: constant_values is only allowed with mode='constant', got mode={mode!r}.")


def pad_index(n: int, before: int, after: int, mode: str):
    """Source index of each output position when padding an axis of size ``n``.

    For the modes that copy existing elements (edge, reflect, symmetric,
    wrap/circular); backends without them gather with this index.
    """
    import numpy as np

    if n == 0:
        raise ValueError(f"pad: cannot pad an empty axis with mode={mode!r}.")
    return np.pad(np.arange(n), (before, after), mode="wrap" if mode == "circular" else mode)


def atleast_shape(shape: tuple, ndim: int) -> tuple:
    """NumPy's atleast_2d/atleast_3d on a shape."""
    if len(shape) >= ndim:
        return shape
    if ndim == 2:
        return (1,) * (2 - len(shape)) + shape
    return {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}[len(shape)]


def hsplit_axis(ndim: int) -> int:
    return 1 if ndim >= 2 else 0


def check_min_rank(x_ndim: int, rank: int, op: str) -> None:
    if x_ndim < rank:
        raise ValueError(f"{op}: x must have rank >= {rank}, got rank {x_ndim}.")


def view_shape(shape: tuple, src: str, dst: str) -> tuple:
    """Shape of reinterpreting ``src`` bytes as ``dst`` (last axis rescaled)."""
    a, b = dtypes.dtype_size(src), dtypes.dtype_size(dst)
    if a == b:
        return shape
    if not shape:
        raise ValueError(f"view: cannot view a 0-d {src} tensor as {dst} (different item sizes).")
    last = shape[-1]
    if last is not None and (last * a) % b:
        raise ValueError(f"view: last axis of size {last} ({src}) does not divide into {dst} items.")
    return shape[:-1] + (None if last is None else last * a // b,)


# --- declarations ---


@op
def reshape(x, newshape):
    """Give a tensor a new shape with the same data.

    Args:
        x: tensor.
        newshape: int or tuple of ints; one entry may be -1 (inferred).

    Returns:
        The reshaped tensor.

    Example:
        >>> kc.ops.reshape(np.arange(6), (-1, 2)).shape
        (3, 2)
    """
    return _spec(x, rules.reshape_shape(shape_of(x), newshape))


@op
def transpose(x, axes=None):
    """Permute the axes of a tensor.

    Args:
        x: tensor.
        axes: permutation of the axes; default reverses them.

    Returns:
        The transposed tensor.

    Example:
        >>> kc.ops.transpose(np.ones((2, 3))).shape
        (3, 2)
    """
    shape = shape_of(x)
    return _spec(x, [shape[a] for a in transpose_axes(axes, len(shape))])


def expand_dims_shape(shape: tuple, axis) -> tuple:
    axes = rules.canonical_axes(axis, len(shape) + len(axis if isinstance(axis, (list, tuple)) else (axis,)),
                                "expand_dims")
    out, rest = [], iter(shape)
    for i in range(len(shape) + len(axes)):
        out.append(1 if i in axes else next(rest))
    return tuple(out)


@op
def expand_dims(x, axis):
    """Insert size-1 axes.

    Args:
        x: tensor.
        axis: int or tuple of ints, positions in the output.

    Returns:
        The tensor with new axes.

    Example:
        >>> kc.ops.expand_dims(np.ones((2, 3)), -1).shape
        (2, 3, 1)
    """
    return _spec(x, expand_dims_shape(shape_of(x), axis))


def squeeze_axes(shape: tuple, axis) -> tuple:
    """Axes that squeeze removes; a named axis must have size 1."""
    if axis is None:
        return tuple(i for i, d in enumerate(shape) if d == 1)
    axes = rules.canonical_axes(axis, len(shape), "squeeze")
    for a in axes:
        if shape[a] not in (1, None):
            raise ValueError(f"squeeze: axis {a} has size {shape[a]}, expected 1 (shape {shape}).")
    return axes


@op
def squeeze(x, axis=None):
    """Remove size-1 axes.

    Args:
        x: tensor.
        axis: int or tuple; default every size-1 axis.

    Returns:
        The squeezed tensor.

    Example:
        >>> kc.ops.squeeze(np.ones((2, 1, 3))).shape
        (2, 3)
    """
    shape = shape_of(x)
    axes = squeeze_axes(shape, axis)
    return _spec(x, [d for i, d in enumerate(shape) if i not in axes])


@op(tensors=("xs",))
def concatenate(xs, axis=0):
    """Join tensors along an existing axis; dtypes are promoted.

    Args:
        xs: list of tensors with equal sizes except along ``axis``.
        axis: the axis to join along.

    Returns:
        The joined tensor.

    Example:
        >>> kc.ops.concatenate([np.ones((2, 3)), np.zeros((1, 3))]).shape
        (3, 3)
    """
    return KerasTensor(rules.concat_shape([shape_of(x) for x in xs], axis), _joined_dtype(xs))


def stack_shape(shapes, axis: int, op: str = "stack") -> tuple:
    """Output shape of stacking same-shaped tensors along a new ``axis``."""
    inner = rules.concat_shape([(1,) + tuple(s) for s in shapes], 0, op)[1:]
    return _insert(inner, canonical_axis(axis, len(inner) + 1, op), len(shapes))


def _insert(shape: tuple, pos: int, size) -> tuple:
    return shape[:pos] + (size,) + shape[pos:]


@op(tensors=("x",))
def stack(x, axis=0):
    """Join same-shaped tensors along a new axis.

    Args:
        x: list of tensors of one shape.
        axis: position of the new axis in the output.

    Returns:
        The stacked tensor.

    Example:
        >>> kc.ops.stack([np.ones(3), np.zeros(3)], axis=1).shape
        (3, 2)
    """
    return KerasTensor(stack_shape([shape_of(t) for t in x], axis), _joined_dtype(x))


@op(tensors=("xs",))
def hstack(xs):
    """Join tensors column-wise (axis 1; axis 0 for 1-D tensors).

    Args:
        xs: list of tensors.

    Returns:
        The joined tensor.

    Example:
        >>> kc.ops.hstack([np.ones((2, 1)), np.zeros((2, 2))]).shape
        (2, 3)
    """
    shapes = [shape_of(x) for x in xs]
    return KerasTensor(rules.concat_shape(shapes, hsplit_axis(len(shapes[0])), "hstack"), _joined_dtype(xs))


@op(tensors=("xs",))
def vstack(xs):
    """Join tensors row-wise (1-D tensors become rows).

    Args:
        xs: list of tensors.

    Returns:
        The joined tensor.

    Example:
        >>> kc.ops.vstack([np.ones(3), np.zeros(3)]).shape
        (2, 3)
    """
    shapes = [atleast_shape(shape_of(x), 2) for x in xs]
    return KerasTensor(rules.concat_shape(shapes, 0, "vstack"), _joined_dtype(xs))


@op(tensors=("xs",))
def dstack(xs):
    """Join tensors depth-wise (axis 2, after making them at least 3-D).

    Args:
        xs: list of tensors.

    Returns:
        The joined tensor.

    Example:
        >>> kc.ops.dstack([np.ones((2, 3)), np.zeros((2, 3))]).shape
        (2, 3, 2)
    """
    shapes = [atleast_shape(shape_of(x), 3) for x in xs]
    return KerasTensor(rules.concat_shape(shapes, 2, "dstack"), _joined_dtype(xs))


def _split_specs(x, indices_or_sections, axis: int, op: str, even: bool) -> list:
    shape = shape_of(x)
    axis = canonical_axis(axis, len(shape), op)
    sizes = split_sizes(shape[axis], indices_or_sections, op, even)
    return [_spec(x, shape[:axis] + (n,) + shape[axis + 1:]) for n in sizes]


@op
def split(x, indices_or_sections, axis=0):
    """Split a tensor into equal sections or at given indices.

    Args:
        x: tensor.
        indices_or_sections: number of equal sections, or sorted split indices.
        axis: the axis to split.

    Returns:
        A list of tensors.

    Example:
        >>> [t.shape for t in kc.ops.split(np.ones((4, 2)), 2)]
        [(2, 2), (2, 2)]
    """
    return _split_specs(x, indices_or_sections, axis, "split", True)


@op
def array_split(x, indices_or_sections, axis=0):
    """Split a tensor into sections that may differ in size by one.

    Args:
        x: tensor.
        indices_or_sections: number of sections, or split indices.
        axis: the axis to split.

    Returns:
        A list of tensors; the first ``n % sections`` are one longer.

    Example:
        >>> [t.shape for t in kc.ops.array_split(np.ones(5), 2)]
        [(3,), (2,)]
    """
    return _split_specs(x, indices_or_sections, axis, "array_split", False)


@op
def hsplit(x, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D tensors).

    Args:
        x: tensor.
        indices_or_sections: sections or split indices.

    Returns:
        A list of tensors.

    Example:
        >>> len(kc.ops.hsplit(np.ones((2, 4)), 2))
        2
    """
    return _split_specs(x, indices_or_sections, hsplit_axis(len(shape_of(x))), "hsplit", True)


@op
def vsplit(x, indices_or_sections):
    """Split along axis 0 of a tensor of rank >= 2.

    Args:
        x: tensor.
        indices_or_sections: sections or split indices.

    Returns:
        A list of tensors.

    Example:
        >>> len(kc.ops.vsplit(np.ones((4, 2)), 2))
        2
    """
    check_min_rank(len(shape_of(x)), 2, "vsplit")
    return _split_specs(x, indices_or_sections, 0, "vsplit", True)


@op
def dsplit(x, indices_or_sections):
    """Split along axis 2 of a tensor of rank >= 3.

    Args:
        x: tensor.
        indices_or_sections: sections or split indices.

    Returns:
        A list of tensors.

    Example:
        >>> len(kc.ops.dsplit(np.ones((1, 2, 4)), 2))
        2
    """
    check_min_rank(len(shape_of(x)), 3, "dsplit")
    return _split_specs(x, indices_or_sections, 2, "dsplit", True)


def tile_reps(repeats, ndim: int) -> tuple:
    reps = (int(repeats),) if isinstance(repeats, int) else tuple(int(r) for r in repeats)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: repeats must be non-negative, got {repeats!r}.")
    return (1,) * (ndim - len(reps)) + reps


@op
def tile(x, repeats):
    """Repeat a whole tensor along each axis.

    Args:
        x: tensor.
        repeats: int or tuple, repetitions per axis (aligned to the last axes).

    Returns:
        The tiled tensor.

    Example:
        >>> kc.ops.tile(np.ones((2, 3)), (2, 1)).shape
        (4, 3)
    """
    shape = shape_of(x)
    reps = tile_reps(repeats, len(shape))
    shape = (1,) * (len(reps) - len(shape)) + shape
    return _spec(x, [None if d is None else d * r for d, r in zip(shape, reps)])


@op(tensors=("x", "repeats"))
def repeat(x, repeats, axis=None):
    """Repeat each element of a tensor.

    Args:
        x: tensor.
        repeats: int, or 1-D ints (one per element along ``axis``).
        axis: the axis; default repeats the flattened tensor.

    Returns:
        The tensor with repeated elements.

    Example:
        >>> kc.ops.repeat(np.array([1, 2]), 2)
        array([1, 1, 2, 2])
    """
    shape = shape_of(x)
    if axis is None:
        shape, axis = (None if None in shape else rules._prod(shape),), 0
    axis = canonical_axis(axis, len(shape), "repeat")
    dim = shape[axis]
    if isinstance(repeats, int):
        dim = None if dim is None else dim * repeats
    elif isinstance(repeats, (list, tuple)) and len(repeats) == 1:
        dim = None if dim is None else dim * repeats[0]
    elif isinstance(repeats, (list, tuple)) and not any(isinstance(r, KerasTensor) for r in repeats):
        dim = sum(repeats)
    else:
        dim = None
    return _spec(x, shape[:axis] + (dim,) + shape[axis + 1:])


@op(rule=rules.same_as_input)
def flip(x, axis=None):
    """Reverse the order of elements along axes.

    Args:
        x: tensor.
        axis: int or tuple; default all axes.

    Returns:
        The flipped tensor.

    Example:
        >>> kc.ops.flip(np.array([1, 2, 3]))
        array([3, 2, 1])
    """


@op
def fliplr(x):
    """Reverse axis 1 (left/right) of a tensor of rank >= 2.

    Args:
        x: tensor.

    Returns:
        The flipped tensor.

    Example:
        >>> kc.ops.fliplr(np.eye(2))
        array([[0., 1.], [1., 0.]])
    """
    check_min_rank(len(shape_of(x)), 2, "fliplr")
    return _spec(x, shape_of(x))


@op
def flipud(x):
    """Reverse axis 0 (up/down) of a tensor of rank >= 1.

    Args:
        x: tensor.

    Returns:
        The flipped tensor.

    Example:
        >>> kc.ops.flipud(np.array([1, 2]))
        array([2, 1])
    """
    check_min_rank(len(shape_of(x)), 1, "flipud")
    return _spec(x, shape_of(x))


@op(rule=rules.same_as_input)
def roll(x, shift, axis=None):
    """Roll elements along axes; those that leave one end come back at the other.

    Args:
        x: tensor.
        shift: int or tuple of ints.
        axis: int or tuple; default rolls the flattened tensor.

    Returns:
        The rolled tensor.

    Example:
        >>> kc.ops.roll(np.array([1, 2, 3]), 1)
        array([3, 1, 2])
    """


def rot90_axes(ndim: int, axes) -> tuple:
    if len(axes) != 2:
        raise ValueError(f"rot90: axes must hold 2 axes, got {axes!r}.")
    a, b = (canonical_axis(a, ndim, "rot90") for a in axes)
    if a == b:
        raise ValueError(f"rot90: axes must differ, got {axes!r}.")
    return a, b


@op
def rot90(array, k=1, axes=(0, 1)):
    """Rotate a tensor by 90 degrees ``k`` times in the plane of ``axes``.

    Args:
        array: tensor of rank >= 2.
        k: number of rotations (counter-clockwise; negative: clockwise).
        axes: the two axes of the plane.

    Returns:
        The rotated tensor.

    Example:
        >>> kc.ops.rot90(np.array([[1, 2], [3, 4]]))
        array([[2, 4], [1, 3]])
    """
    shape = list(shape_of(array))
    check_min_rank(len(shape), 2, "rot90")
    a, b = rot90_axes(len(shape), axes)
    if k % 2:
        shape[a], shape[b] = shape[b], shape[a]
    return _spec(array, shape)


def moveaxis_perm(ndim: int, source, destination) -> tuple:
    src = rules.canonical_axes(source, ndim, "moveaxis")
    dst = rules.canonical_axes(destination, ndim, "moveaxis")
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {source!r} and destination {destination!r} differ in length.")
    order = [a for a in range(ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return tuple(order)


@op
def moveaxis(x, source, destination):
    """Move axes to new positions; the others keep their order.

    Args:
        x: tensor.
        source: int or tuple, the axes to move.
        destination: int or tuple, their new positions.

    Returns:
        The tensor with moved axes.

    Example:
        >>> kc.ops.moveaxis(np.ones((2, 3, 4)), 0, -1).shape
        (3, 4, 2)
    """
    shape = shape_of(x)
    return _spec(x, [shape[a] for a in moveaxis_perm(len(shape), source, destination)])


@op
def swapaxes(x, axis1, axis2):
    """Swap two axes.

    Args:
        x: tensor.
        axis1: first axis.
        axis2: second axis.

    Returns:
        The tensor with the two axes swapped.

    Example:
        >>> kc.ops.swapaxes(np.ones((2, 3)), 0, 1).shape
        (3, 2)
    """
    shape = list(shape_of(x))
    a, b = canonical_axis(axis1, len(shape), "swapaxes"), canonical_axis(axis2, len(shape), "swapaxes")
    shape[a], shape[b] = shape[b], shape[a]
    return _spec(x, shape)


def broadcast_to_shape(shape: tuple, target) -> tuple:
    target = (target,) if isinstance(target, int) else tuple(target)
    if len(target) < len(shape):
        raise ValueError(f"broadcast_to: cannot broadcast shape {shape} to the lower-rank shape {target}.")
    # Sizes that are tensors (ops.shape of a dynamic dimension inside a graph) are unknown
    # here: checked for what is known, then passed on to the backend as they are.
    static = tuple(int(t) if isinstance(t, numbers.Integral) else None for t in target)
    out = rules.broadcast_shapes(shape, static, op="broadcast_to")
    if any(t is not None and o != t for o, t in zip(out, static)):
        raise ValueError(f"broadcast_to: cannot broadcast shape {shape} to {target}.")
    return target


@op
def broadcast_to(x, shape):
    """Broadcast a tensor to a shape.

    Args:
        x: tensor.
        shape: the target shape.

    Returns:
        The broadcast tensor.

    Example:
        >>> kc.ops.broadcast_to(np.array([1, 2]), (3, 2)).shape
        (3, 2)
    """
    return _spec(x, broadcast_to_shape(shape_of(x), shape))


@op
def ravel(x):
    """Flatten a tensor to 1-D.

    Args:
        x: tensor.

    Returns:
        The 1-D tensor.

    Example:
        >>> kc.ops.ravel(np.ones((2, 3))).shape
        (6,)
    """
    return _spec(x, rules.reshape_shape(shape_of(x), -1))


@op
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad a tensor.

    Args:
        x: tensor.
        pad_width: int, ``(before, after)``, or one pair per axis.
        mode: "constant" (default), "edge", "reflect", "symmetric", "wrap"
            ("circular" is the same) on every backend; "linear_ramp",
            "maximum", "mean", "median", "minimum", "empty" on numpy and jax.
        constant_values: the fill value for mode "constant" (default 0).

    Returns:
        The padded tensor.

    Example:
        >>> kc.ops.pad(np.array([1, 2]), 1)
        array([0, 1, 2, 0])
    """
    check_pad_mode(mode, constant_values)
    shape = shape_of(x)
    pairs = pad_pairs(pad_width, len(shape))
    return _spec(x, [None if d is None else d + a + b for d, (a, b) in zip(shape, pairs)])


@op
def append(x1, x2, axis=None):
    """Append ``x2`` to ``x1`` (flattened both when ``axis`` is None).

    Args:
        x1: tensor.
        x2: tensor.
        axis: the axis to join along; default flattens both.

    Returns:
        The joined tensor; dtypes are promoted.

    Example:
        >>> kc.ops.append(np.array([1, 2]), np.array([[3]]))
        array([1, 2, 3])
    """
    shapes = [shape_of(x1), shape_of(x2)]
    if axis is None:
        shapes, axis = [rules.reshape_shape(s, -1, "append") for s in shapes], 0
    return KerasTensor(rules.concat_shape(shapes, axis, "append"), _joined_dtype([x1, x2]))


@op
def diff(a, n=1, axis=-1):
    """The n-th discrete difference along an axis.

    Args:
        a: tensor.
        n: number of times to difference.
        axis: the axis (default last).

    Returns:
        The differences; the axis shrinks by ``n``.

    Example:
        >>> kc.ops.diff(np.array([1, 4, 9]))
        array([3, 5])
    """
    shape = shape_of(a)
    axis = canonical_axis(axis, len(shape), "diff")
    if n < 0:
        raise ValueError(f"diff: n must be non-negative, got {n}.")
    dim = shape[axis]
    return _spec(a, shape[:axis] + (None if dim is None else max(dim - n, 0),) + shape[axis + 1:])


@op(rule=rules.same_as_input)
def copy(x):
    """A copy of a tensor.

    Args:
        x: tensor.

    Returns:
        A new tensor with the same values.

    Example:
        >>> kc.ops.copy(np.array([1, 2]))
        array([1, 2])
    """


@op
def ndim(x):
    """The rank of a tensor, as a Python int (known statically on every backend).

    Args:
        x: tensor.

    Returns:
        The number of axes.

    Example:
        >>> kc.ops.ndim(np.ones((2, 3)))
        2
    """
    return len(shape_of(x))


@op
def size(x):
    """The number of elements of a tensor, as a scalar int32 tensor.

    Args:
        x: tensor.

    Returns:
        A 0-d int32 tensor.

    Example:
        >>> kc.ops.size(np.ones((2, 3)))
        array(6, dtype=int32)
    """
    return KerasTensor((), "int32")


@op
def view(x, dtype=None):
    """Reinterpret the bytes of a tensor as another dtype.

    Args:
        x: tensor.
        dtype: the new dtype; the last axis is rescaled when item sizes differ.

    Returns:
        The reinterpreted tensor.

    Example:
        >>> kc.ops.view(np.array([1.0], "float32"), "int32")
        array([1065353216], dtype=int32)
    """
    src = dtype_of(x)
    dst = src if dtype is None else dtypes.standardize_dtype(dtype)
    return KerasTensor(view_shape(shape_of(x), src, dst), dst)


def _key_items(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def get_item_shape(shape: tuple, key, op: str = "get_item") -> tuple:
    """Output shape of ``x[key]`` for NumPy basic and advanced indexing."""
    items = tuple(_as_array(k) if isinstance(k, list) else k for k in _key_items(key))
    consumed = sum(_key_rank(k) for k in items)
    if consumed > len(shape):
        raise IndexError(f"{op}: too many indices ({consumed}) for a tensor of rank {len(shape)}.")
    if sum(k is Ellipsis for k in items) > 1:
        raise IndexError(f"{op}: only one Ellipsis is allowed in a key, got {key!r}.")
    if not any(k is Ellipsis for k in items):
        items = items + (Ellipsis,)
    at = next(i for i, k in enumerate(items) if k is Ellipsis)
    items = items[:at] + (slice(None),) * (len(shape) - consumed) + items[at + 1:]
    out, adv, adv_pos, dims = [], [], None, iter(shape)
    adv_items = [i for i, k in enumerate(items) if not (k is None or isinstance(k, slice))]
    if adv_items and adv_items[-1] - adv_items[0] + 1 != len(adv_items):
        adv_pos = 0  # advanced indices split by a slice or None go first (NumPy rule)
    for k in items:
        if k is None:
            out.append(1)
        elif isinstance(k, slice):
            d = next(dims)
            out.append(None if d is None else len(range(*k.indices(d))))
        elif _is_int(k):
            d = next(dims)
            if d is not None and not -d <= int(k) < d:
                raise IndexError(f"{op}: index {int(k)} is out of range for an axis of size {d}.")
            adv.append(())
            adv_pos = len(out) if adv_pos is None else adv_pos
        else:
            kshape, kdtype = shape_of(k), dtype_of(k)
            taken = [next(dims) for _ in range(_key_rank(k))]
            if kdtype == "bool":
                if not isinstance(k, KerasTensor) and kshape != tuple(taken) and None not in taken:
                    raise IndexError(f"{op}: bool mask of shape {kshape} does not match axes {tuple(taken)}.")
                adv.append((None if isinstance(k, KerasTensor) else int(_count_true(k)),))
            elif dtypes.is_int_dtype(kdtype):
                adv.append(kshape)
            else:
                raise TypeError(f"{op}: tensor keys must be int or bool, got dtype {kdtype}.")
            adv_pos = len(out) if adv_pos is None else adv_pos
    if adv:
        bshape = rules.broadcast_shapes(*adv, op=op)
        out = out[:adv_pos] + list(bshape) + out[adv_pos:]
    return tuple(out)


def _as_array(k):
    import numpy as np

    return np.asarray(k)


def _count_true(mask) -> int:
    import numpy as np

    return int(np.count_nonzero(np.asarray(mask)))


def _is_int(k) -> bool:
    """A Python or NumPy integer scalar."""
    return isinstance(k, numbers.Integral) and not isinstance(k, bool)


def _key_rank(k) -> int:
    """How many axes of x a key item consumes."""
    if k is None or k is Ellipsis:
        return 0
    if isinstance(k, slice) or _is_int(k):
        return 1
    if isinstance(k, bool) or dtype_of(k) == "bool":
        return len(shape_of(k))
    return 1


@op(tensors=("x", "key"))
def get_item(x, key):
    """``x[key]`` with NumPy semantics: ints, slices, None, Ellipsis, int and bool tensors.

    A bool-mask key gives a data-dependent size (None in symbolic shapes) and
    cannot be used inside ``jax.jit``.

    Args:
        x: tensor.
        key: an index item or a tuple of them.

    Returns:
        The indexed tensor.

    Example:
        >>> kc.ops.get_item(np.arange(6).reshape(2, 3), (slice(None), 1))
        array([1, 4])
    """
    return _spec(x, get_item_shape(shape_of(x), key))


@op
def unravel_index(indices, shape):
    """Convert flat indices into a tuple of coordinate tensors for ``shape``.

    Args:
        indices: int tensor of flat indices.
        shape: the shape the indices refer to.

    Returns:
        A tuple of int32 tensors, one per axis of ``shape``.

    Example:
        >>> kc.ops.unravel_index(np.array([5]), (2, 3))
        (array([1]), array([2]))
    """
    return tuple(KerasTensor(shape_of(indices), "int32") for _ in shape)


_TOKEN = re.compile(r"\(|\)|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|\d+|\S")


def _parse_side(side: str) -> list:
    """'b (h w) c' -> [['b'], ['h', 'w'], ['c']]; '...' is the group ['...']."""
    groups, current = [], None
    for tok in _TOKEN.findall(side):
        if tok == "(":
            if current is not None:
                raise ValueError(f"rearrange: nested parentheses in {side!r}.")
            current = []
        elif tok == ")":
            if current is None:
                raise ValueError(f"rearrange: unbalanced ')' in {side!r}.")
            groups.append(current)
            current = None
        elif current is not None:
            current.append(tok)
        else:
            groups.append([tok])
    if current is not None:
        raise ValueError(f"rearrange: unbalanced '(' in {side!r}.")
    return groups


def _expand_ellipsis(groups: list, names: list) -> list:
    """A bare '...' becomes one group per axis; '(...)' merges them into one group."""
    out = []
    for g in groups:
        if g == ["..."]:
            out.extend([n] for n in names)
        else:
            out.append(sum((names if a == "..." else [a] for a in g), []))
    return out


def _resolve_lengths(groups, shape, axes_lengths) -> dict:
    lengths = {k: int(v) for k, v in axes_lengths.items()}
    for group, dim in zip(groups, shape):
        unknown = [a for a in group if a not in lengths and not a.isdigit()]
        known = rules._prod(int(a) if a.isdigit() else lengths[a] for a in group if a not in unknown)
        if len(unknown) > 1:
            raise ValueError(f"rearrange: cannot infer the sizes of {unknown}; pass them as keyword arguments.")
        if unknown:
            lengths[unknown[0]] = None if dim is None else dim // known
        elif dim is not None and known != dim:
            raise ValueError(f"rearrange: axis group {group} has size {known}, but the tensor has {dim}.")
    return lengths


def rearrange(tensor, pattern: str, **axes_lengths):
    """Rearrange axes einops-style: permute, merge ``(a b)`` and split groups.

    Args:
        tensor: tensor or KerasTensor.
        pattern: e.g. ``"b h w c -> b (h w) c"``; ``...`` stands for other axes.
        **axes_lengths: sizes of axes that a split cannot infer.

    Returns:
        The rearranged tensor (via `reshape` and `transpose`).

    Example:
        >>> kc.ops.rearrange(np.ones((2, 3, 4)), "b h w -> b (w h)").shape
        (2, 12)
    """
    if pattern.count("->") != 1:
        raise ValueError(f"rearrange: pattern must contain one '->', got {pattern!r}.")
    left, right = (_parse_side(s) for s in pattern.split("->"))
    shape = shape_of(tensor)
    n_ell = len(shape) - (len(left) - 1)
    ellipsis = [f"...{i}" for i in range(max(n_ell, 0))]
    left, right = (_expand_ellipsis(side, ellipsis) for side in (left, right))
    if len(left) != len(shape):
        raise ValueError(f"rearrange: pattern {pattern!r} has {len(left)} axes, the tensor has {len(shape)}.")
    lengths = _resolve_lengths(left, shape, axes_lengths)
    names = [a for g in left for a in g]
    out_names = [a for g in right for a in g if not a.isdigit()]
    if sorted(n for n in names if not n.isdigit()) != sorted(out_names):
        raise ValueError(f"rearrange: both sides of {pattern!r} must name the same axes.")
    flat = [a for a in names if not a.isdigit()]
    x = reshape(tensor, tuple(-1 if lengths[a] is None else lengths[a] for a in flat)) if (
        [len(g) for g in left] != [1] * len(left)) else tensor
    x = transpose(x, tuple(flat.index(a) for a in out_names))
    if [len(g) for g in right] != [1] * len(right) or any(a.isdigit() for g in right for a in g):
        new = [rules._prod(int(a) if a.isdigit() else lengths[a] for a in g)
               if all(a.isdigit() or lengths[a] is not None for a in g) else -1 for g in right]
        x = reshape(x, tuple(new))
    return x
