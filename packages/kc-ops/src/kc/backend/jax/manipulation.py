"""Shape manipulation ops of the JAX backend (bodies shared with NumPy in common/numpy_like)."""

from __future__ import annotations

import jax.numpy as jnp

from kc.backend.common.numpy_like.manipulation import manipulation_ops
from kc.backend.jax import core

globals().update(manipulation_ops(jnp, core, as_key=core.convert_to_tensor))
