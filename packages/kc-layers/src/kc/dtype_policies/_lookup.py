"""`get`, `serialize`, `deserialize` of dtype policies (as `keras.dtype_policies`)."""

from __future__ import annotations

from kc.dtype_policies._global import dtype_policy
from kc.dtype_policies._policy import (
    AWQDTypePolicy,
    DTypePolicy,
    FloatDTypePolicy,
    GPTQDTypePolicy,
    Int4DTypePolicy,
    QuantizedDTypePolicy,
    QuantizedFloat8DTypePolicy,
    policy_from_name,
)
from kc.dtype_policies._policy_map import DTypePolicyMap

ALL_OBJECTS = {
    cls.__name__: cls
    for cls in (DTypePolicy, FloatDTypePolicy, QuantizedDTypePolicy, QuantizedFloat8DTypePolicy,
                Int4DTypePolicy, GPTQDTypePolicy, AWQDTypePolicy, DTypePolicyMap)
}


def serialize(dtype_policy):
    """The Keras config dict of a policy.

    Example:
        >>> kc.dtype_policies.serialize(kc.dtype_policies.DTypePolicy("float16"))
        {'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float16'}, 'registered_name': None}
    """
    from kc.serialization import serialize_keras_object

    return serialize_keras_object(dtype_policy)


def deserialize(config, custom_objects=None):
    """The policy of a config dict made by `serialize` (or by Keras).

    Example:
        >>> kc.dtype_policies.deserialize({"class_name": "DTypePolicy", "config": {"name": "float16"}})
        <DTypePolicy "float16">
    """
    from kc.serialization import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS, custom_objects=custom_objects)


def get(identifier) -> DTypePolicy:
    """A `DTypePolicy` from a name, a config dict, a policy, or None (the global policy).

    Example:
        >>> kc.dtype_policies.get("mixed_float16").compute_dtype
        'float16'
    """
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return policy_from_name(identifier)
    raise ValueError(
        "kc.dtype_policies.get: cannot interpret the dtype policy identifier "
        f"{identifier!r} of type {type(identifier).__name__}; expected None, a policy name such "
        "as 'mixed_float16', a config dict or a DTypePolicy."
    )
