"""Element-wise binary ops (arithmetic, comparison, logic, bitwise) of the JAX backend."""

from __future__ import annotations

import jax.numpy as jnp

from kc.backend.jax.core import promote


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.add(x1, x2)


add.native = jnp.add
