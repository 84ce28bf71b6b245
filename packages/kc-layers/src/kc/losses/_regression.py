"""Regression losses: squared, absolute, percentage and log errors, cosine similarity, Huber, log-cosh."""

from __future__ import annotations

import math

from kc import ops
from kc import config as kc_config
from kc.losses._base import _BuiltinLoss, prepare


def mean_squared_error(y_true, y_pred):
    """Mean of ``(y_true - y_pred) ** 2`` over the last axis.

    Example:
        >>> kc.losses.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])
        array([0.5], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "mean_squared_error")
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of ``|y_true - y_pred|`` over the last axis.

    Example:
        >>> kc.losses.mean_absolute_error([[0.0, 1.0]], [[2.0, 1.0]])
        array([1.], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "mean_absolute_error")
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|(y_true - y_pred) / max(|y_true|, epsilon)|)`` over the last axis.

    Example:
        >>> kc.losses.mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]])
        array([25.], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "mean_absolute_percentage_error")
    eps = kc_config.epsilon()
    diff = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), eps))
    return 100.0 * ops.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean of ``(log(1 + y_pred) - log(1 + y_true)) ** 2``, inputs floored at epsilon.

    Example:
        >>> kc.losses.mean_squared_logarithmic_error([[0.0]], [[math.e - 1]])
        array([1.], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "mean_squared_logarithmic_error")
    eps = kc_config.epsilon()
    first = ops.log(ops.maximum(y_pred, eps) + 1.0)
    second = ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(first - second), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along ``axis`` (-1 for aligned vectors, 0 for orthogonal).

    Example:
        >>> kc.losses.cosine_similarity([[0.0, 1.0]], [[0.0, 3.0]])
        array([-1.], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "cosine_similarity")
    y_true = ops.normalize(y_true, axis=axis)
    y_pred = ops.normalize(y_pred, axis=axis)
    return -ops.sum(y_true * y_pred, axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss: quadratic for errors up to ``delta``, linear beyond; mean over the last axis.

    Example:
        >>> kc.losses.huber([[0.0, 0.0]], [[0.5, 3.0]])
        array([1.3125], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "huber")
    delta = ops.convert_to_tensor(delta, dtype=y_pred.dtype)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * ops.square(delta)
    return ops.mean(ops.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """Mean of ``log(cosh(y_pred - y_true))`` over the last axis, computed without overflow.

    Example:
        >>> kc.losses.log_cosh([[0.0]], [[0.0]])
        array([0.], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "log_cosh")
    x = y_pred - y_true
    return ops.mean(x + ops.softplus(-2.0 * x) - math.log(2.0), axis=-1)


class MeanSquaredError(_BuiltinLoss):
    """Mean of squared errors; `mean_squared_error` as a `Loss`.

    Example:
        >>> kc.losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])
        array(0.5, dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(_BuiltinLoss):
    """Mean of absolute errors; `mean_absolute_error` as a `Loss`.

    Example:
        >>> kc.losses.MeanAbsoluteError()([[0.0, 1.0]], [[2.0, 1.0]])
        array(1., dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_BuiltinLoss):
    """Mean absolute percentage error; `mean_absolute_percentage_error` as a `Loss`.

    Example:
        >>> kc.losses.MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]])
        array(25., dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error",
                 dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_BuiltinLoss):
    """Mean squared logarithmic error; `mean_squared_logarithmic_error` as a `Loss`.

    Example:
        >>> kc.losses.MeanSquaredLogarithmicError()([[0.0]], [[0.0]])
        array(0., dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error",
                 dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name,
                         dtype=dtype)


class CosineSimilarity(_BuiltinLoss):
    """Negative cosine similarity along ``axis``; `cosine_similarity` as a `Loss`.

    kc writes ``axis`` in the config (Keras 3 leaves it out, so its round trip loses it).

    Example:
        >>> kc.losses.CosineSimilarity()([[0.0, 1.0]], [[0.0, 3.0]])
        array(-1., dtype=float32)
    """

    _config_keys = ("axis",)

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Huber(_BuiltinLoss):
    """Huber loss with threshold ``delta``; `huber` as a `Loss`.

    kc writes ``delta`` in the config (Keras 3 leaves it out, so its round trip loses it).

    Example:
        >>> kc.losses.Huber(delta=1.0)([[0.0, 0.0]], [[0.5, 3.0]])
        array(1.3125, dtype=float32)
    """

    _config_keys = ("delta",)

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(_BuiltinLoss):
    """Mean of ``log(cosh(error))``; `log_cosh` as a `Loss`.

    Example:
        >>> kc.losses.LogCosh()([[0.0]], [[0.0]])
        array(0., dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)
