"""serialize_keras_object: objects to Keras-3-shaped config dicts."""

from __future__ import annotations

import base64
import inspect
import marshal
import sys
import types
import warnings
from typing import Any

import numpy as np

from kc.serialization._registry import _GLOBAL_CUSTOM_NAMES

_PRIMITIVES = (str, int, float, bool)  # Python subclasses too (np.float64 is a float)


def public_keras_module(cls: type) -> str | None:
    """The module name Keras writes for the kc class or function `cls`.

    A class attribute `_keras_module` set on the class itself wins; else the public
    part of `cls.__module__` (up to the first private component), with "kc"
    written as "keras": "kc.initializers._random" -> "keras.initializers".
    Non-kc objects keep their real module ("__main__" is written as None, as Keras does).
    """
    override = cls.__dict__.get("_keras_module") if isinstance(cls, type) else None
    if override is not None:
        return override
    module = getattr(cls, "__module__", None)
    if module is None or module == "__main__":
        return None
    parts = module.split(".")
    if parts[0] != "kc":
        return module
    public = []
    for part in parts:
        if part.startswith("_"):
            break
        public.append(part)
    if public[1:2] == ["layers"]:
        return "keras.layers"  # kc groups layers in subpackages; Keras exports them flat
    return ".".join(["keras"] + public[1:])


def _is_kc_object(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module == "kc" or module.startswith("kc.")


def _backend_is_tensor(obj) -> bool:
    backend = sys.modules.get("kc.backend")
    if backend is None:  # no backend in use yet: nothing can be a backend tensor
        return False
    return backend.is_tensor(obj)


def _tensor_config(obj, class_name: str) -> dict:
    from kc import backend, dtypes

    value = backend.convert_to_numpy(obj)
    return {"class_name": class_name,
            "config": {"value": value.tolist(), "dtype": dtypes.standardize_dtype(value.dtype)}}


def _lambda_config(fn: types.FunctionType) -> dict:
    warnings.warn(
        "Serializing a Python lambda writes its bytecode; loading it back needs "
        "`safe_mode=False` and the same Python version. Prefer a named function registered "
        "with `@kc.saving.register_keras_serializable()`.",
        stacklevel=3,
    )
    code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
    closure = None
    if fn.__closure__ is not None:
        closure = tuple(cell.cell_contents for cell in fn.__closure__)
    return {"class_name": "__lambda__", "config": {"value": (code, fn.__defaults__, closure)}}


def _function_config(fn) -> dict:
    name = _GLOBAL_CUSTOM_NAMES.get(fn) or fn.__name__
    return {"module": "builtins", "class_name": "function", "config": name,
            "registered_name": "function"}


def _keras_tensor_config(obj) -> dict:
    history = getattr(obj, "_keras_history", None)
    if history is not None:
        operation, node_index, tensor_index = history
        history = [getattr(operation, "name", operation), node_index, tensor_index]
    return {"class_name": "__keras_tensor__",
            "config": {"shape": tuple(obj.shape), "dtype": obj.dtype, "keras_history": history}}


def serialize_keras_object(obj: Any) -> Any:
    """Turns `obj` into a JSON-friendly config that `deserialize_keras_object` reads back.

    The output is the same as Keras 3's: primitives pass through, lists/tuples/dicts
    are walked, objects with `get_config()` become
    `{"module", "class_name", "config", "registered_name"}` dicts (plus "build_config"
    and "compile_config" when the object provides them), functions become
    `{"module": "builtins", "class_name": "function", "config": name, ...}`, tensors,
    bytes, slices, `...` and lambdas get Keras's special `"__tensor__"`, `"__numpy__"`,
    `"__bytes__"`, `"__slice__"`, `"__ellipsis__"`, `"__lambda__"` forms.

    Args:
        obj: the object.

    Returns:
        The config: a dict, list, tuple or primitive.

    Example:
        >>> serialize_keras_object(kc.initializers.Zeros())
        {'module': 'keras.initializers', 'class_name': 'Zeros', 'config': {}, 'registered_name': None}
    """
    if obj is None or isinstance(obj, _PRIMITIVES):
        return obj
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        return _lambda_config(obj)
    if type(obj).__name__ == "KerasTensor" and _is_kc_object(type(obj)):
        return _keras_tensor_config(obj)
    if isinstance(obj, (np.ndarray, np.generic)) and not isinstance(obj, (np.str_, np.bytes_, np.void)):
        # On the NumPy backend NumPy values are the tensors; elsewhere arrays are written
        # as "__numpy__" and NumPy scalars unwrapped (as Keras does).
        from kc import config as kc_config

        if kc_config.backend() == "numpy":
            return _tensor_config(obj, "__tensor__")
        return _tensor_config(obj, "__numpy__") if isinstance(obj, np.ndarray) else obj.item()
    if _backend_is_tensor(obj):
        return _tensor_config(obj, "__tensor__")
    if isinstance(obj, slice):
        return {"class_name": "__slice__",
                "config": {"start": serialize_keras_object(obj.start),
                           "stop": serialize_keras_object(obj.stop),
                           "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, list):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, tuple):
        return tuple(serialize_keras_object(x) for x in obj)
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, type):
        raise TypeError(
            f"Cannot serialize the class {obj.__qualname__} itself; serialize an instance "
            "(its config is written), or register the class and write its registered name "
            "(get_registered_name)."
        )
    if inspect.isfunction(obj) or inspect.isbuiltin(obj) or isinstance(obj, np.ufunc):
        return _function_config(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize object {obj!r} of type {type(obj).__name__}. To be serializable, "
            "a class must implement the `get_config()` method."
        )
    return _object_config(obj)


def _object_config(obj) -> dict:
    cls = type(obj)
    try:
        config = obj.get_config()
    except NotImplementedError as e:
        raise NotImplementedError(
            f"Cannot serialize {cls.__name__}: its get_config() is not implemented. Override "
            "get_config() to return the constructor arguments."
        ) from e
    registered = _GLOBAL_CUSTOM_NAMES.get(cls)
    if registered is not None:  # a registered object keeps its real module
        module = None if cls.__module__ == "__main__" else cls.__module__
        registered_name = registered
    elif _is_kc_object(cls):
        module = public_keras_module(cls)
        registered_name = cls.__dict__.get("_keras_registered_name")
    else:
        module, registered_name = public_keras_module(cls), cls.__name__
    result = {"module": module, "class_name": cls.__name__,
              "config": serialize_keras_object(config), "registered_name": registered_name}
    get_build_config = getattr(obj, "get_build_config", None)
    if callable(get_build_config):
        build_config = get_build_config()
        if build_config is not None:
            result["build_config"] = serialize_keras_object(build_config)
    get_compile_config = getattr(obj, "get_compile_config", None)
    if callable(get_compile_config):
        compile_config = get_compile_config()
        if compile_config is not None:
            result["compile_config"] = serialize_keras_object(compile_config)
    return result
