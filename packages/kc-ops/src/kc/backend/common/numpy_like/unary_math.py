"""Element-wise unary math shared by the NumPy and JAX backends."""

from __future__ import annotations

from types import ModuleType
from typing import Callable

import ml_dtypes
import numpy as np

from kc import config

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
_NATIVE = ("abs", "negative", "square", "sqrt", "exp", "log", "sin", "cos", "tanh")


def dtype_kind(x) -> str:
    """NumPy's dtype kind letter, with "f" for bfloat16 (whose kind is "V")."""
    return "f" if x.dtype == BFLOAT16 else x.dtype.kind


def check_decimals(decimals) -> None:
    """TypeError unless ``decimals`` (of ``round``) is an int."""
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}.")


def input_checks(core: ModuleType) -> tuple[Callable, Callable]:
    """Return ``(tensor, as_float)``: ``x`` as a checked tensor of backend ``core``.

    ``tensor(x, name, real=False)`` raises TypeError for strings (and complex when
    ``real``); ``as_float`` also casts ints and bools to floatx.
    """

    def tensor(x, name: str, real: bool = False):
        """``x`` as an array; TypeError for strings (and complex when ``real``)."""
        try:
            x = core.convert_to_tensor(x)
        except (TypeError, ValueError, KeyError) as e:
            raise TypeError(f"{name}: x must be a numeric or bool tensor, got {x!r}.") from e
        if dtype_kind(x) not in "biufc":
            kind = "string" if x.dtype.kind in "US" else x.dtype.name
            raise TypeError(f"{name}: x must be a numeric or bool tensor, got dtype {kind}.")
        if real and dtype_kind(x) == "c":
            raise TypeError(f"{name}: x must be real, got dtype {x.dtype.name}.")
        return x

    def as_float(x, name: str, real: bool = False):
        """``x`` as an array; ints and bools cast to floatx."""
        x = tensor(x, name, real)
        if dtype_kind(x) in "biu":
            x = x.astype(core.to_native_dtype(config.floatx()))
        return x

    return tensor, as_float


def unary_math_ops(xp: ModuleType, core: ModuleType, fast_dtypes: tuple) -> dict[str, Callable]:
    """Return the unary math ops over array module ``xp``, keyed by name.

    The hot ops get the ``xp`` function as their ``native`` fast path for
    ``fast_dtypes``. ``round``, ``sinc``, ``i0``, ``isreal`` and ``nan_to_num``
    are left to each backend (they differ between NumPy and JAX).
    """
    _tensor, _float = input_checks(core)
    _kind = dtype_kind

    def abs(x):
        return xp.abs(_tensor(x, "abs"))

    def negative(x):
        x = _tensor(x, "negative")
        if _kind(x) == "b":
            raise TypeError("negative: x must not be bool (use logical_not), got dtype bool.")
        return xp.negative(x)

    def sign(x):
        x = _tensor(x, "sign")
        return x if _kind(x) == "b" else xp.sign(x)

    def square(x):
        x = _tensor(x, "square")
        return x.astype(xp.int32) if _kind(x) == "b" else xp.square(x)

    def sqrt(x):
        return xp.sqrt(_float(x, "sqrt"))

    def cbrt(x):
        return xp.cbrt(_float(x, "cbrt", real=True))

    def reciprocal(x):
        return xp.reciprocal(_float(x, "reciprocal"))

    def exp(x):
        return xp.exp(_float(x, "exp"))

    def exp2(x):
        return xp.exp2(_float(x, "exp2"))

    def expm1(x):
        return xp.expm1(_float(x, "expm1"))

    def log(x):
        return xp.log(_float(x, "log"))

    def log2(x):
        return xp.log2(_float(x, "log2"))

    def log10(x):
        return xp.log10(_float(x, "log10"))

    def log1p(x):
        return xp.log1p(_float(x, "log1p"))

    def sin(x):
        return xp.sin(_float(x, "sin"))

    def cos(x):
        return xp.cos(_float(x, "cos"))

    def tan(x):
        return xp.tan(_float(x, "tan"))

    def arcsin(x):
        return xp.arcsin(_float(x, "arcsin"))

    def arccos(x):
        return xp.arccos(_float(x, "arccos"))

    def arctan(x):
        return xp.arctan(_float(x, "arctan"))

    def sinh(x):
        return xp.sinh(_float(x, "sinh"))

    def cosh(x):
        return xp.cosh(_float(x, "cosh"))

    def tanh(x):
        return xp.tanh(_float(x, "tanh"))

    def arcsinh(x):
        return xp.arcsinh(_float(x, "arcsinh"))

    def arccosh(x):
        return xp.arccosh(_float(x, "arccosh"))

    def arctanh(x):
        return xp.arctanh(_float(x, "arctanh"))

    def ceil(x):
        return xp.ceil(_float(x, "ceil", real=True))

    def floor(x):
        return xp.floor(_float(x, "floor", real=True))

    def trunc(x):
        x = _tensor(x, "trunc", real=True)
        return x if _kind(x) in "biu" else xp.trunc(x)

    def rad2deg(x):
        return xp.rad2deg(_float(x, "rad2deg", real=True))

    def deg2rad(x):
        return xp.deg2rad(_float(x, "deg2rad", real=True))

    def fabs(x):
        return xp.fabs(_float(x, "fabs", real=True))

    def signbit(x):
        return xp.signbit(_tensor(x, "signbit", real=True))

    def isfinite(x):
        return xp.isfinite(_tensor(x, "isfinite"))

    def isinf(x):
        return xp.isinf(_tensor(x, "isinf"))

    def isnan(x):
        return xp.isnan(_tensor(x, "isnan"))

    def isneginf(x):
        return xp.isneginf(_tensor(x, "isneginf", real=True))

    def isposinf(x):
        return xp.isposinf(_tensor(x, "isposinf", real=True))

    def real(x):
        return xp.real(_tensor(x, "real"))

    def imag(x):
        return xp.imag(_tensor(x, "imag"))

    def conj(x):
        x = _tensor(x, "conj")
        return xp.conj(x) if _kind(x) == "c" else x

    def angle(x):
        x = _tensor(x, "angle")
        if _kind(x) == "c":
            return xp.angle(x)
        x = _float(x, "angle")
        return xp.arctan2(xp.zeros_like(x), x)

    ops = {name: f for name, f in locals().items() if callable(f) and not name.startswith("_")}
    for name in _NATIVE:
        ops[name].native = getattr(xp, name)
        ops[name].native_dtypes = fast_dtypes
    return ops
