"""Indexing, sorting and searching ops of the TensorFlow backend."""

from __future__ import annotations

import tensorflow as tf

from kc.backend.tensorflow.core import convert_to_tensor, promote
from kc.ops import _rules as rules

_t = convert_to_tensor


def _ix():
    """Rules of kc.ops._indexing (imported late: it imports this module)."""
    from kc.ops import _indexing

    return _indexing


def _shape(x) -> tuple:
    return tuple(x.shape.as_list())


def _indices(indices, op, dim):
    _ix().check_int_indices(indices, op)
    indices = _t(indices)
    if indices.dtype not in (tf.int32, tf.int64):
        indices = tf.cast(indices, tf.int64)
    return tf.where(indices < 0, indices + tf.cast(dim, indices.dtype), indices)


def take(x, indices, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    axis = rules.canonical_axis(axis, x.ndim, "take")
    return tf.gather(x, _indices(indices, "take", tf.shape(x)[axis]), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    _ix().check_int_indices(indices, "take_along_axis")
    indices = _t(indices)
    _ix().take_along_axis_shape(_shape(x), _shape(indices), axis)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    axis = rules.canonical_axis(axis, x.ndim, "take_along_axis")
    indices = _indices(indices, "take_along_axis", tf.shape(x)[axis])
    perm = [a for a in range(x.ndim) if a != axis] + [axis]
    x, indices = tf.transpose(x, perm), tf.transpose(indices, perm)
    batch = tf.broadcast_dynamic_shape(tf.shape(x)[:-1], tf.shape(indices)[:-1])
    x = tf.broadcast_to(x, tf.concat([batch, tf.shape(x)[-1:]], 0))
    indices = tf.broadcast_to(indices, tf.concat([batch, tf.shape(indices)[-1:]], 0))
    out = tf.gather(x, indices, batch_dims=x.ndim - 1, axis=-1)
    return tf.transpose(out, [perm.index(a) for a in range(x.ndim)])


def where(condition, x1=None, x2=None):
    _ix().check_where_args(x1, x2)
    if x1 is None:
        return nonzero(condition)
    x1, x2 = promote(x1, x2)
    return tf.where(tf.cast(_t(condition), tf.bool), x1, x2)


def nonzero(x):
    x = _t(x)
    found = tf.where(tf.cast(x, tf.bool))
    return tuple(tf.cast(found[:, i], tf.int32) for i in range(x.ndim))


def _sortable(x):
    """tf sorts neither bool nor unsigned ints: widen them (order is kept)."""
    if x.dtype == tf.bool or x.dtype.is_unsigned:
        return tf.cast(x, tf.int64 if x.dtype != tf.uint64 else tf.float64)
    return x


def _sort_input(x, axis, op):
    x = _t(x)
    axis = _ix().sort_axis(axis, x.ndim, op)
    return (tf.reshape(x, [-1]), 0) if axis is None else (x, axis)


def argsort(x, axis=-1):
    x, axis = _sort_input(x, axis, "argsort")
    if x.ndim == 0:
        return tf.zeros((), tf.int32)
    return tf.cast(tf.argsort(_sortable(x), axis=axis, stable=True), tf.int32)


def sort(x, axis=-1):
    x, axis = _sort_input(x, axis, "sort")
    if x.ndim == 0:
        return x
    return tf.cast(tf.sort(_sortable(x), axis=axis), x.dtype)


def argpartition(x, kth, axis=-1):
    x = _t(x)
    axis = rules.canonical_axis(axis, x.ndim, "argpartition")
    _ix().check_kth(kth, x.shape[axis])
    return tf.cast(tf.argsort(_sortable(x), axis=axis, stable=True), tf.int32)


def searchsorted(sorted_sequence, values, side="left"):
    ix = _ix()
    ix.check_side(side)
    sorted_sequence, values = promote(sorted_sequence, values)
    ix.check_sequence_1d(_shape(sorted_sequence), "sorted_sequence", "searchsorted")
    flat = tf.reshape(_sortable(values), [1, -1])
    out = tf.searchsorted(_sortable(sorted_sequence)[None], flat, side=side, out_type=tf.int32)
    return tf.reshape(out, tf.shape(values))


def digitize(x, bins):
    x, bins = promote(x, bins)
    _ix().check_sequence_1d(_shape(bins), "bins", "digitize")
    return searchsorted(bins, x, side="right")


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promote(x1, x2)
    found = tf.reduce_any(tf.equal(x1[..., None], tf.reshape(x2, [-1])), axis=-1)
    return tf.logical_not(found) if invert else found


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    x = _t(x)
    if axis is None:
        moved, rest = tf.reshape(x, [-1]), ()
    else:
        axis = rules.canonical_axis(axis, x.ndim, "unique")
        moved = tf.experimental.numpy.moveaxis(x, axis, 0)
        rest = _shape(moved)[1:]
        if None in rest:
            raise NotImplementedError("kc.ops.unique: with axis, the other sizes must be known on tensorflow.")
    width = rules._prod(rest)
    rows = tf.reshape(moved, [-1, width])
    found, inverse, counts = tf.raw_ops.UniqueWithCountsV2(x=_sortable(rows), axis=[0], out_idx=tf.int32)
    order = _lexsort_rows(found, width)
    values = tf.reshape(tf.cast(tf.gather(found, order), x.dtype), (-1,) + rest)
    counts = tf.gather(counts, order)
    inverse = tf.gather(tf.math.invert_permutation(order), inverse)
    index = tf.math.unsorted_segment_min(tf.range(tf.shape(rows)[0]), inverse, tf.shape(values)[0])
    if size is not None:
        values, index, counts = _fix_size(values, index, counts, size, fill_value)
    if axis is not None:
        values = tf.experimental.numpy.moveaxis(values, 0, axis)
    outs = [values]
    outs += [index] if return_index else []
    outs += [inverse] if return_inverse else []
    outs += [counts] if return_counts else []
    return outs[0] if len(outs) == 1 else tuple(outs)


def _lexsort_rows(rows, width: int):
    """Order of the rows of a (n, width) tensor in ascending lexicographic order."""
    order = tf.range(tf.shape(rows)[0])
    for col in reversed(range(width)):
        order = tf.gather(order, tf.argsort(tf.gather(rows[:, col], order), stable=True))
    return order


def _fix_size(values, index, counts, size, fill_value):
    """Truncate or pad (along axis 0) to ``size`` unique values."""
    pad = tf.maximum(size - tf.shape(values)[0], 0)
    fill = tf.cast(0 if fill_value is None else fill_value, values.dtype)
    widths = [[0, pad]] + [[0, 0]] * (values.shape.rank - 1)
    values = tf.pad(values[:size], widths, constant_values=fill)
    index, counts = tf.pad(index[:size], [[0, pad]]), tf.pad(counts[:size], [[0, pad]])
    values = tf.ensure_shape(values, (size,) + tuple(values.shape[1:]))
    return values, tf.ensure_shape(index, (size,)), tf.ensure_shape(counts, (size,))


def select(condlist, choicelist, default=0):
    _ix().check_select_lists(condlist, choicelist)
    dtype = _ix().select_dtype(choicelist, default)
    out = _t(default, dtype)
    conds = [tf.cast(_t(c), tf.bool) for c in condlist]
    for cond, choice in reversed(list(zip(conds, choicelist))):
        out = tf.where(cond, _t(choice, dtype), out)
    return out


def vmap(fn):
    def mapped(*args):
        return tf.vectorized_map(lambda elems: fn(*elems), tuple(args))

    return mapped
