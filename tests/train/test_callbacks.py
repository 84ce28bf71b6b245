"""kc.callbacks: Callback, CallbackList, History and the monitoring callbacks.

Driven by a fake model and loop (`_callback_fakes.run_fit`); expected values are those
Keras 3.15 gives for the same monitored sequences (obtained by running real Keras training,
KERAS_BACKEND=torch, with a callback that writes the sequence into the epoch logs).
"""

import math
import warnings

import numpy as np
import pytest

import kc
from _callback_fakes import DeviceScalar, FakeModel, run_fit
from kc.callbacks._logs import pythonify_logs

cbs_mod = kc.callbacks


def test_public_names_match_keras():
    expected = {"BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping",
                "History", "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint",
                "ProgbarLogger", "ReduceLROnPlateau", "RemoteMonitor", "SwapEMAWeights",
                "TensorBoard", "TerminateOnNaN"}
    assert set(cbs_mod.__all__) == expected
    for name in expected:
        assert issubclass(getattr(cbs_mod, name), cbs_mod.Callback)


# Callback -----------------------------------------------------------------------------------
def test_callback_base_forwards_train_batch_hooks_to_legacy_ones():
    seen = []

    class Legacy(cbs_mod.Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, logs["loss"]))

    cb = Legacy()
    assert cb.params is None and cb.model is None
    cb.set_params({"epochs": 1})
    cb.on_train_batch_begin(3)
    cb.on_train_batch_end(3, {"loss": 0.5})
    cb.on_test_batch_end(3, {"loss": 9.0})  # not forwarded
    assert seen == [("begin", 3), ("end", 3, 0.5)] and cb.params == {"epochs": 1}


def test_callback_model_syncs_held_trainer_state():
    class Trainer:
        syncs = 0

        def sync_variables(self):
            Trainer.syncs += 1

    model = FakeModel()
    model._kc_trainer_state = Trainer()
    cb = cbs_mod.Callback()
    cb.set_model(model)
    assert cb.model is model and Trainer.syncs == 1


# CallbackList ---------------------------------------------------------------------------------
def test_callback_list_adds_defaults_and_sets_model_params():
    es = cbs_mod.EarlyStopping()
    model = FakeModel()
    cl = cbs_mod.CallbackList([es], add_history=True, add_progbar=True, model=model,
                              verbose=1, epochs=2, steps=3)
    assert [type(c).__name__ for c in cl.callbacks] == ["EarlyStopping", "History",
                                                        "ProgbarLogger"]
    assert model.history is cl._history and cl._progbar is cl.callbacks[2]
    assert all(c.params == {"verbose": 1, "epochs": 2, "steps": 3} for c in cl.callbacks)
    assert all(c._model is model for c in cl.callbacks)
    # A History given by the user is the one used; nested lists are flattened.
    history = cbs_mod.History()
    cl = cbs_mod.CallbackList([[history], es], add_history=True, model=model)
    assert cl.callbacks == [history, es] and model.history is history
    assert cbs_mod.CallbackList().callbacks == []


def test_batch_logs_are_read_on_host_only_when_a_callback_needs_them():
    model = FakeModel()
    quiet = [cbs_mod.History(), cbs_mod.ModelCheckpoint("unused.keras"),
             cbs_mod.EarlyStopping(monitor="loss")]
    cl = cbs_mod.CallbackList(quiet, add_history=True, model=model, verbose=0, epochs=1,
                              steps=10)
    DeviceScalar.reads = 0
    for step in range(10):
        cl.on_train_batch_begin(step)
        cl.on_train_batch_end(step, {"loss": DeviceScalar(1.0), "mae": DeviceScalar(2.0)})
    assert DeviceScalar.reads == 0

    got = []
    reader = cbs_mod.LambdaCallback(on_train_batch_end=lambda b, logs: got.append(logs))
    cl = cbs_mod.CallbackList([reader, cbs_mod.TerminateOnNaN()], model=model)
    for step in range(3):
        cl.on_train_batch_end(step, {"loss": DeviceScalar(1.0), "mae": DeviceScalar(2.0)})
    # One conversion per value and batch, shared by both listening callbacks.
    assert DeviceScalar.reads == 6 and got[0] == {"loss": 1.0, "mae": 2.0}


