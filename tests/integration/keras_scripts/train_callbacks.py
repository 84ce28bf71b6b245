"""Built-in callbacks as keras.io uses them: EarlyStopping (restore_best_weights, baseline,
start_from_epoch), ReduceLROnPlateau, LearningRateScheduler, LambdaCallback (the logs each hook
sees), CSVLogger (file content), TerminateOnNaN, ModelCheckpoint (save_best_only,
save_weights_only, filename formatting).
"""

import csv
import math
import os
import tempfile

import numpy as np

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(12)
rng = np.random.default_rng(12)

x = rng.standard_normal((60, 4)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.3).astype("float32")
x_tr, y_tr, x_va, y_va = x[:40], y[:40], x[40:], y[40:]
tmp = tempfile.mkdtemp()


def make(lr=0.05):
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(6, activation="relu"),
                              layers.Dense(1)])
    set_weights_from_rng(model, seed=12)
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse", metrics=["mae"])
    return model


def lr_of(model):
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


def fit(model, callbacks, epochs=6, **kwargs):
    kwargs.setdefault("validation_data", (x_va, y_va))
    return model.fit(x_tr, y_tr, batch_size=20, epochs=epochs, shuffle=False, verbose=0,
                     callbacks=callbacks, **kwargs)


result = {}
model = make()
result["fwd_predict"] = model.predict(x_va[:3], verbose=0)

if can_train():
    # EarlyStopping with restore_best_weights: an LR large enough to diverge after a while.
    m = make(lr=0.3)
    es = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True,
                                       verbose=0)
    h = fit(m, [es], epochs=8)
    result["es_restore"] = {"epoch": h.epoch, "stopped": es.stopped_epoch,
                            "best": es.best, "val_loss": h.history["val_loss"],
                            "evaluate": m.evaluate(x_va, y_va, verbose=0)}

    # baseline that is never reached: stops after `patience` epochs.
    m = make()
    es = keras.callbacks.EarlyStopping(monitor="loss", baseline=1e-4, patience=2)
    h = fit(m, [es], epochs=6)
    result["es_baseline"] = {"epoch": h.epoch, "stopped": es.stopped_epoch}

    # start_from_epoch + min_delta on a validation metric of a diverging run.
    m = make(lr=0.3)
    es = keras.callbacks.EarlyStopping(monitor="val_mae", mode="min", min_delta=0.05, patience=1,
                                       start_from_epoch=2, restore_best_weights=True)
    h = fit(m, [es], epochs=8)
    result["es_start_from"] = {"epoch": h.epoch, "stopped": es.stopped_epoch, "best": es.best,
                               "evaluate": m.evaluate(x_va, y_va, verbose=0)}

    # ReduceLROnPlateau: lr logged into history, cooldown, min_lr.
    m = make(lr=0.3)
    rl = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1,
                                           cooldown=1, min_lr=0.05)
    h = fit(m, [rl], epochs=7)
    result["plateau"] = {"history": h.history, "keys": sorted(h.history), "lr": lr_of(m)}

    # LearningRateScheduler with a (epoch, lr) schedule.
    m = make()
    sched = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch >= 1 else lr)
    h = fit(m, [sched], epochs=3)
    result["scheduler"] = {"history": h.history, "lr": lr_of(m)}

    # LambdaCallback: which hooks run, with which log keys (values rounded).
    seen = []

    def record(tag):
        def hook(*args, **kwargs):
            args = args + tuple(v for _, v in sorted(kwargs.items()))
            seen.append([tag] + [sorted(a) if isinstance(a, dict) else a for a in args])
        return hook

    lam = keras.callbacks.LambdaCallback(
        on_epoch_begin=record("epoch_begin"), on_epoch_end=record("epoch_end"),
        on_train_batch_end=record("batch_end"), on_train_begin=record("train_begin"),
        on_train_end=record("train_end"))
    m = make()
    fit(m, [lam], epochs=2)
    result["lambda_calls"] = [[str(v) for v in call] for call in seen]

    # CSVLogger: header and rows; append=True adds rows without a second header.
    path = os.path.join(tmp, "log.csv")
    m = make()
    fit(m, [keras.callbacks.CSVLogger(path)], epochs=2)
    fit(m, [keras.callbacks.CSVLogger(path, append=True)], epochs=3, initial_epoch=2)
    with open(path) as fh:
        rows = list(csv.reader(fh))
    result["csv_header"] = rows[0]
    result["csv_rows"] = [[float(v) for v in row] for row in rows[1:]]

    # TerminateOnNaN: a huge learning rate makes the loss overflow.
    m = make(lr=1e6)
    h = m.fit(x_tr * 1e3, y_tr, batch_size=10, epochs=3, shuffle=False, verbose=0,
              callbacks=[keras.callbacks.TerminateOnNaN()])
    result["nan_epochs"] = h.epoch
    result["nan_last_loss_finite"] = bool(np.all(np.isfinite(h.history["loss"])))
    result["nan_stop_training"] = bool(m.stop_training)

    # ModelCheckpoint: save_best_only + save_weights_only, formatted file names.
    m = make(lr=0.3)
    best = os.path.join(tmp, "best.weights.h5")
    every = os.path.join(tmp, "ep{epoch:02d}-{val_loss:.3f}.weights.h5")
    cb_best = keras.callbacks.ModelCheckpoint(best, monitor="val_loss", save_best_only=True,
                                              save_weights_only=True)
    cb_every = keras.callbacks.ModelCheckpoint(every, save_weights_only=True)
    h = fit(m, [cb_best, cb_every], epochs=5)
    names = sorted(f for f in os.listdir(tmp) if f.startswith("ep"))
    result["ckpt_files"] = [n.split("-")[0] for n in names]
    result["ckpt_val_loss_in_name"] = [float(n.split("-")[1][:-len(".weights.h5")]) for n in names]
    result["ckpt_best"] = cb_best.best
    clone = make()
    clone.load_weights(best)
    best_epoch = int(np.argmin(h.history["val_loss"]))
    result["ckpt_best_epoch"] = best_epoch
    result["ckpt_best_evaluate"] = clone.evaluate(x_va, y_va, verbose=0)
    result["ckpt_best_is_min"] = bool(math.isclose(result["ckpt_best_evaluate"][0],
                                                   min(h.history["val_loss"]), rel_tol=1e-4))
    # full-model checkpoint (.keras) with save_best_only
    full = os.path.join(tmp, "full.keras")
    m = make()
    fit(m, [keras.callbacks.ModelCheckpoint(full, monitor="val_mae", save_best_only=True)],
        epochs=2)
    loaded = keras.models.load_model(full)
    result["ckpt_full_predict"] = loaded.predict(x_va[:3], verbose=0)
    result["ckpt_full_optimizer_iterations"] = int(
        keras.ops.convert_to_numpy(loaded.optimizer.iterations))
emit(result)
