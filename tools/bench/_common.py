"""Shared helpers for kc's benchmark scripts: thread pinning, per-backend subprocesses, timing."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import timeit

BACKENDS = ("numpy", "jax", "torch", "tensorflow")

SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}


def pin_threads() -> None:
    """Pin every framework to one intra-op thread (call before importing any)."""
    for key, value in SINGLE_THREAD_ENV.items():
        os.environ.setdefault(key, value)


def run_per_backend(script: str, backends=BACKENDS, extra_args=()) -> dict:
    """Run ``script --child`` once per backend in a fresh process; collect its JSON line."""
    results = {}
    for backend in backends:
        env = dict(os.environ, **SINGLE_THREAD_ENV, KC_BACKEND=backend, KERAS_BACKEND=backend)
        proc = subprocess.run([sys.executable, script, "--child", *extra_args], env=env,
                              capture_output=True, text=True)
        lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
        if proc.returncode != 0 or not lines:
            results[backend] = {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
        else:
            results[backend] = json.loads(lines[-1])
    return results


def best_time(fn, number: int, repeat: int = 7) -> float:
    """Best mean seconds per call of ``fn`` over ``repeat`` runs of ``number`` calls."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def keras_or_none():
    """Keras 3 with the same backend, or None when it is not installed."""
    try:
        import keras
    except Exception:  # noqa: BLE001 - keras absent or broken: just skip its column
        return None
    return keras


def interleaved(fns: dict, number: int, rounds: int = 7) -> dict:
    """Seconds per call of each of ``fns`` ({name: zero-argument callable}), timed in
    alternating rounds (``number`` calls of each per round) so that load changes on a
    shared machine hit all of them alike. Returns {name: [seconds per call, per round]}."""
    for fn in fns.values():
        fn()
    times = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - start) / number)
    return times


def median_ratio(times: dict, name: str, base: str) -> float:
    """Median over rounds of ``times[name][i] / times[base][i]`` (see `interleaved`)."""
    return statistics.median(a / b for a, b in zip(times[name], times[base]))
