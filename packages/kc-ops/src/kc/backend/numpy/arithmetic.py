"""Element-wise binary ops (arithmetic, comparison, logic, bitwise) of the NumPy backend.

Each op converts its inputs to the dtype `kc.ops._rules.binary_dtype` gives and calls
the NumPy ufunc (0-d results stay arrays). NumPy's floating-point warnings are off.
"""

from __future__ import annotations

import numpy as np

from kc.backend.numpy.core import convert_to_tensor, promote, to_native_dtype
from kc.ops._rules import binary_dtype, clip_dtypes, ldexp_dtype, reraise_broadcast

_SCALARS = (bool, int, float, complex)
_FLOATS = tuple(np.dtype(d) for d in ("float32", "float64", "float16")) + (to_native_dtype("bfloat16"),)
_NUMBERS = _FLOATS + tuple(np.dtype(d) for d in (
    "int32", "int64", "int8", "int16", "uint8", "uint16", "uint32", "uint64", "complex64", "complex128"))


def _binary(name: str, fn, x1, x2):
    """``fn`` on x1, x2 converted to the op's compute dtype; broadcast errors name the op."""
    x1, x2 = (x if isinstance(x, _SCALARS) else convert_to_tensor(x) for x in (x1, x2))
    a, b = promote(x1, x2, dtype=binary_dtype(name, x1, x2))
    try:
        with np.errstate(all="ignore"):
            return np.asarray(fn(a, b))
    except ValueError as e:
        reraise_broadcast(name, e, a, b)
        raise


def add(x1, x2):
    return _binary("add", np.add, x1, x2)


def subtract(x1, x2):
    return _binary("subtract", np.subtract, x1, x2)


def multiply(x1, x2):
    return _binary("multiply", np.multiply, x1, x2)


def divide(x1, x2):
    return _binary("divide", np.true_divide, x1, x2)


def true_divide(x1, x2):
    return _binary("true_divide", np.true_divide, x1, x2)


def _divide_no_nan(a, b):
    zero = b == 0
    return np.where(zero, np.zeros((), a.dtype), a / np.where(zero, np.ones((), b.dtype), b))


def divide_no_nan(x1, x2):
    return _binary("divide_no_nan", _divide_no_nan, x1, x2)


def floor_divide(x1, x2):
    return _binary("floor_divide", np.floor_divide, x1, x2)


def mod(x1, x2):
    return _binary("mod", np.mod, x1, x2)


def fmod(x1, x2):
    return _binary("fmod", np.fmod, x1, x2)


def _power(a, b):
    if a.dtype.kind not in "iu":
        return np.power(a, b)
    negative = b < 0
    whole = np.power(a, np.where(negative, np.zeros((), b.dtype), b))
    # a ** -n truncated toward zero: 1 for a == 1, +-1 for a == -1, else 0.
    odd = (b % 2) != 0
    fraction = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0)).astype(a.dtype)
    return np.where(negative, fraction, whole)


def power(x1, x2):
    return _binary("power", _power, x1, x2)


def maximum(x1, x2):
    return _binary("maximum", np.maximum, x1, x2)


def minimum(x1, x2):
    return _binary("minimum", np.minimum, x1, x2)


def fmax(x1, x2):
    return _binary("fmax", np.fmax, x1, x2)


def fmin(x1, x2):
    return _binary("fmin", np.fmin, x1, x2)


def hypot(x1, x2):
    return _binary("hypot", np.hypot, x1, x2)


def arctan2(x1, x2):
    return _binary("arctan2", np.arctan2, x1, x2)


def logaddexp(x1, x2):
    return _binary("logaddexp", np.logaddexp, x1, x2)


def logaddexp2(x1, x2):
    return _binary("logaddexp2", np.logaddexp2, x1, x2)


def heaviside(x1, x2):
    return _binary("heaviside", np.heaviside, x1, x2)


def nextafter(x1, x2):
    return _binary("nextafter", np.nextafter, x1, x2)


def ldexp(x1, x2):
    dtype = to_native_dtype(ldexp_dtype(x1, x2))
    x1, x2 = convert_to_tensor(x1, dtype), convert_to_tensor(x2, "int32")
    try:
        with np.errstate(all="ignore"):
            return np.asarray(np.ldexp(x1, x2)).astype(dtype, copy=False)
    except ValueError as e:
        reraise_broadcast("ldexp", e, x1, x2)
        raise


def gcd(x1, x2):
    return _binary("gcd", np.gcd, x1, x2)


def lcm(x1, x2):
    return _binary("lcm", np.lcm, x1, x2)


def equal(x1, x2):
    return _binary("equal", np.equal, x1, x2)


def not_equal(x1, x2):
    return _binary("not_equal", np.not_equal, x1, x2)


def less(x1, x2):
    return _binary("less", np.less, x1, x2)


def less_equal(x1, x2):
    return _binary("less_equal", np.less_equal, x1, x2)


def greater(x1, x2):
    return _binary("greater", np.greater, x1, x2)


def greater_equal(x1, x2):
    return _binary("greater_equal", np.greater_equal, x1, x2)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _binary("isclose", lambda a, b: np.isclose(a, b, rtol, atol, equal_nan), x1, x2)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    close = _binary("allclose", lambda a, b: np.isclose(a, b, rtol, atol, equal_nan), x1, x2)
    return np.asarray(np.all(close))


def logical_and(x1, x2):
    return _binary("logical_and", np.logical_and, x1, x2)


def logical_or(x1, x2):
    return _binary("logical_or", np.logical_or, x1, x2)


def logical_xor(x1, x2):
    return _binary("logical_xor", np.logical_xor, x1, x2)


def logical_not(x):
    return np.asarray(np.logical_not(convert_to_tensor(x)))


def bitwise_and(x, y):
    return _binary("bitwise_and", np.bitwise_and, x, y)


def bitwise_or(x, y):
    return _binary("bitwise_or", np.bitwise_or, x, y)


def bitwise_xor(x, y):
    return _binary("bitwise_xor", np.bitwise_xor, x, y)


def bitwise_invert(x):
    x = convert_to_tensor(x)
    if x.dtype.kind not in "biu":
        raise TypeError(f"bitwise_invert: x must be an integer or bool tensor, got dtype {x.dtype}.")
    return np.asarray(np.invert(x))


def bitwise_left_shift(x, y):
    return _binary("bitwise_left_shift", np.left_shift, x, y)


def bitwise_right_shift(x, y):
    return _binary("bitwise_right_shift", np.right_shift, x, y)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    out, compute = clip_dtypes(x, x_min, x_max)
    result = x.astype(to_native_dtype(compute), copy=False)
    try:
        if x_min is not None:
            result = np.maximum(result, convert_to_tensor(x_min, compute))
        if x_max is not None:
            result = np.minimum(result, convert_to_tensor(x_max, compute))
    except ValueError as e:
        reraise_broadcast("clip", e, *(b for b in (x, x_min, x_max) if b is not None))
        raise
    return np.asarray(result).astype(to_native_dtype(out), copy=False)


add.native = np.add
subtract.native = np.subtract
subtract.native_dtypes = _NUMBERS
multiply.native = np.multiply
divide.native = true_divide.native = np.true_divide
divide.native_dtypes = true_divide.native_dtypes = _FLOATS
