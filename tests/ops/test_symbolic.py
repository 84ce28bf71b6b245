"""Symbolic tensors, the op decorator, Operation/Node/Function graphs."""

import inspect

import numpy as np
import pytest

import kc
from kc import ops
from kc.ops import _rules as rules
from kc_testing import assert_close


def test_keras_tensor_basics():
    x = kc.KerasTensor((None, 3), dtype="int8", name="x")
    assert (x.shape, x.dtype, x.ndim, x.name) == ((None, 3), "int8", 2, "x")
    with pytest.raises(AttributeError):
        x.shape = (1, 3)
    with pytest.raises(TypeError, match="no values"):
        np.asarray(x)
    with pytest.raises(TypeError, match="truth value"):
        bool(x)
    with pytest.raises(ValueError, match="non-negative ints or None"):
        kc.KerasTensor((-1, 3))
    with pytest.raises(ValueError, match="Invalid dtype"):
        kc.KerasTensor((3,), dtype="float13")


@pytest.mark.parametrize("s1, s2, expected", [
    ((None, 1, 3), (4, 3), (None, 4, 3)),
    ((2, 1), (1, 5), (2, 5)),
    ((), (None,), (None,)),
    ((None, 3), (None, 3), (None, 3)),
    ((1,), (None,), (None,)),
])
def test_broadcast_shapes(s1, s2, expected):
    assert rules.broadcast_shapes(s1, s2) == expected


def test_broadcast_shapes_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4, 3\)"):
        rules.broadcast_shapes((2, 3), (4, 3), op="add")


def test_symbolic_add_records_node_and_dtype():
    x = kc.KerasTensor((None, 3), dtype="float16")
    y = ops.add(x, 1.0)
    assert y.shape == (None, 3) and y.dtype == "float16"
    op, node_index, tensor_index = y._keras_history
    assert isinstance(op, kc.Operation) and op.name.startswith("add")
    node = op._inbound_nodes[node_index]
    assert node.input_tensors == [x] and node.output_tensors == [y]


def test_symbolic_matmul_shapes():
    a, b = kc.KerasTensor((None, 4, 3)), kc.KerasTensor((3, 5))
    assert ops.matmul(a, b).shape == (None, 4, 5)
    assert ops.matmul(kc.KerasTensor((3,)), b).shape == (5,)
    assert ops.matmul(kc.KerasTensor((3,), "int8"), kc.KerasTensor((3,), "int8")).dtype == "int32"
    with pytest.raises(ValueError, match=r"matmul: inner dimensions must agree"):
        ops.matmul(kc.KerasTensor((2, 4)), kc.KerasTensor((3, 5)))


def test_mixed_symbolic_and_concrete_arguments():
    x = kc.KerasTensor((None, 3))
    y = ops.add(x, np.ones((3,), "float32"))
    assert y.shape == (None, 3)


def test_operators_on_keras_tensor():
    x = kc.KerasTensor((2, 3))
    assert (x + 1).shape == (2, 3)
    assert (1 + x).shape == (2, 3)
    assert (x @ kc.KerasTensor((3, 4))).shape == (2, 4)


def test_generated_op_keeps_signature_and_doc():
    assert list(inspect.signature(ops.add).parameters) == ["x1", "x2"]
    assert "Add arguments element-wise" in ops.add.__doc__
    assert ops.add.__module__ == "kc.ops"


def test_op_decorator_generates_exact_signature():
    from kc.ops._op import op

    def rule(x, axis=None, *rest, keepdims=False, **kw):
        return kc.KerasTensor(rules.shape_of(x), "float32")

    @op(rule=rule, family="arithmetic", backend_name="add")
    def fancy(x, axis=None, *rest, keepdims=False, **kw):
        """Doc."""

    sig = inspect.signature(fancy)
    assert str(sig) == "(x, axis=None, *rest, keepdims=False, **kw)"
    out = fancy(kc.KerasTensor((2, 2)), 3, keepdims=True, extra=1)
    assert out.shape == (2, 2)


def test_op_missing_in_backend_raises_not_implemented():
    from kc.ops._op import op

    @op(family="arithmetic", backend_name="no_such_function")
    def phantom(x):
        """Doc."""

    with pytest.raises(NotImplementedError, match=r"kc.ops.phantom is not available on the"):
        phantom(np.ones(2))


def test_op_without_rule_is_clear_on_symbolic_input():
    from kc.ops._op import op

    @op(family="arithmetic", backend_name="add")
    def no_rule(x1, x2):
        """Doc."""

    with pytest.raises(NotImplementedError, match="no shape rule"):
        no_rule(kc.KerasTensor((2,)), 1)


def test_function_replays_graph_on_real_data():
    x = kc.KerasTensor((None, 3), name="x")
    w = kc.KerasTensor((3, 2), name="w")
    y = ops.add(ops.matmul(ops.add(x, 1.0), w), 0.5)
    f = kc.Function([x, w], y)
    xv = np.arange(6, dtype="float32").reshape(2, 3)
    wv = np.ones((3, 2), "float32")
    assert_close(f([xv, wv]), (xv + 1.0) @ wv + 0.5)
    assert f.compute_output_spec([x, w]).shape == (None, 2)
    assert [o.name.split("_")[0] for o in f.operations] == ["add", "matmul", "add"]


def test_function_with_dict_inputs_and_nested_outputs():
    a, b = kc.KerasTensor((2,), name="a"), kc.KerasTensor((2,), name="b")
    f = kc.Function({"a": a, "b": b}, [ops.add(a, b), {"twice": ops.add(a, a)}])
    out = f({"a": np.ones(2, "float32"), "b": np.full(2, 2.0, "float32")})
    assert_close(out[0], [3.0, 3.0])
    assert_close(out[1]["twice"], [2.0, 2.0])


def test_function_rejects_disconnected_output():
    x, z = kc.KerasTensor((2,)), kc.KerasTensor((2,))
    with pytest.raises(ValueError, match="not among the inputs"):
        kc.Function(x, ops.add(x, z))


def test_deep_graph_does_not_recurse():
    x = kc.KerasTensor((1,))
    y = x
    for _ in range(3000):
        y = ops.add(y, 1.0)
    f = kc.Function(x, y)
    assert_close(f(np.zeros(1, "float32")), [3000.0])


def test_custom_operation():
    class Double(kc.Operation):
        def call(self, x):
            return ops.add(x, x)

        def compute_output_spec(self, x):
            return kc.KerasTensor(x.shape, x.dtype)

    d = Double()
    x = kc.KerasTensor((None, 2))
    y = d(x)
    assert y.shape == (None, 2) and d.output is y and d.input is x
    assert_close(kc.Function(x, y)(np.ones((1, 2), "float32")), [[2.0, 2.0]])
    assert_close(d(np.ones(2, "float32")), [2.0, 2.0])
