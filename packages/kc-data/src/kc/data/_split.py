"""`split_dataset`: cut a dataset in two (left, right) parts."""

from __future__ import annotations

import random

import numpy as np

_WHERE = "split_dataset"
_BACKENDS = ("tensorflow", "torch")


def split_dataset(dataset, left_size=None, right_size=None, shuffle: bool = False,
                  seed: int | None = None, preferred_backend: str | None = None):
    """Split a dataset into a left and a right part.

    Args:
        dataset: a NumPy array, a tuple or list of arrays of one length, a
            tf.data.Dataset (each element is one sample) or a torch Dataset.
        left_size: int (samples) or float in (0, 1) (fraction, rounded); default
            what ``right_size`` leaves.
        right_size: likewise; default what ``left_size`` leaves. At least one of
            the two is needed. The right part is taken from the end.
        shuffle: shuffle the samples first (the same order as Keras 3 for a seed).
        seed: shuffling seed.
        preferred_backend: "tensorflow" (tf.data.Dataset parts) or "torch"
            (``torch.utils.data.Subset`` parts); default "torch" for torch
            datasets, else "tensorflow".

    Returns:
        A tuple ``(left, right)`` of datasets.

    Example:
        >>> left, right = kc.utils.split_dataset(np.arange(10), left_size=0.8)
        >>> len(list(left)), len(list(right))
        (8, 2)
    """
    kind = _kind(dataset)
    if preferred_backend is None:
        preferred_backend = "torch" if kind == "torch" else "tensorflow"
    if preferred_backend not in _BACKENDS:
        raise ValueError(f"{_WHERE}: `preferred_backend` must be one of {_BACKENDS} or None, got "
                         f"{preferred_backend!r}.")
    if left_size is None and right_size is None:
        raise ValueError(f"{_WHERE}: give `left_size` or `right_size` (or both); both are None.")
    if kind == "tensorflow":
        samples = list(dataset.as_numpy_iterator())
        total = len(samples)
    else:
        samples = None
        total = _length(dataset, kind)
    left, right = _sizes(left_size, right_size, total)
    order = list(range(total))
    if shuffle:
        if seed is None:
            seed = random.randint(0, 1_000_000)
        random.Random(seed).shuffle(order)
    left_idx, right_idx = order[:left], order[total - right:]
    if preferred_backend == "torch":
        return _torch_parts(dataset, kind, samples, left_idx, right_idx)
    return _tf_parts(dataset, kind, samples, left_idx, right_idx)


def _kind(dataset) -> str:
    if isinstance(dataset, np.ndarray):
        return "array"
    if isinstance(dataset, (tuple, list)) and dataset and all(
            hasattr(a, "shape") and hasattr(a, "__len__") for a in dataset):
        return "arrays"
    module = type(dataset).__module__
    if module.startswith("tensorflow") and hasattr(dataset, "element_spec"):
        return "tensorflow"
    try:
        import torch.utils.data
    except ImportError:
        pass
    else:
        if isinstance(dataset, torch.utils.data.Dataset):
            return "torch"
    raise TypeError(f"{_WHERE}: `dataset` must be a NumPy array, a tuple/list of arrays, a "
                    f"tf.data.Dataset or a torch Dataset, got {type(dataset).__name__}.")


def _length(dataset, kind) -> int:
    if kind == "arrays":
        lengths = [len(a) for a in dataset]
        if len(set(lengths)) > 1:
            raise ValueError(f"{_WHERE}: the arrays of `dataset` must have one length, got "
                             f"lengths {lengths}.")
        return lengths[0]
    return len(dataset)


def _sizes(left_size, right_size, total):
    def check(name, value):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{_WHERE}: `{name}` must be an int, a float or None, got "
                            f"{type(value).__name__}.")
        if isinstance(value, (int, np.integer)):
            if not 0 < value < total:
                raise ValueError(f"{_WHERE}: `{name}` must be an integer in (0, {total}) (the "
                                 f"dataset's length) or a float in (0, 1), got {value}.")
            return int(value)
        if not 0 < value < 1:
            raise ValueError(f"{_WHERE}: `{name}` must be a float in (0, 1) or an integer in "
                             f"(0, {total}), got {value}.")
        return round(value * total)

    fl = isinstance(left_size, float) and isinstance(right_size, float)
    if fl and left_size + right_size > 1:
        raise ValueError(f"{_WHERE}: left_size + right_size must be at most 1, got "
                         f"{left_size} + {right_size}.")
    left, right = check("left_size", left_size), check("right_size", right_size)
    if left is None:
        left = total - right
    if right is None:
        right = total - left
    if left + right > total:
        raise ValueError(f"{_WHERE}: left_size + right_size must be at most the dataset's "
                         f"length {total}, got {left} + {right} samples.")
    for name, value in (("left", left), ("right", right)):
        if value == 0:
            raise ValueError(f"{_WHERE}: the {name} part would be empty (dataset of length "
                             f"{total}, left_size={left_size}, right_size={right_size}).")
    return left, right


def _tf_parts(dataset, kind, samples, left_idx, right_idx):
    import tensorflow as tf

    def part(idx):
        idx = np.asarray(idx, dtype="int64")
        if kind == "array":
            sliced = dataset[idx]
        elif kind == "arrays":
            sliced = tuple(np.asarray(a)[idx] for a in dataset)
        elif kind == "tensorflow":
            chosen = [samples[i] for i in idx]
            sliced = tf.nest.map_structure(lambda *xs: np.stack(xs), *chosen)
        else:
            chosen = [_to_numpy(dataset[int(i)]) for i in idx]
            sliced = tf.nest.map_structure(lambda *xs: np.stack(xs), *chosen)
        return tf.data.Dataset.from_tensor_slices(sliced).prefetch(tf.data.AUTOTUNE)

    return part(left_idx), part(right_idx)


def _torch_parts(dataset, kind, samples, left_idx, right_idx):
    import torch
    from torch.utils.data import Subset, TensorDataset

    if kind == "array":
        dataset = TensorDataset(torch.as_tensor(dataset))
    elif kind == "arrays":
        dataset = TensorDataset(*(torch.as_tensor(np.asarray(a)) for a in dataset))
    elif kind == "tensorflow":
        dataset = _ListDataset(samples)
    return Subset(dataset, left_idx), Subset(dataset, right_idx)


def _to_numpy(sample):
    if isinstance(sample, (tuple, list)):
        return tuple(_to_numpy(s) for s in sample)
    if isinstance(sample, dict):
        return {k: _to_numpy(v) for k, v in sample.items()}
    return sample.numpy() if hasattr(sample, "numpy") else np.asarray(sample)


class _ListDataset:
    """A map-style dataset over a list (torch-compatible: __len__ and __getitem__)."""

    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]
