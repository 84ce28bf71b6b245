"""The NumPy backend: portable numerics, inference and the oracle for tests.

It cannot take gradients, so it cannot train.
"""

import numpy as np

NAME = "numpy"
TENSOR_TYPE = np.ndarray

from kc.backend.numpy import core  # noqa: E402,F401
