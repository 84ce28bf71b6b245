"""deserialize_keras_object: Keras-3-shaped configs back to objects, safely."""

from __future__ import annotations

import base64
import builtins
import difflib
import importlib
import inspect
import marshal
import types
from typing import Any

import numpy as np

from kc.serialization._registry import _GLOBAL_CUSTOM_OBJECTS, _lookup_scopes, custom_object_scope
from kc.serialization._safe_mode import SafeModeScope, in_safe_mode

# kc subpackages whose public classes and functions a config may name ("keras.<x>" or
# "kc.<x>"). Anything else in kc/keras (utils, saving, backend, config, ...) is refused.
MODELING_MODULES = frozenset({
    "layers", "models", "initializers", "activations", "regularizers", "constraints",
    "dtype_policies", "mixed_precision", "quantizers", "losses", "metrics", "optimizers",
    "ops", "random",
})
# Where {"module": "builtins", "class_name": "function", "config": name} is looked up,
# by the object's own __name__ (so "mse" is not found, "mean_squared_error" is: as Keras).
BUILTIN_FUNCTION_MODULES = (
    "kc.activations", "kc.losses", "kc.metrics", "kc.initializers", "kc.regularizers",
    "kc.constraints",
)
_REGISTER_HINT = (
    "Make sure custom classes and functions are decorated with "
    "`@kc.saving.register_keras_serializable()` and imported before loading, or pass them "
    "in `custom_objects`."
)


def deserialize_keras_object(config: Any, custom_objects: dict | None = None,
                             safe_mode: bool = True, module_objects: dict | None = None,
                             **kwargs) -> Any:
    """Rebuilds an object from a config made by `serialize_keras_object` (or by Keras 3).

    Names resolve as in Keras: a class whose "module" is "keras.<x>"/"kc.<x>" is the
    public kc class of that modeling module (layers, initializers, losses, ops, ...);
    other names go through the active `custom_object_scope`s, the global registry
    (`registered_name`), `custom_objects`, then `module_objects`; functions named
    "builtins" last fall back to kc's activations, losses, metrics, ....

    Safe mode (the default) runs no code taken from the config: it refuses Python
    lambdas ("__lambda__" bytecode) and never imports a module outside kc/Keras.
    With `safe_mode=False` (for files you trust) lambdas load and other modules may be
    imported; Keras 3.15 never imports them, kc does only when asked to here.
    An active `SafeModeScope` overrides `safe_mode`.

    Args:
        config: a config dict, a list/tuple/dict of configs, a name, or a primitive.
        custom_objects: optional dict `{name: class_or_function}`.
        safe_mode: whether to refuse code from the config (see above).
        module_objects: optional dict `{name: object}` of a family module's own names.
        **kwargs: accepted for Keras compatibility and ignored.

    Returns:
        The object. A string that names nothing known is returned unchanged.

    Example:
        >>> config = serialize_keras_object(kc.initializers.Zeros())
        >>> deserialize_keras_object(config)
        <Zeros ...>
    """
    scoped = in_safe_mode()
    safe = scoped if scoped is not None else safe_mode is not False
    with SafeModeScope(safe):
        return _deserialize(config, custom_objects, module_objects, safe)


def _lookup(names, custom_objects, module_objects):
    """(found, object) for the first of `names` in the lookup tables.

    The Keras order: active scopes (innermost first), the global registry,
    `custom_objects`, then `module_objects`.
    """
    names = [n for n in names if isinstance(n, str)]
    for n in names:
        found, obj = _lookup_scopes(n)
        if found:
            return True, obj
    for table in (_GLOBAL_CUSTOM_OBJECTS, custom_objects, module_objects):
        for n in names:
            if table and n in table:
                return True, table[n]
    return False, None


def _deserialize(config, custom_objects, module_objects, safe):
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found, obj = _lookup([config], custom_objects, module_objects)
        return obj if found else config
    if isinstance(config, (list, tuple)):
        return [_deserialize(x, custom_objects, module_objects, safe) for x in config]
    if not isinstance(config, dict):
        raise TypeError(
            "deserialize_keras_object: `config` must be a dict, list, tuple, str or "
            f"primitive, got {type(config).__name__}: {config!r}"
        )
    if "class_name" not in config or "config" not in config:
        return {k: _deserialize(v, custom_objects, module_objects, safe) for k, v in config.items()}
    class_name, inner = config["class_name"], config["config"]
    special = _SPECIAL.get(class_name)
    if special is not None:
        return special(inner, config, safe)
    if class_name == "function":
        return _function(config, custom_objects, module_objects, safe)
    return _instance(config, custom_objects, module_objects, safe)


# --- special forms -------------------------------------------------------------------

def _numpy_dtype(name: str):
    if name == "bfloat16":  # NumPy knows bfloat16 only through ml_dtypes
        import ml_dtypes

        return ml_dtypes.bfloat16
    return np.dtype(name)


