"""Muon (Jordan et al., 2024): orthogonalized momentum for matrices, AdamW for the rest."""

from __future__ import annotations

from kc.optimizers._base import Optimizer, one_minus_power, shared_options


class Muon(Optimizer):
    """Muon for weight matrices, AdamW for other variables.

    A variable of rank >= 2 that is not an embedding (with
    ``exclude_embeddings``) and whose path matches none of ``exclude_layers``
    gets ``m = momentum m + g``; ``u = g + momentum m`` (Nesterov) or ``m``;
    ``o = NewtonSchulz5(u)`` (``ns_steps`` iterations with coefficients
    ``muon_a``, ``muon_b``, ``muon_c`` on the matrix of its last two axes,
    normalized to unit Frobenius norm); ``w -= lr * rms_rate * sqrt(max(rows, cols)) * o``.
    Other variables get Adam with ``adam_beta_1``, ``adam_beta_2``, learning
    rate ``lr * adam_lr_ratio`` and weight decay ``adam_weight_decay``.

    Example:
        >>> opt = kc.optimizers.Muon(learning_rate=0.02)
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-07, weight_decay=0.004, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None,
                 exclude_embeddings=True, muon_a=3.4445, muon_b=-4.775, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2,
                 **kwargs):
        super().__init__(**shared_options(locals()))
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.adam_weight_decay = adam_weight_decay
        self.epsilon = epsilon
        self.exclude_layers = list(exclude_layers or [])
        self.exclude_embeddings = exclude_embeddings
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.rms_rate = rms_rate

    def _uses_muon(self, variable) -> bool:
        import re

        if len(variable.shape) < 2:
            return False
        if self.exclude_embeddings and "embedding" in variable.path.lower():
            return False
        return not any(re.search(p, variable.path) for p in self.exclude_layers)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._muon = [self._uses_muon(v) for v in var_list]
        ms, vs = [], []
        for v, muon in zip(var_list, self._muon):
            ms.append(self.add_variable_from_reference(v, "momentum"))
            vs.append(None if muon else self.add_variable_from_reference(v, "velocity"))
        self._slots["momentum"], self._slots["velocity"] = ms, vs

    def _apply_weight_decay(self, variables, learning_rate):
        from kc import ops

        for v in variables:
            muon = self._muon[self._var_index(v)]
            decay = self.weight_decay if muon else self.adam_weight_decay
            if decay and self._use_weight_decay(v):
                lr = ops.cast(learning_rate, v.dtype) * (1 if muon else self.adam_lr_ratio)
                v.assign_sub(v * (lr * decay))

    def _newton_schulz(self, x):
        from kc import ops

        transposed = x.shape[-2] > x.shape[-1]
        if transposed:
            x = ops.swapaxes(x, -1, -2)
        x = x / (ops.sqrt(ops.sum(ops.square(x), axis=(-2, -1), keepdims=True)) + self.epsilon)
        for _ in range(self.ns_steps):
            a = ops.matmul(x, ops.swapaxes(x, -1, -2))
            b = self.muon_b * a + self.muon_c * ops.matmul(a, a)
            x = self.muon_a * x + ops.matmul(b, x)
        return ops.swapaxes(x, -1, -2) if transposed else x

    def update_step(self, gradient, variable, learning_rate):
        from kc import ops

        m = self._slot("momentum", variable)
        if self._muon[self._var_index(variable)]:
            m.assign(self.momentum * m + gradient)
            u = gradient + self.momentum * m.value if self.nesterov else m.value
            o = self._newton_schulz(u)
            scale = self.rms_rate * max(variable.shape[-2], variable.shape[-1]) ** 0.5
            variable.assign_sub(learning_rate * scale * o)
            return
        v = self._slot("velocity", variable)
        t = ops.cast(self.iterations + 1, variable.dtype)
        lr = learning_rate * self.adam_lr_ratio
        m.assign_add((gradient - m) * (1 - self.adam_beta_1))
        v.assign_add((ops.square(gradient) - v) * (1 - self.adam_beta_2))
        alpha = lr * ops.sqrt(one_minus_power(self.adam_beta_2, t)) / (
            one_minus_power(self.adam_beta_1, t))
        variable.assign_sub(alpha * m / (ops.sqrt(v) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                       "epsilon": self.epsilon, "exclude_layers": self.exclude_layers,
                       "muon_a": self.muon_a, "muon_b": self.muon_b, "muon_c": self.muon_c,
                       "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum,
                       "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                       "exclude_embeddings": self.exclude_embeddings,
                       "adam_weight_decay": self.adam_weight_decay, "rms_rate": self.rms_rate})
        return config
