"""`SeedGenerator` and `draw_seed`: how kc.random turns ``seed=`` into a seed tensor.

A seed tensor has shape (2,) and the backend's seed dtype (uint32 on jax and
numpy, int64 on tensorflow, int32 on torch, as in Keras 3). Its first entry is
the user's seed, the second a counter that `SeedGenerator.next` advances.
"""

from __future__ import annotations

import random as _python_random

from kc import backend

_MASK32 = 0xFFFFFFFF


def seed_dtype() -> str:
    """The active backend's dtype for seed tensors."""
    return backend.backend_module("random").SEED_DTYPE


def _seed_tensor(seed: int, counter: int = 0):
    values = [seed & _MASK32, counter & _MASK32]
    dtype = seed_dtype()
    if dtype == "int32":  # keep the bit pattern of the uint32 values
        values = [v - (1 << 32) if v >= (1 << 31) else v for v in values]
    return backend.convert_to_tensor(values, dtype=dtype)


def _check_seed(seed, where: str) -> None:
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"{where}: seed must be an int, got {seed!r} of type {type(seed).__name__}.")


class SeedGenerator:
    """A stream of seeds for kc.random ops, with its state in a variable.

    Each `next()` returns a seed and advances the state, so successive random
    draws differ; two generators built with the same seed give the same
    stream. The state is a non-trainable `kc.Variable`, so inside ``jax.jit``
    it can be passed through a `kc.StatelessScope` like any layer state.

    Args:
        seed: int initial seed; None picks a random one.
        name: name of the generator (the name scope of its state variable).

    Example:
        >>> gen = kc.random.SeedGenerator(1337)
        >>> a = kc.random.normal((2,), seed=gen)
        >>> b = kc.random.normal((2,), seed=gen)  # differs from a
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise ValueError(f"SeedGenerator: unrecognized keyword arguments {sorted(kwargs)}.")
        from kc.backend.common.naming import auto_name

        self.name = name if name is not None else auto_name("seed_generator")
        self._initial_seed = seed
        if seed is None:
            seed = _python_random.randint(1, 10**9)
        _check_seed(seed, "SeedGenerator")

        def initializer(shape, dtype=None):
            return _seed_tensor(seed)

        with backend.name_scope(self.name, caller=self):
            self.state = backend.Variable(
                initializer, shape=(2,), dtype=seed_dtype(), trainable=False,
                aggregation="none", name="seed_generator_state",
            )

    def next(self, ordered: bool = True):
        """Return the current seed tensor and advance the state."""
        from kc import ops

        seed = self.state._snapshot()
        step = backend.convert_to_tensor([0, 1], dtype=self.state.dtype)
        self.state.assign(ops.add(self.state, step))
        return seed

    def get_config(self) -> dict:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "SeedGenerator":
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}, seed={self._initial_seed}>"


_global_generator = None


def global_seed_generator() -> SeedGenerator:
    """The generator behind ``seed=None``."""
    global _global_generator
    if _global_generator is None:
        _global_generator = SeedGenerator(name="global_seed_generator")
    return _global_generator


def draw_seed(seed):
    """``seed`` (None, int or SeedGenerator) -> a seed tensor of shape (2,).

    None draws from the global generator (a new seed each call); an int gives
    the same seed every time; a SeedGenerator gives its next seed.
    """
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        return global_seed_generator().next()
    if isinstance(seed, int) and not isinstance(seed, bool):
        return _seed_tensor(seed)
    raise ValueError(
        f"kc.random: seed must be None, an int or a kc.random.SeedGenerator, "
        f"got {seed!r} of type {type(seed).__name__}."
    )


def set_random_seed(seed: int) -> None:
    """Seed every source of randomness kc uses, for reproducible runs.

    Seeds Python's `random`, NumPy's global generator, kc's global seed
    generator (behind ``seed=None`` and unseeded layers), and the torch and
    TensorFlow global generators when that framework is the backend or is
    already imported.

    Example:
        >>> kc.utils.set_random_seed(1337)
        >>> a = kc.random.normal((2,))
        >>> kc.utils.set_random_seed(1337)
        >>> bool(kc.ops.all(a == kc.random.normal((2,))))
        True
    """
    import sys

    import numpy as np

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"set_random_seed: `seed` must be an int, got {type(seed).__name__}: {seed!r}."
        )
    seed = int(seed)
    global _global_generator
    _python_random.seed(seed)
    np.random.seed(seed % (2**32))
    _global_generator = None  # re-made from the seeded Python generator on next use
    active = backend.backend()
    if active == "torch" or "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)
    if active == "tensorflow" or "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.random.set_seed(seed)
