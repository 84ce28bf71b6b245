"""`SeparableConv1D`/`SeparableConv2D`: a depthwise convolution, then a pointwise one.

Example:
    >>> layer = kc.layers.SeparableConv2D(8, 3, depth_multiplier=2)
    >>> layer(np.ones((1, 5, 5, 3), "float32")).shape
    (1, 3, 3, 8)
"""

from __future__ import annotations

from kc import ops
from kc.layers._layer import Layer
from kc.layers.convolutional import _args
from kc.layers.convolutional._base_conv import BaseConv
from kc.layers.core._weight_args import add_weight_with_args, set_weight_args, weight_args_config


class BaseSeparableConv(BaseConv):
    """N-D depthwise-separable convolution; subclasses fix ``rank``.

    Args:
        rank: number of spatial dimensions.
        depth_multiplier: depthwise filters per input channel.
        filters: output channels of the pointwise step.
        kernel_size, strides, padding ("valid" or "same"), data_format, dilation_rate,
            activation, use_bias: as in `BaseConv` (they apply to the depthwise step).
        depthwise_*, pointwise_*, bias_*: initializers, regularizers and constraints of
            the three weights.

    Weights: ``depthwise_kernel`` ``kernel_size + (in_channels, depth_multiplier)``,
    ``pointwise_kernel`` ``(1,) * rank + (in_channels * depth_multiplier, filters)``, ``bias``.
    """

    def __init__(self, rank, depth_multiplier, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        Layer.__init__(self, activity_regularizer=activity_regularizer, **kwargs)
        where = _args.layer_where(self)
        self.depth_multiplier = _args.positive_int(depth_multiplier, "depth_multiplier", where)
        self.filters = _args.positive_int(filters, "filters", where)
        self._init_window(rank, kernel_size, strides, padding, data_format, dilation_rate,
                          activation, use_bias, allow_causal=False)
        set_weight_args(self, locals(), "depthwise", "pointwise", "bias")

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = add_weight_with_args(
            self, "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            "depthwise")
        self.pointwise_kernel = add_weight_with_args(
            self, "pointwise_kernel",
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters), "pointwise")
        self._add_bias_weight(self.filters)
        self._set_channel_spec(channels)

    def call(self, inputs):
        outputs = ops.separable_conv(
            inputs, self.depthwise_kernel.value, self.pointwise_kernel.value, strides=self.strides,
            padding=self.padding, data_format=self.data_format, dilation_rate=self.dilation_rate)
        return self._finish(outputs)

    def get_config(self) -> dict:
        return {
            **Layer.get_config(self),
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            **self._window_config(),
            **self._base_config(),
            **weight_args_config(self, "depthwise", "pointwise", "bias"),
        }


class SeparableConv1D(BaseSeparableConv):
    """1D depthwise-separable convolution.

    Example:
        >>> kc.layers.SeparableConv1D(4, 3)(np.ones((2, 6, 3), "float32")).shape
        (2, 4, 4)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, **_args.constructor_args(locals()))


class SeparableConv2D(BaseSeparableConv):
    """2D depthwise-separable convolution.

    Example:
        >>> kc.layers.SeparableConv2D(4, 3)(np.ones((1, 5, 5, 3), "float32")).shape
        (1, 3, 3, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, **_args.constructor_args(locals()))
