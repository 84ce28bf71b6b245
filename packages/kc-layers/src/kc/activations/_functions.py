"""The built-in activation functions of `kc.activations` (those of `keras.activations`).

Each is a plain function of a tensor (eager or symbolic) with Keras's signature,
built on the `kc.ops` neural-network ops; the output dtype follows those ops
(float inputs keep their dtype).
"""

from __future__ import annotations

from kc import ops


def relu(x, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0):
    """Rectified linear unit, with an optional leak, cap and threshold.

    With the defaults this is ``max(x, 0)``. Otherwise: values at or below
    ``threshold`` become ``negative_slope * (x - threshold)``, values above it
    stay ``x``; with ``max_value`` the kept part is then clipped to
    ``[0, max_value]`` (as in Keras, so a negative threshold does not let
    negative values through once ``max_value`` is set).

    Args:
        x: input tensor.
        negative_slope: slope below the threshold.
        max_value: upper bound of the output, or None for no bound.
        threshold: values at or below it are thresholded.

    Returns:
        A tensor of the shape of ``x``.

    Example:
        >>> kc.activations.relu([-1.0, 0.5, 8.0], max_value=6.0)
        array([0. , 0.5, 6. ], dtype=float32)
    """
    if max_value is None and threshold == 0:
        return ops.relu(x) if negative_slope == 0 else ops.leaky_relu(x, negative_slope)
    if not _is_symbolic(x):
        x = ops.convert_to_tensor(x)
    below = ops.relu(ops.subtract(threshold, x)) if negative_slope != 0 else None
    if threshold != 0:
        x = ops.where(ops.greater(x, threshold), x, 0)
    if max_value is not None:
        x = ops.clip(x, 0, max_value)
    elif threshold == 0:
        x = ops.relu(x)
    if below is not None:
        x = ops.subtract(x, ops.multiply(negative_slope, below))
    return x


def _is_symbolic(x) -> bool:
    return isinstance(x, ops.KerasTensor)


def leaky_relu(x, negative_slope: float = 0.2):
    """Leaky ReLU: ``x`` for positive inputs, ``negative_slope * x`` otherwise.

    Example:
        >>> kc.activations.leaky_relu([-1.0, 2.0])
        array([-0.2,  2. ], dtype=float32)
    """
    return ops.leaky_relu(x, negative_slope=negative_slope)


def relu6(x):
    """ReLU capped at 6, ``min(max(x, 0), 6)``.

    Example:
        >>> kc.activations.relu6([-1.0, 7.0])
        array([0., 6.], dtype=float32)
    """
    return ops.relu6(x)


