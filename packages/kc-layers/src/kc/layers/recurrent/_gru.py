"""`GRUCell` and `GRU`: gated recurrent unit (Cho et al., 2014).

Gates in Keras's order z (update), r (reset), h (candidate) along the last axis
of ``kernel`` (input_dim, 3 * units) and ``recurrent_kernel`` (units, 3 * units).
With ``reset_after=True`` (the default, cuDNN-compatible) the bias has shape
(2, 3 * units): row 0 for the input, row 1 for the recurrent projection, and the
reset gate multiplies the recurrent projection ``r * (h @ U_h + b_h)``; with
``reset_after=False`` the bias is (3 * units,) and ``(r * h) @ U_h`` is used.
Then ``h' = z * h + (1 - z) * candidate``.

Example:
    >>> kc.layers.GRU(4)(np.ones((2, 5, 3), "float32")).shape
    (2, 4)
"""

from __future__ import annotations

from kc import ops, tree
from kc.layers._input_spec import InputSpec
from kc.layers.recurrent._cell_base import (
    CONSTRAINT_KEYS, DROPOUT_KEYS, INITIALIZER_KEYS, REGULARIZER_KEYS, CellBase,
    add_cell_properties, first_shape, layer_config, wrap_cell, with_activity_regularizer)
from kc.layers.recurrent._fused_torch import FusedLoop
from kc.layers.recurrent._rnn import RNN

_CELL_KEYS = ("units", "activation", "recurrent_activation", "use_bias", *INITIALIZER_KEYS,
              *REGULARIZER_KEYS, *CONSTRAINT_KEYS, *DROPOUT_KEYS, "reset_after", "seed")
_LAYER_KEYS = with_activity_regularizer(_CELL_KEYS)


class GRUCell(CellBase):
    """One step of a GRU, for `RNN`.

    Args:
        units: size of the output and state.
        activation: activation of the candidate; default "tanh".
        recurrent_activation: activation of the update and reset gates; default "sigmoid".
        use_bias: whether to add biases.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout, recurrent_dropout: fractions of input / state units dropped in training.
        reset_after: apply the reset gate after the recurrent matmul (True,
            separate input and recurrent biases) or before it (False).
        seed: seed of the dropout masks.

    Example:
        >>> kc.layers.RNN(kc.layers.GRUCell(4))(np.ones((2, 5, 3), "float32")).shape
        (2, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self._init_cell(locals())
        self.reset_after = bool(reset_after)

    def build(self, input_shape):
        input_dim = first_shape(input_shape)[-1]
        self.kernel = self._weight("kernel", (input_dim, 3 * self.units))
        self.recurrent_kernel = self._weight("recurrent_kernel", (self.units, 3 * self.units))
        self.bias = None
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = self._weight("bias", shape)

    def call(self, inputs, states, training=False):
        nested = tree.is_nested(states)
        h_prev = states[0] if nested else states
        inputs, h_dropped = self._dropped(inputs, h_prev, training)
        units = self.units
        x = ops.matmul(inputs, self.kernel.value)
        bias = None if self.bias is None else self.bias.value
        if bias is not None:
            x = ops.add(x, bias[0] if self.reset_after else bias)
        x_z, x_r, x_h = ops.split(x, 3, axis=-1)
        kernel_r = self.recurrent_kernel.value
        act, rec_act = self.activation, self.recurrent_activation
        if self.reset_after:
            inner = ops.matmul(h_dropped, kernel_r)
            if bias is not None:
                inner = ops.add(inner, bias[1])
            r_z, r_r, r_h = ops.split(inner, 3, axis=-1)
            z = rec_act(ops.add(x_z, r_z))
            r = rec_act(ops.add(x_r, r_r))
            candidate = act(ops.add(x_h, ops.multiply(r, r_h)))
        else:
            inner = ops.matmul(h_dropped, kernel_r[:, :2 * units])
            r_z, r_r = ops.split(inner, 2, axis=-1)
            z = rec_act(ops.add(x_z, r_z))
            r = rec_act(ops.add(x_r, r_r))
            candidate = act(ops.add(x_h, ops.matmul(ops.multiply(r, h_dropped),
                                                    kernel_r[:, 2 * units:])))
        h = ops.add(ops.multiply(z, h_prev), ops.multiply(ops.subtract(1.0, z), candidate))
        return h, ([h] if nested else h)

    def get_config(self) -> dict:
        return {**super().get_config(), **self._cell_config(_CELL_KEYS)}


class GRU(FusedLoop, RNN):
    """Gated recurrent unit layer: `RNN(GRUCell(...))`.

    Args: those of `GRUCell`, ``activity_regularizer``, those of `RNN`
    (``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``,
    ``unroll``), and ``use_cudnn``: on torch, "auto" or True run PyTorch's
    fused GRU kernel when the configuration allows (reset_after=True; see
    ``_fused_torch``), False always runs kc's loop.

    Example:
        >>> out, h = kc.layers.GRU(4, return_state=True)(np.ones((2, 5, 3), "float32"))
        >>> out.shape, h.shape
        ((2, 4), (2, 4))
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        cell, rnn_args = wrap_cell(GRUCell, "gru_cell", locals(), _CELL_KEYS)
        super().__init__(cell, **rnn_args)
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = use_cudnn

    def get_config(self) -> dict:
        return layer_config(self, _LAYER_KEYS)


add_cell_properties(GRU, [k for k in _CELL_KEYS])
