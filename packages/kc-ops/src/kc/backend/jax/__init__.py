"""The JAX backend: jax.Array tensors, jit-compiled training."""

import jax

NAME = "jax"
TENSOR_TYPE = type(jax.numpy.zeros(()))  # jaxlib's ArrayImpl
NATIVE_TYPES = (TENSOR_TYPE,)  # types the native fast path of kc.ops takes as they are

from kc.backend.jax import core  # noqa: E402,F401
