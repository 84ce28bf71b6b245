"""Packing (x, y, sample_weight), validation splits, class weights, cardinality checks."""

from __future__ import annotations

import math

import numpy as np

from kc import tree

_FORMATS = "`x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`"


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Pack user data into the tuple format that `fit` and the adapters take.

    As Keras: ``x`` alone stays ``x`` (a list/tuple ``x`` becomes ``(x,)`` so
    that it is not read as ``(x, y)``); with ``y`` it is ``(x, y)``; with both
    ``(x, y, sample_weight)``. A ``sample_weight`` without ``y`` is dropped.

    Example:
        >>> pack_x_y_sample_weight([1, 2])
        ([1, 2],)
        >>> pack_x_y_sample_weight(1, 2, 3)
        (1, 2, 3)
    """
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """Split a batch into ``(x, y, sample_weight)``, missing parts as ``None``.

    A list or tuple of 1 to 3 elements is read as ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)``; anything else is ``x`` alone.

    Example:
        >>> unpack_x_y_sample_weight((1, 2))
        (1, 2, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) == 1:
        return (data[0], None, None)
    if len(data) == 2:
        return (data[0], data[1], None)
    if len(data) == 3:
        return (data[0], data[1], data[2])
    raise ValueError(f"unpack_x_y_sample_weight: data must be in format {_FORMATS}, "
                     f"found a {type(data).__name__} of {len(data)} elements: {data!r:.200}")


def list_to_tuple(data):
    """A list batch as a tuple (so that it unpacks as (x, y, sample_weight))."""
    return tuple(data) if isinstance(data, list) else data


def num_samples(leaf) -> int:
    """Length of the first axis of an array-like leaf (NumPy, pandas, tensors, scipy.sparse)."""
    shape = getattr(leaf, "shape", None)
    if shape is None:
        return len(leaf)
    if len(shape) == 0:
        raise ValueError(f"kc.data: a scalar ({type(leaf).__name__}) cannot be split into samples; "
                         "every array needs a batch (first) dimension.")
    return int(shape[0])


def check_data_cardinality(data) -> int:
    """Number of samples shared by every array of ``(x, y, sample_weight)``.

    Raises:
        ValueError: the arrays disagree; the message lists the sizes of x, y
            and sample_weight (``'x' sizes: 10`` / ``'y' sizes: 7``).
    """
    x, y, sw = unpack_x_y_sample_weight(data)
    sizes = {}
    for label, part in (("x", x), ("y", y), ("sample_weight", sw)):
        leaves = [leaf for leaf in tree.flatten(part) if leaf is not None]
        if leaves:
            sizes[label] = [num_samples(leaf) for leaf in leaves]
    all_sizes = {n for v in sizes.values() for n in v}
    if len(all_sizes) > 1:
        lines = "\n".join(f"'{k}' sizes: {', '.join(str(n) for n in v)}" for k, v in sizes.items())
        raise ValueError("Data cardinality is ambiguous: x, y and sample_weight must all contain "
                         f"the same number of samples.\n{lines}")
    return all_sizes.pop() if all_sizes else 0


def train_validation_split(arrays, validation_split: float):
    """Split arrays into a training part and the LAST ``validation_split`` fraction.

    As Keras: the split happens before any shuffling; the training part holds
    ``floor(n * (1 - validation_split))`` samples and both parts must be
    non-empty. ``None`` leaves stay ``None``.

    Args:
        arrays: a structure (tuple, list, dict, nested) of NumPy arrays, pandas
            objects or backend tensors, all with the same first dimension.
        validation_split: a float in (0, 1).

    Returns:
        ``(train_arrays, validation_arrays)``, each with the structure of ``arrays``.

    Example:
        >>> (xt, yt), (xv, yv) = train_validation_split((np.arange(10), np.arange(10)), 0.2)
        >>> xv
        array([8, 9])
    """
    from kc.data._sources import is_array_like

    leaves = tree.flatten(arrays)
    bad = [type(t) for t in leaves if t is not None and not is_array_like(t)]
    if bad:
        raise ValueError("train_validation_split: `validation_split` is only supported for "
                         "tensors, NumPy arrays, pandas objects and scipy.sparse matrices; found "
                         f"incompatible types in the input: {sorted({t.__name__ for t in bad})}")
    first = next((t for t in leaves if t is not None), None)
    n = 0 if first is None else num_samples(first)
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(f"train_validation_split: the data holds {n} samples, which is not "
                         "enough to split into a training and a validation set with "
                         f"validation_split={validation_split}. Provide more data or another "
                         "`validation_split`.")

    def cut(start, stop):
        def f(t):
            if t is None:
                return None
            if hasattr(t, "iloc"):
                return t.iloc[start:stop]
            return t[start:stop]

        return tree.map_structure(f, arrays)

    return cut(0, split_at), cut(split_at, n)


def class_weight_to_sample_weights(y, class_weight: dict) -> np.ndarray:
    """Per-sample float32 weights from a ``{class_index: weight}`` dict (NumPy in, NumPy out).

    The class of a sample is ``argmax`` of its last axis when ``y`` is
    one-hot (last axis > 1), else its rounded value. Classes missing from
    ``class_weight`` weigh 1.
    """
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        classes = np.argmax(y, axis=-1)
    else:
        classes = np.round(y.reshape(y.shape[0], -1)[:, 0] if y.ndim > 1 else y).astype(np.int64)
    weights = np.ones(classes.shape, dtype=np.float32)
    for cls, w in class_weight.items():
        weights[classes == int(cls)] = w
    return weights


def check_class_weight(class_weight, y, sample_weight, where: str) -> None:
    """Keras's rules for ``class_weight``: a dict, one output, no sample_weight beside it."""
    if class_weight is None:
        return
    if not isinstance(class_weight, dict):
        raise ValueError(f"{where}: `class_weight` must be a dict mapping class indices to "
                         f"weights, got {type(class_weight).__name__}: {class_weight!r:.100}")
    if sample_weight is not None:
        raise ValueError(f"{where}: you cannot pass `class_weight` and `sample_weight` at the "
                         "same time.")
    if y is not None and (tree.is_nested(y) and len(tree.flatten(y)) != 1):
        raise ValueError(f"{where}: `class_weight` is only supported for Models with a single "
                         f"output; y has {len(tree.flatten(y))} outputs.")


def apply_class_weight(batch, class_weight: dict):
    """``(x, y)`` -> ``(x, y, class weights of y)`` on a NumPy batch (one output only)."""
    x, y, sw = unpack_x_y_sample_weight(batch)
    if y is None:
        raise ValueError("`class_weight` needs targets: the data yields batches without y.")
    if sw is not None:
        raise ValueError("You cannot use `class_weight` when the data yields sample weights.")
    ys = tree.flatten(y)
    if len(ys) != 1:
        raise ValueError(f"`class_weight` is only supported for Models with a single output; "
                         f"the data yields {len(ys)} targets.")
    return (x, y, class_weight_to_sample_weights(ys[0], class_weight))
