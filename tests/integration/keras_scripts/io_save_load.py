"""Saving and loading as keras.io "Save, serialize, and export models" shows: model.save(.keras)
-> keras.models.load_model, save_weights / load_weights (.weights.h5), to_json /
model_from_json, a registered custom layer, the optimizer state kept so that training goes on
exactly as without the save.

Cross-loading: when this script runs on kc (`keras` is kc), it also asks real Keras 3 (a
subprocess through _run.py, same backend) to write the same files, loads them with kc, and asks
real Keras to load kc's files. Under real Keras the same keys hold Keras's own round trip, so the
comparison checks "kc reads Keras's files" and "Keras reads kc's files" against Keras.

    _run.py MODE io_save_load.py --write DIR   # only write the files into DIR
    _run.py MODE io_save_load.py --read DIR    # only read DIR, print READ {json}
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

import keras
from keras import layers, ops
from _common import _plain, can_train, emit, set_weights_from_rng

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_run.py")
IS_KC = keras.__name__ != "keras"

rng = np.random.default_rng(15)
x = rng.standard_normal((40, 5)).astype("float32")
y = (x[:, :2] * 0.5 - x[:, 2:4]).astype("float32")


@keras.saving.register_keras_serializable(package="AcceptIO")
class Gated(layers.Layer):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], 2 * self.units), name="kernel")
        self.bias = self.add_weight(shape=(2 * self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        a, b = ops.split(ops.matmul(inputs, self.kernel) + self.bias, 2, axis=-1)
        return a * ops.sigmoid(b)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def build():
    inputs = keras.Input(shape=(5,), name="x")
    h = Gated(6, name="gated")(inputs)
    h = layers.BatchNormalization(name="bn")(h)
    outputs = layers.Dense(2, name="head")(h)
    model = keras.Model(inputs, outputs, name="io_model")
    set_weights_from_rng(model, seed=15)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def write(directory):
    """Build, train one epoch (training backends), write the three files."""
    model = build()
    if can_train():
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    model.save(os.path.join(directory, "model.keras"))
    model.save_weights(os.path.join(directory, "model.weights.h5"))
    with open(os.path.join(directory, "model.json"), "w") as fh:
        fh.write(model.to_json())
    return model


def read(directory):
    """What a reader sees of the files in `directory`."""
    out = {}
    loaded = keras.models.load_model(os.path.join(directory, "model.keras"))
    out["load_model_predict"] = loaded.predict(x[:4], verbose=0)
    out["load_model_layers"] = [type(layer).__name__ for layer in loaded.layers]
    out["load_model_optimizer"] = type(loaded.optimizer).__name__ if loaded.optimizer else None
    out["load_model_iterations"] = (
        int(ops.convert_to_numpy(loaded.optimizer.iterations)) if loaded.optimizer else None)
    out["load_model_evaluate"] = loaded.evaluate(x, y, verbose=0)
    fresh = build()
    fresh.load_weights(os.path.join(directory, "model.weights.h5"))
    out["load_weights_predict"] = fresh.predict(x[:4], verbose=0)
    with open(os.path.join(directory, "model.json")) as fh:
        from_json = keras.models.model_from_json(fh.read())
    from_json.load_weights(os.path.join(directory, "model.weights.h5"))
    out["from_json_predict"] = from_json.predict(x[:4], verbose=0)
    if can_train():  # the reloaded optimizer continues where the writer stopped
        loaded.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        out["load_model_continue_predict"] = loaded.predict(x[:4], verbose=0)
    return out


def other(mode, *args):
    """Run this script under the other implementation (real Keras) with `args`."""
    proc = subprocess.run([sys.executable, RUNNER, mode, os.path.abspath(__file__), *args],
                          capture_output=True, text=True, timeout=600)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("READ ")]
    if proc.returncode:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-1:]
        return {"error": f"exit {proc.returncode}: {tail}"}
    return json.loads(lines[-1][5:]) if lines else {}


if len(sys.argv) == 3 and sys.argv[1] == "--write":
    write(sys.argv[2])
    sys.exit(0)
if len(sys.argv) == 3 and sys.argv[1] == "--read":
    print("READ " + json.dumps(_plain(read(sys.argv[2]))), flush=True)
    sys.exit(0)

keras.utils.set_random_seed(15)
tmp = tempfile.mkdtemp()
own = os.path.join(tmp, "own")
os.makedirs(own)
model = write(own)
result = {"fwd_predict": model.predict(x[:4], verbose=0),
          "weight_names": [w.name for w in model.weights],
          "json_config": json.loads(model.to_json())["config"]["layers"][1]["config"]}
result["own"] = read(own)

if can_train():  # fit after save/load == fit without the save
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    result["continue_original_predict"] = model.predict(x[:4], verbose=0)
    result["continue_equal"] = bool(np.allclose(
        result["continue_original_predict"], result["own"]["load_model_continue_predict"],
        rtol=1e-5, atol=1e-6))

if IS_KC:
    theirs = os.path.join(tmp, "keras")
    os.makedirs(theirs)
    written = other("keras", "--write", theirs)
    try:
        result["cross_kc_reads_keras"] = written or read(theirs)
    except Exception as exc:  # noqa: BLE001 - reported as a difference, the rest still compared
        result["cross_kc_reads_keras"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    result["cross_keras_reads_kc"] = other("keras", "--read", own)
else:  # the reference: Keras reading Keras's files
    result["cross_kc_reads_keras"] = result["own"]
    result["cross_keras_reads_kc"] = result["own"]
emit(result)
