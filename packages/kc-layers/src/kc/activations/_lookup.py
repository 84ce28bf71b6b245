"""`get`, `serialize` and `deserialize` for activation functions."""

from __future__ import annotations

from typing import Any, Callable

from kc.activations import _functions as F
from kc.serialization import deserialize_keras_object, serialize_keras_object
from kc.serialization._registry import lookup_object

# Every name Keras resolves, with the aliases (`swish` is `silu`, `hard_swish` is `hard_silu`).
ALL_OBJECTS: dict[str, Callable] = {
    fn_name: getattr(F, fn_name)
    for fn_name in (
        "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
        "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
        "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus",
        "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh",
        "tanh_shrink", "threshold",
    )
}
# Built-in function -> the name it serializes to (an alias writes its function's own name).
_BUILTIN_NAMES: dict[Callable, str] = {fn: fn.__name__ for fn in ALL_OBJECTS.values()}


def _valid_names() -> str:
    return ", ".join(sorted(ALL_OBJECTS))


def _lookup(name: str, custom_objects: dict | None, where: str) -> Callable:
    return lookup_object(name, ALL_OBJECTS, "activation function", where, custom_objects)


def serialize(activation: Callable) -> str | dict:
    """The config of an activation: a built-in function's name, or a config dict.

    Built-in functions serialize to their name (`swish` to ``"silu"``, as in
    Keras); other functions and objects to a Keras config dict
    (`kc.saving.serialize_keras_object`).

    Args:
        activation: an activation function or callable object.

    Returns:
        A name or a config dict.

    Example:
        >>> kc.activations.serialize(kc.activations.relu)
        'relu'
    """
    try:
        name = _BUILTIN_NAMES.get(activation)
    except TypeError:  # unhashable callable object
        name = None
    if name is not None:
        return name
    if activation is None or isinstance(activation, str):
        raise (TypeError if activation is None else ValueError)(
            f"kc.activations.serialize: expected an activation function, got {activation!r}. "
            "A string is already serialized; use `get(name)` to look it up."
        )
    return serialize_keras_object(activation)


def deserialize(config: str | dict, custom_objects: dict | None = None) -> Callable:
    """The activation function a config names.

    Args:
        config: a name (``"relu"``, a registered ``"package>name"``) or a config
            dict as `serialize` writes it.
        custom_objects: optional dict ``{name: function}`` of custom activations.

    Returns:
        The function (or callable object).

    Example:
        >>> kc.activations.deserialize("relu") is kc.activations.relu
        True

    kc raises ValueError for an unknown name (Keras 3 returns the string unchanged).
    """
    if isinstance(config, str):
        return _lookup(config, custom_objects, "kc.activations.deserialize")
    if isinstance(config, dict):
        if config.get("class_name") == "function" and isinstance(config.get("config"), str):
            return _lookup(config["config"], custom_objects, "kc.activations.deserialize")
        return deserialize_keras_object(
            config, custom_objects=custom_objects, module_objects=ALL_OBJECTS
        )
    raise TypeError(
        "kc.activations.deserialize: `config` must be a name or a config dict, got "
        f"{type(config).__name__}: {config!r}"
    )


def get(identifier: Any) -> Callable:
    """An activation function from a name, a config dict or a callable.

    Args:
        identifier: None (gives `linear`), a name, a config dict, or a callable
            (returned as is).

    Returns:
        The activation function.

    Example:
        >>> kc.activations.get("relu") is kc.activations.relu
        True
        >>> kc.activations.get(None) is kc.activations.linear
        True

    kc also resolves names of registered and scoped custom functions, which
    Keras 3's `get` refuses (its `deserialize` accepts them).
    """
    if identifier is None:
        return F.linear
    if isinstance(identifier, (str, dict)):
        obj = deserialize(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(
        f"kc.activations.get: could not interpret activation function identifier {identifier!r}: "
        f"expected None, a name ({_valid_names()}), a config dict or a callable."
    )

