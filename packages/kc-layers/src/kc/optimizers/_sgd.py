"""SGD with optional (Nesterov) momentum."""

from __future__ import annotations

from kc.optimizers import _torch_fused
from kc.optimizers._base import Optimizer, shared_options


class SGD(Optimizer):
    """Gradient descent with momentum.

    ``velocity = momentum * velocity - learning_rate * g``; then
    ``w += velocity`` (or, with ``nesterov``, ``w += momentum * velocity -
    learning_rate * g``). Without momentum: ``w -= learning_rate * g``.

    Args:
        learning_rate: float >= 0 or schedule. Default 0.01.
        momentum: float >= 0.
        nesterov: use Nesterov momentum.
        **kwargs: the shared `Optimizer` options (weight_decay, clipnorm, ...).

    Example:
        >>> opt = kc.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(**shared_options(locals()))
        if not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"SGD: `momentum` must be a float in [0, 1], got {momentum!r}.")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        if self.momentum != 0:
            self._add_slots(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        if self.momentum == 0:
            variable.assign_sub(gradient * learning_rate)
            return
        m = self._slot("momentum", variable)
        velocity = m.assign(m * self.momentum - gradient * learning_rate)
        if self.nesterov:
            variable.assign_add(velocity * self.momentum - gradient * learning_rate)
        else:
            variable.assign_add(velocity)

    def _update_all(self, grads, variables, learning_rate):
        if not _torch_fused.usable():
            return super()._update_all(grads, variables, learning_rate)
        import torch

        lr = _torch_fused.scalar(learning_rate)
        params = _torch_fused.values(variables)
        with torch.no_grad():
            if self.momentum == 0:
                torch._foreach_add_(params, grads, alpha=-lr)
                return
            ms = [self._slot("momentum", v).value for v in variables]
            torch._foreach_mul_(ms, self.momentum)
            torch._foreach_add_(ms, grads, alpha=-lr)
            if self.nesterov:
                torch._foreach_add_(params, ms, alpha=self.momentum)
                torch._foreach_add_(params, grads, alpha=-lr)
            else:
                torch._foreach_add_(params, ms)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
