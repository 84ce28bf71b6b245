"""`Variable` of the NumPy backend: holds a NumPy array."""

from __future__ import annotations

import numpy as np

from kc.backend.common import variables
from kc.backend.numpy import core


class Variable(variables.Variable):
    __doc__ = variables.Variable.__doc__

    def _convert(self, value):
        return core.convert_to_tensor(value, dtype=self._dtype)

    def _initialize(self, value) -> None:
        self._value = np.array(value)  # a copy: the caller's array stays theirs

    def _read(self):
        return self._value

    def _write(self, value) -> None:
        self._value = np.array(value)

    def _kc_take(self, array) -> None:
        if self._kc_can_take(array):
            self._value, self._kc_init_pending = array, False
        else:
            self.assign(array)
