"""`kc.saving`: Keras's `keras.saving` namespace.

For now it holds the object-registry and (de)serialization names, served by
`kc.serialization` (kc-layers). The file functions (`save_model`, `load_model`,
`save_weights`, `load_weights`, ...) come later with the rest of kc-io.

Example:
    >>> import kc as keras
    >>> @keras.saving.register_keras_serializable(package="demo")
    ... def double(x):
    ...     return 2 * x
    >>> keras.saving.serialize_keras_object(double)["config"]
    'demo>double'
"""

from kc.serialization import CustomObjectScope as CustomObjectScope
from kc.serialization import custom_object_scope as custom_object_scope
from kc.serialization import deserialize_keras_object as deserialize_keras_object
from kc.serialization import get_custom_objects as get_custom_objects
from kc.serialization import get_registered_name as get_registered_name
from kc.serialization import get_registered_object as get_registered_object
from kc.serialization import register_keras_serializable as register_keras_serializable
from kc.serialization import serialize_keras_object as serialize_keras_object

__all__ = [
    "CustomObjectScope", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
    "get_registered_name", "get_registered_object", "register_keras_serializable",
    "serialize_keras_object",
]
