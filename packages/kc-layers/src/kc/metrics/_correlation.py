"""Pearson and concordance correlation, per sample along an axis, as running means."""

from __future__ import annotations

from kc import config as kc_config
from kc import ops
from kc.losses._base import prepare
from kc.metrics._reduction import _Wrapper


def pearson_correlation(y_true, y_pred, axis: int = -1):
    """Pearson's correlation coefficient of ``y_true`` and ``y_pred`` along ``axis``.

    Example:
        >>> kc.metrics.pearson_correlation([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])
        array([0.9933993], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "pearson_correlation")
    t = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    t = t / ops.std(y_true, axis=axis, keepdims=True)
    p = p / ops.std(y_pred, axis=axis, keepdims=True)
    return ops.mean(t * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis: int = -1):
    """Lin's concordance correlation coefficient of ``y_true`` and ``y_pred`` along ``axis``.

    ``2 cov(t, p) / (var(t) + var(p) + (mean(t) - mean(p)) ** 2)``, with population
    statistics and `kc.config.epsilon()` added to the denominator.

    Example:
        >>> kc.metrics.concordance_correlation([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
        array([1.], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "concordance_correlation")
    mean_t = ops.mean(y_true, axis=axis, keepdims=True)
    mean_p = ops.mean(y_pred, axis=axis, keepdims=True)
    var_t = ops.var(y_true, axis=axis)
    var_p = ops.var(y_pred, axis=axis)
    covar = ops.mean((y_true - mean_t) * (y_pred - mean_p), axis=axis)
    gap = ops.squeeze(ops.square(mean_t - mean_p), axis=axis)
    return 2.0 * covar / (var_t + var_p + gap + kc_config.epsilon())


class PearsonCorrelation(_Wrapper):
    """The mean per-sample Pearson correlation along ``axis``.

    Example:
        >>> kc.metrics.PearsonCorrelation()([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])
        array(1., dtype=float32)
    """

    _direction = "up"

    _metric_fn = staticmethod(pearson_correlation)
    _config_keys = ("axis",)

    def __init__(self, name: str = "pearson_correlation", dtype=None, axis: int = -1):
        super().__init__(name=name, dtype=dtype, axis=axis)


class ConcordanceCorrelation(_Wrapper):
    """The mean per-sample concordance correlation along ``axis``.

    Example:
        >>> kc.metrics.ConcordanceCorrelation()([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
        array(1., dtype=float32)
    """

    _direction = "up"

    _metric_fn = staticmethod(concordance_correlation)
    _config_keys = ("axis",)

    def __init__(self, name: str = "concordance_correlation", dtype=None, axis: int = -1):
        super().__init__(name=name, dtype=dtype, axis=axis)
