"""kc.dtype_policies: the dtypes layers compute in and keep their variables in (as `keras.dtype_policies`).

Example:
    >>> import kc
    >>> policy = kc.dtype_policies.get("mixed_float16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('float16', 'float32')
    >>> kc.dtype_policies.serialize(policy)["config"]
    {'name': 'mixed_float16'}

Quantized policies (`QuantizedDTypePolicy` and its subclasses) exist as names
only: kc has no quantization yet, and creating one raises NotImplementedError.
"""

from kc.dtype_policies._global import (
    dtype_policy as dtype_policy,
    set_dtype_policy as set_dtype_policy,
)
from kc.dtype_policies._lookup import (
    deserialize as deserialize,
    get as get,
    serialize as serialize,
)
from kc.dtype_policies._policy import (
    AWQDTypePolicy as AWQDTypePolicy,
    DTypePolicy as DTypePolicy,
    FloatDTypePolicy as FloatDTypePolicy,
    GPTQDTypePolicy as GPTQDTypePolicy,
    Int4DTypePolicy as Int4DTypePolicy,
    QuantizedDTypePolicy as QuantizedDTypePolicy,
    QuantizedFloat8DTypePolicy as QuantizedFloat8DTypePolicy,
)
from kc.dtype_policies._policy_map import DTypePolicyMap as DTypePolicyMap

__all__ = [
    "AWQDTypePolicy", "DTypePolicy", "DTypePolicyMap", "FloatDTypePolicy", "GPTQDTypePolicy",
    "Int4DTypePolicy", "QuantizedDTypePolicy", "QuantizedFloat8DTypePolicy", "deserialize",
    "dtype_policy", "get", "serialize", "set_dtype_policy",
]
