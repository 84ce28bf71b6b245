"""Linear algebra (kc.ops._linalg) against NumPy, on the active backend.

Decompositions whose factors are unique only up to signs or order (eig, eigh,
svd, qr, lu) are checked through reconstructions and invariants.
"""

from __future__ import annotations

import numpy as np
import pytest
from kc_testing import BACKEND, assert_close, backend_gradient, compiled, dtype_name, numeric_gradient, to_numpy

import kc
from kc import ops

_rng = np.random.default_rng(11)
M = _rng.normal(size=(2, 3, 3)).astype("float32")  # general, batched
SPD = (M @ M.transpose(0, 2, 1) + 3 * np.eye(3)).astype("float32")  # symmetric positive definite
R = _rng.normal(size=(2, 4, 3)).astype("float32")  # tall, batched
W = _rng.normal(size=(3, 4)).astype("float32")  # wide
B = _rng.normal(size=(2, 3, 2)).astype("float32")
V = _rng.normal(size=3).astype("float32")
I32 = np.array([[2, 1], [1, 3]], "int32")
LOW = np.tril(M) + 3 * np.eye(3, dtype="float32")
PREC = {"rtol": 1e-4, "atol": 1e-4}  # float32 LAPACK results differ by backend in the last bits


def _narrow(dtype):
    return {"float64": "float32", "complex128": "complex64"}.get(dtype, dtype) if BACKEND == "jax" else dtype


# (id, kc call, NumPy oracle, expected dtype or None for the oracle's)
VALUE_CASES = [
    ("det", lambda: ops.det(M), lambda: np.linalg.det(M), None),
    ("det_int", lambda: ops.det(I32), lambda: np.float32(5.0), "float32"),
    ("inv", lambda: ops.inv(SPD), lambda: np.linalg.inv(SPD), None),
    ("inv_float64", lambda: ops.inv(SPD.astype("float64")), lambda: np.linalg.inv(SPD.astype("float64")), None),
    ("solve_vector", lambda: ops.solve(SPD, V), lambda: np.linalg.solve(SPD, V[:, None])[..., 0], None),
    ("solve_batched", lambda: ops.solve(SPD, B), lambda: np.linalg.solve(SPD, B), None),
    ("solve_bcast", lambda: ops.solve(SPD[0], B), lambda: np.linalg.solve(SPD[0], B), None),
    ("solve_triangular_lower", lambda: ops.solve_triangular(LOW, B, lower=True),
     lambda: np.linalg.solve(np.tril(LOW), B), None),
    ("solve_triangular_upper_reads_upper", lambda: ops.solve_triangular(SPD, V),
     lambda: np.linalg.solve(np.triu(SPD), V[:, None])[..., 0], None),
    ("cholesky", lambda: ops.cholesky(SPD), lambda: np.linalg.cholesky(SPD), None),
    ("cholesky_upper", lambda: ops.cholesky(SPD, upper=True),
     lambda: np.linalg.cholesky(SPD).transpose(0, 2, 1), None),
    ("cholesky_inverse", lambda: ops.cholesky_inverse(np.linalg.cholesky(SPD)), lambda: np.linalg.inv(SPD), None),
    ("cholesky_inverse_upper", lambda: ops.cholesky_inverse(np.linalg.cholesky(SPD).transpose(0, 2, 1).copy(),
                                                            upper=True), lambda: np.linalg.inv(SPD), None),
    ("lstsq_vector", lambda: ops.lstsq(R[0], R[0, :, 0] + 2 * R[0, :, 1]), lambda: np.array([1, 2, 0], "float32"),
     None),
    ("lstsq_matrix", lambda: ops.lstsq(R[0], B[0].repeat(2, axis=0)[:4]),
     lambda: np.linalg.lstsq(R[0], B[0].repeat(2, axis=0)[:4], rcond=None)[0], None),
    ("pinv", lambda: ops.pinv(R), lambda: np.linalg.pinv(R), None),
    ("pinv_rank_deficient", lambda: ops.pinv(np.array([[1.0, 2.0], [2.0, 4.0]], "float32")),
     lambda: np.array([[1.0, 2.0], [2.0, 4.0]]).T / 25.0, "float32"),
    ("matrix_rank", lambda: ops.matrix_rank(np.stack([M[0], np.outer(V, V)])), lambda: np.array([3, 1], "int32"),
     None),
    ("matrix_rank_tol", lambda: ops.matrix_rank(np.diag([3.0, 0.5, 0.1]).astype("float32"), tol=0.2),
     lambda: np.int32(2), None),
    ("eigh_values", lambda: ops.eigh(SPD)[0], lambda: np.linalg.eigvalsh(SPD), None),
    ("svd_values", lambda: ops.svd(R, compute_uv=False), lambda: np.linalg.svd(R, compute_uv=False), None),
    ("svd_int", lambda: ops.svd(I32, compute_uv=False), lambda: np.linalg.svd(I32.astype("float32"), compute_uv=False),
     "float32"),
]

