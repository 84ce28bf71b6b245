"""`get`, `serialize` and `deserialize` of kc.optimizers, on top of kc.serialization."""

from __future__ import annotations

import inspect


def _table() -> dict:
    from kc import optimizers as o

    classes = [o.Optimizer, o.SGD, o.Adam, o.AdamW, o.Adamax, o.Nadam, o.RMSprop, o.Adagrad,
               o.Adadelta, o.Adafactor, o.Ftrl, o.Lion, o.Lamb, o.Muon, o.ScheduleFreeAdamW,
               o.LossScaleOptimizer, o.MultiOptimizer, o.OptimizerMap]
    table = {cls.__name__: cls for cls in classes}
    table.update({cls.__name__.lower(): cls for cls in classes if cls is not o.Optimizer})
    table["adamw"] = o.AdamW
    table["schedulefreeadamw"] = o.ScheduleFreeAdamW
    return table


def serialize(optimizer) -> dict | None:
    """The Keras-shaped config dict of ``optimizer``.

    Example:
        >>> kc.optimizers.serialize(kc.optimizers.SGD())["class_name"]
        'SGD'
    """
    from kc import serialization

    return serialization.serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """An optimizer from a name (``"adam"``, ``"SGD"``) or a Keras-shaped config dict.

    Example:
        >>> kc.optimizers.deserialize({"class_name": "Adam", "config": {"learning_rate": 0.01}})
    """
    from kc import serialization

    table = _table()
    if isinstance(config, str):
        cls = table.get(config) or table.get(config.lower())
        if cls is None:
            obj = serialization.deserialize_keras_object(
                config, module_objects=table, custom_objects=custom_objects)
            if isinstance(obj, str) or obj is None:
                raise _unknown(config)
            return obj() if inspect.isclass(obj) else obj
        return cls()
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        name = config["class_name"]
        if name not in table and name.lower() in table:
            config = dict(config, class_name=table[name.lower()].__name__)
    obj = serialization.deserialize_keras_object(
        config, module_objects=table, custom_objects=custom_objects)
    return obj() if inspect.isclass(obj) else obj


def _unknown(identifier) -> ValueError:
    names = sorted(n for n in _table() if n[0].islower())
    return ValueError(
        f"kc.optimizers: could not interpret optimizer identifier {identifier!r}; expected an "
        f"Optimizer, a config dict, or one of {names}."
    )


def get(identifier):
    """An optimizer from an instance, a name or a config dict.

    Example:
        >>> kc.optimizers.get("adam")
    """
    from kc.optimizers._base import Optimizer

    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        obj = deserialize(identifier)
        if isinstance(obj, Optimizer):
            return obj
    raise _unknown(identifier)
