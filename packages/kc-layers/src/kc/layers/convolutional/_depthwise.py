"""`DepthwiseConv1D`/`DepthwiseConv2D`: each input channel convolved with its own filters.

Example:
    >>> layer = kc.layers.DepthwiseConv2D(3, depth_multiplier=2)
    >>> layer(np.ones((1, 5, 5, 3), "float32")).shape
    (1, 3, 3, 6)
"""

from __future__ import annotations

from kc import ops
from kc.layers._layer import Layer
from kc.layers.convolutional import _args
from kc.layers.convolutional._base_conv import BaseConv
from kc.layers.core._weight_args import add_weight_with_args, set_weight_args, weight_args_config


class BaseDepthwiseConv(BaseConv):
    """N-D depthwise convolution; subclasses fix ``rank``.

    Args:
        rank: number of spatial dimensions.
        kernel_size, strides, padding ("valid" or "same"), data_format, dilation_rate,
            activation, use_bias: as in `BaseConv`.
        depth_multiplier: filters per input channel; output channels are
            ``in_channels * depth_multiplier``.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: as in `Dense`.

    The kernel (named "kernel", as in Keras 3) has shape
    ``kernel_size + (in_channels, depth_multiplier)``.
    """

    def __init__(self, rank, depth_multiplier, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        Layer.__init__(self, activity_regularizer=activity_regularizer, **kwargs)
        self.depth_multiplier = _args.positive_int(
            depth_multiplier, "depth_multiplier", _args.layer_where(self))
        self._init_window(rank, kernel_size, strides, padding, data_format, dilation_rate,
                          activation, use_bias, allow_causal=False)
        set_weight_args(self, locals(), "depthwise", "bias")

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = add_weight_with_args(
            self, "kernel", self.kernel_size + (channels, self.depth_multiplier), "depthwise")
        self._add_bias_weight(channels * self.depth_multiplier)
        self._set_channel_spec(channels)

    def call(self, inputs):
        outputs = ops.depthwise_conv(inputs, self.kernel.value, strides=self.strides,
                                     padding=self.padding, data_format=self.data_format,
                                     dilation_rate=self.dilation_rate)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        channels = self._input_channels(input_shape)
        return self._join(tuple(input_shape)[0], self._window_output(input_shape),
                          channels * self.depth_multiplier)

    def get_config(self) -> dict:
        return {
            **Layer.get_config(self),
            "depth_multiplier": self.depth_multiplier,
            **self._window_config(),
            **self._base_config(),
            **weight_args_config(self, "depthwise", "bias"),
        }


class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution.

    Example:
        >>> kc.layers.DepthwiseConv1D(3)(np.ones((2, 6, 4), "float32")).shape
        (2, 4, 4)
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, **_args.constructor_args(locals()))


class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution.

    Example:
        >>> kc.layers.DepthwiseConv2D(3, padding="same")(np.ones((1, 5, 5, 2), "float32")).shape
        (1, 5, 5, 2)
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, **_args.constructor_args(locals()))
