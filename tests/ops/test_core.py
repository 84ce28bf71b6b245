"""Core ops (conversion, casting, control flow, slicing, scattering) against NumPy on the active backend."""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc import ops, tree
from kc_testing import BACKEND, assert_close, dtype_name, to_numpy

KT = kc.KerasTensor
T = ops.convert_to_tensor
NAN, INF = float("nan"), float("inf")
# JAX without x64 turns 64-bit inputs into 32-bit ones.
X64 = BACKEND != "jax"


def _assert_tree_close(actual, expected):
    tree.assert_same_structure(tree.map_structure(lambda _: 0, actual),
                               tree.map_structure(lambda _: 0, expected))
    for a, e in zip(tree.flatten(actual), tree.flatten(expected)):
        e = np.asarray(e)
        assert_close(a, e, dtype=kc.dtypes.standardize_dtype(e.dtype))


def _i32(x):
    return np.asarray(x, "int32")


def _f32(x):
    return np.asarray(x, "float32")


X23 = np.arange(6, dtype="float32").reshape(2, 3)
X45 = np.arange(20, dtype="int32").reshape(4, 5)

# id -> (thunk computing kc results, expected NumPy structure)
VALUE_CASES = {
    "convert_python_int": (lambda: T([1, 2]), _i32([1, 2])),
    "convert_python_float": (lambda: T([1, 2.5]), _f32([1, 2.5])),
    "convert_bool": (lambda: T(True), np.asarray(True)),
    "convert_with_dtype": (lambda: T([1.7, -2.2], dtype="int32"), _i32([1, -2])),
    "convert_keeps_float16": (lambda: T(np.ones(2, "float16")), np.ones(2, "float16")),
    "cast_float_to_int": (lambda: ops.cast(_f32([1.7, -2.2]), "int32"), _i32([1, -2])),
    "cast_int_to_float16": (lambda: ops.cast(_i32([1, 3]), "float16"), np.asarray([1, 3], "float16")),
    "cast_to_bool": (lambda: ops.cast(_f32([0.5, 0.0, -2.0]), "bool"), np.asarray([True, False, True])),
    "cast_bfloat16_roundtrip": (lambda: ops.cast(ops.cast(_f32([1.5, -2.0]), "bfloat16"), "float32"),
                                _f32([1.5, -2.0])),
    "cast_empty": (lambda: ops.cast(np.zeros((0, 2), "float32"), "int8"), np.zeros((0, 2), "int8")),
    "stop_gradient": (lambda: ops.stop_gradient(X23), X23),
    "unstack_axis0": (lambda: ops.unstack(X23), list(X23)),
    "unstack_axis_neg1": (lambda: ops.unstack(X23, axis=-1), list(X23.T)),
    "unstack_num": (lambda: ops.unstack(X23, num=3, axis=1), list(X23.T)),
    "cond_true": (lambda: ops.cond(T(True), lambda: T(X23) * 2, lambda: T(X23) + 1), X23 * 2),
    "cond_false": (lambda: ops.cond(T(False), lambda: T(X23) * 2, lambda: T(X23) + 1), X23 + 1),
    "cond_python_bool": (lambda: ops.cond(False, lambda: T(1.0), lambda: T(2.0)), _f32(2.0)),
    "cond_structure": (lambda: ops.cond(T(True), lambda: (T(1.0), {"a": T(2)}), lambda: (T(3.0), {"a": T(4)})),
                       (_f32(1.0), {"a": _i32(2)})),
    "switch_tensor_index": (lambda: ops.switch(T(1), [lambda x: x + 1, lambda x: x * 10], T(_f32(2))),
                            _f32(20)),
    "switch_clamps_high": (lambda: ops.switch(T(7), [lambda x: x + 1, lambda x: x * 10], T(_f32(2))),
                           _f32(20)),
    "switch_clamps_low": (lambda: ops.switch(-3, [lambda x: x + 1, lambda x: x * 10], T(_f32(2))), _f32(3)),
    "while_tuple": (lambda: ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (0, 1)),
                    (_i32(3), _i32(8))),
    "while_list_gives_tuple": (lambda: ops.while_loop(lambda i, s: i < 3, lambda i, s: [i + 1, s * 2], [0, 1]),
                               (_i32(3), _i32(8))),
    "while_single": (lambda: ops.while_loop(lambda x: x < 10, lambda x: x + 3, 0), _i32(12)),
    "while_dict": (lambda: ops.while_loop(lambda d: d["n"] < 4, lambda d: {"n": d["n"] + 1, "v": d["v"] * 2},
                                          {"n": 0, "v": T(X23)}),
                   {"n": _i32(4), "v": X23 * 16}),
    "while_maximum_iterations": (lambda: ops.while_loop(lambda x: x < 10, lambda x: x + 1, 0, maximum_iterations=3),
                                 _i32(3)),
    "fori_loop": (lambda: ops.fori_loop(0, 4, lambda i, v: v + T(X23), T(X23)), X23 * 5),
    "fori_loop_uses_index": (lambda: ops.fori_loop(1, 4, lambda i, v: v + ops.cast(i, "float32"), T(0.0)),
                             _f32(6.0)),
    "scan_cumsum": (lambda: ops.scan(lambda c, x: (c + x, c * x), T(np.zeros(5, "float32")), T(X45.astype("float32"))),
                    (X45.sum(0).astype("float32"),
                     np.stack([X45[:i].sum(0) * X45[i] for i in range(4)]).astype("float32"))),
    "scan_length_only": (lambda: ops.scan(lambda c, x: (c + 1, c), T(0), length=3), (_i32(3), _i32([0, 1, 2]))),
    "scan_reverse": (lambda: ops.scan(lambda c, x: (c + x, c), T(0), T(_i32([1, 2, 3, 4])), reverse=True),
                     (_i32(10), _i32([9, 7, 4, 0]))),
    "scan_structures": (lambda: ops.scan(lambda c, x: ((c[0] + x["a"], c[1]), {"o": x["a"] * 2}),
                                         (T(0.0), T(1.0)), {"a": T(_f32([1, 2, 3]))}),
                        ((_f32(6), _f32(1)), {"o": _f32([2, 4, 6])})),
    "assoc_scan_axis1_even": (lambda: ops.associative_scan(lambda a, b: a + b, X45[:, :4], axis=1),
                              np.cumsum(X45[:, :4], axis=1, dtype="int32")),
    "assoc_scan_axis1_odd": (lambda: ops.associative_scan(lambda a, b: a + b, X45, axis=1),
                             np.cumsum(X45, axis=1, dtype="int32")),
    "assoc_scan_reverse": (lambda: ops.associative_scan(lambda a, b: a + b, _i32([1, 2, 3, 4, 5, 6, 7]), reverse=True),
                           np.cumsum(_i32([1, 2, 3, 4, 5, 6, 7])[::-1], dtype="int32")[::-1]),
    "assoc_scan_size1": (lambda: ops.associative_scan(lambda a, b: a * b, _f32([3.0])), _f32([3.0])),
    "assoc_scan_structure": (lambda: ops.associative_scan(lambda x, y: [x[0] + y[0], x[1] * y[1]],
                                                          [_i32([1, 2, 3]), _i32([1, 2, 3])]),
                             [_i32([1, 3, 6]), _i32([1, 2, 6])]),
    "map": (lambda: ops.map(lambda x: x * x, T(_i32([1, 2, 3]))), _i32([1, 4, 9])),
    "map_dict_out": (lambda: ops.map(lambda x: {"y": x * x, "z": x + 1}, T(X23)), {"y": X23 * X23, "z": X23 + 1}),
    "map_tuple_in": (lambda: ops.map(lambda x: x[0] * x[1], (T(X23), T(X23))), X23 * X23),
    "vectorized_map": (lambda: ops.vectorized_map(lambda x: x * 2, T(X23)), X23 * 2),
    "vectorized_map_kc_op": (lambda: ops.vectorized_map(lambda x: ops.add(x, ops.matmul(x, x)), T(X23)),
                             X23 + (X23 * X23).sum(1)[:, None]),
    "vectorized_map_list": (lambda: ops.vectorized_map(lambda x: x[0] + x[1], [T(X23), T(X23)]), X23 * 2),
    "slice": (lambda: ops.slice(X45, [1, 2], [2, 2]), X45[1:3, 2:4]),
    "slice_tensor_starts": (lambda: ops.slice(X45, T(_i32([2, 0])), (2, 5)), X45[2:4]),
    "slice_clamps_starts": (lambda: ops.slice(X45, [3, 4], [2, 2]), X45[2:4, 3:5]),
    "slice_empty": (lambda: ops.slice(X45, [1, 1], [0, 2]), X45[1:1, 1:3]),
    "slice_update": (lambda: ops.slice_update(np.zeros((3, 3), "float32"), [1, 1], np.ones((2, 2), "float32")),
                     np.pad(np.ones((2, 2), "float32"), ((1, 0), (1, 0)))),
    "slice_update_casts_updates": (lambda: ops.slice_update(X45, T(_i32([0, 3])), np.full((1, 2), 7.0, "float32")),
                                   np.where((np.arange(4)[:, None] == 0) & (np.arange(5) >= 3), 7, X45)),
    "scatter_sums_duplicates": (lambda: ops.scatter([[0], [0], [2]], _f32([1, 2, 3]), (4,)), _f32([3, 0, 3, 0])),
    "scatter_slices": (lambda: ops.scatter(_i32([[0], [2]]), np.ones((2, 3), "float32"), (4, 3)),
                       _f32([[1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0]])),
    "scatter_2d_points": (lambda: ops.scatter([[1, 2], [0, 0], [1, 2]], _i32([5, 1, 2]), (2, 3)),
                          _i32([[1, 0, 0], [0, 0, 7]])),
    "scatter_int8": (lambda: ops.scatter([[1]], np.asarray([3], "int8"), (3,)), np.asarray([0, 3, 0], "int8")),
    "scatter_no_indices": (lambda: ops.scatter(np.zeros((0, 1), "int32"), np.zeros((0,), "float32"), (3,)),
                           np.zeros(3, "float32")),
    "scatter_update_replace": (lambda: ops.scatter_update(X23, [[0, 1], [1, 2]], _f32([-1, -2])),
                               np.where([[0, 1, 0], [0, 0, 1]], [[0, -1, 0], [0, 0, -2]], X23).astype("float32")),
    "scatter_update_rows": (lambda: ops.scatter_update(X23, [[1]], np.full((1, 3), 9, "float32")),
                            np.stack([X23[0], np.full(3, 9, "float32")])),
    "scatter_update_add": (lambda: ops.scatter_update(np.zeros(4, "float32"), [[0], [0], [1]], _f32([1, 1, 1]),
                                                      reduction="add"), _f32([2, 1, 0, 0])),
    "scatter_update_max": (lambda: ops.scatter_update(_i32([5, 5, 5]), [[0], [0], [2]], _i32([7, 9, 1]),
                                                      reduction="max"), _i32([9, 5, 5])),
    "scatter_update_min": (lambda: ops.scatter_update(_i32([5, 5, 5]), [[0], [0], [2]], _i32([7, 3, 1]),
                                                      reduction="min"), _i32([3, 5, 1])),
    "scatter_update_mul": (lambda: ops.scatter_update(X23, [[0, 1], [0, 1], [1, 0]], _f32([2, 3, 4]),
                                                      reduction="mul"), X23 * _f32([[1, 6, 1], [4, 1, 1]])),
    "custom_gradient_forward": (lambda: _double_with_grad_3(T(_f32([1, 2]))), _f32([2, 4])),
}


@ops.custom_gradient
def _double_with_grad_3(x):
    """x + x, whose gradient is declared as 3 * upstream (to tell it from the true 2)."""
    def grad_fn(*args, upstream=None):
        upstream = args[-1] if upstream is None else upstream
        return upstream * 3.0

    return ops.add(x, x), grad_fn


@pytest.mark.parametrize("case", sorted(VALUE_CASES))
def test_values(case):
    thunk, expected = VALUE_CASES[case]
    _assert_tree_close(thunk(), expected)


# (input values, input dtype, target dtype, expected values)
SATURATE_CASES = [
    ([-1.0, 256.0, 3.7, NAN, -INF, INF], "float32", "uint8", [0, 255, 3, 0, 0, 255]),
    ([-300.0, 300.0, 3.7], "float32", "int8", [-128, 127, 3]),
    ([1e10, -1e10, 3.5], "float32", "int32", [2147483520, -2147483648, 3]),
    ([1e6, -1e6, 3.5, INF], "float32", "float16", [65504.0, -65504.0, 3.5, 65504.0]),
    ([-1.0, 300.0, 2.0], "bfloat16", "uint8", [0, 255, 2]),
    ([-1.0, 300.0, 2.5], "float16", "uint8", [0, 255, 2]),
    ([1e6, -1e6, 2.0], "float32", "bfloat16", [1e6, -1e6, 2.0]),
    ([-300, 300, 3], "int32", "uint8", [0, 255, 3]),
    ([200, 3], "uint8", "int8", [127, 3]),
    ([-5, 100000], "int32", "float16", [-5.0, 65504.0]),
    ([2**40, -2**40, 3], "int64", "int32", [2**31 - 1, -2**31, 3]),
    ([0.5, 0.0, -2.0], "float32", "bool", [True, False, True]),
    ([1.5, -2.0], "float32", "float64", [1.5, -2.0]),
]


