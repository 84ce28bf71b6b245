"""kc.callbacks with real `fit` on the trainable backends (marked grad: skipped on numpy).

Expected values are closed forms: a constant loss (learning rate 0) stops EarlyStopping after
patience + 1 epochs; a NaN planted in sample 17 (batch 2 of 8 samples, no shuffling) stops
TerminateOnNaN after 3 steps; resuming BackupAndRestore after an interruption ends with the
weights of an uninterrupted run; logs written by CSVLogger and TensorBoard equal History.
"""

import csv
import io
import os
import re
import sys

import numpy as np
import pytest

import kc
from kc_testing import assert_close

pytestmark = pytest.mark.grad

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 3)).astype("float32")
Y = (X @ np.array([1.0, -2.0, 0.5], "float32"))[:, None] + 0.3
INIT = [np.array([[0.1], [0.2], [-0.3]], "float32"), np.array([0.05], "float32")]


def _model(optimizer=None, use_ema=False):
    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(1)])
    model.set_weights(INIT)
    model.compile(optimizer or kc.optimizers.SGD(0.05, use_ema=use_ema), "mse")
    return model


class _Monitored(kc.callbacks.Callback):
    """Writes a given sequence into the epoch logs as `val_loss` (as in the Keras probe)."""

    def __init__(self, seq):
        super().__init__()
        self.seq = seq

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.seq[epoch]


def test_early_stopping_constant_loss_and_restore():
    model = _model(kc.optimizers.SGD(0.0))
    es = kc.callbacks.EarlyStopping(monitor="loss", patience=2)
    history = model.fit(X, Y, epochs=10, batch_size=8, verbose=0, shuffle=False, callbacks=[es])
    assert len(history.epoch) == 3 and es.stopped_epoch == 2

    model = _model()
    weights = []
    record = kc.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: weights.append([w.copy() for w in model.get_weights()]))
    es = kc.callbacks.EarlyStopping(patience=1, restore_best_weights=True)
    history = model.fit(X, Y, epochs=10, batch_size=8, verbose=0, shuffle=False,
                        callbacks=[_Monitored([3.0, 2.0, 2.5, 2.6, 1.0]), record, es])
    assert history.epoch == [0, 1, 2] and es.best_epoch == 1
    for got, want in zip(model.get_weights(), weights[1]):
        assert_close(got, want)


def test_learning_rate_changes_take_effect():
    model = _model()
    weights = []
    record = kc.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: weights.append([w.copy() for w in model.get_weights()]))
    schedule = kc.callbacks.LearningRateScheduler(lambda epoch, lr: 0.05 if epoch == 0 else 0.0)
    history = model.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=[schedule, record])
    assert history.history["learning_rate"] == pytest.approx([0.05, 0.0, 0.0])
    assert not np.allclose(weights[0][0], INIT[0])
    for later in weights[1:]:  # rate 0 from epoch 1 on: the weights stay put
        assert_close(later[0], weights[0][0])

    model = _model(kc.optimizers.SGD(0.4))
    reduce = kc.callbacks.ReduceLROnPlateau(factor=0.5, patience=1, min_lr=0.1)
    history = model.fit(X, Y, epochs=5, batch_size=8, verbose=0,
                        callbacks=[_Monitored([1.0] * 5), reduce])
    assert history.history["learning_rate"] == pytest.approx([0.4, 0.4, 0.2, 0.1, 0.1])
    assert float(kc.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.1)


def test_terminate_on_nan_stops_after_the_bad_batch(capsys):
    y = Y.copy()
    y[17] = np.nan
    model = _model()
    history = model.fit(X, y, epochs=3, batch_size=8, shuffle=False, verbose=0,
                        callbacks=[kc.callbacks.TerminateOnNaN()])
    assert history.epoch == [0] and model.stop_training
    assert int(kc.ops.convert_to_numpy(model.optimizer.iterations)) == 3
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


