"""Sharded weights (``save_weights(..., max_shard_size=GiB)``), in Keras 3.15's format.

``name.weights.json`` holds ``{"metadata": {"total_size": bytes}, "weight_map":
{"/<path>/vars": [shard file, ...]}}``; the shards ``name_00000.weights.h5``, ...
sit beside it, each a normal weights file holding some of the groups. A group's
datasets go to the current shard until the next would pass the size limit.
"""

from __future__ import annotations

import json
import os

import h5py
import numpy as np

from kc.saving._atomic import atomic_path
from kc.saving._h5 import WriteStore, _read_dataset, host_array
from kc.saving._walk import join, saveables


class _ShardWriter:
    def __init__(self, filepath: str, limit: int):
        self.directory = os.path.dirname(os.path.abspath(filepath))
        self.stem = os.path.basename(filepath)[: -len(".weights.json")]
        self.limit, self.index, self.size, self.total = limit, -1, 0, 0
        self.files, self.weight_map = [], {}
        self._file = None
        self._open_next()

    def _open_next(self) -> None:
        if self._file is not None:
            self._file.close()
        self.index += 1
        name = f"{self.stem}_{self.index:05d}.weights.h5"
        path = os.path.join(self.directory, name)
        context = atomic_path(path)
        tmp = context.__enter__()
        self.files.append((name, context))
        self._file = h5py.File(tmp, "w")
        self.size = 0

    def group(self, path: str, name):
        group = self._file.require_group(join(path, "vars"))
        if isinstance(name, str) and "name" not in group.attrs:
            group.attrs["name"] = name
        return group

    def write(self, path: str, obj_name, key: str, value) -> None:
        array = np.asarray(value)
        if self.size and self.size + array.nbytes > self.limit:
            self._open_next()
        WriteStore(self.group(path, obj_name))[key] = array
        self.size += array.nbytes
        self.total += array.nbytes
        shards = self.weight_map.setdefault("/" + join(path, "vars"), [])
        current = self.files[-1][0]
        if current not in shards:
            shards.append(current)

    def close(self, error: BaseException | None) -> None:
        if self._file is not None:
            self._file.close()
        for _, context in self.files:
            if error is None:
                context.__exit__(None, None, None)
            else:
                try:
                    context.__exit__(type(error), error, None)
                except BaseException:  # noqa: BLE001 - the temp file is removed; keep `error`
                    pass


class _Collect:
    """A `store` that forwards ``store[key] = value`` to the shard writer."""

    def __init__(self, writer: _ShardWriter, path: str, name):
        self._writer, self._path, self._name, self._keys = writer, path, name, []

    def __setitem__(self, key, value) -> None:
        self._writer.write(self._path, self._name, str(key), host_array(value))
        self._keys.append(str(key))

    def keys(self):
        return list(self._keys)


def save_sharded(model, filepath: str, max_shard_size) -> None:
    """Write `model`'s state as a sharded weights set (see module doc)."""
    if not isinstance(max_shard_size, (int, float)) or max_shard_size <= 0:
        raise ValueError(f"save_weights: `max_shard_size` must be a positive number of GiB, got "
                         f"{max_shard_size!r}.")
    writer = _ShardWriter(filepath, int(max_shard_size * 1024**3))
    error = None
    try:
        for path, obj in saveables(model):
            writer.group(path, getattr(obj, "name", None))
            obj.save_own_variables(_Collect(writer, path, getattr(obj, "name", None)))
        index = {"metadata": {"total_size": float(writer.total)}, "weight_map": writer.weight_map}
        with atomic_path(filepath) as tmp, open(tmp, "w") as f:
            json.dump(index, f, indent=4)
    except BaseException as e:
        error = e
        raise
    finally:
        writer.close(error)


def read_sharded(filepath: str) -> dict:
    """``{path: {key: array}}`` from a sharded weights set."""
    from kc.saving._api import open_h5

    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such sharded weights index: {filepath!r}")
    try:
        with open(filepath) as f:
            index = json.load(f)
        weight_map = index["weight_map"]
        if not isinstance(weight_map, dict):
            raise TypeError("weight_map is not an object")
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{filepath!r} is not a valid sharded weights index "
                         f"({{'metadata':..., 'weight_map': {{...}}}}): {e}") from e
    directory = os.path.dirname(os.path.abspath(filepath))
    groups: dict = {}
    shard_names = []
    for files in weight_map.values():
        for name in files:
            if name not in shard_names:
                shard_names.append(name)
    for name in shard_names:
        if os.path.basename(name) != name or name in ("", ".", ".."):
            raise ValueError(f"Refusing shard name {name!r} in {filepath!r}: shards must be plain "
                             "file names beside the index.")
        shard = os.path.join(directory, name)
        with open_h5(shard) as f:
            for group_path, files in weight_map.items():
                if name not in files:
                    continue
                h5_path = group_path.strip("/")
                if h5_path not in f:
                    continue
                path = h5_path[: -len("vars")].rstrip("/")
                values = groups.setdefault(path, {})
                for key, item in f[h5_path].items():
                    if isinstance(item, h5py.Dataset):
                        values[key] = _read_dataset(item)
    return groups
