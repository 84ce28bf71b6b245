"""`ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D`: LSTMs whose matmuls are convolutions
(Shi et al., 2015), and their cell.

The cell holds ``kernel`` (kernel_size + (in_channels, 4 * filters)),
``recurrent_kernel`` (kernel_size + (filters, 4 * filters)) and ``bias``
(4 * filters,), gates in Keras's order i, f, c, o along the last axis:
``z = conv(x, kernel; strides, padding, dilation_rate) + bias + conv(h,
recurrent_kernel; stride 1, "same")``, then the LSTM update of `LSTMCell`.
Keras does not export the cell; kc exports it as `ConvLSTMCell` in this module only.

Example:
    >>> layer = kc.layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
    >>> layer(np.ones((2, 5, 8, 8, 3), "float32")).shape
    (2, 5, 8, 8, 4)
"""

from __future__ import annotations

from kc import ops
from kc.layers._input_spec import InputSpec
from kc.layers.convolutional import _args
from kc.layers.recurrent._cell_base import (
    CONSTRAINT_KEYS, DROPOUT_KEYS, INITIALIZER_KEYS, REGULARIZER_KEYS, CellBase,
    add_cell_properties, first_shape, layer_config, wrap_cell, with_activity_regularizer)
from kc.layers.recurrent._lstm import _forget_bias_initializer
from kc.layers.recurrent._rnn import RNN
from kc.ops._conv import window_output_size

_WINDOW_KEYS = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate")
_CELL_KEYS = (*_WINDOW_KEYS, "activation", "recurrent_activation", "use_bias", *INITIALIZER_KEYS,
              "unit_forget_bias", *REGULARIZER_KEYS, *CONSTRAINT_KEYS, *DROPOUT_KEYS, "seed")
_LAYER_KEYS = with_activity_regularizer(_CELL_KEYS)