def _tensor(inner, config, safe):
    from kc import backend

    value = np.asarray(inner["value"], dtype=_numpy_dtype(inner["dtype"]))
    return backend.convert_to_tensor(value, dtype=inner["dtype"])


def _numpy(inner, config, safe):
    return np.asarray(inner["value"], dtype=_numpy_dtype(inner["dtype"]))


def _bytes(inner, config, safe):
    return inner["value"].encode("utf-8")


def _slice(inner, config, safe):
    return slice(_deserialize(inner["start"], None, None, safe),
                 _deserialize(inner["stop"], None, None, safe),
                 _deserialize(inner["step"], None, None, safe))


def _ellipsis(inner, config, safe):
    return Ellipsis


def _keras_tensor(inner, config, safe):
    from kc.ops import KerasTensor

    return KerasTensor(tuple(inner["shape"]), dtype=inner["dtype"])


def _lambda(inner, config, safe):
    if safe:
        raise ValueError(
            "Requested the deserialization of a Python lambda (\"__lambda__\" config holding "
            "Python bytecode). Loading it would run code from the file, so safe mode refuses "
            "it. If you trust the source, pass `safe_mode=False` to the loading function or "
            "call `kc.serialization.enable_unsafe_deserialization()`."
        )
    value = inner["value"]
    code_text, defaults, closure = (list(value) + [None, None])[:3]
    try:
        code = marshal.loads(base64.decodebytes(code_text.encode("ascii")))
    except (ValueError, EOFError, TypeError) as e:
        raise ValueError(
            "Could not load a \"__lambda__\" config: its bytecode does not unmarshal "
            "(lambdas load only on the Python version that saved them)."
        ) from e
    if not isinstance(code, types.CodeType):
        raise ValueError(f"A \"__lambda__\" config must hold a code object, got {type(code).__name__}.")
    cells = None if closure is None else tuple(types.CellType(x) for x in closure)
    defaults = None if defaults is None else tuple(defaults)
    return types.FunctionType(code, _lambda_globals(), None, defaults, cells)


def _lambda_globals() -> dict:
    import kc

    return {"__builtins__": builtins, "kc": kc, "keras": kc, "np": np, "ops": kc.ops}


def _typespec(inner, config, safe):
    raise NotImplementedError("kc cannot deserialize \"__typespec__\" configs (TensorFlow TypeSpec) yet.")


_SPECIAL = {
    "__tensor__": _tensor, "__numpy__": _numpy, "__bytes__": _bytes, "__slice__": _slice,
    "__ellipsis__": _ellipsis, "__keras_tensor__": _keras_tensor, "__lambda__": _lambda,
    "__typespec__": _typespec,
}


# --- classes and functions -------------------------------------------------------------

def _function(config, custom_objects, module_objects, safe):
    name, module = config["config"], config.get("module")
    if not isinstance(name, str):
        raise TypeError(f"A \"function\" config must name the function with a str, got {name!r}. Full config: {config}")
    found, fn = _lookup([name], custom_objects, module_objects)
    if not found:
        if module in (None, "builtins"):
            fn = _builtin_kc_function(name)
        else:
            fn = _from_module(module, name, config, safe)
    if fn is None:
        raise TypeError(f"Could not locate function {name!r}. {_REGISTER_HINT} Full object config: {config}")
    return fn


def _builtin_kc_function(name):
    if name.startswith("_"):
        return None
    for module_name in BUILTIN_FUNCTION_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        obj = getattr(module, name, None)
        if obj is not None and getattr(obj, "__name__", None) == name and _is_kc_serializable(obj):
            return obj
    return None


def _instance(config, custom_objects, module_objects, safe):
    class_name, inner = config["class_name"], config["config"]
    registered_name = config.get("registered_name") or class_name
    module = config.get("module")
    if not isinstance(class_name, str):
        raise TypeError(f"A config's \"class_name\" must be a str, got {class_name!r}. Full config: {config}")
    # As Keras: a kc/Keras built-in named by its module wins over the lookup tables.
    cls, kc_error = None, None
    if isinstance(module, str) and module.split(".")[0] in ("keras", "kc"):
        try:
            cls = _from_module(module, class_name, config, safe)
        except (ValueError, ImportError) as e:
            kc_error = e
    if cls is None:
        found, cls = _lookup([registered_name, class_name], custom_objects, module_objects)
    if cls is None and kc_error is not None:
        raise kc_error
    if cls is None and module is not None:
        cls = _from_module(module, class_name, config, safe)
    if cls is None:
        raise TypeError(f"Could not locate class {class_name!r}. {_REGISTER_HINT} Full object config: {config}")
    if not inspect.isclass(cls):
        return cls  # a function named as a class (Keras returns it as is)
    if not isinstance(inner, dict):
        raise TypeError(
            f"Expected 'config' to be a dict for {class_name}, got {type(inner).__name__}. "
            f"Full config: {config}"
        )
    if not hasattr(cls, "from_config"):
        raise TypeError(
            f"Unable to reconstruct an instance of {class_name!r} because the class is missing a "
            f"`from_config()` method. Full object config: {config}"
        )
    with custom_object_scope(custom_objects):
        try:
            instance = cls.from_config(inner)
        except TypeError as e:
            raise TypeError(
                f"{cls.__name__}.from_config() failed on the config {inner}: {str(e).rstrip('.')}. If get_config() "
                "returns objects (layers, initializers, ...), from_config() must deserialize them."
            ) from e
        build_config = config.get("build_config")
        if build_config and hasattr(instance, "build_from_config"):
            instance.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(instance, "compile_from_config"):
            instance.compile_from_config(compile_config)
    return instance


