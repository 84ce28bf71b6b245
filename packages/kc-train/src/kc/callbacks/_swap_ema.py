"""`SwapEMAWeights`: evaluate and save with the optimizer's moving-average weights."""

from __future__ import annotations

from kc.callbacks._callback import Callback


def _ema_optimizers(model) -> list:
    """The model's optimizer(s) keeping moving averages (`use_ema=True`), unwrapped."""
    found = []
    pending = [getattr(model, "optimizer", None)]
    while pending:
        opt = pending.pop()
        if opt is None:
            continue
        inner = getattr(opt, "inner_optimizer", None)
        if inner is not None:
            pending.append(inner)
            continue
        pending.extend(getattr(opt, "optimizers", None) or ())  # a MultiOptimizer
        if getattr(opt, "use_ema", False) and getattr(opt, "built", False):
            found.append(opt)
    return found


def _pairs(optimizer):
    averages = getattr(optimizer, "_averages", None)
    if averages is None:
        averages = getattr(optimizer, "_model_variables_moving_average", None) or []
    return list(zip(optimizer._trainable_variables, averages))


class SwapEMAWeights(Callback):
    """Swaps the model's weights with the optimizer's EMA ones around evaluation.

    With an optimizer created with `use_ema=True`, validation, `evaluate` and
    `predict` run with the moving-average weights, and training goes on with
    the raw ones. With `swap_on_epoch=True` the EMA weights are also in the
    model at each epoch end, so a `ModelCheckpoint` placed after this callback
    saves them.

    Args:
        swap_on_epoch: also swap at epoch end (and back at the next epoch begin).

    Example:
        >>> model.compile(optimizer=kc.optimizers.SGD(use_ema=True), loss="mse")
        >>> model.fit(x, y, validation_data=(xv, yv),
        ...           callbacks=[kc.callbacks.SwapEMAWeights(swap_on_epoch=True)])
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _swap_variables(self) -> None:
        from kc import ops

        for optimizer in _ema_optimizers(self.model):
            for variable, average in _pairs(optimizer):
                held = ops.copy(variable.value)
                variable.assign(average.value)
                average.assign(held)

    def _finalize_ema_values(self) -> None:
        # fit ends with optimizer.finalize_variable_values (averages -> model): the model
        # holds the EMA weights now, so make the averages hold them too.
        for optimizer in _ema_optimizers(self.model):
            for variable, average in _pairs(optimizer):
                average.assign(variable.value)

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            if self.params and epoch == self.params.get("epochs", 0) - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs=None):
        self.on_test_begin(logs)

    def on_predict_end(self, logs=None):
        self.on_test_end(logs)
