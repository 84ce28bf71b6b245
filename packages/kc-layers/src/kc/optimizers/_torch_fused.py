"""Fused in-place updates with ``torch._foreach_*`` (the stateful path on torch only).

Used by `Optimizer._update_all` when the backend is torch and no
`StatelessScope` is active: the same update rule as the optimizer's
``update_step``, written over lists of tensors so each step costs a handful of
kernel launches and no temporaries per variable.
"""

from __future__ import annotations


def usable() -> bool:
    """True on the torch backend outside any StatelessScope."""
    from kc import config
    from kc.backend.common.scopes import in_stateless_scope

    return config.backend() == "torch" and not in_stateless_scope()


def scalar(x) -> float:
    """A Python float from a 0-d tensor/variable."""
    value = getattr(x, "value", x)
    return float(value.item() if hasattr(value, "item") else value)


def values(variables):
    return [v.value for v in variables]


def host_scalars(params) -> bool:
    """True when step sizes may be Python floats (parameters on the CPU: reading a scalar
    costs nothing); on an accelerator they stay device tensors so a step never syncs."""
    return params[0].device.type == "cpu"
