"""Core ops of the JAX backend: conversion, casting, control flow, devices.

JAX runs without 64-bit types unless ``JAX_ENABLE_X64=1`` (as in Keras 3):
int64/uint64/float64/complex128 tensors become their 32-bit forms.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from kc import dtypes
from kc.backend.common.convert import python_data_dtype

_JAX_DTYPES = {name: jnp.dtype(name) for name in dtypes.ALLOWED_DTYPES if name != "string"}


def to_native_dtype(dtype):
    """kc dtype name (or anything standardize_dtype takes) -> jax dtype."""
    return _JAX_DTYPES[dtypes.standardize_dtype(dtype)]


def is_tensor(x) -> bool:
    return isinstance(x, jax.Array)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if ragged:
        raise ValueError("convert_to_tensor: the jax backend has no ragged tensors (ragged=True).")
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    if dtype is not None:
        dtype = to_native_dtype(dtype)
    if isinstance(x, jax.Array):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    if dtype is None and not hasattr(x, "dtype") and not hasattr(x, "__array__"):
        dtype = to_native_dtype(python_data_dtype(x))
    return jnp.asarray(x, dtype=dtype)


def convert_to_numpy(x) -> np.ndarray:
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    return np.asarray(x)


def device_scope(kind: str, index: int):
    try:
        dev = jax.devices(kind)[index]
    except (RuntimeError, IndexError) as e:
        raise ValueError(f"device: jax has no device {kind}:{index} ({e}).") from e
    return jax.default_device(dev)


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
