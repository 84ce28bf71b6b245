"""`History`: records each epoch's logs; `fit` returns it."""

from __future__ import annotations

from kc.callbacks._callback import Callback


class History(Callback):
    """Records every epoch's logs; `fit` adds one and returns it (also `model.history`).

    Attributes:
        history: dict of metric name -> list of per-epoch values.
        epoch: list of the epoch indices run.

    Example:
        >>> history = model.fit(x, y, epochs=3, verbose=0)
        >>> history.history["loss"]   # three floats
    """

    def __init__(self):
        super().__init__()
        self.history = {}

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        if self._model is not None:
            self._model.history = self
