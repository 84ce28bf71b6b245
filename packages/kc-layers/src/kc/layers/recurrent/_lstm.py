"""`LSTMCell` and `LSTM`: long short-term memory (Hochreiter and Schmidhuber, 1997).

Gates in Keras's order i, f, c, o along the last axis of ``kernel`` (input_dim,
4 * units), ``recurrent_kernel`` (units, 4 * units) and ``bias`` (4 * units,):
``z = x @ kernel + h @ recurrent_kernel + bias``; ``c' = f * c + i * act(z_c)``;
``h' = o * act(c')`` with i, f, o = ``recurrent_activation`` of their parts of z.

Example:
    >>> out, h, c = kc.layers.LSTM(4, return_state=True)(np.ones((2, 5, 3), "float32"))
    >>> out.shape, c.shape
    ((2, 4), (2, 4))
"""

from __future__ import annotations

from kc import initializers, ops
from kc.layers._input_spec import InputSpec
from kc.layers.recurrent._cell_base import (
    CONSTRAINT_KEYS, DROPOUT_KEYS, INITIALIZER_KEYS, REGULARIZER_KEYS, CellBase,
    add_cell_properties, first_shape, layer_config, wrap_cell, with_activity_regularizer)
from kc.layers.recurrent._fused_torch import FusedLoop
from kc.layers.recurrent._rnn import RNN

_CELL_KEYS = ("units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
              *INITIALIZER_KEYS, *REGULARIZER_KEYS, *CONSTRAINT_KEYS, *DROPOUT_KEYS, "seed")
_LAYER_KEYS = with_activity_regularizer((
    "units", "activation", "recurrent_activation", "use_bias", *INITIALIZER_KEYS,
    "unit_forget_bias", *REGULARIZER_KEYS, *CONSTRAINT_KEYS, *DROPOUT_KEYS, "seed"))


def _forget_bias_initializer(base, units: int):
    """``base`` for the i, c, o parts of the bias and ones for the forget gate."""
    ones = initializers.get("ones")

    def initializer(shape, dtype=None):
        return ops.concatenate([base((units,), dtype=dtype), ones((units,), dtype=dtype),
                                base((2 * units,), dtype=dtype)])

    return initializer


class LSTMCell(CellBase):
    """One step of an LSTM, for `RNN`; states ``[h, c]``.

    Args:
        units: size of the output and of each state.
        activation: activation of the candidate and of the cell state; default "tanh".
        recurrent_activation: activation of the gates; default "sigmoid".
        use_bias: whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        unit_forget_bias: initialize the forget gate's bias to ones.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout, recurrent_dropout: fractions of input / state units dropped in training.
        seed: seed of the dropout masks.

    Example:
        >>> kc.layers.RNN(kc.layers.LSTMCell(4))(np.ones((2, 5, 3), "float32")).shape
        (2, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._init_cell(locals())
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        input_dim = first_shape(input_shape)[-1]
        self.kernel = self._weight("kernel", (input_dim, 4 * self.units))
        self.recurrent_kernel = self._weight("recurrent_kernel", (self.units, 4 * self.units))
        self.bias = None
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                init = _forget_bias_initializer(init, self.units)
            self.bias = self._weight("bias", (4 * self.units,), initializer=init)

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        inputs, h_dropped = self._dropped(inputs, h_prev, training)
        z = ops.add(ops.matmul(inputs, self.kernel.value),
                    ops.matmul(h_dropped, self.recurrent_kernel.value))
        if self.bias is not None:
            z = ops.add(z, self.bias.value)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = ops.add(ops.multiply(f, c_prev), ops.multiply(i, self.activation(z_c)))
        o = self.recurrent_activation(z_o)
        h = ops.multiply(o, self.activation(c))
        return h, [h, c]

    def get_config(self) -> dict:
        return {**super().get_config(), **self._cell_config(_CELL_KEYS)}


class LSTM(FusedLoop, RNN):
    """Long short-term memory layer: `RNN(LSTMCell(...))`.

    Args: those of `LSTMCell`, ``activity_regularizer``, those of `RNN`
    (``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``,
    ``unroll``), and ``use_cudnn``: on torch, "auto" or True run PyTorch's
    fused LSTM kernel when the configuration allows (see ``_fused_torch``),
    False always runs kc's loop; other backends always run kc's loop.

    Example:
        >>> kc.layers.LSTM(4, return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        cell, rnn_args = wrap_cell(LSTMCell, "lstm_cell", locals(), _CELL_KEYS)
        super().__init__(cell, **rnn_args)
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = use_cudnn

    def get_config(self) -> dict:
        return layer_config(self, _LAYER_KEYS)


add_cell_properties(LSTM, [k for k in _CELL_KEYS])
