"""`Callback`: the base class of every training hook."""

from __future__ import annotations


class Callback:
    """Base class for hooks called by `fit`, `evaluate` and `predict`.

    Subclass it and override the `on_*` methods you need. During a loop the
    callback sees the model through `self.model` and the loop's parameters
    (`{"verbose", "epochs", "steps"}`) through `self.params`.

    `logs` passed to the hooks are dicts of metric name -> Python float (epoch
    hooks always; batch hooks when the callback reads them). Mutating an epoch's
    `logs` dict is seen by the callbacks after this one (as in Keras).

    Example:
        >>> class PrintLoss(kc.callbacks.Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(epoch, logs["loss"])
        >>> model.fit(x, y, callbacks=[PrintLoss()])
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        """The model being trained. On jax, reading it writes the trainer's held state
        into the model's variables first, so the callback sees current values."""
        model = self._model
        if model is not None:
            trainer = getattr(model, "_kc_trainer_state", None)
            sync = getattr(trainer, "sync_variables", None)
            if sync is not None:
                sync()
        return model

    # Legacy batch hooks: `on_train_batch_*` forward to them.
    def on_batch_begin(self, batch, logs=None):
        """Called before a training batch (legacy alias of `on_train_batch_begin`)."""

    def on_batch_end(self, batch, logs=None):
        """Called after a training batch (legacy alias of `on_train_batch_end`)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch (training only)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch with its metric results (and `val_` ones)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before a training batch; `batch` counts from 0 within the epoch."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after a training batch with the running metric results."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before an evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after an evaluation batch with the running metric results."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before a prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after a prediction batch; `logs["outputs"]` holds its outputs."""

    def on_train_begin(self, logs=None):
        """Called at the start of `fit`."""

    def on_train_end(self, logs=None):
        """Called at the end of `fit` with the last epoch's logs."""

    def on_test_begin(self, logs=None):
        """Called at the start of `evaluate` (and of each validation run)."""

    def on_test_end(self, logs=None):
        """Called at the end of `evaluate` with its metric results."""

    def on_predict_begin(self, logs=None):
        """Called at the start of `predict`."""

    def on_predict_end(self, logs=None):
        """Called at the end of `predict`."""
