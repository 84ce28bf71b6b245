"""Confusion-matrix metrics at thresholds: TP/FP/TN/FN counts, precision, recall, and the
sensitivity/specificity/precision/recall-at-a-constraint family.

A prediction counts as positive at threshold ``t`` when ``y_pred > t``; labels are
cast to bool. Counts are weighted by ``sample_weight`` (broadcast to ``y_pred``). With
``top_k``, only the ``k`` largest predictions of each sample can be positive; with
``class_id``, only that column of ``y_true``/``y_pred`` is used. `AUC` lives in `_auc.py`.
"""

from __future__ import annotations

from kc import ops
from kc.losses._base import (
    _match_weight_rank,
    broadcast_compatible,
    squeeze_or_expand_to_same_rank,
)
from kc.metrics._base import Metric

NEG_INF = -1e10  # the threshold that makes every kept (top-k) prediction positive


def _error(metric: Metric, message: str) -> ValueError:
    return ValueError(f"{type(metric).__name__} '{metric.name}': {message}")


def parse_thresholds(metric: Metric, thresholds, default: float) -> list[float]:
    """``thresholds`` (None, a number or a list of numbers in [0, 1]) as a list of floats."""
    if thresholds is None:
        return [float(default)]
    values = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
    try:
        values = [float(t) for t in values]
    except (TypeError, ValueError) as e:
        raise _error(metric, f"`thresholds` must be a number or a list of numbers, got "
                             f"{thresholds!r}.") from e
    if not values or any(not 0.0 <= t <= 1.0 for t in values):
        raise _error(metric, f"`thresholds` must be in the range [0, 1], got {thresholds!r}.")
    return values


def filter_top_k(y_pred, k: int):
    """``y_pred`` with all but the ``k`` largest values of each row (last axis) set to NEG_INF."""
    classes = tuple(ops.shape(y_pred))[-1]
    _, indices = ops.top_k(y_pred, k)
    kept = ops.sum(ops.one_hot(indices, classes, dtype=y_pred.dtype), axis=-2) > 0
    return ops.where(kept, y_pred, ops.cast(NEG_INF, y_pred.dtype))


