"""Activation layers: `Activation`, `ReLU`, `LeakyReLU`, `PReLU`, `ELU`, `Softmax`.

All pass masks through unchanged; `Softmax` also takes a ``mask`` argument.

Example:
    >>> kc.layers.ReLU(max_value=6.0)(np.array([-1.0, 3.0, 9.0], "float32"))
    array([0., 3., 6.], dtype=float32)
"""

from __future__ import annotations

from kc import activations, constraints, initializers, ops, regularizers
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer


def _where(layer) -> str:
    return f"{type(layer).__name__} '{layer.name}'"


class _Elementwise(Layer):
    """Shape-preserving layers that pass masks through.

    Those without weights are built from the start, as in Keras (so their config carries no
    ``build_config``).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = not self._has_weights

    _has_weights = False

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class Activation(_Elementwise):
    """Applies an activation function.

    Args:
        activation: a function or the name of one in `kc.activations`; None means linear.

    Example:
        >>> kc.layers.Activation("relu")(np.array([-1.0, 2.0], "float32"))
        array([0., 2.], dtype=float32)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class ReLU(_Elementwise):
    """Rectified linear unit: ``x`` above ``threshold`` (capped at ``max_value``),
    ``negative_slope * (x - threshold)`` below it.

    Args:
        max_value: non-negative cap, or None.
        negative_slope: non-negative slope below the threshold.
        threshold: non-negative threshold.

    Example:
        >>> kc.layers.ReLU(negative_slope=0.1)(np.array([-2.0, 2.0], "float32"))
        array([-0.2,  2. ], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        where = _where(self)
        if max_value is not None and max_value < 0:
            raise ValueError(f"{where}: `max_value` must be None or non-negative, got "
                             f"max_value={max_value!r}.")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"{where}: `negative_slope` must be a non-negative number, got "
                             f"negative_slope={negative_slope!r}.")
        if threshold is None or threshold < 0:
            raise ValueError(f"{where}: `threshold` must be a non-negative number, got "
                             f"threshold={threshold!r}.")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def get_config(self) -> dict:
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(_Elementwise):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise.

    Args:
        negative_slope: non-negative slope; the deprecated keyword ``alpha`` is accepted.

    Example:
        >>> kc.layers.LeakyReLU(0.5)(np.array([-2.0, 2.0], "float32"))
        array([-1.,  2.], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"{_where(self)}: `negative_slope` must be a non-negative number, "
                             f"got negative_slope={negative_slope!r}.")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(_Elementwise):
    """Leaky ReLU with a learned slope: ``x`` for ``x >= 0``, ``alpha * x`` otherwise.

    Args:
        alpha_initializer, alpha_regularizer, alpha_constraint: for the ``alpha`` weight.
        shared_axes: axes (1-based, batch excluded) along which ``alpha`` is shared
            (size 1), e.g. ``[1, 2]`` for one slope per channel of an image.

    ``alpha`` has the input's non-batch shape, with the shared axes set to 1.

    Example:
        >>> kc.layers.PReLU(shared_axes=[1])(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 3)
    """

    _has_weights = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis < len(input_shape):
                raise ValueError(f"{_where(self)}: shared axis {axis} is out of range for an input "
                                 f"of shape {input_shape} (axes are 1-based, batch excluded).")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"{_where(self)}: the non-shared dimensions of the input must be "
                             f"known, got input shape {input_shape} and shared_axes "
                             f"{self.shared_axes}.")
        self.alpha = self.add_weight(
            name="alpha", shape=tuple(shape), initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {i + 1: d for i, d in enumerate(shape) if d != 1 or input_shape[i + 1] == 1}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)

    def call(self, inputs):
        positive = ops.relu(inputs)
        negative = ops.multiply(ops.negative(self.alpha.value), ops.relu(ops.negative(inputs)))
        return ops.add(positive, negative)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }


class ELU(_Elementwise):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Args:
        alpha: the scale of the negative part.

    Example:
        >>> kc.layers.ELU()(np.array([0.0, 1.0], "float32"))
        array([0., 1.], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}


def _large_negative(dtype) -> float:
    return -3e4 if str(dtype).endswith("float16") else -1e9


class Softmax(_Elementwise):
    """Softmax over ``axis``; masked (False) positions get zero probability.

    Args:
        axis: an int or a tuple of ints.

    Call arguments:
        inputs: the logits.
        mask: optional boolean mask broadcastable to ``inputs``.

    Example:
        >>> kc.layers.Softmax()(np.zeros((1, 4), "float32"))
        array([[0.25, 0.25, 0.25, 0.25]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = tuple(axis) if isinstance(axis, list) else axis

    def call(self, inputs, mask=None):
        if mask is not None:
            dtype = inputs.dtype
            keep = ops.cast(mask, dtype)
            inputs = ops.add(inputs, ops.multiply(ops.subtract(1.0, keep), _large_negative(dtype)))
        if isinstance(self.axis, tuple):
            return ops.exp(ops.subtract(inputs, ops.logsumexp(inputs, axis=self.axis,
                                                              keepdims=True)))
        return activations.softmax(inputs, axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
