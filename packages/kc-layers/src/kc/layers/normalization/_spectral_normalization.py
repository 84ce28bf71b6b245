"""`SpectralNormalization`: divides a wrapped layer's kernel by its largest singular value.

Example:
    >>> layer = kc.layers.SpectralNormalization(kc.layers.Dense(3))
    >>> layer(np.ones((2, 4), "float32"), training=True).shape
    (2, 3)
"""

from __future__ import annotations

from kc import initializers, ops
from kc.layers.wrappers._wrapper import Wrapper


def _l2_normalize(x):
    return ops.multiply(x, ops.rsqrt(ops.maximum(ops.sum(ops.square(x)), 1e-12)))


class SpectralNormalization(Wrapper):
    """Wraps a layer with a ``kernel`` (or ``embeddings``) and, in training,
    replaces it by ``kernel / sigma`` where ``sigma`` (its spectral norm) is
    estimated by power iteration with a persistent vector ``vector_u``.

    Args:
        layer: the layer to wrap (e.g. `Dense`, `Conv2D`, `Embedding`).
        power_iterations: power-iteration steps per training call (>= 1).

    Example:
        >>> sn = kc.layers.SpectralNormalization(kc.layers.Dense(4), power_iterations=2)
    """

    _keras_module = "keras.layers"

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if not isinstance(power_iterations, int) or power_iterations < 1:
            raise ValueError(
                f"SpectralNormalization '{self.name}': power_iterations must be an int >= 1, "
                f"got {power_iterations!r}."
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        if getattr(self.layer, "kernel", None) is not None:
            self.kernel = self.layer.kernel
        elif getattr(self.layer, "embeddings", None) is not None:
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(
                f"SpectralNormalization '{self.name}': the wrapped layer "
                f"{type(self.layer).__name__} '{self.layer.name}' has no `kernel` or `embeddings` "
                "weight to normalize."
            )
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(
            name="vector_u", shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False,
            dtype=self.kernel.dtype)

    def call(self, inputs, training=False):
        if training:
            new_u, new_kernel = self.normalized_weights()
            self.vector_u.assign(new_u)
            self.kernel.assign(ops.cast(new_kernel, self.kernel.dtype))
        outputs = self.layer(inputs)
        return ops.cast(outputs, inputs.dtype)

    def normalized_weights(self):
        """``(vector_u, kernel / sigma)`` after ``power_iterations`` power-iteration steps."""
        kernel = self.kernel.value
        weights = ops.reshape(kernel, (-1, self.kernel_shape[-1]))
        u = self.vector_u.value
        v = None
        for _ in range(self.power_iterations):
            v = _l2_normalize(ops.matmul(u, ops.transpose(weights)))
            u = _l2_normalize(ops.matmul(v, weights))
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        sigma = ops.matmul(ops.matmul(v, weights), ops.transpose(u))
        return u, ops.reshape(ops.divide(kernel, sigma), self.kernel_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "power_iterations": self.power_iterations}
