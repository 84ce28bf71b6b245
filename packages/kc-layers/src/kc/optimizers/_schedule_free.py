"""ScheduleFreeAdamW (Defazio et al., 2024): AdamW without a learning-rate schedule."""

from __future__ import annotations

from kc.optimizers._base import Optimizer, one_minus_power, shared_options


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW.

    The trained variable holds ``y = (1 - b1) z + b1 x``, the slot "momentum"
    holds ``z``. With ``t`` the step and
    ``lr_t = lr * min(1, t / warmup_steps) * sqrt(1 - b2^t)``:
    ``v = b2 v + (1-b2) g^2``; ``z -= lr_t * g / (sqrt(v) + eps)``;
    ``x = (1 - 1/t) x + z / t``; ``y = (1-b1) z + b1 x``. Weight decay is the
    shared decoupled one (``y -= lr * weight_decay * y`` before the step), as
    in Keras 3.

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

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        dtype = variable.dtype
        t = ops.cast(self.iterations + 1, dtype)
        lr_t = ops.cast(learning_rate, dtype)
        if self.warmup_steps:
            lr_t = lr_t * ops.minimum(1.0, t / self.warmup_steps)
        lr_t = lr_t * ops.sqrt(one_minus_power(self.beta_2, t))
        z = self._slot("momentum", variable)
        v = self._slot("velocity", variable)
        y = variable.value
        x = (y - (1 - self.beta_1) * z) / self.beta_1
        v.assign(self.beta_2 * v + (1 - self.beta_2) * ops.square(gradient))
        z_new = z.assign(z - lr_t * gradient / (ops.sqrt(v) + self.epsilon))
        x = x + (z_new - x) / t
        variable.assign((1 - self.beta_1) * z_new + self.beta_1 * x)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "warmup_steps": self.warmup_steps})
        return config
