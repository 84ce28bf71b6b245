"""Save + load time of a ~100 MB model vs writing/reading the same arrays with plain h5py.

Model: a Sequential MLP of 4 Dense(2500) layers, ~25M float32 parameters (~100 MB).
Per backend, in its own process, timed in interleaved rounds:
  h5py         write each array as a dataset, then read each back into NumPy (the baseline)
  weights.h5   ``model.save_weights`` + ``model.load_weights``
  keras        ``model.save`` (.keras archive) + ``model.load_weights`` of the archive
  load_model   ``model.save`` + ``kc.saving.load_model`` (builds a new model from the file)
  Keras 3      ``model.save`` + ``load_weights`` with Keras 3 (same backend), when installed
Ratios are best time / best h5py time over the rounds, by wall clock and by process CPU
time (steadier on a shared machine: page-cache writes are CPU work; disk write-back is not
counted). Target (issue 10): <= 1.2.

    uv run python tools/bench/saving.py [numpy jax torch tensorflow] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import BACKENDS, keras_or_none, pin_threads, run_per_backend  # noqa: E402

WIDTH, DEPTH = 2500, 4  # 4 x (2500 x 2500 + 2500) floats = 100 MB


def _make(lib):
    return lib.Sequential([lib.Input((WIDTH,))] + [lib.layers.Dense(WIDTH) for _ in range(DEPTH)])


def _child(rounds: int) -> dict:
    import json

    import h5py

    import kc

    model = _make(kc)
    arrays = model.get_weights()
    keras = keras_or_none()
    keras_model = _make(keras) if keras is not None else None
    with tempfile.TemporaryDirectory() as directory:
        path = {name: os.path.join(directory, name) for name in
                ("plain.h5", "m.weights.h5", "m.keras", "l.keras", "k.keras")}

        def h5py_round_trip():
            with h5py.File(path["plain.h5"], "w") as f:
                for i, a in enumerate(arrays):
                    f.create_dataset(str(i), data=a)
            with h5py.File(path["plain.h5"], "r") as f:
                [f[str(i)][()] for i in range(len(arrays))]

        def weights_file():
            model.save_weights(path["m.weights.h5"])
            model.load_weights(path["m.weights.h5"])

        def archive():
            model.save(path["m.keras"])
            model.load_weights(path["m.keras"])

        def load_model():
            model.save(path["l.keras"])
            kc.saving.load_model(path["l.keras"])

        def keras_archive():
            keras_model.save(path["k.keras"])
            keras_model.load_weights(path["k.keras"])

        fns = {"h5py": h5py_round_trip, "weights.h5": weights_file, "keras": archive,
               "load_model": load_model}
        if keras_model is not None:
            fns["Keras 3"] = keras_archive
        wall = {name: [] for name in fns}
        cpu = {name: [] for name in fns}
        for fn in fns.values():
            fn()
        for _ in range(rounds):
            for name, fn in fns.items():
                start_wall, start_cpu = time.perf_counter(), time.process_time()
                fn()
                wall[name].append(time.perf_counter() - start_wall)
                cpu[name].append(time.process_time() - start_cpu)
    out = {"mb": sum(a.nbytes for a in arrays) / 1e6, "base_ms": min(wall["h5py"]) * 1e3}
    for name in fns:
        if name != "h5py":
            out[name] = (min(wall[name]) / min(wall["h5py"]), min(cpu[name]) / min(cpu["h5py"]))
    print(json.dumps(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backends", nargs="*", default=list(BACKENDS))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    pin_threads()
    if args.child:
        _child(args.rounds)
        return
    results = run_per_backend(__file__, args.backends, ["--rounds", str(args.rounds)])
    columns = ("weights.h5", "keras", "load_model", "Keras 3")
    print("ratios to plain h5py write+read, wall (CPU); target <= 1.2")
    print(f"{'backend':11s}{'h5py ms':>9s}" + "".join(f"{c:>16s}" for c in columns))
    worst = 0.0
    for backend, r in results.items():
        if "error" in r:
            print(f"{backend:11s} error: {r['error']}")
            continue
        cells = []
        for c in columns:
            if c in r:
                cells.append(f"{r[c][0]:7.2f} ({r[c][1]:4.2f})")
                if c in ("weights.h5", "keras"):
                    worst = max(worst, r[c][1])
            else:
                cells.append(f"{'-':>14s}")
        print(f"{backend:11s}{r['base_ms']:9.1f}" + "".join(f"{c:>16s}" for c in cells))
    print(f"worst kc/h5py (CPU) of weights.h5 and keras: {worst:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
