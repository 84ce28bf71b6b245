"""Shape manipulation ops shared by the NumPy and JAX backends."""

from __future__ import annotations

from types import ModuleType
from typing import Callable

import numpy as np

from kc import dtypes
from kc.backend.common.split_ops import split_variants
from kc.ops import _rules as rules


def _m():
    """Shape helpers of kc.ops._manipulation (imported late: it imports the backends)."""
    from kc.ops import _manipulation

    return _manipulation


def _axis(axis, ndim, op):
    return None if axis is None else rules.canonical_axes(axis, ndim, op)


def manipulation_ops(xp: ModuleType, core: ModuleType, as_key: Callable) -> dict[str, Callable]:
    """Return the manipulation ops over array module ``xp``, keyed by name.

    ``as_key(k)`` turns an array-like ``get_item`` key into an array of ``xp``.
    """
    _t, _promote = core.convert_to_tensor, core.promote

    def reshape(x, newshape):
        x = _t(x)
        return xp.reshape(x, rules.reshape_shape(x.shape, newshape))

    def transpose(x, axes=None):
        x = _t(x)
        return xp.transpose(x, _m().transpose_axes(axes, x.ndim))

    def expand_dims(x, axis):
        x = _t(x)
        return xp.reshape(x, _m().expand_dims_shape(x.shape, axis))

    def squeeze(x, axis=None):
        x = _t(x)
        return xp.squeeze(x, _m().squeeze_axes(x.shape, axis))

    def _join(xs, axis, op):
        xs = _promote(*xs)
        rules.concat_shape([x.shape for x in xs], axis, op)
        return xp.concatenate(xs, axis=axis)

    def concatenate(xs, axis=0):
        return _join(xs, axis, "concatenate")

    def stack(x, axis=0):
        xs = _promote(*x)
        _m().stack_shape([t.shape for t in xs], axis)
        return xp.stack(xs, axis=axis)

    def hstack(xs):
        xs = _promote(*xs)
        return _join(xs, _m().hsplit_axis(xs[0].ndim), "hstack")

    def vstack(xs):
        return _join([xp.atleast_2d(x) for x in _promote(*xs)], 0, "vstack")

    def dstack(xs):
        return _join([xp.atleast_3d(x) for x in _promote(*xs)], 2, "dstack")

    def _split(x, indices_or_sections, axis, op, even=True):
        x = _t(x)
        axis = rules.canonical_axis(axis, x.ndim, op)
        sizes = _m().split_sizes(x.shape[axis], indices_or_sections, op, even)
        return xp.split(x, np.cumsum(sizes)[:-1].tolist(), axis=axis)

    def tile(x, repeats):
        x = _t(x)
        return xp.tile(x, _m().tile_reps(repeats, x.ndim))

    def repeat(x, repeats, axis=None):
        x = _t(x)
        if axis is not None:
            axis = rules.canonical_axis(axis, x.ndim, "repeat")
        if not isinstance(repeats, int):
            repeats = xp.asarray(repeats)
        return xp.repeat(x, repeats, axis=axis)

    def flip(x, axis=None):
        x = _t(x)
        return xp.flip(x, _axis(axis, x.ndim, "flip"))

    def fliplr(x):
        x = _t(x)
        _m().check_min_rank(x.ndim, 2, "fliplr")
        return xp.flip(x, 1)

    def flipud(x):
        x = _t(x)
        _m().check_min_rank(x.ndim, 1, "flipud")
        return xp.flip(x, 0)

    def roll(x, shift, axis=None):
        x = _t(x)
        return xp.roll(x, shift, _axis(axis, x.ndim, "roll"))

    def rot90(array, k=1, axes=(0, 1)):
        x = _t(array)
        _m().check_min_rank(x.ndim, 2, "rot90")
        return xp.rot90(x, k, _m().rot90_axes(x.ndim, axes))

    def moveaxis(x, source, destination):
        x = _t(x)
        return xp.transpose(x, _m().moveaxis_perm(x.ndim, source, destination))

    def swapaxes(x, axis1, axis2):
        x = _t(x)
        return xp.swapaxes(x, rules.canonical_axis(axis1, x.ndim, "swapaxes"),
                           rules.canonical_axis(axis2, x.ndim, "swapaxes"))

    def broadcast_to(x, shape):
        x = _t(x)
        return xp.broadcast_to(x, _m().broadcast_to_shape(x.shape, shape))

    def ravel(x):
        return xp.ravel(_t(x))

    def pad(x, pad_width, mode="constant", constant_values=None):
        x = _t(x)
        m = _m()
        m.check_pad_mode(mode, constant_values)
        pairs = m.pad_pairs(pad_width, x.ndim)
        if mode == "constant":
            return xp.pad(x, pairs, constant_values=0 if constant_values is None else constant_values)
        if mode == "empty":
            return xp.pad(x, pairs)
        return xp.pad(x, pairs, mode="wrap" if mode == "circular" else mode)

    def append(x1, x2, axis=None):
        x1, x2 = _promote(x1, x2)
        if axis is None:
            x1, x2 = xp.ravel(x1), xp.ravel(x2)
            axis = 0
        return _join([x1, x2], axis, "append")

    def diff(a, n=1, axis=-1):
        a = _t(a)
        axis = rules.canonical_axis(axis, a.ndim, "diff")
        if n < 0:
            raise ValueError(f"diff: n must be non-negative, got {n}.")
        return xp.diff(a, n=n, axis=axis)

    def copy(x):
        return xp.array(_t(x), copy=True)

    def ndim(x):
        return xp.ndim(x)

    def size(x):
        return xp.asarray(xp.size(x), dtype=xp.int32)

    def view(x, dtype=None):
        x = _t(x)
        if dtype is None:
            return x.view()
        _m().view_shape(x.shape, dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(dtype))
        return x.view(core.to_native_dtype(dtype))

    def _key_item(k):
        if isinstance(k, (list, np.ndarray)) or hasattr(k, "__array__") and not np.isscalar(k):
            k = as_key(k)
            if not (xp.issubdtype(k.dtype, xp.integer) or k.dtype == xp.bool_):
                raise TypeError(f"get_item: tensor keys must be int or bool, got dtype {k.dtype}.")
        return k

    def get_item(x, key):
        x = _t(x)
        key = tuple(_key_item(k) for k in key) if isinstance(key, tuple) else _key_item(key)
        return x[key]

    def unravel_index(indices, shape):
        indices = _t(indices)
        return tuple(c.astype(xp.int32) for c in xp.unravel_index(indices, shape))

    ops = {name: f for name, f in locals().items()
           if callable(f) and not name.startswith("_") and name != "as_key"}
    return {**ops, **split_variants(_t, _split)}
