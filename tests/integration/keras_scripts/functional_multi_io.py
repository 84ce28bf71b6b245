"""Functional model with two inputs and two outputs (keras.io "The Functional API" guide).

Loss dict + loss_weights + metrics dict, dict inputs and targets, validation_data,
evaluate(return_dict=True), predict.
"""

import numpy as np

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(2)
rng = np.random.default_rng(2)

title_input = keras.Input(shape=(6,), name="title")
body_input = keras.Input(shape=(5,), name="body")
title_features = layers.Dense(8, activation="relu")(title_input)
body_features = layers.Dense(8, activation="tanh")(body_input)
x = layers.concatenate([title_features, body_features])
priority_pred = layers.Dense(1, name="priority")(x)
department_pred = layers.Dense(3, activation="softmax", name="department")(x)
model = keras.Model(inputs=[title_input, body_input], outputs=[priority_pred, department_pred])
set_weights_from_rng(model, seed=2)

model.compile(
    optimizer=keras.optimizers.RMSprop(1e-2),
    loss={
        "priority": keras.losses.BinaryCrossentropy(from_logits=True),
        "department": keras.losses.CategoricalCrossentropy(),
    },
    loss_weights={"priority": 1.0, "department": 0.2},
    metrics={"priority": ["mae"], "department": ["accuracy", keras.metrics.TopKCategoricalAccuracy(k=2)]},
)

n = 96
title = rng.standard_normal((n, 6)).astype("float32")
body = rng.standard_normal((n, 5)).astype("float32")
priority = (title[:, :1] + body[:, :1] > 0).astype("float32")
department = keras.utils.to_categorical((title[:, 1] > 0) + (body[:, 1] > 0.5), 3)
inputs = {"title": title, "body": body}
targets = {"priority": priority, "department": department}

result = {
    "fwd_predict": model.predict({"title": title[:3], "body": body[:3]}, verbose=0),
    "fwd_evaluate": model.evaluate(inputs, targets, verbose=0, return_dict=True),
    "output_names": list(model.output_names),
}
if can_train():
    history = model.fit(
        {"title": title[:64], "body": body[:64]},
        {"priority": priority[:64], "department": department[:64]},
        validation_data=({"title": title[64:], "body": body[64:]},
                         {"priority": priority[64:], "department": department[64:]}),
        epochs=3, batch_size=16, shuffle=False, verbose=0,
    )
    result["history_keys"] = sorted(history.history)
    result["history"] = history.history
    result["evaluate"] = model.evaluate(inputs, targets, verbose=0, return_dict=True)
    result["evaluate_list"] = model.evaluate(inputs, targets, verbose=0)
    result["predict"] = model.predict({"title": title[:3], "body": body[:3]}, verbose=0)
emit(result)
