"""Element-wise binary ops (arithmetic, comparison, logic, bitwise) of the PyTorch backend.

Each op converts its inputs to the dtype `kc.ops._rules.binary_dtype` gives and calls
torch. torch has CPU kernels for few ops on uint16/uint32/uint64: those compute in
int64 and cast back (exact, except ordering and division of uint64 values >= 2**63).
"""

from __future__ import annotations

import torch

from kc.backend.torch.core import convert_to_tensor, promote, to_native_dtype
from kc.ops._rules import binary_dtype, clip_dtypes, ldexp_dtype, reraise_broadcast

_SCALARS = (bool, int, float, complex)
_WIDE_UNSIGNED = (torch.uint16, torch.uint32, torch.uint64)
_HALF = (torch.float16, torch.bfloat16)
_FLOATS = (torch.float32, torch.float64, torch.float16, torch.bfloat16)
_NUMBERS = _FLOATS + (torch.int32, torch.int64, torch.int8, torch.int16, torch.uint8,
                      torch.complex64, torch.complex128)


def _binary(name: str, fn, x1, x2):
    """``fn`` on x1, x2 converted to the op's compute dtype; broadcast errors name the op."""
    x1, x2 = (x if isinstance(x, _SCALARS) else convert_to_tensor(x) for x in (x1, x2))
    a, b = promote(x1, x2, dtype=binary_dtype(name, x1, x2))
    dtype = a.dtype
    if dtype in _WIDE_UNSIGNED:
        a, b = a.to(torch.int64), b.to(torch.int64)
    try:
        out = fn(a, b)
    except RuntimeError as e:
        reraise_broadcast(name, e, a, b)
        raise
    return out.to(dtype) if dtype in _WIDE_UNSIGNED and out.dtype == torch.int64 else out


def _wide(fn, x: torch.Tensor) -> torch.Tensor:
    """``fn`` on a float16/bfloat16 tensor computed in float32 (other dtypes as they are)."""
    return fn(x.float()).to(x.dtype) if x.dtype in _HALF else fn(x)


def add(x1, x2):
    return _binary("add", torch.add, x1, x2)


def subtract(x1, x2):
    return _binary("subtract", torch.subtract, x1, x2)


def multiply(x1, x2):
    return _binary("multiply", torch.multiply, x1, x2)


def divide(x1, x2):
    return _binary("divide", torch.true_divide, x1, x2)


def true_divide(x1, x2):
    return _binary("true_divide", torch.true_divide, x1, x2)


def _divide_no_nan(a, b):
    zero = b == 0
    return torch.where(zero, torch.zeros((), dtype=a.dtype, device=a.device),
                       a / torch.where(zero, torch.ones((), dtype=b.dtype, device=b.device), b))


def divide_no_nan(x1, x2):
    return _binary("divide_no_nan", _divide_no_nan, x1, x2)


def floor_divide(x1, x2):
    return _binary("floor_divide", lambda a, b: torch.div(a, b, rounding_mode="floor"), x1, x2)


def mod(x1, x2):
    return _binary("mod", torch.remainder, x1, x2)  # sign of the divisor, like NumPy


def fmod(x1, x2):
    return _binary("fmod", torch.fmod, x1, x2)  # sign of the dividend


def power(x1, x2):
    # torch.pow truncates integer negative powers toward zero (2 ** -1 == 0) for tensor exponents.
    return _binary("power", torch.pow, x1, x2)


def maximum(x1, x2):
    return _binary("maximum", torch.maximum, x1, x2)


def minimum(x1, x2):
    return _binary("minimum", torch.minimum, x1, x2)


def fmax(x1, x2):
    return _binary("fmax", torch.fmax, x1, x2)


def fmin(x1, x2):
    return _binary("fmin", torch.fmin, x1, x2)


def hypot(x1, x2):
    return _binary("hypot", torch.hypot, x1, x2)


def arctan2(x1, x2):
    return _binary("arctan2", torch.atan2, x1, x2)


def logaddexp(x1, x2):
    return _binary("logaddexp", torch.logaddexp, x1, x2)


def logaddexp2(x1, x2):
    return _binary("logaddexp2", torch.logaddexp2, x1, x2)


def _heaviside(a, b):
    a, b = torch.broadcast_tensors(a, b)
    return torch.where(torch.isnan(a), a, torch.heaviside(a, b))  # torch gives 0 for NaN


def heaviside(x1, x2):
    return _binary("heaviside", _heaviside, x1, x2)


