"""`Variable` of the TensorFlow backend: holds a ``tf.Variable``.

`tf.GradientTape` watches it like any trainable ``tf.Variable``;
``tape.gradient(loss, v)`` accepts the kc variable itself, and
``tf.convert_to_tensor(v)`` and TF ops read its value.
"""

from __future__ import annotations

import tensorflow as tf

from kc.backend.common import variables
from kc.backend.tensorflow import core

_AGGREGATION = {
    "none": tf.VariableAggregation.NONE,
    "mean": tf.VariableAggregation.MEAN,
    "sum": tf.VariableAggregation.SUM,
    "only_first_replica": tf.VariableAggregation.ONLY_FIRST_REPLICA,
}
_SYNCHRONIZATION = {
    "none": tf.VariableSynchronization.NONE,
    "auto": tf.VariableSynchronization.AUTO,
    "on_read": tf.VariableSynchronization.ON_READ,
    "on_write": tf.VariableSynchronization.ON_WRITE,
}


class Variable(variables.Variable):
    __doc__ = variables.Variable.__doc__

    # Lets tf.GradientTape take this object as a gradient source (via `handle`).
    _should_act_as_resource_variable = True

    def _convert(self, value):
        return core.convert_to_tensor(value, dtype=self._dtype)

    def _initialize(self, value) -> None:
        self._value = tf.Variable(
            value,
            trainable=self._trainable,
            name=self._name,
            aggregation=_AGGREGATION[self._aggregation],
            synchronization=_SYNCHRONIZATION[self._synchronization],
        )

    def _read(self):
        return self._value  # a tf.Variable, as Keras 3 (ops read it; see core.read_resource)

    def _write(self, value) -> None:
        self._value.assign(value)

    def _snapshot(self):
        return tf.identity(self.value)

    def _kc_take(self, array) -> None:
        if (self._kc_can_take(array) and array.dtype.name != "bfloat16"
                and array.ctypes.data % 64 == 0 and "CPU" in self._value.device):
            # Through DLPack the variable keeps the array's memory (64-byte aligned, as
            # Eigen wants); tf's own conversion of a NumPy array would copy it first.
            self._value.assign(tf.experimental.dlpack.from_dlpack(array.__dlpack__()))
            self._kc_init_pending = False
        else:
            self.assign(array)

    @variables.Variable.trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        self._value._trainable = self._trainable  # tf.Variable has no public setter

    @property
    def handle(self):
        return self._value.handle


def _to_tensor(value, dtype=None, name=None, as_ref=False):
    return tf.convert_to_tensor(value.value, dtype=dtype, name=name)


tf.register_tensor_conversion_function(Variable, _to_tensor)
