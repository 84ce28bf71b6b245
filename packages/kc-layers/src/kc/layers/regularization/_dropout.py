"""Dropout layers: `Dropout`, `SpatialDropout1D/2D/3D`, `AlphaDropout`.

All are the identity at inference (``training`` false or unset).

Example:
    >>> layer = kc.layers.Dropout(0.5, seed=1)
    >>> layer(np.ones((2, 4), "float32"), training=True).shape
    (2, 4)
"""

from __future__ import annotations

from kc import backend, ops, random
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer


def check_rate(layer: Layer, value, arg: str = "rate", upper_open: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (
        0 <= value < 1 if upper_open else 0 <= value <= 1)
    if not ok:
        bound = "[0, 1)" if upper_open else "[0, 1]"
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': {arg} must be a number in {bound}, got {value!r}."
        )
    return value


def _noise_shape(inputs, noise_shape):
    if noise_shape is None:
        return None
    shape = ops.shape(inputs)
    return tuple(shape[i] if d is None else d for i, d in enumerate(noise_shape))


class _RandomDrop(Layer):
    """What `Dropout` and `AlphaDropout` share: ``rate``, ``noise_shape``, ``seed`` and their
    config; the identity outside training."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(self, rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True  # no weights: built from the start, as in Keras

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


class Dropout(_RandomDrop):
    """In training, sets each input unit to 0 with probability ``rate`` and scales
    the others by ``1 / (1 - rate)``; the identity otherwise.

    Args:
        rate: fraction of the units to drop, in [0, 1].
        noise_shape: shape of the keep/drop pattern, broadcast over the
            input (None entries take the input's size), e.g. ``(batch, 1, features)``.
        seed: int seed of the layer's random stream.

    Example:
        >>> kc.layers.Dropout(0.2)(np.ones((2, 3), "float32")).shape   # inference: identity
        (2, 3)
    """

    _keras_module = "keras.layers"

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            if self.rate >= 1:
                return ops.zeros_like(inputs)
            return random.dropout(inputs, self.rate, noise_shape=self._drop_shape(inputs),
                                  seed=self.seed_generator)
        return inputs

    def _drop_shape(self, inputs):
        """The noise shape of ``inputs``' keep/drop pattern (None: the input's shape)."""
        return _noise_shape(inputs, self.noise_shape)


class _SpatialDropout(Dropout):
    _rank = 3

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=self._rank)

    def get_config(self) -> dict:
        # Keras writes these four keys only, with the policy's name as "dtype".
        return {"rate": self.rate, "seed": self.seed, "name": self.name,
                "dtype": self.dtype_policy.name}


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole channels of ``(batch, steps, channels)`` inputs.

    Args:
        rate: fraction of the channels to drop.
        seed: int seed.

    Example:
        >>> kc.layers.SpatialDropout1D(0.5)(np.ones((2, 5, 3), "float32"), training=True).shape
        (2, 5, 3)
    """

    _keras_module = "keras.layers"
    _rank = 3

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)

    def _drop_shape(self, inputs):
        shape = ops.shape(inputs)
        return (shape[0], 1, shape[2])


class _SpatialDropoutND(_SpatialDropout):
    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = backend.standardize_data_format(data_format)

    def _drop_shape(self, inputs):
        shape = ops.shape(inputs)
        spatial = (1,) * (self._rank - 2)
        if self.data_format == "channels_first":
            return (shape[0], shape[1]) + spatial
        return (shape[0],) + spatial + (shape[-1],)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout2D(_SpatialDropoutND):
    """Dropout of whole feature maps of 4D inputs.

    Args:
        rate: fraction of the channels to drop.
        data_format: "channels_last" (default from the config) or "channels_first".
        seed: int seed.

    Example:
        >>> kc.layers.SpatialDropout2D(0.5)(np.ones((1, 4, 4, 3), "float32"), training=True).shape
        (1, 4, 4, 3)
    """

    _keras_module = "keras.layers"
    _rank = 4

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, data_format=data_format, seed=seed, name=name, dtype=dtype)


class SpatialDropout3D(_SpatialDropoutND):
    """Dropout of whole feature volumes of 5D inputs.

    Args:
        rate: fraction of the channels to drop.
        data_format: "channels_last" (default from the config) or "channels_first".
        seed: int seed.

    Example:
        >>> kc.layers.SpatialDropout3D(0.5)(np.ones((1, 2, 2, 2, 3), "float32"), training=True).shape
        (1, 2, 2, 2, 3)
    """

    _keras_module = "keras.layers"
    _rank = 5

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, data_format=data_format, seed=seed, name=name, dtype=dtype)


# Constants of the SELU activation, which AlphaDropout preserves.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(_RandomDrop):
    """Dropout that keeps the mean and variance of SELU activations.

    Dropped units are set to SELU's negative saturation value, then an affine
    map restores the input's mean and variance (Klambauer et al., 2017).

    Args:
        rate: fraction of the units to drop, in [0, 1].
        noise_shape: shape of the keep/drop pattern (see `Dropout`).
        seed: int seed.

    Example:
        >>> kc.layers.AlphaDropout(0.1)(np.ones((2, 3), "float32"), training=True).shape
        (2, 3)
    """

    _keras_module = "keras.layers"

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        if self.rate >= 1:
            return ops.zeros_like(inputs)
        noise_shape = _noise_shape(inputs, self.noise_shape) or ops.shape(inputs)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        keep = ops.greater_equal(
            random.uniform(noise_shape, seed=self.seed_generator, dtype=inputs.dtype), self.rate)
        keep = ops.cast(keep, inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = ops.add(ops.multiply(inputs, keep), ops.multiply(ops.subtract(1.0, keep), alpha_p))
        return ops.add(ops.multiply(x, a), b)
