"""Tensor products (kc.ops._products) against NumPy, on the active backend."""

from __future__ import annotations

import numpy as np
import pytest
from kc_testing import BACKEND, assert_close, backend_gradient, compiled, dtype_name, numeric_gradient, to_numpy

import kc
from kc import ops

_rng = np.random.default_rng(7)
A = _rng.normal(size=(2, 3)).astype("float32")
Bm = _rng.normal(size=(3, 4)).astype("float32")
V = _rng.normal(size=3).astype("float32")
C = _rng.normal(size=(2, 3, 4)).astype("float32")
M = _rng.normal(size=(2, 3, 3)).astype("float32")
I8 = np.array([[1, -2, 3], [4, 5, -6]], "int8")
I32 = np.array([[1, -2, 3], [4, 5, -6]], "int32")
BO = I8 > 0
PREC = {"rtol": 1e-4, "atol": 1e-5}  # float32 products: accumulation order differs by backend


def _narrow(dtype):
    if BACKEND == "jax":
        return {"float64": "float32", "int64": "int32", "uint64": "uint32"}.get(dtype, dtype)
    return dtype


# (id, kc call, NumPy oracle, expected dtype or None for the oracle's)
VALUE_CASES = [
    ("matmul", lambda: ops.matmul(A, Bm), lambda: A @ Bm, None),
    ("matmul_batch_bcast", lambda: ops.matmul(C, Bm.T.copy()), lambda: C @ Bm.T, None),
    ("matmul_vec", lambda: ops.matmul(V, Bm), lambda: V @ Bm, None),
    ("matmul_int8", lambda: ops.matmul(I8, I8.T), lambda: I32 @ I32.T, "int32"),
    ("matmul_bool", lambda: ops.matmul(BO, BO.T), lambda: BO @ BO.T, "bool"),
    ("dot_2d", lambda: ops.dot(A, Bm), lambda: A.dot(Bm), None),
    ("dot_1d", lambda: ops.dot(V, V), lambda: np.dot(V, V), None),
    ("dot_nd_1d", lambda: ops.dot(C, Bm[0]), lambda: np.dot(C, Bm[0]), None),
    ("dot_nd_md", lambda: ops.dot(C, C.transpose(0, 2, 1)), lambda: np.dot(C, C.transpose(0, 2, 1)), None),
    ("dot_scalar", lambda: ops.dot(2.0, A), lambda: 2.0 * A, None),
    ("dot_int8_wraps", lambda: ops.dot(I8 * 40, I8.T * 40), lambda: np.dot(I8 * 40, I8.T * 40), "int8"),
    ("dot_bool", lambda: ops.dot(BO, BO.T), lambda: np.dot(BO, BO.T), "bool"),
    ("inner", lambda: ops.inner(A, A), lambda: np.inner(A, A), None),
    ("inner_nd", lambda: ops.inner(C, Bm), lambda: np.inner(C, Bm), None),
    ("inner_scalar", lambda: ops.inner(A, 3.0), lambda: A * 3.0, None),
    ("outer", lambda: ops.outer(A, V), lambda: np.outer(A, V), None),
    ("outer_int", lambda: ops.outer(I32[0], I32[1]), lambda: np.outer(I32[0], I32[1]), None),
    ("tensordot_int", lambda: ops.tensordot(C, Bm.T, 1), lambda: np.tensordot(C, Bm.T, 1), None),
    ("tensordot_default", lambda: ops.tensordot(C, C.transpose(1, 2, 0).copy()),
     lambda: np.tensordot(C, C.transpose(1, 2, 0), 2), None),
    ("tensordot_pairs", lambda: ops.tensordot(C, C, ((-1, 0), (2, 0))), lambda: np.tensordot(C, C, ((2, 0), (2, 0))), None),
    ("tensordot_0", lambda: ops.tensordot(V, V, 0), lambda: np.tensordot(V, V, 0), None),
    ("einsum_matmul", lambda: ops.einsum("ij,jk->ik", A, Bm), lambda: A @ Bm, None),
    ("einsum_implicit", lambda: ops.einsum("bij,kj", C, Bm), lambda: np.einsum("bij,kj", C, Bm), None),
    ("einsum_ellipsis", lambda: ops.einsum("...ij->...ji", C), lambda: C.transpose(0, 2, 1), None),
    ("einsum_trace", lambda: ops.einsum("ii", M[0]), lambda: np.trace(M[0]), None),
    ("einsum_diag_batch", lambda: ops.einsum("bii->bi", M), lambda: np.einsum("bii->bi", M), None),
    ("einsum_three", lambda: ops.einsum("i,ij,j->", V, M[0], V), lambda: V @ M[0] @ V, None),
    ("einsum_int8", lambda: ops.einsum("ij,kj->ik", I8, I8), lambda: I32 @ I32.T, "int32"),
    ("einsum_bool", lambda: ops.einsum("ij,kj->ik", BO, BO), lambda: np.einsum("ij,kj->ik", BO, BO), "bool"),
    ("einsum_empty", lambda: ops.einsum("ij,jk->ik", np.zeros((2, 0), "float32"), np.zeros((0, 3), "float32")),
     lambda: np.zeros((2, 3), "float32"), None),
    ("kron", lambda: ops.kron(A, Bm), lambda: np.kron(A, Bm), None),
    ("kron_ranks", lambda: ops.kron(V, A), lambda: np.kron(V, A), None),
    ("kron_bool", lambda: ops.kron(BO, BO[:1]), lambda: np.kron(BO, BO[:1]), "bool"),
    ("cross", lambda: ops.cross(A, A[::-1].copy()), lambda: np.cross(A, A[::-1]), None),
    ("cross_2d_3d", lambda: ops.cross(A[:, :2].copy(), A), lambda: np.cross(np.c_[A[:, :2], [0, 0]], A).astype("float32"), None),
    ("cross_2d_2d", lambda: ops.cross(A[:, :2].copy(), A[:, 1:].copy()),
     lambda: A[:, 0] * A[:, 2] - A[:, 1] * A[:, 1], None),
    ("cross_axes", lambda: ops.cross(C[:, :, :3].copy(), C[:, :, 1:].copy(), axisa=1, axisb=1, axisc=0),
     lambda: np.moveaxis(np.cross(np.moveaxis(C[:, :, :3], 1, -1), np.moveaxis(C[:, :, 1:], 1, -1)), -1, 0), None),
    ("cross_axis", lambda: ops.cross(C[:, :, :3].copy(), C[:, :, 1:].copy(), axis=1),
     lambda: np.moveaxis(np.cross(np.moveaxis(C[:, :, :3], 1, -1), np.moveaxis(C[:, :, 1:], 1, -1)), -1, 1), None),
    ("cross_int", lambda: ops.cross(I32, I32[::-1].copy()), lambda: np.cross(I32, I32[::-1]), None),
    ("trace", lambda: ops.trace(A), lambda: np.trace(A), None),
    ("trace_offset_axes", lambda: ops.trace(C, -1, 2, 1), lambda: np.trace(C, -1, 2, 1), None),
    ("trace_int8", lambda: ops.trace(I8 * 60), lambda: np.trace((I8 * 60).astype("int32")), "int32"),
    ("trace_bool", lambda: ops.trace(BO), lambda: np.trace(BO.astype("int32")), "int32"),
    ("trace_uint8", lambda: ops.trace(I8.astype("uint8")), lambda: np.trace(I8.astype("uint8").astype("uint32")),
     "uint32"),
    ("diagonal", lambda: ops.diagonal(A), lambda: np.diagonal(A), None),
    ("diagonal_offset", lambda: ops.diagonal(C, 1, 1, 2), lambda: np.diagonal(C, 1, 1, 2), None),
    ("diagonal_neg_axes", lambda: ops.diagonal(C, -1, -1, 0), lambda: np.diagonal(C, -1, -1, 0), None),
    ("diagonal_empty", lambda: ops.diagonal(A, 5), lambda: np.diagonal(A, 5), None),
    ("diagonal_bool", lambda: ops.diagonal(BO), lambda: np.diagonal(BO), None),
    ("vdot", lambda: ops.vdot(A, A), lambda: np.vdot(A, A), None),
    ("vdot_int", lambda: ops.vdot(I32, I32), lambda: np.vdot(I32, I32), None),
    ("slogdet_sign", lambda: ops.slogdet(M)[0], lambda: np.linalg.slogdet(M)[0], None),
    ("slogdet_logdet", lambda: ops.slogdet(M)[1], lambda: np.linalg.slogdet(M)[1], None),
    ("slogdet_int", lambda: ops.slogdet(np.array([[2, 1], [1, 3]], "int32"))[1], lambda: np.float32(np.log(5.0)),
     "float32"),
]


