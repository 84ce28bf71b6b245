"""Run one Keras 3 script, either with real Keras or with kc standing in for it.

    python _run.py keras SCRIPT     # real Keras 3 (KERAS_BACKEND picks the backend)
    python _run.py kc SCRIPT        # `import keras` gives kc (kc reads KERAS_BACKEND too)

The kc mode installs an import alias: `keras` is the `kc` module object and every
`keras.X.Y` is the already imported (or freshly imported) `kc.X.Y`, so a script written
for Keras runs unchanged, the way a user would run it after `import kc as keras`.
"""

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys


class _KerasToKc(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves `keras` and `keras.*` imports with the `kc` modules of the same names."""

    def find_spec(self, name, path=None, target=None):
        if name == "keras" or name.startswith("keras."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        module = importlib.import_module("kc" + spec.name[len("keras"):])
        self._saved = getattr(module, "__spec__", None)
        return module

    def exec_module(self, module):
        # The import system stamped our alias spec on the kc module; put its own back.
        module.__spec__ = self._saved


def main():
    mode, script = sys.argv[1], os.path.abspath(sys.argv[2])
    if mode == "kc":
        import kc

        sys.meta_path.insert(0, _KerasToKc())
        sys.modules["keras"] = kc
    elif mode != "keras":
        raise SystemExit(f"_run.py: mode must be 'keras' or 'kc', got {mode!r}")
    sys.path.insert(0, os.path.dirname(script))
    sys.argv = [script] + sys.argv[3:]
    runpy.run_path(script, run_name="__main__")
    if mode == "kc":  # the script must really have run on kc, not on an installed Keras
        leaked = sorted(m for m in sys.modules if m.startswith("keras.src"))
        if sys.modules["keras"] is not sys.modules["kc"] or leaked:
            raise SystemExit(f"_run.py: real Keras modules were imported in kc mode: {leaked[:5]}")


if __name__ == "__main__":
    main()
