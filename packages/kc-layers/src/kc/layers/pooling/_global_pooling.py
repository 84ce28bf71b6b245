"""Global max and average pooling: reduce every spatial dimension.

Example:
    >>> kc.layers.GlobalAveragePooling2D()(np.ones((2, 4, 4, 3), "float32")).shape
    (2, 3)
"""

from __future__ import annotations

from kc import ops
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.convolutional import _args


class BaseGlobalPooling(Layer):
    """Reduces all spatial dimensions with max or mean; subclasses fix rank and mode.

    Args:
        pool_mode: "max" or "average".
        data_format: "channels_last" or "channels_first"; None means
            `kc.config.image_data_format()`.
        keepdims: keep the reduced dimensions with size 1.
        rank: number of spatial dimensions.
    """

    def __init__(self, pool_mode, data_format=None, keepdims=False, rank=1, **kwargs):
        super().__init__(**kwargs)
        self.pool_mode = pool_mode
        self.rank = rank
        self.data_format = _args.data_format(data_format, _args.layer_where(self))
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True  # no weights: built from the start, as in Keras

    def _axes(self) -> tuple:
        return _args.spatial_axes(self.rank, self.data_format)

    def call(self, inputs):
        reduce = ops.max if self.pool_mode == "max" else ops.mean
        return reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        axes = {a % len(input_shape) for a in self._axes()}
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Maximum over the steps of (batch, steps, features) inputs.

    Example:
        >>> kc.layers.GlobalMaxPooling1D()(np.ones((2, 5, 3), "float32")).shape
        (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__("max", data_format, keepdims, 1, **kwargs)


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Maximum over the rows and columns of image inputs.

    Example:
        >>> kc.layers.GlobalMaxPooling2D(keepdims=True)(np.ones((2, 4, 4, 3), "float32")).shape
        (2, 1, 1, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__("max", data_format, keepdims, 2, **kwargs)


class GlobalMaxPooling3D(BaseGlobalPooling):
    """Maximum over the three spatial dimensions of volume inputs.

    Example:
        >>> kc.layers.GlobalMaxPooling3D()(np.ones((2, 3, 3, 3, 4), "float32")).shape
        (2, 4)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__("max", data_format, keepdims, 3, **kwargs)


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps of (batch, steps, features) inputs; masked steps are left out.

    Args:
        data_format, keepdims: as in `BaseGlobalPooling`.

    Call arguments:
        inputs: a 3D tensor.
        mask: optional (batch, steps) boolean mask; the mean covers the True steps only.

    Example:
        >>> kc.layers.GlobalAveragePooling1D()(np.ones((2, 5, 3), "float32")).shape
        (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__("average", data_format, keepdims, 1, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        step_axis = 1 if self.data_format == "channels_last" else 2
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype),
                                  2 if self.data_format == "channels_last" else 1)
        total = ops.sum(ops.multiply(inputs, weights), axis=step_axis, keepdims=self.keepdims)
        count = ops.sum(weights, axis=step_axis, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs, previous_mask):
        return None


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Mean over the rows and columns of image inputs.

    Example:
        >>> kc.layers.GlobalAveragePooling2D()(np.ones((2, 4, 4, 3), "float32")).shape
        (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__("average", data_format, keepdims, 2, **kwargs)


class GlobalAveragePooling3D(BaseGlobalPooling):
    """Mean over the three spatial dimensions of volume inputs.

    Example:
        >>> kc.layers.GlobalAveragePooling3D()(np.ones((2, 3, 3, 3, 4), "float32")).shape
        (2, 4)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__("average", data_format, keepdims, 3, **kwargs)
