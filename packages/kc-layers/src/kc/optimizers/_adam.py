"""Adam and its relatives: Adam (AMSGrad), AdamW, Adamax, Nadam, Lamb."""

from __future__ import annotations

import math

from kc.optimizers import _tf_fused, _torch_fused
from kc.optimizers._base import Optimizer, one_minus_power, shared_options


def _step(optimizer, dtype):
    """``iterations + 1`` as a float of ``dtype`` (the 1-based step of bias correction)."""
    from kc import ops

    return ops.cast(optimizer.iterations + 1, dtype)


class _Moments(Optimizer):
    """What the Adam family shares: ``beta_1``, ``beta_2`` and ``epsilon`` (in the config) and
    a "momentum" slot beside a second-moment slot per variable."""

    def __init__(self, beta_1, beta_2, epsilon, **options):
        super().__init__(**options)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _add_moment_slots(self, var_list, second: str) -> None:
        """Slots "momentum" and ``second``, created in turn for each variable (m0, s0, m1, ...)."""
        firsts, seconds = [], []
        for v in var_list:
            firsts.append(self.add_variable_from_reference(v, "momentum"))
            seconds.append(self.add_variable_from_reference(v, second))
        self._slots["momentum"], self._slots[second] = firsts, seconds

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config


class Adam(_Moments):
    """Adam (Kingma & Ba, 2015), optionally AMSGrad.

    ``m = b1 m + (1-b1) g``, ``v = b2 v + (1-b2) g^2``,
    ``w -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + epsilon)``; AMSGrad uses
    the running maximum of ``v``.

    Example:
        >>> opt = kc.optimizers.Adam(learning_rate=1e-3)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(beta_1, beta_2, epsilon, **shared_options(locals()))
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._add_moment_slots(var_list, "velocity")
        if self.amsgrad:
            self._add_slots(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        t = _step(self, variable.dtype)
        alpha = learning_rate * ops.sqrt(one_minus_power(self.beta_2, t)) / (
            one_minus_power(self.beta_1, t))
        m = self._slot("momentum", variable)
        v = self._slot("velocity", variable)
        m.assign_add((gradient - m) * (1 - self.beta_1))
        v.assign_add((ops.square(gradient) - v) * (1 - self.beta_2))
        if self.amsgrad:
            v_hat = self._slot("velocity_hat", variable)
            v = v_hat.assign(ops.maximum(v_hat, v))
        variable.assign_sub(m * alpha / (ops.sqrt(v) + self.epsilon))

    def _update_all(self, grads, variables, learning_rate):
        ms = [self._slot("momentum", v) for v in variables]
        vs = [self._slot("velocity", v) for v in variables]
        hats = [self._slot("velocity_hat", v) for v in variables] if self.amsgrad else []
        if _torch_fused.usable():
            return self._torch_update(grads, variables, ms, vs, hats, learning_rate)
        if _tf_fused.usable(variables, ms, vs, hats):
            return self._tf_update(grads, variables, ms, vs, hats, learning_rate)
        return super()._update_all(grads, variables, learning_rate)

    def _alpha(self, learning_rate, dtype):
        """``lr * sqrt(1 - b2^t) / (1 - b1^t)`` as a tensor of ``dtype``."""
        from kc import ops

        t = _step(self, dtype)
        return ops.cast(learning_rate, dtype) * ops.sqrt(one_minus_power(self.beta_2, t)) / (
            one_minus_power(self.beta_1, t))

    def _torch_update(self, grads, variables, ms, vs, hats, learning_rate):
        # In place with torch._foreach_*: the only per-step allocation is sqrt(v) (as
        # torch.optim.Adam(foreach=True)); on an accelerator the step size stays a device
        # scalar (no host sync per step).
        import torch

        params = _torch_fused.values(variables)
        ms, vs = _torch_fused.values(ms), _torch_fused.values(vs)
        on_cpu = _torch_fused.host_scalars(params)
        with torch.no_grad():
            torch._foreach_lerp_(ms, grads, 1 - self.beta_1)
            torch._foreach_mul_(vs, self.beta_2)
            torch._foreach_addcmul_(vs, grads, grads, 1 - self.beta_2)
            if hats:
                hats = _torch_fused.values(hats)
                torch._foreach_maximum_(hats, vs)
                vs = hats
            denom = torch._foreach_sqrt(vs)
            torch._foreach_add_(denom, self.epsilon)
            if on_cpu:
                t = _torch_fused.scalar(self.iterations) + 1
                lr = _torch_fused.scalar(learning_rate)
                alpha = lr * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
                torch._foreach_addcdiv_(params, ms, denom, -alpha)
            else:
                torch._foreach_div_(denom, -self._alpha(learning_rate, "float32"))
                torch._foreach_addcdiv_(params, ms, denom)

    def _tf_update(self, grads, variables, ms, vs, hats, learning_rate):
        # One fused kernel per variable. With beta powers 0 the kernel's step size is
        # its `lr` argument, which gets kc's bias-corrected alpha.
        import tensorflow as tf

        scalars = {}
        for i, (g, v) in enumerate(zip(grads, variables)):
            dtype = v.dtype
            if dtype not in scalars:
                native = tf.as_dtype(dtype)
                scalars[dtype] = dict(
                    beta1_power=tf.zeros((), native), beta2_power=tf.zeros((), native),
                    lr=self._alpha(learning_rate, dtype),
                    beta1=tf.constant(self.beta_1, native), beta2=tf.constant(self.beta_2, native),
                    epsilon=tf.constant(self.epsilon, native))
            common = dict(var=_tf_fused.handle(v), m=_tf_fused.handle(ms[i]),
                          v=_tf_fused.handle(vs[i]), grad=g, **scalars[dtype])
            if hats:
                tf.raw_ops.ResourceApplyAdamWithAmsgrad(vhat=_tf_fused.handle(hats[i]), **common)
            else:
                tf.raw_ops.ResourceApplyAdam(**common)

    def get_config(self):
        return {**super().get_config(), "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019); default decay 0.004.

    Example:
        >>> opt = kc.optimizers.AdamW(learning_rate=1e-3, weight_decay=0.01)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-07, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: `weight_decay` must be a float, got None.")
        super().__init__(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         **shared_options(locals()))


class Adamax(_Moments):
    """Adamax, Adam with the infinity norm.

    ``m = b1 m + (1-b1) g``, ``u = max(b2 u, |g|)``,
    ``w -= lr / (1 - b1^t) * m / (u + epsilon)``.

    Example:
        >>> opt = kc.optimizers.Adamax()
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(beta_1, beta_2, epsilon, **shared_options(locals()))

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._add_moment_slots(var_list, "norm")

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        t = _step(self, variable.dtype)
        m = self._slot("momentum", variable)
        u = self._slot("norm", variable)
        m.assign_add((gradient - m) * (1 - self.beta_1))
        u.assign(ops.maximum(u * self.beta_2, ops.abs(gradient)))
        variable.assign_sub(
            learning_rate * m / (one_minus_power(self.beta_1, t) * (u + self.epsilon)))


