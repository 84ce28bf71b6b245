"""Timeseries forecasting with stacked recurrent layers (keras.io "Timeseries forecasting"
style): LSTM(return_sequences=True) -> GRU -> Dense, and a Bidirectional GRU, on windows of a
noisy sine, trained with mse and validation data.
"""

import numpy as np

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)

t = np.arange(400, dtype="float32")
series = np.stack([np.sin(t / 7), np.cos(t / 11)], axis=1) + 0.05 * rng.standard_normal((400, 2))
WINDOW = 12
starts = np.arange(0, 400 - WINDOW - 1, 4)
x = np.stack([series[s:s + WINDOW] for s in starts]).astype("float32")
y = np.stack([series[s + WINDOW, :1] for s in starts]).astype("float32")
x_train, y_train, x_val, y_val = x[:72], y[:72], x[72:], y[72:]


def stacked():
    inputs = keras.Input(shape=(WINDOW, 2))
    h = layers.LSTM(8, return_sequences=True)(inputs)
    h = layers.GRU(6)(h)
    return keras.Model(inputs, layers.Dense(1)(h))


def bidirectional():
    return keras.Sequential([
        keras.Input(shape=(WINDOW, 2)),
        layers.Bidirectional(layers.GRU(4, return_sequences=True)),
        layers.SimpleRNN(4),
        layers.Dense(1),
    ])


result = {}
for tag, build in [("stacked", stacked), ("bidir", bidirectional)]:
    model = build()
    set_weights_from_rng(model, seed=5)
    model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="mse", metrics=["mae"])
    result[f"fwd_predict_{tag}"] = model.predict(x_val[:3], verbose=0)
    result[f"fwd_evaluate_{tag}"] = model.evaluate(x_val, y_val, verbose=0)
    if can_train():
        history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=3,
                            batch_size=24, shuffle=False, verbose=0)
        result[f"history_{tag}"] = history.history
        result[f"predict_{tag}"] = model.predict(x_val[:3], verbose=0)
emit(result)
