"""Backend-independent pieces of the core ops (`kc.ops.cast`, `while_loop`, `scan`, ...).

Argument checks that must raise the same error on every backend, the
saturation bounds of `saturate_cast`, and the control flow written once in
plain Python over a small array namespace: the eager loops of the NumPy and
PyTorch backends, and the parallel `associative_scan` of the backends without
a native one.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable

import numpy as np

from kc import dtypes, tree
from kc.backend.common.convert import python_data_dtype

SCATTER_REDUCTIONS = (None, "add", "max", "min", "mul")


def checked_dtype(dtype, op: str) -> str:
    """``standardize_dtype`` whose error names the op."""
    try:
        return dtypes.standardize_dtype(dtype)
    except ValueError as e:
        raise ValueError(f"{op}: {e}") from e


def check_reduction(reduction) -> None:
    """scatter_update's ``reduction`` must be one of SCATTER_REDUCTIONS."""
    if reduction not in SCATTER_REDUCTIONS:
        raise ValueError(
            f"scatter_update: reduction must be one of {SCATTER_REDUCTIONS}, got {reduction!r}."
        )


def _np_dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _value_range(name: str) -> tuple:
    if dtypes.is_int_dtype(name):
        info = np.iinfo(name)
        return int(info.min), int(info.max)
    info = _finfo(name)
    return float(info.min), float(info.max)


def _finfo(name: str):
    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.finfo(ml_dtypes.bfloat16)
    return np.finfo(name)


def _representable(value, name: str, toward: float):
    """The value of dtype ``name`` nearest to ``value`` that does not pass it."""
    dtype = _np_dtype(name)
    v = np.array(value).astype(dtype)
    exact = float(v) if dtypes.is_float_dtype(name) else int(v)
    if (toward < 0 and exact > value) or (toward > 0 and exact < value):
        v = np.nextafter(v, np.array(toward, dtype=dtype))
    return v.item()


def saturation_bounds(src: str, dst: str) -> tuple | None:
    """(low, high) in ``src``'s values that keep a cast from ``src`` to ``dst`` in range.

    None when no clipping is needed (``dst`` holds every finite value of
    ``src`` and ``src`` has no infinities to tame, or either dtype is bool or
    complex). Float to int always clips (infinities).

    Example:
        >>> saturation_bounds("float32", "uint8")
        (0.0, 255.0)
    """
    kinds = (dtypes.is_int_dtype, dtypes.is_float_dtype)
    if not any(k(src) for k in kinds) or not any(k(dst) for k in kinds):
        return None
    src_lo, src_hi = _value_range(src)
    dst_lo, dst_hi = _value_range(dst)
    float_to_int = dtypes.is_float_dtype(src) and dtypes.is_int_dtype(dst)
    if dst_lo <= src_lo and src_hi <= dst_hi and not float_to_int:
        return None
    lo, hi = max(src_lo, dst_lo), min(src_hi, dst_hi)
    if dtypes.is_float_dtype(src):
        return _representable(lo, src, np.inf), _representable(hi, src, -np.inf)
    return int(np.ceil(lo)), int(np.floor(hi))


# --- loop_vars conventions of while_loop -----------------------------------

def loop_protocol(loop_vars) -> tuple[Any, Callable, Callable]:
    """How while_loop's callables take ``loop_vars``.

    A tuple or list is passed element by element (``cond(*vars)``) and the
    result is a tuple; anything else (a tensor, a dict) is passed whole.

    Returns:
        (state, call, normalize): ``call(fn, state)`` applies cond or body;
        ``normalize(body_output)`` gives the next state.
    """
    if isinstance(loop_vars, (list, tuple)):
        def call(fn, state):
            return fn(*state)

        def normalize(out):
            return tuple(out) if isinstance(out, (list, tuple)) else (out,)

        return tuple(loop_vars), call, normalize
    return loop_vars, (lambda fn, state: fn(state)), (lambda out: out)


# --- eager control flow in plain Python (numpy, torch) ---------------------

def python_while_loop(cond, body, loop_vars, maximum_iterations, convert):
    state, call, normalize = loop_protocol(loop_vars)
    state = tree.map_structure(convert, state)
    steps = 0
    while (maximum_iterations is None or steps < maximum_iterations) and bool(call(cond, state)):
        state = normalize(call(body, state))
        steps += 1
    return tree.map_structure(convert, state)  # NumPy arithmetic on 0-d arrays gives scalars


