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


# --- nn family helpers (shared by kc/ops/_nn.py and kc/backend/*/nn.py) ---


def float_dtype(dtype) -> str:
    """A float or complex dtype stays; ints and bools become floatx (activations, softmax)."""
    name = dtypes.standardize_dtype(dtype)
    if dtypes.is_float_dtype(name) or name.startswith("complex"):
        return name
    return config.floatx()


def check_int_dtype(dtype, op: str, arg: str) -> None:
    """TypeError unless ``dtype`` is an integer dtype (bool is not)."""
    name = dtypes.standardize_dtype(dtype)
    if not dtypes.is_int_dtype(name) or name == "bool":
        raise TypeError(f"{op}: {arg} must have an integer dtype, got {name}.")


def check_same_shape(s1: tuple, s2: tuple, op: str, names=("target", "output")) -> None:
    """ValueError when two static shapes differ (None matches anything)."""
    same = len(s1) == len(s2) and all(a is None or b is None or a == b for a, b in zip(s1, s2))
    if not same:
        raise ValueError(f"{op}: {names[0]} and {names[1]} must have the same shape, "
                         f"got {names[0]}.shape={tuple(s1)} and {names[1]}.shape={tuple(s2)}.")


def canonical_axes(axis, ndim: int, op: str = "op") -> tuple:
    """Sorted tuple of in-range axes from an int, list or tuple (None: all axes)."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    return tuple(sorted({canonical_axis(a, ndim, op) for a in axes}))


def nn_sparse_target_shape(target_shape: tuple, output_shape: tuple) -> tuple:
    """sparse_categorical_crossentropy target shape, a trailing size-1 axis dropped."""
    if len(target_shape) == len(output_shape) and target_shape and target_shape[-1] == 1:
        return target_shape[:-1]
    return target_shape


def nn_multi_hot_classes(num_classes, kwargs: dict) -> int:
    """multi_hot's class count (``num_tokens=`` is Keras's alias); errors for other keywords."""
    kwargs = dict(kwargs)
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"multi_hot: unexpected keyword arguments {sorted(kwargs)}.")
    if num_classes is None:
        raise ValueError("multi_hot: num_classes must be given.")
    return num_classes


def nn_layer_norm_rms_scaling(kwargs: dict) -> bool:
    """layer_normalization's deprecated ``rms_scaling`` flag; TypeError for other keywords."""
    kwargs = dict(kwargs)
    rms_scaling = bool(kwargs.pop("rms_scaling", False))
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected keyword arguments {sorted(kwargs)}.")
    return rms_scaling


def nn_check_norm_order(order) -> None:
    """normalize's ``order`` must be an int >= 1."""
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"normalize: order must be an int >= 1, got {order!r}.")


def nn_check_ctc_strategy(strategy) -> None:
    if strategy not in ("greedy", "beam_search"):
        raise ValueError(f"ctc_decode: strategy must be 'greedy' or 'beam_search', got {strategy!r}.")


def nn_polar_dtype(*dtype_names) -> str:
    """polar's result: complex128 when the float inputs are 64-bit, else complex64."""
    return "complex128" if float_dtype(dtypes.result_type(*dtype_names)) == "float64" else "complex64"


def nn_ctc_dtype(dtype) -> str:
    """CTC loss/decode scores: at least float32."""
    return dtypes.result_type(float_dtype(dtype), "float32")


# --- Shape helpers of the manipulation / indexing / products families. The
# backends call them on concrete shapes too, so bad input gives the same
# error type and message on every backend.


def canonical_axes(axis, ndim: int, op: str = "op") -> tuple:
    """An int or sequence of ints -> sorted tuple of distinct non-negative axes."""
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    out = tuple(canonical_axis(a, ndim, op) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}.")
    return out


