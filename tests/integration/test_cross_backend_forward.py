"""The same model code on every backend: same weights in, same outputs out.

`build_and_run` builds a functional model (shared layer, nested Sequential,
kc.ops, activations), loads weights exported as NumPy arrays, and runs it.
Each backend's run is checked against a NumPy forward written here; the
numpy-backend run also runs the model under jax, torch and tensorflow in
subprocesses and compares all four outputs.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run as a script
from kc_testing import BACKEND, assert_close, to_numpy  # noqa: E402

SCRIPT = os.path.abspath(__file__)


def _weights_and_inputs():
    rng = np.random.default_rng(42)
    shapes = [(4, 3), (3,), (3, 5), (5,), (5, 2), (2,)]
    weights = [rng.standard_normal(s).astype("float32") * 0.5 for s in shapes]
    inputs = {"a": rng.standard_normal((6, 4)).astype("float32"),
              "b": rng.standard_normal((6, 4)).astype("float32")}
    return weights, inputs


def build_and_run():
    import kc
    from kc import layers, ops

    a, b = kc.Input((4,), name="a"), kc.Input((4,), name="b")
    shared = layers.Dense(3, activation="tanh", name="shared")
    merged = ops.multiply(shared(a), ops.sigmoid(shared(b)))
    tower = kc.Sequential([layers.Dense(5, activation="relu"), layers.Dense(2)], name="tower")
    logits = tower(merged)
    model = kc.Model({"a": a, "b": b}, [ops.softmax(logits, axis=-1), ops.sum(merged, axis=-1)])
    weights, inputs = _weights_and_inputs()
    model.set_weights(weights)
    return [to_numpy(y) for y in model(inputs)]


def numpy_reference():
    (w1, b1, w2, b2, w3, b3), inputs = _weights_and_inputs()
    ha = np.tanh(inputs["a"] @ w1 + b1)
    hb = np.tanh(inputs["b"] @ w1 + b1)
    merged = ha * (1 / (1 + np.exp(-hb)))
    logits = np.maximum(merged @ w2 + b2, 0) @ w3 + b3
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return [e / e.sum(-1, keepdims=True), merged.sum(-1)]


def test_forward_matches_numpy_reference():
    for got, want in zip(build_and_run(), numpy_reference()):
        assert_close(got, want.astype("float32"), rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(BACKEND != "numpy", reason="the numpy run compares all four backends once")
def test_all_backends_give_the_same_outputs():
    outputs = {"numpy": build_and_run()}
    for backend in ("jax", "torch", "tensorflow"):
        env = dict(os.environ, KC_BACKEND=backend)
        proc = subprocess.run([sys.executable, SCRIPT], env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        outputs[backend] = [np.array(y, "float32") for y in json.loads(proc.stdout.splitlines()[-1])]
    for backend, ys in outputs.items():
        for got, want in zip(ys, outputs["numpy"]):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=backend)


if __name__ == "__main__":
    print(json.dumps([y.tolist() for y in build_and_run()]))
