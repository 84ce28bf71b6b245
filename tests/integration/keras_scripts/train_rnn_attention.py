"""Sequence models as keras.io builds them: Embedding(mask_zero=True) feeding a bidirectional
LSTM (return_sequences) and a GRU, so the mask flows through the recurrences; and a small
transformer block (MultiHeadAttention with a padding mask, LayerNormalization, residuals).
Each model is fitted 2 epochs; predictions, history and weights are compared.
"""

import numpy as np

import keras
from keras import layers, ops
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(16)
rng = np.random.default_rng(16)
VOCAB, LEN, N = 20, 7, 40

lengths = rng.integers(2, LEN + 1, N)
tokens = rng.integers(1, VOCAB, (N, LEN))
tokens[np.arange(LEN)[None, :] >= lengths[:, None]] = 0
tokens = tokens.astype("int32")
labels = (tokens[:, 0] % 3).astype("int32")


def rnn_model():
    inputs = keras.Input(shape=(LEN,), dtype="int32")
    h = layers.Embedding(VOCAB, 6, mask_zero=True)(inputs)
    h = layers.Bidirectional(layers.LSTM(5, return_sequences=True))(h)
    h = layers.GRU(4)(h)
    return keras.Model(inputs, layers.Dense(3, activation="softmax")(h))


def masked_rnn_model():  # Masking on float inputs, GRU with reset_after=False
    inputs = keras.Input(shape=(LEN, 2))
    h = layers.Masking(mask_value=0.0)(inputs)
    h = layers.GRU(4, reset_after=False, return_sequences=True)(h)
    h = layers.LSTM(3)(h)
    return keras.Model(inputs, layers.Dense(3, activation="softmax")(h))


def attention_model():
    inputs = keras.Input(shape=(LEN,), dtype="int32")
    emb = layers.Embedding(VOCAB, 8, mask_zero=True)(inputs)
    att = layers.MultiHeadAttention(num_heads=2, key_dim=4)(emb, emb)
    h = layers.LayerNormalization()(layers.Add()([emb, att]))
    ff = layers.Dense(8)(layers.Dense(12, activation="relu")(h))
    h = layers.LayerNormalization()(layers.Add()([h, ff]))
    h = layers.GlobalAveragePooling1D()(h)
    return keras.Model(inputs, layers.Dense(3, activation="softmax")(h))


floats = np.stack([tokens / VOCAB, (tokens % 5) / 5], axis=-1).astype("float32")
result = {}
for tag, build, data in [("rnn", rnn_model, tokens), ("masked", masked_rnn_model, floats),
                         ("attention", attention_model, tokens)]:
    model = build()
    set_weights_from_rng(model, seed=16)
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    result[f"fwd_predict_{tag}"] = model.predict(data[:4], verbose=0)
    result[f"fwd_evaluate_{tag}"] = model.evaluate(data, labels, batch_size=16, verbose=0)
    if can_train():
        history = model.fit(data[:32], labels[:32], validation_data=(data[32:], labels[32:]),
                            batch_size=8, epochs=2, shuffle=False, verbose=0)
        result[f"history_{tag}"] = history.history
        result[f"predict_{tag}"] = model.predict(data[:4], verbose=0)
        result[f"weights_{tag}"] = [ops.convert_to_numpy(w) for w in model.weights]

# The attention mask itself: a padded query position attends to nothing padded.
mha = layers.MultiHeadAttention(num_heads=1, key_dim=2)
q = ops.convert_to_tensor(floats[:2])
mask = ops.convert_to_tensor(tokens[:2, None, :] != 0)
out, scores = mha(q, q, attention_mask=mask, return_attention_scores=True)
result["fwd_scores_masked_columns"] = ops.convert_to_numpy(scores)[..., :][
    np.broadcast_to((tokens[:2, None, None, :] == 0), scores.shape)]
emit(result)