@pytest.mark.parametrize("call,oracle,dtype", [c[1:] for c in VALUE_CASES], ids=[c[0] for c in VALUE_CASES])
def test_values(call, oracle, dtype):
    expected = np.asarray(oracle())
    dtype = _narrow(dtype or kc.dtypes.standardize_dtype(expected.dtype.name))
    tol = PREC if dtype == "float32" else {}
    assert_close(call(), expected.astype(dtype), dtype=dtype, **tol)


# (id, call, expected dtype) — Keras 3's rules: products keep the promoted dtype except
# matmul/einsum of int8 (int32), trace of small ints, slogdet of ints (floatx).
DTYPE_CASES = [
    ("dot_int8", lambda: ops.dot(I8, I8.T), "int8"),
    ("tensordot_int8", lambda: ops.tensordot(I8, I8, 2), "int8"),
    ("inner_bool", lambda: ops.inner(BO, BO), "bool"),
    ("outer_int8_bool", lambda: ops.outer(I8, BO), "int8"),
    ("kron_uint8", lambda: ops.kron(I8.astype("uint8"), I8.astype("uint8")), "uint8"),
    ("vdot_int8", lambda: ops.vdot(I8, I8), "int8"),
    ("einsum_int8_int32", lambda: ops.einsum("ij,kj->ik", I8, I32), "int32"),
    ("einsum_int8_uint8", lambda: ops.einsum("ij,kj->ik", I8, I8.astype("uint8")), "int16"),
    ("einsum_int8_bool", lambda: ops.einsum("ij,kj->ik", I8, BO), "int8"),
    ("einsum_single_int8", lambda: ops.einsum("ij->i", I8), "int32"),
    ("matmul_uint8", lambda: ops.matmul(I8.astype("uint8"), I8.T.astype("uint8")), "uint8"),
    ("matmul_float16_weak", lambda: ops.dot(A.astype("float16"), 2.0), "float16"),
    ("trace_int64", lambda: ops.trace(I32.astype("int64")), _narrow("int64")),
    ("trace_uint16", lambda: ops.trace(I8.astype("uint16")), "uint32"),
    ("trace_float16", lambda: ops.trace(A.astype("float16")), "float16"),
    ("slogdet_float64", lambda: ops.slogdet(np.eye(2))[0], _narrow("float64")),
    ("cross_int8", lambda: ops.cross(I8, I8), "int8"),
]


