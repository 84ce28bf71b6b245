"""fit() options a Keras 3 user passes (keras.io "Training & evaluation with the built-in
methods"): class_weight, sample_weight, validation_data as a 2- and 3-tuple, validation_split,
validation_freq, initial_epoch, steps_per_epoch, shuffle=False, steps_per_execution=2,
evaluate(return_dict=True), predict with batch sizes that do not divide the data, History.
"""

import numpy as np

import keras
from keras import layers
from _common import can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)

x = rng.standard_normal((70, 5)).astype("float32")
y = (x[:, 0] + 0.5 * x[:, 1] - x[:, 2] > 0.3).astype("int32") + (x[:, 3] > 1).astype("int32")
sw = rng.uniform(0.2, 2.0, (70,)).astype("float32")


def make(steps_per_execution=1, metrics=("sparse_categorical_accuracy",), weighted=()):
    model = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(8, activation="tanh"),
                              layers.Dense(3, activation="softmax")])
    set_weights_from_rng(model, seed=11)
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5),
                  loss="sparse_categorical_crossentropy", metrics=list(metrics),
                  weighted_metrics=list(weighted), steps_per_execution=steps_per_execution)
    return model


result = {}
model = make()
result["fwd_evaluate_dict"] = model.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
result["fwd_evaluate_list"] = model.evaluate(x, y, batch_size=16, verbose=0)
result["fwd_evaluate_sw"] = model.evaluate(x, y, sample_weight=sw, batch_size=16, verbose=0)
result["metrics_names"] = model.metrics_names
for bs in (1, 7, 32, 100):
    result[f"fwd_predict_bs{bs}"] = model.predict(x[:9], batch_size=bs, verbose=0)
result["fwd_predict_on_batch"] = model.predict_on_batch(x[:3])
model.reset_metrics()  # Keras-numpy's test_on_batch does not reset them (jax/torch/tf do)
result["fwd_test_on_batch"] = model.test_on_batch(x[:10], y[:10], return_dict=True)

if can_train():
    # class_weight + validation_data (x, y) + validation_freq
    m = make(weighted=("sparse_categorical_accuracy",))
    h = m.fit(x[:50], y[:50], class_weight={0: 1.0, 1: 2.0, 2: 0.5}, batch_size=16,
              validation_data=(x[50:], y[50:]), validation_freq=2, epochs=4, shuffle=False,
              verbose=0)
    result["class_weight_history"] = h.history
    result["class_weight_keys"] = sorted(h.history)
    result["class_weight_epoch"] = h.epoch

    # sample_weight + validation_data (x, y, sample_weight)
    m = make(weighted=("sparse_categorical_accuracy",))
    h = m.fit(x[:50], y[:50], sample_weight=sw[:50], batch_size=10, epochs=2, shuffle=False,
              validation_data=(x[50:], y[50:], sw[50:]), verbose=0)
    result["sample_weight_history"] = h.history

    # validation_split (last 20% of the arrays), initial_epoch
    m = make()
    h = m.fit(x, y, validation_split=0.2, batch_size=16, epochs=4, initial_epoch=2,
              shuffle=False, verbose=0)
    result["split_history"] = h.history
    result["split_epoch"] = h.epoch
    result["split_params"] = {k: v for k, v in h.params.items() if k in ("epochs", "steps")}
    result["split_iterations"] = int(keras.ops.convert_to_numpy(m.optimizer.iterations))

    # steps_per_epoch smaller than the data
    m = make()
    h = m.fit(x, y, batch_size=10, steps_per_epoch=3, epochs=3, shuffle=False, verbose=0)
    result["steps_history"] = h.history
    result["steps_iterations"] = int(keras.ops.convert_to_numpy(m.optimizer.iterations))
    result["steps_weights"] = m.get_weights()

    # steps_per_execution=2 gives the same numbers as 1 (batch count 5 is odd)
    # (Keras 3 refuses steps_per_execution > 1 on torch with a ValueError at fit.)
    outs = []
    for spe in (1, 2):
        m = make(steps_per_execution=spe)
        try:
            h = m.fit(x[:50], y[:50], batch_size=10, epochs=2, shuffle=False, verbose=0)
        except ValueError as exc:
            outs.append({"error": type(exc).__name__})
            continue
        outs.append({"history": h.history, "weights": m.get_weights(),
                     "evaluate": m.evaluate(x, y, batch_size=16, return_dict=True, verbose=0),
                     "predict": m.predict(x[:5], batch_size=2, verbose=0)})
    result["spe1"], result["spe2"] = outs

    # train_on_batch
    m = make()
    result["train_on_batch"] = [m.train_on_batch(x[:16], y[:16], return_dict=True),
                                m.train_on_batch(x[16:32], y[16:32], sample_weight=sw[16:32])]
emit(result)
