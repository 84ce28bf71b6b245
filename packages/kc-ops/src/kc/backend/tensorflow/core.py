"""Core ops of the TensorFlow backend: conversion, casting, control flow, devices."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from kc import dtypes
from kc.backend.common.convert import python_data_dtype

_TF_DTYPES = {name: tf.as_dtype(name) for name in dtypes.ALLOWED_DTYPES}


def to_native_dtype(dtype) -> tf.DType:
    """kc dtype name (or anything standardize_dtype takes) -> tf.DType."""
    return _TF_DTYPES[dtypes.standardize_dtype(dtype)]


def is_tensor(x) -> bool:
    return tf.is_tensor(x)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    if dtype is not None:
        dtype = to_native_dtype(dtype)
    if tf.is_tensor(x):
        if isinstance(x, tf.SparseTensor) and sparse is False:
            x = tf.sparse.to_dense(x)
        elif isinstance(x, tf.RaggedTensor) and ragged is False:
            x = x.to_tensor()
        return x if dtype is None or x.dtype == dtype else tf.cast(x, dtype)
    if dtype is None and not hasattr(x, "dtype") and not hasattr(x, "__array__"):
        dtype = to_native_dtype(python_data_dtype(x))
    if isinstance(x, np.ndarray) and x.dtype.name == "bfloat16":
        return tf.cast(tf.convert_to_tensor(x.astype(np.float32)), dtype or tf.bfloat16)
    return tf.convert_to_tensor(x, dtype=dtype)


def convert_to_numpy(x) -> np.ndarray:
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    if isinstance(x, tf.SparseTensor):
        x = tf.sparse.to_dense(x)
    elif isinstance(x, tf.RaggedTensor):
        x = x.to_tensor()
    return np.asarray(x)


def device_scope(kind: str, index: int):
    return tf.device(f"/{kind.upper()}:{index}")


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