@pytest.mark.parametrize("call,expected", [c[1:] for c in DTYPE_CASES], ids=[c[0] for c in DTYPE_CASES])
def test_dtypes(call, expected):
    assert dtype_name(call()) == expected


SYMBOLIC_CASES = [
    ("matmul", lambda x: ops.matmul(x, Bm)),
    ("dot", lambda x: ops.dot(x, Bm)),
    ("dot_nd", lambda x: ops.dot(ops.reshape(x, (-1, 1, 3)), Bm)),
    ("inner", lambda x: ops.inner(x, A)),
    ("outer", lambda x: ops.outer(x, V)),
    ("tensordot", lambda x: ops.tensordot(x, Bm, 1)),
    ("tensordot_pairs", lambda x: ops.tensordot(x, A, ((1,), (1,)))),
    ("einsum", lambda x: ops.einsum("bi,ij->jb", x, Bm)),
    ("einsum_implicit", lambda x: ops.einsum("bi,ij", x, Bm)),
    ("einsum_ellipsis", lambda x: ops.einsum("...i,i->...", x, V)),
    ("kron", lambda x: ops.kron(x, A)),
    ("cross", lambda x: ops.cross(x, V)),
    ("cross_2d", lambda x: ops.cross(x[:, :2], V[:2])),
    ("trace", lambda x: ops.trace(ops.reshape(x, (-1, 1, 3)), axis1=1, axis2=2)),
    ("diagonal", lambda x: ops.diagonal(x, offset=1)),
    ("diagonal_batch", lambda x: ops.diagonal(ops.reshape(x, (-1, 3, 1)), 0, 1, 2)),
    ("vdot", lambda x: ops.vdot(x, x)),
    ("slogdet", lambda x: ops.slogdet(ops.reshape(ops.concatenate([x, x, x], axis=1), (-1, 3, 3)))[1]),
]


