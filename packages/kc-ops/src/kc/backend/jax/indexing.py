"""Indexing, sorting and searching ops of the JAX backend.

`nonzero`, the one-argument `where` and `unique` without ``size`` have
data-dependent shapes: they work eagerly, not inside ``jax.jit``.
"""

from __future__ import annotations

import jax.numpy as jnp

from kc.backend.common.numpy_like.indexing import indexing_ops
from kc.backend.jax import core
from kc.backend.jax.core import convert_to_tensor, promote, to_native_dtype
from kc.ops import _rules as rules

_t = convert_to_tensor


# _ix, _ones_at, _sort_input, where and nonzero (shared with NumPy) come from
# kc/backend/common/numpy_like/indexing.py.
globals().update(indexing_ops(jnp, core))


def _indices(indices, op, dim):
    _ix().check_int_indices(indices, op)
    indices = _t(indices)
    return jnp.where(indices < 0, indices + dim, indices)


def take(x, indices, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    axis = rules.canonical_axis(axis, x.ndim, "take")
    return jnp.take(x, _indices(indices, "take", x.shape[axis]), axis=axis, mode="clip")


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    _ix().check_int_indices(indices, "take_along_axis")
    _ix().take_along_axis_shape(x.shape, jnp.shape(indices), axis)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    axis = rules.canonical_axis(axis, x.ndim, "take_along_axis")
    indices = _indices(indices, "take_along_axis", x.shape[axis])
    shape = list(jnp.broadcast_shapes(_ones_at(x.shape, axis), _ones_at(indices.shape, axis)))
    x = jnp.broadcast_to(x, shape[:axis] + [x.shape[axis]] + shape[axis + 1:])
    indices = jnp.broadcast_to(indices, shape[:axis] + [indices.shape[axis]] + shape[axis + 1:])
    return jnp.take_along_axis(x, indices, axis=axis, mode="clip")


def argsort(x, axis=-1):
    x, axis = _sort_input(x, axis, "argsort")
    return jnp.argsort(x, axis=axis, stable=True).astype(jnp.int32)


def sort(x, axis=-1):
    x, axis = _sort_input(x, axis, "sort")
    return jnp.sort(x, axis=axis)


def argpartition(x, kth, axis=-1):
    x = _t(x)
    axis = rules.canonical_axis(axis, x.ndim, "argpartition")
    _ix().check_kth(kth, x.shape[axis])
    return jnp.argsort(x, axis=axis, stable=True).astype(jnp.int32)


def searchsorted(sorted_sequence, values, side="left"):
    ix = _ix()
    ix.check_side(side)
    sorted_sequence, values = promote(sorted_sequence, values)
    ix.check_sequence_1d(sorted_sequence.shape, "sorted_sequence", "searchsorted")
    return jnp.searchsorted(sorted_sequence, values, side=side).astype(jnp.int32)


def digitize(x, bins):
    x, bins = promote(x, bins)
    _ix().check_sequence_1d(bins.shape, "bins", "digitize")
    return jnp.searchsorted(bins, x, side="right").astype(jnp.int32)


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promote(x1, x2)
    return jnp.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    x = _t(x)
    if axis is not None:
        axis = rules.canonical_axis(axis, x.ndim, "unique")
    need_counts = return_counts or (size is not None and return_index)
    outs = jnp.unique(x, return_index=return_index, return_inverse=return_inverse, return_counts=need_counts,
                      axis=axis, size=size, fill_value=None if size is None else _fill(x, fill_value))
    outs = list(outs) if isinstance(outs, tuple) else [outs]
    values, rest = outs[0], outs[1:]
    extra = []
    if return_index:
        index = rest.pop(0)
        if size is not None:  # padded slots: index 0, as on every backend
            index = jnp.where(jnp.arange(size) < jnp.sum(rest[-1] > 0), index, 0)
        extra.append(index.astype(jnp.int32))
    if return_inverse:
        extra.append(rest.pop(0).reshape(-1).astype(jnp.int32))
    if return_counts:
        extra.append(rest.pop(0).astype(jnp.int32))
    return values if not extra else (values, *extra)


def _fill(x, fill_value):
    return jnp.asarray(0 if fill_value is None else fill_value, dtype=x.dtype)


def select(condlist, choicelist, default=0):
    _ix().check_select_lists(condlist, choicelist)
    dtype = _ix().select_dtype(choicelist, default)
    choices = [_t(c, dtype) for c in choicelist]
    conds = [_t(c).astype(bool) for c in condlist]
    return jnp.select(conds, choices, jnp.asarray(default, dtype=to_native_dtype(dtype)))


def vectorize(pyfunc, *, excluded=None, signature=None):
    return jnp.vectorize(pyfunc, excluded=excluded or frozenset(), signature=signature)
