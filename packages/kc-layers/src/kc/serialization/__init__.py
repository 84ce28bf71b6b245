"""`kc.serialization`: the object registry and Keras-3-shaped (de)serialization.

`serialize_keras_object` writes the same config dicts Keras 3 writes (module names
"keras.layers", "keras.initializers", ...), so kc's configs load in Keras 3 and Keras 3's
configs load in kc. `deserialize_keras_object` runs in safe mode by default: no code from
a config runs and no module outside kc/Keras is imported. `kc.saving` re-exports these
names under their Keras spelling.

Example:
    >>> @register_keras_serializable(package="demo")
    ... class Scale:
    ...     def __init__(self, factor=2.0):
    ...         self.factor = factor
    ...     def get_config(self):
    ...         return {"factor": self.factor}
    ...     @classmethod
    ...     def from_config(cls, config):
    ...         return cls(**config)
    >>> config = serialize_keras_object(Scale(3.0))
    >>> config["registered_name"], deserialize_keras_object(config).factor
    ('demo>Scale', 3.0)
"""

from kc.serialization._deserialize import deserialize_keras_object as deserialize_keras_object
from kc.serialization._registry import CustomObjectScope as CustomObjectScope
from kc.serialization._registry import custom_object_scope as custom_object_scope
from kc.serialization._registry import get_custom_objects as get_custom_objects
from kc.serialization._registry import get_registered_name as get_registered_name
from kc.serialization._registry import get_registered_object as get_registered_object
from kc.serialization._registry import register_keras_serializable as register_keras_serializable
from kc.serialization._safe_mode import SafeModeScope as SafeModeScope
from kc.serialization._safe_mode import enable_unsafe_deserialization as enable_unsafe_deserialization
from kc.serialization._safe_mode import in_safe_mode as in_safe_mode
from kc.serialization._serialize import public_keras_module as public_keras_module
from kc.serialization._serialize import serialize_keras_object as serialize_keras_object

__all__ = [
    "CustomObjectScope", "SafeModeScope", "custom_object_scope", "deserialize_keras_object",
    "enable_unsafe_deserialization", "get_custom_objects", "get_registered_name",
    "get_registered_object", "in_safe_mode", "public_keras_module", "register_keras_serializable",
    "serialize_keras_object",
]
