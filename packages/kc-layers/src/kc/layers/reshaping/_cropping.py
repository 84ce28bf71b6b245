"""`Cropping1D`/`Cropping2D`/`Cropping3D`: remove rows/columns/slices at the borders.

Example:
    >>> kc.layers.Cropping2D(((1, 0), (2, 1)))(np.ones((2, 5, 6, 3), "float32")).shape
    (2, 4, 3, 3)
"""

from __future__ import annotations

from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.convolutional import _args


class BaseCropping(Layer):
    """Crops ``(before, after)`` elements off each spatial dimension.

    Args:
        cropping: an int, ``rank`` ints (symmetric), or ``rank`` (before, after) pairs.
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()` (ignored by `Cropping1D`, which is channels_last).
        rank: number of spatial dimensions.
    """

    def __init__(self, cropping, data_format=None, rank=2, **kwargs):
        super().__init__(**kwargs)
        where = _args.layer_where(self)
        self.rank = rank
        self._pairs = _args.pair_tuple(cropping, rank, "cropping", where)
        self.cropping = self._pairs
        self.data_format = _args.data_format(data_format, where)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _spatial_axes(self) -> tuple:
        return _args.spatial_axes(self.rank, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (before, after) in zip(self._spatial_axes(), self._pairs):
            size = shape[axis]
            if size is None:
                continue
            if before + after >= size:
                raise ValueError(
                    f"{_args.layer_where(self)}: `cropping` {self.cropping} must leave at least one "
                    f"element on each spatial axis, got input shape {tuple(input_shape)}.")
            shape[axis] = size - before - after
        return tuple(shape)

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        index = [slice(None)] * len(inputs.shape)
        for axis, (before, after) in zip(self._spatial_axes(), self._pairs):
            index[axis] = slice(before, inputs.shape[axis] - after)
        return inputs[tuple(index)]

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class Cropping1D(BaseCropping):
    """Crops the steps axis of (batch, steps, features) inputs.

    Args:
        cropping: an int or a (before, after) pair.

    Example:
        >>> kc.layers.Cropping1D((1, 2))(np.ones((2, 6, 3), "float32")).shape
        (2, 3, 3)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__((cropping,), "channels_last", 1, **kwargs)
        self.cropping = self._pairs[0]

    def get_config(self) -> dict:
        config = super().get_config()
        del config["data_format"]
        return config


class Cropping2D(BaseCropping):
    """Crops rows and columns of image inputs.

    Args:
        cropping: an int, (rows, cols) symmetric, or ((top, bottom), (left, right)).
        data_format: "channels_last" or "channels_first".

    Example:
        >>> kc.layers.Cropping2D(1)(np.ones((2, 5, 5, 3), "float32")).shape
        (2, 3, 3, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, 2, **kwargs)


class Cropping3D(BaseCropping):
    """Crops the three spatial dimensions of volume inputs.

    Args:
        cropping: an int, 3 ints (symmetric), or 3 (before, after) pairs.
        data_format: "channels_last" or "channels_first".

    Example:
        >>> kc.layers.Cropping3D()(np.ones((1, 4, 4, 4, 2), "float32")).shape
        (1, 2, 2, 2, 2)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, 3, **kwargs)