NORM_ORDS = [(None, None), ("fro", (1, 2)), ("nuc", (1, 2)), (np.inf, (1, 2)), (-np.inf, (-2, -1)),
             (1, (1, 2)), (-1, (2, 1)), (2, (1, 2)), (-2, (1, 2)), (None, -1), (np.inf, -1), (-np.inf, 0),
             (0, -1), (1, 1), (2, -1), (3, -1), (0.5, -1)]
VALUE_CASES += [
    (f"norm_{o}_{a}", lambda o=o, a=a: ops.norm(R, ord=o, axis=a), lambda o=o, a=a: np.linalg.norm(R, ord=o, axis=a),
     None) for o, a in NORM_ORDS
]
VALUE_CASES += [
    ("norm_keepdims_matrix", lambda: ops.norm(R, ord="nuc", axis=(0, 2), keepdims=True),
     lambda: np.linalg.norm(R, ord="nuc", axis=(0, 2), keepdims=True), None),
    ("norm_keepdims_all", lambda: ops.norm(R, keepdims=True), lambda: np.linalg.norm(R.ravel()).reshape(1, 1, 1),
     None),
    ("norm_vector_default_axis", lambda: ops.norm(V, ord=1), lambda: np.linalg.norm(V, ord=1), None),
    ("norm_matrix_default_axes", lambda: ops.norm(W, ord=np.inf), lambda: np.linalg.norm(W, ord=np.inf), None),
    ("norm_int", lambda: ops.norm(I32), lambda: np.float32(np.sqrt(15.0)), "float32"),
    ("norm_empty", lambda: ops.norm(np.zeros((0, 3), "float32"), axis=0), lambda: np.zeros(3, "float32"), None),
]


@pytest.mark.parametrize("call,oracle,dtype", [c[1:] for c in VALUE_CASES], ids=[c[0] for c in VALUE_CASES])
def test_values(call, oracle, dtype):
    expected = np.asarray(oracle())
    dtype = _narrow(dtype or kc.dtypes.standardize_dtype(expected.dtype.name))
    tol = PREC if dtype == "float32" else {"rtol": 1e-9, "atol": 1e-9}
    assert_close(call(), expected.astype(dtype), dtype=dtype, **tol)


def _close(a, b):
    np.testing.assert_allclose(a, b, **PREC)


def test_eig_reconstructs():
    if BACKEND == "jax" and kc.backend.convert_to_tensor(M).devices().pop().platform != "cpu":
        pytest.skip("jax computes eig on the CPU only")
    w, v = ops.eig(M)
    assert dtype_name(w) == dtype_name(v) == "complex64"
    w, v = to_numpy(w), to_numpy(v)
    _close(M @ v, v * w[..., None, :])
    _close(np.sort_complex(w.astype("complex128")), np.sort_complex(np.linalg.eigvals(M).astype("complex128")))


def test_eigh_orthonormal_vectors():
    w, v = (to_numpy(t) for t in ops.eigh(SPD))
    _close(v @ np.swapaxes(v, -1, -2), np.broadcast_to(np.eye(3), v.shape))
    _close(v @ (w[..., None] * np.swapaxes(v, -1, -2)), SPD)


@pytest.mark.parametrize("full", [True, False])
def test_svd_reconstructs(full):
    u, s, vh = (to_numpy(t) for t in ops.svd(R, full_matrices=full))
    assert u.shape == ((2, 4, 4) if full else (2, 4, 3)) and vh.shape == (2, 3, 3)
    _close(u[..., :3] * s[..., None, :] @ vh, R)
    _close(np.swapaxes(u, -1, -2) @ u, np.broadcast_to(np.eye(u.shape[-1]), (2,) + (u.shape[-1],) * 2))
    assert np.all(np.diff(s, axis=-1) <= 0)


@pytest.mark.parametrize("mode,shapes", [("reduced", ((2, 4, 3), (2, 3, 3))), ("complete", ((2, 4, 4), (2, 4, 3)))])
def test_qr_reconstructs(mode, shapes):
    q, r = (to_numpy(t) for t in ops.qr(R, mode=mode))
    assert (q.shape, r.shape) == shapes
    _close(q @ r, R)
    _close(np.swapaxes(q, -1, -2) @ q, np.broadcast_to(np.eye(q.shape[-1]), (2,) + (q.shape[-1],) * 2))
    np.testing.assert_allclose(np.tril(r, -1), 0, atol=1e-6)
    _close(np.abs(np.diagonal(r, axis1=-2, axis2=-1)), np.abs(np.diagonal(np.linalg.qr(R)[1], axis1=-2, axis2=-1)))


