"""kc.Variable on the active backend: construction, updates, scopes, operators, framework hooks."""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc_testing import BACKEND, assert_close, dtype_name

X64 = BACKEND != "jax"  # jax without x64 narrows 64-bit values


def _ones(shape, dtype=None):
    return np.ones(shape, dtype=dtype)


# (initializer, kwargs, expected dtype, expected shape)
CONSTRUCTION = [
    (1.0, {}, "float32", ()),
    (3, {}, "int32", ()),
    (True, {}, "bool", ()),
    ([1, 2], {}, "int32", (2,)),
    ([1.0, 2.0], {"dtype": "float16"}, "float16", (2,)),
    (np.zeros((2, 3), "float64"), {}, "float64" if X64 else "float32", (2, 3)),
    (np.array([1, 2], "int8"), {}, "int8", (2,)),
    (1.5, {"dtype": "int32"}, "int32", ()),
    (_ones, {"shape": (2, 2)}, "float32", (2, 2)),
    (_ones, {"shape": (3,), "dtype": "int32"}, "int32", (3,)),
]


@pytest.mark.parametrize("initializer, kwargs, dtype, shape", CONSTRUCTION)
def test_construction(initializer, kwargs, dtype, shape):
    v = kc.Variable(initializer, **kwargs)
    assert v.dtype == dtype
    assert v.shape == shape and v.ndim == len(shape)
    assert dtype_name(v.value) == dtype
    expected = initializer(shape) if callable(initializer) else initializer
    assert_close(v.numpy(), np.asarray(expected).astype(v.numpy().dtype), check_dtype=False)


def test_defaults_and_repr():
    v = kc.Variable([1.0, 2.0], name="w")
    assert (v.name, v.path, v.trainable, v.aggregation, v.synchronization, v.autocast) == (
        "w", "w", True, "none", "auto", True)
    assert v.constraint is None and v.regularizer is None
    assert repr(v) == "<Variable path=w, shape=(2,), dtype=float32, value=[1. 2.]>"
    assert kc.Variable(1.0, aggregation=None).aggregation == "none"


def test_auto_names_are_unique():
    a, b = kc.Variable(1.0), kc.Variable(1.0)
    assert a.name.startswith("variable") and a.name != b.name


def test_path_under_name_scope():
    with kc.name_scope("block"):
        with kc.name_scope("dense"):
            v = kc.Variable(1.0, name="kernel")
    assert (v.name, v.path) == ("kernel", "block/dense/kernel")


