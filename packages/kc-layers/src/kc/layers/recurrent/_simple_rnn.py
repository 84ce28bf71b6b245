"""`SimpleRNNCell` and `SimpleRNN`: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

Example:
    >>> kc.layers.SimpleRNN(4)(np.ones((2, 5, 3), "float32")).shape
    (2, 4)
"""

from __future__ import annotations

from kc import ops, tree
from kc.layers._input_spec import InputSpec
from kc.layers.recurrent._cell_base import (
    CONSTRAINT_KEYS, DROPOUT_KEYS, INITIALIZER_KEYS, REGULARIZER_KEYS, CellBase,
    add_cell_properties, first_shape, layer_config, wrap_cell, with_activity_regularizer)
from kc.layers.recurrent._rnn import RNN

_CELL_KEYS = ("units", "activation", "use_bias", *INITIALIZER_KEYS, *REGULARIZER_KEYS,
              *CONSTRAINT_KEYS, *DROPOUT_KEYS, "seed")


class SimpleRNNCell(CellBase):
    """One step of a fully connected RNN, for `RNN`.

    Args:
        units: size of the output and state.
        activation: activation function or name; default "tanh".
        use_bias: whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers
            of ``kernel`` (input_dim, units), ``recurrent_kernel`` (units, units), ``bias`` (units,).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout: fraction of input units dropped in training (same units at every step).
        recurrent_dropout: fraction of state units dropped in training.
        seed: seed of the dropout masks.

    Example:
        >>> cell = kc.layers.SimpleRNNCell(4)
        >>> kc.layers.RNN(cell)(np.ones((2, 5, 3), "float32")).shape
        (2, 4)
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._init_cell(locals())

    def build(self, input_shape):
        input_dim = first_shape(input_shape)[-1]
        self.kernel = self._weight("kernel", (input_dim, self.units))
        self.recurrent_kernel = self._weight("recurrent_kernel", (self.units, self.units))
        self.bias = self._weight("bias", (self.units,)) if self.use_bias else None

    def call(self, inputs, states, training=False):
        nested = tree.is_nested(states)
        h_prev = states[0] if nested else states
        inputs, h_dropped = self._dropped(inputs, h_prev, training)
        h = ops.matmul(inputs, self.kernel.value)
        if self.bias is not None:
            h = ops.add(h, self.bias.value)
        h = self.activation(ops.add(h, ops.matmul(h_dropped, self.recurrent_kernel.value)))
        return h, ([h] if nested else h)

    def get_config(self) -> dict:
        return {**super().get_config(), **self._cell_config(_CELL_KEYS)}


class SimpleRNN(RNN):
    """A fully connected RNN whose output is fed back as its input: `RNN(SimpleRNNCell(...))`.

    Args: those of `SimpleRNNCell`, ``activity_regularizer``, and those of `RNN`
    (``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``, ``unroll``).

    Example:
        >>> out, state = kc.layers.SimpleRNN(4, return_state=True)(np.ones((2, 5, 3), "float32"))
        >>> out.shape, state.shape
        ((2, 4), (2, 4))
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False, seed=None,
                 **kwargs):
        cell, rnn_args = wrap_cell(SimpleRNNCell, "simple_rnn_cell", locals(), _CELL_KEYS)
        super().__init__(cell, **rnn_args)
        self.input_spec = InputSpec(ndim=3)

    def get_config(self) -> dict:
        return layer_config(self, with_activity_regularizer(_CELL_KEYS[:-1]))  # no "seed"


add_cell_properties(SimpleRNN, [k for k in _CELL_KEYS if k != "units"] + ["units"])
