"""kc.callbacks that write files or talk to the outside: CSVLogger, RemoteMonitor,
ModelCheckpoint, BackupAndRestore, TensorBoard; and SwapEMAWeights.

Driven by a fake model and loop (`_callback_fakes.run_fit`). Expected file names, CSV text,
messages and errors are those Keras 3.15 gives for the same calls (real Keras training,
KERAS_BACKEND=torch).
"""

import http.server
import json
import os
import struct
import threading
import urllib.parse

import numpy as np
import pytest

import kc
from _callback_fakes import FakeModel, run_fit
from kc_testing import BACKEND

cbs_mod = kc.callbacks


def _val_logs(seq):
    return lambda e: {"loss": 1.0 + e, "val_loss": float(seq[e])}


# CSVLogger ------------------------------------------------------------------------------------
def test_csv_logger_rows_separator_and_append(tmp_path):
    path = tmp_path / "log.csv"
    run_fit([cbs_mod.CSVLogger(path, separator=";")], FakeModel(), epochs=2,
            epoch_logs=lambda e: {"val_loss": 0.5 / (e + 1), "loss": 1.5 + e})
    assert path.read_text() == "epoch;loss;val_loss\n0;1.5;0.5\n1;2.5;0.25\n"
    run_fit([cbs_mod.CSVLogger(path, separator=";", append=True)], FakeModel(), epochs=1,
            epoch_logs=lambda e: {"val_loss": 0.125, "loss": 0.75})
    assert path.read_text().endswith("1;2.5;0.25\n0;0.75;0.125\n")
    assert path.read_text().count("epoch") == 1


def test_csv_logger_adds_val_columns_missing_in_first_epoch(tmp_path):
    path = tmp_path / "log.csv"
    run_fit([cbs_mod.CSVLogger(str(path))], FakeModel(), epochs=2,
            epoch_logs=lambda e: {"loss": 1.0} if e == 0 else {"loss": 2.0, "val_loss": 3.0})
    assert path.read_text() == "epoch,loss,val_loss\n0,1.0,NA\n1,2.0,3.0\n"


# RemoteMonitor --------------------------------------------------------------------------------
@pytest.fixture
def server():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"],
                             self.headers.get("X-Run"), body.decode()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()
    httpd.server_close()


def test_remote_monitor_posts_form_and_json(server):
    root, received = server
    run_fit([cbs_mod.RemoteMonitor(root=root, path="/ep", headers={"X-Run": "a"})], FakeModel(),
            epochs=2, epoch_logs=lambda e: {"loss": 0.5 * e})
    assert [r[:3] for r in received] == [("/ep", "application/x-www-form-urlencoded", "a")] * 2
    form = urllib.parse.parse_qs(received[1][3])
    assert json.loads(form["data"][0]) == {"epoch": 1, "loss": 0.5}
    received.clear()
    run_fit([cbs_mod.RemoteMonitor(root=root, field="x", send_as_json=True)], FakeModel(),
            epochs=1, epoch_logs=lambda e: {"loss": np.float32(0.25)})
    assert received[0][:2] == ("/publish/epoch/end/", "application/json")
    assert json.loads(received[0][3]) == {"epoch": 0, "loss": 0.25}


def test_remote_monitor_warns_when_unreachable():
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        run_fit([cbs_mod.RemoteMonitor(root="http://127.0.0.1:9")], FakeModel(), epochs=1)


# ModelCheckpoint ------------------------------------------------------------------------------
@pytest.mark.parametrize("filepath, weights_only, message", [
    ("a.h5", True, "must end in `.weights.h5`"),
    ("a.keras", True, "must end in `.weights.h5`"),
    ("a.txt", False, "must end in `.keras`"),
])
def test_model_checkpoint_suffix_errors(filepath, weights_only, message):
    with pytest.raises(ValueError, match=message):
        cbs_mod.ModelCheckpoint(filepath, save_weights_only=weights_only)


def test_model_checkpoint_argument_errors():
    cbs_mod.ModelCheckpoint("a.h5")  # a legacy whole-model .h5 path is accepted
    with pytest.raises(ValueError, match="Unrecognized save_freq: 'bad'"):
        cbs_mod.ModelCheckpoint("a.keras", save_freq="bad")
    with pytest.warns(UserWarning, match="ModelCheckpoint mode 'bad' is unknown"):
        cbs_mod.ModelCheckpoint("a.keras", mode="bad")


