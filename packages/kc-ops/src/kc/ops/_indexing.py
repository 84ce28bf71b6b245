"""Indexing, sorting and searching: take, where, nonzero, sort, searchsorted, unique, select, ...

Each declaration's body is its shape/dtype rule (run on `KerasTensor`s); the
computation is ``kc.backend.<active>.indexing``. Index outputs (argsort,
nonzero, searchsorted, unique's indices, ...) are int32 on every backend, as
in Keras 3. Ops whose output size depends on the data (nonzero, the one-argument
where, unique) give None in symbolic shapes; `unique` takes ``size`` to fix it
(needed inside ``jax.jit``).
"""

from __future__ import annotations

import re

from kc import dtypes
from kc import backend as _backend
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op
from kc.ops._rules import canonical_axis, dtype_of, shape_of

__all__ = [
    "argpartition", "argsort", "digitize", "isin", "nonzero", "searchsorted", "select", "sort",
    "take", "take_along_axis", "unique", "vectorize", "where",
]


# --- rules shared with the backends (they validate concrete input with them) ---


def check_int_indices(indices, op: str) -> None:
    """Index tensors must hold integers (Python int lists included)."""
    if isinstance(indices, int) and not isinstance(indices, bool):
        return
    if isinstance(indices, (list, tuple)):
        import numpy as np

        indices = np.asarray(indices, dtype=None if len(indices) else "int32")
    dtype = dtype_of(indices)
    if not dtypes.is_int_dtype(dtype):
        raise TypeError(f"{op}: indices must be an integer tensor, got dtype {dtype}.")


def take_shape(shape: tuple, index_shape: tuple, axis) -> tuple:
    if axis is None:
        return tuple(index_shape)
    axis = canonical_axis(axis, len(shape), "take")
    return shape[:axis] + tuple(index_shape) + shape[axis + 1:]


def take_along_axis_shape(shape: tuple, index_shape: tuple, axis) -> tuple:
    if axis is None:
        if len(index_shape) != 1:
            raise ValueError(f"take_along_axis: with axis=None indices must be 1-D, got shape {index_shape}.")
        return tuple(index_shape)
    if len(shape) != len(index_shape):
        raise ValueError(
            f"take_along_axis: x and indices must have the same rank, got shapes {shape} and {index_shape}."
        )
    axis = canonical_axis(axis, len(shape), "take_along_axis")
    rest = rules.broadcast_shapes(_drop(shape, axis), _drop(index_shape, axis), op="take_along_axis")
    return rest[:axis] + (index_shape[axis],) + rest[axis:]


def _drop(shape: tuple, axis: int) -> tuple:
    return shape[:axis] + shape[axis + 1:]


def check_where_args(x1, x2) -> None:
    if (x1 is None) != (x2 is None):
        raise ValueError("where: x1 and x2 must both be given or both be None "
                         f"(got x1={'None' if x1 is None else 'a value'}, x2={'None' if x2 is None else 'a value'}).")


def check_sequence_1d(shape: tuple, name: str, op: str) -> None:
    if len(shape) != 1:
        raise ValueError(f"{op}: {name} must be 1-D, got shape {shape}.")


def check_side(side: str) -> None:
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}.")


def sort_axis(axis, ndim: int, op: str):
    """None (flatten) or the canonical axis."""
    return None if axis is None else canonical_axis(axis, ndim, op)


# --- declarations ---


@op(tensors=("x", "indices"))
def take(x, indices, axis=None):
    """Take elements along an axis (of the flattened tensor when ``axis`` is None).

    Negative indices count from the end.

    Args:
        x: tensor.
        indices: int tensor of indices.
        axis: the axis to take along; default flattens ``x``.

    Returns:
        ``x.shape[:axis] + indices.shape + x.shape[axis + 1:]``, dtype of ``x``.

    Example:
        >>> kc.ops.take(np.array([4, 5, 6]), [2, -3])
        array([6, 4])
    """
    check_int_indices(indices, "take")
    return KerasTensor(take_shape(shape_of(x), shape_of(indices), axis), dtype_of(x))