def leading_size(xs, length, op: str = "scan") -> int:
    """Number of steps of scan/map: ``length``, or the leading size of ``xs``."""
    sizes = {leaf.shape[0] for leaf in tree.flatten(xs) if leaf is not None} if xs is not None else set()
    if len(sizes) > 1:
        raise ValueError(f"{op}: every array in xs must have the same leading size, got {sorted(sizes)}.")
    if length is not None and sizes and length not in sizes:
        raise ValueError(f"{op}: length {length} does not match the leading size {sizes.pop()} of xs.")
    if length is None and not sizes:
        raise ValueError(f"{op}: give xs or length.")
    return length if length is not None else sizes.pop()


def stack_outputs(outputs: list, stack):
    """Stack a list of equal structures leaf by leaf (None leaves stay None)."""
    return tree.map_structure(lambda *leaves: None if leaves[0] is None else stack(leaves), *outputs)


def python_scan(f, init, xs, length, reverse, convert, stack):
    xs = None if xs is None else tree.map_structure(convert, xs)
    n = leading_size(xs, length)
    carry = tree.map_structure(convert, init)
    ys = []
    for i in (reversed(range(n)) if reverse else range(n)):
        x = None if xs is None else tree.map_structure(lambda t: t[i], xs)
        carry, y = f(carry, x)
        ys.append(y)
    if not ys:
        raise ValueError("scan: zero iterations (length 0) give no output structure on this backend.")
    if reverse:
        ys.reverse()
    return tree.map_structure(convert, carry), stack_outputs(ys, stack)


def python_map(f, xs, convert, stack):
    xs = tree.map_structure(convert, xs)
    n = leading_size(xs, None, op="map")
    outputs = [f(tree.map_structure(lambda t: t[i], xs)) for i in range(n)]
    if not outputs:
        raise ValueError("map: xs is empty; there is no output structure.")
    return stack_outputs(outputs, stack)


def clamp_index(index: int, n: int) -> int:
    return min(max(int(index), 0), n - 1)


def python_control_flow(convert: Callable, stack: Callable) -> tuple:
    """(cond, switch, while_loop, fori_loop, scan, map) as eager Python loops.

    For the backends without graph control flow (numpy, torch): ``convert`` is the
    backend's `convert_to_tensor`, ``stack`` stacks a sequence of tensors on a new axis 0.
    """

    def cond(pred, true_fn, false_fn):
        return true_fn() if bool(pred) else false_fn()

    def switch(index, branches, *operands):
        return branches[clamp_index(index, len(branches))](*operands)

    def while_loop(cond, body, loop_vars, maximum_iterations=None):
        return python_while_loop(cond, body, loop_vars, maximum_iterations, convert)

    def fori_loop(lower, upper, body_fun, init_val):
        val = tree.map_structure(convert, init_val)
        for i in range(int(lower), int(upper)):
            val = body_fun(i, val)
        return tree.map_structure(convert, val)

    def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
        return python_scan(f, init, xs, length, reverse, convert, stack)

    def map(f, xs):
        return python_map(f, xs, convert, stack)

    return cond, switch, while_loop, fori_loop, scan, map


# --- parallel associative scan over a small array namespace ----------------

def associative_scan(f, elems, reverse: bool, axis: int, xp: SimpleNamespace):
    """Blelloch-style prefix scan with the associative ``f``, O(log n) calls deep.

    ``xp`` supplies ``moveaxis(x, src, dst)``, ``flip(x)`` (axis 0),
    ``concat(list)`` (axis 0) and ``interleave(a, b)`` (axis 0: a0 b0 a1 b1 ...).
    The scanned axis must have a static size.
    """
    leaves = tree.flatten(elems)
    ndim = len(leaves[0].shape)
    if not -ndim <= axis < ndim:
        raise ValueError(f"associative_scan: axis {axis} is out of range for a tensor of rank {ndim}.")
    axis %= ndim
    leaves = [xp.moveaxis(t, axis, 0) for t in leaves]
    sizes = {t.shape[0] for t in leaves}
    if len(sizes) != 1 or None in sizes:
        raise ValueError(
            f"associative_scan: every array in elems needs the same static size along axis {axis}, "
            f"got {sorted(sizes, key=str)}."
        )
    if reverse:
        leaves = [xp.flip(t) for t in leaves]

    def combine(a, b):
        out = f(tree.pack_sequence_as(elems, a), tree.pack_sequence_as(elems, b))
        return tree.flatten(out)

    out = _prefix(combine, leaves, sizes.pop(), xp)
    if reverse:
        out = [xp.flip(t) for t in out]
    out = [xp.moveaxis(t, 0, axis) for t in out]
    return tree.pack_sequence_as(elems, out)


