"""Indexing, sorting and searching ops (kc.ops._indexing) against NumPy, on the active backend."""

from __future__ import annotations

import numpy as np
import pytest
from kc_testing import assert_close, backend_gradient, compiled, dtype_name, numeric_gradient, to_numpy

import kc
from kc import ops

X = np.array([[3.0, -1.0, 2.0, -1.0], [0.5, 5.0, 2.0, 2.0], [1.0, 1.0, 0.0, -4.0]], "float32")
I = np.array([[3, 1, 2, 1], [0, 5, 2, 2], [1, 1, 0, 4]], "int32")
B = X > 1
S = np.array([-1.0, 0.0, 2.0, 2.0, 5.0], "float32")


def _i32(a):
    return np.asarray(a).astype("int32")


# (id, kc call, NumPy oracle); index outputs are int32 on every backend.
VALUE_CASES = [
    ("take_flat", lambda: ops.take(X, [2, -1, 0]), lambda: np.take(X, [2, -1, 0])),
    ("take_axis", lambda: ops.take(X, np.array([[0, 3], [-1, 1]]), axis=-1), lambda: np.take(X, [[0, 3], [-1, 1]], -1)),
    ("take_axis0_int", lambda: ops.take(I, np.array([2, 2]), axis=0), lambda: I[[2, 2]]),
    ("take_empty", lambda: ops.take(X, np.zeros((0,), "int32"), axis=1), lambda: X[:, :0]),
    ("take_along_axis", lambda: ops.take_along_axis(X, np.array([[1], [0], [3]]), axis=1),
     lambda: np.take_along_axis(X, np.array([[1], [0], [3]]), 1)),
    ("take_along_axis_bcast", lambda: ops.take_along_axis(X, np.array([[2, 0, 1, -1]]), axis=0),
     lambda: np.take_along_axis(X, np.array([[2, 0, 1, 2]]), 0)),
    ("take_along_axis_flat", lambda: ops.take_along_axis(X, np.array([11, 0])),
     lambda: X.ravel()[[11, 0]]),
    ("take_along_argsort", lambda: ops.take_along_axis(X, ops.argsort(X, axis=0), axis=0), lambda: np.sort(X, 0)),
    ("where", lambda: ops.where(B, X, -X), lambda: np.where(B, X, -X)),
    ("where_bcast_scalar", lambda: ops.where(B[0], X, 0.5), lambda: np.where(B[0], X, 0.5)),
    ("where_int_cond", lambda: ops.where(I, 1, 0), lambda: _i32(np.where(I, 1, 0))),
    ("where_one_arg", lambda: ops.where(B)[1], lambda: _i32(np.nonzero(B)[1])),
    ("nonzero", lambda: ops.nonzero(I)[0], lambda: _i32(np.nonzero(I)[0])),
    ("nonzero_1d", lambda: ops.nonzero(S)[0], lambda: _i32(np.nonzero(S)[0])),
    ("argsort", lambda: ops.argsort(X), lambda: _i32(np.argsort(X, kind="stable"))),
    ("argsort_axis0", lambda: ops.argsort(I, axis=0), lambda: _i32(np.argsort(I, 0, kind="stable"))),
    ("argsort_none", lambda: ops.argsort(I, axis=None), lambda: _i32(np.argsort(I, None, kind="stable"))),
    ("argsort_bool", lambda: ops.argsort(B[0]), lambda: _i32(np.argsort(B[0], kind="stable"))),
    ("sort", lambda: ops.sort(X), lambda: np.sort(X)),
    ("sort_axis0", lambda: ops.sort(I, axis=-2), lambda: np.sort(I, 0)),
    ("sort_bool", lambda: ops.sort(B), lambda: np.sort(B)),
    ("sort_empty", lambda: ops.sort(np.zeros((2, 0), "float32")), lambda: np.zeros((2, 0), "float32")),
    ("searchsorted_left", lambda: ops.searchsorted(S, X), lambda: _i32(np.searchsorted(S, X))),
    ("searchsorted_right", lambda: ops.searchsorted(S, X, side="right"), lambda: _i32(np.searchsorted(S, X, "right"))),
    ("searchsorted_int", lambda: ops.searchsorted(np.array([0, 2, 4]), I), lambda: _i32(np.searchsorted([0, 2, 4], I))),
    ("digitize", lambda: ops.digitize(X, np.array([0.0, 2.0, 3.0])), lambda: _i32(np.digitize(X, [0.0, 2.0, 3.0]))),
    ("isin", lambda: ops.isin(X, np.array([2.0, -1.0])), lambda: np.isin(X, [2.0, -1.0])),
    ("isin_invert", lambda: ops.isin(I, np.array([[1, 5]]), invert=True), lambda: np.isin(I, [1, 5], invert=True)),
    ("unique", lambda: ops.unique(X), lambda: np.unique(X)),
    ("unique_index", lambda: ops.unique(I, return_index=True)[1], lambda: _i32(np.unique(I, return_index=True)[1])),
    ("unique_inverse", lambda: ops.unique(I, return_inverse=True)[1],
     lambda: _i32(np.unique(I, return_inverse=True)[1].ravel())),
    ("unique_counts", lambda: ops.unique(I, return_counts=True)[1], lambda: _i32(np.unique(I, return_counts=True)[1])),
    ("unique_size_pad", lambda: ops.unique(I, size=8, fill_value=-1), lambda: np.r_[np.unique(I), [-1, -1]].astype("int32")),
    ("unique_size_pad_counts", lambda: ops.unique(I, size=8, return_counts=True)[1],
     lambda: _i32(np.r_[np.unique(I, return_counts=True)[1], [0, 0]])),
    ("unique_size_truncate", lambda: ops.unique(I, size=3), lambda: np.unique(I)[:3]),
    ("unique_axis", lambda: ops.unique(np.array([[1, 0], [0, 1], [1, 0]], "int32"), axis=0),
     lambda: _i32(np.unique([[1, 0], [0, 1], [1, 0]], axis=0))),
    ("unique_axis1_inverse", lambda: ops.unique(I[:, [0, 1, 0]], axis=1, return_inverse=True)[1],
     lambda: _i32(np.unique(I[:, [0, 1, 0]], axis=1, return_inverse=True)[1].ravel())),
    ("select", lambda: ops.select([X > 2, X > 0], [X, -X], 9.0), lambda: np.select([X > 2, X > 0], [X, -X], 9.0)),
    ("select_bcast", lambda: ops.select([B[:1]], [I], -1), lambda: _i32(np.select([B[:1]], [I], -1))),
    ("vectorize", lambda: ops.vectorize(lambda a, b: a * b + 1)(X, np.float32(2.0)), lambda: X * 2 + 1),
    ("vectorize_signature", lambda: ops.vectorize(lambda m, v: ops.matmul(m, v), signature="(m,n),(n)->(m)")(
        np.stack([X, 2 * X]), S[:4]), lambda: np.stack([X, 2 * X]) @ S[:4]),
    ("vectorize_excluded", lambda: ops.vectorize(lambda a, k: a * k, excluded={1})(X, 3.0), lambda: X * 3),
]


