"""Shape manipulation ops of the JAX backend."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from kc import dtypes
from kc.backend.jax.core import convert_to_tensor, promote, to_native_dtype
from kc.ops import _rules as rules

_t = convert_to_tensor


def _m():
    """Shape helpers of kc.ops._manipulation (imported late: it imports this module)."""
    from kc.ops import _manipulation

    return _manipulation


def _axis(axis, ndim, op):
    return None if axis is None else rules.canonical_axes(axis, ndim, op)


def reshape(x, newshape):
    x = _t(x)
    return jnp.reshape(x, rules.reshape_shape(x.shape, newshape))


def transpose(x, axes=None):
    x = _t(x)
    return jnp.transpose(x, _m().transpose_axes(axes, x.ndim))


def expand_dims(x, axis):
    x = _t(x)
    return jnp.reshape(x, _m().expand_dims_shape(x.shape, axis))


def squeeze(x, axis=None):
    x = _t(x)
    return jnp.squeeze(x, _m().squeeze_axes(x.shape, axis))


def _join(xs, axis, op):
    xs = promote(*xs)
    rules.concat_shape([x.shape for x in xs], axis, op)
    return jnp.concatenate(xs, axis=axis)


def concatenate(xs, axis=0):
    return _join(xs, axis, "concatenate")


def stack(x, axis=0):
    xs = promote(*x)
    _m().stack_shape([t.shape for t in xs], axis)
    return jnp.stack(xs, axis=axis)


def hstack(xs):
    xs = promote(*xs)
    return _join(xs, _m().hsplit_axis(xs[0].ndim), "hstack")


def vstack(xs):
    return _join([jnp.atleast_2d(x) for x in promote(*xs)], 0, "vstack")


def dstack(xs):
    return _join([jnp.atleast_3d(x) for x in promote(*xs)], 2, "dstack")


def _split(x, indices_or_sections, axis, op, even=True):
    x = _t(x)
    axis = rules.canonical_axis(axis, x.ndim, op)
    sizes = _m().split_sizes(x.shape[axis], indices_or_sections, op, even)
    return jnp.split(x, np.cumsum(sizes)[:-1].tolist(), axis=axis)


def split(x, indices_or_sections, axis=0):
    return _split(x, indices_or_sections, axis, "split")


def array_split(x, indices_or_sections, axis=0):
    return _split(x, indices_or_sections, axis, "array_split", even=False)


def hsplit(x, indices_or_sections):
    x = _t(x)
    return _split(x, indices_or_sections, _m().hsplit_axis(x.ndim), "hsplit")


def vsplit(x, indices_or_sections):
    x = _t(x)
    _m().check_min_rank(x.ndim, 2, "vsplit")
    return _split(x, indices_or_sections, 0, "vsplit")


def dsplit(x, indices_or_sections):
    x = _t(x)
    _m().check_min_rank(x.ndim, 3, "dsplit")
    return _split(x, indices_or_sections, 2, "dsplit")


def tile(x, repeats):
    x = _t(x)
    return jnp.tile(x, _m().tile_reps(repeats, x.ndim))


def repeat(x, repeats, axis=None):
    x = _t(x)
    if axis is not None:
        axis = rules.canonical_axis(axis, x.ndim, "repeat")
    if not isinstance(repeats, int):
        repeats = jnp.asarray(repeats)
    return jnp.repeat(x, repeats, axis=axis)


def flip(x, axis=None):
    x = _t(x)
    return jnp.flip(x, _axis(axis, x.ndim, "flip"))


def fliplr(x):
    x = _t(x)
    _m().check_min_rank(x.ndim, 2, "fliplr")
    return jnp.flip(x, 1)


def flipud(x):
    x = _t(x)
    _m().check_min_rank(x.ndim, 1, "flipud")
    return jnp.flip(x, 0)


def roll(x, shift, axis=None):
    x = _t(x)
    return jnp.roll(x, shift, _axis(axis, x.ndim, "roll"))


def rot90(array, k=1, axes=(0, 1)):
    x = _t(array)
    _m().check_min_rank(x.ndim, 2, "rot90")
    return jnp.rot90(x, k, _m().rot90_axes(x.ndim, axes))


def moveaxis(x, source, destination):
    x = _t(x)
    return jnp.transpose(x, _m().moveaxis_perm(x.ndim, source, destination))


def swapaxes(x, axis1, axis2):
    x = _t(x)
    return jnp.swapaxes(x, rules.canonical_axis(axis1, x.ndim, "swapaxes"),
                       rules.canonical_axis(axis2, x.ndim, "swapaxes"))


def broadcast_to(x, shape):
    x = _t(x)
    return jnp.broadcast_to(x, _m().broadcast_to_shape(x.shape, shape))


def ravel(x):
    return jnp.ravel(_t(x))


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    m = _m()
    m.check_pad_mode(mode, constant_values)
    pairs = m.pad_pairs(pad_width, x.ndim)
    if mode == "constant":
        return jnp.pad(x, pairs, constant_values=0 if constant_values is None else constant_values)
    if mode == "empty":
        return jnp.pad(x, pairs)
    return jnp.pad(x, pairs, mode="wrap" if mode == "circular" else mode)


def append(x1, x2, axis=None):
    x1, x2 = promote(x1, x2)
    if axis is None:
        x1, x2 = jnp.ravel(x1), jnp.ravel(x2)
        axis = 0
    return _join([x1, x2], axis, "append")


def diff(a, n=1, axis=-1):
    a = _t(a)
    axis = rules.canonical_axis(axis, a.ndim, "diff")
    if n < 0:
        raise ValueError(f"diff: n must be non-negative, got {n}.")
    return jnp.diff(a, n=n, axis=axis)


def copy(x):
    return jnp.array(_t(x), copy=True)


def ndim(x):
    return jnp.ndim(x)


def size(x):
    return jnp.asarray(jnp.size(x), dtype=jnp.int32)


def view(x, dtype=None):
    x = _t(x)
    if dtype is None:
        return x.view()
    _m().view_shape(x.shape, dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(dtype))
    return x.view(to_native_dtype(dtype))


def _key_item(k):
    if isinstance(k, (list, np.ndarray)) or hasattr(k, "__array__") and not np.isscalar(k):
        k = _t(k)
        if not (jnp.issubdtype(k.dtype, jnp.integer) or k.dtype == jnp.bool_):
            raise TypeError(f"get_item: tensor keys must be int or bool, got dtype {k.dtype}.")
    return k


def get_item(x, key):
    x = _t(x)
    key = tuple(_key_item(k) for k in key) if isinstance(key, tuple) else _key_item(key)
    return x[key]


def unravel_index(indices, shape):
    indices = _t(indices)
    return tuple(c.astype(jnp.int32) for c in jnp.unravel_index(indices, shape))
