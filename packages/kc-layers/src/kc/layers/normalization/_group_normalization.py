"""`GroupNormalization`: normalize each sample over groups of channels.

Example:
    >>> kc.layers.GroupNormalization(groups=2)(np.ones((2, 5, 4), "float32")).shape
    (2, 5, 4)
"""

from __future__ import annotations

from kc import ops
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.core._weight_args import add_weight_with_args, set_weight_args, weight_args_config
from kc.layers.normalization._batch_normalization import check_axes
from kc.layers.normalization._layer_normalization import _upcast


class GroupNormalization(Layer):
    """Splits the channels (``axis``) into ``groups`` and normalizes each
    sample over each group (all other non-batch axes included).

    ``groups=1`` is layer normalization over all axes; ``groups=channels`` is
    instance normalization.

    Args:
        groups: number of groups; must divide the channel count.
        axis: the channel axis.
        epsilon: added to the variance.
        center, scale: whether to learn ``beta`` / ``gamma`` (per channel).
        beta_initializer, gamma_initializer, beta_regularizer,
            gamma_regularizer, beta_constraint, gamma_constraint: as usual.

    Example:
        >>> kc.layers.GroupNormalization(groups=4)(np.ones((2, 8), "float32")).shape
        (2, 8)
    """

    _keras_module = "keras.layers"

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(groups, int) or isinstance(groups, bool) or groups <= 0:
            raise ValueError(
                f"GroupNormalization '{self.name}': groups must be a positive int, got {groups!r}."
            )
        self.groups = groups
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        set_weight_args(self, locals(), "beta", "gamma")
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        where = f"GroupNormalization '{self.name}'"
        axis = check_axes(where, self.axis, len(input_shape))[0]
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"{where}: axis {self.axis} of the input must be known, got input "
                             f"shape {tuple(input_shape)}.")
        if channels % self.groups:
            raise ValueError(
                f"{where}: groups ({self.groups}) must divide the number of channels "
                f"({channels}) of input shape {tuple(input_shape)}."
            )
        self._axis = axis
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})
        if self.scale:
            self.gamma = add_weight_with_args(self, "gamma", (channels,))
        if self.center:
            self.beta = add_weight_with_args(self, "beta", (channels,))

    def call(self, inputs):
        x, dtype = _upcast(inputs)
        ndim, axis = len(x.shape), self._axis
        shape = ops.shape(x)
        channels = x.shape[axis]
        grouped_shape = tuple(shape[:axis]) + (self.groups, channels // self.groups) + tuple(shape[axis + 1:])
        grouped = ops.reshape(x, grouped_shape)
        reduce = [i for i in range(1, ndim + 1) if i != axis]
        mean, variance = ops.moments(grouped, axes=reduce, keepdims=True)
        normalized = ops.multiply(ops.subtract(grouped, mean), ops.rsqrt(ops.add(variance, self.epsilon)))
        out = ops.reshape(normalized, shape)
        param_shape = [1] * ndim
        param_shape[axis] = channels
        if self.gamma is not None:
            out = ops.multiply(out, ops.reshape(ops.cast(self.gamma.value, x.dtype), param_shape))
        if self.beta is not None:
            out = ops.add(out, ops.reshape(ops.cast(self.beta.value, x.dtype), param_shape))
        return ops.cast(out, dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **weight_args_config(self, "beta", "gamma", activity=False),
        }
