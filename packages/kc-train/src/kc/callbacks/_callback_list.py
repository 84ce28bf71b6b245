"""`CallbackList`: fans each loop event out to a list of callbacks."""

from __future__ import annotations

from kc.callbacks._callback import Callback
from kc.callbacks._history import History
from kc.callbacks._logs import pythonify_logs, pythonify_logs_in_place
from kc.callbacks._progbar_logger import ProgbarLogger

# Batch hooks, with the legacy hook whose override also makes the callback listen.
_BATCH_HOOKS = {
    "on_batch_begin": (),
    "on_batch_end": (),
    "on_train_batch_begin": ("on_batch_begin",),
    "on_train_batch_end": ("on_batch_end",),
    "on_test_batch_begin": (),
    "on_test_batch_end": (),
    "on_predict_batch_begin": (),
    "on_predict_batch_end": (),
}


def _listens(callback, hook: str) -> bool:
    """Whether `callback` does anything on `hook` (it overrides it or a legacy alias)."""
    for name in (hook, *_BATCH_HOOKS[hook]):
        fn = getattr(callback, name, None)
        if fn is not None and getattr(fn, "__func__", fn) is not getattr(Callback, name):
            return True
    return False


def _flatten(callbacks) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        out = []
        for c in callbacks:
            out.extend(_flatten(c))
        return out
    return [callbacks]


class CallbackList(Callback):
    """A container that calls each of its callbacks on every loop event.

    Batch events cost almost nothing when no callback listens to them, and the
    logs' backend scalars are converted to Python floats (a device sync) only
    when a listening callback reads Python values. kc differs from Keras 3 in
    having no thread-pool dispatch of batch hooks: it is not needed for that.

    Args:
        callbacks: a list of `Callback` instances (nested lists are flattened).
        add_history: append a `History` callback if the list has none.
        add_progbar: append a `ProgbarLogger` if the list has none.
        model: the model the callbacks work on.
        **params: the loop parameters (`verbose`, `epochs`, `steps`) given to
            every callback through `set_params`.

    Example:
        >>> cbs = kc.callbacks.CallbackList([kc.callbacks.History()], model=model,
        ...                                 verbose=0, epochs=1, steps=10)
        >>> cbs.on_train_begin()
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        self.callbacks = _flatten(callbacks)
        self._progbar = None
        self._history = None
        self._add_default_callbacks(add_history, add_progbar)
        self._hooks = None
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def _add_default_callbacks(self, add_history: bool, add_progbar: bool) -> None:
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def set_params(self, params):
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    # The batch fan-out -----------------------------------------------------------------
    def _build_hooks(self) -> dict:
        """{batch hook: (callbacks listening to it, whether one of them needs Python logs)}."""
        table = {}
        for name in _BATCH_HOOKS:
            cbs = [c for c in self.callbacks if _listens(c, name)]
            needs_python = any(not getattr(c, "_kc_raw_batch_logs", False) for c in cbs)
            table[name] = (tuple(getattr(c, name) for c in cbs), needs_python)
        self._hooks = table
        self._hooks_for = len(self.callbacks)
        return table

    def _batch(self, hook: str, batch, logs) -> None:
        hooks = self._hooks
        if hooks is None or self._hooks_for != len(self.callbacks):
            hooks = self._build_hooks()
        methods, needs_python = hooks[hook]
        if not methods:
            return
        if needs_python:
            logs = pythonify_logs(logs)
        elif logs is None:
            logs = {}
        for method in methods:
            method(batch, logs)

    def on_batch_begin(self, batch, logs=None):
        self._batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._batch("on_predict_batch_end", batch, logs)

    # Epoch and loop events: once each, logs made Python in place ------------------------
    def _event(self, hook: str, *args, logs=None) -> None:
        logs = pythonify_logs_in_place(logs)
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._event("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._event("on_epoch_end", epoch, logs=logs)

    def on_train_begin(self, logs=None):
        self._hooks = None
        self._event("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._event("on_train_end", logs=logs)

    def on_test_begin(self, logs=None):
        self._hooks = None
        self._event("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._event("on_test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._hooks = None
        self._event("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._event("on_predict_end", logs=logs)
