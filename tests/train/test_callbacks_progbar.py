"""kc.utils.Progbar (kc.train._progbar) and kc.callbacks.ProgbarLogger.

Formats follow Keras 3.15's output for the same updates (captured from keras.utils.Progbar):
`5/5 - 0s - 62ms/step - loss: 0.2000 - acc: 0.5000` (verbose=2), a live bar with ANSI bold
and green/white segments on a terminal. Unlike Keras, off a terminal the bar writes plain
lines (no escape codes, no carriage returns) and only the finished one for short runs.
"""

import io
import re
import sys

import numpy as np
import pytest

import kc
from _callback_fakes import DeviceScalar, FakeModel
from kc.train import _progbar
from kc.train._progbar import Progbar


class _Tty(io.StringIO):
    def isatty(self):
        return True


# (kwargs, values held after update(1, 1.0) and update(3, 3.0) of 10) -- Keras 3.15 values.
AVERAGING = [
    ({}, {"loss": [7.0, 3], "acc": [7.0, 3]}),
    ({"stateful_metrics": ["acc"]}, {"loss": [7.0, 3], "acc": [3.0, 1]}),
    ({"stateless_metrics": ["loss"]}, {"loss": [7.0, 3], "acc": [3.0, 1]}),
]


@pytest.mark.parametrize("kwargs, expected", AVERAGING)
def test_progbar_averaging(kwargs, expected):
    bar = Progbar(10, verbose=0, **kwargs)
    bar.update(1, [("loss", 1.0), ("acc", 1.0)])
    bar.update(3, [("loss", 3.0), ("acc", 3.0)])
    assert bar._values == expected
    bar.update(10, [("loss", 5.0), ("acc", 5.0)])  # final values are shown as given
    assert bar._values == {"loss": [5.0, 1], "acc": [5.0, 1]}


