"""Tensor products of the JAX backend: matmul, dot, einsum, ..."""

from __future__ import annotations

import jax.numpy as jnp

from kc import dtypes
from kc.backend.common.numpy_like.products import cross_op
from kc.backend.jax.core import convert_to_tensor, promote, to_native_dtype
from kc.ops._rules import matmul_dtype


def matmul(x1, x2):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    out = matmul_dtype(dtypes.standardize_dtype(x1.dtype), dtypes.standardize_dtype(x2.dtype))
    if out == "int32" and x1.dtype == jnp.int8:
        return jnp.matmul(x1, x2, preferred_element_type=jnp.int32)
    return jnp.matmul(x1.astype(to_native_dtype(out)), x2.astype(to_native_dtype(out)))


matmul.native = jnp.matmul
matmul.native_dtypes = tuple(jnp.dtype(d) for d in ("float32", "float16", "bfloat16", "int32"))


def _p():
    """Rules of kc.ops._products (imported late: it imports this module)."""
    from kc.ops import _products

    return _products


def dot(x1, x2):
    x1, x2 = promote(x1, x2)
    _p().dot_shape(x1.shape, x2.shape)
    return jnp.dot(x1, x2)


def inner(x1, x2):
    x1, x2 = promote(x1, x2)
    _p().inner_shape(x1.shape, x2.shape)
    return jnp.inner(x1, x2)


def outer(x1, x2):
    return jnp.outer(*promote(x1, x2))


def tensordot(x1, x2, axes=2):
    x1, x2 = promote(x1, x2)
    _p().tensordot_shape(x1.shape, x2.shape, axes)
    return jnp.tensordot(x1, x2, _p().tensordot_axes(x1.ndim, x2.ndim, axes))


def einsum(subscripts, *operands, **kwargs):
    operands = [convert_to_tensor(x) for x in operands]
    dtype = _p().einsum_dtype(*operands)
    _p().einsum_shape(subscripts, [x.shape for x in operands])
    if dtype == "int32" and all(x.dtype == jnp.int8 for x in operands):
        return jnp.einsum(subscripts, *operands, preferred_element_type=jnp.int32)
    return jnp.einsum(subscripts, *[x.astype(to_native_dtype(dtype)) for x in operands])


def kron(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == jnp.bool_:
        return jnp.kron(x1.astype(jnp.uint8), x2.astype(jnp.uint8)).astype(jnp.bool_)
    return jnp.kron(x1, x2)


cross = cross_op(jnp, promote)  # shared with NumPy: kc/backend/common/numpy_like/products.py


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    a1, a2 = _p().diag_axes(x.ndim, axis1, axis2, "trace")
    dtype = to_native_dtype(_p().trace_dtype(dtypes.standardize_dtype(x.dtype)))
    return jnp.trace(x, offset, a1, a2, dtype=dtype)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    a1, a2 = _p().diag_axes(x.ndim, axis1, axis2, "diagonal")
    return jnp.diagonal(x, offset, a1, a2)


def vdot(x1, x2):
    x1, x2 = promote(x1, x2)
    _p().vdot.rule(x1, x2)
    return jnp.vdot(x1, x2)


def slogdet(x):
    x = convert_to_tensor(x)
    _p().check_square(x.shape, "slogdet")
    x = x.astype(to_native_dtype(_p().slogdet_dtype(dtypes.standardize_dtype(x.dtype))))
    sign, logdet = jnp.linalg.slogdet(x)
    return sign, logdet
