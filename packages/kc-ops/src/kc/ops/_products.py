"""Tensor products: matmul, dot, inner, outer, tensordot, einsum, kron, cross, trace, diagonal, vdot, slogdet.

Each declaration's body is its shape/dtype rule (run on `KerasTensor`s); the
computation is ``kc.backend.<active>.products``. Products keep the promoted
input dtype (int8 stays int8, bool stays bool) except where Keras 3 widens:
`matmul` and `einsum` of int8 only accumulate in int32, `trace` sums small
ints as int32 (uint8/uint16 as uint32), `slogdet` of ints is floatx.
"""

from __future__ import annotations

import re

from kc import config, dtypes
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op
from kc.ops._rules import canonical_axis, dtype_of, shape_of

__all__ = ["cross", "diagonal", "dot", "einsum", "inner", "kron", "matmul", "outer", "slogdet",
           "tensordot", "trace", "vdot"]


# --- rules shared with the backends ---


def product_dtype(*xs) -> str:
    """Promoted dtype of the operands (Python scalars are weak)."""
    return dtypes.result_type(*xs)


def einsum_dtype(*operands) -> str:
    if all(dtype_of(x) == "int8" for x in operands):
        return "int32"
    return dtypes.result_type(*operands)


def trace_dtype(dtype: str) -> str:
    return {"bool": "int32", "int8": "int32", "int16": "int32",
            "uint8": "uint32", "uint16": "uint32"}.get(dtype, dtype)


def slogdet_dtype(dtype: str) -> str:
    return dtype if dtypes.is_float_dtype(dtype) or dtype.startswith("complex") else config.floatx()


def _check_match(d1, d2, what: str, op: str) -> None:
    if d1 is not None and d2 is not None and d1 != d2:
        raise ValueError(f"{op}: {what} must agree, got {d1} and {d2}.")


def dot_shape(s1: tuple, s2: tuple) -> tuple:
    if not s1 or not s2:
        return rules.broadcast_shapes(s1, s2, op="dot")
    if len(s2) == 1:
        _check_match(s1[-1], s2[0], f"x1 last axis and x2 axis (shapes {s1}, {s2})", "dot")
        return s1[:-1]
    _check_match(s1[-1], s2[-2], f"x1 last axis and x2 second-to-last axis (shapes {s1}, {s2})", "dot")
    return s1[:-1] + s2[:-2] + s2[-1:]


def inner_shape(s1: tuple, s2: tuple) -> tuple:
    if not s1 or not s2:
        return rules.broadcast_shapes(s1, s2, op="inner")
    _check_match(s1[-1], s2[-1], f"last axes (shapes {s1}, {s2})", "inner")
    return s1[:-1] + s2[:-1]


def tensordot_axes(ndim1: int, ndim2: int, axes) -> tuple:
    """``axes`` (int N or a pair of sequences) -> (axes of x1, axes of x2)."""
    if isinstance(axes, int):
        if not 0 <= axes <= min(ndim1, ndim2):
            raise ValueError(f"tensordot: axes={axes} is out of range for ranks {ndim1} and {ndim2}.")
        return tuple(range(ndim1 - axes, ndim1)), tuple(range(axes))
    a1, a2 = axes
    a1 = (a1,) if isinstance(a1, int) else tuple(a1)
    a2 = (a2,) if isinstance(a2, int) else tuple(a2)
    if len(a1) != len(a2):
        raise ValueError(f"tensordot: axes {axes!r} must name as many axes of x1 as of x2.")
    return rules.canonical_axes(a1, ndim1, "tensordot"), rules.canonical_axes(a2, ndim2, "tensordot")


def tensordot_shape(s1: tuple, s2: tuple, axes) -> tuple:
    a1, a2 = tensordot_axes(len(s1), len(s2), axes)
    for i, j in zip(a1, a2):
        _check_match(s1[i], s2[j], f"contracted sizes (x1 axis {i}, x2 axis {j})", "tensordot")
    return tuple(d for i, d in enumerate(s1) if i not in a1) + tuple(d for i, d in enumerate(s2) if i not in a2)


def einsum_shape(subscripts: str, shapes) -> tuple:
    """Output shape of `einsum` (explicit or implicit output, ``...`` allowed)."""
    spec = subscripts.replace(" ", "")
    ins, _, out = spec.partition("->")
    terms = ins.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {subscripts!r} names {len(terms)} operands, got {len(shapes)}.")
    sizes, ellipses = {}, []
    for term, shape in zip(terms, shapes):
        letters = term.replace("...", "")
        if len(letters) > len(shape) or "..." not in term and len(letters) != len(shape):
            raise ValueError(f"einsum: term {term!r} does not fit an operand of shape {tuple(shape)}.")
        n_ell = len(shape) - len(letters)
        head, _, tail = term.partition("...")
        ellipses.append(tuple(shape[len(head):len(head) + n_ell]) if "..." in term else ())
        dims = shape[:len(head)] + (tuple(shape[len(shape) - len(tail):]) if tail else ())
        for letter, d in zip(head + tail, dims):
            _check_match(sizes.get(letter), d, f"sizes of index {letter!r}", "einsum")
            if sizes.get(letter) is None:
                sizes[letter] = d
    ell = rules.broadcast_shapes(*ellipses, op="einsum")
    if "->" not in spec:
        letters = "".join(terms).replace("...", "")
        out = "..." + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    head, _, tail = out.partition("...")
    if not re.fullmatch(r"[A-Za-z]*", head + tail) or any(c not in sizes for c in head + tail):
        raise ValueError(f"einsum: output {out!r} of {subscripts!r} names unknown indices.")
    return tuple(sizes[c] for c in head) + (ell if "..." in out else ()) + tuple(sizes[c] for c in tail)


