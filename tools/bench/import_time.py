"""Import time of `import kc.ops` per backend, and which frameworks it pulls in.

The NumPy backend must import none of jax, torch, tensorflow.

    uv run python tools/bench/import_time.py
"""

from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import run_per_backend  # noqa: E402

FRAMEWORKS = ("jax", "torch", "tensorflow")


def child() -> None:
    start = time.perf_counter()
    import kc.ops  # noqa: F401

    seconds = time.perf_counter() - start
    loaded = sorted(f for f in FRAMEWORKS if f in sys.modules)
    print(json.dumps({"seconds": seconds, "frameworks": loaded}))


def main() -> None:
    results = run_per_backend(__file__)
    print(f"{'backend':<11}{'import kc.ops (s)':>18}  frameworks imported")
    ok = True
    for backend, r in results.items():
        if "error" in r:
            print(f"{backend:<11}error: {r['error']}")
            ok = False
            continue
        print(f"{backend:<11}{r['seconds']:>18.2f}  {', '.join(r['frameworks']) or 'none'}")
        if backend == "numpy" and r["frameworks"]:
            ok = False
    print("numpy backend imports no framework:", "yes" if ok else "NO")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