class Nadam(Adamax):
    """Nadam: Adam with Nesterov momentum (Dozat, 2016).

    Momentum schedule ``mu_t = b1 * (1 - 0.5 * 0.96 ** t)`` as Keras 3 computes
    it (the paper has ``0.96 ** (0.004 t)``);
    ``m_hat = mu_{t+1} m / (1 - prod mu_{1..t+1}) + (1 - mu_t) g / (1 - prod mu_{1..t})``,
    ``w -= lr * m_hat / (sqrt(v / (1 - b2^t)) + epsilon)``.

    Example:
        >>> opt = kc.optimizers.Nadam()
    """

    def build(self, var_list):
        if self.built:
            return
        Optimizer.build(self, var_list)
        self._add_moment_slots(var_list, "velocity")
        from kc import config

        dtype = var_list[0].dtype if var_list else config.floatx()
        # Named "variable" (auto name) out of the optimizer's scope, as in Keras 3.
        self._u_product = self._make_unscoped_variable(1.0, dtype)

    def _apply_step(self, grads, variables):
        t = _step(self, self._u_product.dtype)
        self._u_product.assign(self._u_product * self._mu(t))
        super()._apply_step(grads, variables)

    def _mu(self, t):
        from kc import ops

        return self.beta_1 * (1.0 - 0.5 * ops.power(0.96, t))

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        dtype = variable.dtype
        t = _step(self, dtype)
        mu_t, mu_next = self._mu(t), self._mu(t + 1)
        u_product = ops.cast(self._u_product, dtype)
        u_product_next = u_product * mu_next
        m = self._slot("momentum", variable)
        v = self._slot("velocity", variable)
        m.assign_add((gradient - m) * (1 - self.beta_1))
        v.assign_add((ops.square(gradient) - v) * (1 - self.beta_2))
        m_hat = mu_next * m / (1 - u_product_next) + (1 - mu_t) * gradient / (1 - u_product)
        v_hat = v / one_minus_power(self.beta_2, t)
        variable.assign_sub(learning_rate * m_hat / (ops.sqrt(v_hat) + self.epsilon))


class Lamb(Adamax):
    """LAMB (You et al., 2019): Adam's update scaled by the trust ratio ``||w|| / ||update||``.

    Example:
        >>> opt = kc.optimizers.Lamb()
    """

    def build(self, var_list):
        if self.built:
            return
        Optimizer.build(self, var_list)
        self._add_moment_slots(var_list, "velocity")

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        t = _step(self, variable.dtype)
        m = self._slot("momentum", variable)
        v = self._slot("velocity", variable)
        m.assign_add((gradient - m) * (1 - self.beta_1))
        v.assign_add((ops.square(gradient) - v) * (1 - self.beta_2))
        m_hat = m / one_minus_power(self.beta_1, t)
        v_hat = v / one_minus_power(self.beta_2, t)
        update = m_hat / (ops.sqrt(v_hat) + self.epsilon)
        w_norm = ops.sqrt(ops.sum(ops.square(variable)))
        u_norm = ops.sqrt(ops.sum(ops.square(update)))
        ratio = ops.where((w_norm > 0) & (u_norm > 0), w_norm / ops.where(u_norm > 0, u_norm, 1.0),
                          ops.cast(1.0, variable.dtype))
        variable.assign_sub(learning_rate * ratio * update)
