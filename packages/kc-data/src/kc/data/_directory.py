"""Shared machinery of the *_dataset_from_directory helpers: indexing, labels, splits."""

from __future__ import annotations

import os

import numpy as np

_LABEL_MODES = ("int", "categorical", "binary")
_SUBSETS = ("training", "validation", "both")


def check_arguments(where, labels, label_mode, class_names, validation_split, subset, shuffle,
                    seed):
    """Validate the arguments shared by every *_dataset_from_directory helper."""
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(f'{where}: `labels` must be "inferred", None, or a list/tuple of '
                         f"integer labels (one per file, in sorted file order), got {labels!r}.")
    if class_names is not None and labels != "inferred":
        if labels is None:
            raise ValueError(f"{where}: `class_names` cannot be given with labels=None "
                             "(no labels).")
        raise ValueError(f'{where}: `class_names` can be given only with labels="inferred", '
                         f"got labels={labels!r} and class_names={class_names!r}.")
    if label_mode not in (*_LABEL_MODES, None):
        raise ValueError(f"{where}: `label_mode` must be one of {_LABEL_MODES} or None, got "
                         f"{label_mode!r}.")
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"{where}: `validation_split` must be between 0 and 1, got "
                         f"{validation_split}.")
    if (validation_split is None) != (subset is None):
        raise ValueError(f"{where}: `subset` and `validation_split` must be given together, got "
                         f"subset={subset!r} and validation_split={validation_split!r}.")
    if subset is not None and subset not in _SUBSETS:
        raise ValueError(f"{where}: `subset` must be one of {_SUBSETS}, got {subset!r}.")
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{where}: with `validation_split` and shuffle=True, pass a `seed` so "
                         "that the training and validation subsets do not overlap.")


def index_directory(where, directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """List the files of ``directory`` whose extension is in ``formats``, with their labels.

    With ``labels="inferred"`` each subdirectory is a class (sorted by name unless
    ``class_names`` orders them) and files are found recursively inside it; else
    every file below ``directory`` counts. Files come in sorted order (directories
    by path, then files by name); with ``shuffle`` they are permuted as Keras 3
    does for the same ``seed``.

    Returns:
        (file_paths, labels as an int32 array or None, class_names, seed).
    """
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"{where}: `directory` {directory!r} does not exist or is not a "
                                "directory.")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError(f"{where}: `class_names` must name subdirectories of "
                                 f"{directory!r}: {subdirs} (or a subset), got {class_names}.")
            subdirs = list(class_names)
        class_names = subdirs
    else:
        subdirs = [""]
    formats = tuple(f.lower() for f in formats)
    file_paths, indices = [], []
    for index, subdir in enumerate(subdirs):
        walk = os.walk(os.path.join(directory, subdir), followlinks=follow_links)
        for root, _, files in sorted(walk, key=lambda entry: entry[0]):
            for name in sorted(files):
                if name.lower().endswith(formats):
                    file_paths.append(os.path.join(root, name))
                    indices.append(index)
    if labels == "inferred":
        label_array = np.asarray(indices, dtype="int32")
    elif labels is None:
        label_array = None
    else:
        if len(labels) != len(file_paths):
            raise ValueError(f"{where}: `labels` has {len(labels)} entries but {len(file_paths)} "
                             f"files were found in {directory!r}; pass one label per file.")
        label_array = np.asarray(labels, dtype="int32")
        class_names = [str(c) for c in sorted(set(labels))]
    if verbose:
        if label_array is None:
            print(f"Found {len(file_paths)} files.")
        else:
            print(f"Found {len(file_paths)} files belonging to {len(class_names)} classes.")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1_000_000)
        np.random.RandomState(seed).shuffle(file_paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return file_paths, label_array, class_names, seed


def split(file_paths, labels, validation_split, subset, verbose=True):
    """The training or validation part: the validation files are the last fraction."""
    if not validation_split:
        return file_paths, labels
    n_val = int(validation_split * len(file_paths))
    if subset == "training":
        if verbose:
            print(f"Using {len(file_paths) - n_val} files for training.")
        end = len(file_paths) - n_val
        return file_paths[:end], None if labels is None else labels[:end]
    if verbose:
        print(f"Using {n_val} files for validation.")
    start = len(file_paths) - n_val
    return file_paths[start:], None if labels is None else labels[start:]


def labels_dataset(tf, labels, label_mode, num_classes):
    """A tf.data.Dataset of labels encoded for ``label_mode``."""
    ds = tf.data.Dataset.from_tensor_slices(labels)
    if label_mode == "binary":
        return ds.map(lambda y: tf.expand_dims(tf.cast(y, "float32"), -1))
    if label_mode == "categorical":
        return ds.map(lambda y: tf.one_hot(y, num_classes))
    return ds


def build(tf, where, directory, file_paths, labels, label_mode, class_names, load, subset,
          validation_split, shuffle, seed, batch_size, finish, verbose, formats, kind):
    """Assemble the dataset (or the [training, validation] pair for subset="both")."""
    if subset == "both":
        parts = [split(file_paths, labels, validation_split, s, verbose)
                 for s in ("training", "validation")]
    else:
        parts = [split(file_paths, labels, validation_split, subset, verbose)]
    datasets = []
    for paths, part_labels in parts:
        if not paths:
            raise ValueError(f"{where}: no {kind} found in directory {directory!r}. Allowed "
                             f"formats: {formats}.")
        ds = tf.data.Dataset.from_tensor_slices(paths)
        if label_mode is not None:
            ds = tf.data.Dataset.zip((ds, labels_dataset(tf, part_labels, label_mode,
                                                         len(class_names))))
        if shuffle:
            ds = ds.shuffle(buffer_size=batch_size * 8 if batch_size else 1024, seed=seed)
        if label_mode is not None:
            ds = ds.map(lambda p, y: (load(p), y), num_parallel_calls=tf.data.AUTOTUNE)
        else:
            ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE)
        ds = finish(ds).prefetch(tf.data.AUTOTUNE)
        ds.class_names = class_names
        ds.file_paths = paths
        datasets.append(ds)
    return datasets if subset == "both" else datasets[0]


def resolve_labels(where, labels, label_mode, class_names):
    """Checks that need the class list; labels=None or label_mode=None means no labels."""
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f'{where}: label_mode="binary" needs exactly 2 classes, got '
                         f"{len(class_names)}: {class_names}.")
