"""Per-sample normalizations: `LayerNormalization`, `RMSNormalization`, `UnitNormalization`.

Example:
    >>> kc.layers.LayerNormalization()(np.ones((2, 3), "float32")).shape
    (2, 3)
"""

from __future__ import annotations

import warnings

from kc import dtypes, ops
from kc.layers._layer import Layer
from kc.layers.core._weight_args import add_weight_with_args, set_weight_args, weight_args_config
from kc.layers.normalization._batch_normalization import check_axes


def _axis_list(axis, where: str) -> list:
    if isinstance(axis, int) and not isinstance(axis, bool):
        return [axis]
    if isinstance(axis, (list, tuple)) and all(isinstance(a, int) for a in axis):
        return list(axis)
    raise TypeError(f"{where}: axis must be an int or a list/tuple of ints, got {axis!r}.")


def _param_shape(input_shape, axes, where: str) -> tuple:
    shape = tuple(input_shape[a] for a in axes)
    if any(s is None for s in shape):
        raise ValueError(
            f"{where}: the normalized axes {axes} of the input must be known, "
            f"got input shape {tuple(input_shape)}."
        )
    return shape


def _broadcastable(param, ndim: int, axes: list):
    """Reshape a parameter of shape ``[input_shape[a] for a in axes]`` to broadcast on the input."""
    shape = [1] * ndim
    for a, size in zip(axes, param.shape):
        shape[a] = size
    return ops.reshape(param, shape)


def _upcast(x):
    dtype = dtypes.standardize_dtype(x.dtype)
    return (ops.cast(x, "float32"), dtype) if dtype in ("float16", "bfloat16") else (x, dtype)


class LayerNormalization(Layer):
    """Normalizes each sample over ``axis``: ``gamma * (x - mean) / sqrt(var + epsilon) + beta``.

    Args:
        axis: int or list of ints to normalize over (default the last).
        epsilon: added to the variance.
        center: whether to learn an offset ``beta``.
        scale: whether to learn a scale ``gamma``.
        rms_scaling: if True, ``gamma * x / sqrt(var + epsilon)`` without
            centering and without ``beta`` (deprecated in Keras; use
            `RMSNormalization`).
        beta_initializer, gamma_initializer, beta_regularizer,
            gamma_regularizer, beta_constraint, gamma_constraint: as usual.

    Example:
        >>> kc.layers.LayerNormalization(axis=[1, 2])(np.ones((2, 3, 4), "float32")).shape
        (2, 3, 4)
    """

    _keras_module = "keras.layers"

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        super().__init__(**kwargs)
        if rms_scaling:
            warnings.warn(
                f"LayerNormalization '{self.name}': rms_scaling=True is deprecated (as in Keras): it "
                "scales by the variance, not the root mean square; use kc.layers.RMSNormalization.",
                UserWarning, stacklevel=2)
        _axis_list(axis, f"LayerNormalization '{self.name}'")
        self.axis = axis if isinstance(axis, int) else list(axis)  # as Keras: an int stays an int
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        set_weight_args(self, locals(), "beta", "gamma")
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        where = f"LayerNormalization '{self.name}'"
        self._axes = check_axes(where, self.axis, len(input_shape))
        if isinstance(self.axis, int):  # as Keras: an int axis becomes a list once built
            self.axis = [self.axis]
        shape = _param_shape(input_shape, self._axes, where)
        if self.scale or self.rms_scaling:
            self.gamma = add_weight_with_args(self, "gamma", shape, autocast=False)
        if self.center and not self.rms_scaling:
            self.beta = add_weight_with_args(self, "beta", shape, autocast=False)

    def call(self, inputs):
        x, dtype = _upcast(inputs)
        ndim = len(x.shape)
        mean, variance = ops.moments(x, axes=self._axes, keepdims=True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = ops.multiply(inv, _broadcastable(ops.cast(self.gamma.value, x.dtype), ndim, self._axes))
        if self.rms_scaling:
            out = ops.multiply(x, inv)
        else:
            out = ops.multiply(ops.subtract(x, mean), inv)
            if self.beta is not None:
                out = ops.add(out, _broadcastable(ops.cast(self.beta.value, x.dtype), ndim, self._axes))
        return ops.cast(out, dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            **weight_args_config(self, "beta", "gamma", activity=False),
        }


class RMSNormalization(Layer):
    """Root-mean-square normalization: ``scale * x / sqrt(mean(x**2) + epsilon)`` over ``axis``.

    Args:
        axis: int or list of ints to normalize over.
        epsilon: added to the mean square.

    Example:
        >>> kc.layers.RMSNormalization()(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    _keras_module = "keras.layers"

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        _axis_list(axis, f"RMSNormalization '{self.name}'")
        self.axis = axis if isinstance(axis, int) else list(axis)  # as Keras: an int stays an int
        self.epsilon = float(epsilon)
        self.supports_masking = True

    def build(self, input_shape):
        where = f"RMSNormalization '{self.name}'"
        self._axes = check_axes(where, self.axis, len(input_shape))
        if isinstance(self.axis, int):  # as Keras: an int axis becomes a list once built
            self.axis = [self.axis]
        self.scale = self.add_weight(name="scale", shape=_param_shape(input_shape, self._axes, where),
                                     initializer="ones")

    def call(self, x):
        x, dtype = _upcast(x)
        mean_square = ops.mean(ops.square(x), axis=self._axes, keepdims=True)
        scale = _broadcastable(ops.cast(self.scale.value, x.dtype), len(x.shape), self._axes)
        out = ops.multiply(ops.multiply(x, ops.rsqrt(ops.add(mean_square, self.epsilon))), scale)
        return ops.cast(out, dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm over ``axis``: ``x / max(||x||, 1e-6)``.

    Args:
        axis: int or list of ints.

    Example:
        >>> kc.layers.UnitNormalization()(np.array([[3.0, 4.0]], "float32"))  # [[0.6, 0.8]]
    """

    _keras_module = "keras.layers"

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        _axis_list(axis, f"UnitNormalization '{self.name}'")
        self.supports_masking = True
        self.built = True  # no weights: built from the start, as in Keras

    def call(self, inputs):
        x, dtype = _upcast(inputs)
        axes = _axis_list(self.axis, self.name)
        square_sum = ops.sum(ops.square(x), axis=axes, keepdims=True)
        out = ops.multiply(x, ops.rsqrt(ops.maximum(square_sum, 1e-12)))
        return ops.cast(out, dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
