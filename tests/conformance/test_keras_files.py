"""Keras 3 file compatibility: .keras files written by Keras 3.15 load in kc, and kc's
load in Keras, with equal predictions and optimizer state.

The same builder code makes the model in both libraries (`build(keras)` with
``import keras`` or ``import kc as keras``). Keras runs in one subprocess
(``KERAS_BACKEND=jax``, so it can train: compiled with Adam, one train step); kc
runs on the backend of this test run. Skipped when keras is not installed.
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run as a script

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                reason="keras is not installed (conformance group)")
SCRIPT = os.path.abspath(__file__)
KINDS = ("sequential", "functional")


def build(keras, kind):
    layers = keras.layers
    if kind == "sequential":
        return keras.Sequential([
            keras.Input((6,), dtype="int32"), layers.Embedding(10, 4),
            layers.Conv1D(5, 3, padding="same", activation="relu"), layers.BatchNormalization(),
            layers.LSTM(3), layers.Dense(2)])
    inp = keras.Input((6, 4))
    x = layers.Conv2D(3, (2, 2), padding="same")(layers.Reshape((6, 4, 1))(inp))
    x = layers.BatchNormalization()(layers.Reshape((6, 12))(x))
    x = layers.Concatenate()([layers.LSTM(3)(x), layers.Dense(2, activation="tanh")(layers.Flatten()(inp))])
    return keras.Model(inp, layers.Dense(2)(x))


def data(kind):
    rng = np.random.default_rng(3)
    x = (rng.integers(0, 10, (4, 6)).astype("int32") if kind == "sequential"
         else rng.standard_normal((4, 6, 4)).astype("float32"))
    return x, rng.standard_normal((4, 2)).astype("float32")


def keras_side(directory):
    """In the Keras subprocess: write Keras files, load kc's files."""
    import keras

    out = {}
    for kind in KINDS:
        x, y = data(kind)
        model = build(keras, kind)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        model.train_on_batch(x, y)
        model.save(os.path.join(directory, f"keras_{kind}.keras"))
        kc_model = keras.saving.load_model(os.path.join(directory, f"kc_{kind}.keras"))
        out[kind] = {
            "keras_y": np.asarray(model.predict(x, verbose=0)).tolist(),
            "keras_iterations": int(model.optimizer.iterations.numpy()),
            "kc_y": np.asarray(kc_model.predict(x, verbose=0)).tolist(),
            "kc_iterations": int(np.asarray(kc_model.optimizer.iterations)),
        }
    return out


@pytest.fixture(scope="module")
def exchanged(tmp_path_factory):
    import kc

    directory = str(tmp_path_factory.mktemp("conformance"))
    expected = {}
    for kind in KINDS:
        x, _ = data(kind)
        model = build(kc, kind)
        model.compile(optimizer=kc.optimizers.Adam(0.01), loss="mse")
        model.optimizer.build(model.trainable_variables)
        model.optimizer.apply([kc.ops.cos(v.value) * 0.1 for v in model.trainable_variables],
                              model.trainable_variables)
        expected[kind] = kc.backend.convert_to_numpy(model(x))
        model.save(os.path.join(directory, f"kc_{kind}.keras"))
    env = dict(os.environ, KERAS_BACKEND="jax")
    env.pop("KC_BACKEND", None)
    proc = subprocess.run([sys.executable, SCRIPT, directory], env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return directory, expected, json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize("kind", KINDS)
def test_keras_file_loads_in_kc(exchanged, kind):
    import kc

    directory, _, keras_results = exchanged
    model = kc.saving.load_model(os.path.join(directory, f"keras_{kind}.keras"))
    x, _ = data(kind)
    np.testing.assert_allclose(kc.backend.convert_to_numpy(model(x)),
                               np.array(keras_results[kind]["keras_y"], "float32"),
                               rtol=1e-4, atol=1e-5)
    assert int(kc.backend.convert_to_numpy(model.optimizer.iterations)) == 1
    assert model.compiled and model.get_compile_config()["loss"] == "mse"


@pytest.mark.parametrize("kind", KINDS)
def test_kc_file_loads_in_keras(exchanged, kind):
    _, expected, keras_results = exchanged
    np.testing.assert_allclose(np.array(keras_results[kind]["kc_y"], "float32"), expected[kind],
                               rtol=1e-4, atol=1e-5)
    assert keras_results[kind]["kc_iterations"] == 1


if __name__ == "__main__":
    print(json.dumps(keras_side(sys.argv[1])))