@pytest.mark.parametrize("call", [c[1] for c in SYMBOLIC_CASES], ids=[c[0] for c in SYMBOLIC_CASES])
def test_symbolic_matches_eager(call):
    eager = call(A)
    spec = call(kc.KerasTensor((None, 3)))
    assert len(spec.shape) == len(eager.shape)
    assert all(s is None or s == e for s, e in zip(spec.shape, eager.shape)), (spec.shape, eager.shape)
    assert spec.dtype == dtype_name(eager)


def test_symbolic_int8_rules():
    x = kc.KerasTensor((None, 3), "int8")
    assert ops.matmul(x, kc.KerasTensor((3, 2), "int8")).dtype == "int32"
    assert ops.einsum("ij,jk->ik", x, kc.KerasTensor((3, 2), "int8")).dtype == "int32"
    assert ops.dot(x, kc.KerasTensor((3, 2), "int8")).dtype == "int8"
    assert ops.trace(kc.KerasTensor((3, 3), "uint8")).dtype == "uint32"
    assert [t.shape for t in ops.slogdet(kc.KerasTensor((None, 3, 3)))] == [(None,), (None,)]


ERROR_CASES = [
    ("dot_sizes", lambda: ops.dot(A, A), ValueError, "dot"),
    ("inner_sizes", lambda: ops.inner(A, Bm), ValueError, "inner"),
    ("tensordot_sizes", lambda: ops.tensordot(A, A, 1), ValueError, "tensordot"),
    ("tensordot_axes", lambda: ops.tensordot(A, A, 3), ValueError, "tensordot: axes=3"),
    ("einsum_operands", lambda: ops.einsum("ij,jk->ik", A), ValueError, "einsum"),
    ("einsum_sizes", lambda: ops.einsum("ij,jk->ik", A, A), ValueError, "einsum"),
    ("einsum_term_rank", lambda: ops.einsum("ijk->i", A), ValueError, "einsum"),
    ("cross_components", lambda: ops.cross(C, C), ValueError, "cross"),
    ("cross_bool", lambda: ops.cross(BO, BO), TypeError, "cross"),
    ("trace_rank", lambda: ops.trace(V), ValueError, "trace"),
    ("diagonal_same_axes", lambda: ops.diagonal(C, 0, 1, -2), ValueError, "diagonal"),
    ("diagonal_axis", lambda: ops.diagonal(A, 0, 0, 2), ValueError, "diagonal: axis 2"),
    ("vdot_sizes", lambda: ops.vdot(A, V), ValueError, "vdot"),
    ("slogdet_square", lambda: ops.slogdet(A), ValueError, "slogdet"),
    ("matmul_inner", lambda: ops.matmul(kc.KerasTensor((None, 3)), kc.KerasTensor((4, 2))), ValueError, "matmul"),
]


@pytest.mark.parametrize("call,error,words", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_compiled_sample():
    def fn(x, m):
        y = ops.einsum("bij,jk->bik", m, ops.transpose(x)) + ops.tensordot(m, x, ((2,), (1,)))
        return ops.trace(y, axis1=1, axis2=2), ops.dot(x, ops.diagonal(m, 0, 1, 2)[0]), ops.slogdet(m)[1], ops.cross(
            x, ops.outer(x[0], x[1])[:2])

    expected = [to_numpy(t) for t in fn(A, M)]
    got = compiled(fn)(kc.backend.convert_to_tensor(A), kc.backend.convert_to_tensor(M))
    for g, e in zip(got, expected):
        assert_close(g, e, **PREC)


GRAD_CASES = [
    ("einsum", lambda x: ops.einsum("ij,kj->ik", x, x)),
    ("tensordot", lambda x: ops.tensordot(x, Bm[:, :2], 1)),
    ("matmul", lambda x: ops.matmul(x, Bm)),
    ("dot", lambda x: ops.dot(x, V)),
    ("cross", lambda x: ops.cross(x, V)),
    ("trace", lambda x: ops.trace(x, offset=1)),
    ("slogdet", lambda x: ops.slogdet(ops.add(ops.matmul(x, ops.transpose(x)), np.eye(2, dtype="float32")))[1]),
]


@pytest.mark.grad
@pytest.mark.parametrize("fn", [c[1] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradients(fn):
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "float32")
    out = to_numpy(fn(x))
    w = np.linspace(-1.0, 2.0, out.size).reshape(out.shape).astype("float32")
    np.testing.assert_allclose(backend_gradient(fn, x, w), numeric_gradient(fn, x, w, eps=1e-2), rtol=2e-2, atol=2e-2)
