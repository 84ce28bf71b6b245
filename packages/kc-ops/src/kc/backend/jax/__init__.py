"""The JAX backend: jax.Array tensors, jit-compiled training."""

import jax

NAME = "jax"
TENSOR_TYPE = type(jax.numpy.zeros(()))  # jaxlib's ArrayImpl

from kc.backend.jax import core  # noqa: E402,F401
