"""Shape and dtype rules shared by op families.

A rule takes the op's arguments (some of them `KerasTensor`s) and returns the
output spec. Ops with an ordinary shape name their family's rule here instead
of writing a new one.
"""

from __future__ import annotations

from kc import config, dtypes
from kc.ops._keras_tensor import KerasTensor


def shape_of(x) -> tuple:
    """Static shape of a KerasTensor, native tensor, array or Python scalar/list."""
    if isinstance(x, KerasTensor):
        return x.shape
    shape = getattr(x, "shape", None)
    if shape is not None:
        if hasattr(shape, "as_list"):
            try:
                return tuple(shape.as_list())
            except ValueError:
                raise ValueError(f"unknown rank for {x!r}") from None
        return tuple(None if d is None else int(d) for d in shape)
    if isinstance(x, (list, tuple)):
        import numpy as np

        return tuple(np.shape(x))
    return ()


def dtype_of(x) -> str:
    """kc dtype name of a tensor; Python scalars give their default dtype."""
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return dtypes.standardize_dtype(dtype)
    return dtypes.result_type(x)


def broadcast_shapes(*shapes, op: str = "broadcast") -> tuple:
    """NumPy broadcasting with None for unknown sizes.

    Example:
        >>> broadcast_shapes((None, 1, 3), (4, 3))
        (None, 4, 3)
    """
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(-ndim, 0):
        dims = [s[i] for s in shapes if len(s) >= -i]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(
                f"{op}: shapes {' and '.join(str(tuple(s)) for s in shapes)} cannot be broadcast "
                f"(sizes {sorted(known)} at axis {i})."
            )
        if known:
            out.append(known.pop())
        elif any(d is None for d in dims):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def canonical_axis(axis: int, ndim: int, op: str = "op") -> int:
    """Map a possibly negative axis into range, with a clear error."""
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise TypeError(f"{op}: axis must be an int, got {axis!r}.")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for a tensor of rank {ndim}.")
    return axis % ndim if ndim else 0


def same_as_input(x, *args, **kwargs) -> KerasTensor:
    """Same shape and dtype as the first argument."""
    return KerasTensor(shape_of(x), dtype_of(x))


def unary_float(x, *args, **kwargs) -> KerasTensor:
    """Same shape; ints and bools become floatx (sin, exp, sqrt, ...)."""
    dtype = dtype_of(x)
    if not dtypes.is_float_dtype(dtype) and not dtype.startswith("complex"):
        dtype = config.floatx()
    return KerasTensor(shape_of(x), dtype)


def broadcast_binary(x1, x2, *args, **kwargs) -> KerasTensor:
    """Broadcast shapes; dtype from the promotion lattice (add, multiply, ...)."""
    return KerasTensor(broadcast_shapes(shape_of(x1), shape_of(x2)), dtypes.result_type(x1, x2))


def broadcast_compare(x1, x2, *args, **kwargs) -> KerasTensor:
    """Broadcast shapes; bool result (equal, less, ...)."""
    return KerasTensor(broadcast_shapes(shape_of(x1), shape_of(x2)), "bool")


def reduce_shape(shape: tuple, axis=None, keepdims: bool = False, op: str = "reduce") -> tuple:
    """Output shape of a reduction over ``axis`` (None: all axes)."""
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    axes = {canonical_axis(a, len(shape), op) for a in axes}
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def matmul(x1, x2, *args, **kwargs) -> KerasTensor:
    """NumPy matmul shapes (1-D operands promoted and squeezed)."""
    s1, s2 = shape_of(x1), shape_of(x2)
    if not s1 or not s2:
        raise ValueError(f"matmul: operands must have rank >= 1, got shapes {s1} and {s2}.")
    a = (1,) + s1 if len(s1) == 1 else s1
    b = s2 + (1,) if len(s2) == 1 else s2
    if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
        raise ValueError(
            f"matmul: inner dimensions must agree, got shapes {s1} and {s2} ({a[-1]} != {b[-2]})."
        )
    batch = broadcast_shapes(a[:-2], b[:-2], op="matmul")
    out = batch + (a[-2], b[-1])
    if len(s1) == 1:
        out = out[:-2] + out[-1:]
    if len(s2) == 1:
        out = out[:-1]
    return KerasTensor(out, matmul_dtype(dtype_of(x1), dtype_of(x2)))


def matmul_dtype(d1: str, d2: str) -> str:
    """Keras's matmul result dtype: int8 inputs accumulate in int32."""
    if d1 == "int8" and d2 == "int8":
        return "int32"
    return dtypes.result_type(d1, d2)
