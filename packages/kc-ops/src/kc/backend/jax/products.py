"""Tensor products of the JAX backend: matmul, dot, einsum, ..."""

from __future__ import annotations

import jax.numpy as jnp

from kc import dtypes
from kc.backend.jax.core import convert_to_tensor, to_native_dtype
from kc.ops._rules import matmul_dtype


def matmul(x1, x2):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    out = matmul_dtype(dtypes.standardize_dtype(x1.dtype), dtypes.standardize_dtype(x2.dtype))
    if out == "int32" and x1.dtype == jnp.int8:
        return jnp.matmul(x1, x2, preferred_element_type=jnp.int32)
    return jnp.matmul(x1.astype(to_native_dtype(out)), x2.astype(to_native_dtype(out)))


matmul.native = jnp.matmul
matmul.native_dtypes = tuple(jnp.dtype(d) for d in ("float32", "float16", "bfloat16", "int32"))
