"""`save_model`, `load_model`, `save_weights`, `load_weights`, `model_from_json`.

Files are Keras 3.15's: a `.keras` archive (or an unzipped `.keras` directory)
and `.weights.h5` (sharded: `.weights.json` plus `*_NNNNN.weights.h5`). Every
write goes to a temporary file beside the target, renamed over it at the end.

Example:
    >>> model.save("model.keras")
    >>> restored = kc.saving.load_model("model.keras")
    >>> model.save_weights("model.weights.h5")
    >>> model.load_weights("model.weights.h5")
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import tempfile
import warnings

import h5py

from kc.backend.common.variables import deferred_initialization, initialize_pending
from kc.saving import _archive, _shards
from kc.saving._atomic import atomic_path, confirm_overwrite
from kc.saving._h5 import read_groups, write_model_state
from kc.saving._state import load_state, prepare_optimizer, save_assets

_LEGACY = (".h5", ".hdf5")
_image_ids = itertools.count()


def _legacy_error(filepath: str, what: str) -> NotImplementedError:
    return NotImplementedError(
        f"{what}: {filepath!r} is a legacy Keras 2 HDF5 (.h5) file; kc reads and writes only the "
        "Keras 3 formats (`.keras` archives and `.weights.h5` files). Convert it with Keras 3 "
        "(`keras.saving.load_model(path).save('model.keras')`).")


@contextlib.contextmanager
def memory_h5():
    """An HDF5 file held in memory; read its bytes with `image(f)` before closing."""
    f = h5py.File(f"kc-memory-{os.getpid()}-{next(_image_ids)}.h5", "w", driver="core",
                  backing_store=False)
    try:
        yield f
    finally:
        f.close()


def image(f) -> bytes:
    f.flush()
    return f.id.get_file_image()


def save_model(model, filepath, overwrite: bool = True, zipped: bool | None = None, **kwargs) -> None:
    """Save a model (config, weights, optimizer state, assets) as a `.keras` archive.

    Args:
        model: the model.
        filepath: a path ending in ".keras".
        overwrite: replace an existing file; False asks on the console (as Keras).
        zipped: True (default) writes a zip file; False writes a directory of the
            same members.

    Example:
        >>> kc.saving.save_model(model, "model.keras")
    """
    filepath = os.fspath(filepath)
    if kwargs:
        raise ValueError(
            "The following argument(s) are not supported with the native Keras format: "
            f"{list(kwargs)}")
    if not filepath.endswith(".keras"):
        if filepath.endswith(_LEGACY):
            raise _legacy_error(filepath, "save_model")
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension for the "
            "native Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` "
            "if you want to export a SavedModel for use with TFLite/TFServing/etc. "
            f"Received: filepath={filepath}.")
    zipped = True if zipped is None else bool(zipped)
    if not confirm_overwrite(filepath, overwrite):
        return
    from kc.serialization import serialize_keras_object

    config = serialize_keras_object(model)
    assets_dir = tempfile.mkdtemp(prefix="kc-assets-")
    try:
        save_assets(model, assets_dir)
        with atomic_path(filepath, directory=not zipped) as tmp:
            _archive.write_archive(tmp, config, lambda f: write_model_state(f, model), assets_dir,
                                  zipped=zipped)
    finally:
        shutil.rmtree(assets_dir, ignore_errors=True)


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True,
               safe_mode: bool = True):
    """Load a model saved by `save_model` (or by Keras 3) from a `.keras` file.

    Safe mode (the default) runs no code from the file: Python lambdas are
    refused and classes resolve only among kc's and the registered custom
    objects (or `custom_objects`).

    Args:
        filepath: the `.keras` file (or unzipped `.keras` directory).
        custom_objects: ``{name: class_or_function}`` for custom objects.
        compile: restore the compile configuration and optimizer state.
        safe_mode: refuse code from the file (see above).

    Returns:
        The model.

    Example:
        >>> model = kc.saving.load_model("model.keras")
    """
    filepath = os.fspath(filepath)
    if filepath.endswith(_LEGACY) and os.path.isfile(filepath):
        raise _legacy_error(filepath, "load_model")
    if not filepath.endswith(".keras"):
        raise ValueError(
            f"File format not supported: filepath={filepath}. Keras 3 only supports V3 `.keras` "
            "files, legacy H5 format files (`.h5` extension). Note that the legacy SavedModel "
            "format is not supported by `load_model()` in Keras 3.")
    if not os.path.exists(filepath):
        raise ValueError(f"File not found: filepath={filepath}. Please ensure the file is an "
                         "accessible `.keras` zip file.")
    from kc.serialization import SafeModeScope, custom_object_scope, deserialize_keras_object

    with _archive.ArchiveReader(filepath) as archive:
        config = archive.json(_archive.CONFIG)
        if archive.has(_archive.METADATA):
            archive.json(_archive.METADATA)  # a damaged metadata.json is reported, not ignored
        if not isinstance(config, dict):
            raise ValueError(f"config.json in {filepath!r} must hold a JSON object, got "
                             f"{type(config).__name__}.")
        if not compile:
            config = {k: v for k, v in config.items() if k != "compile_config"}
        # Initial values are drawn only for variables the file leaves unset.
        with SafeModeScope(safe_mode), custom_object_scope(custom_objects or {}), \
                deferred_initialization() as pending:
            model = deserialize_keras_object(config, custom_objects=custom_objects,
                                             safe_mode=safe_mode)
        with archive.open_weights() as f:
            groups = _read(f, filepath)
        prepare_optimizer(model, groups)
        assets_dir = tempfile.mkdtemp(prefix="kc-assets-")
        try:
            has_assets = archive.extract_assets(assets_dir)
            load_state(model, groups, filepath,
                       assets_dir=os.path.join(assets_dir, _archive.ASSETS) if has_assets else None)
        finally:
            shutil.rmtree(assets_dir, ignore_errors=True)
    initialize_pending(pending)
    return model


def _read(f, filepath: str) -> dict:
    try:
        return read_groups(f)
    except (OSError, KeyError, RuntimeError, TypeError) as e:
        raise ValueError(f"The weights in {filepath!r} cannot be read (truncated or corrupt "
                         f"HDF5 data?): {e}") from e


def save_weights(model, filepath, overwrite: bool = True, max_shard_size=None, **kwargs) -> None:
    """Save the model's variables (layers and optimizer) to a `.weights.h5` file.

    Args:
        model: the model.
        filepath: a path ending in ".weights.h5" (".weights.json" when sharded).
        overwrite: replace an existing file; False asks on the console (as Keras).
        max_shard_size: if set, the largest shard in GiB: writes a ".weights.json"
            index and ``<name>_00000.weights.h5``, ... files.

    Example:
        >>> kc.saving.save_weights(model, "model.weights.h5")
    """
    filepath = os.fspath(filepath)
    if kwargs:
        raise TypeError(f"save_weights: unexpected keyword arguments {sorted(kwargs)}.")
    if max_shard_size is not None:
        if filepath.endswith(".weights.h5"):
            new = filepath[: -len(".weights.h5")] + ".weights.json"
            warnings.warn(
                "Saving sharded weights requires `*.json` as the extension. The original path: "
                f"{filepath} will be renamed to {new}.", stacklevel=2)
            filepath = new
        if not filepath.endswith(".weights.json"):
            raise ValueError("The filename must end in `.weights.json` when `max_shard_size` is "
                             f"set. Received: filepath={filepath}")
        if confirm_overwrite(filepath, overwrite):
            _shards.save_sharded(model, filepath, max_shard_size)
        return
    if not filepath.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
    if not confirm_overwrite(filepath, overwrite):
        return
    with atomic_path(filepath) as tmp:
        with h5py.File(tmp, "w") as f:
            write_model_state(f, model)


def load_weights(model, filepath, skip_mismatch: bool = False, **kwargs) -> None:
    """Load variables into `model` from a `.weights.h5`, `.weights.json` or `.keras` file.

    All values are checked against the model (count and shape per layer) before
    any variable changes: on an error the model keeps its weights.

    Args:
        model: the model (built, with the architecture the file was saved from).
        filepath: the file.
        skip_mismatch: warn about and skip layers whose saved variables do not
            match instead of raising.
        **kwargs: ``objects_to_skip`` (layers or optimizers left as they are).

    Example:
        >>> kc.saving.load_weights(model, "model.weights.h5")
    """
    filepath = os.fspath(filepath)
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    if kwargs:
        raise TypeError(f"load_weights: unexpected keyword arguments {sorted(kwargs)}.")
    if filepath.endswith(".keras"):
        if not os.path.exists(filepath):
            raise FileNotFoundError(f"load_weights: no such file: {filepath!r}")
        with _archive.ArchiveReader(filepath) as archive, archive.open_weights() as f:
            groups = _read(f, filepath)
    elif filepath.endswith(".weights.h5"):
        groups = read_weights_file(filepath)
    elif filepath.endswith(".weights.json"):
        groups = _shards.read_sharded(filepath)
    elif filepath.endswith(_LEGACY):
        raise _legacy_error(filepath, "load_weights")
    else:
        raise ValueError(
            f"File format not supported: filepath={filepath}. Keras 3 only supports V3 `.keras` "
            "files, `.weights.h5` files, legacy H5 format files (`.h5` extension), or Orbax "
            "checkpoints.")
    prepare_optimizer(model, groups)
    load_state(model, groups, filepath, skip_mismatch=skip_mismatch, objects_to_skip=objects_to_skip)


def open_h5(filepath: str) -> h5py.File:
    """Open an HDF5 weights file read-only, with clear errors."""
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such weights file: {filepath!r}")
    try:
        return h5py.File(filepath, "r")
    except OSError as e:
        raise ValueError(f"{filepath!r} is not a readable HDF5 weights file (truncated or "
                         f"corrupt?): {e}") from e


def read_weights_file(filepath: str) -> dict:
    with open_h5(filepath) as f:
        return _read(f, filepath)


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """A new (untrained) model from the JSON of `model.to_json()`.

    Args:
        json_string: the JSON text.
        custom_objects: ``{name: class_or_function}`` for custom objects.

    Returns:
        The model (safe mode: no code from the JSON runs).

    Example:
        >>> clone = kc.models.model_from_json(model.to_json())
    """
    from kc.serialization import deserialize_keras_object

    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as e:
        raise ValueError(f"model_from_json: `json_string` is not valid JSON: {e}") from e
    return deserialize_keras_object(config, custom_objects=custom_objects)
