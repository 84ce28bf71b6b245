"""Core ops of the NumPy backend: conversion, casting, control flow."""

from __future__ import annotations

import contextlib

import ml_dtypes  # noqa: F401  (registers bfloat16 with NumPy)
import numpy as np

from kc import dtypes
from kc.backend.common.convert import python_data_dtype

_NP_DTYPES = {name: np.dtype(ml_dtypes.bfloat16 if name == "bfloat16" else name)
              for name in dtypes.ALLOWED_DTYPES if name != "string"}


def to_native_dtype(dtype) -> np.dtype:
    """kc dtype name (or anything standardize_dtype takes) -> numpy dtype."""
    return _NP_DTYPES[dtypes.standardize_dtype(dtype)]


def is_tensor(x) -> bool:
    return isinstance(x, np.ndarray)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if sparse:
        raise ValueError("convert_to_tensor: the numpy backend has no sparse tensors (sparse=True).")
    if ragged:
        raise ValueError("convert_to_tensor: the numpy backend has no ragged tensors (ragged=True).")
    if dtype is not None:
        dtype = to_native_dtype(dtype)
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    if isinstance(x, np.ndarray):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    if dtype is None and not hasattr(x, "dtype") and not hasattr(x, "__array__"):
        dtype = to_native_dtype(python_data_dtype(x))
    return np.asarray(x, dtype=dtype)


def convert_to_numpy(x) -> np.ndarray:
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    return np.asarray(x)


def device_scope(kind: str, index: int):
    if kind != "cpu":
        raise ValueError(f"device: the numpy backend runs on the CPU only, got {kind}:{index}.")
    return contextlib.nullcontext()


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
