"""`LearningRateSchedule` base class and the schedules' serialize/deserialize."""

from __future__ import annotations


class LearningRateSchedule:
    """A learning rate as a function of the optimizer step.

    Subclasses implement ``__call__(step)`` (written with `kc.ops`, so it runs
    eagerly, under ``jax.jit`` and in ``tf.function``) and ``get_config()``.

    Example:
        >>> class Halving(kc.optimizers.schedules.LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 0.5 ** kc.ops.cast(step, "float32")
        ...     def get_config(self):
        ...         return {}
        >>> opt = kc.optimizers.SGD(learning_rate=Halving())
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"{type(self).__name__}: a LearningRateSchedule must implement __call__(step)."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"{type(self).__name__}: a LearningRateSchedule must implement get_config()."
        )

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def serialize(learning_rate_schedule) -> dict:
    """The Keras-shaped config dict of a schedule.

    Example:
        >>> kc.optimizers.schedules.serialize(kc.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9))["class_name"]
        'ExponentialDecay'
    """
    from kc import serialization

    return serialization.serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """A schedule from a Keras-shaped config dict.

    Example:
        >>> kc.optimizers.schedules.deserialize(
        ...     {"class_name": "InverseTimeDecay",
        ...      "config": {"initial_learning_rate": 1.0, "decay_steps": 10, "decay_rate": 0.5}})
    """
    from kc import serialization
    from kc.optimizers.schedules import _decay

    table = {cls.__name__: cls for cls in _decay.SCHEDULES}
    table["LearningRateSchedule"] = LearningRateSchedule
    try:
        obj = serialization.deserialize_keras_object(
            config, module_objects=table, custom_objects=custom_objects)
    except (TypeError, ValueError) as error:
        obj = error
    if isinstance(obj, str) or not isinstance(obj, LearningRateSchedule):
        raise ValueError(
            f"kc.optimizers.schedules.deserialize: could not build a schedule from {config!r}; "
            f"expected a config dict of one of {sorted(table)} or a registered custom schedule."
        )
    return obj