def _nextafter(a, b):
    if a.dtype != torch.bfloat16:
        return torch.nextafter(a, b)
    # bfloat16 has no kernel: step the bits (sign-magnitude: +1 moves away from zero).
    a, b = torch.broadcast_tensors(a, b)
    bits = a.view(torch.int16)
    away = (b > a) == (a > 0)
    stepped = (bits + torch.where(away, 1, -1).to(torch.int16)).view(torch.bfloat16)
    tiny = torch.where(b > 0, 1, -32767).to(torch.int16).view(torch.bfloat16)  # +-smallest subnormal
    out = torch.where(a == 0, tiny, stepped)
    out = torch.where(a == b, b, out)
    return torch.where(torch.isnan(a) | torch.isnan(b), a + b, out)


def nextafter(x1, x2):
    return _binary("nextafter", _nextafter, x1, x2)


def ldexp(x1, x2):
    dtype = to_native_dtype(ldexp_dtype(x1, x2))
    x1, x2 = convert_to_tensor(x1, dtype), convert_to_tensor(x2, "int32")
    try:
        return _wide(lambda m: torch.ldexp(m, x2).to(m.dtype), x1)
    except RuntimeError as e:
        reraise_broadcast("ldexp", e, x1, x2)
        raise


def gcd(x1, x2):
    return _binary("gcd", torch.gcd, x1, x2)


def lcm(x1, x2):
    return _binary("lcm", torch.lcm, x1, x2)


def equal(x1, x2):
    return _binary("equal", torch.eq, x1, x2)


def not_equal(x1, x2):
    return _binary("not_equal", torch.ne, x1, x2)


def less(x1, x2):
    return _binary("less", torch.lt, x1, x2)


def less_equal(x1, x2):
    return _binary("less_equal", torch.le, x1, x2)


def greater(x1, x2):
    return _binary("greater", torch.gt, x1, x2)


def greater_equal(x1, x2):
    return _binary("greater_equal", torch.ge, x1, x2)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _binary("isclose", lambda a, b: torch.isclose(a, b, rtol, atol, equal_nan), x1, x2)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return torch.all(isclose(x1, x2, rtol, atol, equal_nan))


def logical_and(x1, x2):
    return _binary("logical_and", torch.logical_and, x1, x2)


def logical_or(x1, x2):
    return _binary("logical_or", torch.logical_or, x1, x2)


def logical_xor(x1, x2):
    return _binary("logical_xor", torch.logical_xor, x1, x2)


def logical_not(x):
    return torch.logical_not(convert_to_tensor(x, "bool"))


def bitwise_and(x, y):
    return _binary("bitwise_and", torch.bitwise_and, x, y)


def bitwise_or(x, y):
    return _binary("bitwise_or", torch.bitwise_or, x, y)


def bitwise_xor(x, y):
    return _binary("bitwise_xor", torch.bitwise_xor, x, y)


def bitwise_invert(x):
    x = convert_to_tensor(x)
    if x.dtype.is_floating_point or x.dtype.is_complex:
        raise TypeError(f"bitwise_invert: x must be an integer or bool tensor, got dtype {x.dtype}.")
    if x.dtype in _WIDE_UNSIGNED:
        return torch.bitwise_not(x.to(torch.int64)).to(x.dtype)
    return torch.bitwise_not(x)


def bitwise_left_shift(x, y):
    return _binary("bitwise_left_shift", torch.bitwise_left_shift, x, y)


def bitwise_right_shift(x, y):
    return _binary("bitwise_right_shift", torch.bitwise_right_shift, x, y)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    out, compute = clip_dtypes(x, x_min, x_max)
    compute = to_native_dtype(compute)
    if compute in _WIDE_UNSIGNED:
        compute = torch.int64
    lo, hi = (None if b is None else convert_to_tensor(b, compute) for b in (x_min, x_max))
    try:
        result = torch.clamp(x.to(compute), lo, hi)
    except RuntimeError as e:
        reraise_broadcast("clip", e, *(b for b in (x, x_min, x_max) if b is not None))
        raise
    return result.to(to_native_dtype(out))


add.native = torch.add
add.native_dtypes = _NUMBERS + (torch.bool,)
subtract.native = torch.subtract
subtract.native_dtypes = _NUMBERS
multiply.native = torch.multiply
divide.native = true_divide.native = torch.true_divide
divide.native_dtypes = true_divide.native_dtypes = _FLOATS