def cross_axes(nd1: int, nd2: int, axisa, axisb, axisc, axis) -> tuple:
    if axis is not None:
        axisa = axisb = axisc = axis
    return canonical_axis(axisa, nd1, "cross"), canonical_axis(axisb, nd2, "cross"), axisc


def cross_shape(s1: tuple, s2: tuple, axisa=-1, axisb=-1, axisc=-1, axis=None) -> tuple:
    a, b, c = cross_axes(len(s1), len(s2), axisa, axisb, axisc, axis)
    n1, n2 = s1[a], s2[b]
    for n in (n1, n2):
        if n not in (2, 3, None):
            raise ValueError(f"cross: vectors must have 2 or 3 components, got shapes {s1} and {s2}.")
    batch = rules.broadcast_shapes(s1[:a] + s1[a + 1:], s2[:b] + s2[b + 1:], op="cross")
    if n1 == 2 and n2 == 2:
        return batch
    c = canonical_axis(c, len(batch) + 1, "cross")
    return batch[:c] + (3,) + batch[c:]


def diag_axes(ndim: int, axis1: int, axis2: int, op: str) -> tuple:
    if ndim < 2:
        raise ValueError(f"{op}: x must have rank >= 2, got rank {ndim}.")
    a1, a2 = canonical_axis(axis1, ndim, op), canonical_axis(axis2, ndim, op)
    if a1 == a2:
        raise ValueError(f"{op}: axis1 and axis2 must differ, got {axis1} and {axis2}.")
    return a1, a2


def diagonal_shape(shape: tuple, offset: int, axis1: int, axis2: int, op: str = "diagonal") -> tuple:
    a1, a2 = diag_axes(len(shape), axis1, axis2, op)
    n1, n2 = shape[a1], shape[a2]
    rest = tuple(d for i, d in enumerate(shape) if i not in (a1, a2))
    if n1 is None or n2 is None:
        return rest + (None,)
    n = min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2)
    return rest + (max(n, 0),)


def check_square(shape: tuple, op: str) -> None:
    if len(shape) < 2 or (None not in shape[-2:] and shape[-1] != shape[-2]):
        raise ValueError(f"{op}: x must be a (batch of) square matrices, got shape {shape}.")


# --- declarations ---


@op(rule=rules.matmul)
def matmul(x1, x2):
    """Matrix product of two tensors, NumPy semantics (batch dims broadcast).

    int8 x int8 accumulates in int32, as in Keras 3.

    Args:
        x1: tensor of rank >= 1.
        x2: tensor of rank >= 1.

    Returns:
        The product; dtype from `kc.dtypes.result_type` (int8 pairs: int32).

    Example:
        >>> kc.ops.matmul(np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """


@op
def dot(x1, x2):
    """Dot product, NumPy semantics (scalars multiply; N-D x M-D contracts x1[-1] with x2[-2]).

    Args:
        x1: tensor.
        x2: tensor.

    Returns:
        The product; dtype from `kc.dtypes.result_type`.

    Example:
        >>> kc.ops.dot(np.array([1, 2]), np.array([3, 4]))
        array(11)
    """
    return KerasTensor(dot_shape(shape_of(x1), shape_of(x2)), product_dtype(x1, x2))


@op
def inner(x1, x2):
    """Inner product over the last axes.

    Args:
        x1: tensor.
        x2: tensor with the same last size.

    Returns:
        Shape ``x1.shape[:-1] + x2.shape[:-1]``.

    Example:
        >>> kc.ops.inner(np.array([1, 2]), np.array([3, 4]))
        array(11)
    """
    return KerasTensor(inner_shape(shape_of(x1), shape_of(x2)), product_dtype(x1, x2))


@op
def outer(x1, x2):
    """Outer product of the flattened tensors.

    Args:
        x1: tensor (flattened).
        x2: tensor (flattened).

    Returns:
        Shape ``(x1.size, x2.size)``.

    Example:
        >>> kc.ops.outer(np.array([1, 2]), np.array([3, 4, 5])).shape
        (2, 3)
    """
    n1, n2 = (rules.reshape_shape(shape_of(x), -1, "outer")[0] for x in (x1, x2))
    return KerasTensor((n1, n2), product_dtype(x1, x2))


