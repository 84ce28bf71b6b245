"""fit / evaluate / predict on the data sources keras.io shows: a keras.utils.PyDataset, a
Python generator (with steps_per_epoch), a tf.data.Dataset, and (torch backend) a
torch DataLoader. Each source yields the same batches, so the numbers must agree with arrays.
"""

import math

import numpy as np

import keras
from keras import layers
from _common import backend, can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(14)
rng = np.random.default_rng(14)
N, B = 44, 8  # last batch is partial (44 = 5 * 8 + 4)

x = rng.standard_normal((N, 3)).astype("float32")
y = (np.sin(x[:, :1]) + x[:, 1:2] * x[:, 2:3]).astype("float32")
sw = rng.uniform(0.5, 1.5, (N,)).astype("float32")


class Sequence(keras.utils.PyDataset):
    def __init__(self, x, y, sw=None, batch_size=B, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.sw, self.batch_size = x, y, sw, batch_size

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, idx):
        s = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        if self.sw is None:
            return self.x[s], self.y[s]
        return self.x[s], self.y[s], self.sw[s]


def generator(epochs):
    for _ in range(epochs):
        for i in range(0, N, B):
            yield x[i:i + B], y[i:i + B]


def make():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(8, activation="tanh"),
                              layers.Dense(1)])
    set_weights_from_rng(model, seed=14)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def run(tag, train, val=None, predict_source=None, **fit_kwargs):
    m = make()
    h = m.fit(train, validation_data=val, epochs=2, verbose=0, **fit_kwargs)
    out = {"history": h.history, "weights": m.get_weights()}
    if predict_source is not None:
        out["predict"] = m.predict(predict_source, verbose=0)
    result[tag] = out


result = {}
m = make()
result["fwd_predict_pydataset"] = m.predict(Sequence(x, y), verbose=0)
result["fwd_evaluate_pydataset"] = m.evaluate(Sequence(x, y), verbose=0)
result["fwd_evaluate_pydataset_sw"] = m.evaluate(Sequence(x, y, sw), verbose=0)
result["fwd_evaluate_generator"] = m.evaluate(generator(1), steps=math.ceil(N / B), verbose=0)
result["fwd_predict_generator"] = m.predict(((xb,) for xb, _ in generator(1)), verbose=0)
try:  # a generator must yield tuples
    m.predict((xb for xb, _ in generator(1)), verbose=0)
    result["bare_generator_error"] = None
except Exception as exc:  # noqa: BLE001 - record the type
    result["bare_generator_error"] = type(exc).__name__

import tensorflow as tf  # noqa: E402 - installed on every backend

ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(B)
result["fwd_evaluate_tf_data"] = m.evaluate(ds, verbose=0)
result["fwd_predict_tf_data"] = m.predict(ds.map(lambda a, b: a), verbose=0)
if backend() == "torch":
    import torch

    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
        batch_size=B, shuffle=False)
    result["fwd_evaluate_torch_loader"] = m.evaluate(loader, verbose=0)
    result["fwd_predict_torch_loader"] = m.predict(loader, verbose=0)

if can_train():
    m = make()
    h = m.fit(x, y, batch_size=B, epochs=2, shuffle=False, verbose=0,
              validation_data=(x[:12], y[:12]))
    result["arrays"] = {"history": h.history, "weights": m.get_weights()}
    run("pydataset", Sequence(x, y), val=Sequence(x[:12], y[:12]),
        predict_source=Sequence(x[:5], y[:5]), shuffle=False)
    run("pydataset_sw", Sequence(x, y, sw), shuffle=False)
    run("generator", generator(2), steps_per_epoch=math.ceil(N / B))
    run("tf_data", ds, val=tf.data.Dataset.from_tensor_slices((x[:12], y[:12])).batch(B))
    if backend() == "torch":
        run("torch_loader", loader, val=loader)
emit(result)