@op(tensors=("x", "indices"))
def take_along_axis(x, indices, axis=None):
    """Pick values along an axis with an index tensor of the same rank.

    Args:
        x: tensor.
        indices: int tensor; sizes other than ``axis`` broadcast with ``x``.
        axis: the axis; default uses the flattened ``x`` and 1-D indices.

    Returns:
        The picked values, dtype of ``x``.

    Example:
        >>> kc.ops.take_along_axis(np.array([[1, 2], [3, 4]]), np.array([[1], [0]]), axis=1)
        array([[2], [3]])
    """
    check_int_indices(indices, "take_along_axis")
    return KerasTensor(take_along_axis_shape(shape_of(x), shape_of(indices), axis), dtype_of(x))


@op(tensors=("condition", "x1", "x2"))
def where(condition, x1=None, x2=None):
    """Choose ``x1`` where ``condition`` holds, else ``x2``; one argument: `nonzero`.

    Args:
        condition: bool tensor (other dtypes: non-zero is true).
        x1: values where true.
        x2: values where false.

    Returns:
        The broadcast selection (dtypes promoted), or with ``condition`` alone
        a tuple of int32 index tensors.

    Example:
        >>> kc.ops.where(np.array([True, False]), 1, 2)
        array([1, 2], dtype=int32)
    """
    check_where_args(x1, x2)
    if x1 is None:
        return nonzero.rule(condition)
    shape = rules.broadcast_shapes(shape_of(condition), shape_of(x1), shape_of(x2), op="where")
    return KerasTensor(shape, dtypes.result_type(x1, x2))


@op
def nonzero(x):
    """Indices of the non-zero elements, one int32 tensor per axis.

    The number of elements depends on the data: None in symbolic shapes, and
    not usable inside ``jax.jit``.

    Args:
        x: tensor.

    Returns:
        A tuple of 1-D int32 tensors.

    Example:
        >>> kc.ops.nonzero(np.array([[0, 1], [2, 0]]))
        (array([0, 1], dtype=int32), array([1, 0], dtype=int32))
    """
    return tuple(KerasTensor((None,), "int32") for _ in shape_of(x))


def _sorted_spec(x, axis, op, dtype):
    shape = shape_of(x)
    if sort_axis(axis, len(shape), op) is None:
        shape = rules.reshape_shape(shape, -1, op)
    return KerasTensor(shape, dtype)


@op
def argsort(x, axis=-1):
    """Indices that sort a tensor along an axis (stable).

    Args:
        x: tensor.
        axis: the axis (default last; None sorts the flattened tensor).

    Returns:
        int32 indices, shape of ``x``.

    Example:
        >>> kc.ops.argsort(np.array([3, 1, 2]))
        array([1, 2, 0], dtype=int32)
    """
    return _sorted_spec(x, axis, "argsort", "int32")


@op
def sort(x, axis=-1):
    """Sort a tensor along an axis.

    Args:
        x: tensor.
        axis: the axis (default last; None sorts the flattened tensor).

    Returns:
        The sorted tensor, dtype of ``x``.

    Example:
        >>> kc.ops.sort(np.array([3, 1, 2]))
        array([1, 2, 3])
    """
    return _sorted_spec(x, axis, "sort", dtype_of(x))


@op
def argpartition(x, kth, axis=-1):
    """Indices that partition a tensor around its ``kth`` element.

    The element at ``kth`` is where sorting would put it; smaller ones come
    before, larger after, in no particular order (which differs by backend).

    Args:
        x: tensor.
        kth: the pivot position (may be negative).
        axis: the axis (default last).

    Returns:
        int32 indices, shape of ``x``.

    Example:
        >>> kc.ops.argpartition(np.array([3, 1, 2]), 0)[0]
        1
    """
    shape = shape_of(x)
    axis = canonical_axis(axis, len(shape), "argpartition")
    check_kth(kth, shape[axis])
    return KerasTensor(shape, "int32")


