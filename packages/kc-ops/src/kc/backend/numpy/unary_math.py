"""Element-wise unary math (exp/log, trigonometry, rounding, float tests) of the NumPy backend."""

from __future__ import annotations

import ml_dtypes
import numpy as np

from kc import config
from kc.backend.numpy.core import convert_to_tensor, to_native_dtype

_FAST_DTYPES = (np.dtype("float32"), np.dtype("float64"), np.dtype("float16"))
_BFLOAT16 = np.dtype(ml_dtypes.bfloat16)


def _kind(x) -> str:
    """NumPy's dtype kind letter, with "f" for bfloat16 (whose kind is "V")."""
    return "f" if x.dtype == _BFLOAT16 else x.dtype.kind


def _tensor(x, name: str, real: bool = False) -> np.ndarray:
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


def _float(x, name: str, real: bool = False) -> np.ndarray:
    """``x`` as an array; ints and bools cast to floatx."""
    x = _tensor(x, name, real)
    if _kind(x) in "biu":
        x = x.astype(to_native_dtype(config.floatx()))
    return x


def abs(x):
    return np.abs(_tensor(x, "abs"))


def negative(x):
    x = _tensor(x, "negative")
    if _kind(x) == "b":
        raise TypeError("negative: x must not be bool (use logical_not), got dtype bool.")
    return np.negative(x)


def sign(x):
    x = _tensor(x, "sign")
    return x if _kind(x) == "b" else np.sign(x)


def square(x):
    x = _tensor(x, "square")
    return x.astype(np.int32) if _kind(x) == "b" else np.square(x)


def sqrt(x):
    return np.sqrt(_float(x, "sqrt"))


def cbrt(x):
    return np.cbrt(_float(x, "cbrt", real=True))


def reciprocal(x):
    return np.reciprocal(_float(x, "reciprocal"))


def exp(x):
    return np.exp(_float(x, "exp"))


def exp2(x):
    return np.exp2(_float(x, "exp2"))


def expm1(x):
    return np.expm1(_float(x, "expm1"))


def log(x):
    return np.log(_float(x, "log"))


def log2(x):
    return np.log2(_float(x, "log2"))


def log10(x):
    return np.log10(_float(x, "log10"))


def log1p(x):
    return np.log1p(_float(x, "log1p"))


def sin(x):
    return np.sin(_float(x, "sin"))


def cos(x):
    return np.cos(_float(x, "cos"))


def tan(x):
    return np.tan(_float(x, "tan"))


def arcsin(x):
    return np.arcsin(_float(x, "arcsin"))


def arccos(x):
    return np.arccos(_float(x, "arccos"))


def arctan(x):
    return np.arctan(_float(x, "arctan"))


def sinh(x):
    return np.sinh(_float(x, "sinh"))


def cosh(x):
    return np.cosh(_float(x, "cosh"))


def tanh(x):
    return np.tanh(_float(x, "tanh"))


def arcsinh(x):
    return np.arcsinh(_float(x, "arcsinh"))


def arccosh(x):
    return np.arccosh(_float(x, "arccosh"))


def arctanh(x):
    return np.arctanh(_float(x, "arctanh"))


def ceil(x):
    return np.ceil(_float(x, "ceil", real=True))


def floor(x):
    return np.floor(_float(x, "floor", real=True))


def round(x, decimals=0):
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}.")
    x = _tensor(x, "round")
    return x if _kind(x) == "b" else np.round(x, decimals)


def trunc(x):
    x = _tensor(x, "trunc", real=True)
    return x if _kind(x) in "biu" else np.trunc(x)


def rad2deg(x):
    return np.rad2deg(_float(x, "rad2deg", real=True))


def deg2rad(x):
    return np.deg2rad(_float(x, "deg2rad", real=True))


def sinc(x):
    x = _float(x, "sinc")
    return np.sinc(x).astype(x.dtype, copy=False)


def i0(x):
    x = _float(x, "i0", real=True)
    return np.i0(x.astype(np.float64)).astype(x.dtype, copy=False)


def fabs(x):
    return np.fabs(_float(x, "fabs", real=True))


def signbit(x):
    return np.signbit(_tensor(x, "signbit", real=True))


def isfinite(x):
    return np.isfinite(_tensor(x, "isfinite"))


def isinf(x):
    return np.isinf(_tensor(x, "isinf"))


def isnan(x):
    return np.isnan(_tensor(x, "isnan"))


def isneginf(x):
    return np.isneginf(_tensor(x, "isneginf", real=True))


def isposinf(x):
    return np.isposinf(_tensor(x, "isposinf", real=True))


def isreal(x):
    return np.asarray(np.isreal(_tensor(x, "isreal")))


def _nan_to_num_real(x, nan, posinf, neginf):
    info = ml_dtypes.finfo(x.dtype)
    fill = [np.asarray(v, x.dtype) for v in
            (nan, info.max if posinf is None else posinf, info.min if neginf is None else neginf)]
    x = np.where(np.isnan(x), fill[0], x)
    x = np.where(x == np.inf, fill[1], x)
    return np.where(x == -np.inf, fill[2], x)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _tensor(x, "nan_to_num")
    if _kind(x) in "biu":
        return x
    if _kind(x) != "c":
        return _nan_to_num_real(x, nan, posinf, neginf)
    out = np.empty_like(x)
    out.real = _nan_to_num_real(x.real, nan, posinf, neginf)
    out.imag = _nan_to_num_real(x.imag, nan, posinf, neginf)
    return out


def real(x):
    return np.real(_tensor(x, "real"))


def imag(x):
    return np.imag(_tensor(x, "imag"))


def conj(x):
    x = _tensor(x, "conj")
    return np.conj(x) if _kind(x) == "c" else x


def angle(x):
    x = _tensor(x, "angle")
    if _kind(x) == "c":
        return np.angle(x)
    x = _float(x, "angle")
    return np.arctan2(np.zeros_like(x), x)


for _fn, _native in ((abs, np.abs), (negative, np.negative), (square, np.square),
                     (sqrt, np.sqrt), (exp, np.exp), (log, np.log), (sin, np.sin),
                     (cos, np.cos), (tanh, np.tanh)):
    _fn.native = _native
    _fn.native_dtypes = _FAST_DTYPES
