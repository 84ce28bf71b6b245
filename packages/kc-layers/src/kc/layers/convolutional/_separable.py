"""`SeparableConv1D`/`SeparableConv2D`: a depthwise convolution, then a pointwise one.

Example:
    >>> layer = kc.layers.SeparableConv2D(8, 3, depth_multiplier=2)
    >>> layer(np.ones((1, 5, 5, 3), "float32")).shape
    (1, 3, 3, 8)
"""

from __future__ import annotations

from kc import constraints, initializers, ops, regularizers
from kc.layers._layer import Layer
from kc.layers.convolutional import _args
from kc.layers.convolutional._base_conv import BaseConv


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
        if not _args._is_int(depth_multiplier) or depth_multiplier <= 0:
            raise ValueError(f"{where}: `depth_multiplier` must be a positive int, got "
                             f"depth_multiplier={depth_multiplier!r}.")
        if not _args._is_int(filters) or filters <= 0:
            raise ValueError(f"{where}: `filters` must be a positive int, got filters={filters!r}.")
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        self._init_window(rank, kernel_size, strides, padding, data_format, dilation_rate,
                          activation, use_bias, allow_causal=False)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self._set_channel_spec(channels)

    def call(self, inputs):
        outputs = ops.separable_conv(
            inputs, self.depthwise_kernel.value, self.pointwise_kernel.value, strides=self.strides,
            padding=self.padding, data_format=self.data_format, dilation_rate=self.dilation_rate)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        self._input_channels(input_shape)
        return self._join(tuple(input_shape)[0], self._window_output(input_shape), self.filters)

    def get_config(self) -> dict:
        return {
            **Layer.get_config(self),
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            **self._base_config(),
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
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
        super().__init__(1, depth_multiplier, filters, kernel_size, strides, padding, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         pointwise_initializer, bias_initializer, depthwise_regularizer,
                         pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


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
        super().__init__(2, depth_multiplier, filters, kernel_size, strides, padding, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         pointwise_initializer, bias_initializer, depthwise_regularizer,
                         pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)
