"""Tensor creation of the NumPy backend (see kc/ops/_creation.py for dtypes).

The bodies, shared with JAX, live in kc/backend/common/numpy_like/creation.py.
"""

from __future__ import annotations

import numpy as np

from kc import dtypes
from kc.backend.common.numpy_like.creation import creation_ops
from kc.backend.numpy import core


def _compute_dtype(out: str) -> str:
    return out if dtypes.is_float_dtype(out) and out not in ("float16", "bfloat16") else "float64"


globals().update(creation_ops(np, core, _compute_dtype, uninitialised=np.empty, own=np.array))
