"""`BaseConv` and `Conv1D`/`Conv2D`/`Conv3D`: ``activation(conv(inputs, kernel) + bias)``.

Example:
    >>> layer = kc.layers.Conv2D(4, 3, padding="same")
    >>> layer(np.ones((1, 5, 5, 2), "float32")).shape
    (1, 5, 5, 4)
"""

from __future__ import annotations

from kc import activations, ops
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.convolutional import _args
from kc.layers.core._weight_args import add_weight_with_args, set_weight_args, weight_args_config
from kc.ops._conv import window_output_size


class BaseConv(Layer):
    """N-D convolution layer; subclasses fix ``rank`` (1, 2 or 3).

    Args:
        rank: number of spatial dimensions.
        filters: number of output channels.
        kernel_size: int or ``rank`` ints.
        strides: int or ``rank`` ints; strides > 1 excludes dilation_rate > 1.
        padding: "valid", "same" (TensorFlow's rule), or "causal" for rank 1.
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.
        dilation_rate: int or ``rank`` ints.
        groups: number of channel groups; input channels and ``filters`` must divide by it.
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as in `Dense`.

    The kernel has shape ``kernel_size + (in_channels // groups, filters)``.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = _args.layer_where(self)
        self.filters = _args.positive_int(filters, "filters", where, allow_none=True)
        self.groups = _args.positive_int(groups, "groups", where)
        if filters is not None and filters % groups:
            raise ValueError(f"{where}: `filters` must be divisible by `groups`, got filters={filters} "
                             f"and groups={groups}.")
        self._init_window(rank, kernel_size, strides, padding, data_format, dilation_rate,
                          activation, use_bias)
        set_weight_args(self, locals(), "kernel", "bias")

    def _init_window(self, rank, kernel_size, strides, padding, data_format, dilation_rate,
                     activation, use_bias, allow_causal: bool = True) -> None:
        """Validate and store the arguments every conv layer shares."""
        where = _args.layer_where(self)
        self.rank = rank
        self.kernel_size, self.strides, self.dilation_rate = _args.window_args(
            rank, kernel_size, strides, dilation_rate, where)
        self.padding = _args.padding_mode(padding, where, allow_causal=allow_causal and rank == 1)
        self.data_format = _args.data_format(data_format, where)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.input_spec = InputSpec(ndim=rank + 2)

    # Helpers shared by the conv family ------------------------------------------------
    def _input_channels(self, input_shape) -> int:
        input_shape = tuple(input_shape)
        axis = _args.channel_axis(self.data_format)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{_args.layer_where(self)}: expected an input of rank {self.rank + 2} "
                f"(batch, spatial..., channels), got input shape {input_shape}.")
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(
                f"{_args.layer_where(self)}: the channel dimension of the input (axis {axis}, "
                f"{self.data_format}) must be known, got input shape {input_shape}.")
        return channels

    def _set_channel_spec(self, channels: int) -> None:
        self.input_spec = InputSpec(ndim=self.rank + 2,
                                    axes={_args.channel_axis(self.data_format): channels})

    def _add_bias(self, outputs, bias):
        if self.data_format == "channels_last":
            return ops.add(outputs, bias)
        return ops.add(outputs, ops.reshape(bias, (bias.shape[0],) + (1,) * self.rank))

    def _finish(self, outputs):
        if self.use_bias:
            outputs = self._add_bias(outputs, self.bias.value)
        if self.activation is not activations.linear:
            outputs = self.activation(outputs)
        return outputs

    def _spatial(self, input_shape) -> tuple:
        input_shape = tuple(input_shape)
        return input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]

    def _join(self, batch, spatial, channels) -> tuple:
        if self.data_format == "channels_last":
            return (batch, *spatial, channels)
        return (batch, channels, *spatial)

    def _window_output(self, input_shape) -> tuple:
        """Output spatial sizes of a strided, dilated window of ``kernel_size``."""
        padding = "same" if self.padding == "causal" else self.padding
        out = tuple(window_output_size(n, k, s, d, padding) for n, k, s, d in zip(
            self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate))
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(
                f"{_args.layer_where(self)}: the output would be empty: kernel_size "
                f"{self.kernel_size} with dilation_rate {self.dilation_rate} does not fit the input "
                f"of shape {tuple(input_shape)} (padding={self.padding!r}).")
        return out

    def _causal_pad(self, inputs):
        extent = (self.kernel_size[0] - 1) * self.dilation_rate[0]
        pads = [(0, 0)] * 3
        pads[1 if self.data_format == "channels_last" else 2] = (extent, 0)
        return ops.pad(inputs, pads)

    def _add_bias_weight(self, size: int) -> None:
        self.bias = add_weight_with_args(self, "bias", (size,)) if self.use_bias else None

    def _window_config(self) -> dict:
        return {"kernel_size": self.kernel_size, "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate}

    def _base_config(self) -> dict:
        return {
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
        }

    # Conv proper -------------------------------------------------------------------------
    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"{_args.layer_where(self)}: the input channels ({channels}) must be divisible by "
                f"`groups` ({self.groups}); got input shape {tuple(input_shape)}.")
        self.kernel = add_weight_with_args(
            self, "kernel", self.kernel_size + (channels // self.groups, self.filters))
        self._add_bias_weight(self.filters)
        self._set_channel_spec(channels)

    def call(self, inputs):
        padding = self.padding
        if padding == "causal":
            inputs, padding = self._causal_pad(inputs), "valid"
        outputs = ops.conv(inputs, self.kernel.value, strides=self.strides, padding=padding,
                           data_format=self.data_format, dilation_rate=self.dilation_rate)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        self._input_channels(input_shape)
        return self._join(tuple(input_shape)[0], self._window_output(input_shape), self.filters)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._window_config(),
            "groups": self.groups,
            **self._base_config(),
            **weight_args_config(self, "kernel", "bias"),
        }


class Conv1D(BaseConv):
    """1D convolution over (batch, steps, channels) inputs (or channels_first).

    ``padding="causal"`` pads ``(kernel_size - 1) * dilation_rate`` zeros before
    the sequence, so output step ``t`` sees inputs up to ``t`` only.

    Example:
        >>> kc.layers.Conv1D(8, 3, padding="causal")(np.ones((2, 10, 4), "float32")).shape
        (2, 10, 8)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, **_args.constructor_args(locals()))


class Conv2D(BaseConv):
    """2D convolution over (batch, rows, cols, channels) inputs (or channels_first).

    Example:
        >>> kc.layers.Conv2D(8, 3, strides=2)(np.ones((2, 9, 9, 3), "float32")).shape
        (2, 4, 4, 8)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, **_args.constructor_args(locals()))


class Conv3D(BaseConv):
    """3D convolution over (batch, d1, d2, d3, channels) inputs (or channels_first).

    Example:
        >>> kc.layers.Conv3D(2, 3)(np.ones((1, 4, 4, 4, 1), "float32")).shape
        (1, 2, 2, 2, 2)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(3, **_args.constructor_args(locals()))
