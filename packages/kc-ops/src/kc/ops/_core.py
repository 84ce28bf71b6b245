"""Core ops: conversion, casting, shapes, control flow, slicing and scattering.

Control-flow ops take Python callables. On symbolic inputs their rule traces
the callables on `KerasTensor`s to find the output specs.
"""

from __future__ import annotations

from typing import Callable

from kc import backend as _backend
from kc import dtypes, tree
from kc.backend.common.convert import python_data_dtype
from kc.backend.common.core_ops import check_reduction, checked_dtype, loop_protocol
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor, any_symbolic
from kc.ops._op import op

__all__ = [
    "associative_scan",
    "cast",
    "cond",
    "convert_to_numpy",
    "convert_to_tensor",
    "custom_gradient",
    "dtype",
    "fori_loop",
    "is_tensor",
    "map",
    "saturate_cast",
    "scan",
    "scatter",
    "scatter_update",
    "shape",
    "slice",
    "slice_update",
    "stop_gradient",
    "switch",
    "unstack",
    "vectorized_map",
    "while_loop",
]

_core = _backend.backend_module("core")


# --- helpers for the symbolic rules -----------------------------------------

def _spec(x) -> KerasTensor:
    """A new KerasTensor with the shape and dtype of ``x`` (a KerasTensor, tensor or Python value)."""
    return KerasTensor(rules.shape_of(x), rules.dtype_of(x))


def _specs(structure):
    return tree.map_structure(lambda x: None if x is None else _spec(x), structure)


def _merge_shapes(a: tuple, b: tuple, op: str, what: str) -> tuple:
    if len(a) != len(b) or any(x is not None and y is not None and x != y for x, y in zip(a, b)):
        raise ValueError(f"{op}: {what} must have the same shapes, got {a} and {b}.")
    return tuple(x if x == y else None for x, y in zip(a, b))


def _agree(first, second, op: str, what: str):
    """Check two output structures agree in structure, dtype and shape; merge unknown dims."""
    try:
        tree.assert_same_structure(first, second)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{op}: {what} must return the same structure ({e}).") from e

    def merge(a, b):
        if a is None or b is None:
            return None
        a, b = _spec(a), _spec(b)
        if a.dtype != b.dtype:
            raise ValueError(f"{op}: {what} must return the same dtypes, got {a.dtype} and {b.dtype}.")
        return KerasTensor(_merge_shapes(a.shape, b.shape, op, what), a.dtype)

    return tree.map_structure(merge, first, second)


def _unbatched(x) -> KerasTensor:
    s = _spec(x)
    if not s.shape:
        raise ValueError(f"a scalar {s} has no leading axis to loop over.")
    return KerasTensor(s.shape[1:], s.dtype)


def _batched(x, n):
    return None if x is None else KerasTensor((n,) + _spec(x).shape, _spec(x).dtype)


def _leading(xs) -> int | None:
    sizes = {_spec(t).shape[0] for t in tree.flatten(xs) if t is not None}
    return sizes.pop() if len(sizes) == 1 else None


# --- conversion and introspection ----------------------------------------------

