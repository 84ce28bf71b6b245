"""The object registry: registered custom objects and `custom_object_scope`."""

from __future__ import annotations

import inspect
import threading
from typing import Any, Callable

# "package>name" -> object, and object -> "package>name" (Keras keeps both).
_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
_GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_SCOPES = threading.local()


def _scope_stack() -> list[dict]:
    stack = getattr(_SCOPES, "stack", None)
    if stack is None:
        stack = _SCOPES.stack = []
    return stack


def _lookup_scopes(name: str):
    """The object named `name` in the innermost active custom-object scope that has it."""
    for objects in reversed(_scope_stack()):
        if name in objects:
            return True, objects[name]
    return False, None


class CustomObjectScope:
    """Makes custom objects visible to deserialization inside a `with` block.

    Scopes nest; the innermost scope that has a name wins. Scopes are per thread.

    Args:
        custom_objects: dict `{name: class_or_function}`, or None.

    Example:
        >>> with custom_object_scope({"MyLayer": MyLayer}):
        ...     layer = deserialize_keras_object(config)
    """

    def __init__(self, custom_objects: dict | None):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(
                "CustomObjectScope: `custom_objects` must be a dict {name: object} or None, "
                f"got {type(custom_objects).__name__}: {custom_objects!r}"
            )
        self.custom_objects = dict(custom_objects or {})
        self._entered = 0

    def __enter__(self) -> "CustomObjectScope":
        _scope_stack().append(self.custom_objects)
        self._entered += 1
        return self

    def __exit__(self, *exc) -> None:
        stack = _scope_stack()
        # Remove our own entry (the innermost one that is ours).
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is self.custom_objects:
                del stack[i]
                break
        self._entered -= 1


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict:
    """The global dict of registered custom objects (mutable, as in Keras).

    Adding an entry `get_custom_objects()["MyLayer"] = MyLayer` makes it resolvable by
    that name. Objects active only through `custom_object_scope` are not in it.

    Example:
        >>> get_custom_objects().clear()
    """
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """Decorator registering a class or function under the name `"package>name"`.

    Registered objects serialize with that `registered_name` and deserialize without
    `custom_objects`. A class must define `get_config()`. Registering a name again
    replaces the earlier object (as in Keras).

    Args:
        package: the package part of the registered name.
        name: the name part; defaults to the object's `__name__`.

    Returns:
        The decorator; it returns the object unchanged.

    Example:
        >>> @register_keras_serializable(package="my_package")
        ... class MyLayer(kc.layers.Layer):
        ...     pass
        >>> get_registered_name(MyLayer)
        'my_package>MyLayer'
    """

    def decorator(arg):
        obj_name = name
        if obj_name is None:
            obj_name = getattr(arg, "__name__", None)
            if not isinstance(obj_name, str):
                raise TypeError(
                    "register_keras_serializable: can register only a class or a function "
                    f"(or pass `name=`); got {type(arg).__name__}: {arg!r}"
                )
        registered_name = f"{package}>{obj_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError(
                f"Cannot register a class that does not have a get_config() method: "
                f"{arg.__qualname__} (registering as {registered_name!r})."
            )
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj: Any) -> str:
    """The name `obj` is registered under, else its `__name__`.

    Args:
        obj: a class or function.

    Returns:
        `"package>name"` for objects registered with `register_keras_serializable`,
        else `obj.__name__`.

    Example:
        >>> get_registered_name(kc.layers.Dense)
        'Dense'
    """
    try:
        registered = _GLOBAL_CUSTOM_NAMES.get(obj)
    except TypeError:  # unhashable
        registered = None
    if registered is not None:
        return registered
    obj_name = getattr(obj, "__name__", None)
    if not isinstance(obj_name, str):
        raise TypeError(
            "get_registered_name: expected a class or a function, got an instance of "
            f"{type(obj).__name__}: {obj!r}. Pass its class, type(obj)."
        )
    return obj_name


def get_registered_object(name: str, custom_objects: dict | None = None,
                          module_objects: dict | None = None) -> Any:
    """The object registered under `name`, or None.

    Looks in, in order: active `custom_object_scope`s (innermost first), the global
    registry, `custom_objects`, then `module_objects` (the Keras order).

    Args:
        name: the registered name (`"package>name"`) or a plain name.
        custom_objects: optional dict `{name: object}`.
        module_objects: optional dict `{name: object}`, a module's own table.

    Returns:
        The object, or None when no table has `name`.

    Example:
        >>> get_registered_object("my_package>MyLayer")
        <class 'MyLayer'>
    """
    found, obj = _lookup_scopes(name)
    if found:
        return obj
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def lookup_object(name: str, table: dict, kind: str, where: str, custom_objects: dict | None = None):
    """The object a family's string identifier names, or a ValueError listing the valid names.

    Looks ``name`` up like `get_registered_object` (scopes, registry, ``custom_objects``,
    then the family's ``table``); families such as kc.regularizers use it in `get`/`deserialize`.

    Example:
        >>> lookup_object("l2", ALL_OBJECTS, "regularizer", "kc.regularizers.get")
    """
    obj = get_registered_object(name, custom_objects=custom_objects, module_objects=table)
    if obj is None:
        raise ValueError(
            f"{where}: unknown {kind} {name!r}. Valid names: {', '.join(sorted(table))}; "
            "or register a custom class with `kc.saving.register_keras_serializable()` or pass it "
            "in `custom_objects`."
        )
    return obj


def deserialize_family_object(config, custom_objects: dict | None, table: dict, kind: str,
                              family: str):
    """`deserialize` of a family module such as kc.constraints (``family``) of ``kind``
    "constraint": a config dict through `deserialize_keras_object`, a name through
    `lookup_object` (a class found is instantiated with its defaults)."""
    from kc.serialization._deserialize import deserialize_keras_object

    if isinstance(config, str):
        return _instance(lookup_object(config, table, kind, f"{family}.deserialize",
                                       custom_objects))
    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=table)


def get_family_object(identifier, table: dict, kind: str, family: str):
    """`get` of a family module such as kc.regularizers (``family``) of ``kind`` "regularizer":
    None stays None, a name or config dict is deserialized, a class is instantiated, any other
    callable is returned; anything else is a ValueError listing the valid names."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _instance(lookup_object(identifier, table, kind, f"{family}.get"))
    obj = (deserialize_family_object(identifier, None, table, kind, family)
           if isinstance(identifier, dict) else identifier)
    if callable(obj):
        return _instance(obj)
    raise ValueError(
        f"{family}.get: could not interpret {kind} identifier {identifier!r}: "
        f"expected None, a name ({', '.join(sorted(table))}), a config dict or a callable."
    )


def _instance(obj):
    return obj() if inspect.isclass(obj) else obj
