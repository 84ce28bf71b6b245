"""`AUC`: the area under the ROC or precision-recall curve, from confusion counts at thresholds.

The curve is sampled at ``num_thresholds`` thresholds; the area is a Riemann sum whose
heights are the mean ("interpolation"), the smaller ("minoring") or the larger ("majoring")
of neighbouring points. For the PR curve, "interpolation" integrates precision exactly
between thresholds, assuming true and false positives grow linearly there (Davis &
Goadrich, 2006).
"""

from __future__ import annotations

from kc import config as kc_config
from kc import ops
from kc.metrics._base import Metric
from kc.metrics._confusion import _error, confusion_counts, even_thresholds, prepare_confusion

_CURVES = ("ROC", "PR")
_SUMMATIONS = ("interpolation", "minoring", "majoring")


def _choice(metric, value, choices, argument: str) -> str:
    if isinstance(value, str):
        for c in choices:
            if value.lower() == c.lower():
                return c
    raise _error(metric, f"invalid `{argument}` {value!r}; expected one of {list(choices)}.")


class AUC(Metric):
    """Area under the ROC curve (default) or the precision-recall curve.

    Args:
        num_thresholds: how many thresholds sample the curve (> 1), spread evenly over
            [0, 1]; ignored when ``thresholds`` is given.
        curve: "ROC" or "PR".
        summation_method: "interpolation" (default), "minoring" or "majoring".
        name: default "auc" (made unique).
        dtype: the state and result dtype.
        thresholds: optional list of thresholds in [0, 1] (0 - epsilon and 1 + epsilon are
            added at the ends).
        multi_label: treat each column of 2-D data as its own label and average their
            AUCs; otherwise all values are pooled.
        num_labels: the number of labels with ``multi_label`` (else learnt from the first
            batch).
        label_weights: per-label weights: of the per-label AUCs with ``multi_label``,
            else of each column's counts.
        from_logits: ``y_pred`` holds logits (a sigmoid is applied).

    Example:
        >>> kc.metrics.AUC(num_thresholds=3)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        array(0.75, dtype=float32)
    """

    _direction = "up"

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name: str | None = None, dtype=None,
                 thresholds=None, multi_label: bool = False, num_labels=None,
                 label_weights=None, from_logits: bool = False):
        super().__init__(name=name, dtype=dtype)
        self.curve = _choice(self, curve, _CURVES, "curve")
        self.summation_method = _choice(self, summation_method, _SUMMATIONS, "summation_method")
        epsilon = kc_config.epsilon()
        if thresholds is not None:
            given = sorted(float(t) for t in thresholds)
            if any(not 0.0 <= t <= 1.0 for t in given):
                raise _error(self, f"`thresholds` must be in the range [0, 1], got {thresholds!r}.")
            self.num_thresholds = len(given) + 2
            self.thresholds = [0.0 - epsilon] + given + [1.0 + epsilon]
        else:
            if not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise _error(self, f"`num_thresholds` must be an int > 1, got {num_thresholds!r}.")
            self.num_thresholds = num_thresholds
            self.thresholds = even_thresholds(num_thresholds, epsilon)
        self._thresholds_given = thresholds is not None
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        if label_weights is not None:
            label_weights = [float(w) for w in ops.convert_to_numpy(label_weights).reshape(-1)]
            if any(w < 0 for w in label_weights):
                raise _error(self, f"`label_weights` must be non-negative, got {label_weights}.")
        self.label_weights = label_weights
        self.from_logits = bool(from_logits)
        self._built = False
        if not self.multi_label:
            self._build(None)
        elif num_labels is not None:
            self._build(int(num_labels))

    def _build(self, num_labels) -> None:
        shape = (self.num_thresholds,) if num_labels is None else (self.num_thresholds, num_labels)
        if num_labels is not None:
            self.num_labels = num_labels
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = ops.convert_to_tensor(y_pred)
        if self.multi_label:
            shape = tuple(ops.shape(y_pred))
            if len(shape) != 2:
                raise _error(self, "with multi_label=True, `y_pred` must have shape "
                                   f"(samples, labels), got {shape}.")
            if not self._built:
                self._build(int(shape[-1]))
            elif shape[-1] != self.num_labels:
                raise _error(self, f"expected {self.num_labels} labels (columns of y_pred), "
                                   f"got {shape[-1]}.")
        if self.from_logits:
            y_pred = ops.sigmoid(ops.cast(y_pred, self.dtype))
        label_weights = None if self.multi_label else self.label_weights
        y_true, y_pred, w = prepare_confusion(self, y_true, y_pred, sample_weight,
                                              label_weights=label_weights)
        tp, fp, tn, fn = confusion_counts(y_true, y_pred, w,
                                          ops.array(self.thresholds, self.dtype),
                                          multi_label=self.multi_label)
        self.true_positives.assign_add(tp)
        self.false_positives.assign_add(fp)
        self.true_negatives.assign_add(tn)
        self.false_negatives.assign_add(fn)

    def _average_labels(self, per_label):
        if not self.multi_label:
            return per_label
        if self.label_weights is None:
            return ops.mean(per_label)
        weights = ops.array(self.label_weights, self.dtype)
        return ops.divide_no_nan(ops.sum(per_label * weights), ops.sum(weights))

    def _interpolated_pr_auc(self):
        tp, fp, fn = self.true_positives.value, self.false_positives.value, \
            self.false_negatives.value
        d_tp = tp[:-1] - tp[1:]
        predicted = tp + fp
        d_pred = predicted[:-1] - predicted[1:]
        slope = ops.divide_no_nan(d_tp, ops.maximum(d_pred, 0.0))
        intercept = tp[1:] - slope * predicted[1:]
        both = ops.logical_and(predicted[:-1] > 0, predicted[1:] > 0)
        ratio = ops.where(both, ops.divide_no_nan(predicted[:-1], ops.maximum(predicted[1:], 0.0)),
                          ops.ones_like(predicted[1:]))
        terms = ops.divide_no_nan(slope * (d_tp + intercept * ops.log(ratio)),
                                  ops.maximum(tp[1:] + fn[1:], 0.0))
        return self._average_labels(ops.sum(terms, axis=0))

    def result(self):
        if not self._built:
            return ops.zeros((), dtype=self.dtype)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = ops.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = ops.divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, ops.divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[:-1], y[1:])
        else:
            heights = ops.maximum(y[:-1], y[1:])
        return self._average_labels(ops.sum((x[:-1] - x[1:]) * heights, axis=0))

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": self.label_weights, "from_logits": self.from_logits}
        if self._thresholds_given:
            config["thresholds"] = self.thresholds[1:-1]
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)
