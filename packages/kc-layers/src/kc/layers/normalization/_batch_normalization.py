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
from kc.layers.core._weight_args import add_weight_with_args, set_weight_args


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
        renorm: batch renormalization (Ioffe, 2017): in training the batch-normalized
            values are corrected to ``x_hat * r + d`` with ``r = std_B / renorm_stddev`` and
            ``d = (mean_B - renorm_mean) / renorm_stddev`` (no gradient through r, d), where
            ``renorm_mean``/``renorm_stddev`` are moving averages with ``renorm_momentum``;
            the moving variance is then kept as a moving standard deviation.
        renorm_clipping: dict with optional keys "rmax", "rmin", "dmax" clipping
            r to [rmin, rmax] and d to [-dmax, dmax] (unbounded where absent).
        renorm_momentum: momentum of ``renorm_mean`` and ``renorm_stddev``.
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
            renorm_clipping = self._check_clipping(renorm_clipping)
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        set_weight_args(self, locals(), "beta", "gamma")
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.renorm = bool(renorm)
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
            self.gamma = add_weight_with_args(self, "gamma", shape, autocast=False)
        if self.center:
            self.beta = add_weight_with_args(self, "beta", shape, autocast=False)
        self.moving_mean = self.add_weight(
            name="moving_mean", shape=shape, initializer=self.moving_mean_initializer,
            trainable=False, autocast=False)
        self.moving_variance = self.add_weight(
            name="moving_variance", shape=shape, initializer=self.moving_variance_initializer,
            trainable=False, autocast=False)
        if self.renorm:
            # The moving and renorm standard deviations start at sqrt(moving_variance).
            def stddev_init(shape, dtype=None):
                return ops.sqrt(self.moving_variance_initializer(shape, dtype=dtype))

            def mean_init(shape, dtype=None):
                return self.moving_mean_initializer(shape, dtype=dtype)

            for name, init in (("moving_stddev", stddev_init), ("renorm_mean", mean_init),
                               ("renorm_stddev", stddev_init)):
                setattr(self, name, self.add_weight(name=name, shape=shape, initializer=init,
                                                    trainable=False, autocast=False))
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: size})
        self._axis = axis
        self._reduction_axes = [i for i in range(ndim) if i != axis]

    def call(self, inputs, training=None, mask=None):
        compute_dtype = dtypes.standardize_dtype(inputs.dtype)
        if compute_dtype in ("float16", "bfloat16"):
            inputs = ops.cast(inputs, "float32")
        if training and self.trainable and self.renorm:
            return ops.cast(self._renorm_call(inputs, mask), compute_dtype)
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

    def _check_clipping(self, clipping) -> dict:
        where = f"BatchNormalization '{self.name}'"
        clipping = {} if clipping is None else clipping
        if not isinstance(clipping, dict):
            raise TypeError(f"{where}: renorm_clipping must be a dict or None, got {clipping!r}.")
        unknown = sorted(set(clipping) - {"rmax", "rmin", "dmax"})
        if unknown:
            raise ValueError(f"{where}: renorm_clipping has unknown keys {unknown}; valid keys are "
                             f"'rmax', 'rmin', 'dmax'. Got renorm_clipping={clipping!r}.")
        rmax, rmin = clipping.get("rmax"), clipping.get("rmin")
        if rmax is not None and rmin is not None and rmax < rmin:
            raise ValueError(f"{where}: renorm_clipping needs rmax >= rmin, got rmax={rmax} and "
                             f"rmin={rmin}.")
        return clipping

    def _renorm_call(self, inputs, mask):
        """Training-mode batch renormalization; updates the moving and renorm statistics."""
        mean, variance = self._moments(inputs, mask)
        std = ops.sqrt(ops.add(variance, self.epsilon))
        dtype = inputs.dtype
        renorm_mean = ops.cast(self.renorm_mean.value, dtype)
        renorm_std = ops.cast(self.renorm_stddev.value, dtype)
        r = ops.divide(std, renorm_std)
        d = ops.divide(ops.subtract(mean, renorm_mean), renorm_std)
        clip = self.renorm_clipping
        if clip.get("rmin") is not None or clip.get("rmax") is not None:
            low, high = clip.get("rmin"), clip.get("rmax")
            r = ops.clip(r, -float("inf") if low is None else low,
                         float("inf") if high is None else high)
        if clip.get("dmax") is not None:
            d = ops.clip(d, -clip["dmax"], clip["dmax"])
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)
        # gamma * (x_hat * r + d) + beta == x_hat * (gamma * r) + (gamma * d + beta)
        gamma = ops.cast(self.gamma.value, dtype) if self.gamma is not None else None
        scale = r if gamma is None else ops.multiply(gamma, r)
        offset = d if gamma is None else ops.multiply(gamma, d)
        if self.beta is not None:
            offset = ops.add(offset, ops.cast(self.beta.value, dtype))
        outputs = ops.batch_normalization(inputs, mean, variance, axis=self._axis, offset=offset,
                                          scale=scale, epsilon=self.epsilon)

        def moving(var, value, momentum):
            value = ops.cast(value, var.dtype)
            return ops.add(ops.multiply(var.value, momentum), ops.multiply(value, 1.0 - momentum))

        m, rm = self.momentum, self.renorm_momentum
        self.moving_mean.assign(moving(self.moving_mean, mean, m))
        moving_std = moving(self.moving_stddev, std, m)
        self.moving_stddev.assign(moving_std)
        self.moving_variance.assign(ops.subtract(ops.square(moving_std), self.epsilon))
        self.renorm_mean.assign(moving(self.renorm_mean, mean, rm))
        self.renorm_stddev.assign(moving(self.renorm_stddev, std, rm))
        return outputs

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