@pytest.mark.parametrize("call,oracle", [c[1:] for c in VALUE_CASES], ids=[c[0] for c in VALUE_CASES])
def test_values(call, oracle):
    expected = np.asarray(oracle())
    assert_close(call(), expected, dtype=kc.dtypes.standardize_dtype(expected.dtype.name))


def test_argpartition_partitions():
    for axis, kth in ((-1, 1), (0, -1)):
        idx = to_numpy(ops.argpartition(X, kth, axis=axis))
        assert idx.dtype == np.int32
        picked = np.take_along_axis(X, idx, axis)
        pivot = np.take(np.sort(X, axis), [kth], axis)
        k = kth % X.shape[axis]
        assert (np.take(picked, [k], axis) == pivot).all()
        assert (np.take(picked, range(k), axis) <= pivot).all()
        assert (np.take(picked, range(k + 1, X.shape[axis]), axis) >= pivot).all()


def test_unique_all_outputs_rebuild_x():
    values, index, inverse, counts = (to_numpy(t) for t in ops.unique(
        I, return_index=True, return_inverse=True, return_counts=True))
    np.testing.assert_array_equal(values[inverse].reshape(I.shape), I)
    np.testing.assert_array_equal(I.ravel()[index], values)
    assert counts.sum() == I.size