def _apply_pivots(x, pivots):
    x = x.copy()
    for i, p in enumerate(pivots):
        x[[i, p]] = x[[p, i]]
    return x


def test_lu_factor_reconstructs():
    lu, piv = ops.lu_factor(M)
    assert dtype_name(piv) == "int32" and dtype_name(lu) == "float32"
    lu, piv = to_numpy(lu), to_numpy(piv)
    for b in range(2):
        lower = np.tril(lu[b], -1) + np.eye(3)
        _close(_apply_pivots(M[b], piv[b]), lower @ np.triu(lu[b]))
        assert np.all(np.abs(np.tril(lu[b], -1)) <= 1 + 1e-6)  # partial pivoting
    _, piv = ops.lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]], "float32"))
    np.testing.assert_array_equal(to_numpy(piv), [1, 1])


DTYPE_CASES = [
    ("det_int", lambda: ops.det(I32), "float32"),
    ("det_bool", lambda: ops.det(np.eye(2, dtype=bool)), "float32"),
    ("inv_float64", lambda: ops.inv(np.eye(2)), _narrow("float64")),
    ("cholesky_float16", lambda: ops.cholesky(SPD[0].astype("float16")), "float16"),
    ("solve_int_float16", lambda: ops.solve(I32, np.ones(2, "float16")), "float16"),
    ("norm_int", lambda: ops.norm(I32, axis=0), "float32"),
    ("norm_float64", lambda: ops.norm(np.ones(2)), _narrow("float64")),
    ("matrix_rank", lambda: ops.matrix_rank(SPD), "int32"),
    ("eig_float64", lambda: ops.eig(np.eye(2))[0], _narrow("complex128")),
    ("eigh_int", lambda: ops.eigh(I32)[0], "float32"),
    ("svd_float64", lambda: ops.svd(np.eye(2))[1], _narrow("float64")),
    ("qr_int", lambda: ops.qr(I32)[0], "float32"),
    ("lu_int", lambda: ops.lu_factor(I32)[0], "float32"),
]


@pytest.mark.parametrize("call,expected", [c[1:] for c in DTYPE_CASES], ids=[c[0] for c in DTYPE_CASES])
def test_dtypes(call, expected):
    assert dtype_name(call()) == expected


SYMBOLIC_CASES = [
    ("cholesky", lambda x: ops.cholesky(x)),
    ("cholesky_inverse", lambda x: ops.cholesky_inverse(x, upper=True)),
    ("det", lambda x: ops.det(x)),
    ("eig", lambda x: ops.eig(x)),
    ("eigh", lambda x: ops.eigh(x)),
    ("inv", lambda x: ops.inv(x)),
    ("lu_factor", lambda x: ops.lu_factor(x)),
    ("matrix_rank", lambda x: ops.matrix_rank(x)),
    ("norm_matrix", lambda x: ops.norm(x, ord="nuc", axis=(1, 2), keepdims=True)),
    ("norm_vector", lambda x: ops.norm(x, ord=3, axis=-1)),
    ("norm_flat", lambda x: ops.norm(x)),
    ("pinv", lambda x: ops.pinv(x[:, :2])),
    ("qr", lambda x: ops.qr(x[:, :, :2])),
    ("qr_complete", lambda x: ops.qr(x[:, :, :2], mode="complete")),
    ("solve", lambda x: ops.solve(x, V)),
    ("solve_matrix", lambda x: ops.solve(x, B[0])),
    ("solve_triangular", lambda x: ops.solve_triangular(x, B[0], lower=True)),
    ("svd", lambda x: ops.svd(x[:, :2])),
    ("svd_reduced", lambda x: ops.svd(x[:, :2], full_matrices=False)),
    ("svd_values", lambda x: ops.svd(x, compute_uv=False)),
]


@pytest.mark.parametrize("call", [c[1] for c in SYMBOLIC_CASES], ids=[c[0] for c in SYMBOLIC_CASES])
def test_symbolic_matches_eager(call):
    eager = call(SPD)
    spec = call(kc.KerasTensor((None, 3, 3)))
    eager, spec = (eager, spec) if isinstance(spec, tuple) else ((eager,), (spec,))
    for e, s in zip(eager, spec):
        assert len(s.shape) == len(e.shape) and all(d is None or d == g for d, g in zip(s.shape, e.shape)), (
            s.shape, e.shape)
        assert s.dtype == dtype_name(e)


def test_symbolic_lstsq():
    out = ops.lstsq(kc.KerasTensor((4, 3)), kc.KerasTensor((4, 2), "int32"))
    assert (out.shape, out.dtype) == ((3, 2), "float32")


