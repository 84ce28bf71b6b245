"""Element-wise unary math (exp/log, trigonometry, rounding, float tests) of the JAX backend.

The bodies shared with NumPy live in kc/backend/common/numpy_like/unary_math.py.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from kc.backend.common.numpy_like.unary_math import BFLOAT16, check_decimals, input_checks, unary_math_ops
from kc.backend.common.numpy_like.unary_math import dtype_kind as _kind
from kc.backend.jax import core

_FAST_DTYPES = (np.dtype("float32"), np.dtype("float64"), np.dtype("float16"), BFLOAT16)
_tensor, _float = input_checks(core)

globals().update(unary_math_ops(jnp, core, _FAST_DTYPES))


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
    check_decimals(decimals)
    x = _tensor(x, "round")
    if _kind(x) == "b" or (decimals >= 0 and _kind(x) in "iu"):
        return x
    return _round_int(x, decimals) if _kind(x) in "iu" else jnp.round(x, decimals)


def sinc(x):
    x = _float(x, "sinc")
    return jnp.sinc(x).astype(x.dtype)


def i0(x):
    x = _float(x, "i0", real=True)
    return jnp.i0(x).astype(x.dtype)


def isreal(x):
    return jnp.isreal(_tensor(x, "isreal"))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _tensor(x, "nan_to_num")
    if _kind(x) in "biu":
        return x
    return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)
