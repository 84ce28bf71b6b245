"""Linear algebra of the PyTorch backend (rules in kc.ops._linalg)."""

from __future__ import annotations

import torch

from kc import dtypes
from kc.backend.torch.core import convert_to_tensor, promote, to_native_dtype


def _r():
    """Rules of kc.ops._linalg (imported late: it imports this module)."""
    from kc.ops import _linalg

    return _linalg


def _name(x) -> str:
    return dtypes.standardize_dtype(x.dtype)


def _matrix(x, op: str, square: bool = True):
    """(x in its compute dtype, output dtype name), after checking x is a (batch of) matrix."""
    x = convert_to_tensor(x)
    _r().check_matrix(tuple(x.shape), op, square=square)
    out = _r().linalg_dtype(_name(x))
    return x.to(to_native_dtype(_r().compute_dtype(out))), out


def _operands(a, b):
    a, b = promote(a, b)
    out = _r().linalg_dtype(_name(a))
    compute = to_native_dtype(_r().compute_dtype(out))
    return a.to(compute), b.to(device=a.device, dtype=compute), out


def _cast(x, out: str):
    return x.to(to_native_dtype(out))


def cholesky(x, upper=False):
    x, out = _matrix(x, "cholesky")
    return _cast(torch.linalg.cholesky(x, upper=upper), out)


def cholesky_inverse(x, upper=False):
    x, out = _matrix(x, "cholesky_inverse")
    return _cast(torch.cholesky_inverse(x, upper=upper), out)


def det(x):
    x, out = _matrix(x, "det")
    return _cast(torch.linalg.det(x), out)


def eig(x):
    x, out = _matrix(x, "eig")
    w, v = torch.linalg.eig(x)
    cdt = _r().complex_dtype(out)
    return _cast(w, cdt), _cast(v, cdt)


def eigh(x):
    x, out = _matrix(x, "eigh")
    w, v = torch.linalg.eigh(x, UPLO="L")
    return _cast(w, _r().real_dtype(out)), _cast(v, out)


def inv(x):
    x, out = _matrix(x, "inv")
    return _cast(torch.linalg.inv(x), out)


def _tensors(seq) -> tuple:
    return tuple(convert_to_tensor(t) for t in seq)


def jvp(fun, primals, tangents, has_aux=False):
    return torch.func.jvp(fun, _tensors(primals), _tensors(tangents), has_aux=has_aux)


def lstsq(a, b, rcond=None):
    _r().check_lstsq(tuple(convert_to_tensor(a).shape), tuple(convert_to_tensor(b).shape))
    a, b, out = _operands(a, b)
    rcond = _r().default_rcond(tuple(a.shape), out) if rcond is None else rcond
    return _cast(torch.linalg.pinv(a, rtol=rcond) @ b, out)


def lu_factor(x):
    x, out = _matrix(x, "lu_factor")
    lu, pivots = torch.linalg.lu_factor(x)
    return _cast(lu, out), (pivots - 1).to(torch.int32)


def matrix_rank(x, tol=None):
    x, out = _matrix(x, "matrix_rank", square=False)
    s = torch.linalg.svdvals(x)
    if tol is None:
        top = s.amax(dim=-1, keepdim=True) if s.shape[-1] else s.new_zeros(s.shape[:-1] + (1,))
        tol = top * _r().rank_tol(tuple(x.shape), out)
    return torch.sum(s > tol, dim=-1).to(torch.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    kind, axes = _r().norm_plan(x.ndim, ord, axis)
    out = _r().linalg_dtype(_name(x))
    x = x.to(to_native_dtype(_r().compute_dtype(out)))
    if kind == "flat":
        dims = tuple(range(x.ndim))
        r = torch.sqrt(torch.sum(torch.abs(x) ** 2, dim=dims, keepdim=keepdims)) if dims else torch.abs(x)
    else:
        r = torch.linalg.norm(x, ord=ord, dim=axes if kind == "matrix" else axes[0], keepdim=keepdims)
    return _cast(r, _r().real_dtype(out))


def pinv(x, rcond=None):
    x, out = _matrix(x, "pinv", square=False)
    rcond = _r().default_rcond(tuple(x.shape), out) if rcond is None else rcond
    return _cast(torch.linalg.pinv(x, rtol=rcond), out)


def qr(x, mode="reduced"):
    _r().check_qr_mode(mode)
    x, out = _matrix(x, "qr", square=False)
    q, r = torch.linalg.qr(x, mode=mode)
    return _cast(q, out), _cast(r, out)


def _solve(a, b, solver):
    if b.ndim == 1:
        return _solve(a, b[:, None], solver)[..., 0]
    batch = torch.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return solver(a.expand(batch + a.shape[-2:]), b.expand(batch + b.shape[-2:]))


def solve(a, b):
    _r().solve_shapes(tuple(convert_to_tensor(a).shape), tuple(convert_to_tensor(b).shape), "solve")
    a, b, out = _operands(a, b)
    return _cast(_solve(a, b, torch.linalg.solve), out)


def solve_triangular(a, b, lower=False):
    _r().solve_shapes(tuple(convert_to_tensor(a).shape), tuple(convert_to_tensor(b).shape),
                      "solve_triangular")
    a, b, out = _operands(a, b)
    return _cast(_solve(a, b, lambda m, r: torch.linalg.solve_triangular(m, r, upper=not lower)), out)


def svd(x, full_matrices=True, compute_uv=True):
    x, out = _matrix(x, "svd", square=False)
    if not compute_uv:
        return _cast(torch.linalg.svdvals(x), _r().real_dtype(out))
    u, s, vh = torch.linalg.svd(x, full_matrices=full_matrices)
    return _cast(u, out), _cast(s, _r().real_dtype(out)), _cast(vh, out)
