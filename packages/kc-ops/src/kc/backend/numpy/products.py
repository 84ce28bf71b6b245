"""Tensor products of the NumPy backend: matmul, dot, einsum, ..."""

from __future__ import annotations

import numpy as np

from kc.backend.common.numpy_like.products import cross_op
from kc.backend.numpy.core import convert_to_tensor, promote
from kc.ops._rules import matmul_dtype


def matmul(x1, x2):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    dtype = matmul_dtype(str(x1.dtype), str(x2.dtype))
    if dtype == "int32" and x1.dtype == np.int8:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    else:
        x1, x2 = x1.astype(dtype, copy=False), x2.astype(dtype, copy=False)
    out = np.matmul(x1, x2)
    return out if out.dtype == dtype else out.astype(dtype)  # ml_dtypes' bfloat16 matmul gives float32


matmul.native = np.matmul
matmul.native_dtypes = tuple(np.dtype(d) for d in ("float32", "float64", "float16", "int32", "int64"))


def _p():
    """Rules of kc.ops._products (imported late: it imports this module)."""
    from kc.ops import _products

    return _products


def _pair(x1, x2):
    x1, x2 = promote(x1, x2)
    return x1, x2


def dot(x1, x2):
    x1, x2 = _pair(x1, x2)
    _p().dot_shape(x1.shape, x2.shape)
    return np.asarray(np.dot(x1, x2))


def inner(x1, x2):
    x1, x2 = _pair(x1, x2)
    _p().inner_shape(x1.shape, x2.shape)
    return np.asarray(np.inner(x1, x2))


def outer(x1, x2):
    return np.outer(*_pair(x1, x2))


def tensordot(x1, x2, axes=2):
    x1, x2 = _pair(x1, x2)
    _p().tensordot_shape(x1.shape, x2.shape, axes)
    return np.asarray(np.tensordot(x1, x2, _p().tensordot_axes(x1.ndim, x2.ndim, axes)))


def einsum(subscripts, *operands, **kwargs):
    dtype = _p().einsum_dtype(*operands)
    operands = [convert_to_tensor(x, dtype) for x in operands]
    _p().einsum_shape(subscripts, [x.shape for x in operands])
    return np.asarray(np.einsum(subscripts, *operands))


def kron(x1, x2):
    return np.kron(*_pair(x1, x2))


cross = cross_op(np, promote)  # shared with JAX: kc/backend/common/numpy_like/products.py


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    a1, a2 = _p().diag_axes(x.ndim, axis1, axis2, "trace")
    dtype = _p().trace_dtype(str(x.dtype))
    return np.asarray(np.trace(x, offset, a1, a2, dtype=dtype))


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    a1, a2 = _p().diag_axes(x.ndim, axis1, axis2, "diagonal")
    return np.diagonal(x, offset, a1, a2)


def vdot(x1, x2):
    x1, x2 = _pair(x1, x2)
    _p().vdot.rule(x1, x2)
    return np.asarray(np.vdot(x1, x2))


def slogdet(x):
    x = convert_to_tensor(x)
    _p().check_square(x.shape, "slogdet")
    x = x.astype(_p().slogdet_dtype(str(x.dtype)), copy=False)
    sign, logdet = np.linalg.slogdet(x)
    return np.asarray(sign), np.asarray(logdet)
