"""Small callbacks: `TerminateOnNaN` and `LambdaCallback`."""

from __future__ import annotations

import math

from kc.callbacks._callback import Callback


class TerminateOnNaN(Callback):
    """Stops training cleanly when a batch's loss is NaN or infinite.

    Args:
        raise_error: raise `RuntimeError` instead of setting `model.stop_training`.

    Example:
        >>> model.fit(x, y, callbacks=[kc.callbacks.TerminateOnNaN()])
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                    "Terminating training immediately.")
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback made of plain functions given as arguments.

    Args:
        on_epoch_begin, on_epoch_end: `f(epoch, logs)`.
        on_train_begin, on_train_end: `f(logs)`.
        on_train_batch_begin, on_train_batch_end: `f(batch, logs)`.
        **kwargs: any other hook, e.g. `on_test_end=f` or `on_predict_batch_end=f`.

    Example:
        >>> print_epoch = kc.callbacks.LambdaCallback(
        ...     on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
        >>> model.fit(x, y, callbacks=[print_epoch])
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)