# (id, call, expected dtype) — Keras 3's rules.
DTYPE_CASES = [
    ("argsort", lambda: ops.argsort(np.ones(3, "int8")), "int32"),
    ("argpartition", lambda: ops.argpartition(np.ones(3, "float16"), 1), "int32"),
    ("nonzero", lambda: ops.nonzero(np.ones(3, "int64"))[0], "int32"),
    ("searchsorted", lambda: ops.searchsorted(np.arange(3.0), np.ones(2)), "int32"),
    ("digitize", lambda: ops.digitize(np.ones(3, "int32"), np.arange(2)), "int32"),
    ("where_promote", lambda: ops.where(B, I.astype("int8"), X.astype("float16")), "float16"),
    ("where_weak_scalars", lambda: ops.where(B, 1, 2), "int32"),
    ("where_weak_float", lambda: ops.where(B, I.astype("int8"), 2.0), "float32"),
    ("select_weak_default", lambda: ops.select([B], [I.astype("int8")], 0), "int8"),
    ("select_float_default", lambda: ops.select([B], [I.astype("int8")], 0.5), "float32"),
    ("take_keeps", lambda: ops.take(I.astype("uint8"), [0]), "uint8"),
    ("sort_keeps", lambda: ops.sort(I.astype("int16")), "int16"),
    ("isin", lambda: ops.isin(I, I), "bool"),
    ("unique_index", lambda: ops.unique(I, return_index=True)[1], "int32"),
]


@pytest.mark.parametrize("call,expected", [c[1:] for c in DTYPE_CASES], ids=[c[0] for c in DTYPE_CASES])
def test_dtypes(call, expected):
    assert dtype_name(call()) == expected


SYMBOLIC_CASES = [
    ("take", lambda x: ops.take(x, np.array([[0, 1]]), axis=1)),
    ("take_flat", lambda x: ops.take(x, np.array([0, 1]))),
    ("take_along_axis", lambda x: ops.take_along_axis(x, np.zeros((1, 2), "int32"), axis=1)),
    ("where", lambda x: ops.where(x > 0 if not isinstance(x, kc.KerasTensor) else kc.KerasTensor(x.shape, "bool"),
                                  x, 0.0)),
    ("argsort", lambda x: ops.argsort(x, axis=0)),
    ("argsort_none", lambda x: ops.argsort(x, axis=None)),
    ("sort", lambda x: ops.sort(x)),
    ("argpartition", lambda x: ops.argpartition(x, 1)),
    ("searchsorted", lambda x: ops.searchsorted(np.arange(3.0, dtype="float32"), x)),
    ("digitize", lambda x: ops.digitize(x, np.arange(3.0, dtype="float32"))),
    ("isin", lambda x: ops.isin(x, np.arange(3.0, dtype="float32"))),
    ("unique_size", lambda x: ops.unique(x, size=5)),
    ("select", lambda x: ops.select([kc.KerasTensor(x.shape, "bool") if isinstance(x, kc.KerasTensor) else x > 1],
                                    [x], 0.0)),
]


@pytest.mark.parametrize("call", [c[1] for c in SYMBOLIC_CASES], ids=[c[0] for c in SYMBOLIC_CASES])
def test_symbolic_matches_eager(call):
    eager = call(X[:2])
    spec = call(kc.KerasTensor((None, 4)))
    assert len(spec.shape) == len(eager.shape)
    assert all(s is None or s == e for s, e in zip(spec.shape, eager.shape)), (spec.shape, eager.shape)
    assert spec.dtype == dtype_name(eager)


