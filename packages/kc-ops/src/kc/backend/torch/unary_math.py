"""Element-wise unary math (exp/log, trigonometry, rounding, float tests) of the PyTorch backend.

torch has CPU kernels for few ops on uint16/uint32/uint64: ops that keep those
dtypes work on the same bits viewed as the signed type of the same width
(negation and squaring wrap the same way) or need no arithmetic at all.
"""

from __future__ import annotations

import torch

from kc import config
from kc.backend.torch.core import convert_to_tensor, to_native_dtype

_FAST_DTYPES = (torch.float32, torch.float64, torch.float16, torch.bfloat16)
_WIDE_UNSIGNED = {torch.uint16: torch.int16, torch.uint32: torch.int32, torch.uint64: torch.int64}
_UNSIGNED = (torch.uint8, *_WIDE_UNSIGNED)


def _is_float(x) -> bool:
    return x.dtype.is_floating_point


def _is_complex(x) -> bool:
    return x.dtype.is_complex


def _tensor(x, name: str, real: bool = False) -> torch.Tensor:
    """``x`` as a tensor; TypeError for strings (and complex when ``real``)."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name}: x must be a numeric or bool tensor, got {x!r}.")
    try:
        x = convert_to_tensor(x)
    except (TypeError, ValueError, KeyError) as e:
        raise TypeError(f"{name}: x must be a numeric or bool tensor, got {x!r}.") from e
    if real and _is_complex(x):
        raise TypeError(f"{name}: x must be real, got dtype {str(x.dtype)[6:]}.")
    return x


def _float(x, name: str, real: bool = False) -> torch.Tensor:
    """``x`` as a tensor; ints and bools cast to floatx."""
    x = _tensor(x, name, real)
    if not (_is_float(x) or _is_complex(x)):
        x = x.to(to_native_dtype(config.floatx()))
    return x


def _as_signed(fn, x: torch.Tensor) -> torch.Tensor:
    """``fn`` on the bits of a wide unsigned tensor viewed as signed (wrapping arithmetic)."""
    signed = _WIDE_UNSIGNED.get(x.dtype)
    if signed is None:
        return fn(x)
    return fn(x.view(signed)).view(x.dtype)


def abs(x):
    x = _tensor(x, "abs")
    return x if x.dtype in _UNSIGNED or x.dtype == torch.bool else torch.abs(x)


def negative(x):
    x = _tensor(x, "negative")
    if x.dtype == torch.bool:
        raise TypeError("negative: x must not be bool (use logical_not), got dtype bool.")
    return _as_signed(torch.negative, x)


def sign(x):
    x = _tensor(x, "sign")
    if x.dtype == torch.bool:
        return x
    if x.dtype in _UNSIGNED:
        return (x != 0).to(x.dtype)
    if _is_complex(x):
        return torch.sgn(x)
    return torch.where(torch.isnan(x), x, torch.sign(x)) if _is_float(x) else torch.sign(x)


def square(x):
    x = _tensor(x, "square")
    if x.dtype == torch.bool:
        return x.to(torch.int32)
    return _as_signed(lambda t: t * t, x)


def sqrt(x):
    return torch.sqrt(_float(x, "sqrt"))


def cbrt(x):
    x = _float(x, "cbrt", real=True)
    return torch.sign(x) * torch.abs(x).pow(1.0 / 3.0)


def reciprocal(x):
    return torch.reciprocal(_float(x, "reciprocal"))


def exp(x):
    return torch.exp(_float(x, "exp"))


def exp2(x):
    return torch.exp2(_float(x, "exp2"))


def expm1(x):
    return torch.expm1(_float(x, "expm1"))


def log(x):
    return torch.log(_float(x, "log"))


def log2(x):
    return torch.log2(_float(x, "log2"))


def log10(x):
    return torch.log10(_float(x, "log10"))


def log1p(x):
    return torch.log1p(_float(x, "log1p"))


def sin(x):
    return torch.sin(_float(x, "sin"))


def cos(x):
    return torch.cos(_float(x, "cos"))


def tan(x):
    return torch.tan(_float(x, "tan"))


def arcsin(x):
    return torch.asin(_float(x, "arcsin"))


def arccos(x):
    return torch.acos(_float(x, "arccos"))


def arctan(x):
    return torch.atan(_float(x, "arctan"))


def sinh(x):
    return torch.sinh(_float(x, "sinh"))


def cosh(x):
    return torch.cosh(_float(x, "cosh"))


def tanh(x):
    return torch.tanh(_float(x, "tanh"))


def arcsinh(x):
    return torch.asinh(_float(x, "arcsinh"))


def arccosh(x):
    return torch.acosh(_float(x, "arccosh"))


def arctanh(x):
    return torch.atanh(_float(x, "arctanh"))


def ceil(x):
    return torch.ceil(_float(x, "ceil", real=True))


def floor(x):
    return torch.floor(_float(x, "floor", real=True))


def _round_int(x: torch.Tensor, decimals: int) -> torch.Tensor:
    """Integers to a multiple of 10**-decimals, halves to even, in integer arithmetic."""
    factor = 10 ** -decimals
    if factor > torch.iinfo(x.dtype).max:
        return torch.zeros_like(x)
    if x.dtype in _WIDE_UNSIGNED:  # no integer division kernels: go through int64
        if x.dtype == torch.uint64:
            raise NotImplementedError(
                "round: the torch backend cannot round uint64 with negative decimals.")
        return _round_int(x.to(torch.int64), decimals).to(x.dtype)
    quotient = torch.div(x, factor, rounding_mode="floor")
    rest = x - quotient * factor
    half_up = (rest > factor - rest) | ((rest == factor - rest) & ((quotient & 1) == 1))
    return (quotient + half_up.to(x.dtype)) * factor


def _round_float(x: torch.Tensor, decimals: int) -> torch.Tensor:
    """NumPy's float rounding: scale by 10**|decimals|, round half to even, scale back."""
    if decimals >= 0:
        factor = 10.0 ** decimals
        return torch.round(x * factor) / factor
    factor = 10.0 ** -decimals
    return torch.round(x / factor) * factor


