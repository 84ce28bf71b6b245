"""Linear algebra of the NumPy backend (rules in kc.ops._linalg)."""

from __future__ import annotations

import numpy as np

from kc.backend.common.numpy_like.linalg import linalg_ops
from kc.backend.numpy import core
from kc.backend.numpy.core import convert_to_tensor, to_native_dtype


def _cast(x, out: str) -> np.ndarray:
    return np.asarray(x).astype(to_native_dtype(out), copy=False)


# _r, _matrix, _operands, _adjoint, cholesky, cholesky_inverse and det (shared with
# JAX) come from kc/backend/common/numpy_like/linalg.py.
globals().update(linalg_ops(np, core, cast=_cast))


def eig(x):
    x, out = _matrix(x, "eig")
    w, v = np.linalg.eig(x)
    cdt = _r().complex_dtype(out)
    return _cast(w, cdt), _cast(v, cdt)


def eigh(x):
    x, out = _matrix(x, "eigh")
    w, v = np.linalg.eigh(x)
    return _cast(w, _r().real_dtype(out)), _cast(v, out)


def inv(x):
    x, out = _matrix(x, "inv")
    return _cast(np.linalg.inv(x), out)


def jvp(fun, primals, tangents, has_aux=False):
    raise NotImplementedError("kc.ops.linalg.jvp is not available on the numpy backend "
                              "(it has no automatic differentiation).")


def lstsq(a, b, rcond=None):
    _r().check_lstsq(np.shape(a), np.shape(b))
    a, b, out = _operands(a, b)
    rcond = _r().default_rcond(a.shape, out) if rcond is None else rcond
    return _cast(np.linalg.lstsq(a, b, rcond=rcond)[0], out)


def lu_factor(x):
    x, out = _matrix(x, "lu_factor")
    n = x.shape[-1]
    batch = x.shape[:-2]
    lu = np.array(x, copy=True).reshape((-1, n, n))
    pivots = np.zeros(lu.shape[:2], np.int32)
    rows = np.arange(lu.shape[0])
    for k in range(n):
        p = k + np.argmax(np.abs(lu[:, k:, k]), axis=1)
        pivots[:, k] = p
        lu[rows, k], lu[rows, p] = lu[rows, p], lu[rows, k].copy()
        pivot = lu[:, k, k:k + 1]
        lu[:, k + 1:, k] /= np.where(pivot == 0, 1, pivot)
        lu[:, k + 1:, k + 1:] -= lu[:, k + 1:, k, None] * lu[:, k, None, k + 1:]
    return _cast(lu.reshape(batch + (n, n)), out), pivots.reshape(batch + (n,))


def matrix_rank(x, tol=None):
    x, out = _matrix(x, "matrix_rank", square=False)
    s = np.linalg.svd(x, compute_uv=False)
    if tol is None:
        top = s.max(axis=-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
        tol = top * _r().rank_tol(x.shape, out)
    return np.sum(s > tol, axis=-1).astype(np.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    kind, axes = _r().norm_plan(x.ndim, ord, axis)
    out = _r().linalg_dtype(x.dtype)
    x = x.astype(to_native_dtype(_r().compute_dtype(out)), copy=False)
    if kind == "flat":
        r = np.sqrt(np.sum(np.abs(x) ** 2, axis=None, keepdims=keepdims))
    else:
        r = np.linalg.norm(x, ord=ord, axis=axes if kind == "matrix" else axes[0], keepdims=keepdims)
    return _cast(r, _r().real_dtype(out))


def pinv(x, rcond=None):
    x, out = _matrix(x, "pinv", square=False)
    rcond = _r().default_rcond(x.shape, out) if rcond is None else rcond
    return _cast(np.linalg.pinv(x, rcond=rcond), out)


def qr(x, mode="reduced"):
    _r().check_qr_mode(mode)
    x, out = _matrix(x, "qr", square=False)
    q, r = np.linalg.qr(x, mode=mode)
    return _cast(q, out), _cast(r, out)


def solve(a, b):
    _r().solve_shapes(np.shape(a), np.shape(b), "solve")
    a, b, out = _operands(a, b)
    if b.ndim == 1:
        return _cast(np.linalg.solve(a, b[:, None])[..., 0], out)
    return _cast(np.linalg.solve(a, b), out)


def solve_triangular(a, b, lower=False):
    _r().solve_shapes(np.shape(a), np.shape(b), "solve_triangular")
    a, b, out = _operands(a, b)
    a = np.tril(a) if lower else np.triu(a)
    if b.ndim == 1:
        return _cast(np.linalg.solve(a, b[:, None])[..., 0], out)
    return _cast(np.linalg.solve(a, b), out)


def svd(x, full_matrices=True, compute_uv=True):
    x, out = _matrix(x, "svd", square=False)
    real = _r().real_dtype(out)
    if not compute_uv:
        return _cast(np.linalg.svd(x, compute_uv=False), real)
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    return _cast(u, out), _cast(s, real), _cast(vh, out)