def test_csv_logger_and_progbar_match_history(tmp_path, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    path = tmp_path / "log.csv"
    model = _model()
    history = model.fit(X, Y, epochs=2, batch_size=8, verbose=1, validation_split=0.25,
                        callbacks=[kc.callbacks.CSVLogger(str(path))])
    rows = list(csv.DictReader(path.open()))
    assert [int(r["epoch"]) for r in rows] == [0, 1]
    for key in ("loss", "val_loss"):
        assert [float(r[key]) for r in rows] == history.history[key]
    lines = out.getvalue().splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    loss, val = history.history["loss"][1], history.history["val_loss"][1]
    assert re.fullmatch(rf"3/3 ━{{20}} \d+s \d+(us|ms|s)/step - loss: {loss:.4f} - "
                        rf"val_loss: {val:.4f}", lines[3])


def test_tensorboard_scalars_match_history(tmp_path):
    pytest.importorskip("tensorboardX")
    from test_callbacks_io import _events

    model = _model()
    history = model.fit(X, Y, epochs=2, batch_size=8, verbose=0, validation_split=0.25,
                        callbacks=[kc.callbacks.TensorBoard(str(tmp_path), histogram_freq=1)])
    train = {(t, s): v for t, s, v in _events(tmp_path, "train")}
    val = {(t, s): v for t, s, v in _events(tmp_path, "validation")}
    for epoch in (0, 1):
        assert train[("epoch_loss", epoch)] == pytest.approx(history.history["loss"][epoch])
        assert val[("epoch_loss", epoch)] == pytest.approx(history.history["val_loss"][epoch])
        assert train[(model.weights[0].path + "/histogram", epoch)] == "histo"


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_backup_and_restore_resume_mid_epoch_matches_uninterrupted(tmp_path, optimizer):
    def make():
        opt = kc.optimizers.SGD(0.05, momentum=0.9) if optimizer == "sgd" else \
            kc.optimizers.Adam(0.01)
        return _model(opt)

    reference = make()
    reference.fit(X, Y, epochs=3, batch_size=8, shuffle=False, verbose=0)

    class Crash(kc.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if int(kc.ops.convert_to_numpy(self.model.optimizer.iterations)) == 6:
                raise KeyboardInterrupt  # the process dies after step 6 (epoch 1, batch 1)

    backup = str(tmp_path / "backup")
    model = make()
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, epochs=3, batch_size=8, shuffle=False, verbose=0,
                  callbacks=[kc.callbacks.BackupAndRestore(backup, save_freq=1), Crash()])
    resumed = make()
    resumed.set_weights([w + 1.0 for w in INIT])  # a fresh process: other weights
    history = resumed.fit(X, Y, epochs=3, batch_size=8, shuffle=False, verbose=0,
                          callbacks=[kc.callbacks.BackupAndRestore(backup, save_freq=1)])
    assert history.epoch == [1, 2] and not os.path.exists(backup)
    assert int(kc.ops.convert_to_numpy(resumed.optimizer.iterations)) == 12
    for got, want in zip(resumed.get_weights(), reference.get_weights()):
        assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_model_checkpoint_best_model_loads_back(tmp_path):
    path = str(tmp_path / "best.keras")
    weights = []
    record = kc.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: weights.append([w.copy() for w in model.get_weights()]))
    model = _model()
    model.fit(X, Y, epochs=4, batch_size=8, verbose=0,
              callbacks=[_Monitored([3.0, 1.0, 2.0, 4.0]), record,
                         kc.callbacks.ModelCheckpoint(path, save_best_only=True)])
    loaded = kc.saving.load_model(path)
    for got, want in zip(loaded.get_weights(), weights[1]):
        assert_close(got, want)
    wpath = str(tmp_path / "w{epoch}-{batch}.weights.h5")
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0,
              callbacks=[kc.callbacks.ModelCheckpoint(wpath, save_weights_only=True,
                                                      save_freq=3)])
    assert sorted(os.listdir(tmp_path)) == ["best.keras", "w1-3.weights.h5", "w2-2.weights.h5"]


def test_swap_ema_weights_validates_with_averages():
    model = _model(use_ema=True)
    seen = {}

    def on_test_begin(logs):
        seen.setdefault("test", model.get_weights()[0].copy())

    def on_epoch_end(epoch, logs):
        seen.setdefault("raw", model.get_weights()[0].copy())
        seen.setdefault("avg", model.optimizer._averages[0].numpy().copy())

    probe = kc.callbacks.LambdaCallback(on_test_begin=on_test_begin, on_epoch_end=on_epoch_end)
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0, validation_split=0.25,
              callbacks=[kc.callbacks.SwapEMAWeights(), probe])
    assert_close(seen["test"], seen["avg"])
    assert not np.allclose(seen["test"], seen["raw"])