@op(tensors=("x",))
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Convert a Python value, NumPy array or tensor to the backend's tensor type.

    Args:
        x: a Python scalar/list, NumPy array or tensor.
        dtype: optional target dtype name; default: keep the dtype of arrays,
            infer from Python data (int -> int32, float -> floatx).
        sparse: False turns sparse tensors dense; True keeps them sparse.
        ragged: False turns ragged tensors dense; True keeps them ragged.

    Returns:
        A native tensor of the active backend.

    Example:
        >>> kc.ops.convert_to_tensor([1, 2])
        array([1, 2], dtype=int32)
    """
    out_dtype = x.dtype if dtype is None else checked_dtype(dtype, "convert_to_tensor")
    return KerasTensor(x.shape, out_dtype, sparse=x.sparse if sparse is None else sparse)


def convert_to_numpy(x):
    """Convert a tensor to a NumPy array.

    Args:
        x: a tensor, NumPy array or Python value.

    Returns:
        An `np.ndarray`.

    Example:
        >>> kc.ops.convert_to_numpy(kc.ops.convert_to_tensor([1.0]))
        array([1.], dtype=float32)
    """
    if isinstance(x, KerasTensor):
        raise ValueError(
            f"convert_to_numpy: {x} is symbolic (a shape and a dtype, no values); it cannot become "
            "a NumPy array."
        )
    return _core.convert_to_numpy(x)


def is_tensor(x) -> bool:
    """Whether ``x`` is a native tensor of the active backend.

    Symbolic `KerasTensor`s are not (use `kc.backend.is_keras_tensor`).

    Args:
        x: any object.

    Returns:
        bool.

    Example:
        >>> kc.ops.is_tensor(kc.ops.convert_to_tensor(1.0)), kc.ops.is_tensor([1.0])
        (True, False)
    """
    return _core.is_tensor(x)


def shape(x) -> tuple:
    """The shape of a tensor as a tuple.

    In a TensorFlow graph, dimensions unknown at trace time are scalar
    tensors; symbolic tensors give None for them.

    Args:
        x: a tensor, KerasTensor, NumPy array or Python list.

    Returns:
        A tuple of ints (or None / scalar tensors for unknown dimensions).

    Example:
        >>> kc.ops.shape(kc.ops.zeros((2, 3)))
        (2, 3)
    """
    if isinstance(x, KerasTensor):
        return x.shape
    return _core.shape(x)


def dtype(x) -> str:
    """The kc dtype name of a tensor (``"float32"``, ``"int8"``, ...).

    Args:
        x: a tensor, KerasTensor, NumPy array or Python value.

    Returns:
        A dtype name string.

    Example:
        >>> kc.ops.dtype(kc.ops.convert_to_tensor([1, 2]))
        'int32'
    """
    if hasattr(x, "dtype"):
        return dtypes.standardize_dtype(x.dtype)
    return python_data_dtype(x)


@op
def cast(x, dtype):
    """Cast a tensor to ``dtype`` (out-of-range values: whatever the backend does; see saturate_cast).

    Args:
        x: a tensor.
        dtype: the target dtype name.

    Returns:
        A tensor of ``dtype``.

    Example:
        >>> kc.ops.cast([1.7, -2.2], "int32")
        array([ 1, -2], dtype=int32)
    """
    return KerasTensor(rules.shape_of(x), checked_dtype(dtype, "cast"))


@op
def saturate_cast(x, dtype):
    """Cast, first clipping values to the range of ``dtype`` so nothing wraps around.

    Differs from Keras 3: bounds are exact in the input dtype (float32 ->
    int32 clips to 2147483520, the largest float32 below 2**31; Keras
    overflows there), int64 -> int32 saturates, and NaN becomes 0 when
    casting floats to ints.

    Args:
        x: a tensor.
        dtype: the target dtype name.

    Returns:
        A tensor of ``dtype``.

    Example:
        >>> kc.ops.saturate_cast([-1.0, 256.0], "uint8")
        array([  0, 255], dtype=uint8)
    """
    return KerasTensor(rules.shape_of(x), checked_dtype(dtype, "saturate_cast"))


@op(rule=rules.same_as_input)
def stop_gradient(variable):
    """The input, with gradients stopped from flowing through it.

    Args:
        variable: a tensor or variable.

    Returns:
        A tensor with the same values.

    Example:
        >>> kc.ops.stop_gradient([1.0, 2.0])
        array([1., 2.], dtype=float32)
    """


def custom_gradient(f: Callable) -> Callable:
    """Decorate ``f`` so its gradient is the one it defines.

    ``f(*args)`` returns ``(output, grad_fn)``. On JAX and TensorFlow the
    gradient is ``grad_fn(upstream)``; on PyTorch it is
    ``grad_fn(*args, upstream=upstream)`` (as in Keras 3). Write
    ``def grad_fn(*args, upstream=None)`` to serve every backend. It returns
    one gradient per argument of ``f``. On NumPy the function runs forward only.

    Args:
        f: the function to decorate.

    Returns:
        A function returning ``f(*args)[0]`` whose gradient comes from ``grad_fn``.

    Example:
        >>> @kc.ops.custom_gradient
        ... def clipped_identity(x):
        ...     def grad_fn(*args, upstream=None):
        ...         upstream = args[-1] if upstream is None else upstream
        ...         return kc.ops.clip(upstream, -1.0, 1.0)
        ...     return x, grad_fn
    """
    native = _core.custom_gradient(f)

    def wrapper(*args, **kwargs):
        if any_symbolic(args, kwargs):
            return f(*args, **kwargs)[0]
        return native(*args, **kwargs)

    wrapper.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapper.__doc__ = getattr(f, "__doc__", None)
    wrapper.__wrapped__ = f
    return wrapper


@op(tensors=("x",))
def unstack(x, num=None, axis=0):
    """Split a tensor into a list of tensors along ``axis``.

    Args:
        x: a tensor.
        num: the size of ``axis``; needed when it is unknown.
        axis: the axis to unpack.

    Returns:
        A list of ``num`` tensors of rank ``x.ndim - 1``.

    Example:
        >>> kc.ops.unstack([[1, 2], [3, 4]], axis=1)
        [array([1, 3], dtype=int32), array([2, 4], dtype=int32)]
    """
    s = rules.shape_of(x)
    axis = rules.canonical_axis(axis, len(s), "unstack")
    size = s[axis]
    if size is None and num is None:
        raise ValueError(f"unstack: the size of axis {axis} of shape {s} is unknown; pass num.")
    if size is not None and num is not None and num != size:
        raise ValueError(f"unstack: num={num} does not match the size {size} of axis {axis} of shape {s}.")
    out_shape = s[:axis] + s[axis + 1:]
    return [KerasTensor(out_shape, rules.dtype_of(x)) for _ in range(size if num is None else num)]


# --- control flow ----------------------------------------------------------------

@op(tensors=("pred",))
def cond(pred, true_fn, false_fn):
    """Call ``true_fn()`` if ``pred`` else ``false_fn()``; works on tensor predicates under jit.

    Args:
        pred: a scalar bool tensor or Python bool.
        true_fn: callable with no arguments.
        false_fn: callable with no arguments returning the same structure,
            shapes and dtypes as ``true_fn``.

    Returns:
        The selected branch's output.

    Example:
        >>> kc.ops.cond(kc.ops.convert_to_tensor(True), lambda: 1.0, lambda: 2.0)
        1.0
    """
    return _agree(_specs(true_fn()), _specs(false_fn()), "cond", "true_fn and false_fn")


@op(tensors=("index", "operands"))
def switch(index, branches, *operands):
    """Call ``branches[index](*operands)``, the index clamped into range.

    Args:
        index: a scalar int tensor or Python int.
        branches: a sequence of callables returning the same structure.
        *operands: arguments for the selected branch.

    Returns:
        The selected branch's output.

    Example:
        >>> kc.ops.switch(1, [lambda x: x + 1, lambda x: x * 10], 2.0)
        20.0
    """
    if not branches:
        raise ValueError("switch: branches is empty.")
    outs = [_specs(b(*operands)) for b in branches]
    result = outs[0]
    for other in outs[1:]:
        result = _agree(result, other, "switch", "branches")
    return result


@op(tensors=("loop_vars",))
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Run ``loop_vars = body(loop_vars)`` while ``cond(loop_vars)`` holds.

    A tuple or list of loop_vars is passed element by element
    (``cond(*loop_vars)``) and the result is a tuple; a tensor or dict is
    passed whole.

    Args:
        cond: callable returning a scalar bool.
        body: callable returning new loop_vars of the same structure, shapes and dtypes.
        loop_vars: the initial state.
        maximum_iterations: optional cap on the number of iterations.

    Returns:
        The final loop_vars.

    Example:
        >>> kc.ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (0, 1))
        (3, 8)
    """
    state, call, normalize = loop_protocol(loop_vars)
    state = _specs(state)
    _agree(state, _specs(normalize(call(body, state))), "while_loop", "body and loop_vars")
    return state


