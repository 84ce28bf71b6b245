"""Moving a model's state (layer and optimizer variables, assets) to and from files.

Loading stages first: every value read from the file is checked against the
variable it is meant for (count, shape) before any variable changes, so a
failed load leaves the model as it was. Objects with their own
``load_own_variables`` cannot be checked ahead; if one fails, every variable is
put back to its value from before the load.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from kc.saving._h5 import ReadStore
from kc.saving._walk import has_default_state_io, own_variables, saveables


def numpy_dtype(name: str):
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _describe(obj, path: str) -> str:
    kind = "Optimizer" if _is_optimizer(obj) else "Layer"
    where = f"'{path}'" if path else "the root"
    return f"{kind} '{getattr(obj, 'name', type(obj).__name__)}' ({type(obj).__name__} at {where})"


def _is_optimizer(obj) -> bool:
    from kc.optimizers import Optimizer

    return isinstance(obj, Optimizer)


def prepare_optimizer(model, groups: dict) -> None:
    """Build a compiled model's unbuilt optimizer when the file holds its slot variables."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or getattr(optimizer, "built", True) or not _is_optimizer(optimizer):
        return
    saved = groups.get("optimizer")
    if saved and len(saved) > len(optimizer.variables) and getattr(model, "built", False):
        optimizer.build(model.trainable_variables)


def load_state(model, groups: dict, filepath: str, skip_mismatch: bool = False,
               objects_to_skip=None, assets_dir: str | None = None) -> None:
    """Assign the values of `groups` (``{path: {key: array}}``) to `model`'s variables."""
    skip_ids = {id(o) for o in (objects_to_skip or ())}
    staged, custom, failures = [], [], []
    for path, obj in saveables(model):
        if id(obj) in skip_ids:
            continue
        values = groups.get(path, {})
        if not has_default_state_io(obj):
            custom.append((path, obj, values))
            continue
        own = own_variables(obj)
        if len(values) != len(own):
            if _is_optimizer(obj):
                warnings.warn(
                    f"Skipping variable loading for optimizer '{obj.name}', because it has "
                    f"{len(own)} variables whereas the saved optimizer has {len(values)} variables "
                    f"({filepath}).", stacklevel=3)
                continue
            failures.append(
                f"{_describe(obj, path)} expects {len(own)} variables "
                f"{[v.path for v in own]}, but {filepath!r} holds {len(values)} for it.")
            continue
        plan, bad = [], []
        for variable, key in zip(own, sorted(values, key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k))):
            value = values[key]
            if tuple(value.shape) != tuple(variable.shape):
                bad.append(f"variable {variable.path!r} has shape {tuple(variable.shape)}, the "
                           f"saved value has shape {tuple(value.shape)}")
                continue
            wanted = numpy_dtype(variable.dtype)
            plan.append((variable, value if value.dtype == wanted else value.astype(wanted)))
        if bad:
            failures.append(f"{_describe(obj, path)}: " + "; ".join(bad) + f" (in {filepath!r}).")
            continue
        staged.extend(plan)
    if failures:
        if not skip_mismatch:
            raise ValueError(
                f"Cannot load {filepath!r} into model '{model.name}': {len(failures)} object(s) do "
                "not match the model (nothing was loaded; pass skip_mismatch=True to load the "
                "others):\n  " + "\n  ".join(failures))
        for message in failures:
            warnings.warn(f"Skipping loading weights: {message}", stacklevel=3)
    snapshot = _snapshot(model) if custom else None
    try:
        for path, obj, values in custom:
            try:
                obj.load_own_variables(ReadStore(values))
            except Exception as e:
                if not skip_mismatch:
                    raise ValueError(f"Cannot load {filepath!r}: {_describe(obj, path)} failed to "
                                     f"load its variables: {e}") from e
                warnings.warn(f"Skipping loading weights of {_describe(obj, path)}: {e}", stacklevel=3)
        for variable, value in staged:  # fresh arrays read for this load: no copy needed
            variable._kc_take(value)
        if assets_dir is not None:
            _load_assets(model, assets_dir)
    except BaseException:
        if snapshot is not None:
            for variable, value in snapshot:
                variable.assign(value)
        raise


def _snapshot(model) -> list:
    variables, seen = [], set()
    for _, obj in saveables(model):
        source = obj.variables if hasattr(obj, "variables") else own_variables(obj)
        for v in source:
            if id(v) not in seen:
                seen.add(id(v))
                variables.append(v)
    return [(v, np.array(v.numpy(), copy=True)) for v in variables]


def save_assets(model, assets_dir: str) -> None:
    for path, obj in saveables(model):
        if callable(getattr(obj, "save_assets", None)):
            target = os.path.join(assets_dir, *path.split("/")) if path else assets_dir
            os.makedirs(target, exist_ok=True)
            obj.save_assets(target)


def _load_assets(model, assets_dir: str) -> None:
    for path, obj in saveables(model):
        if callable(getattr(obj, "load_assets", None)):
            source = os.path.join(assets_dir, *path.split("/")) if path else assets_dir
            if os.path.isdir(source):
                obj.load_assets(source)
