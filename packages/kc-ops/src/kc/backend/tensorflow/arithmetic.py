"""Element-wise binary ops (arithmetic, comparison, logic, bitwise) of the TensorFlow backend.

Each op converts its inputs to the dtype `kc.ops._rules.binary_dtype` gives and calls
TensorFlow; everything works eagerly and inside `tf.function`. TensorFlow lacks some
kernels (bool arithmetic, unsigned pow, 8/16-bit truncatemod, 16-bit nextafter, hypot,
logaddexp, gcd): those compute through other ops or in a wider dtype.
"""

from __future__ import annotations

import math

import tensorflow as tf
from tensorflow.python.ops import gen_math_ops

from kc.backend.tensorflow.core import (
    convert_to_tensor,
    promote,
    reading_variables,
    to_native_dtype,
)
from kc.ops._rules import binary_dtype, clip_dtypes, ldexp_dtype, reraise_broadcast

_SCALARS = (bool, int, float, complex)
_ERRORS = (tf.errors.InvalidArgumentError, ValueError)
_HALF = (tf.float16, tf.bfloat16)
_FLOATS = (tf.float32, tf.float64, tf.float16, tf.bfloat16)
_NUMBERS = _FLOATS + (tf.int32, tf.int64, tf.int8, tf.int16, tf.uint8, tf.uint16, tf.uint32,
                      tf.uint64, tf.complex64, tf.complex128)


def _binary(name: str, fn, x1, x2):
    """``fn`` on x1, x2 converted to the op's compute dtype; broadcast errors name the op."""
    x1, x2 = (x if isinstance(x, _SCALARS) else convert_to_tensor(x) for x in (x1, x2))
    a, b = promote(x1, x2, dtype=binary_dtype(name, x1, x2))
    try:
        return fn(a, b)
    except _ERRORS as e:
        reraise_broadcast(name, e, a, b)
        raise


def _or_logical(fn, logical):
    """``fn``, or ``logical`` for bool tensors (TensorFlow has no bool arithmetic)."""
    return lambda a, b: logical(a, b) if a.dtype == tf.bool else fn(a, b)


def _in(dtype, fn, *xs):
    """``fn`` computed in ``dtype`` and cast back to the inputs' dtype."""
    return tf.cast(fn(*(tf.cast(x, dtype) for x in xs)), xs[0].dtype)


def _wide_float(fn, *xs):
    """``fn`` with float16/bfloat16 computed in float32."""
    return _in(tf.float32, fn, *xs) if xs[0].dtype in _HALF else fn(*xs)


def add(x1, x2):
    return _binary("add", _or_logical(tf.add, tf.logical_or), x1, x2)


def subtract(x1, x2):
    return _binary("subtract", tf.subtract, x1, x2)


def multiply(x1, x2):
    return _binary("multiply", _or_logical(tf.multiply, tf.logical_and), x1, x2)


def divide(x1, x2):
    return _binary("divide", tf.math.truediv, x1, x2)


def true_divide(x1, x2):
    return _binary("true_divide", tf.math.truediv, x1, x2)


def divide_no_nan(x1, x2):
    return _binary("divide_no_nan", tf.math.divide_no_nan, x1, x2)


def floor_divide(x1, x2):
    return _binary("floor_divide", tf.math.floordiv, x1, x2)


def mod(x1, x2):
    return _binary("mod", tf.math.floormod, x1, x2)  # sign of the divisor, like NumPy


def _fmod(a, b):
    if a.dtype in (tf.int8, tf.int16, tf.uint8, tf.uint16):
        return _in(tf.int32, tf.truncatemod, a, b)
    if a.dtype in (tf.uint32, tf.uint64):
        return _in(tf.int64, tf.truncatemod, a, b)
    return _wide_float(tf.truncatemod, a, b)


def fmod(x1, x2):
    return _binary("fmod", _fmod, x1, x2)


def _int_power(a, b):
    """Integer power; negative exponents truncate toward zero (as jax and torch do)."""
    negative = b < 0
    whole = tf.pow(a, tf.where(negative, tf.zeros_like(b), b))
    odd = tf.math.floormod(b, 2) != 0
    one = tf.ones_like(a)
    fraction = tf.where(a == 1, one, tf.where(a == -1, tf.where(odd, -one, one), tf.zeros_like(a)))
    return tf.where(negative, fraction, whole)


