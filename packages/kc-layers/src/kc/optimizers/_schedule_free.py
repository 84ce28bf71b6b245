"""ScheduleFreeAdamW (Defazio et al., 2024): AdamW without a learning-rate schedule."""

from __future__ import annotations

from kc.optimizers._base import Optimizer, one_minus_power, shared_options


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW.

    The trained variable holds ``y = (1 - b1) z + b1 x``, the slot "momentum"
    holds ``z``. With ``lr_t = lr * min(1, t / warmup_steps) * sqrt(1 - b2^t)``:
    ``v = b2 v + (1-b2) g^2``; ``z -= lr_t * (g / (sqrt(v) + eps) + wd * y)``;
    ``c = lr_t^2 / sum_{i<=t} lr_i^2``; ``x = (1-c) x + c z``; ``y = (1-b1) z + b1 x``.
    Weight decay here is part of the rule (not the shared decoupled decay).

    Example:
        >>> opt = kc.optimizers.ScheduleFreeAdamW(learning_rate=0.0025)
    """

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-08,
                 warmup_steps=0, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(**shared_options(locals()))
        if not 0 < beta_1 < 1:
            raise ValueError(f"ScheduleFreeAdamW: `beta_1` must be in (0, 1), got {beta_1!r}.")
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        zs, vs = [], []
        for v in var_list:
            zs.append(self.add_variable_from_reference(v, "momentum"))
            vs.append(self.add_variable_from_reference(v, "velocity"))
        self._slots["momentum"], self._slots["velocity"] = zs, vs
        for v, z in zip(var_list, zs):
            z.assign(v.value)  # z starts at the initial point
        self._lr_sq_sum = self.add_variable((), initializer=0.0, dtype="float32",
                                            name="lr_square_sum")

    def _apply_weight_decay(self, variables, learning_rate):
        return None  # part of update_step

    def _lr_t(self, learning_rate, dtype):
        from kc import ops

        t = ops.cast(self.iterations + 1, dtype)
        lr = ops.cast(learning_rate, dtype)
        if self.warmup_steps:
            lr = lr * ops.minimum(1.0, t / self.warmup_steps)
        return lr * ops.sqrt(one_minus_power(self.beta_2, t))

    def _apply_step(self, grads, variables):
        from kc import ops

        lr_t = self._lr_t(self._get_current_learning_rate(), "float32")
        self._lr_sq_sum.assign_add(ops.square(lr_t))
        super()._apply_step(grads, variables)

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        dtype = variable.dtype
        lr_t = self._lr_t(learning_rate, dtype)
        c = ops.square(lr_t) / ops.cast(self._lr_sq_sum, dtype)
        z = self._slot("momentum", variable)
        v = self._slot("velocity", variable)
        y = variable.value
        x = (y - (1 - self.beta_1) * z) / self.beta_1
        v.assign(self.beta_2 * v + (1 - self.beta_2) * ops.square(gradient))
        step = gradient / (ops.sqrt(v) + self.epsilon)
        if self.weight_decay:
            step = step + self.weight_decay * y
        z_new = z.assign(z - lr_t * step)
        x = (1 - c) * x + c * z_new
        variable.assign((1 - self.beta_1) * z_new + self.beta_1 * x)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "warmup_steps": self.warmup_steps})
        return config
