"""The global dtype policy: `dtype_policy()` and `set_dtype_policy()`."""

from __future__ import annotations

from kc import config
from kc.dtype_policies._policy import DTypePolicy, policy_from_name

_global_policy: DTypePolicy | None = None  # None: the floatx policy
_floatx_policies: dict[str, DTypePolicy] = {}


def dtype_policy() -> DTypePolicy:
    """The global dtype policy: the one last set, else ``DTypePolicy(kc.config.floatx())``.

    Unlike Keras, which fixes the default on first use, an unset global
    policy follows later `kc.config.set_floatx` calls. The policy is process
    wide (Keras keeps it per thread).

    Example:
        >>> kc.config.dtype_policy()
        <DTypePolicy "float32">
    """
    policy = _global_policy
    if policy is None:
        floatx = config.floatx()
        policy = _floatx_policies.get(floatx)
        if policy is None:
            policy = _floatx_policies[floatx] = DTypePolicy(floatx)
    return policy


def set_dtype_policy(policy) -> None:
    """Set the global dtype policy, used by layers created afterwards without ``dtype``.

    Args:
        policy: a policy name ("mixed_float16", "bfloat16", ...) or a `DTypePolicy`.

    Example:
        >>> kc.config.set_dtype_policy("mixed_bfloat16")
        >>> kc.layers.Dense(4).compute_dtype
        'bfloat16'
    """
    global _global_policy
    if isinstance(policy, str):
        policy = policy_from_name(policy)
    elif not isinstance(policy, DTypePolicy):
        raise ValueError(
            "set_dtype_policy: policy must be a policy name such as 'mixed_float16' or a "
            f"DTypePolicy, got {policy!r} of type {type(policy).__name__}."
        )
    _global_policy = policy


def reset_dtype_policy() -> None:
    """Forget the policy set with `set_dtype_policy` (back to the floatx policy).

    For `kc.backend.clear_session` and tests; Keras resets it in ``clear_session``.
    """
    global _global_policy
    _global_policy = None
