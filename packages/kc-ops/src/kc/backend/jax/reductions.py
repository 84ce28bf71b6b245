"""Reductions and statistics of the JAX backend (see kc/ops/_reductions.py for dtypes).

The bodies shared with NumPy live in kc/backend/common/numpy_like/reductions.py.
"""

from __future__ import annotations

import builtins
import functools

import jax
import jax.numpy as jnp

from kc.backend.common.numpy_like.reductions import float_compute, reduction_ops
from kc.backend.jax import core
from kc.backend.jax.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules


def _same(x):
    """JAX results are already arrays, and JAX does not warn on NaN or empty input."""
    return x


globals().update(reduction_ops(jnp, core, as_array=_same, quiet=_same, q_dtype=lambda x: x.dtype))


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise NotImplementedError("bincount: sparse=True is not supported by kc on the jax backend.")
    x = convert_to_tensor(x)
    _check_bincount(x)
    weights = None if weights is None else convert_to_tensor(weights)
    out = to_native_dtype(rules.bincount_dtype(None if weights is None else weights.dtype))
    length = _bincount_length(x, minlength)
    count = functools.partial(jnp.bincount, minlength=minlength, length=length)
    x = x.astype(jnp.int32)
    if x.ndim == 1:
        return count(x, weights).astype(out)
    if weights is None:
        return jax.vmap(count)(x).astype(out)
    return jax.vmap(count)(x, weights).astype(out)


def _bincount_length(x, minlength):
    """Output length: from the values when they are concrete, else ``minlength`` (under jit)."""
    if isinstance(x, jax.core.Tracer):
        if not minlength:
            raise ValueError("bincount: under jax.jit the output length must be static; pass minlength "
                             "(values >= minlength are then dropped).")
        return minlength
    return builtins.max(int(jnp.max(x)) + 1 if x.size else 0, minlength)


def _check_bincount(x):
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: x must be 1-D or 2-D (a batch of 1-D), got shape {x.shape}.")
    rules.check_bincount_dtype(x.dtype)
    if not isinstance(x, jax.core.Tracer) and x.size and int(jnp.min(x)) < 0:
        raise ValueError(f"bincount: x must hold non-negative values, got minimum {int(jnp.min(x))}.")


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    if x.ndim != 1:
        raise ValueError(f"histogram: x must be 1-D, got shape {x.shape}.")
    x, out = float_compute(x, to_native_dtype)
    lo, hi = (jnp.min(x), jnp.max(x)) if range is None else (jnp.asarray(range[0], x.dtype),
                                                             jnp.asarray(range[1], x.dtype))
    same = lo == hi
    lo, hi = jnp.where(same, lo - 0.5, lo), jnp.where(same, hi + 0.5, hi)
    edges = lo + (hi - lo) * jnp.arange(bins + 1, dtype=x.dtype) / bins
    index = jnp.minimum(jnp.floor((x - lo) / (hi - lo) * bins).astype(jnp.int32), bins - 1)
    index = jnp.where((x >= lo) & (x <= hi), index, bins)
    counts = jnp.bincount(index, length=bins + 1)[:bins]
    return counts.astype(jnp.int32), edges.astype(out)
