"""Acceptance: Keras 3 user scripts run unchanged on kc and give Keras 3's numbers.

Each script in keras_scripts/ is written for Keras 3 (`import keras`). It runs twice in
subprocesses on the backend under test: once with real Keras 3 (KERAS_BACKEND), once with kc
standing in for keras (keras_scripts/_run.py aliases the `keras` modules to `kc`). Both print
one `RESULT {json}` line; the numbers are compared key by key:
  fwd_*   forward values from identical weights          rtol 1e-4
  loose_* training through Dropout (draws differ)        rtol 0.15 / atol 0.1
  other   numbers after a few training steps             rtol 1e-3
Strings and structure (history keys, output names) must match exactly.

Slow (two interpreter starts and a few fits per script): run with -m slow, one backend at a
time: KC_BACKEND=torch .venv/bin/python -m pytest tests/integration/test_keras_scripts.py -m slow -n 0
Set KC_ACCEPT_CACHE=DIR to keep Keras's results between runs (keyed by script content).
Running this file as a script prints a table script x backend (used for acceptance reports):
.venv/bin/python tests/integration/test_keras_scripts.py [backend ...] [-k name]
"""

import hashlib
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS_DIR = os.path.join(HERE, "keras_scripts")
RUNNER = os.path.join(SCRIPTS_DIR, "_run.py")
SCRIPTS = sorted(f[:-3] for f in os.listdir(SCRIPTS_DIR) if f.endswith(".py") and not f.startswith("_"))
TOLERANCES = {"fwd": (1e-4, 1e-5), "loose": (0.15, 0.1), "": (1e-3, 1e-4)}
ENV = {
    "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "CUDA_VISIBLE_DEVICES": "", "PYTHONHASHSEED": "0",
}


def run_script(name: str, mode: str, backend: str, timeout: float = 900) -> dict:
    """Runs keras_scripts/<name>.py with `mode` ("keras" or "kc"); returns its RESULT dict."""
    env = {k: v for k, v in os.environ.items() if k not in ("KC_BACKEND", "KERAS_BACKEND")}
    env.update(ENV, KERAS_BACKEND=backend)
    proc = subprocess.run([sys.executable, RUNNER, mode, os.path.join(SCRIPTS_DIR, name + ".py")],
                          env=env, capture_output=True, text=True, timeout=timeout, cwd=SCRIPTS_DIR)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise RuntimeError(f"{name} under {mode} ({backend}) failed (exit {proc.returncode}):\n{tail}")
    return json.loads(lines[-1][len("RESULT "):])


def _tolerance(path: str):
    top = path.split("/")[0]
    for prefix, tol in TOLERANCES.items():
        if prefix and top.startswith(prefix + "_"):
            return tol
    return TOLERANCES[""]


def differences(got, want, path="") -> list[str]:
    """Every place where kc's result `got` differs from Keras's `want` (empty when they agree)."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or sorted(got) != sorted(want):
            keys = sorted(got) if isinstance(got, dict) else type(got).__name__
            return [f"{path or '<root>'}: keys {keys} != keras {sorted(want)}"]
        return [d for k in want for d in differences(got[k], want[k], f"{path}/{k}".lstrip("/"))]
    if isinstance(want, str) or want is None or isinstance(want, bool):
        return [] if got == want else [f"{path}: {got!r} != keras {want!r}"]
    if isinstance(want, list) and want and any(isinstance(w, (str, dict)) for w in want):
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{path}: {got!r} != keras {want!r}"]
        return [d for i, (g, w) in enumerate(zip(got, want)) for d in differences(g, w, f"{path}[{i}]")]
    try:
        g, w = np.asarray(got, dtype="float64"), np.asarray(want, dtype="float64")
    except (TypeError, ValueError):  # ragged (e.g. a list of weights): compare item by item
        if isinstance(want, list) and isinstance(got, list) and len(got) == len(want):
            return [d for i, (g, w) in enumerate(zip(got, want)) for d in differences(g, w, f"{path}[{i}]")]
        return [f"{path}: {got!r} != keras {want!r}"]
    if g.shape != w.shape:
        return [f"{path}: shape {g.shape} != keras {w.shape} (got {str(got)[:200]}, keras {str(want)[:200]})"]
    rtol, atol = _tolerance(path)
    bad = ~np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
    if bad.any():
        i = np.argwhere(bad)[0]
        idx = tuple(int(j) for j in i)
        return [f"{path}{list(idx) if idx else ''}: {float(g[idx])!r} != keras {float(w[idx])!r} "
                f"(rtol {rtol}, {int(bad.sum())}/{bad.size} differ)"]
    return []


def keras_result(name: str, backend: str) -> dict:
    """Keras's result; cached under $KC_ACCEPT_CACHE (if set) by script content and backend."""
    cache = os.environ.get("KC_ACCEPT_CACHE")
    if not cache:
        return run_script(name, "keras", backend)
    digest = hashlib.sha256()
    for f in (name + ".py", "_common.py"):
        with open(os.path.join(SCRIPTS_DIR, f), "rb") as fh:
            digest.update(fh.read())
    path = os.path.join(cache, f"{name}-{backend}-{digest.hexdigest()[:16]}.json")
    if os.path.exists(path):
        with open(path) as fh:
            return json.load(fh)
    result = run_script(name, "keras", backend)
    os.makedirs(cache, exist_ok=True)
    with open(path, "w") as fh:
        json.dump(result, fh)
    return result


