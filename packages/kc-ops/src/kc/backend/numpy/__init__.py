"""The NumPy backend: portable numerics, inference and the oracle for tests.

It cannot take gradients, so it cannot train.
"""

import numpy as np

NAME = "numpy"
TENSOR_TYPE = np.ndarray
NATIVE_TYPES = (TENSOR_TYPE,)  # types the native fast path of kc.ops takes as they are

from kc.backend.numpy import core  # noqa: E402,F401
