"""`get`, `serialize` and `deserialize` for regularizers."""

from __future__ import annotations

from typing import Any

from kc.regularizers._regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer
from kc.serialization import serialize_keras_object
from kc.serialization._registry import deserialize_family_object, get_family_object

# The names Keras resolves (class names and their snake_case forms), plus `l1_l2`.
ALL_OBJECTS: dict[str, type] = {
    "Regularizer": Regularizer, "regularizer": Regularizer,
    "L1": L1, "l1": L1,
    "L2": L2, "l2": L2,
    "L1L2": L1L2, "l1l2": L1L2, "l1_l2": L1L2,
    "OrthogonalRegularizer": OrthogonalRegularizer,
    "orthogonal_regularizer": OrthogonalRegularizer,
}


def serialize(regularizer: Regularizer | None) -> dict | None:
    """The Keras config dict of a regularizer (None stays None).

    Example:
        >>> kc.regularizers.serialize(kc.regularizers.L2(0.5))
        {'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.5}, 'registered_name': None}
    """
    return serialize_keras_object(regularizer)


def deserialize(config: str | dict, custom_objects: dict | None = None) -> Regularizer:
    """The regularizer a config dict (or a name) describes.

    Args:
        config: a config dict as `serialize` writes it, or a name (``"l2"``, ``"L1L2"``,
            a registered ``"package>Name"``), which gives an instance with defaults.
        custom_objects: optional dict ``{name: class}`` of custom regularizers.

    Returns:
        The regularizer.

    Example:
        >>> kc.regularizers.deserialize({"class_name": "L2", "config": {"l2": 0.5}})
        L2(l2=0.5)

    kc raises ValueError for an unknown name (Keras 3 returns the string unchanged).
    """
    return deserialize_family_object(config, custom_objects, ALL_OBJECTS, "regularizer",
                                     "kc.regularizers")


def get(identifier: Any) -> Regularizer | None:
    """A regularizer from None, a name, a config dict, a class or a callable.

    Args:
        identifier: None (returned), a name (an instance with default arguments), a
            config dict, a regularizer class (instantiated) or any callable (returned).

    Returns:
        The regularizer, or None.

    Example:
        >>> kc.regularizers.get("l2")
        L2(l2=0.01)
    """
    return get_family_object(identifier, ALL_OBJECTS, "regularizer", "kc.regularizers")

