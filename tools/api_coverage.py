"""How much of the Keras 3 API kc has, namespace by namespace.

Reads ../shared/keras_api.json (every public name of Keras 3) and, for each
namespace kc covers, prints how many names kc has and which are missing.
Exits non-zero when a namespace listed in REQUIRED has gaps.

    KC_BACKEND=numpy uv run python tools/api_coverage.py [--all] [--missing]
"""

from __future__ import annotations

import importlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API_FILE = os.path.join(ROOT, "..", "shared", "keras_api.json")

# Namespaces kc serves today, and those that must be complete.
COVERED = (
    "keras", "keras.backend", "keras.config", "keras.ops", "keras.ops.numpy", "keras.ops.nn",
    "keras.ops.linalg", "keras.ops.image", "keras.random", "keras.tree",
    "keras.layers", "keras.models", "keras.initializers", "keras.activations",
    "keras.regularizers", "keras.constraints", "keras.dtype_policies", "keras.mixed_precision",
    "keras.losses", "keras.metrics", "keras.optimizers", "keras.optimizers.schedules",
    "keras.saving", "keras.utils", "keras.preprocessing", "keras.preprocessing.image",
    "keras.preprocessing.sequence", "keras.callbacks",
)
REQUIRED = (
    "keras.ops", "keras.ops.numpy", "keras.ops.nn", "keras.ops.linalg", "keras.ops.image",
    "keras.random", "keras.tree", "keras.backend", "keras.config",
    "keras.initializers", "keras.activations", "keras.regularizers", "keras.constraints",
    "keras.dtype_policies", "keras.mixed_precision", "keras.losses", "keras.optimizers",
    "keras.optimizers.schedules", "keras.preprocessing", "keras.preprocessing.image",
    "keras.preprocessing.sequence", "keras.metrics", "keras.models", "keras.saving",
    "keras.callbacks",
)

# Names an issue leaves out on purpose (shown as missing, but not failing REQUIRED).
EXCLUDED = {
    "keras.callbacks": {"OrbaxCheckpoint"},  # needs orbax; out of scope of the kc-train issue
}


def kc_name(namespace: str) -> str:
    return "kc" + namespace[len("keras"):]


def has(module, name: str) -> bool:
    try:
        getattr(module, name)
        return True
    except (AttributeError, ImportError):
        return False


def main(argv: list[str]) -> int:
    os.environ.setdefault("KC_BACKEND", "numpy")
    with open(API_FILE) as f:
        api = json.load(f)
    namespaces = sorted(api) if "--all" in argv else COVERED
    failed = []
    print(f"{'namespace':<28}{'kc has':>8}{'keras':>8}  missing")
    for ns in namespaces:
        names = sorted(api[ns])
        try:
            module = importlib.import_module(kc_name(ns))
        except ImportError:
            module = None
        missing = [n for n in names if module is None or not has(module, n)]
        shown = ", ".join(missing) if "--missing" in argv or len(missing) <= 12 else (
            ", ".join(missing[:12]) + f", ... (+{len(missing) - 12})")
        print(f"{ns:<28}{len(names) - len(missing):>8}{len(names):>8}  {shown}")
        if ns in REQUIRED and set(missing) - EXCLUDED.get(ns, set()):
            failed.append(ns)
    if failed:
        print("incomplete required namespaces:", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
