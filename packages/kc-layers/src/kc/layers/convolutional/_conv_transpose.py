"""`Conv1DTranspose`/`Conv2DTranspose`/`Conv3DTranspose`: transposed ("deconvolution") layers.

Example:
    >>> layer = kc.layers.Conv2DTranspose(4, 3, strides=2, padding="same")
    >>> layer(np.ones((1, 5, 5, 2), "float32")).shape
    (1, 10, 10, 4)
"""

from __future__ import annotations

from kc import ops
from kc.layers.convolutional import _args
from kc.layers.convolutional._base_conv import BaseConv
from kc.layers.core._weight_args import add_weight_with_args
from kc.ops._conv import transpose_length


class BaseConvTranspose(BaseConv):
    """N-D transposed convolution; subclasses fix ``rank``.

    Args:
        rank, filters, kernel_size, strides, padding, data_format, dilation_rate,
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as in `BaseConv`
            (no ``groups``; padding "valid" or "same").
        output_padding: None, or an int or ``rank`` ints, each below its stride,
            added at the end of each spatial axis.

    The kernel has shape ``kernel_size + (filters, in_channels)``.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(groups=1, **_args.constructor_args(locals(), "output_padding"))
        where = _args.layer_where(self)
        if self.padding == "causal":
            raise ValueError(f"{where}: `padding` must be 'valid' or 'same', got 'causal'.")
        if output_padding is not None:
            output_padding = _args.int_tuple(output_padding, rank, "output_padding", where,
                                             allow_zero=True)
            for i, (p, s) in enumerate(zip(output_padding, self.strides)):
                if p >= s:
                    raise ValueError(
                        f"{where}: `output_padding` must be smaller than `strides` on every axis; "
                        f"on axis {i} got output_padding={p} and strides={s}.")
        self.output_padding = output_padding

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = add_weight_with_args(self, "kernel", self.kernel_size + (self.filters, channels))
        self._add_bias_weight(self.filters)
        self._set_channel_spec(channels)

    def call(self, inputs):
        outputs = ops.conv_transpose(
            inputs, self.kernel.value, strides=self.strides, padding=self.padding,
            output_padding=self.output_padding, data_format=self.data_format,
            dilation_rate=self.dilation_rate)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        self._input_channels(input_shape)
        extra = self.output_padding or (None,) * self.rank
        spatial = tuple(transpose_length(n, k, s, d, self.padding, e)[0] for n, k, s, d, e in zip(
            self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate, extra))
        return self._join(tuple(input_shape)[0], spatial, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["groups"]
        order = ["filters", "kernel_size", "strides", "padding"]
        head = {k: config.pop(k) for k in ("name", "trainable", "dtype", *order)}
        return {**head, "output_padding": self.output_padding, **config}


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution.

    Example:
        >>> kc.layers.Conv1DTranspose(3, 3, strides=2)(np.ones((2, 4, 5), "float32")).shape
        (2, 9, 3)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, **_args.constructor_args(locals()))


class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution.

    Example:
        >>> kc.layers.Conv2DTranspose(3, 2, strides=2)(np.ones((1, 4, 4, 5), "float32")).shape
        (1, 8, 8, 3)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, **_args.constructor_args(locals()))


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution (Keras 3 puts ``data_format`` before ``output_padding`` here).

    Example:
        >>> kc.layers.Conv3DTranspose(2, 2, strides=2)(np.ones((1, 2, 2, 2, 1), "float32")).shape
        (1, 4, 4, 4, 2)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 output_padding=None, dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(3, **_args.constructor_args(locals()))
