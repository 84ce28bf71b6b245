"""Adafactor (Shazeer & Stern, 2018): factored second moments for matrices."""

from __future__ import annotations

from kc.optimizers._base import Optimizer, shared_options


class Adafactor(Optimizer):
    """Adafactor: second moments kept as row and column means for tensors of rank >= 2.

    With ``t`` the step, ``rho = min(lr, 1/sqrt(t))`` (``lr`` itself when not
    ``relative_step``), ``alpha = max(epsilon_2, rms(w)) * rho``,
    ``beta2 = 1 - t ** beta_2_decay``; ``g2 = g^2 + epsilon_1``. Rank >= 2:
    ``r = beta2 r + (1-beta2) mean(g2, -1)``, ``c = beta2 c + (1-beta2) mean(g2, -2)``,
    ``v = (r / mean(r)) outer c``; else ``v = beta2 v + (1-beta2) g2``.
    ``u = g / sqrt(v)``, ``u /= max(1, rms(u) / clip_threshold)``, ``w -= alpha u``.

    Example:
        >>> opt = kc.optimizers.Adafactor()
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=0.001,
                 clip_threshold=1.0, relative_step=True, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(**shared_options(locals()))
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        rows, cols, vels = [], [], []
        for v in var_list:
            if len(v.shape) < 2:
                # Unused int placeholders named like the variable, out of the optimizer's
                # scope: Keras 3 keeps them, so saved optimizer states line up.
                self._make_unscoped_variable(0, "int32", v.name)
                self._make_unscoped_variable(0, "int32", v.name)
                rows.append(None)
                cols.append(None)
            else:
                # Keras 3 names both factors after the variable itself.
                rows.append(self._make_variable("zeros", tuple(v.shape[:-1]), v.dtype, v.name))
                cols.append(self._make_variable("zeros", tuple(v.shape[:-2] + v.shape[-1:]),
                                                v.dtype, v.name))
            vels.append(self.add_variable_from_reference(v, "velocity"))
        self._slots["row"], self._slots["column"], self._slots["velocity"] = rows, cols, vels

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        def rms(x):
            return ops.sqrt(ops.mean(ops.square(x)))

        dtype = variable.dtype
        t = ops.cast(self.iterations + 1, dtype)
        rho = ops.minimum(learning_rate, 1.0 / ops.sqrt(t)) if self.relative_step else learning_rate
        alpha = ops.maximum(ops.cast(self.epsilon_2, dtype), rms(variable)) * rho
        g2 = ops.square(gradient) + self.epsilon_1
        beta2 = 1.0 - ops.power(t, self.beta_2_decay)
        v = self._slot("velocity", variable)
        row = self._slot("row", variable)
        if row is not None:
            col = self._slot("column", variable)
            r = row.assign(beta2 * row + (1.0 - beta2) * ops.mean(g2, axis=-1))
            c = col.assign(beta2 * col + (1.0 - beta2) * ops.mean(g2, axis=-2))
            v_new = ops.expand_dims(r / ops.mean(r, axis=-1, keepdims=True), -1) * \
                ops.expand_dims(c, -2)
            v.assign(v_new)
        else:
            v_new = v.assign(beta2 * v + (1.0 - beta2) * g2)
        u = gradient / ops.sqrt(v_new)
        u = u / ops.maximum(ops.cast(1.0, dtype), rms(u) / self.clip_threshold)
        variable.assign_sub(alpha * u)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                       "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                       "relative_step": self.relative_step})
        return config