def test_symbolic_data_dependent_sizes():
    x = kc.KerasTensor((None, 4))
    assert [(t.shape, t.dtype) for t in ops.nonzero(x)] == [((None,), "int32")] * 2
    assert [t.shape for t in ops.where(x)] == [(None,), (None,)]
    values, index, inverse, counts = ops.unique(x, return_index=True, return_inverse=True, return_counts=True)
    assert (values.shape, index.shape, inverse.shape, counts.shape) == ((None,), (None,), (None,), (None,))
    assert ops.unique(kc.KerasTensor((2, 3)), return_inverse=True)[1].shape == (6,)
    assert ops.unique(kc.KerasTensor((None, 3)), axis=1).shape == (None, None)


ERROR_CASES = [
    ("take_float_indices", lambda: ops.take(X, np.array([0.0, 1.0])), TypeError, "take: indices must be an integer"),
    ("take_axis", lambda: ops.take(X, [0], axis=2), ValueError, "take: axis 2"),
    ("take_along_rank", lambda: ops.take_along_axis(X, np.array([0]), axis=0), ValueError, "same rank"),
    ("take_along_float", lambda: ops.take_along_axis(X, X, axis=0), TypeError, "integer"),
    ("where_one_of_two", lambda: ops.where(B, X), ValueError, "x1 and x2"),
    ("argsort_axis", lambda: ops.argsort(X, axis=-3), ValueError, "argsort: axis -3"),
    ("searchsorted_2d", lambda: ops.searchsorted(X, X), ValueError, "1-D"),
    ("searchsorted_side", lambda: ops.searchsorted(S, X, side="middle"), ValueError, "side"),
    ("digitize_2d", lambda: ops.digitize(X, X), ValueError, "bins"),
    ("argpartition_kth", lambda: ops.argpartition(X, 4), ValueError, "kth"),
    ("select_lengths", lambda: ops.select([B], [X, X]), ValueError, "equal length"),
    ("symbolic_take_float", lambda: ops.take(kc.KerasTensor((None, 3)), kc.KerasTensor((2,), "float32")),
     TypeError, "integer"),
]


@pytest.mark.parametrize("call,error,words", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_compiled_sample():
    def fn(x):
        order = ops.argsort(x, axis=-1)
        picked = ops.take_along_axis(x, order, axis=-1)
        hits = ops.where(ops.isin(x, ops.take(x, [0, 5])), picked, ops.sort(x, axis=0))
        return hits, ops.searchsorted(ops.ravel(picked[0]), x), ops.unique(x, size=6, fill_value=-9.0)

    expected = [to_numpy(t) for t in fn(X)]
    for got, want in zip(compiled(fn)(kc.backend.convert_to_tensor(X)), expected):
        assert_close(got, want)


GRAD_CASES = [
    ("take", lambda x: ops.take(x, np.array([2, 0, 2]), axis=1)),
    ("take_along_axis", lambda x: ops.take_along_axis(x, np.array([[1, 0, 1], [0, 0, 2]]), axis=1)),
    ("sort", lambda x: ops.sort(x, axis=-1)),
    ("where", lambda x: ops.where(np.array([[True, False, True]]), x, 2.0 * x)),
    ("select", lambda x: ops.select([np.array([True, False, False])], [x * x], x)),
]


@pytest.mark.grad
@pytest.mark.parametrize("fn", [c[1] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradients(fn):
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "float32")
    shape = to_numpy(fn(x)).shape
    w = np.linspace(-1.0, 2.0, int(np.prod(shape))).reshape(shape).astype("float32")
    np.testing.assert_allclose(backend_gradient(fn, x, w), numeric_gradient(fn, x, w, eps=1e-2), rtol=1e-2, atol=1e-2)