@pytest.mark.parametrize("values,src,dst,expected", SATURATE_CASES,
                         ids=[f"{c[1]}->{c[2]}" for c in SATURATE_CASES])
def test_saturate_cast(values, src, dst, expected):
    if not X64 and "64" in src + dst:
        pytest.skip("jax without x64 has no 64-bit dtypes")
    x = ops.cast(np.asarray(values, "float64" if kc.dtypes.is_float_dtype(src) else "int64"), src)
    out = ops.saturate_cast(x, dst)
    assert_close(out, np.asarray(expected).astype(np.dtype("float32") if dst == "bfloat16" else dst),
                 dtype=dst)


CAST_DTYPES = ["bool", "int8", "uint8", "int32", "float16", "bfloat16", "float32"]


@pytest.mark.parametrize("src", CAST_DTYPES)
@pytest.mark.parametrize("dst", CAST_DTYPES)
def test_cast_dtype_grid(src, dst):
    values = np.asarray([0, 1, 3], "float32")
    out = ops.cast(ops.cast(values, src), dst)
    assert dtype_name(out) == dst
    expected = (values != 0) if "bool" in (src, dst) else values
    np.testing.assert_array_equal(to_numpy(out).astype("float32"), expected.astype("float32"))


def test_introspection():
    x = T(np.zeros((2, 3), "float16"))
    assert ops.shape(x) == (2, 3) and type(ops.shape(x)) is tuple
    assert ops.dtype(x) == "float16" and ops.dtype(np.zeros(1, "int8")) == "int8"
    assert ops.is_tensor(x) and not ops.is_tensor([1.0])
    assert not ops.is_tensor(KT((2,)))
    np.testing.assert_array_equal(ops.convert_to_numpy(x), np.zeros((2, 3), "float16"))
    assert isinstance(ops.convert_to_numpy(x), np.ndarray)


