"""Adapter overhead: iterating kc.data adapters against the raw source with native conversion.

Per backend (one fresh process each), one epoch of batches of 128 x (28, 28, 1)
float32 plus int32 labels, from
  * NumPy arrays: raw = slice x[s:s+128], y[s:s+128] and convert each natively
    (numpy: as is, torch: torch.from_numpy(...).to(kc's device), jax: jnp.asarray,
    tf: tf.convert_to_tensor);
  * a torch DataLoader over a TensorDataset: raw = iterate it and convert each
    batch natively (torch: as is, numpy: .numpy(), jax/tf: from .numpy()).
kc = `get_data_adapter(...).get_backend_iterator()`; keras = Keras 3's adapter
iterator for that backend (numpy/jax: get_numpy/jax_iterator, torch:
get_torch_dataloader, tf: get_tf_dataset). Target: kc/raw <= 1.10.

    uv run python tools/bench/data_adapter.py
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import best_time, keras_or_none, pin_threads, run_per_backend  # noqa: E402

N_ARRAY, N_LOADER, BATCH = 128 * 60, 128 * 10, 128


def _native_convert(backend):
    import numpy as np

    if backend == "numpy":
        return lambda a: a if isinstance(a, np.ndarray) else a.numpy()
    if backend == "torch":
        import torch

        import kc

        device = kc.backend.convert_to_tensor(np.zeros(1)).device   # kc's device (CUDA if present)
        return lambda a: (torch.from_numpy(a) if not isinstance(a, torch.Tensor) else a).to(device)
    if backend == "jax":
        import jax.numpy as jnp

        return lambda a: jnp.asarray(a if not hasattr(a, "numpy") else a.numpy())
    import tensorflow as tf

    return lambda a: tf.convert_to_tensor(a if not hasattr(a, "numpy") else a.numpy())


def _sync(backend):
    if backend == "jax":
        return lambda b: b.block_until_ready() if hasattr(b, "block_until_ready") else b
    return lambda b: b


def _keras_iter(adapter, backend):
    return {"numpy": adapter.get_numpy_iterator, "jax": adapter.get_jax_iterator,
            "torch": adapter.get_torch_dataloader, "tensorflow": adapter.get_tf_dataset}[backend]()


def child() -> None:
    pin_threads()
    import torch  # first: torch's native libraries must load before jaxlib / TensorFlow's

    import numpy as np

    import kc
    from kc.data import get_data_adapter

    backend = kc.config.backend()
    conv, sync = _native_convert(backend), _sync(backend)
    rng = np.random.default_rng(0)
    x = rng.random((N_ARRAY, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, N_ARRAY).astype(np.int32)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x[:N_LOADER]),
                                       torch.from_numpy(y[:N_LOADER])), batch_size=BATCH)

    def raw_arrays():
        for s in range(0, N_ARRAY, BATCH):
            b = (conv(x[s:s + BATCH]), conv(y[s:s + BATCH]))
        sync(b[0])

    def raw_loader():
        for xb, yb in loader:
            b = (conv(xb), conv(yb))
        sync(b[0])

    kc_arrays_adapter = get_data_adapter(x, y, batch_size=BATCH)
    kc_loader_adapter = get_data_adapter(loader)

    def kc_run(adapter):
        def run():
            for b in adapter.get_backend_iterator():
                pass
            sync(b[0])
        return run

    keras = keras_or_none()
    keras_fns = {}
    if keras is not None:
        from keras.src.trainers.data_adapters import get_data_adapter as keras_adapter

        for name, args in (("arrays", ((x, y), {"batch_size": BATCH})), ("loader", ((loader,), {}))):
            ka = keras_adapter(*args[0], **args[1])

            def run(ka=ka):
                for b in _keras_iter(ka, backend):
                    pass
            keras_fns[name] = run

    out = {}
    for name, raw, kc_fn, repeat in (("numpy arrays", raw_arrays, kc_run(kc_arrays_adapter), 7),
                                     ("torch DataLoader", raw_loader, kc_run(kc_loader_adapter), 5)):
        t_raw = best_time(raw, 1, repeat)
        t_kc = best_time(kc_fn, 1, repeat)
        t_raw = min(t_raw, best_time(raw, 1, repeat))        # interleave against machine drift
        t_kc = min(t_kc, best_time(kc_fn, 1, repeat))
        row = {"raw_ms": t_raw * 1e3, "kc_ms": t_kc * 1e3, "kc_ratio": t_kc / t_raw}
        key = "arrays" if name == "numpy arrays" else "loader"
        if key in keras_fns:
            try:
                t_keras = best_time(keras_fns[key], 1, 3)
                row.update(keras_ms=t_keras * 1e3, keras_ratio=t_keras / t_raw)
            except Exception as e:  # noqa: BLE001 - report, do not fail the kc numbers
                row["keras_error"] = f"{type(e).__name__}: {e}"[:120]
        out[name] = row
    print(json.dumps(out))


def main() -> None:
    results = run_per_backend(__file__)
    print(f"{'backend':<11}{'source':<18}{'raw ms':>9}{'kc ms':>9}{'kc/raw':>8}{'keras/raw':>11}")
    worst = 0.0
    for backend, rows in results.items():
        if "error" in rows:
            print(f"{backend:<11}error: {rows['error']}")
            continue
        for source, r in rows.items():
            keras = f"{r['keras_ratio']:.2f}" if "keras_ratio" in r else "-"
            print(f"{backend:<11}{source:<18}{r['raw_ms']:>9.2f}{r['kc_ms']:>9.2f}"
                  f"{r['kc_ratio']:>8.2f}{keras:>11}")
            worst = max(worst, r["kc_ratio"])
    print(f"worst kc/raw: {worst:.2f} (target <= 1.10)")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