@pytest.mark.parametrize("kwargs, match", [
    ({"initializer": 1.0, "name": "a/b"}, "name"),
    ({"initializer": _ones}, "shape is required"),
    ({"initializer": [1.0, 2.0], "shape": (3,)}, "shape"),
    ({"initializer": 1.0, "aggregation": "max"}, "aggregation"),
    ({"initializer": 1.0, "synchronization": "always"}, "synchronization"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kc.Variable(**kwargs)


def test_assign_casts_and_returns_value():
    v = kc.Variable([1.0, 2.0])
    out = v.assign([3, 4])
    assert_close(out, [3.0, 4.0], "float32")
    assert_close(v.value, [3.0, 4.0], "float32")
    v.assign(np.array([5.0, 6.0], "float64"))
    assert v.dtype == "float32" and dtype_name(v.value) == "float32"
    assert_close(v.numpy(), [5.0, 6.0])


def test_assign_wrong_shape():
    v = kc.Variable([1.0, 2.0], name="w")
    with pytest.raises(ValueError, match=r"'w'.*\(2,\).*\(3,\)"):
        v.assign([1.0, 2.0, 3.0])


def test_assign_add_and_sub():
    v = kc.Variable([1, 2])
    assert_close(v.assign_add([10, 20]), [11, 22], "int32")
    assert_close(v.numpy(), [11, 22])
    assert_close(v.assign_sub(1), [10, 21], "int32")
    assert_close(v.numpy(), [10, 21])


def test_initial_value_is_copied():
    data = np.array([1.0, 2.0], "float32")
    v = kc.Variable(data)
    data[0] = 9.0
    assert_close(v.numpy(), [1.0, 2.0])


def test_trainable_setter():
    v = kc.Variable(1.0)
    v.trainable = False
    assert v.trainable is False
    if BACKEND == "torch":
        assert v.value.requires_grad is False
    if BACKEND == "tensorflow":
        assert v.value.trainable is False


def test_conversions():
    v = kc.Variable([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(v.numpy(), np.ndarray)
    assert np.asarray(v).shape == (2, 2)
    assert np.asarray(v, dtype="float64").dtype == np.float64
    assert len(v) == 2
    s = kc.Variable(2.5)
    assert float(s) == 2.5 and int(s) == 2 and bool(s) is True and round(s) == 2
    with pytest.raises(TypeError, match="len"):
        len(s)
    assert_close(kc.backend.convert_to_tensor(v), [[1.0, 2.0], [3.0, 4.0]], "float32")
    assert kc.backend.is_tensor(kc.backend.convert_to_tensor(v))


A = np.array([[1.0, -2.0], [3.0, 4.0]], "float32")
B = np.array([[2.0, 1.0], [-1.0, 0.5]], "float32")

# (kc.ops name behind the operator, kc expression on (variable, other), NumPy oracle on (a, b))
OPERATORS = [
    ("add", lambda v, b: v + b, lambda a, b: a + b),
    ("add", lambda v, b: b + v, lambda a, b: b + a),
    ("add", lambda v, b: v + 1.0, lambda a, b: a + 1.0),
    ("subtract", lambda v, b: v - b, lambda a, b: a - b),
    ("subtract", lambda v, b: 1.0 - v, lambda a, b: 1.0 - a),
    ("multiply", lambda v, b: v * b, lambda a, b: a * b),
    ("true_divide", lambda v, b: v / b, lambda a, b: a / b),
    ("matmul", lambda v, b: v @ b, lambda a, b: a @ b),
    ("matmul", lambda v, b: b @ v, lambda a, b: b @ a),
    ("power", lambda v, b: v ** 2, lambda a, b: a ** 2),
    ("negative", lambda v, b: -v, lambda a, b: -a),
    ("absolute", lambda v, b: abs(v), lambda a, b: np.abs(a)),
    ("less", lambda v, b: v < b, lambda a, b: a < b),
    ("greater_equal", lambda v, b: v >= b, lambda a, b: a >= b),
    ("equal", lambda v, b: v == b, lambda a, b: a == b),
    ("not_equal", lambda v, b: v != b, lambda a, b: a != b),
    ("get_item", lambda v, b: v[1], lambda a, b: a[1]),
    ("get_item", lambda v, b: v[:, 0], lambda a, b: a[:, 0]),
]


@pytest.mark.parametrize("op_name, expr, oracle", OPERATORS, ids=[row[0] for row in OPERATORS])
def test_operators(op_name, expr, oracle):
    v = kc.Variable(A)
    expected = oracle(A, B)
    assert_close(expr(v, kc.backend.convert_to_tensor(B)), expected, str(expected.dtype))


def test_operator_on_symbolic():
    out = kc.Variable(A) + kc.KerasTensor((None, 2))
    assert isinstance(out, kc.KerasTensor) and out.shape == (2, 2) and out.dtype == "float32"


def test_stateless_scope_reads_and_writes():
    v = kc.Variable([1.0, 2.0])
    with kc.StatelessScope([(v, [5.0, 6.0])]) as scope:
        assert_close(v.value, [5.0, 6.0], "float32")
        assert_close(v + 1.0, [6.0, 7.0], "float32")
        v.assign(v + 10.0)
        assert_close(v.value, [15.0, 16.0], "float32")
    assert_close(scope.get_current_value(v), [15.0, 16.0], "float32")
    assert_close(v.numpy(), [1.0, 2.0])


def test_stateless_scope_without_mapping_reads_variable():
    v = kc.Variable(3.0)
    with kc.StatelessScope() as scope:
        assert_close(v.value, 3.0, "float32")
        v.assign_add(1.0)
    assert_close(scope.get_current_value(v), 4.0, "float32")
    assert_close(v.numpy(), 3.0)


@pytest.mark.skipif(BACKEND != "jax", reason="jax only")
def test_jax_jit_with_stateless_scope():
    import jax

    v = kc.Variable([1.0, 2.0])

    @jax.jit
    def step(value, x):
        with kc.StatelessScope([(v, value)]) as scope:
            v.assign_add(x)
            out = v + v
        return out, scope.get_current_value(v)

    out, new = step(v.value, 1.0)
    assert_close(out, [4.0, 6.0], "float32")
    assert_close(new, [2.0, 3.0], "float32")
    assert_close(v.numpy(), [1.0, 2.0])
    v.assign(new)
    assert_close(v.numpy(), [2.0, 3.0])


@pytest.mark.skipif(BACKEND != "jax", reason="jax only")
def test_jax_tracer_outside_scope_is_refused():
    import jax

    v = kc.Variable(1.0, name="leaky")
    with pytest.raises(ValueError, match="leaky.*StatelessScope"):
        jax.jit(lambda x: v.assign(x))(2.0)


@pytest.mark.grad
@pytest.mark.skipif(BACKEND != "jax", reason="jax only")
def test_jax_grad_through_stateless_scope():
    import jax

    v = kc.Variable([1.0, 2.0])

    def loss(value):
        with kc.StatelessScope([(v, value)]):
            return kc.ops.matmul(v, v)

    assert_close(jax.grad(loss)(v.value), [2.0, 4.0], "float32")


@pytest.mark.grad
@pytest.mark.skipif(BACKEND != "torch", reason="torch only")
def test_torch_parameter_optimizer_and_grad():
    import torch

    v = kc.Variable([1.0, 2.0])
    assert isinstance(v.value, torch.nn.Parameter) and v.value.requires_grad
    assert str(v.value.device).startswith(kc.backend._active.core.get_device())
    param = v.value
    opt = torch.optim.SGD([v.value], lr=0.5)
    loss = kc.ops.matmul(v, v)
    loss.backward()
    assert_close(v.value.grad, [2.0, 4.0], "float32")
    opt.step()
    assert_close(v.numpy(), [0.0, 0.0])
    v.assign([7.0, 8.0])
    assert v.value is param  # assign writes in place
    assert_close(torch.add(v, 1.0), [8.0, 9.0], "float32")
    assert_close(torch.add(v.value, 1.0), [8.0, 9.0], "float32")
    assert not kc.Variable([1, 2]).value.requires_grad


@pytest.mark.grad
@pytest.mark.skipif(BACKEND != "tensorflow", reason="tensorflow only")
def test_tensorflow_gradient_tape():
    import tensorflow as tf

    v = kc.Variable([1.0, 2.0])
    assert isinstance(v.value, tf.Variable)
    with tf.GradientTape() as tape:
        loss = kc.ops.matmul(v, v)
    grad_var, grad_native = tape.gradient(loss, [v, v.value])
    assert_close(grad_var, [2.0, 4.0], "float32")
    assert_close(grad_native, [2.0, 4.0], "float32")
    assert_close(tf.convert_to_tensor(v), [1.0, 2.0], "float32")
    assert_close(tf.add(v, 1.0), [2.0, 3.0], "float32")


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tensorflow only")
def test_tensorflow_function_reads_and_assigns():
    import tensorflow as tf

    v = kc.Variable([1.0, 2.0])

    @tf.function
    def step(x):
        v.assign_add(x)
        return v + v

    assert_close(step(tf.constant([1.0, 1.0])), [4.0, 6.0], "float32")
    assert_close(step(tf.constant([1.0, 1.0])), [6.0, 8.0], "float32")
    assert_close(v.numpy(), [3.0, 4.0])


# --- AutocastScope (mixed precision reads) -------------------------------------------------

# (variable kwargs, scope dtype, dtype read inside the scope)
AUTOCAST = [
    ({"initializer": [1.5, -2.0]}, "float16", "float16"),
    ({"initializer": [1.5, -2.0]}, "bfloat16", "bfloat16"),
    ({"initializer": [1.5, -2.0], "autocast": False}, "float16", "float32"),
    ({"initializer": [1.5, -2.0], "dtype": "float16"}, "float16", "float16"),
    ({"initializer": [1.5, -2.0], "dtype": "bfloat16"}, "float16", "float16"),
    ({"initializer": [1, -2]}, "float16", "int32"),
    ({"initializer": [True, False]}, "bfloat16", "bool"),
    ({"initializer": [1.5, -2.0]}, None, "float32"),
]


@pytest.mark.parametrize("kwargs, scope_dtype, read_dtype", AUTOCAST)
def test_autocast_read_dtype(kwargs, scope_dtype, read_dtype):
    v = kc.Variable(**kwargs)
    stored, expected = v.dtype, np.asarray(kwargs["initializer"])
    with kc.backend.AutocastScope(scope_dtype) as scope:
        assert kc.backend.get_autocast_scope() is scope and scope.dtype == scope_dtype
        assert dtype_name(v.value) == read_dtype
        assert_close(v.value, expected.astype(read_dtype if read_dtype != "bfloat16" else "float32"),
                     read_dtype)
        assert v.dtype == stored  # the variable itself keeps its dtype
    assert kc.backend.get_autocast_scope() is None
    assert dtype_name(v.value) == stored


def test_autocast_assign_keeps_variable_dtype():
    v = kc.Variable([1.0, 2.0])
    with kc.backend.AutocastScope("float16"):
        out = v.assign([0.1, 3.0])
        assert dtype_name(out) == "float32"
        v.assign_add([1.0, 1.0])
        assert dtype_name(v.value) == "float16"
    assert v.dtype == "float32" and dtype_name(v.value) == "float32"
    assert_close(v.numpy(), np.array([0.1, 3.0], "float32") + 1.0, rtol=1e-3, atol=1e-3)


def test_autocast_nested_none_scope_and_stateless_values():
    v = kc.Variable([1.0, 2.0])
    with kc.backend.AutocastScope("bfloat16"):
        with kc.backend.AutocastScope(None):
            assert dtype_name(v.value) == "float32"
        assert dtype_name(v.value) == "bfloat16"
        with kc.StatelessScope([(v, [3.0, 4.0])]):
            assert dtype_name(v.value) == "bfloat16"
            assert_close(v.value, [3.0, 4.0], "bfloat16")
    with kc.StatelessScope([(v, [3.0, 4.0])]):
        assert dtype_name(v.value) == "float32"


def test_autocast_ops_on_variable():
    v = kc.Variable([1.0, 2.0])
    x = kc.ops.convert_to_tensor(np.array([0.5, 0.5], "float16"))
    with kc.backend.AutocastScope("float16"):
        assert_close(v * x, [0.5, 1.0], "float16")
    assert dtype_name(v * x) == "float32"


@pytest.mark.parametrize("dtype, error", [("int32", ValueError), ("bool", ValueError),
                                          ("float128", ValueError)])
def test_autocast_scope_bad_dtype(dtype, error):
    with pytest.raises(error, match="dtype"):
        kc.backend.AutocastScope(dtype)


@pytest.mark.grad
def test_autocast_gradient_reaches_float32_value():
    from kc_testing import backend_gradient

    v = kc.Variable([1.0, 2.0])

    def loss(value):
        with kc.backend.AutocastScope("float16"), kc.StatelessScope([(v, value)]):
            read = v.value
            assert dtype_name(read) == "float16"
            return kc.ops.cast(read * read, "float32")

    assert_close(backend_gradient(loss, np.array([1.0, 2.0], "float32")), [2.0, 4.0], "float32")


def test_numpy_values_are_copies_not_views_of_the_variable():
    # Keras returns copies: a get_weights() snapshot must not change as training assigns.
    import kc

    v = kc.Variable(np.zeros(3, "float32"))
    snapshots = (v.numpy(), kc.ops.convert_to_numpy(v), kc.ops.convert_to_numpy(v.value))
    v.assign(np.ones(3, "float32"))
    for snap in snapshots:
        np.testing.assert_array_equal(snap, np.zeros(3, "float32"))