# --- symbolic outputs: same shapes (None matches anything) and dtypes as eager ---------------

def _sym(shape, dtype="float32"):
    return KT(shape, dtype)


def _twice(a):
    return ops.add(a, a)


SYMBOLIC_CASES = {  # ops inside the callables are kc.ops, so they trace on KerasTensors
    "convert_to_tensor": (lambda x: ops.convert_to_tensor(x, dtype="float16"), [((None, 3), "float32")]),
    "cast": (lambda x: ops.cast(x, "int8"), [((None, 3), "float32")]),
    "saturate_cast": (lambda x: ops.saturate_cast(x, "uint8"), [((None, 3), "float32")]),
    "stop_gradient": (ops.stop_gradient, [((None, 3), "float16")]),
    "unstack": (lambda x: ops.unstack(x, axis=1), [((None, 3), "int32")]),
    "cond": (lambda p, x: ops.cond(p, lambda: _twice(x), lambda: ops.add(x, 1.0)),
             [((), "bool"), ((None, 3), "float32")]),
    "switch": (lambda i, x: ops.switch(i, [_twice, lambda a: ops.add(a, 1.0)], x),
               [((), "int32"), ((None, 3), "float32")]),
    "while_loop": (lambda x: ops.while_loop(lambda i, v: i < 2,
                                            lambda i, v: (ops.add(i, 1), _twice(v)), (0, x)),
                   [((None, 3), "float32")]),
    "fori_loop": (lambda x: ops.fori_loop(0, 2, lambda i, v: _twice(v), x), [((None, 3), "float32")]),
    "scan": (lambda c, xs: ops.scan(lambda a, b: (ops.add(a, b), ops.cast(a, "int32")), c, xs),
             [((3,), "float32"), ((4, 3), "float32")]),
    "associative_scan": (lambda x: ops.associative_scan(ops.add, x, axis=1), [((None, 3), "int32")]),
    "map": (lambda x: ops.map(lambda a: {"s": _twice(a)}, x), [((4, 3), "float32")]),
    "vectorized_map": (lambda x: ops.vectorized_map(_twice, x), [((None, 3), "float32")]),
    "slice": (lambda x: ops.slice(x, [0, 1], [2, 2]), [((None, 3), "float32")]),
    "slice_update": (lambda x, u: ops.slice_update(x, [0, 1], u), [((None, 3), "int32"), ((1, 2), "float32")]),
    "scatter": (lambda i, v: ops.scatter(i, v, (5, 3)), [((4, 1), "int32"), ((4, 3), "float16")]),
    "scatter_update": (lambda x, i, u: ops.scatter_update(x, i, u, reduction="add"),
                       [((4, 3), "float32"), ((2, 1), "int32"), ((2, 3), "float32")]),
    "custom_gradient": (_double_with_grad_3, [((None, 3), "float32")]),
}


