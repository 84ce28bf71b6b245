"""Shape manipulation ops of the NumPy backend (bodies shared with JAX in common/numpy_like)."""

from __future__ import annotations

import numpy as np

from kc.backend.common.numpy_like.manipulation import manipulation_ops
from kc.backend.numpy import core

globals().update(manipulation_ops(np, core, as_key=np.asarray))
