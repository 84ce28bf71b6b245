"""`fit`, `evaluate` and `predict`: the backend-independent loop drivers.

Each is called as ``fn(model, ...)`` by the `Model` method of the same name
(kc-layers imports kc.train lazily). The per-step work is the backend
Trainer's (`kc.train._backends.get_trainer`); the loops here batch the data
with `kc.data.EpochIterator`, call the model's loop functions (so that a
user's `make_train_function`/`train_step` override wins), fan events out to
the callbacks and build the logs Keras 3 returns.

Logs stay backend scalars during an epoch (no device sync per batch); they
become Python floats once per epoch, or per batch only when a callback reads
them (`kc.callbacks.CallbackList` decides).
"""

from __future__ import annotations

from kc.data import EpochIterator, train_validation_split, unpack_x_y_sample_weight
from kc.data._epoch import _is_generator_adapter
from kc.train._backends import get_trainer
from kc.train._loop_utils import (
    check_validation_freq,
    concat_group,
    concat_outputs,
    describe,
    flatten_metrics_in_order,
    is_array_data,
    metrics_result_or_logs,
    require_compiled,
    require_trainable_backend,
    resolve_verbose,
    should_validate,
    to_python_logs,
)


def _callback_list(callbacks, model, verbose: int, epochs: int, steps, add_history=False):
    from kc.callbacks import CallbackList

    if isinstance(callbacks, CallbackList):
        return callbacks
    return CallbackList(callbacks, add_history=add_history, add_progbar=verbose != 0,
                        model=model, verbose=verbose, epochs=epochs, steps=steps)


def _split_for_validation(x, y, sample_weight, validation_split: float):
    """``((x, y, sample_weight), (val_x, val_y, val_sample_weight))``: the last fraction."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError("fit: `validation_split` must be a float in [0, 1) (the fraction of "
                         f"the samples kept for validation), got {validation_split!r}.")
    for name, value in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if value is not None and not is_array_data(value):
            raise ValueError(
                "fit: `validation_split` is only supported for NumPy arrays, pandas objects "
                "and tensors (it keeps the last fraction of the samples, before shuffling); "
                f"`{name}` is {describe(value)}. Pass `validation_data` instead, or split the "
                "dataset yourself (e.g. with kc.utils.split_dataset)."
            )
    return train_validation_split((x, y, sample_weight), validation_split)


def _epoch_iterator(trainer, *args, **kwargs) -> EpochIterator:
    """The batches for a loop, in the form the backend's Trainer takes best."""
    return getattr(trainer, "epoch_iterator_class", EpochIterator)(*args, **kwargs)


