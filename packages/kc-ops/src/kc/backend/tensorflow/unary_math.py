"""Element-wise unary math (exp/log, trigonometry, rounding, float tests) of the TensorFlow backend.

TensorFlow lacks kernels for some of these ops on unsigned ints (abs, neg,
sign) and on bfloat16 (bessel_i0), and has no exp2, cbrt, sinc, trunc or
signbit: those are written here from the ops it has, keeping gradients.
"""

from __future__ import annotations

import math

import tensorflow as tf

from kc import config
from kc.backend.tensorflow.core import convert_to_tensor, to_native_dtype

_FAST_DTYPES = (tf.float32, tf.float64, tf.float16, tf.bfloat16)
_SAME_WIDTH_INT = {tf.float16: tf.int16, tf.bfloat16: tf.int16, tf.float32: tf.int32,
                   tf.float64: tf.int64}


def _is_float(x) -> bool:
    return x.dtype.is_floating


def _is_complex(x) -> bool:
    return x.dtype.is_complex


def _is_unsigned_or_bool(x) -> bool:
    return x.dtype.is_bool or x.dtype.is_unsigned


def _tensor(x, name: str, real: bool = False) -> tf.Tensor:
    """``x`` as a tensor; TypeError for strings (and complex when ``real``)."""
    try:
        x = convert_to_tensor(x)
    except (TypeError, ValueError, KeyError) as e:
        raise TypeError(f"{name}: x must be a numeric or bool tensor, got {x!r}.") from e
    if x.dtype == tf.string:
        raise TypeError(f"{name}: x must be a numeric or bool tensor, got dtype string.")
    if real and _is_complex(x):
        raise TypeError(f"{name}: x must be real, got dtype {x.dtype.name}.")
    return x


def _float(x, name: str, real: bool = False) -> tf.Tensor:
    """``x`` as a tensor; ints and bools cast to floatx."""
    x = _tensor(x, name, real)
    if not (_is_float(x) or _is_complex(x)):
        x = tf.cast(x, to_native_dtype(config.floatx()))
    return x


def _all(x: tf.Tensor, value: bool) -> tf.Tensor:
    return tf.ones_like(x, dtype=tf.bool) if value else tf.zeros_like(x, dtype=tf.bool)


def abs(x):
    x = _tensor(x, "abs")
    return x if _is_unsigned_or_bool(x) else tf.abs(x)


def negative(x):
    x = _tensor(x, "negative")
    if x.dtype.is_bool:
        raise TypeError("negative: x must not be bool (use logical_not), got dtype bool.")
    return tf.subtract(tf.zeros_like(x), x) if x.dtype.is_unsigned else tf.negative(x)


def sign(x):
    x = _tensor(x, "sign")
    if x.dtype.is_bool:
        return x
    return tf.cast(tf.not_equal(x, 0), x.dtype) if x.dtype.is_unsigned else tf.sign(x)


def square(x):
    x = _tensor(x, "square")
    return tf.cast(x, tf.int32) if x.dtype.is_bool else tf.square(x)


def sqrt(x):
    return tf.sqrt(_float(x, "sqrt"))


def cbrt(x):
    x = _float(x, "cbrt", real=True)
    return tf.sign(x) * tf.pow(tf.abs(x), tf.constant(1.0 / 3.0, x.dtype))


def reciprocal(x):
    return tf.math.reciprocal(_float(x, "reciprocal"))


def exp(x):
    return tf.exp(_float(x, "exp"))


def exp2(x):
    x = _float(x, "exp2")
    return tf.pow(tf.constant(2, x.dtype), x)


def expm1(x):
    return tf.math.expm1(_float(x, "expm1"))


def log(x):
    return tf.math.log(_float(x, "log"))


def log2(x):
    x = _float(x, "log2")
    return tf.math.log(x) / tf.constant(math.log(2.0), x.dtype)


def log10(x):
    x = _float(x, "log10")
    return tf.math.log(x) / tf.constant(math.log(10.0), x.dtype)


def log1p(x):
    return tf.math.log1p(_float(x, "log1p"))


def sin(x):
    return tf.sin(_float(x, "sin"))


def cos(x):
    return tf.cos(_float(x, "cos"))


def tan(x):
    return tf.tan(_float(x, "tan"))


def arcsin(x):
    return tf.asin(_float(x, "arcsin"))


def arccos(x):
    return tf.acos(_float(x, "arccos"))


def arctan(x):
    return tf.atan(_float(x, "arctan"))


def sinh(x):
    return tf.sinh(_float(x, "sinh"))


def cosh(x):
    return tf.cosh(_float(x, "cosh"))


def tanh(x):
    return tf.tanh(_float(x, "tanh"))


def arcsinh(x):
    return tf.asinh(_float(x, "arcsinh"))


def arccosh(x):
    return tf.acosh(_float(x, "arccosh"))


def arctanh(x):
    return tf.atanh(_float(x, "arctanh"))


def ceil(x):
    return tf.math.ceil(_float(x, "ceil", real=True))


def floor(x):
    return tf.math.floor(_float(x, "floor", real=True))


def _round_int(x: tf.Tensor, decimals: int) -> tf.Tensor:
    """Integers to a multiple of 10**-decimals, halves to even, in integer arithmetic."""
    factor = 10 ** -decimals
    if factor > x.dtype.max:
        return tf.zeros_like(x)
    factor = tf.constant(factor, x.dtype)
    quotient = tf.math.floordiv(x, factor)
    rest = x - quotient * factor
    odd = tf.equal(tf.bitwise.bitwise_and(quotient, tf.ones_like(quotient)), 1)
    half_up = (rest > factor - rest) | ((tf.equal(rest, factor - rest)) & odd)
    return (quotient + tf.cast(half_up, x.dtype)) * factor