def test_model_checkpoint_best_only_formats_path(tmp_path, capsys):
    path = str(tmp_path / "m_{epoch:02d}_{loss:.2f}.weights.h5")
    mc = cbs_mod.ModelCheckpoint(path, monitor="val_loss", save_weights_only=True,
                                 save_best_only=True, verbose=1)
    model = FakeModel()
    run_fit([mc], model, epochs=4, epoch_logs=_val_logs([5, 4, 4.5, 3.9]))
    assert model.saved == ["m_01_1.00.weights.h5", "m_02_2.00.weights.h5",
                           "m_04_4.00.weights.h5"]
    assert sorted(os.listdir(tmp_path)) == model.saved and mc.best == 3.9
    out = capsys.readouterr().out
    assert f"Epoch 1: val_loss improved from None to 5.00000, saving model to " \
           f"{tmp_path}/m_01_1.00.weights.h5" in out
    assert "Epoch 3: val_loss did not improve from 4.00000" in out
    assert f"Epoch 4: finished saving model to {tmp_path}/m_04_4.00.weights.h5" in out


def test_model_checkpoint_save_freq_in_batches(tmp_path):
    model = FakeModel()
    mc = cbs_mod.ModelCheckpoint(str(tmp_path / "sub" / "b_{epoch}_{batch}.keras"), save_freq=3)
    run_fit([mc], model, epochs=2, steps=4)
    assert model.saved == ["b_1_3.keras", "b_2_2.keras"]  # as Keras: 3 batches apart
    with open(tmp_path / "sub" / "b_2_2.keras") as f:
        assert json.load(f)["kind"] == "model"


def test_model_checkpoint_threshold_and_missing_key(tmp_path):
    model = FakeModel()
    mc = cbs_mod.ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True,
                                 initial_value_threshold=4.2)
    run_fit([mc], model, epochs=4, epoch_logs=_val_logs([5, 4, 4.5, 3.9]))
    assert len(model.saved) == 2 and mc.best == 3.9
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        run_fit([cbs_mod.ModelCheckpoint(str(tmp_path / "{nope}.keras"))], FakeModel(), epochs=1)


# BackupAndRestore -----------------------------------------------------------------------------
def test_backup_and_restore_argument_errors():
    with pytest.raises(ValueError, match="Empty `backup_dir` argument passed"):
        cbs_mod.BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        cbs_mod.BackupAndRestore("/tmp/x", save_freq="often")


class _Interrupt(cbs_mod.Callback):
    def __init__(self, at):
        super().__init__()
        self.at = at

    def on_train_batch_end(self, batch, logs=None):
        if self.model.optimizer.iterations == self.at:
            raise RuntimeError("interrupted")


# (save_freq, interrupted after this many steps, (epoch, steps done in it) of the last backup)
@pytest.mark.parametrize("save_freq, stop_at, saved", [("epoch", 7, (2, 0)), (1, 7, (2, 1)),
                                                       (2, 6, (1, 3))])
def test_backup_and_restore_resumes_where_it_stopped(tmp_path, save_freq, stop_at, saved):
    backup = tmp_path / "backup"
    model = FakeModel()
    with pytest.raises(RuntimeError, match="interrupted"):
        run_fit([cbs_mod.BackupAndRestore(backup, save_freq=save_freq), _Interrupt(stop_at)],
                model, epochs=3, steps=3)
    meta = json.loads((backup / "training_metadata.json").read_text())
    assert (meta["epoch"], meta["steps_done_in_epoch"]) == saved
    resumed = FakeModel()
    history = run_fit([cbs_mod.BackupAndRestore(backup, save_freq=save_freq)], resumed,
                      epochs=3, steps=3)
    # The resumed run ends where an uninterrupted one does: 9 steps, weights 9.
    assert resumed.optimizer.iterations == 9 and resumed.weights_[0].tolist() == [9.0, 9.0]
    assert history.epoch == [2] and not backup.exists()


def test_backup_and_restore_double_checkpoint_keeps_files(tmp_path):
    backup = tmp_path / "bk"
    model = FakeModel()
    run_fit([cbs_mod.BackupAndRestore(str(backup), double_checkpoint=True,
                                      delete_checkpoint=False)], model, epochs=2)
    assert sorted(os.listdir(backup)) == ["latest.weights.h5", "latest.weights.h5.bkp",
                                          "training_metadata.json",
                                          "training_metadata.json.bkp"]
    meta = json.loads((backup / "training_metadata.json").read_text())
    assert (meta["epoch"], meta["batch"]) == (2, 0)
    prev = json.loads((backup / "latest.weights.h5.bkp").read_text())
    assert prev["iterations"] == 2  # the backup of epoch 1 (2 steps an epoch)
    # A corrupt latest backup: the previous one is loaded instead.
    (backup / "latest.weights.h5").write_text("garbage")
    fresh = FakeModel()
    cb = cbs_mod.BackupAndRestore(str(backup), double_checkpoint=True)
    cb.set_model(fresh)
    cb.on_train_begin()
    assert fresh.optimizer.iterations == 2 and fresh._initial_epoch == 1


