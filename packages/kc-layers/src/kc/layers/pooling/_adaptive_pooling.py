"""Adaptive pooling layers: pool to a fixed output size whatever the input size.

Bin ``i`` of an axis of size ``n`` covers ``floor(i * n / out)`` to
``ceil((i + 1) * n / out)`` (see `kc.ops.adaptive_average_pool`).

Example:
    >>> kc.layers.AdaptiveAveragePooling2D(2)(np.ones((1, 7, 5, 3), "float32")).shape
    (1, 2, 2, 3)
"""

from __future__ import annotations

from kc import ops
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.convolutional import _args


class BaseAdaptivePooling(Layer):
    """Pools each spatial dimension into ``output_size`` bins; subclasses fix rank and mode.

    Args:
        output_size: int or ``rank`` ints.
        pool_mode: "max" or "average".
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.
        rank: number of spatial dimensions.
    """

    def __init__(self, output_size, pool_mode, data_format=None, rank=2, **kwargs):
        super().__init__(**kwargs)
        where = _args.layer_where(self)
        self.rank = rank
        self.output_size = _args.int_tuple(output_size, rank, "output_size", where)
        self.pool_mode = pool_mode
        self.data_format = _args.data_format(data_format, where)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        pool = ops.adaptive_max_pool if self.pool_mode == "max" else ops.adaptive_average_pool
        return pool(inputs, self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self) -> dict:
        return {**super().get_config(), "output_size": self.output_size,
                "data_format": self.data_format}


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """Adaptive average pooling of (batch, steps, channels) inputs.

    Example:
        >>> kc.layers.AdaptiveAveragePooling1D(3)(np.ones((2, 7, 4), "float32")).shape
        (2, 3, 4)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, "average", data_format, 1, **kwargs)


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """Adaptive average pooling of image inputs.

    Example:
        >>> kc.layers.AdaptiveAveragePooling2D((2, 3))(np.ones((1, 7, 5, 3), "float32")).shape
        (1, 2, 3, 3)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, "average", data_format, 2, **kwargs)


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """Adaptive average pooling of volume inputs.

    Example:
        >>> kc.layers.AdaptiveAveragePooling3D(2)(np.ones((1, 5, 5, 5, 3), "float32")).shape
        (1, 2, 2, 2, 3)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, "average", data_format, 3, **kwargs)


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """Adaptive max pooling of (batch, steps, channels) inputs.

    Example:
        >>> kc.layers.AdaptiveMaxPooling1D(3)(np.ones((2, 7, 4), "float32")).shape
        (2, 3, 4)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, "max", data_format, 1, **kwargs)


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """Adaptive max pooling of image inputs.

    Example:
        >>> kc.layers.AdaptiveMaxPooling2D(2)(np.ones((1, 7, 5, 3), "float32")).shape
        (1, 2, 2, 3)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, "max", data_format, 2, **kwargs)


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """Adaptive max pooling of volume inputs.

    Example:
        >>> kc.layers.AdaptiveMaxPooling3D(2)(np.ones((1, 5, 5, 5, 3), "float32")).shape
        (1, 2, 2, 2, 3)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, "max", data_format, 3, **kwargs)