class ConvLSTMCell(CellBase):
    """One step of a convolutional LSTM of spatial ``rank``; states ``[h, c]``.

    Args:
        rank: number of spatial dimensions (1, 2 or 3).
        filters: number of output channels (and of each state's channels).
        kernel_size, strides, dilation_rate: int or ``rank`` ints, of the input convolution
            (the recurrent convolution has stride 1 and "same" padding).
        padding: "valid" or "same" for the input convolution.
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.
        Other arguments: as in `LSTMCell`.

    Example:
        >>> cell = ConvLSTMCell(2, filters=4, kernel_size=3, padding="same")
        >>> kc.layers.RNN(cell)(np.ones((2, 5, 8, 8, 3), "float32")).shape
        (2, 8, 8, 4)
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._init_cell(locals())
        where = _args.layer_where(self)
        self.rank = rank
        self.filters = self.units
        self.kernel_size, self.strides, self.dilation_rate = _args.window_args(
            rank, kernel_size, strides, dilation_rate, where)
        self.padding = _args.padding_mode(padding, where)
        self.data_format = _args.data_format(data_format, where)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.input_spec = InputSpec(ndim=rank + 2)

    @property
    def state_size(self):
        return [self.filters, self.filters]

    @property
    def output_size(self):
        return self.filters

    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape):
        input_shape = first_shape(input_shape)
        where = _args.layer_where(self)
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"{where}: expected a step input of rank {self.rank + 2} (batch, "
                             f"spatial..., channels), got input shape {input_shape}.")
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(f"{where}: the channel dimension of the input must be known, got "
                             f"input shape {input_shape}.")
        self.kernel = self._weight("kernel", self.kernel_size + (channels, 4 * self.filters))
        self.recurrent_kernel = self._weight("recurrent_kernel",
                                             self.kernel_size + (self.filters, 4 * self.filters))
        self.bias = None
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                init = _forget_bias_initializer(init, self.filters)
            self.bias = self._weight("bias", (4 * self.filters,), initializer=init)

    def spatial_output(self, spatial) -> tuple:
        """Spatial sizes of the states for step inputs of spatial sizes ``spatial``."""
        return tuple(window_output_size(n, k, s, d, self.padding) for n, k, s, d in zip(
            spatial, self.kernel_size, self.strides, self.dilation_rate))

    def state_shape(self, step_shape) -> tuple:
        """Shape of each state (and of the output) for a step input of ``step_shape``."""
        step_shape = tuple(step_shape)
        if self.data_format == "channels_last":
            return (step_shape[0], *self.spatial_output(step_shape[1:-1]), self.filters)
        return (step_shape[0], self.filters, *self.spatial_output(step_shape[2:]))

    def _conv(self, x, kernel, strides, padding, dilation_rate):
        return ops.conv(x, kernel, strides=strides, padding=padding,
                        data_format=self.data_format, dilation_rate=dilation_rate)

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        inputs, h_dropped = self._dropped(inputs, h_prev, training)
        z = self._conv(inputs, self.kernel.value, self.strides, self.padding, self.dilation_rate)
        if self.bias is not None:
            bias = self.bias.value
            if self.data_format == "channels_first":
                bias = ops.reshape(bias, (-1,) + (1,) * self.rank)
            z = ops.add(z, bias)
        z = ops.add(z, self._conv(h_dropped, self.recurrent_kernel.value, 1, "same", 1))
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=self._channel_axis())
        act, rec_act = self.activation, self.recurrent_activation
        c = ops.add(ops.multiply(rec_act(z_f), c_prev), ops.multiply(rec_act(z_i), act(z_c)))
        h = ops.multiply(rec_act(z_o), act(c))
        return h, [h, c]

    def get_config(self) -> dict:
        return {**super().get_config(), **self._cell_config(_CELL_KEYS)}


class ConvLSTM(RNN):
    """A `ConvLSTMCell` of spatial rank ``_rank`` (set by each subclass) run over the time axis
    (axis 1).

    Inputs have shape ``(batch, time, *spatial, channels)`` (channels_last) or
    ``(batch, time, channels, *spatial)`` (channels_first).
    """

    _rank: int

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, **kwargs):
        cell, rnn_args = wrap_cell(ConvLSTMCell, "conv_lstm_cell", locals(), _CELL_KEYS,
                                   self._rank)
        super().__init__(cell, **rnn_args)
        self.input_spec = InputSpec(ndim=self._rank + 3)
        self._kc_state_shape = None

    def _step_shape(self, sequences_shape) -> tuple:
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != self.cell.rank + 3:
            raise ValueError(
                f"{_args.layer_where(self)}: expected an input of rank {self.cell.rank + 3} "
                f"(batch, time, spatial..., channels), got input shape {sequences_shape}.")
        return (sequences_shape[0],) + sequences_shape[2:]

    def build(self, sequences_shape, initial_state_shape=None):
        step = self._step_shape(sequences_shape)
        self._kc_state_shape = self.cell.state_shape(step)[1:]
        super().build(sequences_shape, initial_state_shape)
        channels = step[self.cell._channel_axis()]
        self.input_spec = InputSpec(ndim=self.cell.rank + 3, axes={
            -1 if self.cell.data_format == "channels_last" else 2: channels})

    def get_initial_state(self, batch_size):
        shape = (batch_size,) + tuple(self._kc_state_shape)
        return [ops.zeros(shape, dtype=self.cell.compute_dtype) for _ in range(2)]

    def _initial_states(self, sequences, initial_state):
        if initial_state is None and not self.stateful:
            step = (ops.shape(sequences)[0],) + tuple(ops.shape(sequences)[2:])
            shape = self.cell.state_shape(step)
            return [ops.zeros(shape, dtype=self.cell.compute_dtype) for _ in range(2)]
        return super()._initial_states(sequences, initial_state)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        state = self.cell.state_shape(self._step_shape(sequences_shape))
        if self.return_sequences:
            output = (state[0], sequences_shape[1]) + state[1:]
        else:
            output = state
        return [output, state, state] if self.return_state else output

    def get_config(self) -> dict:
        return layer_config(self, _LAYER_KEYS)


add_cell_properties(ConvLSTM, [k for k in _CELL_KEYS])


class ConvLSTM1D(ConvLSTM):
    """Convolutional LSTM over sequences of 1D inputs ``(batch, time, steps, channels)``.

    Args: ``filters``, ``kernel_size``, ``strides``, ``padding``, ``data_format``,
    ``dilation_rate``, the arguments of `LSTM` except ``unroll``/``use_cudnn``.

    Example:
        >>> kc.layers.ConvLSTM1D(4, 3)(np.ones((2, 5, 10, 3), "float32")).shape
        (2, 8, 4)
    """

    _rank = 1


class ConvLSTM2D(ConvLSTM):
    """Convolutional LSTM over sequences of images ``(batch, time, rows, cols, channels)``.

    Args: as `ConvLSTM1D`, with 2 ints for the window arguments.

    Example:
        >>> kc.layers.ConvLSTM2D(4, 3, padding="same")(np.ones((2, 5, 8, 8, 3), "float32")).shape
        (2, 8, 8, 4)
    """

    _rank = 2


class ConvLSTM3D(ConvLSTM):
    """Convolutional LSTM over sequences of volumes ``(batch, time, d1, d2, d3, channels)``.

    Args: as `ConvLSTM1D`, with 3 ints for the window arguments.

    Example:
        >>> kc.layers.ConvLSTM3D(2, 3)(np.ones((1, 2, 4, 4, 4, 1), "float32")).shape
        (1, 2, 2, 2, 2)
    """

    _rank = 3

