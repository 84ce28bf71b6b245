"""kc.mixed_precision: dtype policies under their mixed-precision names (as `keras.mixed_precision`).

Example:
    >>> import kc
    >>> kc.mixed_precision.set_global_policy("mixed_bfloat16")
    >>> kc.mixed_precision.global_policy()
    <DTypePolicy "mixed_bfloat16">

``LossScaleOptimizer`` is `kc.optimizers.LossScaleOptimizer`, imported on first use.
"""

from kc.dtype_policies import (
    DTypePolicy as DTypePolicy,
    dtype_policy as dtype_policy,
    set_dtype_policy as set_dtype_policy,
)

# Aliases, as Keras exports them.
Policy = DTypePolicy
global_policy = dtype_policy
set_global_policy = set_dtype_policy

__all__ = [
    "DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "global_policy",
    "set_dtype_policy", "set_global_policy",
]


def __getattr__(name: str):
    if name == "LossScaleOptimizer":
        import importlib

        try:
            optimizers = importlib.import_module("kc.optimizers")
        except ModuleNotFoundError as e:
            if e.name != "kc.optimizers":
                raise
            raise ImportError(
                "kc.mixed_precision.LossScaleOptimizer is kc.optimizers.LossScaleOptimizer, "
                "and kc.optimizers is not available in this kc-layers version yet."
            ) from e
        try:
            cls = optimizers.LossScaleOptimizer
        except AttributeError as e:
            raise ImportError(
                "kc.mixed_precision.LossScaleOptimizer: kc.optimizers has no "
                "LossScaleOptimizer yet."
            ) from e
        globals()[name] = cls
        return cls
    raise AttributeError(f"module 'kc.mixed_precision' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"LossScaleOptimizer"})