def fit(model, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
        validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
        sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
        validation_batch_size=None, validation_freq=1):
    """Train ``model`` for ``epochs`` epochs (Keras 3's `Model.fit`).

    Args:
        model: the compiled `kc.Model`.
        x, y, sample_weight: the data: arrays (or structures of arrays), or one of
            a tf.data.Dataset, torch DataLoader, `kc.utils.PyDataset` or generator
            yielding ``(x, y[, sample_weight])`` (then ``y`` and ``sample_weight``
            stay None).
        batch_size: samples per step for array data (default 32).
        epochs: the index of the last epoch (training runs ``initial_epoch..epochs-1``).
        verbose: "auto" (= 1), 0 (silent), 1 (progress bar), 2 (one line per epoch).
        callbacks: a list of `kc.callbacks.Callback`.
        validation_split: fraction of array data (the last samples, before shuffling)
            held out for validation.
        validation_data: ``(x_val, y_val[, sample_weight_val])`` or a dataset.
        shuffle: shuffle array data every epoch.
        class_weight: ``{class_index: weight}`` turned into sample weights.
        initial_epoch: the epoch to start at (to resume a run).
        steps_per_epoch: steps per epoch (default: one pass over the data).
        validation_steps, validation_batch_size: as ``steps``/``batch_size`` for validation.
        validation_freq: validate every this many epochs (int) or after the listed
            (1-based) epochs.

    Returns:
        The `kc.callbacks.History` (also ``model.history``).

    Example:
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(x, y, epochs=2, validation_split=0.2, verbose=0)
        >>> sorted(history.history)
        ['loss', 'val_loss']
    """
    require_compiled(model, "fit")
    trainer = get_trainer(model)
    require_trainable_backend(trainer, "fit")
    verbose = resolve_verbose(verbose, "fit")
    check_validation_freq(validation_freq)
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = _split_for_validation(
            x, y, sample_weight, validation_split)
    if validation_data is not None:
        val_x, val_y, val_sample_weight = unpack_x_y_sample_weight(validation_data)

    steps_per_execution = getattr(model, "steps_per_execution", 1) or 1
    iterator = _epoch_iterator(trainer, x, y, sample_weight=sample_weight, batch_size=batch_size,
                               steps_per_epoch=steps_per_epoch, shuffle=shuffle,
                               class_weight=class_weight, steps_per_execution=steps_per_execution)
    callbacks = _callback_list(callbacks, model, verbose, epochs, iterator.num_batches,
                               add_history=True)

    model.stop_training = False
    train_function = model.make_train_function()
    callbacks.on_train_begin()
    # A callback restoring a run (BackupAndRestore) may set where to resume: the epoch
    # (Keras 3's `model._initial_epoch`) and, kc only, the steps of it already trained.
    initial_epoch = getattr(model, "_initial_epoch", None) or initial_epoch
    skip_steps = getattr(model, "_kc_initial_step", None) or 0
    model._initial_epoch = model._kc_initial_step = None
    val_iterator = None
    logs = {}
    training_logs = None
    trainer.begin("train")
    try:
        for epoch in range(initial_epoch, epochs):
            trainer.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            for begin_step, _, batches in iterator.enumerate_epoch():
                if skip_steps:  # resuming mid-epoch: pass over the steps already trained
                    taken = min(skip_steps, len(batches))
                    skip_steps -= taken
                    begin_step += taken
                    batches = batches[taken:]
                    if not batches:
                        continue
                callbacks.on_train_batch_begin(begin_step)
                logs = train_function(batches)
                # Keras 3 reports the last index of a full group, also for a shorter last one.
                callbacks.on_train_batch_end(begin_step + steps_per_execution - 1, logs)
                if model.stop_training:
                    break
            trainer.sync_variables()
            epoch_logs = to_python_logs(metrics_result_or_logs(model, logs))

            if validation_data is not None and should_validate(epoch, validation_freq):
                if val_iterator is None:
                    val_iterator = _epoch_iterator(
                        trainer, val_x, val_y, sample_weight=val_sample_weight,
                        batch_size=validation_batch_size or batch_size,
                        steps_per_epoch=validation_steps, shuffle=False,
                        steps_per_execution=steps_per_execution)
                elif not _is_generator_adapter(val_iterator.data_adapter):
                    val_iterator.reset()  # each validation starts the data over (as Keras)
                trainer.end("train")
                val_logs = _run_test_loop(model, trainer, val_iterator, callbacks)
                trainer.begin("train")
                epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})

            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if model.stop_training:
                break
    finally:
        trainer.end("train")
    optimizer = getattr(model, "optimizer", None)
    finalize = getattr(optimizer, "finalize_variable_values", None)
    if finalize is not None and epochs > 0:
        finalize(model.trainable_weights)
    callbacks.on_train_end(training_logs)
    return model.history


def _run_test_loop(model, trainer, iterator, callbacks) -> dict:
    """One evaluation pass; returns the logs as Python floats."""
    test_function = model.make_test_function()
    model.stop_evaluating = False
    callbacks.on_test_begin()
    logs = {}
    steps_per_execution = iterator.steps_per_execution
    trainer.begin("test")
    try:
        trainer.reset_metrics()
        for begin_step, _, batches in iterator.enumerate_epoch():
            callbacks.on_test_batch_begin(begin_step)
            logs = test_function(batches)
            callbacks.on_test_batch_end(begin_step + steps_per_execution - 1, logs)
            if model.stop_evaluating:
                break
        trainer.sync_variables()
        logs = to_python_logs(metrics_result_or_logs(model, logs))
    finally:
        trainer.end("test")
    callbacks.on_test_end(logs)
    return logs


