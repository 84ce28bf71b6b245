"""Text classification on integer sequences (keras.io "Text classification from scratch"
style): Embedding + GlobalAveragePooling1D, and Embedding(mask_zero=True) + LSTM, so padding
is masked in both the pooling and the recurrence.
"""

import numpy as np

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(4)
rng = np.random.default_rng(4)
VOCAB, LEN, N = 30, 10, 96

lengths = rng.integers(3, LEN + 1, N)
tokens = rng.integers(1, VOCAB, (N, LEN))
tokens[np.arange(LEN)[None, :] >= lengths[:, None]] = 0  # right padding
labels = (np.sum(tokens % 2 == 1, axis=1) > lengths / 2).astype("float32")[:, None]
tokens = tokens.astype("int32")


def pooled_model():
    inputs = keras.Input(shape=(LEN,), dtype="int32")
    x = layers.Embedding(VOCAB, 8, mask_zero=True)(inputs)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(8, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))


def lstm_model():
    return keras.Sequential([
        keras.Input(shape=(LEN,), dtype="int32"),
        layers.Embedding(VOCAB, 8, mask_zero=True),
        layers.LSTM(6),
        layers.Dense(1, activation="sigmoid"),
    ])


result = {}
for tag, build in [("pool", pooled_model), ("lstm", lstm_model)]:
    model = build()
    set_weights_from_rng(model, seed=4)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    result[f"fwd_predict_{tag}"] = model.predict(tokens[:4], verbose=0)
    result[f"fwd_evaluate_{tag}"] = model.evaluate(tokens, labels, verbose=0)
    if can_train():
        history = model.fit(tokens[:64], labels[:64], validation_data=(tokens[64:], labels[64:]),
                            epochs=3, batch_size=16, shuffle=False, verbose=0)
        result[f"history_keys_{tag}"] = sorted(history.history)
        result[f"history_{tag}"] = history.history
        result[f"predict_{tag}"] = model.predict(tokens[:4], verbose=0)
emit(result)