@op(tensors=("lower", "upper", "init_val"))
def fori_loop(lower, upper, body_fun, init_val):
    """Run ``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``.

    Args:
        lower: first index (int or scalar int tensor).
        upper: end index, exclusive.
        body_fun: callable ``(i, val) -> val`` keeping structure, shapes and dtypes.
        init_val: the initial value (any structure).

    Returns:
        The final value.

    Example:
        >>> kc.ops.fori_loop(0, 4, lambda i, total: total + i, 0)
        6
    """
    state = _specs(init_val)
    _agree(state, _specs(body_fun(KerasTensor((), "int32"), state)), "fori_loop", "body_fun and init_val")
    return state


@op(tensors=("init", "xs"))
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``, stacking the ``y``.

    Args:
        f: callable ``(carry, x) -> (carry, y)``; carry keeps its structure,
            shapes and dtypes.
        init: the initial carry (any structure).
        xs: optional structure of tensors scanned along axis 0 (None: x is None).
        length: number of steps when xs is None (else must match).
        reverse: scan from the end (outputs stay in input order).
        unroll: steps per loop iteration (JAX; ignored elsewhere).

    Returns:
        ``(final_carry, stacked_ys)``.

    Example:
        >>> kc.ops.scan(lambda c, x: (c + x, c + x), 0, kc.ops.convert_to_tensor([1, 2, 3]))
        (6, array([1, 3, 6], dtype=int32))
    """
    if xs is None and length is None:
        raise ValueError("scan: give xs or length.")
    carry = _specs(init)
    x = None if xs is None else tree.map_structure(_unbatched, xs)
    n = length if length is not None else _leading(xs)
    new_carry, y = f(carry, x)
    _agree(carry, _specs(new_carry), "scan", "f's carry and init")
    return carry, tree.map_structure(lambda t: _batched(t, n), _specs(y))


@op(tensors=("elems",))
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive prefix scan with an associative binary ``f``, in O(log n) parallel steps.

    Args:
        f: associative callable ``(a, b) -> r`` on structures like ``elems``,
            applied element-wise along ``axis``.
        elems: a structure of tensors with the same static size along ``axis``.
        reverse: scan from the end.
        axis: the scanned axis.

    Returns:
        A structure like ``elems`` whose k-th entry along ``axis`` combines entries 0..k.

    Example:
        >>> kc.ops.associative_scan(lambda a, b: a + b, kc.ops.convert_to_tensor([1, 2, 3]))
        array([1, 3, 6], dtype=int32)
    """
    specs = _specs(elems)
    for s in tree.flatten(specs):
        rules.canonical_axis(axis, len(s.shape), "associative_scan")
    return specs


