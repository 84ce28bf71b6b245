"""`ZeroPadding1D`/`2D`/`3D` and `UpSampling1D`/`2D`/`3D`: grow the spatial dimensions.

Example:
    >>> kc.layers.ZeroPadding2D(1)(np.ones((2, 3, 3, 4), "float32")).shape
    (2, 5, 5, 4)
    >>> kc.layers.UpSampling2D(2)(np.ones((2, 3, 3, 4), "float32")).shape
    (2, 6, 6, 4)
"""

from __future__ import annotations

from kc import ops
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.convolutional import _args


class BaseZeroPadding(Layer):
    """Pads each spatial dimension with ``(before, after)`` zeros.

    Args:
        padding: an int, ``rank`` ints (symmetric), or ``rank`` (before, after) pairs.
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.
        rank: number of spatial dimensions.
    """

    def __init__(self, padding, data_format=None, rank=2, **kwargs):
        super().__init__(**kwargs)
        where = _args.layer_where(self)
        self.rank = rank
        self._pairs = _args.pair_tuple(padding, rank, "padding", where)
        self.padding = self._pairs
        self.data_format = _args.data_format(data_format, where)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        pads = [(0, 0)] * (self.rank + 2)
        for axis, pair in zip(_args.spatial_axes(self.rank, self.data_format), self._pairs):
            pads[axis] = pair
        return ops.pad(inputs, pads)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (before, after) in zip(_args.spatial_axes(self.rank, self.data_format),
                                         self._pairs):
            if shape[axis] is not None:
                shape[axis] += before + after
        return tuple(shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class ZeroPadding1D(BaseZeroPadding):
    """Zero-pads the steps axis.

    Args:
        padding: an int or a (before, after) pair.
        data_format: "channels_last" (batch, steps, features) or "channels_first".

    Example:
        >>> kc.layers.ZeroPadding1D((1, 2))(np.ones((2, 3, 4), "float32")).shape
        (2, 6, 4)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__((padding,), data_format, 1, **kwargs)
        self.padding = self._pairs[0]


class ZeroPadding2D(BaseZeroPadding):
    """Zero-pads rows and columns.

    Args:
        padding: an int, (rows, cols) symmetric, or ((top, bottom), (left, right)).
        data_format: "channels_last" or "channels_first".

    Example:
        >>> kc.layers.ZeroPadding2D(((1, 0), (0, 2)))(np.ones((1, 3, 3, 2), "float32")).shape
        (1, 4, 5, 2)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, 2, **kwargs)


class ZeroPadding3D(BaseZeroPadding):
    """Zero-pads the three spatial dimensions.

    Args:
        padding: an int, 3 ints (symmetric), or 3 (before, after) pairs.
        data_format: "channels_last" or "channels_first".

    Example:
        >>> kc.layers.ZeroPadding3D(1)(np.ones((1, 2, 2, 2, 3), "float32")).shape
        (1, 4, 4, 4, 3)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, 3, **kwargs)


_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")


class BaseUpSampling(Layer):
    """Repeats each element ``size[i]`` times along spatial axis ``i``.

    Args:
        size: an int or ``rank`` ints.
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.
        rank: number of spatial dimensions.
    """

    def __init__(self, size, data_format=None, rank=2, **kwargs):
        super().__init__(**kwargs)
        where = _args.layer_where(self)
        self.rank = rank
        self.size = _args.int_tuple(size, rank, "size", where)
        self.data_format = _args.data_format(data_format, where)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        for axis, repeats in zip(_args.spatial_axes(self.rank, self.data_format), self.size):
            if repeats != 1:
                inputs = ops.repeat(inputs, repeats, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, repeats in zip(_args.spatial_axes(self.rank, self.data_format), self.size):
            if shape[axis] is not None:
                shape[axis] *= repeats
        return tuple(shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


class UpSampling1D(BaseUpSampling):
    """Repeats each step of (batch, steps, features) inputs ``size`` times.

    Args:
        size: the repetition factor.

    Example:
        >>> kc.layers.UpSampling1D(3)(np.ones((2, 4, 5), "float32")).shape
        (2, 12, 5)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(size, "channels_last", 1, **kwargs)
        self.size = self.size[0]

    def call(self, inputs):
        return ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        n = input_shape[1]
        return (input_shape[0], None if n is None else n * self.size, input_shape[2])

    def get_config(self) -> dict:
        config = super().get_config()
        del config["data_format"]
        return config


class UpSampling2D(BaseUpSampling):
    """Upsamples rows and columns by repetition or, with ``interpolation``, by resizing.

    Args:
        size: an int or (rows, cols) factors.
        data_format: "channels_last" or "channels_first".
        interpolation: "nearest" (repetition) or a `kc.ops.image.resize` method:
            "bilinear", "bicubic", "lanczos3", "lanczos5", "area".

    Example:
        >>> kc.layers.UpSampling2D((2, 3))(np.ones((1, 2, 2, 1), "float32")).shape
        (1, 4, 6, 1)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, 2, **kwargs)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"{_args.layer_where(self)}: `interpolation` must be one of "
                             f"{_INTERPOLATIONS}, got interpolation={interpolation!r}.")
        self.interpolation = interpolation

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        out = self.compute_output_shape(inputs.shape)
        rows, cols = _args.spatial_axes(2, self.data_format)
        return ops.image.resize(inputs, (out[rows], out[cols]), interpolation=self.interpolation,
                                data_format=self.data_format)

    def get_config(self) -> dict:
        return {**super().get_config(), "interpolation": self.interpolation}


class UpSampling3D(BaseUpSampling):
    """Repeats the elements of volume inputs along the three spatial dimensions.

    Args:
        size: an int or 3 factors.
        data_format: "channels_last" or "channels_first".

    Example:
        >>> kc.layers.UpSampling3D(2)(np.ones((1, 2, 2, 2, 3), "float32")).shape
        (1, 4, 4, 4, 3)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, 3, **kwargs)
