"""Tensor products of the NumPy backend: matmul, dot, einsum, ..."""

from __future__ import annotations

import numpy as np

from kc.backend.numpy.core import convert_to_tensor
from kc.ops._rules import matmul_dtype


def matmul(x1, x2):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    dtype = matmul_dtype(str(x1.dtype), str(x2.dtype))
    if dtype == "int32" and x1.dtype == np.int8:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    else:
        x1, x2 = x1.astype(dtype, copy=False), x2.astype(dtype, copy=False)
    return np.matmul(x1, x2)


matmul.native = np.matmul
matmul.native_dtypes = tuple(np.dtype(d) for d in ("float32", "float64", "float16", "int32", "int64"))
