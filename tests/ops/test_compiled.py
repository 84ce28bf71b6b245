"""A sample of kc ops inside jax.jit, tf.function and torch.compile: the same values as eager."""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc import ops, tree
from kc_testing import BACKEND, assert_close, to_numpy

X = np.arange(6, dtype="float32").reshape(2, 3) - 2.0
W = np.linspace(-1.0, 1.0, 6, dtype="float32").reshape(3, 2)


def _first_is_positive(x):
    return x[0, 0] > 0


CASES = {
    "add": lambda x: ops.add(x, 1.5),
    "matmul": lambda x: ops.matmul(x, W),
    "cast": lambda x: ops.cast(x, "int32"),
    "saturate_cast": lambda x: ops.saturate_cast(ops.add(x, 254.0), "uint8"),
    "cond": lambda x: ops.cond(_first_is_positive(x), lambda: ops.add(x, 1.0), lambda: ops.add(x, x)),
    "switch": lambda x: ops.switch(ops.cast(x[1, 2], "int32"), [lambda a: ops.add(a, 1.0), lambda a: ops.add(a, a)], x),
    "scan": lambda x: ops.scan(lambda c, row: (ops.add(c, row), c), ops.cast(x[0], "float32") * 0, x),
    "fori_loop": lambda x: ops.fori_loop(0, 3, lambda i, v: ops.add(v, x), x),
    "while_loop": lambda x: ops.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, ops.add(v, v)), (0, x)),
    "slice_tensor_start": lambda x: ops.slice(x, ops.cast(ops.add(x[0, :2], 2.0), "int32"), (1, 2)),
    "slice_update": lambda x: ops.slice_update(x, [0, 1], ops.add(x[:1, :2], 10.0)),
    "scatter": lambda x: ops.scatter([[0], [0], [2]], ops.add(x[0], 1.0), (4,)),
    "scatter_update_add": lambda x: ops.scatter_update(x, [[1, 1], [1, 1]], ops.add(x[0, :2], 1.0), reduction="add"),
    "associative_scan": lambda x: ops.associative_scan(ops.add, x, axis=1),
    "map": lambda x: ops.map(lambda row: ops.matmul(row, W), x),
    "unstack": lambda x: ops.unstack(x, axis=1),
}


def _compile(fn):
    if BACKEND == "jax":
        import jax

        return jax.jit(fn)
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.function(fn)
    pytest.skip(f"no compiled mode for {BACKEND} in this sample (torch.compile: see test_torch_compile)")


def _assert_same(compiled, eager):
    for c, e in zip(tree.flatten(compiled), tree.flatten(eager), strict=True):
        e = to_numpy(e)
        assert_close(c, e, dtype=kc.dtypes.standardize_dtype(e.dtype))


@pytest.mark.parametrize("case", sorted(CASES))
def test_compiled_matches_eager(case):
    fn = CASES[case]
    x = ops.convert_to_tensor(X)
    _assert_same(_compile(fn)(x), fn(x))


def test_tf_function_dynamic_shape():
    if BACKEND != "tensorflow":
        pytest.skip("TensorFlow graph mode only")
    import tensorflow as tf

    seen = {}

    @tf.function(input_signature=[tf.TensorSpec((None, 3), tf.float32)])
    def fn(x):
        dims = ops.shape(x)
        seen["dims"] = dims
        return ops.slice_update(x, [0, 1], ops.add(x[:1, :2], 1.0))

    out = fn(ops.convert_to_tensor(X))
    assert tf.is_tensor(seen["dims"][0]) and seen["dims"][1] == 3
    expected = X.copy()
    expected[0, 1:] = X[0, :2] + 1.0
    assert_close(out, expected)


@pytest.mark.slow
def test_torch_compile():
    if BACKEND != "torch":
        pytest.skip("torch only")
    import torch

    def fn(x):
        y = ops.add(ops.matmul(x, W), 1.0)
        z = ops.slice_update(x, [0, 1], ops.cast(y[:1], "float32"))
        return ops.cast(z, "int32"), ops.scatter([[0], [0], [2]], x[0], (4,))

    x = ops.convert_to_tensor(X)
    _assert_same(torch.compile(fn)(x), fn(x))


LOOP_GRADS = {  # d/dx of sum(loop(x)), differentiated under XLA (an LSTM's fit does this on tf)
    "scan": lambda x: ops.scan(lambda c, row: (ops.tanh(c * row + row), c), ops.zeros((3,)), x)[1],
    "fori_loop": lambda x: ops.fori_loop(0, 3, lambda i, v: ops.sin(v) * x[0], x[1]),
}


@pytest.mark.grad
@pytest.mark.parametrize("case", sorted(LOOP_GRADS))
def test_loop_gradient_under_xla(case):
    fn = LOOP_GRADS[case]
    if BACKEND == "tensorflow":
        import tensorflow as tf

        def grad(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = tf.reduce_sum(fn(x))
            return tape.gradient(y, x)

        compiled = tf.function(grad, jit_compile=True)
    elif BACKEND == "jax":
        import jax

        grad = jax.grad(lambda x: fn(x).sum())
        compiled = jax.jit(grad)
    else:
        pytest.skip("XLA-compiled gradients run on jax and tensorflow")
    x = ops.convert_to_tensor(X)
    assert_close(compiled(x), to_numpy(grad(x)), rtol=1e-5, atol=1e-6)
