"""`DTypePolicyMap`: per-layer-path dtype policies, with a default."""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from kc.dtype_policies._policy import DTypePolicy


def _get(identifier, where: str) -> DTypePolicy:
    from kc.dtype_policies._lookup import get

    try:
        return get(identifier)
    except ValueError as e:
        raise ValueError(f"DTypePolicyMap: {where}: {e}") from e


class DTypePolicyMap(DTypePolicy, MutableMapping):
    """A dict-like map from layer paths to `DTypePolicy`, itself a policy (its default's).

    Keys are layer paths ("encoder/dense"). Looking up a path returns the
    policy of the key equal to it, else of the one key that matches it as a
    regular expression in full (``"encoder/.*"`` matches every path under
    "encoder"; "encoder" alone matches only "encoder"), else the default
    policy. A path matching two or more patterns raises ValueError.

    Args:
        default_policy: the policy for unmatched paths (anything
            `kc.dtype_policies.get` accepts); None: the global policy at
            construction.
        policy_map: optional dict ``{path or pattern: policy}``.

    Example:
        >>> policies = kc.dtype_policies.DTypePolicyMap(default_policy="float32")
        >>> policies["encoder/.*"] = "mixed_bfloat16"
        >>> policies["encoder/dense"].name, policies["decoder/dense"].name
        ('mixed_bfloat16', 'float32')

    Unlike Keras, values (in ``policy_map`` and assigned) are converted to
    policies, and a `DTypePolicy` default is written serialized in ``get_config``.
    """

    def __init__(self, default_policy=None, policy_map=None):
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(
                f"DTypePolicyMap: policy_map must be a dict or None, got {policy_map!r} of "
                f"type {type(policy_map).__name__}."
            )
        self._default_policy_arg = default_policy
        self._default_policy = _get(default_policy, "default_policy")
        self._policy_map: dict[str, DTypePolicy] = {}
        for key, value in (policy_map or {}).items():
            self[key] = value
        # As a policy, the map behaves as its default policy.
        self._name = f"map_{self._default_policy.name}"
        self._compute_dtype = self._default_policy.compute_dtype
        self._variable_dtype = self._default_policy.variable_dtype
        self._quantization_mode = self._default_policy.quantization_mode

    @property
    def default_policy(self) -> DTypePolicy:
        """The policy of paths that no key matches."""
        return self._default_policy

    def __getitem__(self, key: str) -> DTypePolicy:
        policy = self._policy_map.get(key)
        if policy is not None:
            return policy
        matches = [k for k in self._policy_map if re.fullmatch(k, key)]
        if len(matches) > 1:
            raise ValueError(
                f"DTypePolicyMap: path {key!r} matches several keys: {matches}. Make each path "
                "match at most one key."
            )
        return self._policy_map[matches[0]] if matches else self._default_policy

    def __setitem__(self, key: str, policy) -> None:
        if not isinstance(key, str):
            raise TypeError(f"DTypePolicyMap: keys must be str paths, got {key!r}.")
        if key in self._policy_map:
            raise ValueError(
                f"DTypePolicyMap: key {key!r} is already set to {self._policy_map[key]!r}; "
                "delete it first to replace it."
            )
        if not isinstance(policy, (str, dict, DTypePolicy)):
            raise ValueError(
                f"DTypePolicyMap: value for {key!r} must be a policy name, config dict or "
                f"DTypePolicy, got {policy!r} of type {type(policy).__name__}."
            )
        self._policy_map[key] = _get(policy, f"value for {key!r}")

    def __delitem__(self, key: str) -> None:
        del self._policy_map[key]

    def __contains__(self, key) -> bool:
        return key in self._policy_map

    def __iter__(self):
        return iter(self._policy_map)

    def __len__(self) -> int:
        return len(self._policy_map)

    def get_config(self) -> dict:
        """``{"default_policy": ..., "policy_map": {key: serialized policy}}``."""
        from kc.dtype_policies._lookup import serialize

        default = self._default_policy_arg
        if isinstance(default, DTypePolicy):
            default = serialize(default)
        return {"default_policy": default,
                "policy_map": {k: serialize(v) for k, v in self._policy_map.items()}}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """The map of ``get_config()``."""
        from kc.dtype_policies._lookup import deserialize

        config = dict(config)
        policy_map = config.get("policy_map")
        if policy_map is not None:
            config["policy_map"] = {
                k: deserialize(v, custom_objects) if isinstance(v, dict) else v
                for k, v in policy_map.items()
            }
        return cls(**config)

    def __eq__(self, other):
        return (type(other) is type(self) and self._default_policy == other._default_policy
                and self._policy_map == other._policy_map)

    __hash__ = None

    def __repr__(self):
        mapping = [(k, v.name) for k, v in self._policy_map.items()]
        return f"<DTypePolicyMap default_policy={self._default_policy.name}, mapping={mapping}>"
