"""`ModelCheckpoint`: save the model (or its weights) during training."""

from __future__ import annotations

import os
import warnings

import numpy as np

from kc.callbacks._logs import pythonify_logs
from kc.callbacks._monitor import MonitorCallback


def _check_save_freq(save_freq, who: str) -> None:
    if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)
                                 or save_freq < 1):
        raise ValueError(f"{who}: Unrecognized save_freq: {save_freq!r}. Expected save_freq "
                         "are 'epoch' or integer values (a number of batches >= 1).")


class _BatchCounter:
    """Counts batches across epochs; says when `save_freq` of them have passed."""

    def _should_save_on_batch(self, batch) -> bool:
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:  # a new epoch
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False


class ModelCheckpoint(_BatchCounter, MonitorCallback):
    """Saves the model or its weights every epoch or every `save_freq` batches.

    `filepath` may hold `str.format` fields filled from the epoch (1-based),
    the batch (1-based, when saving on batches) and the logs, e.g.
    `"ckpt/{epoch:02d}-{val_loss:.2f}.keras"`. Files are written by
    `model.save` / `model.save_weights`, which write a temporary file and
    rename it, so an interrupted save leaves the previous file whole.

    Args:
        filepath: where to save; ends in `.keras` (whole model) or
            `.weights.h5` (with `save_weights_only=True`).
        monitor: the logs key compared with `save_best_only`.
        verbose: 1 prints a line for each save.
        save_best_only: save only when `monitor` improves on the best so far.
        save_weights_only: save only the weights (`model.save_weights`).
        mode: `"min"`, `"max"` or `"auto"` (from the metric's direction).
        save_freq: `"epoch"`, or an int: save every that many batches.
        initial_value_threshold: the best value to beat at first.

    Example:
        >>> ckpt = kc.callbacks.ModelCheckpoint("best.keras", monitor="val_loss",
        ...                                     save_best_only=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[ckpt])
    """

    _kc_raw_batch_logs = True  # batch logs are read only when a save happens

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        _check_save_freq(save_freq, "ModelCheckpoint")
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                    "provided must end in `.weights.h5` (Keras weights format). Received: "
                    f"filepath={self.filepath}")
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError("The filepath provided must end in `.keras` (Keras model format). "
                             f"Received: filepath={self.filepath}")

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, pythonify_logs(logs))

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs or {})

    def _should_save_model(self, epoch, batch, logs, filepath) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.",
                          stacklevel=2)
            return False
        if np.ndim(current) > 0:
            warnings.warn("Can save best model only when `monitor` is a scalar value. Received: "
                          f"{current}. Falling back to `save_best_only=False`.", stacklevel=2)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch, batch, logs) -> None:
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, batch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError(
                "ModelCheckpoint: please specify a non-directory filepath. Filepath used is an "
                f"existing directory: {filepath}")
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs) -> str:
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e}") from e