ERROR_CASES = [
    ("inv_not_square", lambda: ops.inv(W), ValueError, r"inv: x must be square.*\(3, 4\)"),
    ("det_not_square", lambda: ops.det(R), ValueError, r"det: x must be square.*\(2, 4, 3\)"),
    ("det_vector", lambda: ops.det(V), ValueError, r"det: x must be a matrix"),
    ("det_symbolic", lambda: ops.det(kc.KerasTensor((None, 2, 3))), ValueError, "det"),
    ("solve_rows", lambda: ops.solve(SPD, np.ones(4, "float32")), ValueError, "solve: b must have 3 rows"),
    ("solve_triangular_rows", lambda: ops.solve_triangular(SPD, np.ones((2, 4, 1), "float32")), ValueError,
     "solve_triangular"),
    ("lstsq_rank", lambda: ops.lstsq(R, B), ValueError, "lstsq: a must be a matrix"),
    ("norm_ord", lambda: ops.norm(R, ord=3, axis=(1, 2)), ValueError, "norm: matrix norms"),
    ("norm_string_vector", lambda: ops.norm(V, ord="fro"), ValueError, "norm"),
    ("norm_axis", lambda: ops.norm(R, axis=3), ValueError, "norm: axis 3 is out of range"),
    ("norm_rank3_ord", lambda: ops.norm(R, ord=1), ValueError, "norm"),
    ("qr_mode", lambda: ops.qr(R, mode="r"), ValueError, "qr: mode"),
    ("cholesky_not_square", lambda: ops.cholesky(W), ValueError, "cholesky"),
]


@pytest.mark.parametrize("call,error,words", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_compiled_sample():
    def fn(a, b):
        q, r = ops.qr(a)
        return (ops.solve(a, b), ops.det(a), ops.inv(a), ops.norm(a, ord="nuc", axis=(1, 2)),
                ops.svd(a, compute_uv=False), q @ r, ops.cholesky(a), ops.matrix_rank(a), ops.lu_factor(a)[1],
                ops.solve_triangular(a, b, lower=True), ops.pinv(a))

    expected = [to_numpy(t) for t in fn(SPD, B)]
    got = compiled(fn)(kc.backend.convert_to_tensor(SPD), kc.backend.convert_to_tensor(B))
    for g, e in zip(got, expected):
        assert_close(g, e, **PREC)


def _sym(x):
    """A symmetric positive-definite matrix built from x (so that every perturbation stays SPD)."""
    return ops.add(ops.matmul(x, ops.transpose(x)), 3.0 * np.eye(2, dtype="float32"))


GRAD_CASES = [
    ("solve", lambda x: ops.solve(_sym(x), np.array([1.0, -2.0], "float32"))),
    ("inv", lambda x: ops.inv(_sym(x))),
    ("det", lambda x: ops.det(_sym(x))),
    ("cholesky", lambda x: ops.cholesky(_sym(x))),
    ("norm_vector", lambda x: ops.norm(x, axis=-1)),
    ("norm_fro", lambda x: ops.norm(x, ord="fro", axis=(0, 1))),
    ("norm_inf", lambda x: ops.norm(x, ord=np.inf, axis=(0, 1))),
]


@pytest.mark.grad
@pytest.mark.parametrize("fn", [c[1] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradients(fn):
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "float32")
    out = to_numpy(fn(x))
    w = np.linspace(-1.0, 2.0, out.size).reshape(out.shape).astype("float32")
    np.testing.assert_allclose(backend_gradient(fn, x, w), numeric_gradient(fn, x, w, eps=1e-3), rtol=2e-2, atol=2e-2)


@pytest.mark.grad
@pytest.mark.parametrize("has_aux", [False, True])
def test_jvp(has_aux):
    x, t = np.array([0.1, 0.7], "float32"), np.array([2.0, -1.0], "float32")

    def fun(a):
        y = ops.sin(a) * a
        return (y, ops.sum(a)) if has_aux else y

    out = ops.jvp(fun, (x,), (t,), has_aux=has_aux)
    assert len(out) == (3 if has_aux else 2)
    assert_close(out[0], np.sin(x) * x, **PREC)
    assert_close(out[1], (np.cos(x) * x + np.sin(x)) * t, **PREC)
    if has_aux:
        assert_close(out[2], np.float32(x.sum()), **PREC)


def test_jvp_numpy_backend_raises():
    if BACKEND != "numpy":
        pytest.skip("the numpy backend has no autodiff")
    with pytest.raises(NotImplementedError, match="jvp.*numpy"):
        ops.jvp(ops.sin, (np.float32(0.1),), (np.float32(1.0),))
