"""`BatchNormalization`: normalize with batch statistics in training, moving ones at inference.

Example:
    >>> layer = kc.layers.BatchNormalization()
    >>> layer(np.ones((4, 3), "float32"), training=True).shape
    (4, 3)
"""

from __future__ import annotations

from kc import constraints, dtypes, initializers, ops, regularizers
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer


def check_axes(where: str, axes, ndim: int) -> list:
    """``axes`` (int or sequence) as sorted non-negative ints for rank ``ndim``."""
    out = []
    for a in ([axes] if isinstance(axes, int) else list(axes)):
        if not isinstance(a, int) or not -ndim <= a < ndim:
            raise ValueError(f"{where}: axis {a!r} is out of range for inputs of rank {ndim}.")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{where}: duplicate axis in {axes!r}.")
    return sorted(out)


class BatchNormalization(Layer):
    """Normalizes inputs per feature: ``gamma * (x - mean) / sqrt(var + epsilon) + beta``.

    In training (``training=True`` and the layer trainable) ``mean``/``var``
    are the batch's, and the moving statistics are updated as
    ``moving = moving * momentum + batch * (1 - momentum)``; otherwise the
    moving statistics are used. A mask (from the input) excludes masked
    steps from the batch statistics.

    Args:
        axis: the feature axis (int); all others are reduced.
        momentum: momentum of the moving statistics.
        epsilon: added to the variance.
        center: whether to learn an offset ``beta``.
        scale: whether to learn a scale ``gamma``.
        beta_initializer, gamma_initializer, moving_mean_initializer,
            moving_variance_initializer: initializers.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.
        renorm, renorm_clipping, renorm_momentum: batch renormalization; not
            supported yet in kc (``renorm`` must be False).
        synchronized: accepted for Keras compatibility; statistics are the
            local batch's (kc runs no cross-replica reduction here).

    Example:
        >>> bn = kc.layers.BatchNormalization(momentum=0.9)
        >>> bn(np.random.rand(8, 3).astype("float32"), training=True).shape
        (8, 3)
    """

    _keras_module = "keras.layers"

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"BatchNormalization '{self.name}': axis must be an int, got {axis!r}.")
        if not 0.0 <= float(momentum) <= 1.0:
            raise ValueError(
                f"BatchNormalization '{self.name}': momentum must be in [0, 1], got {momentum!r}."
            )
        if renorm:
            raise NotImplementedError(
                f"BatchNormalization '{self.name}': renorm=True is not supported yet in kc."
            )
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.renorm = False
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.synchronized = bool(synchronized)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        ndim = len(input_shape)
        axis = check_axes(f"BatchNormalization '{self.name}'", self.axis, ndim)[0]
        size = input_shape[axis]
        if size is None:
            raise ValueError(
                f"BatchNormalization '{self.name}': the feature axis {self.axis} of the input "
                f"must be known, got input shape {tuple(input_shape)}."
            )
        shape = (size,)
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma", shape=shape, initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                autocast=False)
        if self.center:
            self.beta = self.add_weight(
                name="beta", shape=shape, initializer=self.beta_initializer,
                regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                autocast=False)
        self.moving_mean = self.add_weight(
            name="moving_mean", shape=shape, initializer=self.moving_mean_initializer,
            trainable=False, autocast=False)
        self.moving_variance = self.add_weight(
            name="moving_variance", shape=shape, initializer=self.moving_variance_initializer,
            trainable=False, autocast=False)
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: size})
        self._axis = axis
        self._reduction_axes = [i for i in range(ndim) if i != axis]

    def call(self, inputs, training=None, mask=None):
        compute_dtype = dtypes.standardize_dtype(inputs.dtype)
        if compute_dtype in ("float16", "bfloat16"):
            inputs = ops.cast(inputs, "float32")
        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            m = self.momentum
            self.moving_mean.assign(ops.add(ops.multiply(self.moving_mean.value, m),
                                            ops.multiply(ops.cast(mean, self.moving_mean.dtype), 1.0 - m)))
            self.moving_variance.assign(ops.add(
                ops.multiply(self.moving_variance.value, m),
                ops.multiply(ops.cast(variance, self.moving_variance.dtype), 1.0 - m)))
        else:
            mean = ops.cast(self.moving_mean.value, inputs.dtype)
            variance = ops.cast(self.moving_variance.value, inputs.dtype)
        gamma = ops.cast(self.gamma.value, inputs.dtype) if self.gamma is not None else None
        beta = ops.cast(self.beta.value, inputs.dtype) if self.beta is not None else None
        outputs = ops.batch_normalization(inputs, mean, variance, axis=self._axis, offset=beta,
                                          scale=gamma, epsilon=self.epsilon)
        return ops.cast(outputs, compute_dtype)

    def _moments(self, inputs, mask):
        if mask is None:
            return ops.moments(inputs, axes=self._reduction_axes, synchronized=self.synchronized)
        weights = ops.cast(mask, inputs.dtype)
        while len(weights.shape) < len(inputs.shape):
            weights = ops.expand_dims(weights, -1)
        weights = ops.broadcast_to(weights, ops.shape(inputs))
        total = ops.maximum(ops.sum(weights, axis=self._reduction_axes), 1e-12)
        mean = ops.divide(ops.sum(ops.multiply(inputs, weights), axis=self._reduction_axes), total)
        shape = [1] * len(inputs.shape)
        shape[self._axis] = inputs.shape[self._axis]
        centered = ops.subtract(inputs, ops.reshape(mean, shape))
        variance = ops.divide(
            ops.sum(ops.multiply(ops.square(centered), weights), axis=self._reduction_axes), total)
        return mean, variance

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }
