"""Linear algebra of the JAX backend (rules in kc.ops._linalg)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from kc.backend.common.numpy_like.linalg import linalg_ops
from kc.backend.jax import core
from kc.backend.jax.core import convert_to_tensor, to_native_dtype


def _cast(x, out: str):
    return x.astype(to_native_dtype(out))


# _r, _matrix, _operands, _adjoint, cholesky, cholesky_inverse and det (shared with
# NumPy) come from kc/backend/common/numpy_like/linalg.py.
globals().update(linalg_ops(jnp, core, cast=_cast))


def eig(x):
    x, out = _matrix(x, "eig")
    w, v = jnp.linalg.eig(x)  # JAX computes eig on the CPU only
    cdt = _r().complex_dtype(out)
    return _cast(w, cdt), _cast(v, cdt)


def eigh(x):
    x, out = _matrix(x, "eigh")
    w, v = jnp.linalg.eigh(x, UPLO="L")
    return _cast(w, _r().real_dtype(out)), _cast(v, out)


def inv(x):
    x, out = _matrix(x, "inv")
    return _cast(jnp.linalg.inv(x), out)


def _tensors(tree):
    return jax.tree.map(convert_to_tensor, tree)


def jvp(fun, primals, tangents, has_aux=False):
    return jax.jvp(fun, tuple(_tensors(list(primals))), tuple(_tensors(list(tangents))), has_aux=has_aux)


def lstsq(a, b, rcond=None):
    _r().check_lstsq(jnp.shape(a), jnp.shape(b))
    a, b, out = _operands(a, b)
    rcond = _r().default_rcond(a.shape, out) if rcond is None else rcond
    return _cast(jnp.linalg.lstsq(a, b, rcond=rcond)[0], out)


def lu_factor(x):
    x, out = _matrix(x, "lu_factor")
    lu, pivots = jsl.lu_factor(x)
    return _cast(lu, out), pivots.astype(jnp.int32)


def matrix_rank(x, tol=None):
    x, out = _matrix(x, "matrix_rank", square=False)
    s = jnp.linalg.svd(x, compute_uv=False)
    if tol is None:
        tol = jnp.max(s, axis=-1, keepdims=True, initial=0.0) * _r().rank_tol(x.shape, out)
    return jnp.sum(s > tol, axis=-1).astype(jnp.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    kind, axes = _r().norm_plan(x.ndim, ord, axis)
    out = _r().linalg_dtype(x.dtype)
    x = x.astype(to_native_dtype(_r().compute_dtype(out)))
    if kind == "flat":
        r = jnp.sqrt(jnp.sum(jnp.abs(x) ** 2, keepdims=keepdims))
    else:
        r = jnp.linalg.norm(x, ord=ord, axis=axes if kind == "matrix" else axes[0], keepdims=keepdims)
    return _cast(r, _r().real_dtype(out))


def pinv(x, rcond=None):
    x, out = _matrix(x, "pinv", square=False)
    rcond = _r().default_rcond(x.shape, out) if rcond is None else rcond
    return _cast(jnp.linalg.pinv(x, rtol=rcond), out)


def qr(x, mode="reduced"):
    _r().check_qr_mode(mode)
    x, out = _matrix(x, "qr", square=False)
    q, r = jnp.linalg.qr(x, mode=mode)
    return _cast(q, out), _cast(r, out)


def _solve(a, b, solver):
    if b.ndim == 1:
        return _solve(a, b[:, None], solver)[..., 0]
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return solver(jnp.broadcast_to(a, batch + a.shape[-2:]), jnp.broadcast_to(b, batch + b.shape[-2:]))


def solve(a, b):
    _r().solve_shapes(jnp.shape(a), jnp.shape(b), "solve")
    a, b, out = _operands(a, b)
    return _cast(_solve(a, b, jnp.linalg.solve), out)


def solve_triangular(a, b, lower=False):
    _r().solve_shapes(jnp.shape(a), jnp.shape(b), "solve_triangular")
    a, b, out = _operands(a, b)
    return _cast(_solve(a, b, lambda m, r: jax.lax.linalg.triangular_solve(
        m, r, left_side=True, lower=lower)), out)


def svd(x, full_matrices=True, compute_uv=True):
    x, out = _matrix(x, "svd", square=False)
    if not compute_uv:
        return _cast(jnp.linalg.svd(x, compute_uv=False), _r().real_dtype(out))
    u, s, vh = jnp.linalg.svd(x, full_matrices=full_matrices)
    return _cast(u, out), _cast(s, _r().real_dtype(out)), _cast(vh, out)
