"""Tensor products of the TensorFlow backend: matmul, dot, einsum, ..."""

from __future__ import annotations

import tensorflow as tf

from kc import dtypes
from kc.backend.tensorflow.core import convert_to_tensor, to_native_dtype
from kc.ops._rules import matmul_dtype


def matmul(x1, x2):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    out = to_native_dtype(matmul_dtype(dtypes.standardize_dtype(x1.dtype), dtypes.standardize_dtype(x2.dtype)))
    if out.is_integer and out != tf.int32 and out != tf.int64:
        compute = tf.int32 if out.size <= 4 else tf.int64
        return tf.cast(tf.linalg.matmul(tf.cast(x1, compute), tf.cast(x2, compute)), out)
    x1, x2 = tf.cast(x1, out), tf.cast(x2, out)
    if x1.shape.rank == 1 or x2.shape.rank == 1:
        return tf.experimental.numpy.matmul(x1, x2)
    return tf.linalg.matmul(x1, x2)


def _matmul_same_dtype(x1, x2):
    if x1.shape.rank >= 2 and x2.shape.rank >= 2:
        return tf.linalg.matmul(x1, x2)
    return tf.experimental.numpy.matmul(x1, x2)


matmul.native = _matmul_same_dtype
matmul.native_dtypes = (tf.float32, tf.float64, tf.float16, tf.bfloat16)