# TensorBoard ----------------------------------------------------------------------------------
def _read_events(path):
    """(tag, step, value) of every scalar in an event file; histograms/images as their kind."""
    if BACKEND == "tensorflow":  # read back with TensorFlow's own reader
        import tensorflow as tf

        records = (e.SerializeToString() for e in tf.compat.v1.train.summary_iterator(path))
    else:  # TFRecord framing: length, crc, data, crc
        def records():
            with open(path, "rb") as f:
                while header := f.read(12):
                    (length,) = struct.unpack("<Q", header[:8])
                    yield f.read(length)
                    f.read(4)
        records = records()
    from tensorboardX.proto import event_pb2

    out = []
    for raw in records:
        event = event_pb2.Event.FromString(raw)
        for v in event.summary.value:
            kind = v.WhichOneof("value")
            out.append((v.tag, event.step, v.simple_value if kind == "simple_value" else kind))
    return out


def _events(log_dir, run):
    files = sorted((log_dir / run).glob("events.out.tfevents.*"))
    return [e for f in files for e in _read_events(str(f))]


def test_tensorboard_writes_keras_layout(tmp_path):
    pytest.importorskip("tensorboardX")
    model = FakeModel(0.5)
    model.weights = [kc.Variable(np.arange(6.0).reshape(2, 3), name="kernel")]
    tb = cbs_mod.TensorBoard(tmp_path, histogram_freq=1, write_images=True,
                             write_steps_per_second=True, update_freq=2)
    run_fit([tb], model, epochs=2, steps=2, validation=True,
            epoch_logs=lambda e: {"loss": 1.0 + e, "val_loss": 3.0 + e})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train", "validation"]
    train = _events(tmp_path, "train")
    scalars = {(t, s): v for t, s, v in train if isinstance(v, float)}
    assert scalars[("epoch_loss", 0)] == 1.0 and scalars[("epoch_loss", 1)] == 2.0
    assert scalars[("epoch_learning_rate", 1)] == 0.5
    assert ("epoch_steps_per_second", 0) in scalars
    assert scalars[("batch_loss", 2)] == 0.0 and scalars[("batch_loss", 4)] == 1.0
    assert ("batch_loss", 1) not in scalars  # update_freq=2
    kinds = {(t, s): v for t, s, v in train if not isinstance(v, float)}
    assert kinds[("kernel/histogram", 1)] == "histo" and kinds[("kernel/image", 0)] == "image"
    val = {(t, s): v for t, s, v in _events(tmp_path, "validation")}
    assert val[("epoch_loss", 0)] == 3.0 and val[("epoch_loss", 1)] == 4.0
    assert val[("evaluation_loss_vs_iterations", 2)] == 3.0  # step: optimizer iterations


def test_tensorboard_argument_errors(monkeypatch):
    pytest.importorskip("tensorboardX")
    with pytest.raises(ValueError, match="profile_batch"):
        cbs_mod.TensorBoard(profile_batch=(5, 2))
    with pytest.raises(ValueError, match="update_freq"):
        cbs_mod.TensorBoard(update_freq="often")
    cbs_mod.TensorBoard(profile_batch="2,4", embeddings_freq=1)  # accepted
    import sys

    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    with pytest.raises(ImportError, match=r"kc-train\[tensorboard\]"):
        cbs_mod.TensorBoard()


# SwapEMAWeights -------------------------------------------------------------------------------
class _EmaOptimizer:
    def __init__(self, variables, averages):
        self.use_ema = True
        self.built = True
        self._trainable_variables = variables
        self._averages = averages


def test_swap_ema_weights_around_evaluation():
    w = kc.Variable(np.array([1.0, 2.0], "float32"))
    avg = kc.Variable(np.array([10.0, 20.0], "float32"))
    model = FakeModel()
    model.optimizer = _EmaOptimizer([w], [avg])
    seen = []
    probe = cbs_mod.LambdaCallback(on_test_begin=lambda logs: seen.append(w.numpy().tolist()))
    cl = cbs_mod.CallbackList([cbs_mod.SwapEMAWeights(), probe], model=model, epochs=1)
    cl.on_test_begin()
    cl.on_test_end()
    assert seen == [[10.0, 20.0]] and w.numpy().tolist() == [1.0, 2.0]
    assert avg.numpy().tolist() == [10.0, 20.0]
    # swap_on_epoch: EMA weights in the model at each epoch end; at the last one the averages
    # hold them too (fit's finalize_variable_values then keeps them).
    swap = cbs_mod.SwapEMAWeights(swap_on_epoch=True)
    cl = cbs_mod.CallbackList([swap], model=model, epochs=2)
    cl.on_epoch_begin(0)
    cl.on_epoch_end(0)
    assert w.numpy().tolist() == [10.0, 20.0] and avg.numpy().tolist() == [1.0, 2.0]
    cl.on_epoch_begin(1)
    assert w.numpy().tolist() == [1.0, 2.0]
    cl.on_epoch_end(1)
    assert w.numpy().tolist() == [10.0, 20.0] and avg.numpy().tolist() == [10.0, 20.0]
