"""The weights file (`.weights.h5`, and `model.weights.h5` inside a `.keras` archive).

Layout (the one Keras 3 writes): one HDF5 group per object path (see `_walk`), its
variables in a "vars" subgroup as datasets "0", "1", ...; the "vars" group has an
attribute "name" (the object's name). bfloat16 values are stored as 2-byte opaque
data with the attribute ``dtype="bfloat16"``.

Reading returns plain NumPy arrays per path (`read_groups`), so a load can check
every shape before it assigns anything.
"""

from __future__ import annotations

import h5py
import numpy as np

from kc.saving._walk import join, saveables


class WriteStore:
    """The dict-like `store` handed to ``save_own_variables``: ``store["0"] = value``."""

    def __init__(self, group):
        self._group = group

    def __setitem__(self, key, value) -> None:
        array = host_array(value)
        if array.dtype.name == "bfloat16":
            dataset = self._group.create_dataset(str(key), data=array.view(np.dtype("V2")))
            dataset.attrs["dtype"] = "bfloat16"
        else:
            self._group.create_dataset(str(key), data=array)

    def __getitem__(self, key):
        return _read_dataset(self._group[str(key)])

    def __contains__(self, key) -> bool:
        return str(key) in self._group

    def keys(self):
        return list(self._group.keys())

    def __len__(self) -> int:
        return len(self._group)


class ReadStore:
    """The dict-like `store` handed to ``load_own_variables``: ``store["0"]`` is a NumPy array."""

    def __init__(self, values: dict):
        self._values = values

    def __getitem__(self, key):
        return self._values[str(key)]

    def __contains__(self, key) -> bool:
        return str(key) in self._values

    def keys(self):
        return list(self._values)

    def items(self):
        return list(self._values.items())

    def __len__(self) -> int:
        return len(self._values)


def host_array(value) -> np.ndarray:
    """`value` (a variable, tensor or array) as a NumPy array to write out at once.

    A variable held in host memory (numpy, torch on CPU) is viewed, not copied: the
    writer reads it before anything can change it.
    """
    from kc import backend

    if isinstance(value, backend.Variable):
        value = value.value
    if isinstance(value, np.ndarray):
        return value
    module = type(value).__module__
    if module.startswith("torch"):
        import torch

        if value.device.type == "cpu" and value.dtype != torch.bfloat16:
            return value.detach().numpy()
    elif module.startswith("tensorflow") and hasattr(value, "read_value"):
        tensor = value.read_value()
        if "CPU" in tensor.device and hasattr(tensor, "_numpy"):
            return np.asarray(tensor._numpy())  # a view of the CPU buffer (`.numpy()` copies)
    return np.asarray(backend.convert_to_numpy(value))


def _aligned_empty(shape: tuple, dtype) -> np.ndarray:
    """An uninitialized array whose data starts on a 64-byte boundary (TF takes such memory
    without a copy; plain allocations are often only 16-byte aligned)."""
    dtype = np.dtype(dtype)
    raw = np.empty(int(np.prod(shape)) * dtype.itemsize + 64, np.uint8)
    start = -raw.ctypes.data % 64
    return raw[start:start + int(np.prod(shape)) * dtype.itemsize].view(dtype).reshape(shape)


def _read_dataset(dataset) -> np.ndarray:
    if dataset.ndim and dataset.size and dataset.dtype.kind in "fiucb" and not dataset.attrs:
        value = _aligned_empty(dataset.shape, dataset.dtype)
        dataset.read_direct(value)
        return value
    value = dataset[()]
    if dataset.attrs.get("dtype") == "bfloat16":
        import ml_dtypes

        value = np.asarray(value).view(ml_dtypes.bfloat16)
    return np.asarray(value)


def _sort_key(name: str):
    return (0, int(name)) if name.isdigit() else (1, name)


def write_model_state(h5file, root) -> None:
    """Write every object's own variables of `root` (model) into the open `h5file`."""
    for path, obj in saveables(root):
        group = h5file.require_group(join(path, "vars"))
        name = getattr(obj, "name", None)
        if isinstance(name, str):
            group.attrs["name"] = name
        obj.save_own_variables(WriteStore(group))


def read_groups(h5file) -> dict:
    """``{object path: {key: array}}`` for every "vars" group of an open weights file."""
    out: dict = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and (name == "vars" or name.endswith("/vars")):
            path = name[: -len("vars")].rstrip("/")
            values = {}
            for key in sorted(obj.keys(), key=_sort_key):
                item = obj[key]
                if isinstance(item, h5py.Dataset):
                    values[key] = _read_dataset(item)
            out.setdefault(path, {}).update(values)

    if "vars" in h5file:
        visit("vars", h5file["vars"])
    h5file.visititems(visit)
    return out


def write_groups(h5file, groups: dict, names: dict | None = None) -> None:
    """Write ``{path: {key: array}}`` (the `read_groups` form) into an open weights file."""
    names = names or {}
    for path, values in groups.items():
        group = h5file.require_group(join(path, "vars"))
        if names.get(path):
            group.attrs["name"] = names[path]
        store = WriteStore(group)
        for key, value in values.items():
            store[key] = value


def group_names(h5file) -> dict:
    """``{path: the "name" attribute of its vars group}`` (for rewriting a file)."""
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and (name == "vars" or name.endswith("/vars")):
            value = obj.attrs.get("name")
            if value is not None:
                out[name[: -len("vars")].rstrip("/")] = value.decode() if isinstance(value, bytes) else str(value)

    if "vars" in h5file:
        visit("vars", h5file["vars"])
    h5file.visititems(visit)
    return out
