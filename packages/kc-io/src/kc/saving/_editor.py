"""`KerasFileEditor`: inspect and edit the weights inside a `.keras` or `.weights.h5` file.

`weights_dict` is a nested dict of the file's objects (as in Keras 3.15): a path
such as "layers/dense" is ``weights_dict["layers"]["dense"]``, whose entries
"0", "1", ... are the variables (NumPy arrays). Objects are named by path or by
their last path component when that is unique ("dense").

Example:
    >>> editor = kc.saving.KerasFileEditor("model.keras")
    >>> editor.rename_object("dense", "dense_renamed")
    >>> editor.delete_weight("dense_renamed", "1")
    >>> editor.resave_weights("edited.weights.h5")
"""

from __future__ import annotations

import collections
import os

import h5py
import numpy as np

from kc.saving import _archive
from kc.saving._atomic import atomic_path
from kc.saving._h5 import group_names, write_groups
from kc.saving._walk import join, saveables


def _is_weight(value) -> bool:
    return not isinstance(value, dict)


class KerasFileEditor:
    """Reads a `.keras` or `.weights.h5` file into `weights_dict` for inspection and editing.

    Args:
        filepath: a `.keras` archive or a `.weights.h5` file.

    Attributes:
        filepath, metadata (dict; None for weights files), config (the model config;
        None for weights files), weights_dict (nested dict, see the module doc),
        object_metadata (``{path: {"name": object name}}``).
    """

    def __init__(self, filepath):
        from kc.saving._api import _read, open_h5

        self.filepath = os.fspath(filepath)
        self.metadata = self.config = None
        if self.filepath.endswith(".keras"):
            if not os.path.exists(self.filepath):
                raise FileNotFoundError(f"KerasFileEditor: no such file: {self.filepath!r}")
            with _archive.ArchiveReader(self.filepath) as archive:
                self.config = archive.json(_archive.CONFIG)
                if archive.has(_archive.METADATA):
                    self.metadata = archive.json(_archive.METADATA)
                with archive.open_weights() as f:
                    groups, names = _read(f, self.filepath), group_names(f)
        elif self.filepath.endswith(".weights.h5"):
            with open_h5(self.filepath) as f:
                groups, names = _read(f, self.filepath), group_names(f)
        else:
            raise ValueError(f"KerasFileEditor: expected a `.keras` or `.weights.h5` file, got "
                             f"filepath={self.filepath}")
        self.object_metadata = {path: {"name": name} for path, name in names.items()}
        self.weights_dict = collections.OrderedDict()
        for path in sorted(groups):
            node = self._node(path, create=True)
            node.update(groups[path])

    # Lookup ------------------------------------------------------------------------------
    def _node(self, path: str, create: bool = False):
        node = self.weights_dict
        for part in [p for p in path.split("/") if p]:
            if part not in node or _is_weight(node[part]):
                if not create:
                    raise ValueError(f"KerasFileEditor: no object at path {path!r}.")
                node[part] = collections.OrderedDict()
            node = node[part]
        return node

    def _paths(self) -> list:
        out = []

        def walk(node, prefix):
            for key, value in node.items():
                if not _is_weight(value):
                    path = join(prefix, key)
                    out.append(path)
                    walk(value, path)

        walk(self.weights_dict, "")
        return out

    def _resolve(self, object_name: str) -> str:
        paths = self._paths()
        if object_name in paths:
            return object_name
        matches = [p for p in paths if p.split("/")[-1] == object_name]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValueError(f"KerasFileEditor: no object named {object_name!r}; objects: {paths}.")
        raise ValueError(f"KerasFileEditor: the name {object_name!r} is ambiguous, it matches "
                         f"{matches}; pass the full path.")

    def _parent(self, path: str):
        parent_path, _, leaf = path.rpartition("/")
        return self._node(parent_path), leaf

    # Editing -----------------------------------------------------------------------------
    def rename_object(self, object_name: str, new_name: str) -> None:
        """Renames an object (the last component of its path)."""
        path = self._resolve(object_name)
        parent, leaf = self._parent(path)
        if new_name in parent:
            raise ValueError(f"KerasFileEditor: cannot rename {path!r} to {new_name!r}: an object "
                             "with that name exists beside it.")
        items = [(new_name if k == leaf else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)
        new_path = join(path.rpartition("/")[0], new_name)
        self.object_metadata = {(new_path + p[len(path):] if p == path or p.startswith(path + "/") else p): m
                                for p, m in self.object_metadata.items()}

    def delete_object(self, object_name: str) -> None:
        """Deletes an object and everything below it."""
        path = self._resolve(object_name)
        parent, leaf = self._parent(path)
        del parent[leaf]
        self.object_metadata = {p: m for p, m in self.object_metadata.items()
                                if not (p == path or p.startswith(path + "/"))}

    def add_object(self, object_path: str, weights: dict) -> None:
        """Adds an object at `object_path` holding `weights` (``{"0": array, ...}``)."""
        if object_path in self._paths():
            raise ValueError(f"KerasFileEditor: an object already exists at {object_path!r}.")
        self._check_weights(object_path, weights)
        self._node(object_path, create=True).update({str(k): np.asarray(v) for k, v in weights.items()})

    def delete_weight(self, object_name: str, weight_name: str) -> None:
        """Deletes one variable (e.g. "1") of an object."""
        path = self._resolve(object_name)
        node = self._node(path)
        if str(weight_name) not in node or not _is_weight(node[str(weight_name)]):
            raise ValueError(f"KerasFileEditor: object {path!r} has no weight {weight_name!r}; its "
                             f"weights: {[k for k, v in node.items() if _is_weight(v)]}.")
        del node[str(weight_name)]

    def add_weights(self, object_name: str, weights: dict) -> None:
        """Adds variables (``{"2": array}``) to an existing object."""
        path = self._resolve(object_name)
        node = self._node(path)
        self._check_weights(path, weights)
        for key in weights:
            if str(key) in node:
                raise ValueError(f"KerasFileEditor: object {path!r} already has a weight {key!r}.")
        node.update({str(k): np.asarray(v) for k, v in weights.items()})

    @staticmethod
    def _check_weights(path, weights) -> None:
        if not isinstance(weights, dict):
            raise TypeError(f"KerasFileEditor: weights for {path!r} must be a dict "
                            f"{{name: array}}, got {type(weights).__name__}.")

    # Output ------------------------------------------------------------------------------
    def _groups(self) -> dict:
        out = {}

        def walk(node, prefix):
            out[prefix] = {k: v for k, v in node.items() if _is_weight(v)}
            for key, value in node.items():
                if not _is_weight(value):
                    walk(value, join(prefix, key))

        walk(self.weights_dict, "")
        return out

    def _write_h5(self, path: str) -> None:
        names = {p: m.get("name") for p, m in self.object_metadata.items()}
        with h5py.File(path, "w") as f:
            write_groups(f, self._groups(), names)

    def resave_weights(self, filepath) -> None:
        """Writes the edited weights to a `.weights.h5` file."""
        filepath = os.fspath(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
        with atomic_path(filepath) as tmp:
            self._write_h5(tmp)

    def save(self, filepath) -> None:
        """Writes a `.keras` file: the original config with the edited weights."""
        filepath = os.fspath(filepath)
        if self.config is None:
            raise ValueError(f"KerasFileEditor.save: {self.filepath!r} is a weights file with no "
                             "model config; use resave_weights() to write a `.weights.h5` file.")
        if not filepath.endswith(".keras"):
            raise ValueError(f"KerasFileEditor.save: the filename must end in `.keras`. Received: "
                             f"filepath={filepath}")
        names = {p: m.get("name") for p, m in self.object_metadata.items()}
        with atomic_path(filepath) as tmp:
            _archive.write_archive(tmp, self.config, lambda f: write_groups(f, self._groups(), names), None)

    def compare(self, reference_model) -> dict:
        """Compares the file's weights with `reference_model`'s; prints and returns a report.

        Returns:
            ``{"status": "success" | "error", "error_count": n, "match_count": m}``.
        """
        from kc.saving._walk import own_variables

        errors, matches = [], 0
        groups = self._groups()
        for path, obj in saveables(reference_model):
            own = own_variables(obj)
            saved = groups.get(path, {})
            if len(saved) != len(own):
                errors.append(f"{path or '/'}: the model has {len(own)} variables, the file "
                              f"{len(saved)}")
                continue
            for variable, key in zip(own, sorted(saved, key=lambda k: (len(k), k))):
                if tuple(saved[key].shape) != tuple(variable.shape):
                    errors.append(f"{path}/{key}: the model's shape is {tuple(variable.shape)}, "
                                  f"the file's {tuple(saved[key].shape)}")
                else:
                    matches += 1
        for message in errors:
            print(message)
        print(f"{matches} weights match, {len(errors)} mismatches.")
        return {"status": "error" if errors else "success", "error_count": len(errors),
                "match_count": matches}

    def summary(self) -> None:
        """Prints the file's metadata and its objects with their weights' shapes and dtypes."""
        print(f"Keras model file '{self.filepath}'")
        if self.metadata:
            print(f"Saved with Keras {self.metadata.get('keras_version')} - date: "
                  f"{self.metadata.get('date_saved')}")
        for path, weights in self._groups().items():
            name = self.object_metadata.get(path, {}).get("name")
            label = (path or "/") + (f" ({name})" if name else "")
            print(label)
            for key, value in weights.items():
                print(f"    {key}: shape={tuple(value.shape)}, dtype={value.dtype}")

    def __repr__(self):
        return f"<KerasFileEditor {self.filepath!r}>"

