"""The random ops of `keras.random`, declared once; each backend draws natively.

``seed`` is None (a new seed each call, from a global generator), an int (the
same draw every call) or a `SeedGenerator` (the next seed of its stream).
Called with `KerasTensor` arguments, the ops give symbolic outputs (Keras 3
does not; kc builds functional graphs with them).
"""

from __future__ import annotations

from kc import config, dtypes
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op
from kc.ops._rules import same_as_input, shape_of

__all__ = [
    "beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint",
    "shuffle", "truncated_normal", "uniform",
]


def _drawn(shape, dtype) -> KerasTensor:
    return KerasTensor(tuple(shape), dtypes.standardize_dtype(dtype or config.floatx()))


@op(tensors=("mean", "stddev"))
def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draw from a normal distribution.

    Args:
        shape: shape of the output.
        mean: mean of the distribution.
        stddev: standard deviation of the distribution.
        dtype: float dtype of the output; default floatx.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Example:
        >>> kc.random.normal((2, 3), seed=42).shape
        (2, 3)
    """
    return _drawn(shape, dtype)


@op(tensors=("minval", "maxval"))
def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draw from a uniform distribution on [minval, maxval).

    Args:
        shape: shape of the output.
        minval: lower bound (included).
        maxval: upper bound (excluded).
        dtype: float dtype of the output; default floatx.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Example:
        >>> kc.random.uniform((2,), minval=-1.0, maxval=1.0, seed=42).shape
        (2,)
    """
    return _drawn(shape, dtype)


@op(tensors=("mean", "stddev"))
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draw from a normal distribution truncated to two standard deviations.

    Values further than ``2 * stddev`` from ``mean`` are redrawn.

    Args:
        shape: shape of the output.
        mean: mean of the untruncated distribution.
        stddev: standard deviation of the untruncated distribution.
        dtype: float dtype of the output; default floatx.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        A tensor of ``shape`` and ``dtype`` with values in
        ``[mean - 2 * stddev, mean + 2 * stddev]``.

    Example:
        >>> kc.random.truncated_normal((4,), seed=42).shape
        (4,)
    """
    return _drawn(shape, dtype)


@op(tensors=("minval", "maxval"))
def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Draw integers uniformly from [minval, maxval).

    Args:
        shape: shape of the output.
        minval: lowest value (included).
        maxval: upper bound (excluded).
        dtype: integer dtype of the output.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        An integer tensor of ``shape``.

    Example:
        >>> kc.random.randint((3,), 0, 10, seed=42).shape
        (3,)
    """
    return _drawn(shape, dtype)


@op(tensors=("logits",))
def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draw class indices from categorical distributions given by logits.

    Args:
        logits: 2-D tensor (batch_size, num_classes) of unnormalized
            log-probabilities.
        num_samples: number of draws per row.
        dtype: integer dtype of the output.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        An integer tensor of shape (batch_size, num_samples).

    Example:
        >>> kc.random.categorical([[0.0, 0.0, 5.0]], 4, seed=42).shape
        (1, 4)
    """
    shape = shape_of(logits)
    if len(shape) != 2:
        raise ValueError(f"kc.random.categorical: logits must be 2-D, got shape {shape}.")
    return KerasTensor((shape[0], num_samples), dtypes.standardize_dtype(dtype))


@op(tensors=("inputs",), rule=same_as_input)
def dropout(inputs, rate, noise_shape=None, seed=None):
    """Set entries to zero with probability ``rate``; scale the rest by ``1 / (1 - rate)``.

    Args:
        inputs: input tensor.
        rate: probability of dropping an entry, in [0, 1].
        noise_shape: shape of the keep/drop mask, broadcast over ``inputs``
            (None entries take the input's size); default the input's shape.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        A tensor with the shape and dtype of ``inputs``.

    Example:
        >>> kc.random.dropout(kc.ops.ones((2, 3)), 0.5, seed=42).shape
        (2, 3)
    """


@op(tensors=("x",), rule=same_as_input)
def shuffle(x, axis=0, seed=None):
    """Randomly permute a tensor along one axis.

    Args:
        x: input tensor.
        axis: the axis to shuffle.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        A tensor with the shape and dtype of ``x``, its slices along ``axis``
        permuted.

    Example:
        >>> kc.random.shuffle(kc.ops.arange(5), seed=42).shape
        (5,)
    """


@op(tensors=("alpha",))
def gamma(shape, alpha, dtype=None, seed=None):
    """Draw from a gamma distribution with shape ``alpha`` and scale 1.

    Args:
        shape: shape of the output.
        alpha: concentration (shape parameter), > 0.
        dtype: float dtype of the output; default floatx.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Example:
        >>> kc.random.gamma((3,), alpha=2.0, seed=42).shape
        (3,)
    """
    return _drawn(shape, dtype)


@op(tensors=("alpha", "beta"))
def beta(shape, alpha, beta, dtype=None, seed=None):
    """Draw from a beta distribution on [0, 1].

    Args:
        shape: shape of the output.
        alpha: first concentration, > 0.
        beta: second concentration, > 0.
        dtype: float dtype of the output; default floatx.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Example:
        >>> kc.random.beta((3,), alpha=2.0, beta=5.0, seed=42).shape
        (3,)
    """
    return _drawn(shape, dtype)


@op(tensors=("counts", "probabilities"))
def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Draw the number of successes in ``counts`` trials of probability ``probabilities``.

    Args:
        shape: shape of the output.
        counts: number of trials (broadcast to ``shape``).
        probabilities: success probability of each trial.
        dtype: dtype of the output; default floatx (as in Keras 3).
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Returns:
        A tensor of ``shape`` and ``dtype`` holding whole numbers.

    Example:
        >>> kc.random.binomial((3,), counts=10, probabilities=0.5, seed=42).shape
        (3,)
    """
    return _drawn(shape, dtype)
