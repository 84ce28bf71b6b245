"""Tensor products of the TensorFlow backend: matmul, dot, einsum, ..."""

from __future__ import annotations

import tensorflow as tf
from tensorflow.python.ops import gen_math_ops

from kc import dtypes
from kc.backend.tensorflow.core import (
    convert_to_tensor,
    promote,
    reading_variables,
    to_native_dtype,
)
from kc.ops._rules import matmul_dtype


def matmul(x1, x2):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    out = matmul_dtype(dtypes.standardize_dtype(x1.dtype), dtypes.standardize_dtype(x2.dtype))
    return _computed(_matmul_same_dtype, [x1, x2], out)


def _matmul_same_dtype(x1, x2):
    if x1.shape.rank >= 2 and x2.shape.rank >= 2:
        return tf.linalg.matmul(x1, x2)
    return tf.experimental.numpy.matmul(x1, x2)


def _matmul_native(x1, x2):
    # Rank 2: the MatMul kernel itself (tf.linalg.matmul's Python costs ~2x the kernel call).
    if x1.shape.rank == 2 and x2.shape.rank == 2:
        return gen_math_ops.mat_mul(x1, x2)
    return _matmul_same_dtype(x1, x2)


matmul.native = reading_variables(_matmul_native)
matmul.native_dtypes = (tf.float32, tf.float64, tf.float16, tf.bfloat16)


def _p():
    """Rules of kc.ops._products (imported late: it imports this module)."""
    from kc.ops import _products

    return _products


def _shape(x) -> tuple:
    return tuple(x.shape.as_list())


def _computed(fn, xs, out: str):
    """Run ``fn`` on ``xs`` in a dtype tf supports, then give the result dtype ``out``.

    tf has no products of small ints or bools: ints run in int64 and wrap
    back on the cast, bools as "any" over int32.
    """
    native = to_native_dtype(out)
    if native.is_floating or native.is_complex:
        return fn(*[tf.cast(x, native) for x in xs])
    compute = tf.int32 if native == tf.bool else tf.int64
    r = fn(*[tf.cast(x, compute) for x in xs])
    return tf.not_equal(r, 0) if native == tf.bool else tf.cast(r, native)


def _pair(x1, x2):
    x1, x2 = promote(x1, x2)
    return x1, x2, dtypes.standardize_dtype(x1.dtype)


def dot(x1, x2):
    x1, x2, out = _pair(x1, x2)
    _p().dot_shape(_shape(x1), _shape(x2))
    if x1.ndim == 0 or x2.ndim == 0:
        return _computed(tf.multiply, [x1, x2], out)
    dims = [[x1.ndim - 1], [0 if x2.ndim == 1 else x2.ndim - 2]]
    return _computed(lambda a, b: tf.tensordot(a, b, dims), [x1, x2], out)


def inner(x1, x2):
    x1, x2, out = _pair(x1, x2)
    _p().inner_shape(_shape(x1), _shape(x2))
    if x1.ndim == 0 or x2.ndim == 0:
        return _computed(tf.multiply, [x1, x2], out)
    return _computed(lambda a, b: tf.tensordot(a, b, [[x1.ndim - 1], [x2.ndim - 1]]), [x1, x2], out)


def outer(x1, x2):
    x1, x2, out = _pair(x1, x2)
    return _computed(lambda a, b: tf.reshape(a, [-1, 1]) * tf.reshape(b, [1, -1]), [x1, x2], out)


def tensordot(x1, x2, axes=2):
    x1, x2, out = _pair(x1, x2)
    _p().tensordot_shape(_shape(x1), _shape(x2), axes)
    dims = [list(a) for a in _p().tensordot_axes(x1.ndim, x2.ndim, axes)]
    return _computed(lambda a, b: tf.tensordot(a, b, dims), [x1, x2], out)


def einsum(subscripts, *operands, **kwargs):
    operands = [convert_to_tensor(x) for x in operands]
    _p().einsum_shape(subscripts, [_shape(x) for x in operands])
    return _computed(lambda *xs: tf.einsum(subscripts, *xs), operands, _p().einsum_dtype(*operands))


def kron(x1, x2):
    x1, x2, out = _pair(x1, x2)
    n = max(x1.ndim, x2.ndim)
    s1, s2 = (1,) * (n - x1.ndim) + _shape(x1), (1,) * (n - x2.ndim) + _shape(x2)
    a = tf.reshape(x1, [d for s in s1 for d in (s, 1)])
    b = tf.reshape(x2, [d for s in s2 for d in (1, s)])
    return _computed(lambda u, v: tf.reshape(u * v, [i * j for i, j in zip(s1, s2)]), [a, b], out)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2, out = _pair(x1, x2)
    p = _p()
    p.check_cross_dtype(x1, x2)
    p.cross_shape(_shape(x1), _shape(x2), axisa, axisb, axisc, axis)
    a, b, c = p.cross_axes(x1.ndim, x2.ndim, axisa, axisb, axisc, axis)
    x1, x2 = tf.experimental.numpy.moveaxis(x1, a, -1), tf.experimental.numpy.moveaxis(x2, b, -1)
    planar = x1.shape[-1] == 2 and x2.shape[-1] == 2
    u, v = _to3(x1), _to3(x2)
    r = tf.stack([u[..., 1] * v[..., 2] - u[..., 2] * v[..., 1],
                  u[..., 2] * v[..., 0] - u[..., 0] * v[..., 2],
                  u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]], -1)
    return r[..., 2] if planar else tf.experimental.numpy.moveaxis(r, -1, c)


def _to3(v):
    """2-component vectors get a zero z component."""
    return tf.concat([v, tf.zeros_like(v[..., :1])], -1) if v.shape[-1] == 2 else v


def _diagonal(x, offset, a1, a2):
    rest = [i for i in range(x.ndim) if i not in (a1, a2)]
    x = tf.transpose(x, rest + [a1, a2])
    length = _p().diagonal_shape(_shape(x), offset, -2, -1)[-1]
    if length == 0:
        return tf.zeros(tf.concat([tf.shape(x)[:-2], [0]], 0), x.dtype)
    if x.dtype == tf.bool:
        return tf.cast(tf.linalg.diag_part(tf.cast(x, tf.uint8), k=offset), tf.bool)
    return tf.linalg.diag_part(x, k=offset)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    a1, a2 = _p().diag_axes(x.ndim, axis1, axis2, "diagonal")
    return _diagonal(x, offset, a1, a2)


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    a1, a2 = _p().diag_axes(x.ndim, axis1, axis2, "trace")
    out = to_native_dtype(_p().trace_dtype(dtypes.standardize_dtype(x.dtype)))
    d = _diagonal(x, offset, a1, a2)
    if out.is_floating or out.is_complex:
        return tf.reduce_sum(tf.cast(d, out), -1)
    return tf.cast(tf.reduce_sum(tf.cast(d, tf.int64), -1), out)


def vdot(x1, x2):
    x1, x2, out = _pair(x1, x2)
    _p().vdot.rule(x1, x2)
    conj = tf.math.conj if x1.dtype.is_complex else (lambda t: t)
    return _computed(lambda a, b: tf.reduce_sum(tf.reshape(conj(a), [-1]) * tf.reshape(b, [-1])), [x1, x2], out)


def slogdet(x):
    x = convert_to_tensor(x)
    _p().check_square(_shape(x), "slogdet")
    x = tf.cast(x, to_native_dtype(_p().slogdet_dtype(dtypes.standardize_dtype(x.dtype))))
    sign, logdet = tf.linalg.slogdet(x)
    return sign, logdet
