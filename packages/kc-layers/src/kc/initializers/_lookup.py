"""`get`, `serialize` and `deserialize` of kc.initializers, on top of kc.serialization."""

from __future__ import annotations

import inspect

from kc.initializers._base import Initializer
from kc.initializers._constant import Constant, Identity, Ones, Zeros
from kc.initializers._orthogonal import Orthogonal
from kc.initializers._random import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)
from kc.initializers._stft import STFT

_CLASSES = (
    Initializer, Constant, Zeros, Ones, Identity, Orthogonal, STFT, RandomNormal, RandomUniform,
    TruncatedNormal, VarianceScaling, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
    LecunNormal, LecunUniform,
)

# Every string Keras 3.15's `keras.initializers.get` accepts.
ALL_OBJECTS: dict[str, type] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({
    "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal,
    "STFTInitializer": STFT,
    "initializer": Initializer,
    "constant": Constant,
    "zeros": Zeros,
    "zero": Zeros,
    "ones": Ones,
    "one": Ones,
    "identity": Identity,
    "orthogonal": Orthogonal,
    "stft": STFT,
    "random_normal": RandomNormal,
    "normal": RandomNormal,
    "random_uniform": RandomUniform,
    "uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "glorot_normal": GlorotNormal,
    "glorot_uniform": GlorotUniform,
    "he_normal": HeNormal,
    "he_uniform": HeUniform,
    "lecun_normal": LecunNormal,
    "lecun_uniform": LecunUniform,
})


def _unknown(identifier, where: str) -> ValueError:
    return ValueError(
        f"kc.initializers.{where}: unknown initializer {identifier!r}; expected one of "
        f"{sorted(ALL_OBJECTS)}, a registered custom initializer, or a config dict."
    )


def serialize(initializer) -> dict | None:
    """The Keras-shaped config dict of ``initializer`` (None stays None).

    Example:
        >>> kc.initializers.serialize(kc.initializers.Ones())
        {'module': 'keras.initializers', 'class_name': 'Ones', 'config': {}, 'registered_name': None}
    """
    from kc import serialization

    return serialization.serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from a name or a Keras-shaped config dict.

    Args:
        config: a string (``"glorot_uniform"``, ``"HeNormal"``, ...) or a dict
            as `serialize` returns (``"module"`` and ``"registered_name"``
            optional).
        custom_objects: optional dict of extra names to classes.

    Example:
        >>> kc.initializers.deserialize({"class_name": "RandomNormal", "config": {"stddev": 2.0}})
    """
    return _deserialize(config, custom_objects, "deserialize")


def _deserialize(config, custom_objects, where: str):
    from kc import serialization

    obj = serialization.deserialize_keras_object(
        config, module_objects=ALL_OBJECTS, custom_objects=custom_objects
    )
    if isinstance(config, str) and isinstance(obj, str):  # not resolved to an object
        raise _unknown(config, where)
    if inspect.isclass(obj):  # a bare name resolves to the class: build it with its defaults
        obj = obj()
    return obj


def get(identifier):
    """An initializer from None, an instance, a class, a name, a config dict or a callable.

    None gives None; an initializer or any callable is returned as is (a
    class is instantiated with its defaults); a string or dict goes through
    `deserialize`.

    Example:
        >>> kc.initializers.get("he_normal")
        >>> kc.initializers.get({"class_name": "Constant", "config": {"value": 2.0}})
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        obj = _deserialize(identifier, None, "get")
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"kc.initializers.get: could not interpret initializer identifier {identifier!r} "
        f"(type {type(identifier).__name__}); expected None, an Initializer, a callable, "
        f"a config dict or one of {sorted(ALL_OBJECTS)}."
    )