def prepare_confusion(metric: Metric, y_true, y_pred, sample_weight, top_k=None, class_id=None,
                      label_weights=None):
    """Float ``(labels, predictions, weights)`` of one shape (weights may be None)."""
    dtype = metric.dtype
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_true = ops.cast(ops.cast(ops.convert_to_tensor(y_true), "bool"), dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    t, p = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if not broadcast_compatible(t, p):
        raise _error(metric, "`y_true` and `y_pred` must have the same shape, got "
                             f"y_true.shape={t} and y_pred.shape={p}.")
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        classes = p[-1]
        if isinstance(classes, int) and not 0 <= class_id < classes:
            raise _error(metric, f"`class_id` must be in [0, {classes}), got {class_id}.")
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
        if sample_weight is not None and ops.ndim(sample_weight) == len(p) and p[-1] != 1 \
                and tuple(ops.shape(sample_weight))[-1] == p[-1]:
            sample_weight = sample_weight[..., class_id]  # per-class weights: keep the class's
    if sample_weight is not None:
        sample_weight = _match_weight_rank(sample_weight, y_pred)
    shape = tuple(ops.shape(y_pred))
    y_true = ops.broadcast_to(y_true, shape)
    if label_weights is not None:
        lw = ops.broadcast_to(ops.cast(ops.convert_to_tensor(label_weights), dtype), shape)
        sample_weight = lw if sample_weight is None else ops.broadcast_to(sample_weight, shape) * lw
    if sample_weight is not None:
        sample_weight = ops.broadcast_to(sample_weight, shape)
    return y_true, y_pred, sample_weight


def confusion_counts(y_true, y_pred, sample_weight, thresholds, multi_label: bool = False):
    """``(tp, fp, tn, fn)`` at each threshold: shape ``(T,)``, or ``(T, labels)`` when multi-label.

    Args:
        y_true, y_pred, sample_weight: float tensors of one shape (weights may be None).
        thresholds: a 1-D float tensor of ``T`` thresholds.
        multi_label: keep the last axis (one count per label) instead of flattening.
    """
    dtype = y_pred.dtype
    if multi_label:
        labels = tuple(ops.shape(y_pred))[-1]
        y_true, y_pred = ops.reshape(y_true, (-1, labels)), ops.reshape(y_pred, (-1, labels))
        if sample_weight is not None:
            sample_weight = ops.reshape(sample_weight, (-1, labels))
        thresholds = ops.reshape(thresholds, (-1, 1, 1))
        axis = 1
    else:
        y_true, y_pred = ops.reshape(y_true, (-1,)), ops.reshape(y_pred, (-1,))
        if sample_weight is not None:
            sample_weight = ops.reshape(sample_weight, (-1,))
        thresholds = ops.reshape(thresholds, (-1, 1))
        axis = 1
    positive = y_true if sample_weight is None else y_true * sample_weight
    negative = (1.0 - y_true) if sample_weight is None else (1.0 - y_true) * sample_weight
    predicted = ops.cast(ops.greater(ops.expand_dims(y_pred, 0), thresholds), dtype)
    if multi_label:
        tp = ops.sum(predicted * positive, axis=axis)
        fp = ops.sum(predicted * negative, axis=axis)
        total_pos = ops.sum(positive, axis=0)
        total_neg = ops.sum(negative, axis=0)
    else:
        tp = ops.matmul(predicted, positive)
        fp = ops.matmul(predicted, negative)
        total_pos = ops.sum(positive)
        total_neg = ops.sum(negative)
    return tp, fp, total_neg - fp, total_pos - tp


class _ConditionCount(Metric):
    """A count of one confusion-matrix cell at each threshold."""

    _cell = 0  # index in (tp, fp, tn, fn)

    def __init__(self, thresholds=None, name: str | None = None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(self, thresholds, 0.5)
        self.accumulator = self.add_variable((len(self.thresholds),), "zeros",
                                             name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred, w = prepare_confusion(self, y_true, y_pred, sample_weight)
        counts = confusion_counts(y_true, y_pred, w, ops.array(self.thresholds, self.dtype))
        self.accumulator.assign_add(counts[self._cell])

    def result(self):
        value = ops.copy(self.accumulator.value)  # a tensor, never the variable itself
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConditionCount):
    """The (weighted) number of true positives: ``y_true`` and ``y_pred > threshold``.

    Args:
        thresholds: a threshold or a list of thresholds in [0, 1] (default 0.5); with a
            list the result holds one count per threshold.
        name: default "true_positives" (made unique).
        dtype: the state and result dtype.

    Example:
        >>> kc.metrics.TruePositives()([0, 1, 1, 1], [1, 0, 1, 1])
        array(2., dtype=float32)
    """

    _cell = 0


class FalsePositives(_ConditionCount):
    """The (weighted) number of false positives: not ``y_true`` but ``y_pred > threshold``.

    Args: as `TruePositives`.

    Example:
        >>> kc.metrics.FalsePositives()([0, 1, 0, 0], [0, 0, 1, 1])
        array(2., dtype=float32)
    """

    _cell = 1


class TrueNegatives(_ConditionCount):
    """The (weighted) number of true negatives: neither ``y_true`` nor ``y_pred > threshold``.

    Args: as `TruePositives`.

    Example:
        >>> kc.metrics.TrueNegatives()([0, 1, 0, 0], [1, 1, 0, 0])
        array(2., dtype=float32)
    """

    _cell = 2


class FalseNegatives(_ConditionCount):
    """The (weighted) number of false negatives: ``y_true`` but not ``y_pred > threshold``.

    Args: as `TruePositives`.

    Example:
        >>> kc.metrics.FalseNegatives()([0, 1, 1, 1], [0, 1, 0, 0])
        array(2., dtype=float32)
    """

    _cell = 3


class _PrecisionRecall(Metric):
    """Precision or recall at thresholds, optionally over the top-k predictions of one class."""

    _second = ("false_positives", 1)  # the count besides true positives, and its cell

    def __init__(self, thresholds=None, top_k=None, class_id=None, name: str | None = None,
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
            raise _error(self, f"`top_k` must be a positive int or None, got {top_k!r}.")
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = parse_thresholds(self, thresholds, 0.5 if top_k is None else NEG_INF)
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, "zeros", name="true_positives")
        self._other = self.add_variable(size, "zeros", name=self._second[0])

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred, w = prepare_confusion(self, y_true, y_pred, sample_weight,
                                              top_k=self.top_k, class_id=self.class_id)
        counts = confusion_counts(y_true, y_pred, w, ops.array(self.thresholds, self.dtype))
        self.true_positives.assign_add(counts[0])
        self._other.assign_add(counts[self._second[1]])

    def result(self):
        tp = self.true_positives.value
        value = ops.divide_no_nan(tp, tp + self._other.value)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """``TP / (TP + FP)``: the fraction of positive predictions that are right.

    Args:
        thresholds: a threshold or a list of thresholds in [0, 1] (default 0.5, or every
            top-k prediction when ``top_k`` is set).
        top_k: only the ``k`` largest predictions of each sample can be positive.
        class_id: compute the metric for this class (column) only.
        name: default "precision" (made unique).
        dtype: the state and result dtype.

    Example:
        >>> kc.metrics.Precision()([0, 1, 1, 1], [1, 0, 1, 1])
        array(0.6666667, dtype=float32)
    """

    _direction = "up"

    _second = ("false_positives", 1)

    @property
    def false_positives(self):
        return self._other


class Recall(_PrecisionRecall):
    """``TP / (TP + FN)``: the fraction of positive labels that are predicted.

    Args: as `Precision` (default name "recall").

    Example:
        >>> kc.metrics.Recall()([0, 1, 1, 1], [1, 0, 1, 1])
        array(0.6666667, dtype=float32)
    """

    _direction = "up"

    _second = ("false_negatives", 3)

    @property
    def false_negatives(self):
        return self._other


def even_thresholds(num_thresholds: int, epsilon: float = 0.0) -> list[float]:
    """``num_thresholds`` thresholds spread evenly over [0 - epsilon, 1 + epsilon]."""
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - epsilon] + inner + [1.0 + epsilon]


class _AtConstraint(Metric):
    """The best value of one rate where another rate meets a target, over thresholds."""

    _target_name = ""  # the constructor argument holding the target rate

    def __init__(self, value: float, num_thresholds: int = 200, class_id=None,
                 name: str | None = None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if not isinstance(num_thresholds, int) or num_thresholds <= 0:
            raise _error(self, f"`num_thresholds` must be an int > 0, got {num_thresholds!r}.")
        if not 0.0 <= float(value) <= 1.0:
            raise _error(self, f"`{self._target_name}` must be in the range [0, 1], got {value!r}.")
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        self.thresholds = [0.5] if num_thresholds == 1 else even_thresholds(num_thresholds)
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, "zeros", name="true_positives")
        self.false_positives = self.add_variable(size, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(size, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(size, "zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred, w = prepare_confusion(self, y_true, y_pred, sample_weight,
                                              class_id=self.class_id)
        tp, fp, tn, fn = confusion_counts(y_true, y_pred, w, ops.array(self.thresholds, self.dtype))
        self.true_positives.assign_add(tp)
        self.false_positives.assign_add(fp)
        self.true_negatives.assign_add(tn)
        self.false_negatives.assign_add(fn)

    def _rates(self) -> dict:
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = ops.divide_no_nan(tp, tp + fn)
        return {"sensitivity": recall, "recall": recall,
                "specificity": ops.divide_no_nan(tn, tn + fp),
                "precision": ops.divide_no_nan(tp, tp + fp)}

    def _best(self, constrained: str, dependent: str):
        """max(dependent) over the thresholds where constrained >= target; 0 if none."""
        rates = self._rates()
        feasible = ops.greater_equal(rates[constrained], ops.cast(self.value, self.dtype))
        return ops.max(ops.where(feasible, rates[dependent], ops.zeros_like(rates[dependent])))

    def get_config(self) -> dict:
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._target_name: self.value}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity (recall) over thresholds whose specificity is >= ``specificity``.

    Args:
        specificity: the target specificity in [0, 1].
        num_thresholds: how many thresholds to try, spread evenly over [0, 1].
        class_id: compute the metric for this class (column) only.
        name: default "sensitivity_at_specificity" (made unique).
        dtype: the state and result dtype.

    Example:
        >>> kc.metrics.SensitivityAtSpecificity(0.5)([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8])
        array(1., dtype=float32)
    """

    _direction = "up"

    _target_name = "specificity"

    def __init__(self, specificity: float, num_thresholds: int = 200, class_id=None,
                 name: str | None = None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    @property
    def specificity(self) -> float:
        return self.value

    def result(self):
        return self._best("specificity", "sensitivity")


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity over thresholds whose sensitivity is >= ``sensitivity``.

    Args: as `SensitivityAtSpecificity`, with the target ``sensitivity``.

    Example:
        >>> kc.metrics.SpecificityAtSensitivity(0.5)([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8])
        array(1., dtype=float32)
    """

    _direction = "up"

    _target_name = "sensitivity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200, class_id=None,
                 name: str | None = None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    @property
    def sensitivity(self) -> float:
        return self.value

    def result(self):
        return self._best("sensitivity", "specificity")


class PrecisionAtRecall(_AtConstraint):
    """The best precision over thresholds whose recall is >= ``recall``.

    Args: as `SensitivityAtSpecificity`, with the target ``recall``.

    Example:
        >>> kc.metrics.PrecisionAtRecall(0.5)([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8])
        array(1., dtype=float32)
    """

    _direction = "up"

    _target_name = "recall"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id=None,
                 name: str | None = None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    @property
    def recall(self) -> float:
        return self.value

    def result(self):
        return self._best("recall", "precision")


class RecallAtPrecision(_AtConstraint):
    """The best recall over thresholds whose precision is >= ``precision``.

    Args: as `SensitivityAtSpecificity`, with the target ``precision``.

    Example:
        >>> kc.metrics.RecallAtPrecision(0.8)([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8])
        array(0.5, dtype=float32)
    """

    _direction = "up"

    _target_name = "precision"

    def __init__(self, precision: float, num_thresholds: int = 200, class_id=None,
                 name: str | None = None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    @property
    def precision(self) -> float:
        return self.value

    def result(self):
        return self._best("precision", "recall")
