"""Element-wise unary math (exp/log, trigonometry, rounding, float tests) of the NumPy backend.

The bodies shared with JAX live in kc/backend/common/numpy_like/unary_math.py.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from kc.backend.common.numpy_like.unary_math import check_decimals, input_checks, unary_math_ops
from kc.backend.common.numpy_like.unary_math import dtype_kind as _kind
from kc.backend.numpy import core

_FAST_DTYPES = (np.dtype("float32"), np.dtype("float64"), np.dtype("float16"))
_tensor, _float = input_checks(core)

globals().update(unary_math_ops(np, core, _FAST_DTYPES))


def round(x, decimals=0):
    check_decimals(decimals)
    x = _tensor(x, "round")
    return x if _kind(x) == "b" else np.round(x, decimals)


def sinc(x):
    x = _float(x, "sinc")
    return np.sinc(x).astype(x.dtype, copy=False)


def i0(x):
    x = _float(x, "i0", real=True)
    return np.i0(x.astype(np.float64)).astype(x.dtype, copy=False)


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
