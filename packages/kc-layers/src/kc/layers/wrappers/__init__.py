"""Layers that wrap another layer: `Wrapper`, `TimeDistributed`. Exported by `kc.layers`."""

from kc.layers.wrappers._time_distributed import TimeDistributed as TimeDistributed
from kc.layers.wrappers._wrapper import Wrapper as Wrapper

__all__ = ["TimeDistributed", "Wrapper"]

# Keras writes these classes' module as "keras.layers" in configs.
for _cls in (TimeDistributed, Wrapper):
    _cls._keras_module = "keras.layers"
del _cls
