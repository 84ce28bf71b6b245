"""`Identity` and `Masking`: layers that pass data through (or mark it).

Example:
    >>> y = kc.layers.Masking(0.0)(np.array([[[1.0], [0.0]]], "float32"))
"""

from __future__ import annotations

from kc import ops, tree
from kc.layers._layer import Layer


class Identity(Layer):
    """Returns its input unchanged (masks pass through).

    Example:
        >>> kc.layers.Identity()(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    _keras_module = "keras.layers"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True  # no weights: built from the start, as in Keras

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs):
        from kc.ops import KerasTensor

        return tree.map_structure(
            lambda x: KerasTensor(x.shape, dtype=x.dtype, sparse=getattr(x, "sparse", False)),
            inputs)

    def get_config(self) -> dict:
        return super().get_config()


class Masking(Layer):
    """Masks timesteps whose features all equal ``mask_value``.

    The output is the input with those timesteps zeroed, and carries the mask
    ``any(inputs != mask_value, axis=-1)`` for downstream layers (RNNs, attention).

    Args:
        mask_value: the padding value.

    Example:
        >>> x = np.array([[[1.0, 2.0], [0.0, 0.0]]], "float32")
        >>> kc.layers.Masking()(x).shape
        (1, 2, 2)
    """

    _keras_module = "keras.layers"

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True  # no weights: built from the start, as in Keras

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.multiply(inputs, ops.cast(keep, inputs.dtype))

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
