"""Tensor creation of the JAX backend (see kc/ops/_creation.py for dtypes).

The bodies, shared with NumPy, live in kc/backend/common/numpy_like/creation.py.
"""

from __future__ import annotations

import jax.numpy as jnp

from kc.backend.common.numpy_like.creation import creation_ops
from kc.backend.jax import core


def _compute_dtype(out: str) -> str:
    return out if out in ("float32", "float64") else "float32"


def _own(x):
    """JAX arrays are immutable: a broadcast or diagonal view is already a result."""
    return x


# XLA has no uninitialised buffers: empty gives zeros.
globals().update(creation_ops(jnp, core, _compute_dtype, uninitialised=jnp.zeros, own=_own))
