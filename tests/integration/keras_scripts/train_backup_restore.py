"""BackupAndRestore as keras.io shows it: training interrupted by an exception in epoch 3,
the same fit() called again resumes from the last backup and ends where an uninterrupted run
ends; the backup directory is cleaned up at the end (delete_checkpoint=True).
"""

import os
import tempfile

import numpy as np

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(17)
rng = np.random.default_rng(17)
x = rng.standard_normal((32, 3)).astype("float32")
y = (x[:, :1] - 2 * x[:, 1:2] + 0.1).astype("float32")


def make():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="tanh"),
                              layers.Dense(1)])
    set_weights_from_rng(model, seed=17)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    return model


class Interrupt(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("interrupted")


result = {"fwd_predict": make().predict(x[:3], verbose=0)}
if can_train():
    kwargs = dict(batch_size=8, epochs=5, shuffle=False, verbose=0)
    straight = make()
    h = straight.fit(x, y, **kwargs)
    result["straight_history"] = h.history
    result["straight_weights"] = straight.get_weights()

    backup_dir = os.path.join(tempfile.mkdtemp(), "backup")
    model = make()
    try:
        model.fit(x, y, callbacks=[keras.callbacks.BackupAndRestore(backup_dir), Interrupt(3)],
                  **kwargs)
    except RuntimeError as exc:
        result["interrupted"] = str(exc)
    result["backup_exists"] = os.path.isdir(backup_dir) and bool(os.listdir(backup_dir))
    model = make()  # a fresh process would rebuild the model the same way
    h = model.fit(x, y, callbacks=[keras.callbacks.BackupAndRestore(backup_dir)], **kwargs)
    result["resumed_epoch"] = h.epoch
    result["resumed_history"] = h.history
    result["resumed_weights"] = model.get_weights()
    result["resumed_iterations"] = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    result["backup_left"] = os.path.isdir(backup_dir) and bool(os.listdir(backup_dir))
emit(result)
