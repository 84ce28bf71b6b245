"""Learning-rate callbacks: `LearningRateScheduler` and `ReduceLROnPlateau`."""

from __future__ import annotations

import warnings

import numpy as np

from kc.callbacks._callback import Callback
from kc.callbacks._monitor import MonitorCallback


def _optimizer(callback, who: str):
    optimizer = getattr(callback.model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"{who}: the model's optimizer must have a `learning_rate` attribute, "
                         f"got optimizer {optimizer!r} (compile the model first).")
    return optimizer


def _current_lr(optimizer) -> float:
    value = optimizer.learning_rate
    numpy = getattr(value, "numpy", None)
    return float(numpy() if numpy is not None else value)


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate at the start of each epoch from `schedule`.

    Args:
        schedule: a function `(epoch, lr) -> new lr` (epoch counts from 0; `lr`
            is the current rate as a float). A one-argument `(epoch) -> lr`
            function is accepted too, as in Keras.
        verbose: 1 prints each new rate.

    The rate of each epoch is added to its logs as `"learning_rate"`.

    Example:
        >>> def schedule(epoch, lr):
        ...     return lr if epoch < 10 else lr * 0.9
        >>> model.fit(x, y, epochs=15, callbacks=[kc.callbacks.LearningRateScheduler(schedule)])
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = _optimizer(self, "LearningRateScheduler")
        try:
            learning_rate = self.schedule(epoch, _current_lr(optimizer))
        except TypeError:  # the one-argument form
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.floating)):
            raise ValueError("LearningRateScheduler: the `schedule` function must return a "
                             f"float, got {learning_rate!r} for epoch {epoch}.")
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _current_lr(self.model.optimizer)


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by `factor` when `monitor` stops improving.

    Args:
        monitor: the logs key to watch.
        factor: the rate is multiplied by it (must be < 1).
        patience: epochs without improvement before the rate is reduced.
        verbose: 1 prints each reduction.
        mode: `"min"`, `"max"` or `"auto"` (from the metric's direction).
        min_delta: the least change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the rate never goes below it.

    The rate of each epoch is added to its logs as `"learning_rate"`.

    Example:
        >>> reduce = kc.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2,
        ...                                         patience=5, min_lr=0.001)
        >>> model.fit(x, y, validation_split=0.2, callbacks=[reduce])
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau: `factor` must be < 1.0 (the rate is "
                             f"multiplied by it), got factor={factor}.")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        optimizer = _optimizer(self, "ReduceLROnPlateau")
        logs["learning_rate"] = _current_lr(optimizer)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = _current_lr(optimizer)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning "
                              f"rate to {new_lr}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0
