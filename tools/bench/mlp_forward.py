"""Eager forward of a 3-layer Dense MLP: kc model vs the same forward written natively.

A (32, 784) float32 batch through Dense(256, relu) -> Dense(256, relu) -> Dense(10),
same weights everywhere. Prints kc/native and Keras 3/native time ratios per
backend (medians over interleaved rounds; times are the best round). Target (issue 5): kc/native <= 1.2.

    uv run python tools/bench/mlp_forward.py [numpy jax torch tensorflow]
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import (BACKENDS, interleaved, keras_or_none, median_ratio,  # noqa: E402
                     pin_threads, run_per_backend)

SIZES = (784, 256, 256, 10)
BATCH = 32


def _native_forward(backend: str, weights):
    if backend == "numpy":
        import numpy as np

        def forward(x):
            (w1, b1), (w2, b2), (w3, b3) = weights
            h = np.maximum(np.matmul(x, w1) + b1, 0)
            h = np.maximum(np.matmul(h, w2) + b2, 0)
            return np.matmul(h, w3) + b3
    elif backend == "jax":
        import jax.numpy as jnp

        def forward(x):
            (w1, b1), (w2, b2), (w3, b3) = weights
            h = jnp.maximum(jnp.matmul(x, w1) + b1, 0)
            h = jnp.maximum(jnp.matmul(h, w2) + b2, 0)
            return (jnp.matmul(h, w3) + b3).block_until_ready()
    elif backend == "torch":
        import torch

        def forward(x):
            (w1, b1), (w2, b2), (w3, b3) = weights
            with torch.no_grad():
                h = torch.relu(torch.matmul(x, w1) + b1)
                h = torch.relu(torch.matmul(h, w2) + b2)
                return torch.matmul(h, w3) + b3
    else:
        import tensorflow as tf

        # A native TF model keeps its weights in tf.Variables (tf.Module, as kc and Keras
        # do), so each forward reads them; constants would skip the six reads.
        weights = [(tf.Variable(w), tf.Variable(b)) for w, b in weights]

        def forward(x):
            (w1, b1), (w2, b2), (w3, b3) = weights
            h = tf.nn.relu(tf.matmul(x, w1) + b1)
            h = tf.nn.relu(tf.matmul(h, w2) + b2)
            return tf.matmul(h, w3) + b3
    return forward


def _model(lib, arrays):
    layers = [lib.layers.Dense(n, activation="relu" if i < 2 else None)
              for i, n in enumerate(SIZES[1:])]
    model = lib.Sequential([lib.Input((SIZES[0],))] + layers)
    model.set_weights(arrays)
    return model


def child() -> None:
    pin_threads()
    import numpy as np

    import kc

    backend = kc.config.backend()
    rng = np.random.default_rng(0)
    arrays = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        arrays += [rng.standard_normal((n_in, n_out), dtype=np.float32) * 0.05,
                   rng.standard_normal((n_out,), dtype=np.float32) * 0.05]
    tensors = [kc.backend.convert_to_tensor(a) for a in arrays]
    weights = list(zip(tensors[0::2], tensors[1::2]))
    x = kc.backend.convert_to_tensor(rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32))
    native = _native_forward(backend, weights)
    model = _model(kc, arrays)
    sync = (lambda r: r.block_until_ready()) if backend == "jax" else (lambda r: r)

    def run_kc():
        return sync(model(x))

    if backend == "torch":
        import torch

        def run_kc():  # noqa: F811 - inference without autograd, as the native forward
            with torch.no_grad():
                return model(x)

    assert np.allclose(kc.backend.convert_to_numpy(run_kc()), kc.backend.convert_to_numpy(native(x)),
                       rtol=1e-4, atol=1e-4)
    fns = {"native": lambda: native(x), "kc": run_kc}
    keras = keras_or_none()
    if keras is not None:
        kmodel = _model(keras, arrays)
        if backend == "torch":
            import torch

            def run_keras():
                with torch.no_grad():
                    return kmodel(x)
        else:
            def run_keras():
                return sync(kmodel(x))
        fns["keras"] = run_keras
    times = interleaved(fns, number=100, rounds=9)
    row = {"native_us": min(times["native"]) * 1e6, "kc_us": min(times["kc"]) * 1e6,
           "kc_ratio": median_ratio(times, "kc", "native")}
    if "keras" in times:
        row.update(keras_us=min(times["keras"]) * 1e6,
                   keras_ratio=median_ratio(times, "keras", "native"))
    print(json.dumps(row))


def main() -> None:
    results = run_per_backend(__file__, backends=tuple(sys.argv[1:]) or BACKENDS)
    print(f"{'backend':<11}{'native us':>10}{'kc us':>9}{'kc/native':>11}{'keras/native':>14}")
    worst = 0.0
    for backend, r in results.items():
        if "error" in r:
            print(f"{backend:<11}error: {r['error']}")
            continue
        keras = f"{r['keras_ratio']:.2f}" if "keras_ratio" in r else "-"
        print(f"{backend:<11}{r['native_us']:>10.1f}{r['kc_us']:>9.1f}{r['kc_ratio']:>11.2f}{keras:>14}")
        worst = max(worst, r["kc_ratio"])
    print(f"worst kc/native: {worst:.2f} (target <= 1.20)")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