def _from_module(module, name, config, safe):
    """Resolves `name` through the config's "module"; None when not found."""
    if not isinstance(module, str):
        raise TypeError(f"A config's \"module\" must be a str or None, got {module!r}. Full config: {config}")
    parts = module.split(".")
    if parts[0] in ("keras", "kc"):
        return _from_kc(parts[1:], module, name)
    if safe:
        raise ValueError(
            f"Refusing to resolve {name!r} from module {module!r}: safe mode (the default) "
            "never imports a module named in a config outside kc/Keras. Register the object "
            "with `@kc.saving.register_keras_serializable()`, pass it in `custom_objects`, or, "
            "if you trust the source of this config, pass `safe_mode=False`."
            f" Full object config: {config}"
        )
    mod = importlib.import_module(module)
    return getattr(mod, name, None)


def _is_kc_serializable(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    if not (module == "kc" or module.startswith("kc.")):
        return False
    if inspect.isclass(obj):
        return hasattr(obj, "from_config") or hasattr(obj, "get_config")
    return callable(obj) and not inspect.ismodule(obj)


def _from_kc(rest, module, name):
    where = f"{module}.{name}"
    if name.startswith("_") or any(p.startswith("_") for p in rest if p != "src"):
        raise ValueError(f"Could not deserialize {where!r}: private names are never deserialized.")
    if not rest:  # "keras.Sequential", "keras.DTypePolicy": kc's top-level names
        import kc

        entry = kc._NAMES.get(name)
        try:
            obj = getattr(kc, name) if entry is not None and entry[1] is not None else None
        except AttributeError:  # its home module does not define it (yet)
            obj = None
        if obj is None or not inspect.isclass(obj) or not _is_kc_serializable(obj):
            raise ValueError(
                f"Could not deserialize {where!r}: the top-level `keras` module has no "
                f"serializable class {name!r}."
            )
        return obj
    if rest[:2] == ["src", "backend"] and len(rest) > 3 and rest[3] == "optimizers":
        # Keras on torch/tf saves its backend subclasses ("keras.src.backend.torch.optimizers.
        # torch_adam.Adam"): the same optimizers as kc.optimizers.
        candidates = ["kc.optimizers"]
    elif rest[0] == "src":  # Keras-internal paths, e.g. "keras.src.models.functional"
        if len(rest) < 2 or rest[1] not in MODELING_MODULES:
            raise ValueError(f"Could not deserialize {where!r}: not a modeling module.")
        candidates = [f"kc.{rest[1]}"] + ([f"kc.{rest[1]}.{rest[2]}"] if len(rest) > 2 else [])
    else:
        if rest[0] not in MODELING_MODULES:
            raise ValueError(
                f"Could not deserialize {where!r}: it is not a modeling object (layers, models, "
                "initializers, activations, regularizers, constraints, dtype policies, losses, "
                "metrics, optimizers, ops, random). Other APIs are refused during "
                "deserialization for security."
            )
        candidates = ["kc." + ".".join(rest)]
    tried = []
    for candidate in candidates:
        try:
            mod = importlib.import_module(candidate)
        except ModuleNotFoundError as e:
            if e.name is not None and candidate.startswith(e.name) and candidate != candidates[0]:
                continue  # an optional Keras-internal subpackage kc does not have
            raise ImportError(f"Deserializing {where!r} needs the kc module {candidate!r}, which is not available: {e}") from e
        tried.append(mod)
        obj = getattr(mod, name, None)
        if obj is not None and not inspect.ismodule(obj):
            canonical = getattr(obj, "__name__", None)
            if _is_kc_serializable(obj) and canonical == name:
                return obj
            if _is_kc_serializable(obj):  # as Keras: configs name the canonical name
                raise ValueError(
                    f"Could not deserialize {where!r}: {name!r} is an alias; a config must name "
                    f"{canonical!r}."
                )
            raise ValueError(f"Could not deserialize {where!r}: {candidate}.{name} is not a serializable kc class or function.")
    public = sorted({n for mod in tried for n in dir(mod) if not n.startswith("_")})
    close = difflib.get_close_matches(name, public, n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ValueError(f"Could not deserialize {where!r}: {', '.join(candidates)} has no class or function {name!r}.{hint}")