def round(x, decimals=0):
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}.")
    x = _tensor(x, "round")
    if x.dtype == torch.bool or (decimals >= 0 and not (_is_float(x) or _is_complex(x))):
        return x
    if _is_complex(x):
        return torch.complex(_round_float(x.real, decimals), _round_float(x.imag, decimals))
    if _is_float(x):
        return _round_float(x, decimals)
    return _round_int(x, decimals)


def trunc(x):
    x = _tensor(x, "trunc", real=True)
    return torch.trunc(x) if _is_float(x) else x


def rad2deg(x):
    return torch.rad2deg(_float(x, "rad2deg", real=True))


def deg2rad(x):
    return torch.deg2rad(_float(x, "deg2rad", real=True))


def sinc(x):
    return torch.sinc(_float(x, "sinc"))


def i0(x):
    return torch.special.i0(_float(x, "i0", real=True))


def fabs(x):
    return torch.abs(_float(x, "fabs", real=True))


def signbit(x):
    x = _tensor(x, "signbit", real=True)
    if x.dtype == torch.bool or x.dtype in _UNSIGNED:
        return torch.zeros_like(x, dtype=torch.bool)
    return torch.signbit(x)


def _all(x: torch.Tensor, value: bool) -> torch.Tensor:
    return torch.full_like(x, value, dtype=torch.bool)


def isfinite(x):
    x = _tensor(x, "isfinite")
    return torch.isfinite(x) if _is_float(x) or _is_complex(x) else _all(x, True)


def isinf(x):
    x = _tensor(x, "isinf")
    return torch.isinf(x) if _is_float(x) or _is_complex(x) else _all(x, False)


def isnan(x):
    x = _tensor(x, "isnan")
    return torch.isnan(x) if _is_float(x) or _is_complex(x) else _all(x, False)


def isneginf(x):
    x = _tensor(x, "isneginf", real=True)
    return torch.isneginf(x) if _is_float(x) else _all(x, False)


def isposinf(x):
    x = _tensor(x, "isposinf", real=True)
    return torch.isposinf(x) if _is_float(x) else _all(x, False)


def isreal(x):
    x = _tensor(x, "isreal")
    return x.imag == 0 if _is_complex(x) else _all(x, True)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _tensor(x, "nan_to_num")
    if _is_complex(x):
        return torch.complex(torch.nan_to_num(x.real, nan, posinf, neginf),
                             torch.nan_to_num(x.imag, nan, posinf, neginf))
    return torch.nan_to_num(x, nan, posinf, neginf) if _is_float(x) else x


def real(x):
    x = _tensor(x, "real")
    return x.real if _is_complex(x) else x


def imag(x):
    x = _tensor(x, "imag")
    return x.imag if _is_complex(x) else torch.zeros_like(x)


def conj(x):
    x = _tensor(x, "conj")
    return torch.conj_physical(x) if _is_complex(x) else x


def angle(x):
    x = _tensor(x, "angle")
    if _is_complex(x):
        return torch.angle(x)
    x = _float(x, "angle")
    return torch.atan2(torch.zeros_like(x), x)


for _fn, _native in ((abs, torch.abs), (negative, torch.negative), (square, torch.square),
                     (sqrt, torch.sqrt), (exp, torch.exp), (log, torch.log), (sin, torch.sin),
                     (cos, torch.cos), (tanh, torch.tanh)):
    _fn.native = _native
    _fn.native_dtypes = _FAST_DTYPES
