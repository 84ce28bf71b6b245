"""Simple MNIST convnet (keras.io), on sklearn's 8x8 digits.

Sequential Conv2D / MaxPooling2D / Flatten / Dropout / Dense; fit with validation_split,
evaluate, predict. Dropout draws differ between libraries, so training numbers are
compared loosely ("loose_" keys); the forward pass before training is compared exactly.
"""

import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(1)

digits = load_digits()
x = (digits.images[:600] / 16.0).astype("float32")[..., None]
y = keras.utils.to_categorical(digits.target[:600], 10)
x_train, y_train, x_test, y_test = x[:500], y[:500], x[500:], y[500:]

model = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(16, kernel_size=(2, 2), activation="relu", padding="same"),
        layers.Flatten(),
        layers.Dropout(0.25),
        layers.Dense(10, activation="softmax"),
    ]
)
set_weights_from_rng(model, seed=0)
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

result = {
    "fwd_predict": model.predict(x_test[:4], verbose=0),
    "fwd_evaluate": model.evaluate(x_test, y_test, verbose=0),
    "fwd_call": model(x_test[:2], training=False),
    "n_params": model.count_params(),
}
if can_train():
    history = model.fit(
        x_train, y_train, batch_size=64, epochs=3, validation_split=0.1, shuffle=False, verbose=0
    )
    result["history_keys"] = sorted(history.history)
    result["loose_history"] = history.history
    result["loose_evaluate"] = model.evaluate(x_test, y_test, verbose=0)
    result["loose_predict"] = model.predict(x_test[:3], verbose=0)
emit(result)
