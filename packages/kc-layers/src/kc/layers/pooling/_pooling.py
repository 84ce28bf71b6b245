"""Max and average pooling layers over 1, 2 or 3 spatial dimensions.

Example:
    >>> kc.layers.MaxPooling2D()(np.ones((1, 4, 4, 3), "float32")).shape
    (1, 2, 2, 3)
"""

from __future__ import annotations

from kc import ops
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.convolutional import _args
from kc.ops._conv import window_output_size


class BasePooling(Layer):
    """A pooling window slid over the spatial dimensions; subclasses fix rank and mode.

    Args:
        pool_size: int or ``rank`` ints, the window size.
        strides: int, ``rank`` ints, or None for ``pool_size``.
        pool_mode: "max" or "average".
        padding: "valid" or "same" (padded cells never win a max nor count in a mean).
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.
        rank: number of spatial dimensions.
    """

    def __init__(self, pool_size, strides, pool_mode, padding="valid", data_format=None, name=None,
                 rank=2, **kwargs):
        super().__init__(name=name, **kwargs)
        where = _args.layer_where(self)
        self.rank = rank
        self.pool_size = _args.int_tuple(pool_size, rank, "pool_size", where)
        self.strides = self.pool_size if strides is None else _args.int_tuple(
            strides, rank, "strides", where)
        if pool_mode not in ("max", "average"):
            raise ValueError(f"{where}: pool_mode must be 'max' or 'average', got {pool_mode!r}.")
        self.pool_mode = pool_mode
        self.padding = _args.padding_mode(padding, where)
        self.data_format = _args.data_format(data_format, where)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True  # no weights: built from the start, as in Keras

    def call(self, inputs):
        pool = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return pool(inputs, self.pool_size, strides=self.strides, padding=self.padding,
                    data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        last = self.data_format == "channels_last"
        spatial = input_shape[1:-1] if last else input_shape[2:]
        out = tuple(window_output_size(n, k, s, 1, self.padding)
                    for n, k, s in zip(spatial, self.pool_size, self.strides))
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(
                f"{_args.layer_where(self)}: the output would be empty: pool_size {self.pool_size} "
                f"is larger than the spatial size of the input of shape {input_shape}.")
        if last:
            return (input_shape[0], *out, input_shape[-1])
        return (input_shape[0], input_shape[1], *out)

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(BasePooling):
    """Max pooling over 1 spatial dimension.

    Args:
        pool_size: int or 1 ints, default 2.
        strides: int, 1 ints, or None for ``pool_size``.
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.

    Example:
        >>> kc.layers.MaxPooling1D()(np.ones((2, 4, 3), "float32")).shape
        (2, 2, 3)
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, "max", padding, data_format, name, 1, **kwargs)


class MaxPooling2D(BasePooling):
    """Max pooling over 2 spatial dimensions.

    Args:
        pool_size: int or 2 ints, default (2, 2).
        strides: int, 2 ints, or None for ``pool_size``.
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.

    Example:
        >>> kc.layers.MaxPooling2D()(np.ones((2, 4, 4, 3), "float32")).shape
        (2, 2, 2, 3)
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, "max", padding, data_format, name, 2, **kwargs)


class MaxPooling3D(BasePooling):
    """Max pooling over 3 spatial dimensions.

    Args:
        pool_size: int or 3 ints, default (2, 2, 2).
        strides: int, 3 ints, or None for ``pool_size``.
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.

    Example:
        >>> kc.layers.MaxPooling3D()(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 2, 2, 2, 3)
    """

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, "max", padding, data_format, name, 3, **kwargs)


class AveragePooling1D(BasePooling):
    """Average pooling over 1 spatial dimension.

    Args:
        pool_size: int or 1 ints.
        strides: int, 1 ints, or None for ``pool_size``.
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.

    Example:
        >>> kc.layers.AveragePooling1D(2)(np.ones((2, 4, 3), "float32")).shape
        (2, 2, 3)
    """

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, "average", padding, data_format, name, 1, **kwargs)


class AveragePooling2D(BasePooling):
    """Average pooling over 2 spatial dimensions.

    Args:
        pool_size: int or 2 ints.
        strides: int, 2 ints, or None for ``pool_size``.
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.

    Example:
        >>> kc.layers.AveragePooling2D(2)(np.ones((2, 4, 4, 3), "float32")).shape
        (2, 2, 2, 3)
    """

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, "average", padding, data_format, name, 2, **kwargs)


class AveragePooling3D(BasePooling):
    """Average pooling over 3 spatial dimensions.

    Args:
        pool_size: int or 3 ints.
        strides: int, 3 ints, or None for ``pool_size``.
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.

    Example:
        >>> kc.layers.AveragePooling3D(2)(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 2, 2, 2, 3)
    """

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, "average", padding, data_format, name, 3, **kwargs)
