"""`Variable` of the PyTorch backend: holds a ``torch.nn.Parameter``.

The parameter lives on `core.get_device()` with ``requires_grad=trainable``
(floating dtypes only); `assign` copies into it in place under
``torch.no_grad()``, so optimizers, ``.grad`` and ``state_dict`` see one
tensor for the variable's whole life. Torch functions accept the variable
itself: ``torch.add(v, 1)`` unwraps it (``__torch_function__``).
"""

from __future__ import annotations

import torch

from kc import dtypes
from kc.backend.common import variables
from kc.backend.torch import core


def _unwrap(x):
    if isinstance(x, variables.Variable):
        return x.value
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(item) for item in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


class Variable(variables.Variable):
    __doc__ = variables.Variable.__doc__

    def _convert(self, value):
        return core.convert_to_tensor(value, dtype=self._dtype)

    def _initialize(self, value) -> None:
        differentiable = dtypes.is_float_dtype(self._dtype) or dtypes.is_complex_dtype(self._dtype)
        value = value.detach().to(core.get_device()).clone()
        self._value = torch.nn.Parameter(value, requires_grad=self._trainable and differentiable)

    def _read(self):
        return self._value

    def _write(self, value) -> None:
        with torch.no_grad():
            self._value.copy_(value)

    def _snapshot(self):
        return self.value.detach().clone()

    def _kc_take(self, array) -> None:
        if (self._value.device.type == "cpu" and self._kc_can_take(array)
                and array.dtype.name != "bfloat16"):  # torch cannot view ml_dtypes' bfloat16
            tensor = torch.from_numpy(array)
            if tensor.dtype == self._value.dtype:
                self._value.data, self._kc_init_pending = tensor, False
                return
        self.assign(array)

    @variables.Variable.trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        if self._value.is_floating_point() or self._value.is_complex():
            self._value.requires_grad_(self._trainable)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return func(*_unwrap(args), **_unwrap(kwargs or {}))
