"""`get`, `serialize` and `deserialize` for constraints."""

from __future__ import annotations

from typing import Any

from kc.constraints._constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from kc.serialization import serialize_keras_object
from kc.serialization._registry import deserialize_family_object, get_family_object

# The names Keras resolves: class names and their snake_case forms.
ALL_OBJECTS: dict[str, type] = {
    "Constraint": Constraint, "constraint": Constraint,
    "MaxNorm": MaxNorm, "max_norm": MaxNorm,
    "MinMaxNorm": MinMaxNorm, "min_max_norm": MinMaxNorm,
    "NonNeg": NonNeg, "non_neg": NonNeg,
    "UnitNorm": UnitNorm, "unit_norm": UnitNorm,
}


def serialize(constraint: Constraint | None) -> dict | None:
    """The Keras config dict of a constraint (None stays None).

    Example:
        >>> kc.constraints.serialize(kc.constraints.UnitNorm())
        {'module': 'keras.constraints', 'class_name': 'UnitNorm', 'config': {'axis': 0}, 'registered_name': None}
    """
    return serialize_keras_object(constraint)


def deserialize(config: str | dict, custom_objects: dict | None = None) -> Constraint:
    """The constraint a config dict (or a name) describes.

    Args:
        config: a config dict as `serialize` writes it, or a name (``"max_norm"``, ``"NonNeg"``,
            a registered ``"package>Name"``), which gives an instance with defaults.
        custom_objects: optional dict ``{name: class}`` of custom constraints.

    Returns:
        The constraint.

    Example:
        >>> kc.constraints.deserialize({"class_name": "MaxNorm", "config": {"max_value": 3}})
        MaxNorm(max_value=3, axis=0)

    kc raises ValueError for an unknown name (Keras 3 returns the string unchanged).
    """
    return deserialize_family_object(config, custom_objects, ALL_OBJECTS, "constraint",
                                     "kc.constraints")


def get(identifier: Any) -> Constraint | None:
    """A constraint from None, a name, a config dict, a class or a callable.

    Args:
        identifier: None (returned), a name (an instance with default arguments), a
            config dict, a constraint class (instantiated) or any callable (returned).

    Returns:
        The constraint, or None.

    Example:
        >>> kc.constraints.get("non_neg")
        NonNeg()
    """
    return get_family_object(identifier, ALL_OBJECTS, "constraint", "kc.constraints")