def _round_float(x: tf.Tensor, decimals: int) -> tf.Tensor:
    """NumPy's float rounding: scale by 10**|decimals|, round half to even, scale back."""
    if decimals == 0:
        return tf.round(x)
    if decimals > 0:
        factor = tf.constant(10.0 ** decimals, x.dtype)
        return tf.round(x * factor) / factor
    factor = tf.constant(10.0 ** -decimals, x.dtype)
    return tf.round(x / factor) * factor


def round(x, decimals=0):
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}.")
    x = _tensor(x, "round")
    if x.dtype.is_bool or (decimals >= 0 and x.dtype.is_integer):
        return x
    if _is_complex(x):
        return tf.complex(_round_float(tf.math.real(x), decimals),
                          _round_float(tf.math.imag(x), decimals))
    return _round_float(x, decimals) if _is_float(x) else _round_int(x, decimals)


def trunc(x):
    x = _tensor(x, "trunc", real=True)
    if not _is_float(x):
        return x
    return tf.where(x < 0, tf.math.ceil(x), tf.math.floor(x))


def rad2deg(x):
    x = _float(x, "rad2deg", real=True)
    return x * tf.constant(180.0 / math.pi, x.dtype)


def deg2rad(x):
    x = _float(x, "deg2rad", real=True)
    return x * tf.constant(math.pi / 180.0, x.dtype)


def sinc(x):
    x = _float(x, "sinc")
    is_zero = tf.equal(x, tf.zeros_like(x))
    scaled = tf.where(is_zero, tf.ones_like(x), x) * tf.constant(math.pi, x.dtype)
    return tf.where(is_zero, tf.ones_like(x), tf.sin(scaled) / scaled)


def i0(x):
    x = _float(x, "i0", real=True)
    if x.dtype.size < 4:  # no bfloat16 kernel; float16 is more accurate in float32 too
        return tf.cast(tf.math.bessel_i0(tf.cast(x, tf.float32)), x.dtype)
    return tf.math.bessel_i0(x)


def fabs(x):
    return tf.abs(_float(x, "fabs", real=True))


def signbit(x):
    x = _tensor(x, "signbit", real=True)
    if _is_unsigned_or_bool(x):
        return _all(x, False)
    if _is_float(x):
        return tf.bitcast(x, _SAME_WIDTH_INT[x.dtype]) < 0
    return x < 0


def _complex_any(fn, x: tf.Tensor) -> tf.Tensor:
    return tf.logical_or(fn(tf.math.real(x)), fn(tf.math.imag(x)))


def isfinite(x):
    x = _tensor(x, "isfinite")
    if _is_complex(x):
        return tf.logical_not(_complex_any(lambda t: tf.logical_not(tf.math.is_finite(t)), x))
    return tf.math.is_finite(x) if _is_float(x) else _all(x, True)


def isinf(x):
    x = _tensor(x, "isinf")
    if _is_complex(x):
        return _complex_any(tf.math.is_inf, x)
    return tf.math.is_inf(x) if _is_float(x) else _all(x, False)


def isnan(x):
    x = _tensor(x, "isnan")
    if _is_complex(x):
        return _complex_any(tf.math.is_nan, x)
    return tf.math.is_nan(x) if _is_float(x) else _all(x, False)


def isneginf(x):
    x = _tensor(x, "isneginf", real=True)
    return tf.equal(x, tf.constant(-math.inf, x.dtype)) if _is_float(x) else _all(x, False)


def isposinf(x):
    x = _tensor(x, "isposinf", real=True)
    return tf.equal(x, tf.constant(math.inf, x.dtype)) if _is_float(x) else _all(x, False)


def isreal(x):
    x = _tensor(x, "isreal")
    return tf.equal(tf.math.imag(x), 0) if _is_complex(x) else _all(x, True)


def _nan_to_num_real(x: tf.Tensor, nan, posinf, neginf) -> tf.Tensor:
    def fill(value, default):
        return tf.constant(default if value is None else value, x.dtype)

    x = tf.where(tf.math.is_nan(x), fill(nan, 0.0), x)
    x = tf.where(tf.equal(x, math.inf), fill(posinf, x.dtype.max), x)
    return tf.where(tf.equal(x, -math.inf), fill(neginf, x.dtype.min), x)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _tensor(x, "nan_to_num")
    if _is_complex(x):
        return tf.complex(_nan_to_num_real(tf.math.real(x), nan, posinf, neginf),
                          _nan_to_num_real(tf.math.imag(x), nan, posinf, neginf))
    return _nan_to_num_real(x, nan, posinf, neginf) if _is_float(x) else x


def real(x):
    x = _tensor(x, "real")
    return tf.math.real(x) if _is_complex(x) else x


def imag(x):
    x = _tensor(x, "imag")
    return tf.math.imag(x) if _is_complex(x) else tf.zeros_like(x)


def conj(x):
    x = _tensor(x, "conj")
    return tf.math.conj(x) if _is_complex(x) else x


def angle(x):
    x = _tensor(x, "angle")
    if _is_complex(x):
        return tf.math.angle(x)
    x = _float(x, "angle")
    return tf.atan2(tf.zeros_like(x), x)


for _fn, _native in ((abs, tf.abs), (negative, tf.negative), (square, tf.square),
                     (sqrt, tf.sqrt), (exp, tf.exp), (log, tf.math.log), (sin, tf.sin),
                     (cos, tf.cos), (tanh, tf.tanh)):
    _fn.native = _native
    _fn.native_dtypes = _FAST_DTYPES