def _prefix(combine, a: list, n: int, xp) -> list:
    if n < 2:
        return a
    pairs = combine([t[0:n - 1:2] for t in a], [t[1::2] for t in a])  # n // 2 pair sums
    odd = _prefix(combine, pairs, n // 2, xp)  # prefixes ending at 1, 3, 5, ...
    if n % 2 == 0:
        even = combine([t[:-1] for t in odd], [t[2::2] for t in a])
    else:
        even = combine(odd, [t[2::2] for t in a])
    even = [xp.concat([t[:1], e]) for t, e in zip(a, even)]  # prefixes ending at 0, 2, 4, ...
    if n % 2 == 0:
        return [xp.interleave(e, o) for e, o in zip(even, odd)]
    return [xp.concat([xp.interleave(e[:-1], o), e[-1:]]) for e, o in zip(even, odd)]


def scatter_flat_indices(indices_t, shape: tuple, k: int):
    """Row-major linear index of the first ``k`` coordinates: sum(indices[:, j] * stride_j).

    ``indices_t`` is a sequence of the k coordinate columns (backend tensors).
    """
    flat = None
    for j in range(k):
        stride = int(np.prod(shape[j + 1:k], dtype=np.int64))
        term = indices_t[j] * stride
        flat = term if flat is None else flat + term
    return flat


_CONVERTIBLE = (bool, int, float, complex, str, bytes, list, tuple, np.ndarray, np.generic)


def check_convertible(x) -> None:
    """Raise a TypeError naming convert_to_tensor for objects no backend can convert."""
    if isinstance(x, _CONVERTIBLE) or hasattr(x, "__array__") or hasattr(x, "dtype"):
        return
    raise TypeError(
        f"convert_to_tensor: cannot convert an object of type {type(x).__name__} to a tensor; "
        "expected a tensor, NumPy array, Python number or nested list of numbers."
    )


def conversion_error(x, error: Exception) -> Exception:
    """The framework's conversion error, re-typed and prefixed with the op name."""
    kind = TypeError if isinstance(error, TypeError) else ValueError
    return kind(f"convert_to_tensor: cannot convert {type(x).__name__} {x!r:.80} to a tensor ({error}).")


def dtype_error(dtype, op: str, backend: str) -> ValueError:
    """The error for a dtype that ``op`` cannot use on ``backend`` (unknown, or not supported there)."""
    try:
        name = dtypes.standardize_dtype(dtype)
    except ValueError as e:
        return ValueError(f"{op}: {e}")
    return ValueError(f"{op}: the {backend} backend has no dtype {name!r}.")


# --- conversion and promotion, shared by the backends' core.py ------------

PYTHON_SCALARS = (bool, int, float, complex)


def unwrap_variable(x):
    """The current value of a kc Variable; anything else unchanged."""
    return x._kc_variable_value() if hasattr(x, "_kc_variable_value") else x


def native_dtype_of(dtype, to_native_dtype: Callable, backend: str):
    """``dtype`` as ``backend``'s dtype for convert_to_tensor (None stays None); unknown names raise."""
    if dtype is None:
        return None
    try:
        return to_native_dtype(dtype)
    except (KeyError, ValueError) as e:
        raise dtype_error(dtype, "convert_to_tensor", backend) from e


def convert_array_like(x, dtype, array_type: type, asarray: Callable, to_native_dtype: Callable):
    """convert_to_tensor of the NumPy-like backends (numpy, jax), ``dtype`` already native or None.

    Python data without a dtype gets kc's default for it (e.g. int32 for ints).
    """
    if isinstance(x, array_type):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    check_convertible(x)
    try:
        if dtype is None and not hasattr(x, "dtype") and not hasattr(x, "__array__"):
            dtype = to_native_dtype(python_data_dtype(x))
        return asarray(x, dtype=dtype)
    except (TypeError, ValueError) as e:
        raise conversion_error(x, e) from e


def make_promote(convert_to_tensor: Callable, is_tensor: Callable) -> Callable:
    """A backend's `promote` built on its ``convert_to_tensor`` and ``is_tensor``."""

    def promote(*xs, dtype=None):
        """Convert ``xs`` to tensors of their kc result dtype (or ``dtype``).

        Python scalars are weak: ``promote(float16_tensor, 1.0)`` stays float16.
        """
        xs = [x if isinstance(x, PYTHON_SCALARS) or is_tensor(x) else convert_to_tensor(x) for x in xs]
        if dtype is None:
            dtype = dtypes.result_type(*xs)
        return [convert_to_tensor(x, dtype) for x in xs]

    return promote


def saturation_args(x, dtype, convert_to_tensor: Callable) -> tuple:
    """saturate_cast's inputs checked: (tensor ``x``, target dtype name, `saturation_bounds` or None)."""
    dtype = checked_dtype(dtype, "saturate_cast")
    x = convert_to_tensor(x)
    return x, dtype, saturation_bounds(dtypes.standardize_dtype(x.dtype), dtype)
