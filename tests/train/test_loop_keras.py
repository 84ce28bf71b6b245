"""kc fit against real Keras 3 training: same weights and History from the same start.

Both start from the same initial weights (drawn with NumPy) and data and train with
shuffle=False, so every step sees the same batch. Importing Keras costs ~25 s of CPU,
so the default test compares with results recorded from Keras 3.15.1
(``keras_fit_oracle.json``, written by ``KC_BACKEND=torch python
tests/train/test_loop_keras.py``: real Keras on KERAS_BACKEND=torch); the `slow` test
runs Keras live in a subprocess on kc's backend.
"""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import kc
from kc import layers
from kc_testing import BACKEND, assert_close

pytestmark = pytest.mark.grad

RNG = np.random.default_rng(7)
X = RNG.normal(size=(12, 3)).astype("float32")
Y_REG = RNG.normal(size=(12, 2)).astype("float32")
Y_CLS = RNG.integers(0, 3, size=(12,)).astype("int32")
SW = RNG.uniform(0.5, 2.0, size=(12,)).astype("float32")
RECORDED = pathlib.Path(__file__).with_name("keras_fit_oracle.json")

# Each case: how to build, compile and fit; the same text runs in Keras and in kc.
CASES = {
    "sgd_regression": dict(
        layers="[L.Dense(4, activation='relu'), L.Dense(2)]",
        compile="optimizer=K.optimizers.SGD(learning_rate=0.05), loss='mse', metrics=['mae']",
        fit="x=X, y=Y_REG, sample_weight=SW, batch_size=5, epochs=2, validation_split=0.25",
    ),
    "adam_classifier": dict(
        layers="[L.Dense(4, activation='tanh'), L.Dense(3, activation='softmax')]",
        compile="optimizer=K.optimizers.Adam(learning_rate=0.01), "
                "loss='sparse_categorical_crossentropy', metrics=['accuracy']",
        fit="x=X, y=Y_CLS, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, batch_size=4, epochs=2",
    ),
}

_SCRIPT = r"""
import json, sys
import numpy as np
import keras as K
from keras import layers as L
data = np.load(sys.argv[1])
X, Y_REG, Y_CLS, SW = data["X"], data["Y_REG"], data["Y_CLS"], data["SW"]
cases = json.loads(sys.argv[2])
out = {}
for name, case in cases.items():
    model = K.Sequential([K.Input((3,))] + eval(case["layers"]))
    model.set_weights([data[f"{name}_{i}"] for i in range(len(model.weights))])
    model.compile(**eval("dict(" + case["compile"] + ")"))
    history = model.fit(shuffle=False, verbose=0, **eval("dict(" + case["fit"] + ")"))
    out[name] = {"weights": [w.tolist() for w in model.get_weights()],
                 "history": history.history}
print("RESULT" + json.dumps(out))
"""


def _build(case):
    env = {"K": kc, "L": layers}
    model = kc.Sequential([kc.Input((3,))] + eval(case["layers"], env))
    # XLA-compiling every batch shape on tensorflow costs ~10 s here; tf.function stays.
    jit = {"jit_compile": False} if BACKEND == "tensorflow" else {}
    model.compile(**eval("dict(" + case["compile"] + ")", env), **jit)
    return model


def _kc_fit(model, case):
    env = {"X": X, "Y_REG": Y_REG, "Y_CLS": Y_CLS, "SW": SW}
    return model.fit(shuffle=False, verbose=0, **eval("dict(" + case["fit"] + ")", env))


def _initial_weights() -> dict:
    """NumPy-drawn starting weights per case (independent of any initializer)."""
    rng = np.random.default_rng(11)
    initial = {}
    for name, case in CASES.items():
        for i, w in enumerate(_build(case).get_weights()):
            initial[f"{name}_{i}"] = rng.normal(scale=0.5, size=w.shape).astype("float32")
    return initial


def run_keras(backend: str, tmp_dir) -> dict:
    """Real Keras 3 training of every case in a subprocess with KERAS_BACKEND=backend."""
    path = pathlib.Path(tmp_dir) / "data.npz"
    np.savez(path, X=X, Y_REG=Y_REG, Y_CLS=Y_CLS, SW=SW, **_initial_weights())
    env = dict(os.environ, KERAS_BACKEND=backend)
    env.pop("KC_BACKEND", None)
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, str(path), json.dumps(CASES)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


def check_case(name, expected) -> None:
    case = CASES[name]
    initial = _initial_weights()
    model = _build(case)
    model.set_weights([initial[f"{name}_{i}"] for i in range(len(model.weights))])
    history = _kc_fit(model, case)
    for got, want in zip(model.get_weights(), expected["weights"]):
        assert_close(got, np.asarray(want, dtype="float32"), rtol=1e-5, atol=1e-6)
    assert sorted(history.history) == sorted(expected["history"])
    for key, values in expected["history"].items():
        assert_close(np.asarray(history.history[key], "float32"),
                     np.asarray(values, "float32"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fit_matches_recorded_keras(name):
    check_case(name, json.loads(RECORDED.read_text())[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_fit_matches_live_keras(name, tmp_path):
    pytest.importorskip("keras")
    check_case(name, run_keras(BACKEND, tmp_path)[name])


if __name__ == "__main__":  # regenerate the recorded results (see the module docstring)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        results = run_keras(kc.config.backend(), tmp)
    RECORDED.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {RECORDED}")
