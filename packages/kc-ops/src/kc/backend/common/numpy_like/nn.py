"""Neural-network helpers shared by the NumPy and JAX backends."""

from __future__ import annotations

from typing import Callable


def param_broadcaster(convert_to_tensor: Callable) -> Callable:
    """Return ``param(v, x, axes)``: a gamma/beta/scale of the normalized axes' shape,
    as a tensor of ``x``'s dtype broadcast against ``x``."""

    def param(v, x, axes):
        v = convert_to_tensor(v).astype(x.dtype)
        if v.ndim not in (0, x.ndim):
            v = v.reshape([x.shape[i] if i in axes else 1 for i in range(x.ndim)])
        return v

    return param