@op(tensors=("xs",))
def map(f, xs):
    """Apply ``f`` to each slice of ``xs`` along axis 0 and stack the results.

    Args:
        f: callable on one slice (structure of xs) returning any structure.
        xs: a tensor or structure of tensors with one leading size.

    Returns:
        The stacked outputs.

    Example:
        >>> kc.ops.map(lambda x: x * x, kc.ops.convert_to_tensor([1, 2, 3]))
        array([1, 4, 9], dtype=int32)
    """
    out = f(tree.map_structure(_unbatched, xs))
    return tree.map_structure(lambda t: _batched(t, _leading(xs)), _specs(out))


@op(tensors=("elements",))
def vectorized_map(function, elements):
    """Apply ``function`` to each slice of ``elements`` along axis 0, vectorized where the backend can.

    Args:
        function: callable on one slice (structure of elements).
        elements: a tensor or list/tuple of tensors with one leading size.

    Returns:
        The stacked outputs.

    Example:
        >>> kc.ops.vectorized_map(lambda x: x * 2, kc.ops.convert_to_tensor([1, 2]))
        array([2, 4], dtype=int32)
    """
    out = function(tree.map_structure(_unbatched, elements))
    return tree.map_structure(lambda t: _batched(t, _leading(elements)), _specs(out))


