"""Element-wise binary ops (arithmetic, comparison, logic, bitwise) of the NumPy backend."""

from __future__ import annotations

import numpy as np

from kc.backend.numpy.core import promote


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.add(x1, x2)


add.native = np.add
