"""Regression metrics: mean errors, RMSE, cosine similarity, log-cosh (running means).

The error functions are kc.losses' functions (Keras exports the same objects in
`keras.metrics`); `cosine_similarity` here is the positive cosine, unlike the loss.
"""

from __future__ import annotations

from kc import ops
from kc.losses import huber as huber
from kc.losses import log_cosh as log_cosh
from kc.losses import mean_absolute_error as mean_absolute_error
from kc.losses import mean_absolute_percentage_error as mean_absolute_percentage_error
from kc.losses import mean_squared_error as mean_squared_error
from kc.losses import mean_squared_logarithmic_error as mean_squared_logarithmic_error
from kc.losses._base import prepare, squeeze_or_expand_to_same_rank
from kc.metrics._base import check_same_shape
from kc.metrics._reduction import Mean, _Wrapper


def cosine_similarity(y_true, y_pred, axis: int = -1):
    """The cosine of the angle between ``y_true`` and ``y_pred`` along ``axis``."""
    y_true, y_pred = prepare(y_true, y_pred, "cosine_similarity")
    y_true = ops.normalize(y_true, axis=axis, order=2)
    y_pred = ops.normalize(y_pred, axis=axis, order=2)
    return ops.sum(y_true * y_pred, axis=axis)


class MeanSquaredError(_Wrapper):
    """The mean of ``(y_true - y_pred) ** 2``.

    Example:
        >>> kc.metrics.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])
        array(0.5, dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(mean_squared_error)

    def __init__(self, name: str = "mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsoluteError(_Wrapper):
    """The mean of ``abs(y_true - y_pred)``.

    Example:
        >>> kc.metrics.MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]])
        array(0.5, dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(mean_absolute_error)

    def __init__(self, name: str = "mean_absolute_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsolutePercentageError(_Wrapper):
    """The mean of ``100 * abs((y_true - y_pred) / y_true)``.

    Example:
        >>> kc.metrics.MeanAbsolutePercentageError()([[2.0]], [[1.0]])
        array(50., dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(mean_absolute_percentage_error)

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_Wrapper):
    """The mean of ``(log(y_true + 1) - log(y_pred + 1)) ** 2``.

    Example:
        >>> kc.metrics.MeanSquaredLogarithmicError()([[0.0]], [[0.0]])
        array(0., dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class LogCoshError(_Wrapper):
    """The mean of ``log(cosh(y_pred - y_true))``.

    Example:
        >>> kc.metrics.LogCoshError()([[0.0]], [[0.0]])
        array(0., dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(log_cosh)

    def __init__(self, name: str = "logcosh", dtype=None):
        super().__init__(name=name, dtype=dtype)


class CosineSimilarity(_Wrapper):
    """The mean cosine similarity between ``y_true`` and ``y_pred`` along ``axis``.

    Keras 3 leaves ``axis`` out of the config; so does kc.

    Example:
        >>> kc.metrics.CosineSimilarity()([[0.0, 1.0]], [[0.0, 2.0]])
        array(1., dtype=float32)
    """

    _direction = "up"

    _metric_fn = staticmethod(cosine_similarity)

    def __init__(self, name: str = "cosine_similarity", dtype=None, axis: int = -1):
        super().__init__(name=name, dtype=dtype, axis=axis)


class RootMeanSquaredError(Mean):
    """The square root of the (weighted) mean of ``(y_true - y_pred) ** 2``.

    Example:
        >>> kc.metrics.RootMeanSquaredError()([[0.0, 2.0]], [[2.0, 2.0]])
        array(1.4142135, dtype=float32)
    """

    _direction = "down"

    def __init__(self, name: str = "root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        check_same_shape(y_true, y_pred, self)
        super().update_state(ops.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(super().result())
