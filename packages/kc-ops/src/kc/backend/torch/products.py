"""Tensor products of the PyTorch backend: matmul, dot, einsum, ..."""

from __future__ import annotations

import torch

from kc.backend.torch.core import convert_to_tensor, promote, to_native_dtype
from kc.ops._rules import matmul_dtype
from kc import dtypes


def matmul(x1, x2):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    d1, d2 = dtypes.standardize_dtype(x1.dtype), dtypes.standardize_dtype(x2.dtype)
    out = to_native_dtype(matmul_dtype(d1, d2))
    compute = out if out.is_floating_point or out.is_complex else torch.int64 if x1.device.type == "cpu" else torch.float64
    r = torch.matmul(x1.to(compute), x2.to(compute))
    return r if r.dtype == out else r.to(out)


matmul.native = torch.matmul
matmul.native_dtypes = (torch.float32, torch.float64, torch.float16, torch.bfloat16)


def _p():
    """Rules of kc.ops._products (imported late: it imports this module)."""
    from kc.ops import _products

    return _products


def _computed(fn, xs, out):
    """Run ``fn`` on ``xs`` in a dtype torch supports, then give the result dtype ``out``.

    torch has no integer/bool products on every device: ints run in int64 on
    the CPU (float64 elsewhere) and wrap back on the cast, bool as "any".
    """
    out = to_native_dtype(out)
    if out.is_floating_point or out.is_complex:
        return fn(*[x.to(out) for x in xs])
    compute = torch.int64 if xs[0].device.type == "cpu" else torch.float64
    r = fn(*[x.to(compute) for x in xs])
    return r != 0 if out == torch.bool else r.to(torch.int64).to(out) if r.is_floating_point() else r.to(out)


def _pair(x1, x2):
    x1, x2 = promote(x1, x2)
    return x1, x2.to(x1.device), dtypes.standardize_dtype(x1.dtype)


def dot(x1, x2):
    x1, x2, out = _pair(x1, x2)
    _p().dot_shape(tuple(x1.shape), tuple(x2.shape))
    if x1.ndim == 0 or x2.ndim == 0:
        return _computed(torch.mul, [x1, x2], out)
    dims = ([-1], [0]) if x2.ndim == 1 else ([-1], [-2])
    return _computed(lambda a, b: torch.tensordot(a, b, dims), [x1, x2], out)


def inner(x1, x2):
    x1, x2, out = _pair(x1, x2)
    _p().inner_shape(tuple(x1.shape), tuple(x2.shape))
    if x1.ndim == 0 or x2.ndim == 0:
        return _computed(torch.mul, [x1, x2], out)
    return _computed(lambda a, b: torch.tensordot(a, b, ([-1], [-1])), [x1, x2], out)


def outer(x1, x2):
    x1, x2, out = _pair(x1, x2)
    return _computed(lambda a, b: torch.outer(a.reshape(-1), b.reshape(-1)), [x1, x2], out)


def tensordot(x1, x2, axes=2):
    x1, x2, out = _pair(x1, x2)
    _p().tensordot_shape(tuple(x1.shape), tuple(x2.shape), axes)
    dims = [list(a) for a in _p().tensordot_axes(x1.ndim, x2.ndim, axes)]
    return _computed(lambda a, b: torch.tensordot(a, b, dims), [x1, x2], out)


def einsum(subscripts, *operands, **kwargs):
    operands = [convert_to_tensor(x) for x in operands]
    _p().einsum_shape(subscripts, [tuple(x.shape) for x in operands])
    return _computed(lambda *xs: torch.einsum(subscripts, *xs), operands, _p().einsum_dtype(*operands))


def kron(x1, x2):
    x1, x2, out = _pair(x1, x2)
    return _computed(torch.kron, [x1, x2], out)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2, out = _pair(x1, x2)
    p = _p()
    p.check_cross_dtype(x1, x2)
    p.cross_shape(tuple(x1.shape), tuple(x2.shape), axisa, axisb, axisc, axis)
    a, b, c = p.cross_axes(x1.ndim, x2.ndim, axisa, axisb, axisc, axis)
    x1, x2 = torch.movedim(x1, a, -1).to(to_native_dtype(out)), torch.movedim(x2, b, -1).to(to_native_dtype(out))
    planar = x1.shape[-1] == 2 and x2.shape[-1] == 2
    u, v = _to3(x1), _to3(x2)
    u, v = torch.broadcast_tensors(u, v)
    r = torch.stack([u[..., 1] * v[..., 2] - u[..., 2] * v[..., 1],
                     u[..., 2] * v[..., 0] - u[..., 0] * v[..., 2],
                     u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]], -1)
    return r[..., 2] if planar else torch.movedim(r, -1, c)


def _to3(v):
    """2-component vectors get a zero z component."""
    return torch.cat([v, torch.zeros_like(v[..., :1])], -1) if v.shape[-1] == 2 else v


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    a1, a2 = _p().diag_axes(x.ndim, axis1, axis2, "trace")
    out = to_native_dtype(_p().trace_dtype(dtypes.standardize_dtype(x.dtype)))
    d = torch.diagonal(x, offset, a1, a2)
    if out.is_floating_point or out.is_complex:
        return d.sum(-1, dtype=out)
    return d.to(torch.int64).sum(-1).to(out)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    a1, a2 = _p().diag_axes(x.ndim, axis1, axis2, "diagonal")
    return torch.diagonal(x, offset, a1, a2)


def vdot(x1, x2):
    x1, x2, out = _pair(x1, x2)
    _p().vdot.rule(x1, x2)
    return _computed(lambda a, b: torch.sum(torch.conj(a).reshape(-1) * b.reshape(-1)), [x1, x2], out)


def slogdet(x):
    x = convert_to_tensor(x)
    _p().check_square(tuple(x.shape), "slogdet")
    x = x.to(to_native_dtype(_p().slogdet_dtype(dtypes.standardize_dtype(x.dtype))))
    sign, logdet = torch.linalg.slogdet(x)
    return sign, logdet
