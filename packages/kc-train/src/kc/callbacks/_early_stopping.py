"""`EarlyStopping`: stop training when a monitored metric stops improving."""

from __future__ import annotations

import warnings

import numpy as np

from kc.callbacks._monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stops `fit` once `monitor` has not improved for `patience` epochs.

    Args:
        monitor: the logs key to watch.
        min_delta: the least change that counts as an improvement.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints when it stops and when it restores weights.
        mode: `"min"`, `"max"` or `"auto"` (from the metric's direction).
        baseline: a value to beat; until it is beaten, `wait` is not reset.
        restore_best_weights: at the end of training, set the weights of the
            best epoch (or of the first monitored epoch if none improved).
        start_from_epoch: epochs to run before monitoring starts (warm-up).

    Example:
        >>> stop = kc.callbacks.EarlyStopping(monitor="val_loss", patience=3)
        >>> model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stop])
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # The first monitored weights, restored if nothing ever beats them.
            self.best_weights = self._copy_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self._copy_weights()
            # The wait restarts only once the baseline is beaten too.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def _copy_weights(self) -> list:
        # Copies: a backend may hand out arrays sharing the variables' memory.
        return [np.array(w, copy=True) for w in self.model.get_weights()]

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}", stacklevel=2)
        return value
