"""Indexing, sorting and searching ops of the NumPy backend."""

from __future__ import annotations

import numpy as np

from kc.backend.common.numpy_like.indexing import indexing_ops
from kc.backend.numpy import core
from kc.backend.numpy.core import convert_to_tensor, promote, to_native_dtype
from kc.ops import _rules as rules

_t = convert_to_tensor


# _ix, _ones_at, _sort_input, where and nonzero (shared with JAX) come from
# kc/backend/common/numpy_like/indexing.py.
globals().update(indexing_ops(np, core))


def _indices(indices, op):
    _ix().check_int_indices(indices, op)
    return _t(indices)


def take(x, indices, axis=None):
    x, indices = _t(x), _indices(indices, "take")
    if axis is None:
        x, axis = np.ravel(x), 0
    axis = rules.canonical_axis(axis, x.ndim, "take")
    return np.take(x, indices, axis=axis)


def take_along_axis(x, indices, axis=None):
    x, indices = _t(x), _indices(indices, "take_along_axis")
    _ix().take_along_axis_shape(x.shape, indices.shape, axis)
    if axis is None:
        return np.take_along_axis(np.ravel(x), indices, axis=0)
    axis = rules.canonical_axis(axis, x.ndim, "take_along_axis")
    shape = list(np.broadcast_shapes(_ones_at(x.shape, axis), _ones_at(indices.shape, axis)))
    x = np.broadcast_to(x, shape[:axis] + [x.shape[axis]] + shape[axis + 1:])
    indices = np.broadcast_to(indices, shape[:axis] + [indices.shape[axis]] + shape[axis + 1:])
    return np.take_along_axis(x, indices, axis=axis)


def argsort(x, axis=-1):
    x, axis = _sort_input(x, axis, "argsort")
    return np.argsort(x, axis=axis, kind="stable").astype(np.int32)


def sort(x, axis=-1):
    x, axis = _sort_input(x, axis, "sort")
    return np.sort(x, axis=axis)


def argpartition(x, kth, axis=-1):
    x = _t(x)
    axis = rules.canonical_axis(axis, x.ndim, "argpartition")
    _ix().check_kth(kth, x.shape[axis])
    return np.argpartition(x, kth, axis=axis).astype(np.int32)


def searchsorted(sorted_sequence, values, side="left"):
    ix = _ix()
    ix.check_side(side)
    sorted_sequence, values = promote(sorted_sequence, values)
    ix.check_sequence_1d(sorted_sequence.shape, "sorted_sequence", "searchsorted")
    return np.searchsorted(sorted_sequence, values, side=side).astype(np.int32)


def digitize(x, bins):
    x, bins = promote(x, bins)
    _ix().check_sequence_1d(bins.shape, "bins", "digitize")
    return np.searchsorted(bins, x, side="right").astype(np.int32)


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promote(x1, x2)
    return np.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    x = _t(x)
    if axis is not None:
        axis = rules.canonical_axis(axis, x.ndim, "unique")
    values, index, inverse, counts = np.unique(x, True, True, True, axis=axis)
    inverse = inverse.reshape(-1)
    if size is not None:
        values, index, counts = _fix_size(values, index, counts, size, axis or 0, fill_value)
    outs = [values]
    outs += [index.astype(np.int32)] if return_index else []
    outs += [inverse.astype(np.int32)] if return_inverse else []
    outs += [counts.astype(np.int32)] if return_counts else []
    return outs[0] if len(outs) == 1 else tuple(outs)


def _fix_size(values, index, counts, size, axis, fill_value):
    n = values.shape[axis]
    if n >= size:
        return np.take(values, np.arange(size), axis=axis), index[:size], counts[:size]
    pad = [(0, 0)] * values.ndim
    pad[axis] = (0, size - n)
    fill = 0 if fill_value is None else fill_value
    values = np.pad(values, pad, constant_values=np.asarray(fill).astype(values.dtype))
    return values, np.pad(index, (0, size - n)), np.pad(counts, (0, size - n))


def select(condlist, choicelist, default=0):
    _ix().check_select_lists(condlist, choicelist)
    dtype = _ix().select_dtype(choicelist, default)
    choices = [_t(c, dtype) for c in choicelist]
    conds = [_t(c).astype(bool) for c in condlist]
    return np.select(conds, choices, np.asarray(default, dtype=to_native_dtype(dtype)))


def vectorize(pyfunc, *, excluded=None, signature=None):
    return np.vectorize(pyfunc, excluded=excluded, signature=signature)
