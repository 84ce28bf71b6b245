"""Per-coordinate adaptive optimizers: RMSprop, Adagrad, Adadelta, Ftrl, Adafactor, Lion."""

from __future__ import annotations

from kc.optimizers._base import Optimizer, shared_options


class RMSprop(Optimizer):
    """RMSprop (Hinton), optionally centered and with momentum.

    ``v = rho v + (1-rho) g^2`` (centered: also ``a = rho a + (1-rho) g`` and
    ``v - a^2`` is used); ``step = lr * g / sqrt(v + epsilon)``; with momentum
    ``m = momentum m + step; w -= m``, else ``w -= step``.

    Example:
        >>> opt = kc.optimizers.RMSprop(learning_rate=1e-3, centered=True)
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(**shared_options(locals()))
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._add_slots(var_list, "velocity")
        if self.momentum > 0:
            self._add_slots(var_list, "momentum")
        if self.centered:
            self._add_slots(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        v = self._slot("velocity", variable)
        v.assign(self.rho * v + (1 - self.rho) * ops.square(gradient))
        denominator = v.value
        if self.centered:
            a = self._slot("average_gradient", variable)
            a.assign(self.rho * a + (1 - self.rho) * gradient)
            denominator = denominator - ops.square(a.value)
        step = learning_rate * gradient * ops.rsqrt(denominator + self.epsilon)
        if self.momentum > 0:
            m = self._slot("momentum", variable)
            variable.assign_sub(m.assign(self.momentum * m + step))
        else:
            variable.assign_sub(step)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011): ``a += g^2; w -= lr * g / sqrt(a + epsilon)``.

    Example:
        >>> opt = kc.optimizers.Adagrad(learning_rate=0.01)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-07,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(**shared_options(locals()))
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        from kc import initializers

        self._add_slots(var_list, "accumulator",
                        initializers.Constant(self.initial_accumulator_value))

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        a = self._slot("accumulator", variable)
        a.assign_add(ops.square(gradient))
        variable.assign_sub(learning_rate * gradient / ops.sqrt(a + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012).

    ``E[g^2] = rho E[g^2] + (1-rho) g^2``;
    ``d = -g * sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps)``;
    ``E[dx^2] = rho E[dx^2] + (1-rho) d^2``; ``w += lr * d``.

    Example:
        >>> opt = kc.optimizers.Adadelta(learning_rate=1.0)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-07, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(**shared_options(locals()))
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        gs, ds = [], []
        for v in var_list:
            gs.append(self.add_variable_from_reference(v, "accumulated_grad"))
            ds.append(self.add_variable_from_reference(v, "accumulated_delta_var"))
        self._slots["accumulated_grad"], self._slots["accumulated_delta_var"] = gs, ds

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        acc_g = self._slot("accumulated_grad", variable)
        acc_d = self._slot("accumulated_delta_var", variable)
        acc_g.assign(self.rho * acc_g + (1 - self.rho) * ops.square(gradient))
        delta = -gradient * ops.sqrt(acc_d + self.epsilon) / ops.sqrt(acc_g + self.epsilon)
        acc_d.assign(self.rho * acc_d + (1 - self.rho) * ops.square(delta))
        variable.assign_add(learning_rate * delta)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013) with L1, L2 and L2-shrinkage regularization.

    Example:
        >>> opt = kc.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(**shared_options(locals()))
        checks = {"initial_accumulator_value": initial_accumulator_value,
                  "l1_regularization_strength": l1_regularization_strength,
                  "l2_regularization_strength": l2_regularization_strength,
                  "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength}
        for arg, value in checks.items():
            if value < 0:
                raise ValueError(f"Ftrl: `{arg}` must be >= 0, got {value!r}.")
        if learning_rate_power > 0:
            raise ValueError(
                f"Ftrl: `learning_rate_power` must be <= 0, got {learning_rate_power!r}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        from kc import initializers

        init = initializers.Constant(self.initial_accumulator_value)
        accs, lins = [], []
        for v in var_list:
            accs.append(self.add_variable_from_reference(v, "accumulator", init))
            lins.append(self.add_variable_from_reference(v, "linear"))
        self._slots["accumulator"], self._slots["linear"] = accs, lins

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        acc = self._slot("accumulator", variable)
        linear = self._slot("linear", variable)
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * learning_rate)
        shrunk = gradient + 2.0 * self.l2_shrinkage_regularization_strength * variable
        new_acc = acc + ops.square(gradient)
        sigma = (ops.power(new_acc, power) - ops.power(acc, power)) / learning_rate
        linear.assign_add(shrunk - sigma * variable)
        quadratic = ops.power(new_acc, power) / learning_rate + 2.0 * l2
        variable.assign((ops.clip(linear, -l1, l1) - linear) / quadratic)
        acc.assign(new_acc)

    def get_config(self):
        config = super().get_config()
        config.update({
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        })
        return config


class Lion(Optimizer):
    """Lion (Chen et al., 2023): ``w -= lr * sign(b1 m + (1-b1) g)``; ``m = b2 m + (1-b2) g``.

    Example:
        >>> opt = kc.optimizers.Lion(learning_rate=1e-4)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(**shared_options(locals()))
        if not 0 < beta_1 <= 1:
            raise ValueError(f"Lion: `beta_1` must be in (0, 1], got {beta_1!r}.")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._add_slots(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        m = self._slot("momentum", variable)
        variable.assign_sub(learning_rate * ops.sign(self.beta_1 * m + (1 - self.beta_1) * gradient))
        m.assign(self.beta_2 * m + (1 - self.beta_2) * gradient)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
