"""`LossScaleOptimizer`: dynamic loss scaling for mixed-precision training."""

from __future__ import annotations

from kc.optimizers._base import Optimizer, _concrete_bool


class LossScaleOptimizer(Optimizer):
    """Wraps an optimizer with a dynamic loss scale.

    `scale_loss` multiplies the loss by the scale; `apply` divides gradients
    by it. If all are finite the inner optimizer steps, and after
    ``dynamic_growth_steps`` such steps in a row the scale doubles; otherwise
    the step is skipped and the scale halves.

    Args:
        inner_optimizer: the `Optimizer` that does the updates.
        initial_scale: starting loss scale.
        dynamic_growth_steps: finite steps before the scale doubles.
        name: the optimizer's name.

    Example:
        >>> opt = kc.optimizers.LossScaleOptimizer(kc.optimizers.SGD(0.1))
        >>> scaled = opt.scale_loss(loss)  # take gradients of this
    """

    def __init__(self, inner_optimizer, initial_scale=32768.0, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer: `inner_optimizer` must be an Optimizer, got "
                            f"{inner_optimizer!r}.")
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.step_counter = self.add_variable((), initializer=0, dtype="int32",
                                              name="step_counter")
        self.dynamic_scale = self.add_variable((), initializer=float(self.initial_scale),
                                               dtype="float32", name="dynamic_scale")
        self.inner_optimizer.build(var_list)

    @property
    def variables(self):
        return list(self._variables) + self.inner_optimizer.variables

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    def scale_loss(self, loss):
        """``loss * dynamic_scale`` (after `build`; ``initial_scale`` before)."""
        from kc import ops

        scale = self.dynamic_scale if self.built else self.initial_scale
        return loss * ops.cast(scale, loss.dtype if hasattr(loss, "dtype") else "float32")

    def _apply(self, pairs):
        from kc import backend, ops

        grads = [ops.divide(backend.convert_to_tensor(g, dtype=v.dtype),
                            ops.cast(self.dynamic_scale, v.dtype)) for g, v in pairs]
        variables = [v for _, v in pairs]
        finite = ops.all(ops.stack([ops.all(ops.isfinite(g)) for g in grads]))
        concrete = _concrete_bool(finite)
        if concrete is None:
            self._select(finite, lambda: self.inner_optimizer._apply(list(zip(grads, variables))))
        elif concrete:
            self.inner_optimizer._apply(list(zip(grads, variables)))
        grow = ops.logical_and(finite, ops.equal(self.step_counter + 1, self.dynamic_growth_steps))
        scale = self.dynamic_scale.value
        new_scale = ops.where(finite, ops.where(grow, scale * 2.0, scale), scale / 2.0)
        counter = ops.where(ops.logical_and(finite, ops.logical_not(grow)),
                            self.step_counter + 1, ops.zeros_like(self.step_counter.value))
        self.dynamic_scale.assign(new_scale)
        self.step_counter.assign(counter)

    def _select(self, condition, fn):
        from kc import backend, ops

        inner = self.inner_optimizer
        touched = list(inner._trainable_variables) + inner.variables
        with backend.StatelessScope([(v, v.value) for v in touched]) as scope:
            fn()
        for v in touched:
            new = scope.get_current_value(v)
            v.assign(ops.where(condition, new, v.value))

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        return super().stateless_apply(optimizer_variables, grads, trainable_variables)

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        from kc import serialization

        return {"name": self.name,
                "inner_optimizer": serialization.serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kc.optimizers._lookup import deserialize

        config = dict(config)
        config["inner_optimizer"] = deserialize(config["inner_optimizer"], custom_objects)
        return cls(**config)