def evaluate(model, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
             steps=None, callbacks=None, return_dict=False, **kwargs):
    """The loss and metrics of ``model`` on data (Keras 3's `Model.evaluate`).

    Args:
        model: the compiled `kc.Model`.
        x, y, sample_weight, batch_size: the data, as for `fit`.
        verbose: "auto" (= 1), 0 or 1.
        steps: number of batches (default: the whole data).
        callbacks: a list of `kc.callbacks.Callback`.
        return_dict: return ``{name: value}`` instead of a list.

    Returns:
        The loss (a float) when the model has no metric, else a list ordered as
        `model.metrics_names` (``return_dict=False``), or a dict.

    Example:
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> loss, mae = model.evaluate(x, y, verbose=0)
    """
    kwargs.pop("_use_cached_eval_dataset", None)  # Keras-internal flag: nothing to do here
    if kwargs:
        raise ValueError(f"evaluate: arguments not recognized: {kwargs}.")
    require_compiled(model, "evaluate")
    verbose = resolve_verbose(verbose, "evaluate")
    trainer = get_trainer(model)
    iterator = _epoch_iterator(trainer, x, y, sample_weight=sample_weight, batch_size=batch_size,
                               steps_per_epoch=steps, shuffle=False,
                               steps_per_execution=getattr(model, "steps_per_execution", 1) or 1)
    callbacks = _callback_list(callbacks, model, verbose, 1, iterator.num_batches)
    logs = _run_test_loop(model, trainer, iterator, callbacks)
    if return_dict:
        return logs
    return flatten_metrics_in_order(model, logs)


def predict(model, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
    """The model's outputs on ``x``, batch by batch, as NumPy (Keras 3's `Model.predict`).

    Args:
        model: a `kc.Model` (it need not be compiled).
        x: input arrays (or structures), or a dataset/generator yielding ``x`` or
            ``(x, ...)``.
        batch_size: samples per batch for array data (default 32).
        verbose: "auto" (= 1), 0 or 1.
        steps: number of batches (default: the whole data).
        callbacks: a list of `kc.callbacks.Callback`.

    Returns:
        NumPy arrays with the structure of the model's outputs, batches joined
        along the first axis.

    Example:
        >>> model.predict(np.zeros((4, 3)), verbose=0).shape
        (4, 2)
    """
    verbose = resolve_verbose(verbose, "predict")
    trainer = get_trainer(model)
    iterator = _epoch_iterator(trainer, x, batch_size=batch_size, steps_per_epoch=steps,
                               shuffle=False,
                               steps_per_execution=getattr(model, "steps_per_execution", 1) or 1)
    callbacks = _callback_list(callbacks, model, verbose, 1, iterator.num_batches)
    steps_per_execution = iterator.steps_per_execution
    predict_function = model.make_predict_function()
    model.stop_predicting = False
    callbacks.on_predict_begin()
    outputs = []
    trainer.begin("predict")
    try:
        for begin_step, _, batches in iterator.enumerate_epoch():
            callbacks.on_predict_batch_begin(begin_step)
            group_outputs = concat_group(predict_function(batches))
            outputs.append(group_outputs)
            callbacks.on_predict_batch_end(begin_step + steps_per_execution - 1,
                                           {"outputs": group_outputs})
            if model.stop_predicting:
                break
    finally:
        trainer.end("predict")
    callbacks.on_predict_end()
    if not outputs:
        raise ValueError("predict: the data gave no batch, so there is nothing to predict "
                         f"(steps={steps!r}).")
    return concat_outputs(outputs)