def compare(name: str, backend: str) -> list[str]:
    want = keras_result(name, backend)
    got = run_script(name, "kc", backend)
    return differences(got, want)


def _backend():
    """The backend under test: kc's own choice (KC_BACKEND, KERAS_BACKEND, config file)."""
    import kc

    return kc.config.backend()


DIFFERENCE_CASES = [  # (kc's result, Keras's result, expected substring of the first difference or None)
    ({"fwd_a": [1.0, 2.0]}, {"fwd_a": [1.0, 2.00001]}, None),
    ({"fwd_a": [1.0, 2.0]}, {"fwd_a": [1.0, 2.001]}, "fwd_a[1]: 2.0 != keras 2.001"),
    ({"loss": [0.5]}, {"loss": [0.5004]}, None),
    ({"loss": [0.5]}, {"loss": [0.51]}, "loss[0]"),
    ({"loose_acc": 0.5}, {"loose_acc": 0.55}, None),
    ({"w": [[1.0, 2.0], 3.0]}, {"w": [[1.0, 2.5], 3.0]}, "w[0][1]"),
    ({"keys": ["acc", "loss"]}, {"keys": ["accuracy", "loss"]}, "keys[0]: 'acc' != keras 'accuracy'"),
    ({"a": 1.0}, {"a": 1.0, "b": 2.0}, "keys ['a'] != keras ['a', 'b']"),
    ({"p": [[1.0, 2.0]]}, {"p": [1.0, 2.0]}, "shape (1, 2) != keras (2,)"),
]


@pytest.mark.parametrize("got,want,first", DIFFERENCE_CASES)
def test_differences(got, want, first):
    diffs = differences(got, want)
    if first is None:
        assert diffs == []
    else:
        assert diffs and first in diffs[0], diffs


@pytest.mark.slow
@pytest.mark.parametrize("name", SCRIPTS)
def test_script_matches_keras(name):
    pytest.importorskip("keras")
    try:
        want = keras_result(name, _backend())
    except RuntimeError as exc:  # nothing to compare with (e.g. Keras's numpy backend lacks an op)
        pytest.skip(f"Keras 3 itself fails on this script: {str(exc).splitlines()[-1]}")
    diffs = differences(run_script(name, "kc", _backend()), want)
    assert not diffs, f"{name} on {_backend()}: kc differs from Keras 3:\n" + "\n".join(diffs[:10])


if __name__ == "__main__":
    args = sys.argv[1:]
    names = SCRIPTS
    if "-k" in args:
        i = args.index("-k")
        names = [n for n in SCRIPTS if args[i + 1] in n]
        args = args[:i] + args[i + 2:]
    for backend in args or ["jax", "torch", "tensorflow", "numpy"]:
        for name in names:
            try:
                diffs = compare(name, backend)
                status = "pass" if not diffs else "FAIL " + diffs[0] + (f" (+{len(diffs) - 1} more)" if len(diffs) > 1 else "")
            except Exception as exc:  # noqa: BLE001 - a report line per failing script
                lines = str(exc).splitlines()
                errors = [ln for ln in lines if re.match(r"^[\w.]+(Error|Exception|Exit)\b", ln)]
                status = "ERROR " + lines[0] + " | " + (errors or lines)[-1]
            print(f"{name:24s} {backend:10s} {status}", flush=True)
