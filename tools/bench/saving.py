"""Save + load time of a ~100 MB model vs writing/reading the same arrays with plain h5py.

Model: a Sequential MLP of Dense layers holding ~25M float32 parameters (~100 MB).
kc: ``save_weights`` + ``load_weights`` (.weights.h5) and ``model.save`` +
``load_weights`` of the .keras archive. Baseline: ``h5py`` writes each array as a
dataset and reads it back into NumPy. All files go to a temporary directory.
Target: kc / h5py <= 1.2.

    uv run python tools/bench/saving.py            # numpy backend (KC_BACKEND to change)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import pin_threads  # noqa: E402

WIDTH, DEPTH, REPEAT = 2500, 4, 5  # 4 x (2500 x 2500 + 2500) floats = 100 MB


def _best(fn, repeat=REPEAT) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    pin_threads()
    import h5py
    import numpy as np

    import kc

    model = kc.Sequential([kc.Input((WIDTH,))] + [kc.layers.Dense(WIDTH) for _ in range(DEPTH)])
    model.build((None, WIDTH))
    arrays = model.get_weights()
    megabytes = sum(a.nbytes for a in arrays) / 1e6
    with tempfile.TemporaryDirectory() as directory:
        plain = os.path.join(directory, "plain.h5")
        weights = os.path.join(directory, "m.weights.h5")
        archive = os.path.join(directory, "m.keras")

        def h5py_round_trip():
            with h5py.File(plain, "w") as f:
                for i, a in enumerate(arrays):
                    f.create_dataset(str(i), data=a)
            with h5py.File(plain, "r") as f:
                [f[str(i)][()] for i in range(len(arrays))]

        def kc_weights():
            model.save_weights(weights)
            model.load_weights(weights)

        def kc_archive():
            model.save(archive)
            model.load_weights(archive)

        base = _best(h5py_round_trip)
        t_weights = _best(kc_weights)
        t_archive = _best(kc_archive)
    print(f"backend {kc.config.backend()}, model {megabytes:.0f} MB, best of {REPEAT}")
    print(f"  h5py write+read     {base * 1e3:8.1f} ms")
    print(f"  kc .weights.h5      {t_weights * 1e3:8.1f} ms   ratio {t_weights / base:.2f}  (target <= 1.2)")
    print(f"  kc .keras archive   {t_archive * 1e3:8.1f} ms   ratio {t_archive / base:.2f}  (target <= 1.2)")


if __name__ == "__main__":
    main()
