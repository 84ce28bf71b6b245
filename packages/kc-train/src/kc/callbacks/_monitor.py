"""Shared base of the callbacks that watch one metric (EarlyStopping, ModelCheckpoint, ...)."""

from __future__ import annotations

import operator
import warnings

from kc.callbacks._callback import Callback

_MODES = ("auto", "min", "max")
# Name fragments of the built-in metrics that improve upwards / downwards, used in "auto"
# mode when the metric object does not say (`_direction`).
_UP = ("acc", "auc", "precision", "recall", "f1_score", "fbeta_score", "iou", "r2_score",
       "cosine_similarity", "true_positives", "true_negatives", "_at_", "pearson",
       "concordance")
_DOWN = ("loss", "error", "crossentropy", "hinge", "poisson", "divergence", "logcosh",
         "false_positives", "false_negatives", "mae", "mse", "mape", "msle")


def _model_metrics(model) -> list:
    found = []
    for m in getattr(model, "metrics", None) or ():
        inner = getattr(m, "metrics", None)
        if isinstance(inner, (list, tuple)):  # CompileMetrics: its own metrics
            found.extend(inner)
        found.append(m)
    return found


def _direction(model, name: str):
    """'up', 'down' or None for the metric named `name` (without its `val_` prefix)."""
    if name == "loss":
        return "down"
    for m in _model_metrics(model):
        if getattr(m, "name", None) == name:
            direction = getattr(m, "_direction", None)
            if direction in ("up", "down"):
                return direction
            break
    if any(part in name for part in _UP):
        return "up"
    if any(part in name for part in _DOWN):
        return "down"
    return None


class MonitorCallback(Callback):
    """A callback that watches `monitor` and tells whether a value improves on the best.

    Args:
        monitor: the logs key to watch (e.g. `"val_loss"`).
        mode: `"min"`, `"max"` or `"auto"` (from the metric's direction).
        baseline: the initial best value (None: the first value is an improvement).
        min_delta: the least change that counts as an improvement.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in _MODES:
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto "
                          f"mode (valid modes: {', '.join(_MODES)}).", stacklevel=3)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            direction = _direction(self._model, name)
            if direction is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but kc "
                    "cannot tell whether that metric should be maximized or minimized. Pass "
                    "`mode='max'` to monitor the highest value, or `mode='min'` to monitor "
                    "the lowest value.")
            self.monitor_op = operator.gt if direction == "up" else operator.lt
        if self.monitor_op is operator.lt:
            self.min_delta = -abs(self.min_delta)

    def _is_improvement(self, value, reference) -> bool:
        if reference is None:
            return True
        return bool(self.monitor_op(value - self.min_delta, reference))
