"""Core ops of the PyTorch backend: conversion, casting, control flow, devices."""

from __future__ import annotations

import contextlib

import numpy as np
import torch

from kc import dtypes
from kc.backend.common import scopes
from kc.backend.common.convert import python_data_dtype

_TORCH_DTYPES = {
    "bool": torch.bool, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32,
    "int64": torch.int64, "uint8": torch.uint8, "uint16": torch.uint16, "uint32": torch.uint32,
    "uint64": torch.uint64, "bfloat16": torch.bfloat16, "float16": torch.float16,
    "float32": torch.float32, "float64": torch.float64, "complex64": torch.complex64,
    "complex128": torch.complex128,
}

DEFAULT_DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


def to_native_dtype(dtype) -> torch.dtype:
    """kc dtype name (or anything standardize_dtype takes) -> torch dtype."""
    name = dtypes.standardize_dtype(dtype)
    try:
        return _TORCH_DTYPES[name]
    except KeyError:
        raise ValueError(f"the torch backend has no dtype {name!r}.") from None


def get_device() -> str:
    """The device new tensors go to: the innermost kc.device scope, else CUDA if present."""
    scope = scopes.current("device")
    if scope is None:
        return DEFAULT_DEVICE
    return "cpu" if scope.kind == "cpu" else f"cuda:{scope.index}"


def is_tensor(x) -> bool:
    return torch.is_tensor(x)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if ragged:
        raise ValueError("convert_to_tensor: the torch backend has no ragged tensors (ragged=True).")
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    if dtype is not None:
        dtype = to_native_dtype(dtype)
    if isinstance(x, torch.Tensor):
        if dtype is not None and x.dtype != dtype:
            x = x.to(dtype)
        return x
    device = get_device()
    if isinstance(x, np.ndarray) or hasattr(x, "__array__") and not isinstance(x, (list, tuple)):
        x = np.asarray(x)
        if x.dtype.name == "bfloat16":
            return torch.from_numpy(x.astype(np.float32)).to(device=device, dtype=dtype or torch.bfloat16)
        if dtype is None and x.dtype.kind == "U":
            raise TypeError("convert_to_tensor: the torch backend cannot hold strings.")
        return torch.as_tensor(x, dtype=dtype, device=device)
    if dtype is None:
        dtype = to_native_dtype(python_data_dtype(x))
    if isinstance(x, (list, tuple)) and any(isinstance(t, torch.Tensor) for t in x):
        return torch.stack([convert_to_tensor(t, dtype) for t in x])
    return torch.as_tensor(x, dtype=dtype, device=device)


def convert_to_numpy(x) -> np.ndarray:
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            import ml_dtypes

            return x.float().cpu().numpy().astype(ml_dtypes.bfloat16)
        return x.cpu().numpy()
    return np.asarray(x)


def device_scope(kind: str, index: int):
    if kind == "gpu" and not torch.cuda.is_available():
        raise ValueError(f"device: no CUDA device is available for gpu:{index}.")
    if kind == "tpu":
        raise ValueError("device: the torch backend has no TPU support.")
    return contextlib.nullcontext()  # get_device() reads the kc scope stack


class Variable:  # replaced by the full implementation in variables.py
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("kc.Variable is not implemented yet")


_SCALARS = (bool, int, float, complex)


def promote(*xs, dtype=None):
    """Convert ``xs`` to tensors of their kc result dtype (or ``dtype``).

    Python scalars are weak: ``promote(float16_tensor, 1.0)`` stays float16.
    """
    xs = [x if isinstance(x, _SCALARS) or is_tensor(x) else convert_to_tensor(x) for x in xs]
    if dtype is None:
        dtype = dtypes.result_type(*xs)
    return [convert_to_tensor(x, dtype) for x in xs]