def elu(x, alpha: float = 1.0):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Example:
        >>> kc.activations.elu([-1.0, 1.0])
        array([-0.63212055,  1.        ], dtype=float32)
    """
    return ops.elu(x, alpha=alpha)


def selu(x):
    """Scaled ELU with the constants of Klambauer et al. (2017).

    Example:
        >>> kc.activations.selu([1.0])
        array([1.050701], dtype=float32)
    """
    return ops.selu(x)


def celu(x, alpha: float = 1.0):
    """Continuously differentiable ELU, ``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``.

    Example:
        >>> kc.activations.celu([-1.0, 1.0])
        array([-0.63212055,  1.        ], dtype=float32)
    """
    return ops.celu(x, alpha=alpha)


def gelu(x, approximate: bool = False):
    """Gaussian error linear unit, ``x * Phi(x)`` (the tanh form with ``approximate=True``).

    Unlike `kc.ops.gelu`, the default is the exact form (as in Keras).

    Example:
        >>> kc.activations.gelu([1.0])
        array([0.8413447], dtype=float32)
    """
    return ops.gelu(x, approximate=approximate)


def sigmoid(x):
    """Logistic sigmoid, ``1 / (1 + exp(-x))``.

    Example:
        >>> kc.activations.sigmoid([0.0])
        array([0.5], dtype=float32)
    """
    return ops.sigmoid(x)


def hard_sigmoid(x):
    """Hard sigmoid, ``clip(x / 6 + 1 / 2, 0, 1)``.

    Example:
        >>> kc.activations.hard_sigmoid([0.0, 3.0])
        array([0.5, 1. ], dtype=float32)
    """
    return ops.hard_sigmoid(x)


def sparse_sigmoid(x):
    """Piecewise-linear sigmoid: 0 below -1, 1 above 1, ``(x + 1) / 2`` between.

    Example:
        >>> kc.activations.sparse_sigmoid([-2.0, 0.0, 2.0])
        array([0. , 0.5, 1. ], dtype=float32)
    """
    return ops.sparse_sigmoid(x)


def log_sigmoid(x):
    """Logarithm of the sigmoid, ``-softplus(-x)``.

    Example:
        >>> kc.activations.log_sigmoid([0.0])
        array([-0.6931472], dtype=float32)
    """
    return ops.log_sigmoid(x)


def silu(x):
    """Sigmoid linear unit, ``x * sigmoid(x)``; `swish` is the same function.

    Example:
        >>> kc.activations.silu([0.0, 1.0])
        array([0.       , 0.7310586], dtype=float32)
    """
    return ops.silu(x)


swish = silu


def hard_silu(x):
    """Hard SiLU, ``x * hard_sigmoid(x)``; `hard_swish` is the same function.

    Example:
        >>> kc.activations.hard_silu([1.0])
        array([0.6666667], dtype=float32)
    """
    return ops.hard_silu(x)


hard_swish = hard_silu


def mish(x):
    """Mish, ``x * tanh(softplus(x))``.

    Example:
        >>> kc.activations.mish([1.0])
        array([0.8650984], dtype=float32)
    """
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def softplus(x):
    """Softplus, ``log(1 + exp(x))``.

    Example:
        >>> kc.activations.softplus([0.0])
        array([0.6931472], dtype=float32)
    """
    return ops.softplus(x)


def softsign(x):
    """Softsign, ``x / (1 + |x|)``.

    Example:
        >>> kc.activations.softsign([1.0])
        array([0.5], dtype=float32)
    """
    return ops.softsign(x)


def squareplus(x, b: float = 4):
    """Squareplus, ``(x + sqrt(x^2 + b)) / 2``.

    Example:
        >>> kc.activations.squareplus([0.0])
        array([1.], dtype=float32)
    """
    return ops.squareplus(x, b=b)


def sparse_plus(x):
    """Sparse plus: 0 below -1, ``(x + 1)^2 / 4`` on ``[-1, 1]``, ``x`` above.

    Example:
        >>> kc.activations.sparse_plus([-2.0, 0.0, 2.0])
        array([0.  , 0.25, 2.  ], dtype=float32)
    """
    return ops.sparse_plus(x)


def tanh(x):
    """Hyperbolic tangent.

    Example:
        >>> kc.activations.tanh([0.0])
        array([0.], dtype=float32)
    """
    return ops.tanh(x)


def hard_tanh(x):
    """Hard tanh, ``clip(x, -1, 1)``.

    Example:
        >>> kc.activations.hard_tanh([-2.0, 0.5])
        array([-1. ,  0.5], dtype=float32)
    """
    return ops.hard_tanh(x)


def tanh_shrink(x):
    """Tanh shrink, ``x - tanh(x)``.

    Example:
        >>> kc.activations.tanh_shrink([0.0])
        array([0.], dtype=float32)
    """
    return ops.tanh_shrink(x)


def hard_shrink(x, threshold: float = 0.5):
    """Hard shrink: ``x`` where ``|x| > threshold``, else 0.

    Example:
        >>> kc.activations.hard_shrink([-1.0, 0.2])
        array([-1.,  0.], dtype=float32)
    """
    return ops.hard_shrink(x, threshold=threshold)


def soft_shrink(x, threshold: float = 0.5):
    """Soft shrink: ``x`` moved towards 0 by ``threshold``; 0 on ``[-threshold, threshold]``.

    Example:
        >>> kc.activations.soft_shrink([-1.0, 0.2])
        array([-0.5,  0. ], dtype=float32)
    """
    return ops.soft_shrink(x, threshold=threshold)


def threshold(x, threshold: float, default_value: float):
    """``x`` where ``x > threshold``, else ``default_value``.

    Example:
        >>> kc.activations.threshold([0.5, 2.0], 1.0, 0.0)
        array([0., 2.], dtype=float32)
    """
    return ops.threshold(x, threshold, default_value)


def glu(x, axis: int = -1):
    """Gated linear unit: split ``x`` in halves ``a, b`` along ``axis``, return ``a * sigmoid(b)``.

    Example:
        >>> kc.activations.glu([1.0, 0.0])
        array([0.5], dtype=float32)
    """
    return ops.glu(x, axis=axis)


def softmax(x, axis: int = -1):
    """Softmax along ``axis`` (an int or a tuple of axes, normalized jointly).

    Example:
        >>> kc.activations.softmax([0.0, 0.0])
        array([0.5, 0.5], dtype=float32)
    """
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis: int = -1):
    """Log of the softmax along ``axis``, ``x - logsumexp(x)``.

    Example:
        >>> kc.activations.log_softmax([0.0, 0.0])
        array([-0.6931472, -0.6931472], dtype=float32)
    """
    return ops.log_softmax(x, axis=axis)


def sparsemax(x, axis: int = -1):
    """Sparsemax: the Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Example:
        >>> kc.activations.sparsemax([0.0, 2.0])
        array([0., 1.], dtype=float32)
    """
    return ops.sparsemax(x, axis=axis)


def exponential(x):
    """Exponential, ``exp(x)``.

    Example:
        >>> kc.activations.exponential([0.0])
        array([1.], dtype=float32)
    """
    return ops.exp(x)


def linear(x):
    """Identity: returns ``x`` unchanged (the activation of "no activation").

    Example:
        >>> kc.activations.linear([1.0, -2.0])
        [1.0, -2.0]
    """
    return x