def check_kth(kth, dim) -> None:
    if dim is not None and not -dim <= kth < dim:
        raise ValueError(f"argpartition: kth {kth} is out of range for an axis of size {dim}.")


@op
def searchsorted(sorted_sequence, values, side="left"):
    """Insertion indices of ``values`` into a sorted 1-D sequence.

    Args:
        sorted_sequence: 1-D ascending tensor.
        values: tensor of values to place.
        side: "left" (first suitable index) or "right" (last).

    Returns:
        int32 indices, shape of ``values``.

    Example:
        >>> kc.ops.searchsorted(np.array([1, 2, 3]), np.array([2, 5]))
        array([1, 3], dtype=int32)
    """
    check_side(side)
    check_sequence_1d(shape_of(sorted_sequence), "sorted_sequence", "searchsorted")
    return KerasTensor(shape_of(values), "int32")


@op
def digitize(x, bins):
    """Index of the bin of each value: ``bins[i-1] <= x < bins[i]``.

    Args:
        x: tensor.
        bins: 1-D ascending bin edges.

    Returns:
        int32 bin indices, shape of ``x``.

    Example:
        >>> kc.ops.digitize(np.array([0.5, 1.0, 3.0]), np.array([1.0, 2.0]))
        array([0, 1, 2], dtype=int32)
    """
    check_sequence_1d(shape_of(bins), "bins", "digitize")
    return KerasTensor(shape_of(x), "int32")


