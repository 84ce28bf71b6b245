"""Element-wise binary ops (arithmetic, comparison, logic, bitwise) of the JAX backend.

Each op converts its inputs to the dtype `kc.ops._rules.binary_dtype` gives and calls
`jax.numpy`; everything works under `jax.jit` and `jax.grad`.
"""

from __future__ import annotations

import jax.numpy as jnp

from kc.backend.jax.core import convert_to_tensor, promote, to_native_dtype
from kc.ops._rules import binary_dtype, clip_dtypes, ldexp_dtype, reraise_broadcast

_SCALARS = (bool, int, float, complex)
_FLOATS = tuple(jnp.dtype(d) for d in ("float32", "float16", "bfloat16"))
_NUMBERS = _FLOATS + tuple(jnp.dtype(d) for d in ("int32", "int8", "int16", "uint8", "uint16", "uint32",
                                                  "complex64"))


def _binary(name: str, fn, x1, x2):
    """``fn`` on x1, x2 converted to the op's compute dtype; broadcast errors name the op."""
    x1, x2 = (x if isinstance(x, _SCALARS) else convert_to_tensor(x) for x in (x1, x2))
    a, b = promote(x1, x2, dtype=binary_dtype(name, x1, x2))
    try:
        return fn(a, b)
    except (ValueError, TypeError) as e:
        reraise_broadcast(name, e, a, b)
        raise


def add(x1, x2):
    return _binary("add", jnp.add, x1, x2)


def subtract(x1, x2):
    return _binary("subtract", jnp.subtract, x1, x2)


def multiply(x1, x2):
    return _binary("multiply", jnp.multiply, x1, x2)


def divide(x1, x2):
    return _binary("divide", jnp.true_divide, x1, x2)


def true_divide(x1, x2):
    return _binary("true_divide", jnp.true_divide, x1, x2)


def _divide_no_nan(a, b):
    zero = b == 0
    return jnp.where(zero, jnp.zeros((), a.dtype), a / jnp.where(zero, jnp.ones((), b.dtype), b))


def divide_no_nan(x1, x2):
    return _binary("divide_no_nan", _divide_no_nan, x1, x2)


def floor_divide(x1, x2):
    return _binary("floor_divide", jnp.floor_divide, x1, x2)


def mod(x1, x2):
    return _binary("mod", jnp.mod, x1, x2)


def fmod(x1, x2):
    return _binary("fmod", jnp.fmod, x1, x2)


def power(x1, x2):
    # jnp.power already truncates integer negative powers toward zero (2 ** -1 == 0).
    return _binary("power", jnp.power, x1, x2)


def maximum(x1, x2):
    return _binary("maximum", jnp.maximum, x1, x2)


def minimum(x1, x2):
    return _binary("minimum", jnp.minimum, x1, x2)


def fmax(x1, x2):
    return _binary("fmax", jnp.fmax, x1, x2)


def fmin(x1, x2):
    return _binary("fmin", jnp.fmin, x1, x2)


def hypot(x1, x2):
    return _binary("hypot", jnp.hypot, x1, x2)


def arctan2(x1, x2):
    return _binary("arctan2", jnp.arctan2, x1, x2)


def logaddexp(x1, x2):
    return _binary("logaddexp", jnp.logaddexp, x1, x2)


def logaddexp2(x1, x2):
    return _binary("logaddexp2", jnp.logaddexp2, x1, x2)


def heaviside(x1, x2):
    return _binary("heaviside", jnp.heaviside, x1, x2)


def nextafter(x1, x2):
    return _binary("nextafter", jnp.nextafter, x1, x2)


def ldexp(x1, x2):
    dtype = to_native_dtype(ldexp_dtype(x1, x2))
    x1, x2 = convert_to_tensor(x1, dtype), convert_to_tensor(x2, "int32")
    try:
        return jnp.ldexp(x1, x2).astype(dtype)
    except (ValueError, TypeError) as e:
        reraise_broadcast("ldexp", e, x1, x2)
        raise


def gcd(x1, x2):
    return _binary("gcd", jnp.gcd, x1, x2)


def lcm(x1, x2):
    return _binary("lcm", jnp.lcm, x1, x2)


def equal(x1, x2):
    return _binary("equal", jnp.equal, x1, x2)


def not_equal(x1, x2):
    return _binary("not_equal", jnp.not_equal, x1, x2)


def less(x1, x2):
    return _binary("less", jnp.less, x1, x2)


def less_equal(x1, x2):
    return _binary("less_equal", jnp.less_equal, x1, x2)


def greater(x1, x2):
    return _binary("greater", jnp.greater, x1, x2)


def greater_equal(x1, x2):
    return _binary("greater_equal", jnp.greater_equal, x1, x2)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _binary("isclose", lambda a, b: jnp.isclose(a, b, rtol, atol, equal_nan), x1, x2)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return jnp.all(isclose(x1, x2, rtol, atol, equal_nan))


def logical_and(x1, x2):
    return _binary("logical_and", jnp.logical_and, x1, x2)


def logical_or(x1, x2):
    return _binary("logical_or", jnp.logical_or, x1, x2)


def logical_xor(x1, x2):
    return _binary("logical_xor", jnp.logical_xor, x1, x2)


def logical_not(x):
    return jnp.logical_not(convert_to_tensor(x))


def bitwise_and(x, y):
    return _binary("bitwise_and", jnp.bitwise_and, x, y)


def bitwise_or(x, y):
    return _binary("bitwise_or", jnp.bitwise_or, x, y)


def bitwise_xor(x, y):
    return _binary("bitwise_xor", jnp.bitwise_xor, x, y)


def bitwise_invert(x):
    x = convert_to_tensor(x)
    if x.dtype.kind not in "biu":
        raise TypeError(f"bitwise_invert: x must be an integer or bool tensor, got dtype {x.dtype}.")
    return jnp.invert(x)


def bitwise_left_shift(x, y):
    return _binary("bitwise_left_shift", jnp.left_shift, x, y)


def bitwise_right_shift(x, y):
    return _binary("bitwise_right_shift", jnp.right_shift, x, y)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    out, compute = clip_dtypes(x, x_min, x_max)
    result = x.astype(to_native_dtype(compute))
    try:
        if x_min is not None:
            result = jnp.maximum(result, convert_to_tensor(x_min, compute))
        if x_max is not None:
            result = jnp.minimum(result, convert_to_tensor(x_max, compute))
    except (ValueError, TypeError) as e:
        reraise_broadcast("clip", e, *(b for b in (x, x_min, x_max) if b is not None))
        raise
    return result.astype(to_native_dtype(out))


add.native = jnp.add
subtract.native = jnp.subtract
subtract.native_dtypes = _NUMBERS
multiply.native = jnp.multiply
divide.native = true_divide.native = jnp.true_divide
divide.native_dtypes = true_divide.native_dtypes = _FLOATS
