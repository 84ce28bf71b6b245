"""`kc.utils`: Keras's grab-bag of helpers, each served by the package that owns it.

Names resolve on first use; a name whose distribution is not installed raises
ImportError saying which one to install.
"""

from kc import _lazy

_OPS, _LAYERS, _DATA, _TRAIN, _IO = "kc-ops", "kc-layers", "kc-data", "kc-train", "kc-io"

_NAMES: dict = {
    # kc-ops
    "clear_session": ("kc.backend", "clear_session", _OPS),
    "is_keras_tensor": ("kc.backend", "is_keras_tensor", _OPS),
    "standardize_dtype": ("kc.backend", "standardize_dtype", _OPS),
    "Config": ("kc.utils._config", "Config", _OPS),
    "set_random_seed": ("kc.random._seed_generator", "set_random_seed", _OPS),
    "enable_interactive_logging": ("kc.config", "enable_interactive_logging", _OPS),
    "disable_interactive_logging": ("kc.config", "disable_interactive_logging", _OPS),
    "is_interactive_logging_enabled": ("kc.config", "is_interactive_logging_enabled", _OPS),
    # kc-layers: the object registry
    "CustomObjectScope": ("kc.serialization", "CustomObjectScope", _LAYERS),
    "custom_object_scope": ("kc.serialization", "custom_object_scope", _LAYERS),
    "get_custom_objects": ("kc.serialization", "get_custom_objects", _LAYERS),
    "get_registered_name": ("kc.serialization", "get_registered_name", _LAYERS),
    "get_registered_object": ("kc.serialization", "get_registered_object", _LAYERS),
    "register_keras_serializable": ("kc.serialization", "register_keras_serializable", _LAYERS),
    "serialize_keras_object": ("kc.serialization", "serialize_keras_object", _LAYERS),
    "deserialize_keras_object": ("kc.serialization", "deserialize_keras_object", _LAYERS),
    "get_source_inputs": ("kc.layers._input_layer", "get_source_inputs", _LAYERS),
    # kc-train
    "Progbar": ("kc.train._progbar", "Progbar", _TRAIN),
    # kc-data
    "PyDataset": ("kc.data", "PyDataset", _DATA),
    "Sequence": ("kc.data", "Sequence", _DATA),
    "pack_x_y_sample_weight": ("kc.data", "pack_x_y_sample_weight", _DATA),
    "unpack_x_y_sample_weight": ("kc.data", "unpack_x_y_sample_weight", _DATA),
    "to_categorical": ("kc.data", "to_categorical", _DATA),
    "normalize": ("kc.data", "normalize", _DATA),
    "pad_sequences": ("kc.data", "pad_sequences", _DATA),
    "timeseries_dataset_from_array": ("kc.data", "timeseries_dataset_from_array", _DATA),
    "image_dataset_from_directory": ("kc.data", "image_dataset_from_directory", _DATA),
    "text_dataset_from_directory": ("kc.data", "text_dataset_from_directory", _DATA),
    "audio_dataset_from_directory": ("kc.data", "audio_dataset_from_directory", _DATA),
    "split_dataset": ("kc.data", "split_dataset", _DATA),
    "get_file": ("kc.data", "get_file", _DATA),
    "load_img": ("kc.data", "load_img", _DATA),
    "img_to_array": ("kc.data", "img_to_array", _DATA),
    "array_to_img": ("kc.data", "array_to_img", _DATA),
    "save_img": ("kc.data", "save_img", _DATA),
}


def __getattr__(name: str):
    value = _lazy.resolve(_NAMES, "kc.utils", name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_NAMES))