def reshape_shape(shape: tuple, newshape, op: str = "reshape") -> tuple:
    """Output shape of reshaping ``shape`` to ``newshape`` (one -1 allowed).

    Example:
        >>> reshape_shape((None, 4), (-1, 2))
        (None, 2)
    """
    new = (newshape,) if isinstance(newshape, int) else tuple(newshape)
    new = tuple(None if d is None else int(d) for d in new)
    if sum(d == -1 for d in new) > 1 or any(d is not None and d < -1 for d in new):
        raise ValueError(f"{op}: newshape may hold at most one -1 and no other negative size, got {newshape!r}.")
    if None in shape:
        return tuple(None if d == -1 else d for d in new)
    size = _prod(shape)
    known = _prod(d for d in new if d != -1 and d is not None)
    if -1 in new:
        if known == 0 or size % known:
            raise ValueError(f"{op}: cannot reshape a tensor of shape {shape} (size {size}) into {new}.")
        return tuple(size // known if d == -1 else d for d in new)
    if None not in new and known != size:
        raise ValueError(f"{op}: cannot reshape a tensor of shape {shape} (size {size}) into {new}.")
    return new


def concat_shape(shapes, axis: int, op: str = "concatenate") -> tuple:
    """Output shape of joining ``shapes`` along ``axis`` (sizes elsewhere must agree)."""
    shapes = [tuple(s) for s in shapes]
    if not shapes:
        raise ValueError(f"{op}: needs at least one tensor, got none.")
    ndim = len(shapes[0])
    if any(len(s) != ndim for s in shapes):
        raise ValueError(f"{op}: all tensors must have the same rank, got shapes {shapes}.")
    axis = canonical_axis(axis, ndim, op)
    out = []
    for i in range(ndim):
        dims = [s[i] for s in shapes]
        if i == axis:
            out.append(None if None in dims else sum(dims))
            continue
        known = {d for d in dims if d is not None}
        if len(known) > 1:
            raise ValueError(
                f"{op}: tensors must have the same size except along axis {axis}, got shapes {shapes}."
            )
        out.append(known.pop() if known else None)
    return tuple(out)


def _prod(dims) -> int:
    out = 1
    for d in dims:
        out *= d
    return out


# --- reductions family helpers (kc/ops/_reductions.py and kc/backend/*/reductions.py) ---


def sum_dtype(dtype) -> str:
    """Keras's sum/prod result: bool, int8, int16 -> int32; uint8, uint16 -> uint32."""
    name = dtypes.standardize_dtype(dtype)
    if name in ("bool", "int8", "int16"):
        return "int32"
    if name in ("uint8", "uint16"):
        return "uint32"
    return name


def cumulative_dtype(dtype) -> str:
    """Keras's cumsum/cumprod result: bool -> int32, every other dtype kept."""
    name = dtypes.standardize_dtype(dtype)
    return "int32" if name == "bool" else name


def reduction_axes(axis, ndim: int, op: str = "reduce"):
    """``axis`` of a reduction as a sorted tuple of non-negative axes; None stays None.

    Raises ValueError naming ``op`` for an out-of-range or repeated axis.
    """
    if axis is None:
        return None
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    out = tuple(canonical_axis(a, ndim, op) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}.")
    return tuple(sorted(out))


def bincount_dtype(weights_dtype) -> str:
    """bincount's result: int32 counts; float weights keep their dtype, int/bool ones give >= int32."""
    if weights_dtype is None:
        return "int32"
    name = dtypes.standardize_dtype(weights_dtype)
    if dtypes.is_float_dtype(name):
        return name
    return "int64" if name in ("int64", "uint32", "uint64") else "int32"


_CORRELATE_MODES = ("valid", "same", "full")


def correlate_span(n: int, m: int, mode: str) -> tuple:
    """(start, length) of ``mode``'s part of the full correlation of 1-D sizes n and m."""
    if mode not in _CORRELATE_MODES:
        raise ValueError(f"correlate: mode must be one of {_CORRELATE_MODES}, got {mode!r}.")
    if mode == "full":
        return 0, n + m - 1
    if mode == "same":  # NumPy centres on x1 when it is the longer input, else on the reversed x2
        shift = (min(n, m) - 1) // 2
        return (shift if n >= m else n - 1 - shift), max(n, m)
    return min(n, m) - 1, max(n, m) - min(n, m) + 1


QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def check_quantile_method(method, op: str) -> None:
    if method not in QUANTILE_METHODS:
        raise ValueError(f"{op}: method must be one of {QUANTILE_METHODS}, got {method!r}.")


def check_nonempty_reduction(shape: tuple, axes, op: str) -> None:
    """ValueError when a reduction without identity (max, argmax, ...) would reduce a size-0 axis."""
    reduced = range(len(shape)) if axes is None else axes
    if any(shape[a] == 0 for a in reduced):
        raise ValueError(f"{op}: cannot reduce an empty axis of a tensor of shape {tuple(shape)} "
                         f"(it has no identity; pass initial= to max/min).")


# --- creation family helpers (kc/ops/_creation.py and kc/backend/*/creation.py) ---


def creation_dtype(dtype) -> str:
    """dtype of a new tensor (zeros, ones, full, eye, ...): the given one, else floatx."""
    return dtypes.standardize_dtype(dtype) if dtype is not None else config.floatx()


def _dtype_or_type(value):
    return getattr(value, "dtype", type(value))


def arange_dtype(start, stop=None, step=None, dtype=None) -> str:
    """arange's dtype: the given one, else the promotion of its bounds (Python ints -> int32)."""
    if dtype is not None:
        return dtypes.standardize_dtype(dtype)
    return dtypes.result_type(*(_dtype_or_type(v) for v in (start, stop, step) if v is not None))


def linspace_dtype(start, stop, dtype=None) -> str:
    """linspace/logspace/geomspace dtype: the given one, else the float type of the bounds."""
    if dtype is not None:
        return dtypes.standardize_dtype(dtype)
    return float_dtype(dtypes.result_type(_dtype_or_type(start), _dtype_or_type(stop)))


def window_length(x, op: str) -> int:
    """The length argument of the window functions (bartlett, hanning, ...): a Python int."""
    try:
        return int(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{op}: x must be an int window length, got {x!r}.") from e


# --- arithmetic family: element-wise binary ops (kc/ops/_arithmetic.py, kc/backend/*/arithmetic.py) ---

# op -> (kind, bool_as). The compute dtype is ``result_type(x1, x2)`` (Python
# scalars weak), then by kind: "float" turns ints and bools into floatx;
# "int" allows only ints and bools; "compare" keeps it (the output is bool);
# "bool" computes on bools. ``bool_as`` replaces a bool dtype ("error": TypeError).
_BINARY_KINDS = {
    **dict.fromkeys(("add", "multiply", "maximum", "minimum", "fmax", "fmin"), ("any", None)),
    "subtract": ("any", "error"),
    **dict.fromkeys(("floor_divide", "power"), ("any", "int8")),
    **dict.fromkeys(("mod", "fmod"), ("any", "int32")),
    **dict.fromkeys(("divide", "true_divide", "divide_no_nan", "hypot", "arctan2", "logaddexp",
                     "logaddexp2", "heaviside", "nextafter", "isclose", "allclose"), ("float", None)),
    **dict.fromkeys(("gcd", "lcm"), ("int", "error")),
    **dict.fromkeys(("bitwise_and", "bitwise_or", "bitwise_xor"), ("int", None)),
    **dict.fromkeys(("bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift"),
                    ("int", "int8")),
    **dict.fromkeys(("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"),
                    ("compare", None)),
    **dict.fromkeys(("logical_and", "logical_or", "logical_xor"), ("bool", None)),
}

_PY_SCALARS = (bool, int, float, complex)


def operand_dtype(x):
    """A `result_type` argument for ``x``: Python scalars stay (weak), else x's dtype name."""
    if isinstance(x, _PY_SCALARS):
        return x
    if getattr(x, "dtype", None) is not None:
        return dtypes.standardize_dtype(x.dtype)
    from kc.backend.common.convert import python_data_dtype

    return python_data_dtype(x)


def binary_dtype(op: str, x1, x2) -> str:
    """The dtype an element-wise binary op computes in (see ``_BINARY_KINDS``).

    Example:
        >>> binary_dtype("true_divide", np.int8(1), 2)
        'float32'
    """
    kind, bool_as = _BINARY_KINDS[op]
    if kind == "bool":
        return "bool"
    d1, d2 = operand_dtype(x1), operand_dtype(x2)
    dtype = dtypes.result_type(d1, d2)
    if kind == "float":
        return float_dtype(dtype)
    if kind == "int" and dtype != "bool" and not dtypes.is_int_dtype(dtype):
        raise TypeError(f"{op}: x1 and x2 must be integer or bool tensors, got dtypes "
                        f"{dtypes.result_type(d1)} and {dtypes.result_type(d2)}.")
    if dtype == "bool" and bool_as is not None:
        if bool_as == "error":
            raise TypeError(f"{op}: x1 and x2 cannot both be bool.")
        return bool_as
    return dtype


def binary_output_dtype(op: str, x1, x2) -> str:
    """The output dtype of an element-wise binary op: bool for comparisons and logic."""
    dtype = binary_dtype(op, x1, x2)
    return "bool" if _BINARY_KINDS[op][0] in ("compare", "bool") or op == "isclose" else dtype


def reraise_broadcast(op: str, error: Exception, *xs) -> None:
    """Raise ValueError naming ``op`` and the shapes (chained to ``error``) when ``xs`` do not
    broadcast; return otherwise so that the caller re-raises ``error``."""
    try:
        broadcast_shapes(*(shape_of(x) for x in xs), op=op)
    except ValueError as shape_error:
        raise shape_error from error


def clip_dtypes(x, x_min, x_max) -> tuple:
    """(output, compute) dtypes of clip: the output keeps x's dtype (bool -> int32); the
    bounds take part in the compute dtype at their own dtype (Python scalars count strong)."""
    out = dtype_of(x)
    out = "int32" if out == "bool" else out
    bounds = [dtypes.result_type(operand_dtype(b)) for b in (x_min, x_max) if b is not None]
    compute = dtypes.result_type(out, *bounds)
    return out, "int32" if compute == "bool" else compute


def ldexp_dtype(x1, x2) -> str:
    """ldexp's output dtype: float x1 keeps its dtype, else floatx; x2 must be integer."""
    d2 = operand_dtype(x2)
    name = dtypes.result_type(d2)
    if isinstance(d2, (bool, float, complex)) or not dtypes.is_int_dtype(name):
        raise TypeError(f"ldexp: x2 must be an integer tensor or Python int, got {name}.")
    return float_dtype(dtypes.result_type(operand_dtype(x1)))


def check_bincount_dtype(dtype) -> None:
    """bincount counts ints or bools: TypeError for anything else."""
    if dtypes.standardize_dtype(dtype) != "bool":
        check_int_dtype(dtype, "bincount", "x")
