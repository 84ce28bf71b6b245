"""`Wrapper`: the base of layers that wrap another layer (`TimeDistributed`, ...).

Example:
    >>> class Twice(kc.layers.Wrapper):
    ...     def call(self, x):
    ...         return self.layer(self.layer(x))
"""

from __future__ import annotations

from kc.layers._layer import Layer


class Wrapper(Layer):
    """A layer that holds another layer, ``self.layer``, and builds it on first use.

    Args:
        layer: the wrapped layer instance.
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': layer must be a Layer instance, got "
                f"{layer!r} of type {type(layer).__name__}."
            )
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)

    def get_config(self) -> dict:
        from kc.serialization import serialize_keras_object

        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from kc.serialization import deserialize_keras_object

        config = dict(config)
        layer = config["layer"]
        if isinstance(layer, dict) and "build_config" in layer:  # built later, in our scope
            layer = {k: v for k, v in layer.items() if k != "build_config"}
        config["layer"] = deserialize_keras_object(layer, custom_objects=custom_objects)
        return super().from_config(config)
