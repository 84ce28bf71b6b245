"""Masks carried by tensors: `set_keras_mask` / `get_keras_mask`.

Keras attaches a layer's output mask to the output tensor as ``_keras_mask``.
Torch and TensorFlow tensors and KerasTensors accept the attribute; NumPy and
JAX arrays do not, so their masks live in a side table keyed by the tensor's
identity and dropped when the tensor is freed. Either way the mask travels
with the tensor on every backend, in eager code as in functional models.

Example:
    >>> x = kc.ops.ones((2, 3))
    >>> set_keras_mask(x, kc.ops.array([True, False]))
    >>> get_keras_mask(x)
    array([ True, False])
"""

from __future__ import annotations

import weakref

_side_table: dict[int, tuple] = {}  # id(tensor) -> (weakref to tensor, mask)


def set_keras_mask(x, mask) -> None:
    """Attach ``mask`` (or remove it, with None) to tensor ``x``."""
    try:
        if mask is None:
            if hasattr(x, "_keras_mask"):
                del x._keras_mask
        else:
            x._keras_mask = mask
        return
    except (AttributeError, TypeError):
        pass
    key = id(x)
    if mask is None:
        _side_table.pop(key, None)
        return
    try:
        ref = weakref.ref(x, lambda _, key=key: _side_table.pop(key, None))
    except TypeError:  # neither attributes nor weak references: cannot carry a mask
        return
    _side_table[key] = (ref, mask)


def get_keras_mask(x):
    """The mask attached to ``x``, or None."""
    mask = getattr(x, "_keras_mask", None)
    if mask is not None:
        return mask
    entry = _side_table.get(id(x))
    if entry is not None and entry[0]() is x:
        return entry[1]
    return None