def test_progbar_arguments():
    with pytest.raises(ValueError, match="only one of `stateful_metrics`"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
    bar = Progbar(3)
    assert (bar.width, bar.verbose, bar.interval, bar.unit_name) == (20, 1, 0.05, "step")
    assert bar.stateful_metrics == set() and bar.stateless_metrics is None


def test_progbar_verbose2_one_line(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    bar = Progbar(5, verbose=2)
    for i in range(1, 6):
        bar.update(i, [("loss", 1.0 / i), ("tiny", 1e-5)])
    assert re.fullmatch(r"5/5 - \d+s - \d+(us|ms|s)/step - loss: 0\.2000 - "
                        r"tiny: 1\.0000e-05\n",
                        out.getvalue())


def test_progbar_plain_lines_off_terminal(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    bar = Progbar(4)
    assert not bar._dynamic_display
    bar.update(1, [("loss", 2.0)])
    bar.update(2, [("loss", 4.0)])
    bar.update(4, [("loss", 0.5)])
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()
    assert re.fullmatch(r"4/4 ━{20} \d+s \d+(us|ms|s)/step - loss: 0\.5000\n",
                        out.getvalue())
    # A long run writes an in-progress line at most every _PLAIN_INTERVAL seconds.
    monkeypatch.setattr(_progbar, "_PLAIN_INTERVAL", 0.0)
    out.truncate(0)
    out.seek(0)
    bar = Progbar(4, interval=0.0)
    bar.update(1, [("loss", 2.0)])
    assert re.fullmatch(r"1/4 ━{5} {15} \d+s \d+(us|ms|s)/step - loss: 2\.0000\n",
                        out.getvalue())


def test_progbar_live_bar_on_terminal(monkeypatch):
    out = _Tty()
    monkeypatch.setattr(sys, "stdout", out)
    bar = Progbar(5, interval=0.0)
    assert bar._dynamic_display
    bar.update(1, [("loss", 1.0)])
    bar.update(5, [("loss", 0.25)])
    first, last = out.getvalue().split("\r")[1:]
    assert first.startswith("\x1b[1m1/5\x1b[0m \x1b[32m━━━━\x1b[0m\x1b[37m" + "━" * 16)
    assert "- loss: 1.0000" in first and not first.endswith("\n")
    assert last.startswith("\x1b[1m5/5\x1b[0m \x1b[32m" + "━" * 20)
    assert last.endswith("- loss: 0.2500\n")


def test_progbar_unknown_target(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    bar = Progbar(None)
    bar.update(3, [("loss", 0.5)], finalize=True)
    assert re.fullmatch(r"      3/Unknown \d+s \d+(us|ms|s)/step - loss: 0\.5000\n",
                        out.getvalue())


def test_progbar_reads_stateful_values_only_when_drawing(monkeypatch):
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    DeviceScalar.reads = 0
    bar = Progbar(100, stateless_metrics=())  # all shown as given (ProgbarLogger's set-up)
    for i in range(1, 100):
        bar.update(i, [("loss", DeviceScalar(1.0))])
    assert DeviceScalar.reads <= 1  # drawn once at most (off a terminal: a 10 s throttle)
    bar.update(100, [("loss", DeviceScalar(1.0))])
    assert DeviceScalar.reads <= 2


@pytest.mark.parametrize("seconds, text", [(0.0, "0s/step"), (2.4, "2s/step"),
                                           (0.0123, "12ms/step"), (4.5e-5, "45us/step")])
def test_step_time_format(seconds, text):
    assert _progbar._format_step_time(seconds, "step") == text


@pytest.mark.parametrize("eta, text", [(5.2, "5s"), (75, "1:15"), (3725, "1:02:05")])
def test_eta_format(eta, text):
    assert _progbar._format_eta(eta) == text


# ProgbarLogger -------------------------------------------------------------------------------
def _fit_output(monkeypatch, verbose, epochs=2, steps=3):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    model = FakeModel()
    cl = kc.callbacks.CallbackList([], add_history=True, add_progbar=True, model=model,
                                   verbose=verbose, epochs=epochs, steps=steps)
    DeviceScalar.reads = 0
    cl.on_train_begin()
    for epoch in range(epochs):
        cl.on_epoch_begin(epoch)
        for step in range(steps):
            cl.on_train_batch_begin(step)
            cl.on_train_batch_end(step, {"loss": DeviceScalar(0.5)})
        cl.on_test_begin()
        cl.on_test_batch_end(0, {"loss": DeviceScalar(0.5)})
        cl.on_test_end({"loss": 0.75})
        cl.on_epoch_end(epoch, {"loss": 0.5, "val_loss": 0.75})
    cl.on_train_end()
    return out.getvalue()


def test_progbar_logger_verbose2(monkeypatch):
    text = _fit_output(monkeypatch, verbose=2)
    lines = text.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.fullmatch(r"3/3 - \d+s - \d+(us|ms|s)/step - loss: 0\.5000 - "
                        r"val_loss: 0\.7500", lines[1])
    assert DeviceScalar.reads == 0  # verbose=2 never reads batch logs


def test_progbar_logger_verbose1_and_evaluate(monkeypatch):
    text = _fit_output(monkeypatch, verbose="auto", epochs=1)
    assert re.fullmatch(r"3/3 ━{20} \d+s \d+(us|ms|s)/step - loss: 0\.5000 - "
                        r"val_loss: 0\.7500\n", text)
    assert DeviceScalar.reads <= 1
    # evaluate / predict alone draw their own bar.
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    cl = kc.callbacks.CallbackList([], add_progbar=True, model=FakeModel(), verbose=1,
                                   epochs=1, steps=2)
    cl.on_test_begin()
    cl.on_test_batch_end(0, {"loss": 1.0})
    cl.on_test_batch_end(1, {"loss": 2.0})
    cl.on_test_end({"loss": 2.0})
    cl.on_predict_begin()
    cl.on_predict_batch_end(0, {"outputs": np.ones(2)})
    cl.on_predict_end()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].endswith("- loss: 2.0000")
    assert re.fullmatch(r"2/2 ━{20} \d+s \d+(us|ms|s)/step", lines[1])