def _power(a, b):
    if a.dtype.is_floating or a.dtype.is_complex:
        return tf.pow(a, b)
    if a.dtype.is_unsigned:  # no unsigned kernels; exponents are >= 0
        return _in(tf.int64, tf.pow, a, b)
    return _int_power(a, b)


def power(x1, x2):
    return _binary("power", _power, x1, x2)


def maximum(x1, x2):
    return _binary("maximum", _or_logical(tf.maximum, tf.logical_or), x1, x2)


def minimum(x1, x2):
    return _binary("minimum", _or_logical(tf.minimum, tf.logical_and), x1, x2)


def _ignoring_nan(fn):
    """``fn`` that returns the other argument where one is NaN (fmax, fmin)."""

    def apply(a, b):
        if not a.dtype.is_floating:
            return fn(a, b)
        a, b = tf.where(tf.math.is_nan(a), b, a), tf.where(tf.math.is_nan(b), a, b)
        return fn(a, b)

    return apply


def fmax(x1, x2):
    return _binary("fmax", _ignoring_nan(_or_logical(tf.maximum, tf.logical_or)), x1, x2)


def fmin(x1, x2):
    return _binary("fmin", _ignoring_nan(_or_logical(tf.minimum, tf.logical_and)), x1, x2)


def hypot(x1, x2):
    return _binary("hypot", lambda a, b: _wide_float(lambda p, q: tf.sqrt(p * p + q * q), a, b),
                   x1, x2)


def arctan2(x1, x2):
    return _binary("arctan2", tf.math.atan2, x1, x2)


def _logaddexp(a, b, log_of_2=math.log(2.0)):
    """``log(exp(a) + exp(b))``; equal arguments (infinities included) give ``a + log 2``."""
    big = tf.maximum(a, b)
    return tf.where(a == b, a + log_of_2, big + tf.math.log1p(tf.exp(-tf.abs(a - b))))


def logaddexp(x1, x2):
    return _binary("logaddexp", _logaddexp, x1, x2)


def logaddexp2(x1, x2):
    ln2 = math.log(2.0)
    return _binary("logaddexp2", lambda a, b: _logaddexp(a * ln2, b * ln2) / ln2, x1, x2)


def _heaviside(a, b):
    step = tf.where(a < 0, tf.zeros_like(a), tf.where(a > 0, tf.ones_like(a), b))
    return tf.where(tf.math.is_nan(a), a, step)


def heaviside(x1, x2):
    return _binary("heaviside", _heaviside, x1, x2)


def _nextafter(a, b):
    if a.dtype not in _HALF:
        return tf.math.nextafter(a, b)
    # No 16-bit kernel: step the bits (sign-magnitude: +1 moves away from zero).
    shape = tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(b))
    a, b = tf.broadcast_to(a, shape), tf.broadcast_to(b, shape)
    bits = tf.bitcast(a, tf.int16)
    away = tf.equal(b > a, a > 0)
    stepped = tf.bitcast(bits + tf.where(away, tf.ones_like(bits), -tf.ones_like(bits)), a.dtype)
    tiny = tf.bitcast(tf.where(b > 0, tf.ones_like(bits), tf.fill(shape, tf.constant(-32767, tf.int16))),
                      a.dtype)  # +-smallest subnormal
    out = tf.where(a == 0, tiny, stepped)
    out = tf.where(a == b, b, out)
    return tf.where(tf.math.is_nan(a) | tf.math.is_nan(b), a + b, out)


def nextafter(x1, x2):
    return _binary("nextafter", _nextafter, x1, x2)


def ldexp(x1, x2):
    dtype = to_native_dtype(ldexp_dtype(x1, x2))
    x1, x2 = convert_to_tensor(x1, dtype), convert_to_tensor(x2, "int32")

    def scale(m):
        return m * tf.pow(tf.constant(2.0, m.dtype), tf.cast(x2, m.dtype))

    try:
        return _wide_float(scale, x1)
    except _ERRORS as e:
        reraise_broadcast("ldexp", e, x1, x2)
        raise


def _gcd(a, b):
    """Euclid's algorithm on |a|, |b| in a `tf.while_loop` (works in graphs)."""
    if not a.dtype.is_unsigned:
        a, b = tf.abs(a), tf.abs(b)
    shape = tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(b))
    a, b = tf.broadcast_to(a, shape), tf.broadcast_to(b, shape)

    def step(a, b):
        zero = b == 0
        safe = tf.where(zero, tf.ones_like(b), b)
        return tf.where(zero, a, b), tf.where(zero, b, tf.math.floormod(a, safe))

    return tf.while_loop(lambda a, b: tf.reduce_any(b != 0), step, (a, b))[0]


