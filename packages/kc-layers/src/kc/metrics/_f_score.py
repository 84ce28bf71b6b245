"""`FBetaScore` and `F1Score`: the F-beta score per class, or averaged, over the batches seen.

Predictions become 0/1: ``y_pred > threshold``, or without a threshold the largest score
of each sample (ties all count; a row of zeros predicts nothing). Per class,
``F = (1 + beta^2) P R / (beta^2 P + R)`` with epsilon guards as in Keras.
"""

from __future__ import annotations

from kc import config as kc_config
from kc import ops
from kc.metrics._base import Metric
from kc.metrics._confusion import _error

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """The F-beta score of multi-label or one-hot classification.

    Args:
        average: None (one score per class), "micro" (from counts pooled over classes),
            "macro" (mean of the class scores) or "weighted" (their mean weighted by the
            number of true samples of each class).
        beta: the weight of recall against precision (a float > 0).
        threshold: predictions above it are positive (a float in (0, 1]); None: the largest
            prediction of each sample.
        name: default "fbeta_score".
        dtype: the state and result dtype.

    Inputs are 2-D: ``(samples, classes)``. The state is created on the first update.

    Example:
        >>> m = kc.metrics.FBetaScore(beta=2.0, threshold=0.5)
        >>> m([[1, 0], [0, 1]], [[0.9, 0.2], [0.3, 0.4]])
        array([1., 0.], dtype=float32)
    """

    _direction = "up"

    def __init__(self, average=None, beta: float = 1.0, threshold=None,
                 name: str = "fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise _error(self, f"invalid `average` {average!r}; expected one of "
                               f"{list(_AVERAGES)}.")
        if not isinstance(beta, float):
            raise _error(self, f"`beta` must be a Python float, got beta={beta!r} of type "
                               f"{type(beta).__name__}.")
        if beta <= 0.0:
            raise _error(self, f"`beta` must be > 0, got beta={beta!r}.")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise _error(self, f"`threshold` must be a Python float, got "
                                   f"threshold={threshold!r} of type {type(threshold).__name__}.")
            if not 0.0 < threshold <= 1.0:
                raise _error(self, f"`threshold` must satisfy 0 < threshold <= 1, got "
                                   f"threshold={threshold!r}.")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self._built = False

    def _build(self, num_classes: int) -> None:
        shape = () if self.average == "micro" else (num_classes,)
        for name in ("true_positives", "false_positives", "false_negatives",
                     "intermediate_weights"):
            setattr(self, name, self.add_variable(shape, "zeros", name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        t, p = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
        if len(t) != 2 or len(p) != 2:
            raise _error(self, "expects 2-D inputs of shape (batch_size, num_classes), got "
                               f"y_true.shape={t} and y_pred.shape={p}.")
        if t[-1] != p[-1]:
            raise _error(self, f"`y_true` and `y_pred` must have the same number of classes, "
                               f"got y_true.shape={t} and y_pred.shape={p}.")
        if not self._built:
            self._build(int(p[-1]))
        if self.threshold is None:
            top = ops.max(y_pred, axis=-1, keepdims=True)
            y_pred = ops.logical_and(ops.greater_equal(y_pred, top),
                                     ops.greater(ops.abs(y_pred), 1e-9))
        else:
            y_pred = ops.greater(y_pred, ops.cast(self.threshold, self.dtype))
        y_pred = ops.cast(y_pred, self.dtype)
        axis = None if self.average == "micro" else 0
        weight = None
        if sample_weight is not None:
            weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            weight = ops.reshape(weight, (-1, 1)) if ops.ndim(weight) <= 1 else weight

        def total(values):
            return ops.sum(values if weight is None else values * weight, axis=axis)

        self.true_positives.assign_add(total(y_pred * y_true))
        self.false_positives.assign_add(total(y_pred * (1.0 - y_true)))
        self.false_negatives.assign_add(total((1.0 - y_pred) * y_true))
        self.intermediate_weights.assign_add(total(y_true))

    def result(self):
        if not self._built:
            return ops.zeros((), dtype=self.dtype)
        eps = kc_config.epsilon()
        tp = self.true_positives.value
        precision = ops.divide(tp, tp + self.false_positives.value + eps)
        recall = ops.divide(tp, tp + self.false_negatives.value + eps)
        beta2 = self.beta ** 2
        score = precision * recall / (beta2 * precision + recall + eps) * (1.0 + beta2)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            weights = ops.divide(weights, ops.sum(weights) + eps)
            return ops.sum(score * weights)
        if self.average is not None:  # "macro"; "micro" is already a scalar
            return ops.mean(score)
        return score

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score (`FBetaScore` with ``beta=1.0``): the harmonic mean of precision and recall.

    Args: as `FBetaScore`, without ``beta`` (default name "f1_score").

    Example:
        >>> kc.metrics.F1Score(threshold=0.5)([[1, 0], [0, 1]], [[0.9, 0.2], [0.3, 0.4]])
        array([0.6666666, 0.       ], dtype=float32)
    """

    _direction = "up"

    def __init__(self, average=None, threshold=None, name: str = "f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
