"""`kc.saving`: Keras's `keras.saving` namespace.

The file functions (`save_model`, `load_model`, `save_weights`, `load_weights`,
`KerasFileEditor`) read and write Keras 3.15's `.keras` and `.weights.h5` files; the
object-registry and (de)serialization names are served by `kc.serialization`
(kc-layers).

Example:
    >>> import kc as keras
    >>> @keras.saving.register_keras_serializable(package="demo")
    ... def double(x):
    ...     return 2 * x
    >>> keras.saving.serialize_keras_object(double)["config"]
    'demo>double'
"""

from kc.saving._api import load_model as load_model
from kc.saving._api import load_weights as load_weights
from kc.saving._api import model_from_json as model_from_json
from kc.saving._api import save_model as save_model
from kc.saving._api import save_weights as save_weights
from kc.saving._editor import KerasFileEditor as KerasFileEditor
from kc.serialization import CustomObjectScope as CustomObjectScope
from kc.serialization import custom_object_scope as custom_object_scope
from kc.serialization import deserialize_keras_object as deserialize_keras_object
from kc.serialization import get_custom_objects as get_custom_objects
from kc.serialization import get_registered_name as get_registered_name
from kc.serialization import get_registered_object as get_registered_object
from kc.serialization import register_keras_serializable as register_keras_serializable
from kc.serialization import serialize_keras_object as serialize_keras_object

__all__ = [
    "CustomObjectScope", "KerasFileEditor", "load_model", "load_weights", "model_from_json",
    "save_model", "save_weights", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
    "get_registered_name", "get_registered_object", "register_keras_serializable",
    "serialize_keras_object",
]
