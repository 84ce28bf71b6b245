"""Deterministic initializers: Constant, Zeros, Ones, Identity."""

from __future__ import annotations

import numpy as np

from kc import backend, config, dtypes, ops
from kc.initializers._base import Initializer, standardize_shape


def _dtype(dtype) -> str:
    return dtypes.standardize_dtype(dtype or config.floatx())


class Constant(Initializer):
    """Initializer that fills the tensor with ``value``.

    ``value`` may be a scalar or anything that broadcasts to the requested
    shape (a list, a NumPy array, a tensor).

    Args:
        value: the fill value.

    Example:
        >>> kc.initializers.Constant(3.0)((2, 2))  # [[3., 3.], [3., 3.]]
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape, "Constant")
        dtype = _dtype(dtype)
        value = backend.convert_to_tensor(self.value, dtype=dtype)
        return ops.broadcast_to(value, shape)

    def get_config(self) -> dict:
        return {"value": _serialize_value(self.value)}

    @classmethod
    def from_config(cls, config: dict) -> "Constant":
        config = dict(config)
        config["value"] = _deserialize_value(config.get("value", 0.0))
        return cls(**config)


def _serialize_value(value):
    """Arrays and tensors in Keras's ``__tensor__`` form; Python values unchanged."""
    if isinstance(value, np.ndarray) or backend.is_tensor(value):
        array = backend.convert_to_numpy(value)
        return {"class_name": "__tensor__",
                "config": {"value": array.tolist(), "dtype": dtypes.standardize_dtype(array.dtype)}}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _deserialize_value(value):
    if isinstance(value, dict) and value.get("class_name") in ("__tensor__", "__numpy__"):
        cfg = value["config"]
        return np.asarray(cfg["value"], dtype=cfg.get("dtype"))
    return value


class Zeros(Initializer):
    """Initializer that fills the tensor with 0.

    Example:
        >>> kc.initializers.Zeros()((2, 3), dtype="int32")
    """

    def __call__(self, shape, dtype=None):
        return ops.zeros(standardize_shape(shape, "Zeros"), dtype=_dtype(dtype))


class Ones(Initializer):
    """Initializer that fills the tensor with 1.

    Example:
        >>> kc.initializers.Ones()((2, 3))
    """

    def __call__(self, shape, dtype=None):
        return ops.ones(standardize_shape(shape, "Ones"), dtype=_dtype(dtype))


class Identity(Initializer):
    """Initializer of a 2-D matrix: ``gain`` on the main diagonal, 0 elsewhere.

    Non-square shapes get the identity on the leading square block.

    Args:
        gain: the diagonal value.

    Example:
        >>> kc.initializers.Identity(gain=2.0)((2, 3))  # [[2, 0, 0], [0, 2, 0]]

    kc writes ``gain`` in the config (Keras 3.15 writes ``{}`` and so loses a
    non-default gain).
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape, "Identity")
        if len(shape) != 2:
            raise ValueError(
                f"Identity: can only initialize 2-D matrices, got shape={shape} of rank {len(shape)}."
            )
        dtype = _dtype(dtype)
        if self.gain == 1:
            return ops.eye(shape[0], shape[1], dtype=dtype)
        work = dtype if dtypes.is_float_dtype(dtype) else "float32"
        return ops.cast(ops.multiply(ops.eye(shape[0], shape[1], dtype=work), self.gain), dtype)

    def get_config(self) -> dict:
        return {"gain": self.gain}