def test_epoch_logs_made_python_in_place_and_edits_seen_downstream():
    class AddKey(cbs_mod.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 7.0

    model = FakeModel()
    cl = cbs_mod.CallbackList([AddKey()], add_history=True, model=model)
    cl.on_train_begin()
    logs = {"loss": DeviceScalar(0.25), "nested": {"b": np.float32(2.0)}}
    cl.on_epoch_end(0, logs)
    assert logs == {"b": 2.0, "loss": 0.25, "extra": 7.0}
    assert cl._history.history == {"b": [2.0], "loss": [0.25], "extra": [7.0]}
    assert type(cl._history.history["b"][0]) is float


@pytest.mark.parametrize("logs, expected", [
    ({"b": 1, "a": np.float32(0.5)}, {"a": 0.5, "b": 1.0}),
    ({"out": {"y_loss": np.array(2.0)}, "loss": 3.0}, {"loss": 3.0, "y_loss": 2.0}),
    ({"outputs": np.ones(3)}, {"outputs": "array"}),
    (None, {}),
])
def test_pythonify_logs(logs, expected):
    got = pythonify_logs(logs)
    if "outputs" in expected:
        assert isinstance(got["outputs"], np.ndarray)
        return
    assert got == expected and list(got) == sorted(got)
    assert all(type(v) is float for v in got.values())


def test_history_records_epochs():
    model = FakeModel()
    history = run_fit([], model, epochs=3, epoch_logs=lambda e: {"loss": 1.0 / (e + 1),
                                                                  "val_loss": 2.0 * e})
    assert history.epoch == [0, 1, 2] and model.history is history
    assert history.history == {"loss": [1.0, 0.5, 1.0 / 3], "val_loss": [0.0, 2.0, 4.0]}


# EarlyStopping --------------------------------------------------------------------------------
SEQ = [5, 4, 4.5, 3.9, 4.0, 4.1, 1, 1, 1, 1]

# (kwargs, monitored sequence, epochs run, stopped_epoch, best) -- Keras 3.15 values.
EARLY_STOPPING = [
    (dict(patience=2), SEQ, 6, 5, 3.9),
    (dict(patience=1, baseline=3.0), SEQ, 3, 2, 4),
    (dict(patience=0, start_from_epoch=3), [5, 6, 7, 8, 9, 10, 1, 1, 1, 1], 5, 4, 8),
    (dict(patience=0), [3, 2, 1, 0, -1, -2, -3, -4, -5, -6], 10, 0, -6),
    (dict(patience=1, min_delta=0.5), [5, 4.8, 4.6, 4.4, 4.2, 4.0, 1, 1, 1, 1], 2, 1, 5),
    (dict(patience=1, mode="max"), [1, 2, 3, 2, 1, 0, 0, 0, 0, 0], 4, 3, 3),
]


@pytest.mark.parametrize("kwargs, seq, ran, stopped, best", EARLY_STOPPING)
def test_early_stopping_stops_where_keras_does(kwargs, seq, ran, stopped, best):
    es = cbs_mod.EarlyStopping(**kwargs)
    history = run_fit([es], FakeModel(), epochs=len(seq),
                      epoch_logs=lambda e: {"loss": 1.0, "val_loss": float(seq[e])})
    assert (len(history.epoch), es.stopped_epoch, es.best) == (ran, stopped, best)


def test_early_stopping_restores_best_weights(capsys):
    es = cbs_mod.EarlyStopping(patience=2, verbose=1, restore_best_weights=True)
    model = FakeModel()
    run_fit([es], model, epochs=10, steps=2, epoch_logs=lambda e: {"val_loss": float(SEQ[e])})
    # Each batch adds 1 to the weights: the best epoch (index 3) ended at 4 epochs * 2 steps.
    assert es.best_epoch == 3 and model.weights_[0].tolist() == [8.0, 8.0]
    out = capsys.readouterr().out
    assert "Epoch 6: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 4." in out


def test_early_stopping_monitor_errors_and_warnings():
    with pytest.warns(UserWarning, match="mode 'bad' is unknown"):
        assert cbs_mod.EarlyStopping(mode="bad").mode == "auto"
    with pytest.raises(ValueError, match="monitor=nope.*mode='max'"):
        run_fit([cbs_mod.EarlyStopping(monitor="nope")], FakeModel(), epochs=2)
    es = cbs_mod.EarlyStopping(monitor="val_accuracy", mode="max", patience=0)
    with pytest.warns(UserWarning, match="`val_accuracy` which is not available. Available "
                                         "metrics are: loss"):
        history = run_fit([es], FakeModel(), epochs=3)
    assert len(history.epoch) == 3


@pytest.mark.parametrize("monitor, op", [("val_loss", "lt"), ("loss", "lt"),
                                         ("val_accuracy", "gt"), ("auc", "gt"),
                                         ("val_mean_squared_error", "lt")])
def test_monitor_auto_mode_direction(monitor, op):
    es = cbs_mod.EarlyStopping(monitor=monitor, min_delta=0.1)
    es.set_model(FakeModel())
    es._set_monitor_op()
    assert es.monitor_op.__name__ == op
    assert es.min_delta == (-0.1 if op == "lt" else 0.1)


# Learning rate --------------------------------------------------------------------------------
def test_reduce_lr_on_plateau_sequence():
    rl = cbs_mod.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, cooldown=1,
                                   min_lr=0.001)
    model = FakeModel(0.01)
    history = run_fit([rl], model, epochs=8, epoch_logs=lambda e: {"val_loss": 5.0})
    f32 = lambda v: float(np.float32(v))  # noqa: E731
    # Each epoch's logs hold the rate it trained with (before that epoch's reduction).
    expected = [f32(0.01), f32(0.01), f32(0.005), f32(0.0025), f32(0.00125)] + [f32(0.001)] * 3
    np.testing.assert_allclose(history.history["learning_rate"], expected, rtol=1e-6)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)
    with pytest.raises(ValueError, match="factor=1.5"):
        cbs_mod.ReduceLROnPlateau(factor=1.5)