@op
def tensordot(x1, x2, axes=2):
    """Sum products over the given axes.

    Args:
        x1: tensor.
        x2: tensor.
        axes: N (last N axes of x1 with first N of x2) or a pair of axis lists.

    Returns:
        The contracted tensor.

    Example:
        >>> kc.ops.tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
        (2, 4)
    """
    return KerasTensor(tensordot_shape(shape_of(x1), shape_of(x2), axes), product_dtype(x1, x2))


@op(tensors=("operands",))
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, NumPy subscripts (``...`` and implicit output allowed).

    Args:
        subscripts: e.g. ``"ij,jk->ik"``.
        *operands: the tensors.
        **kwargs: accepted for Keras compatibility; ignored.

    Returns:
        The result; int8 operands only accumulate in int32 (as in Keras 3).

    Example:
        >>> kc.ops.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """
    return KerasTensor(einsum_shape(subscripts, [shape_of(x) for x in operands]), einsum_dtype(*operands))


@op
def kron(x1, x2):
    """Kronecker product.

    Args:
        x1: tensor.
        x2: tensor.

    Returns:
        Blocks of ``x2`` scaled by the elements of ``x1``.

    Example:
        >>> kc.ops.kron(np.eye(2), np.ones((2, 2))).shape
        (4, 4)
    """
    s1, s2 = shape_of(x1), shape_of(x2)
    n = max(len(s1), len(s2))
    s1, s2 = (1,) * (n - len(s1)) + s1, (1,) * (n - len(s2)) + s2
    shape = tuple(None if a is None or b is None else a * b for a, b in zip(s1, s2))
    return KerasTensor(shape, product_dtype(x1, x2))


@op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3- (or 2-) component vectors.

    Args:
        x1: tensor of vectors along ``axisa``.
        x2: tensor of vectors along ``axisb``.
        axisa: vector axis of x1.
        axisb: vector axis of x2.
        axisc: vector axis of the result.
        axis: if given, overrides the three axes.

    Returns:
        The cross products (2-D with 2-D vectors: the z component only).

    Example:
        >>> kc.ops.cross(np.array([1, 0, 0]), np.array([0, 1, 0]))
        array([0, 0, 1])
    """
    check_cross_dtype(x1, x2)
    return KerasTensor(cross_shape(shape_of(x1), shape_of(x2), axisa, axisb, axisc, axis), product_dtype(x1, x2))


def check_cross_dtype(x1, x2) -> None:
    if product_dtype(x1, x2) == "bool":
        raise TypeError("cross: bool inputs are not supported (the product needs subtraction).")


@op
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal.

    Args:
        x: tensor of rank >= 2.
        offset: diagonal offset (positive: above the main diagonal).
        axis1: first axis of the 2-D planes.
        axis2: second axis of the 2-D planes.

    Returns:
        The sums; bool/int8/int16 give int32, uint8/uint16 give uint32.

    Example:
        >>> kc.ops.trace(np.eye(3))
        array(3.)
    """
    return KerasTensor(diagonal_shape(shape_of(x), offset, axis1, axis2, "trace")[:-1],
                       trace_dtype(dtype_of(x)))


@op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """Diagonals of the 2-D planes of a tensor (the diagonal axis goes last).

    Args:
        x: tensor of rank >= 2.
        offset: diagonal offset.
        axis1: first axis of the planes.
        axis2: second axis of the planes.

    Returns:
        The diagonals.

    Example:
        >>> kc.ops.diagonal(np.arange(4).reshape(2, 2))
        array([0, 3])
    """
    return KerasTensor(diagonal_shape(shape_of(x), offset, axis1, axis2), dtype_of(x))


@op
def vdot(x1, x2):
    """Dot product of the flattened tensors (complex x1 is conjugated).

    Args:
        x1: tensor.
        x2: tensor with the same number of elements.

    Returns:
        A scalar.

    Example:
        >>> kc.ops.vdot(np.array([1, 2]), np.array([3, 4]))
        array(11)
    """
    n1, n2 = (rules.reshape_shape(shape_of(x), -1, "vdot")[0] for x in (x1, x2))
    _check_match(n1, n2, "element counts", "vdot")
    return KerasTensor((), product_dtype(x1, x2))


@op
def slogdet(x):
    """Sign and log absolute value of the determinant of square matrices.

    Args:
        x: tensor of shape ``(..., n, n)``.

    Returns:
        ``(sign, logabsdet)``, each of the batch shape; ints give floatx.

    Example:
        >>> kc.ops.slogdet(2 * np.eye(2))
        (array(1.), array(1.3862944))
    """
    shape = shape_of(x)
    check_square(shape, "slogdet")
    dtype = slogdet_dtype(dtype_of(x))
    return KerasTensor(shape[:-2], dtype), KerasTensor(shape[:-2], dtype)
