"""`to_categorical` and `normalize`: class vectors to one-hot matrices, rows to unit norm."""

from __future__ import annotations

import numpy as np

from kc import backend, ops


def to_categorical(x, num_classes: int | None = None):
    """Convert a class vector (integers) to a one-hot class matrix.

    A trailing dimension of size 1 is dropped first, so labels of shape
    ``(n, 1)`` give ``(n, num_classes)``. Backend tensors give a float32 backend
    tensor (through `kc.ops.one_hot`); anything else gives a float64 NumPy
    array, where a negative index counts from the end as in NumPy.

    Args:
        x: class indices from 0 to ``num_classes - 1``: array-like or backend tensor.
        num_classes: number of classes; default ``max(x) + 1``.

    Returns:
        The one-hot encoding of ``x``, shape ``x.shape + (num_classes,)``.

    Example:
        >>> kc.utils.to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]])
    """
    if backend.is_tensor(x):
        shape = tuple(x.shape)
        if len(shape) > 1 and shape[-1] == 1:
            x = ops.reshape(x, shape[:-1])
        x = ops.cast(x, "int32")
        if num_classes is None:
            num_classes = int(ops.convert_to_numpy(ops.max(x))) + 1
        return ops.one_hot(x, num_classes)
    x = np.asarray(x, dtype="int64")
    shape = x.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = x.reshape(-1)
    if not num_classes:
        num_classes = int(np.max(flat)) + 1 if flat.size else 0
    if flat.size and (flat.max() >= num_classes or flat.min() < -num_classes):
        bad = flat[(flat >= num_classes) | (flat < -num_classes)][0]
        raise IndexError(f"to_categorical: `x` holds class index {bad}, outside the range "
                         f"[0, {num_classes}) of num_classes={num_classes}.")
    categorical = np.zeros((flat.shape[0], num_classes))
    categorical[np.arange(flat.shape[0]), flat] = 1
    return categorical.reshape(shape + (num_classes,))


def normalize(x, axis: int | None = -1, order: int = 2):
    """Normalize an array to unit ``order``-norm along ``axis``.

    NumPy arrays are normalized with NumPy (an all-zero slice stays zero);
    other inputs go through `kc.ops.normalize` and give a backend tensor.

    Args:
        x: array or backend tensor.
        axis: axis along which to normalize.
        order: normalization order (2 for the L2 norm).

    Returns:
        A normalized copy of ``x``.

    Example:
        >>> kc.utils.normalize(np.array([[3.0, 4.0]]))
        array([[0.6, 0.8]])
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, axis if axis is not None else -1)
    return ops.normalize(x, axis=axis, order=order)