def _concrete(shape, dtype):
    shape = tuple(2 if d is None else d for d in shape)
    if dtype == "bool":
        return T(np.ones(shape, bool))
    return ops.cast(np.arange(int(np.prod(shape))).reshape(shape) % 2, dtype)


@pytest.mark.parametrize("case", sorted(SYMBOLIC_CASES))
def test_symbolic_matches_eager(case):
    fn, specs = SYMBOLIC_CASES[case]
    symbolic = fn(*[_sym(s, d) for s, d in specs])
    eager = fn(*[_concrete(s, d) for s, d in specs])
    sym_leaves, eager_leaves = tree.flatten(symbolic), tree.flatten(eager)
    assert len(sym_leaves) == len(eager_leaves)
    for s, e in zip(sym_leaves, eager_leaves):
        assert isinstance(s, KT)
        assert s.dtype == dtype_name(e), (s, e)
        e_shape = tuple(np.shape(to_numpy(e)))
        assert len(s.shape) == len(e_shape) and all(a in (None, b) for a, b in zip(s.shape, e_shape)), (s, e_shape)


def test_symbolic_introspection_and_identity():
    x = _sym((None, 3), "int8")
    assert ops.shape(x) == (None, 3) and ops.dtype(x) == "int8"
    y = ops.while_loop(lambda v: ops.add(v, v) is not None, lambda v: ops.add(v, 1), x)
    assert y is not x and x._keras_history is None  # outputs are new tensors; the input is untouched


# --- errors -------------------------------------------------------------------------------

