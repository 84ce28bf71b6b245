"""Eager dispatch cost of kc.ops.add and kc.ops.matmul against the native call.

Prints, per backend and shape, kc/native and keras/native time ratios
(Keras 3 when importable). Target: kc/native <= 1.3 on (8, 8).

    uv run python tools/bench/dispatch.py
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import best_time, keras_or_none, pin_threads, run_per_backend  # noqa: E402

SHAPES = ((8, 8), (256, 256))


def _native_ops(backend: str):
    if backend == "numpy":
        import numpy as np

        return np.add, np.matmul
    if backend == "jax":
        import jax.numpy as jnp

        return jnp.add, jnp.matmul
    if backend == "torch":
        import torch

        return torch.add, torch.matmul
    import tensorflow as tf

    return tf.add, tf.linalg.matmul


def child() -> None:
    pin_threads()
    import numpy as np

    import kc

    backend = kc.config.backend()
    keras = keras_or_none()
    native_add, native_matmul = _native_ops(backend)
    out = {}
    for shape in SHAPES:
        rng = np.random.default_rng(0)
        a = kc.backend.convert_to_tensor(rng.random(shape, dtype=np.float32))
        b = kc.backend.convert_to_tensor(rng.random(shape, dtype=np.float32))
        if backend == "jax":
            sync = lambda r: r.block_until_ready()  # noqa: E731
        else:
            sync = lambda r: r  # noqa: E731
        number = 2000 if shape == (8, 8) else 200
        for name, kc_fn, native_fn, keras_fn in (
            ("add", kc.ops.add, native_add, keras and keras.ops.add),
            ("matmul", kc.ops.matmul, native_matmul, keras and keras.ops.matmul),
        ):
            t_native = best_time(lambda: sync(native_fn(a, b)), number)
            t_kc = best_time(lambda: sync(kc_fn(a, b)), number)
            t_native = min(t_native, best_time(lambda: sync(native_fn(a, b)), number))
            row = {"native_us": t_native * 1e6, "kc_us": t_kc * 1e6, "kc_ratio": t_kc / t_native}
            if keras_fn is not None:
                t_keras = best_time(lambda: sync(keras_fn(a, b)), number)
                row.update(keras_us=t_keras * 1e6, keras_ratio=t_keras / t_native)
            out[f"{name} {shape[0]}x{shape[1]}"] = row
    print(json.dumps(out))


def main() -> None:
    results = run_per_backend(__file__)
    print(f"{'backend':<11}{'op':<15}{'native us':>10}{'kc us':>9}{'kc/native':>11}{'keras/native':>14}")
    worst = 0.0
    for backend, rows in results.items():
        if "error" in rows:
            print(f"{backend:<11}error: {rows['error']}")
            continue
        for op, r in rows.items():
            keras = f"{r['keras_ratio']:.2f}" if "keras_ratio" in r else "-"
            print(f"{backend:<11}{op:<15}{r['native_us']:>10.2f}{r['kc_us']:>9.2f}{r['kc_ratio']:>11.2f}{keras:>14}")
            if op.endswith("8x8"):
                worst = max(worst, r["kc_ratio"])
    print(f"worst kc/native on 8x8: {worst:.2f} (target <= 1.30)")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
