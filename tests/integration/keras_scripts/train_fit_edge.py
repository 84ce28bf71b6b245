"""Less common fit() inputs: class_weight with one-hot targets, temporal (2-D) sample weights
on a sequence output, validation data from a PyDataset with validation_steps, epochs=0,
predict(steps=...), and the error types of common mistakes (fit before compile, a class_weight
for a multi-output model, a y whose length differs from x).
"""

import math

import numpy as np

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(18)
rng = np.random.default_rng(18)
x = rng.standard_normal((30, 4)).astype("float32")
labels = (x[:, 0] > 0).astype("int32") + (x[:, 1] > 0.5).astype("int32")
onehot = np.eye(3, dtype="float32")[labels]
seq_x = rng.standard_normal((12, 5, 2)).astype("float32")
seq_y = rng.standard_normal((12, 5, 1)).astype("float32")
seq_w = (rng.uniform(0, 1, (12, 5)) > 0.3).astype("float32")


class Val(keras.utils.PyDataset):
    def __len__(self):
        return 3

    def __getitem__(self, i):
        return x[i * 10:(i + 1) * 10], onehot[i * 10:(i + 1) * 10]


def make():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(5, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    set_weights_from_rng(model, seed=18)
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def error_of(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the type is the result
        return type(exc).__name__
    return None


result = {}
m = make()
result["fwd_predict_steps"] = m.predict(x, batch_size=7, steps=2, verbose=0)
seq = keras.Sequential([keras.Input(shape=(5, 2)), layers.Dense(3, activation="tanh"),
                        layers.Dense(1)])
set_weights_from_rng(seq, seed=18)
seq.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", weighted_metrics=["mae"])
result["fwd_evaluate_temporal_sw"] = seq.evaluate(seq_x, seq_y, sample_weight=seq_w, batch_size=4,
                                                  verbose=0)
bare = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])
result["error_length_mismatch"] = error_of(lambda: m.evaluate(x, onehot[:20], verbose=0))
if can_train():
    result["error_fit_uncompiled"] = error_of(lambda: bare.fit(x, onehot, verbose=0))
    h = m.fit(x, onehot, class_weight={0: 0.5, 1: 1.0, 2: 3.0}, batch_size=8, epochs=2,
              shuffle=False, validation_data=Val(), validation_steps=2, verbose=0)
    result["onehot_class_weight_history"] = h.history
    h = m.fit(x, onehot, epochs=0, verbose=0)
    result["epochs0"] = {"epoch": h.epoch, "history": h.history}
    h = seq.fit(seq_x, seq_y, sample_weight=seq_w, batch_size=4, epochs=2, shuffle=False,
                verbose=0)
    result["temporal_sw_history"] = h.history
    i = keras.Input(shape=(4,))
    two = keras.Model(i, [layers.Dense(1, name="a")(i), layers.Dense(1, name="b")(i)])
    two.compile(optimizer="sgd", loss=["mse", "mse"])
    result["error_multi_output_class_weight"] = error_of(
        lambda: two.fit(x, [x[:, :1], x[:, 1:2]], class_weight={0: 1.0}, verbose=0))
emit(result)
