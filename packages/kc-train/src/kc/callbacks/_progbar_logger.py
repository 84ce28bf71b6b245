"""`ProgbarLogger`: prints a `Progbar` during fit / evaluate / predict."""

from __future__ import annotations

from kc.callbacks._callback import Callback


class ProgbarLogger(Callback):
    """Prints metrics to stdout with a live progress bar (added by `fit` when verbose != 0).

    verbose=1: a live bar with ETA, time per step and the running metrics (on a
    terminal; plain throttled lines elsewhere); verbose=2: one line per epoch.
    The bar reads batch logs without converting them: a backend scalar is
    converted (a device sync) only when a line is drawn.

    Example:
        >>> model.fit(x, y, epochs=2, verbose=0, callbacks=[kc.callbacks.ProgbarLogger()])
    """

    _kc_raw_batch_logs = True

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    def _reset_progbar(self):
        self.seen = 0
        self.progbar = None

    def _maybe_init_progbar(self):
        if self.progbar is None:
            # Imported here: kc.train imports kc.callbacks, not the other way at import time.
            from kc.train._progbar import Progbar

            # The loop's logs are running means already: display them as given.
            self.progbar = Progbar(target=self.target, verbose=self.verbose,
                                   stateless_metrics=(), unit_name="step")

    def _update_progbar(self, batch, logs=None):
        if self.progbar is None:
            self._maybe_init_progbar()
        self.seen = batch + 1
        if self.verbose == 1:  # the pairs are kept as given and read only when drawn
            self.progbar.update(self.seen, logs.items() if logs else None, finalize=False)

    def _finalize_progbar(self, logs):
        self._maybe_init_progbar()
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, list(logs.items()) if logs else None, finalize=True)
