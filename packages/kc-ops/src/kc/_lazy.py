"""Lazy resolution of names served by other kc distributions.

`kc` is one import namespace filled by five distributions (kc-ops, kc-layers,
kc-data, kc-train, kc-io). A grab-bag namespace (`kc`, `kc.utils`,
`kc.backend`) lists each name with the module that serves it and the
distribution that ships that module, and imports it on first use.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, distribution: str) -> ModuleType:
    """Import ``module``; if it is not installed, say which distribution ships it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name is None or not (module == e.name or module.startswith(e.name + ".")):
            raise
        if _installed(distribution):
            raise ImportError(
                f"{module} is not available: the installed {distribution} distribution does not "
                "provide it (yet)."
            ) from e
        raise ImportError(
            f"{module} is provided by the {distribution} distribution, which is not installed. "
            f"Install it with: pip install {distribution}"
        ) from e


def _installed(distribution: str) -> bool:
    from importlib import metadata

    try:
        metadata.distribution(distribution)
        return True
    except metadata.PackageNotFoundError:
        return False


def resolve(table: dict, owner: str, name: str):
    """Look ``name`` up in ``table`` ({name: (module, attr | None, distribution)})."""
    try:
        module, attr, distribution = table[name]
    except KeyError:
        raise AttributeError(f"module {owner!r} has no attribute {name!r}") from None
    mod = require(module, distribution)
    return mod if attr is None else getattr(mod, attr)
