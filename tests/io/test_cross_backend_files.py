"""One checkpoint, every backend: a .keras file saved on each of numpy, jax, torch and
tensorflow loads on each of them (all 16 pairs) with the saving backend's predictions.

jax/torch/tensorflow save a compiled model after two optimizer steps (optimizer state
included); numpy saves a built, untrained model. Each backend runs in its own process
(`python this_file.py save|load DIR`); the numpy test run drives them.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run as a script
from kc_testing import BACKEND  # noqa: E402

SCRIPT = os.path.abspath(__file__)
BACKENDS = ("numpy", "jax", "torch", "tensorflow")


def _inputs():
    rng = np.random.default_rng(7)
    return {"tokens": rng.integers(0, 10, (3, 6)).astype("int32"),
            "features": rng.standard_normal((3, 6, 4)).astype("float32")}


def _model():
    import kc
    from kc import layers

    tokens = kc.Input((6,), dtype="int32", name="tokens")
    features = kc.Input((6, 4), name="features")
    x = layers.Concatenate()([layers.Embedding(10, 3)(tokens), features])
    x = layers.Conv1D(5, 3, padding="same", activation="relu")(x)
    x = layers.BatchNormalization()(x)
    x = layers.GlobalAveragePooling1D()(x)
    model = kc.Model({"tokens": tokens, "features": features}, layers.Dense(2)(x))
    rng = np.random.default_rng(1)
    model.set_weights([rng.standard_normal(w.shape).astype(w.dtype) * 0.5 + (1.0 if i in (6, 7) else 0)
                       if "variance" not in w.path else np.abs(rng.standard_normal(w.shape)).astype(w.dtype) + 0.5
                       for i, w in enumerate(model.weights)])
    return model


def _predict(model):
    import kc

    return kc.backend.convert_to_numpy(model(_inputs())).astype("float32").tolist()


def save(directory):
    import kc

    model = _model()
    if kc.config.backend() != "numpy":
        model.compile(optimizer=kc.optimizers.Adam(0.01), loss="mse")
        model.optimizer.build(model.trainable_variables)
        for _ in range(2):  # "trained": fixed pseudo-gradients, no autodiff needed
            grads = [kc.ops.cos(v.value) * 0.1 for v in model.trainable_variables]
            model.optimizer.apply(grads, model.trainable_variables)
    backend = kc.config.backend()
    model.save(os.path.join(directory, f"{backend}.keras"))
    with open(os.path.join(directory, f"{backend}.json"), "w") as f:
        json.dump(_predict(model), f)


def load(directory):
    import kc

    results = {}
    for source in BACKENDS:
        model = kc.saving.load_model(os.path.join(directory, f"{source}.keras"))
        iterations = None
        if model.optimizer is not None:
            iterations = int(kc.backend.convert_to_numpy(model.optimizer.iterations))
        results[source] = {"y": _predict(model), "iterations": iterations}
    return results


def _run(mode, backend, directory):
    env = dict(os.environ, KC_BACKEND=backend)
    return subprocess.Popen([sys.executable, SCRIPT, mode, directory], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc, what):
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"{what} failed:\n{err[-3000:]}"
    return out


@pytest.mark.slow  # six subprocesses, each importing a framework (minutes on a busy machine)
@pytest.mark.skipif(BACKEND != "numpy", reason="the numpy run drives all four backends once")
def test_every_backend_loads_every_backends_file(tmp_path):
    directory = str(tmp_path)
    others = [b for b in BACKENDS if b != "numpy"]
    procs = {b: _run("save", b, directory) for b in others}
    save(directory)
    for b, proc in procs.items():
        _finish(proc, f"saving on {b}")
    procs = {b: _run("load", b, directory) for b in others}
    results = {"numpy": load(directory)}
    for b, proc in procs.items():
        results[b] = json.loads(_finish(proc, f"loading on {b}").splitlines()[-1])
    for source in BACKENDS:
        with open(os.path.join(directory, f"{source}.json")) as f:
            expected = np.array(json.load(f), "float32")
        for target in BACKENDS:
            got = results[target][source]
            np.testing.assert_allclose(np.array(got["y"], "float32"), expected, rtol=1e-5, atol=1e-5,
                                       err_msg=f"saved on {source}, loaded on {target}")
            assert got["iterations"] == (None if source == "numpy" else 2), (source, target)


if __name__ == "__main__":
    mode, directory = sys.argv[1], sys.argv[2]
    if mode == "save":
        save(directory)
    else:
        print(json.dumps(load(directory)))