@op
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` occurs in ``x2``.

    Args:
        x1: tensor.
        x2: tensor of values to look for.
        assume_unique: accepted for NumPy compatibility (no effect).
        invert: return "not in" instead.

    Returns:
        A bool tensor, shape of ``x1``.

    Example:
        >>> kc.ops.isin(np.array([1, 2, 3]), np.array([2]))
        array([False,  True, False])
    """
    return KerasTensor(shape_of(x1), "bool")


@op
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    """The unique elements of a tensor (sorted ascending on every backend).

    The output size depends on the data unless ``size`` is given: then the
    values are truncated or padded with ``fill_value`` (default 0), indices
    padded with 0 and counts with 0. Give ``size`` inside ``jax.jit``.

    Args:
        x: tensor.
        sorted: kept for Keras compatibility; results are always sorted.
        return_index: also return the index of each value's first occurrence.
        return_inverse: also return indices that rebuild ``x`` from the values.
        return_counts: also return how often each value occurs.
        axis: treat slices along this axis as the elements (default: flatten).
        size: fixed number of unique values to return.
        fill_value: the padding value when ``size`` is larger.

    Returns:
        The values, or a tuple (values, [index], [inverse], [counts]); the
        index outputs are int32.

    Example:
        >>> kc.ops.unique(np.array([3, 1, 3]))
        array([1, 3])
    """
    shape = shape_of(x)
    n = size
    if axis is None:
        values_shape, inverse_shape = (n,), (None if None in shape else rules._prod(shape),)
    else:
        axis = canonical_axis(axis, len(shape), "unique")
        values_shape, inverse_shape = shape[:axis] + (n,) + shape[axis + 1:], (shape[axis],)
    outs = [KerasTensor(values_shape, dtype_of(x))]
    outs += [KerasTensor((n,), "int32")] if return_index else []
    outs += [KerasTensor(inverse_shape, "int32")] if return_inverse else []
    outs += [KerasTensor((n,), "int32")] if return_counts else []
    return outs[0] if len(outs) == 1 else tuple(outs)


@op(tensors=("condlist", "choicelist", "default"))
def select(condlist, choicelist, default=0):
    """Pick from ``choicelist`` by the first true condition of ``condlist``.

    Args:
        condlist: list of bool tensors.
        choicelist: list of tensors, one per condition.
        default: the value where no condition holds.

    Returns:
        The broadcast selection; dtype promoted over the choices and default.

    Example:
        >>> kc.ops.select([np.array([True, False])], [np.array([1, 2])], 0)
        array([1, 0])
    """
    check_select_lists(condlist, choicelist)
    shapes = [shape_of(t) for t in list(condlist) + list(choicelist) + [default]]
    return KerasTensor(rules.broadcast_shapes(*shapes, op="select"), select_dtype(choicelist, default))


def check_select_lists(condlist, choicelist) -> None:
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise TypeError("select: condlist and choicelist must be lists of tensors, "
                        f"got {type(condlist).__name__} and {type(choicelist).__name__}.")
    if len(condlist) != len(choicelist) or not condlist:
        raise ValueError("select: condlist and choicelist must be non-empty and of equal length, "
                         f"got {len(condlist)} and {len(choicelist)}.")


def select_dtype(choicelist, default) -> str:
    return dtypes.result_type(*[dtype_of(c) for c in choicelist], default)


# --- vectorize: a function transform, not an op ---

_CORE = re.compile(r"\(([^()]*)\)")


def _parse_signature(signature: str) -> tuple:
    """'(m,n),(n)->(m)' -> ([2, 1], [1])."""
    try:
        ins, outs = signature.replace(" ", "").split("->")
    except ValueError:
        raise ValueError(f"vectorize: signature must look like '(m,n),(n)->(m)', got {signature!r}.") from None

    def ranks(side):
        return [len([d for d in core.split(",") if d]) for core in _CORE.findall(side)]

    return ranks(ins), ranks(outs)


def vectorize_with_vmap(vmap, pyfunc, excluded=None, signature=None):
    """Generic `vectorize`: broadcast the batch dims, flatten them, map ``vmap`` over them.

    ``vmap(f)`` must map ``f`` over axis 0 of all its (tensor) arguments.
    """
    from kc import ops

    excluded = set(excluded or ())
    in_ranks = _parse_signature(signature)[0] if signature else None

    def wrapped(*args):
        mapped = [i for i in range(len(args)) if i not in excluded]
        tensors = [_backend.convert_to_tensor(args[i]) for i in mapped]
        cores = in_ranks if in_ranks is not None else [0] * len(tensors)
        if len(cores) != len(tensors):
            raise ValueError(f"vectorize: signature {signature!r} expects {len(cores)} inputs, got {len(tensors)}.")
        batch = rules.broadcast_shapes(*[tuple(t.shape)[:len(t.shape) - c] for t, c in zip(tensors, cores)],
                                       op="vectorize")
        flat = [ops.reshape(ops.broadcast_to(t, batch + tuple(t.shape)[len(t.shape) - c:]),
                            (-1,) + tuple(t.shape)[len(t.shape) - c:]) for t, c in zip(tensors, cores)]

        def call(*slices):
            full = list(args)
            for i, s in zip(mapped, slices):
                full[i] = s
            return pyfunc(*full)

        out = vmap(call)(*flat)
        if isinstance(out, (list, tuple)):
            return type(out)(ops.reshape(o, batch + tuple(o.shape)[1:]) for o in out)
        return ops.reshape(out, batch + tuple(out.shape)[1:])

    return wrapped


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Turn a function of scalars (or of core blocks, with ``signature``) into a batched one.

    Args:
        pyfunc: the function to vectorize.
        excluded: positions of arguments passed through unchanged.
        signature: a gufunc signature such as ``"(m,n),(n)->(m)"``; default
            scalars in, scalars out.

    Returns:
        The vectorized function.

    Example:
        >>> kc.ops.vectorize(lambda a, b: a + b)(np.array([1, 2]), 2)
        array([3, 4])
    """
    module = _backend.backend_module("indexing")
    if hasattr(module, "vectorize"):
        return module.vectorize(pyfunc, excluded=excluded, signature=signature)
    return vectorize_with_vmap(module.vmap, pyfunc, excluded=excluded, signature=signature)