# --- slicing and scattering ------------------------------------------------------

def _static_sizes(sizes, op: str) -> tuple:
    try:
        return tuple(int(s) for s in sizes)
    except TypeError as e:
        raise TypeError(f"{op}: shape must be a sequence of static ints, got {sizes!r}.") from e


@op(tensors=("inputs", "start_indices"))
def slice(inputs, start_indices, shape):
    """The block ``inputs[start:start + shape]`` with (possibly tensor) start indices.

    As with `jax.lax.dynamic_slice`, start indices are clamped so the block
    lies inside ``inputs`` (Keras 3's NumPy and TensorFlow backends raise instead).

    Args:
        inputs: a tensor.
        start_indices: one start per dimension (ints or an int tensor).
        shape: the static size of the block per dimension.

    Returns:
        A tensor of shape ``shape``, dtype of ``inputs``.

    Example:
        >>> kc.ops.slice(kc.ops.convert_to_tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2])
        array([[2, 3],
               [5, 6]], dtype=int32)
    """
    sizes = _static_sizes(shape, "slice")
    if len(sizes) != len(rules.shape_of(inputs)):
        raise ValueError(f"slice: shape {sizes} must have one entry per dimension of {rules.shape_of(inputs)}.")
    return KerasTensor(sizes, rules.dtype_of(inputs))


@op(rule=rules.same_as_input)
def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates`` (cast to inputs' dtype).

    Start indices are clamped so the block fits, as in `jax.lax.dynamic_update_slice`.

    Args:
        inputs: a tensor.
        start_indices: one start per dimension (ints or an int tensor).
        updates: a tensor of the same rank.

    Returns:
        A new tensor, shape and dtype of ``inputs``.

    Example:
        >>> kc.ops.slice_update(kc.ops.zeros((2, 3)), [1, 1], kc.ops.ones((1, 2)))
        array([[0., 0., 0.],
               [0., 1., 1.]], dtype=float32)
    """


@op
def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (duplicates sum).

    Args:
        indices: int tensor of shape ``(N, k)``, k <= len(shape).
        values: tensor of shape ``(N,) + shape[k:]``.
        shape: the output shape.

    Returns:
        A tensor of ``shape`` with the dtype of ``values``.

    Example:
        >>> kc.ops.scatter([[0], [0], [2]], kc.ops.convert_to_tensor([1.0, 2.0, 3.0]), (4,))
        array([3., 0., 3., 0.], dtype=float32)
    """
    return KerasTensor(_static_sizes(shape, "scatter"), rules.dtype_of(values))


@op(tensors=("inputs", "indices", "updates"))
def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written at ``indices`` (``inputs[indices] = updates``).

    Args:
        inputs: the tensor to update.
        indices: int tensor of shape ``(N, k)``, k <= inputs.ndim.
        updates: tensor of shape ``(N,) + inputs.shape[k:]`` (cast to inputs' dtype).
        reduction: None (replace; for duplicate indices one update wins),
            "add", "max", "min" or "mul" (combine with the current value).

    Returns:
        A new tensor, shape and dtype of ``inputs``.

    Example:
        >>> kc.ops.scatter_update(kc.ops.zeros((3,)), [[0], [0]], kc.ops.ones((2,)), reduction="add")
        array([2., 0., 0.], dtype=float32)
    """
    check_reduction(reduction)
    return rules.same_as_input(inputs)