def _lcm(a, b):
    g = _gcd(a, b)
    safe = tf.where(g == 0, tf.ones_like(g), g)
    out = tf.math.floordiv(a, safe) * b
    return tf.where(g == 0, tf.zeros_like(out), out if a.dtype.is_unsigned else tf.abs(out))


def gcd(x1, x2):
    return _binary("gcd", _gcd, x1, x2)


def lcm(x1, x2):
    return _binary("lcm", _lcm, x1, x2)


def _ordered(fn):
    """A comparison that also orders bools (False < True), which TensorFlow cannot."""
    return lambda a, b: fn(tf.cast(a, tf.int8), tf.cast(b, tf.int8)) if a.dtype == tf.bool else fn(a, b)


def equal(x1, x2):
    return _binary("equal", tf.equal, x1, x2)


def not_equal(x1, x2):
    return _binary("not_equal", tf.not_equal, x1, x2)


def less(x1, x2):
    return _binary("less", _ordered(tf.less), x1, x2)


def less_equal(x1, x2):
    return _binary("less_equal", _ordered(tf.less_equal), x1, x2)


def greater(x1, x2):
    return _binary("greater", _ordered(tf.greater), x1, x2)


def greater_equal(x1, x2):
    return _binary("greater_equal", _ordered(tf.greater_equal), x1, x2)


def _isclose(a, b, rtol, atol, equal_nan):
    finite = tf.math.is_finite(a) & tf.math.is_finite(b)
    close = (a == b) | (finite & (tf.abs(a - b) <= atol + rtol * tf.abs(b)))
    if equal_nan:
        close = close | (tf.math.is_nan(a) & tf.math.is_nan(b))
    return close


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _binary("isclose", lambda a, b: _isclose(a, b, rtol, atol, equal_nan), x1, x2)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return tf.reduce_all(isclose(x1, x2, rtol, atol, equal_nan))


def logical_and(x1, x2):
    return _binary("logical_and", tf.logical_and, x1, x2)


def logical_or(x1, x2):
    return _binary("logical_or", tf.logical_or, x1, x2)


def logical_xor(x1, x2):
    return _binary("logical_xor", tf.math.logical_xor, x1, x2)


def logical_not(x):
    return tf.logical_not(convert_to_tensor(x, "bool"))


def bitwise_and(x, y):
    return _binary("bitwise_and", _or_logical(tf.bitwise.bitwise_and, tf.logical_and), x, y)


def bitwise_or(x, y):
    return _binary("bitwise_or", _or_logical(tf.bitwise.bitwise_or, tf.logical_or), x, y)


def bitwise_xor(x, y):
    return _binary("bitwise_xor", _or_logical(tf.bitwise.bitwise_xor, tf.math.logical_xor), x, y)


def bitwise_invert(x):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        return tf.logical_not(x)
    if not x.dtype.is_integer:
        raise TypeError(f"bitwise_invert: x must be an integer or bool tensor, got dtype {x.dtype.name}.")
    return tf.bitwise.invert(x)


def bitwise_left_shift(x, y):
    return _binary("bitwise_left_shift", tf.bitwise.left_shift, x, y)


def bitwise_right_shift(x, y):
    return _binary("bitwise_right_shift", tf.bitwise.right_shift, x, y)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    out, compute = clip_dtypes(x, x_min, x_max)
    result = tf.cast(x, to_native_dtype(compute))
    try:
        if x_min is not None:
            result = tf.maximum(result, convert_to_tensor(x_min, compute))
        if x_max is not None:
            result = tf.minimum(result, convert_to_tensor(x_max, compute))
    except _ERRORS as e:
        reraise_broadcast("clip", e, *(b for b in (x, x_min, x_max) if b is not None))
        raise
    return tf.cast(result, to_native_dtype(out))


# Fast paths take the kernels directly (tf.add & co. spend ~2x the kernel call in Python);
# the same kernels those functions call for these dtypes.
add.native = reading_variables(gen_math_ops.add_v2)
add.native_dtypes = _NUMBERS
subtract.native = reading_variables(gen_math_ops.sub)
subtract.native_dtypes = _NUMBERS
multiply.native = reading_variables(gen_math_ops.mul)
multiply.native_dtypes = _NUMBERS
divide.native = true_divide.native = reading_variables(gen_math_ops.real_div)
divide.native_dtypes = true_divide.native_dtypes = _FLOATS
