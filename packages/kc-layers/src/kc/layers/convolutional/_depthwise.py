"""`DepthwiseConv1D`/`DepthwiseConv2D`: each input channel convolved with its own filters.

Example:
    >>> layer = kc.layers.DepthwiseConv2D(3, depth_multiplier=2)
    >>> layer(np.ones((1, 5, 5, 3), "float32")).shape
    (1, 3, 3, 6)
"""

from __future__ import annotations

from kc import constraints, initializers, ops, regularizers
from kc.layers._layer import Layer
from kc.layers.convolutional import _args
from kc.layers.convolutional._base_conv import BaseConv


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
        where = _args.layer_where(self)
        if not _args._is_int(depth_multiplier) or depth_multiplier <= 0:
            raise ValueError(f"{where}: `depth_multiplier` must be a positive int, got "
                             f"depth_multiplier={depth_multiplier!r}.")
        self.depth_multiplier = depth_multiplier
        self._init_window(rank, kernel_size, strides, padding, data_format, dilation_rate,
                          activation, use_bias, allow_causal=False)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(channels * self.depth_multiplier,),
                initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                constraint=self.bias_constraint)
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
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            **self._base_config(),
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
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
        super().__init__(1, depth_multiplier, kernel_size, strides, padding, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)


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
        super().__init__(2, depth_multiplier, kernel_size, strides, padding, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
