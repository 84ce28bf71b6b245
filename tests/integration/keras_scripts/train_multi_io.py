"""Functional model with dict inputs and named outputs (keras.io "The Functional API",
multi-input multi-output): loss dict + loss_weights, metrics dict, weighted_metrics, per-output
sample weights, history keys per output, evaluate / predict structures.
"""

import numpy as np

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(13)
rng = np.random.default_rng(13)
N = 48

inputs = {"num": keras.Input(shape=(4,), name="num"),
          "cat": keras.Input(shape=(3,), name="cat")}
h = layers.Concatenate()([layers.Dense(6, activation="relu", name="num_proj")(inputs["num"]),
                          layers.Dense(4, activation="relu", name="cat_proj")(inputs["cat"])])
score = layers.Dense(1, name="score")(h)
klass = layers.Dense(3, activation="softmax", name="klass")(h)
model = keras.Model(inputs=inputs, outputs={"score": score, "klass": klass}, name="mio")
set_weights_from_rng(model, seed=13)

x = {"num": rng.standard_normal((N, 4)).astype("float32"),
     "cat": rng.uniform(0, 1, (N, 3)).astype("float32")}
y = {"score": (x["num"][:, :1] * 2 - x["cat"][:, 1:2]).astype("float32"),
     "klass": (x["num"][:, 0] > 0).astype("int32") + (x["cat"][:, 0] > 0.5).astype("int32")}
sw = rng.uniform(0.5, 1.5, (N,)).astype("float32")

model.compile(
    optimizer=keras.optimizers.Adam(0.02),
    loss={"score": "mse", "klass": keras.losses.SparseCategoricalCrossentropy()},
    loss_weights={"score": 0.5, "klass": 2.0},
    metrics={"score": ["mae", keras.metrics.RootMeanSquaredError(name="rmse")],
             "klass": ["accuracy"]},
    weighted_metrics={"klass": [keras.metrics.SparseCategoricalAccuracy(name="wacc")]},
)
pred = model.predict(x, batch_size=20, verbose=0)
result = {
    "output_names": model.output_names,
    "predict_keys": sorted(pred),
    "fwd_predict": pred,
    "fwd_evaluate": model.evaluate(x, y, batch_size=16, return_dict=True, verbose=0),
    "fwd_evaluate_sw": model.evaluate(x, y, sample_weight=sw, batch_size=16, return_dict=True,
                                      verbose=0),
    "metrics_names": model.metrics_names,
}
if can_train():
    history = model.fit(x, y, sample_weight=sw, batch_size=16, epochs=3, shuffle=False,
                        validation_split=0.25, verbose=0)
    result["history_keys"] = sorted(history.history)
    result["history"] = history.history
    result["evaluate_after"] = model.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
    result["evaluate_list"] = model.evaluate(x, y, batch_size=16, verbose=0)

    # Same model with list outputs and list losses (outputs in declaration order).
    model2 = keras.Model(inputs=[inputs["num"], inputs["cat"]], outputs=[score, klass])
    model2.compile(optimizer=keras.optimizers.SGD(0.05),
                   loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.3],
                   metrics=[["mae"], ["accuracy"]])
    h2 = model2.fit([x["num"], x["cat"]], [y["score"], y["klass"]], batch_size=16, epochs=2,
                    shuffle=False, verbose=0)
    result["list_history_keys"] = sorted(h2.history)
    result["list_history"] = h2.history
    result["list_metrics_names"] = model2.metrics_names
emit(result)
