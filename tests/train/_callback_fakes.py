"""A small fake model and loop driver for callback unit tests (no training needed)."""

import json
import os

import numpy as np

import kc


class DeviceScalar:
    """A stand-in for a backend scalar: counts how often it is read on the host."""

    reads = 0

    def __init__(self, value):
        self.value = value

    def __float__(self):
        DeviceScalar.reads += 1
        return float(self.value)


class FakeOptimizer:
    def __init__(self, learning_rate=0.01):
        self._lr = np.float32(learning_rate)
        self.iterations = 0
        self.built = True

    @property
    def learning_rate(self):
        return self._lr

    @learning_rate.setter
    def learning_rate(self, value):
        self._lr = np.float32(value)


class FakeModel:
    """stop_training, optimizer.learning_rate, get/set_weights, save/save_weights/load_weights."""

    def __init__(self, learning_rate=0.01):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.weights_ = [np.zeros(2, "float32")]
        self.metrics = []
        self.history = None
        self.built = True
        self.saved = []

    def get_weights(self):
        return [w.copy() for w in self.weights_]

    def set_weights(self, weights):
        self.weights_ = [np.array(w) for w in weights]

    def _write(self, path, kind):
        with open(path, "w") as f:
            json.dump({"kind": kind, "w": self.weights_[0].tolist(),
                       "iterations": self.optimizer.iterations}, f)
        self.saved.append(os.path.basename(path))

    def save(self, filepath, overwrite=True):
        self._write(filepath, "model")

    def save_weights(self, filepath, overwrite=True):
        self._write(filepath, "weights")

    def load_weights(self, filepath):
        with open(filepath) as f:
            state = json.load(f)
        self.weights_ = [np.array(state["w"], "float32")]
        self.optimizer.iterations = state["iterations"]


def run_fit(callbacks, model, epochs, steps=2, epoch_logs=None, batch_loss=None,
            validation=False, initial_epoch=0):
    """Drive the callbacks like fit: epoch e's logs are epoch_logs(e) (or {"loss": e})."""
    cbs = kc.callbacks.CallbackList(callbacks, add_history=True, model=model, verbose=0,
                                    epochs=epochs, steps=steps)
    model.stop_training = False
    cbs.on_train_begin()
    start = getattr(model, "_initial_epoch", None) or initial_epoch
    skip = getattr(model, "_kc_initial_step", 0) or 0
    logs = {}
    for epoch in range(start, epochs):
        cbs.on_epoch_begin(epoch)
        for step in range(skip, steps):
            cbs.on_train_batch_begin(step)
            model.optimizer.iterations += 1
            model.weights_ = [model.weights_[0] + 1.0]
            loss = batch_loss(epoch, step) if batch_loss else float(epoch)
            cbs.on_train_batch_end(step, {"loss": loss})
            if model.stop_training:
                break
        skip = 0
        logs = dict(epoch_logs(epoch)) if epoch_logs else {"loss": float(epoch)}
        if validation:
            cbs.on_test_begin()
            cbs.on_test_end({"loss": logs.get("val_loss", 0.0)})
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return cbs._history
