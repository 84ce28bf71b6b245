"""Multiplicative and additive Gaussian noise: `GaussianDropout`, `GaussianNoise`.

Both are the identity at inference.

Example:
    >>> kc.layers.GaussianNoise(0.1)(np.ones((2, 3), "float32"), training=True).shape
    (2, 3)
"""

from __future__ import annotations

import math

from kc import ops, random
from kc.layers._layer import Layer
from kc.layers.regularization._dropout import check_rate


class GaussianDropout(Layer):
    """In training, multiplies the input by noise from ``N(1, rate / (1 - rate))``.

    Args:
        rate: drop probability of the equivalent dropout, in [0, 1).
        seed: int seed.

    Example:
        >>> kc.layers.GaussianDropout(0.2)(np.ones((2, 3), "float32"), training=True).shape
        (2, 3)
    """

    _keras_module = "keras.layers"

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(self, rate)
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True  # no weights: built from the start, as in Keras

    def call(self, inputs, training=False):
        if training and 0 < self.rate < 1:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = random.normal(ops.shape(inputs), mean=1.0, stddev=stddev,
                                  dtype=inputs.dtype, seed=self.seed_generator)
            return ops.multiply(inputs, noise)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class GaussianNoise(Layer):
    """In training, adds noise from ``N(0, stddev**2)`` to the input.

    Args:
        stddev: standard deviation of the noise (>= 0).
        seed: int seed.

    Example:
        >>> kc.layers.GaussianNoise(0.1)(np.ones((2, 3), "float32"), training=True).shape
        (2, 3)
    """

    _keras_module = "keras.layers"

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(stddev, (int, float)) or isinstance(stddev, bool) or stddev < 0:
            raise ValueError(
                f"GaussianNoise '{self.name}': stddev must be a number >= 0, got {stddev!r}."
            )
        self.stddev = stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True  # no weights: built from the start, as in Keras

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = random.normal(ops.shape(inputs), mean=0.0, stddev=self.stddev,
                                  dtype=inputs.dtype, seed=self.seed_generator)
            return ops.add(inputs, noise)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class ActivityRegularization(Layer):
    """The identity, adding ``l1 * sum(|x|) + l2 * sum(x**2)`` (per batch sample) to `losses`.

    Args:
        l1: L1 factor (>= 0).
        l2: L2 factor (>= 0).

    Example:
        >>> layer = kc.layers.ActivityRegularization(l2=0.01)
        >>> _ = layer(np.ones((2, 3), "float32")); len(layer.losses)
        1
    """

    _keras_module = "keras.layers"

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        from kc import regularizers

        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2
        self.supports_masking = True
        self.built = True  # no weights: built from the start, as in Keras

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)  # rebuilt from l1/l2, as in Keras
        return {**config, "l1": self.l1, "l2": self.l2}
