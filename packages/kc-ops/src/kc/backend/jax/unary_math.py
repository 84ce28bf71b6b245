"""Element-wise unary math (exp/log, trigonometry, rounding, float tests) of the JAX backend."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from kc import config
from kc.backend.jax.core import convert_to_tensor, to_native_dtype

_BFLOAT16 = np.dtype(jnp.bfloat16)
_FAST_DTYPES = (np.dtype("float32"), np.dtype("float64"), np.dtype("float16"), _BFLOAT16)


def _kind(x) -> str:
    """NumPy's dtype kind letter, with "f" for bfloat16 (whose kind is "V")."""
    return "f" if x.dtype == _BFLOAT16 else x.dtype.kind


def _tensor(x, name: str, real: bool = False) -> jax.Array:
    """``x`` as an array; TypeError for strings (and complex when ``real``)."""
    try:
        x = convert_to_tensor(x)
    except (TypeError, ValueError, KeyError) as e:
        raise TypeError(f"{name}: x must be a numeric or bool tensor, got {x!r}.") from e
    if _kind(x) not in "biufc":
        kind = "string" if x.dtype.kind in "US" else x.dtype.name
        raise TypeError(f"{name}: x must be a numeric or bool tensor, got dtype {kind}.")
    if real and _kind(x) == "c":
        raise TypeError(f"{name}: x must be real, got dtype {x.dtype.name}.")
    return x


def _float(x, name: str, real: bool = False) -> jax.Array:
    """``x`` as an array; ints and bools cast to floatx."""
    x = _tensor(x, name, real)
    if _kind(x) in "biu":
        x = x.astype(to_native_dtype(config.floatx()))
    return x


def abs(x):
    return jnp.abs(_tensor(x, "abs"))


def negative(x):
    x = _tensor(x, "negative")
    if _kind(x) == "b":
        raise TypeError("negative: x must not be bool (use logical_not), got dtype bool.")
    return jnp.negative(x)


def sign(x):
    x = _tensor(x, "sign")
    return x if _kind(x) == "b" else jnp.sign(x)


def square(x):
    x = _tensor(x, "square")
    return x.astype(jnp.int32) if _kind(x) == "b" else jnp.square(x)


def sqrt(x):
    return jnp.sqrt(_float(x, "sqrt"))


def cbrt(x):
    return jnp.cbrt(_float(x, "cbrt", real=True))


def reciprocal(x):
    return jnp.reciprocal(_float(x, "reciprocal"))


def exp(x):
    return jnp.exp(_float(x, "exp"))


def exp2(x):
    return jnp.exp2(_float(x, "exp2"))


def expm1(x):
    return jnp.expm1(_float(x, "expm1"))


def log(x):
    return jnp.log(_float(x, "log"))


def log2(x):
    return jnp.log2(_float(x, "log2"))


def log10(x):
    return jnp.log10(_float(x, "log10"))


def log1p(x):
    return jnp.log1p(_float(x, "log1p"))


def sin(x):
    return jnp.sin(_float(x, "sin"))


def cos(x):
    return jnp.cos(_float(x, "cos"))


def tan(x):
    return jnp.tan(_float(x, "tan"))


def arcsin(x):
    return jnp.arcsin(_float(x, "arcsin"))


def arccos(x):
    return jnp.arccos(_float(x, "arccos"))


def arctan(x):
    return jnp.arctan(_float(x, "arctan"))


def sinh(x):
    return jnp.sinh(_float(x, "sinh"))


def cosh(x):
    return jnp.cosh(_float(x, "cosh"))


def tanh(x):
    return jnp.tanh(_float(x, "tanh"))


def arcsinh(x):
    return jnp.arcsinh(_float(x, "arcsinh"))


def arccosh(x):
    return jnp.arccosh(_float(x, "arccosh"))


def arctanh(x):
    return jnp.arctanh(_float(x, "arctanh"))


def ceil(x):
    return jnp.ceil(_float(x, "ceil", real=True))


def floor(x):
    return jnp.floor(_float(x, "floor", real=True))


@functools.partial(jax.jit, static_argnames="decimals")
def _round_int(x: jax.Array, decimals: int) -> jax.Array:
    """Integers to a multiple of 10**-decimals, halves to even (jnp.round has no int path)."""
    factor = 10 ** -decimals
    if factor > jnp.iinfo(x.dtype).max:
        return jnp.zeros_like(x)
    quotient = jnp.floor_divide(x, factor)
    rest = x - quotient * factor
    half_up = (rest > factor - rest) | ((rest == factor - rest) & ((quotient & 1) == 1))
    return (quotient + half_up.astype(x.dtype)) * factor


def round(x, decimals=0):
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}.")
    x = _tensor(x, "round")
    if _kind(x) == "b" or (decimals >= 0 and _kind(x) in "iu"):
        return x
    return _round_int(x, decimals) if _kind(x) in "iu" else jnp.round(x, decimals)


def trunc(x):
    x = _tensor(x, "trunc", real=True)
    return x if _kind(x) in "biu" else jnp.trunc(x)


def rad2deg(x):
    return jnp.rad2deg(_float(x, "rad2deg", real=True))


def deg2rad(x):
    return jnp.deg2rad(_float(x, "deg2rad", real=True))


def sinc(x):
    x = _float(x, "sinc")
    return jnp.sinc(x).astype(x.dtype)


def i0(x):
    x = _float(x, "i0", real=True)
    return jnp.i0(x).astype(x.dtype)


def fabs(x):
    return jnp.fabs(_float(x, "fabs", real=True))


def signbit(x):
    return jnp.signbit(_tensor(x, "signbit", real=True))


def isfinite(x):
    return jnp.isfinite(_tensor(x, "isfinite"))


def isinf(x):
    return jnp.isinf(_tensor(x, "isinf"))


def isnan(x):
    return jnp.isnan(_tensor(x, "isnan"))


def isneginf(x):
    return jnp.isneginf(_tensor(x, "isneginf", real=True))


def isposinf(x):
    return jnp.isposinf(_tensor(x, "isposinf", real=True))


def isreal(x):
    return jnp.isreal(_tensor(x, "isreal"))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _tensor(x, "nan_to_num")
    if _kind(x) in "biu":
        return x
    return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def real(x):
    return jnp.real(_tensor(x, "real"))


def imag(x):
    return jnp.imag(_tensor(x, "imag"))


def conj(x):
    x = _tensor(x, "conj")
    return jnp.conj(x) if _kind(x) == "c" else x


def angle(x):
    x = _tensor(x, "angle")
    if _kind(x) == "c":
        return jnp.angle(x)
    x = _float(x, "angle")
    return jnp.arctan2(jnp.zeros_like(x), x)


for _fn, _native in ((abs, jnp.abs), (negative, jnp.negative), (square, jnp.square),
                     (sqrt, jnp.sqrt), (exp, jnp.exp), (log, jnp.log), (sin, jnp.sin),
                     (cos, jnp.cos), (tanh, jnp.tanh)):
    _fn.native = _native
    _fn.native_dtypes = _FAST_DTYPES
