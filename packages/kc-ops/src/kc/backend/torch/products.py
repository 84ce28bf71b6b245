"""Tensor products of the PyTorch backend: matmul, dot, einsum, ..."""

from __future__ import annotations

import torch

from kc.backend.torch.core import convert_to_tensor, to_native_dtype
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