def test_reduce_lr_on_plateau_improvements_reset_wait(capsys):
    rl = cbs_mod.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=2, verbose=1,
                                   min_delta=0.01)
    seq = [1.0, 0.995, 0.99, 0.5, 0.4, 0.4, 0.4]  # 0.995 and 0.99 are within min_delta
    model = FakeModel(1.0)
    history = run_fit([rl], model, epochs=7, epoch_logs=lambda e: {"val_loss": seq[e]})
    np.testing.assert_allclose(history.history["learning_rate"],
                               [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.1], rtol=1e-6)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert "Epoch 3: ReduceLROnPlateau reducing learning rate to 0.1" in capsys.readouterr().out


def test_learning_rate_scheduler(capsys):
    ls = cbs_mod.LearningRateScheduler(lambda e, lr: lr * 0.5 if e > 0 else lr, verbose=1)
    history = run_fit([ls], FakeModel(0.01), epochs=3)
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.005, 0.0025],
                               rtol=1e-6)
    assert "Epoch 2: LearningRateScheduler setting learning rate to 0.00499999" in \
        capsys.readouterr().out
    one_arg = cbs_mod.LearningRateScheduler(lambda epoch: 0.1 * (epoch + 1))
    history = run_fit([one_arg], FakeModel(), epochs=2)
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.2], rtol=1e-6)
    with pytest.raises(ValueError, match="must return a float, got '0.1'"):
        run_fit([cbs_mod.LearningRateScheduler(lambda e, lr: "0.1")], FakeModel(), epochs=1)


# TerminateOnNaN, LambdaCallback -------------------------------------------------------------
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_terminate_on_nan_stops_cleanly(bad, capsys):
    model = FakeModel()
    history = run_fit([cbs_mod.TerminateOnNaN()], model, epochs=3, steps=4,
                      batch_loss=lambda e, s: bad if (e, s) == (0, 1) else 1.0)
    assert model.stop_training and history.epoch == [0]
    assert model.weights_[0].tolist() == [2.0, 2.0]  # stopped after batch 1
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 1"):
        run_fit([cbs_mod.TerminateOnNaN(raise_error=True)], FakeModel(), epochs=1, steps=3,
                batch_loss=lambda e, s: bad if s == 1 else 1.0)


def test_lambda_callback_hooks():
    calls = []
    lc = cbs_mod.LambdaCallback(
        on_train_begin=lambda logs: calls.append(("train_begin", logs)),
        on_epoch_end=lambda e, logs: calls.append(("epoch_end", e, sorted(logs))),
        on_train_batch_end=lambda b, logs: calls.append(("batch_end", b)),
        on_test_end=lambda logs: calls.append(("test_end",)))
    run_fit([lc], FakeModel(), epochs=1, steps=2, validation=True)
    assert calls == [("train_begin", {}), ("batch_end", 0), ("batch_end", 1), ("test_end",),
                     ("epoch_end", 0, ["loss"])]


def test_no_warning_when_monitor_present():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run_fit([cbs_mod.EarlyStopping(monitor="loss"), cbs_mod.ReduceLROnPlateau("loss")],
                FakeModel(), epochs=2)