ERROR_CASES = {
    "cast_unknown_dtype": (lambda: ops.cast(_f32([1]), "floot32"), ValueError, r"cast: .*floot32.*float32"),
    "saturate_cast_unknown_dtype": (lambda: ops.saturate_cast(_f32([1]), "int3"), ValueError, "saturate_cast"),
    "cast_symbolic_unknown_dtype": (lambda: ops.cast(_sym((2,)), "nope"), ValueError, r"cast: .*bfloat16"),
    "convert_object": (lambda: ops.convert_to_tensor(object()), TypeError, "convert_to_tensor.*object"),
    "convert_none": (lambda: ops.convert_to_tensor(None), TypeError, "convert_to_tensor"),
    "convert_to_numpy_symbolic": (lambda: ops.convert_to_numpy(_sym((2,))), ValueError, "convert_to_numpy"),
    "scatter_update_reduction": (lambda: ops.scatter_update(_f32([1]), [[0]], _f32([1]), reduction="sum"),
                                 ValueError, "scatter_update: reduction"),
    "unstack_unknown_size": (lambda: ops.unstack(_sym((None, 3))), ValueError, "unstack.*num"),
    "unstack_wrong_num": (lambda: ops.unstack(_f32([1, 2]), num=3), ValueError, "unstack"),
    "unstack_bad_axis": (lambda: ops.unstack(_sym((2, 3)), axis=2), ValueError, "unstack: axis 2"),
    "cond_branches_disagree": (lambda: ops.cond(_sym((), "bool"), lambda: _sym((2,)), lambda: _sym((3,))),
                               ValueError, "cond: .*shapes"),
    "cond_dtypes_disagree": (lambda: ops.cond(_sym((), "bool"), lambda: _sym((2,)), lambda: _sym((2,), "int32")),
                             ValueError, "cond: .*dtypes"),
    "while_body_changes_structure": (lambda: ops.while_loop(lambda a, b: True, lambda a, b: (a,),
                                                            (_sym((2,)), _sym((2,)))),
                                     ValueError, "while_loop"),
    "slice_rank_mismatch": (lambda: ops.slice(_sym((2, 3)), [0, 0], [2]), ValueError, "slice: shape"),
    "scan_without_xs_or_length": (lambda: ops.scan(lambda c, x: (c, c), _f32(0)), ValueError, "scan"),
    "assoc_scan_bad_axis": (lambda: ops.associative_scan(lambda a, b: a + b, _f32([1, 2]), axis=1),
                            ValueError, "associative_scan: axis 1"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_errors(case):
    thunk, error, pattern = ERROR_CASES[case]
    with pytest.raises(error, match=pattern):
        thunk()


# --- gradients, with the backend's own autodiff ----------------------------------------------

def _grad(fn, x):
    """d sum(fn(x)) / dx on the active backend."""
    if BACKEND == "jax":
        import jax
        import jax.numpy as jnp

        return np.asarray(jax.grad(lambda v: jnp.sum(fn(v)))(T(x)))
    if BACKEND == "torch":
        import torch

        v = T(x).clone().requires_grad_(True)
        torch.sum(fn(v)).backward()
        return to_numpy(v.grad)
    import tensorflow as tf

    v = T(x)
    with tf.GradientTape() as tape:
        tape.watch(v)
        total = tf.reduce_sum(fn(v))
    return to_numpy(tape.gradient(total, v))


def _numeric_grad(fn, x, eps=1e-2):
    if BACKEND == "jax":  # one compilation instead of op-by-op dispatch for every probe
        import jax

        fn = jax.jit(fn)
    x = np.asarray(x, "float32")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (to_numpy(fn(T(x + step))).sum() - to_numpy(fn(T(x - step))).sum()) / (2 * eps)
    return grad


def _scan_product(v):
    return ops.scan(lambda c, x: (c * x, c * x), T(1.0), v)[1]


def _while_square(v):
    # JAX differentiates a while_loop only when it is bounded (maximum_iterations).
    return ops.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * a), (0, v), maximum_iterations=5)[1]


GRAD_CASES = {
    "cond": lambda v: ops.cond(T(True), lambda: v * v, lambda: v * 3.0),
    "cond_false_branch": lambda v: ops.cond(T(False), lambda: v * v, lambda: v * 3.0),
    "switch": lambda v: ops.switch(T(0), [lambda a: a * a, lambda a: a], v),
    "scan": _scan_product,
    "while_loop": _while_square,
    "fori_loop": lambda v: ops.fori_loop(0, 3, lambda i, a: a * v, v),
    "associative_scan": lambda v: ops.associative_scan(lambda a, b: a * b, v),
    "map": lambda v: ops.map(lambda a: a * a, v),
    "slice": lambda v: ops.slice(v * v, [1], [2]),
    "slice_update": lambda v: ops.slice_update(v * v, [1], v[:2] * 5.0),
    "scatter": lambda v: ops.scatter([[0], [0], [3]], v[:3] * v[:3], (4,)),
    "scatter_update": lambda v: ops.scatter_update(v * v, [[2]], v[:1] * 4.0),
    "stop_gradient": lambda v: v * ops.stop_gradient(v),
    "unstack": lambda v: ops.unstack(v)[1] * v,
}
GRAD_EXPECTED = {  # where the gradient is not the true derivative (so not finite differences)
    "stop_gradient": lambda x: x,
}


@pytest.mark.grad
@pytest.mark.parametrize("case", sorted(GRAD_CASES))
def test_gradients(case):
    x = _f32([0.5, 1.5, -1.0])
    fn = GRAD_CASES[case]
    expected = GRAD_EXPECTED[case](x) if case in GRAD_EXPECTED else _numeric_grad(fn, x)
    np.testing.assert_allclose(_grad(fn, x), expected, rtol=1e-2, atol=1e-3)


@pytest.mark.grad
def test_custom_gradient_is_used():
    x = _f32([0.5, 1.5, -1.0])
    np.testing.assert_allclose(_grad(_double_with_grad_3, x), np.full(3, 3.0), rtol=1e-6)
