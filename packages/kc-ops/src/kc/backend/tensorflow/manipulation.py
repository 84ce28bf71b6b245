"""Shape manipulation ops of the TensorFlow backend.

Static shapes are used where known (for validation); ops stay graph-friendly
inside ``tf.function`` where sizes may be unknown.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from kc import dtypes
from kc.backend.common.split_ops import split_variants
from kc.backend.tensorflow.core import convert_to_tensor, promote, to_native_dtype
from kc.ops import _rules as rules

_t = convert_to_tensor


def _m():
    """Shape helpers of kc.ops._manipulation (imported late: it imports this module)."""
    from kc.ops import _manipulation

    return _manipulation


def _shape(x) -> tuple:
    return tuple(x.shape.as_list())


def _axes(axis, ndim, op):
    return tuple(range(ndim)) if axis is None else rules.canonical_axes(axis, ndim, op)


def reshape(x, newshape):
    x = _t(x)
    rules.reshape_shape(_shape(x), newshape)
    return tf.reshape(x, newshape)


def transpose(x, axes=None):
    x = _t(x)
    return tf.transpose(x, _m().transpose_axes(axes, x.ndim))


def expand_dims(x, axis):
    x = _t(x)
    count = len(axis) if isinstance(axis, (list, tuple)) else 1
    for a in sorted(rules.canonical_axes(axis, x.ndim + count, "expand_dims")):
        x = tf.expand_dims(x, a)
    return x


def squeeze(x, axis=None):
    x = _t(x)
    axes = _m().squeeze_axes(_shape(x), axis)
    return tf.squeeze(x, axes) if axes else x


def _join(xs, axis, op):
    rules.concat_shape([_shape(x) for x in xs], axis, op)
    return tf.concat(xs, axis=axis)


def concatenate(xs, axis=0):
    return _join(promote(*xs), axis, "concatenate")


def stack(x, axis=0):
    xs = promote(*x)
    _m().stack_shape([_shape(t) for t in xs], axis)
    return tf.stack(xs, axis=axis)


def hstack(xs):
    xs = promote(*xs)
    return _join(xs, _m().hsplit_axis(xs[0].ndim), "hstack")


def _atleast(x, ndim):
    return tf.reshape(x, _m().atleast_shape(_shape(x), ndim)) if x.ndim < ndim else x


def vstack(xs):
    return _join([_atleast(x, 2) for x in promote(*xs)], 0, "vstack")


def dstack(xs):
    return _join([_atleast(x, 3) for x in promote(*xs)], 2, "dstack")


def _split(x, indices_or_sections, axis, op, even=True):
    x = _t(x)
    axis = rules.canonical_axis(axis, x.ndim, op)
    sizes = _m().split_sizes(x.shape[axis], indices_or_sections, op, even)
    if None in sizes:
        if not (even and isinstance(indices_or_sections, int)):
            raise NotImplementedError(f"kc.ops.{op}: split indices need a known axis size on tensorflow.")
        return tf.split(x, indices_or_sections, axis=axis)
    return tf.split(x, sizes, axis=axis)


# split, array_split, hsplit, vsplit and dsplit: common/split_ops.py, over _split.
globals().update(split_variants(_t, _split))


def tile(x, repeats):
    x = _t(x)
    reps = _m().tile_reps(repeats, x.ndim)
    if len(reps) > x.ndim:
        x = tf.reshape(x, (1,) * (len(reps) - x.ndim) + tuple(-1 if d is None else d for d in _shape(x)))
    return tf.tile(x, reps)


def repeat(x, repeats, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    axis = rules.canonical_axis(axis, x.ndim, "repeat")
    return tf.repeat(x, repeats, axis=axis)


def flip(x, axis=None):
    x = _t(x)
    return tf.reverse(x, _axes(axis, x.ndim, "flip"))


def fliplr(x):
    x = _t(x)
    _m().check_min_rank(x.ndim, 2, "fliplr")
    return tf.reverse(x, [1])


def flipud(x):
    x = _t(x)
    _m().check_min_rank(x.ndim, 1, "flipud")
    return tf.reverse(x, [0])


def roll(x, shift, axis=None):
    x = _t(x)
    if axis is None:
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), shift, 0), tf.shape(x))
    axes = rules.canonical_axes(axis, x.ndim, "roll")
    if not isinstance(shift, int) and len(shift) != len(axes):
        shift = np.broadcast_to(shift, (len(axes),)).tolist()
    elif isinstance(shift, int):
        shift = [shift] * len(axes)
    return tf.roll(x, shift, axes)


def rot90(array, k=1, axes=(0, 1)):
    x = _t(array)
    _m().check_min_rank(x.ndim, 2, "rot90")
    a, b = _m().rot90_axes(x.ndim, axes)
    perm = list(range(x.ndim))
    perm[a], perm[b] = b, a
    k %= 4
    if k == 1:
        return tf.transpose(tf.reverse(x, [b]), perm)
    if k == 2:
        return tf.reverse(x, [a, b])
    if k == 3:
        return tf.reverse(tf.transpose(x, perm), [b])
    return x


def moveaxis(x, source, destination):
    x = _t(x)
    return tf.transpose(x, _m().moveaxis_perm(x.ndim, source, destination))


def swapaxes(x, axis1, axis2):
    x = _t(x)
    perm = list(range(x.ndim))
    a, b = rules.canonical_axis(axis1, x.ndim, "swapaxes"), rules.canonical_axis(axis2, x.ndim, "swapaxes")
    perm[a], perm[b] = b, a
    return tf.transpose(x, perm)


def broadcast_to(x, shape):
    x = _t(x)
    return tf.broadcast_to(x, _m().broadcast_to_shape(_shape(x), shape))


def ravel(x):
    return tf.reshape(_t(x), [-1])


_GATHER_PAD_MODES = ("edge", "reflect", "symmetric", "wrap", "circular")


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    m = _m()
    m.check_pad_mode(mode, constant_values)
    pairs = m.pad_pairs(pad_width, x.ndim)
    if mode in ("constant", "empty"):
        value = 0 if constant_values is None else constant_values
        return tf.pad(x, pairs, constant_values=tf.cast(value, x.dtype))
    if mode not in _GATHER_PAD_MODES:
        raise NotImplementedError(f"kc.ops.pad: mode {mode!r} is not available on the tensorflow backend "
                                  f"(supported: constant, empty, {', '.join(_GATHER_PAD_MODES)}).")
    for axis, (before, after) in enumerate(pairs):
        if before or after:
            if x.shape[axis] is None:
                raise NotImplementedError(f"kc.ops.pad: mode {mode!r} needs a known size for axis {axis}.")
            x = tf.gather(x, m.pad_index(x.shape[axis], before, after, mode), axis=axis)
    return x


def append(x1, x2, axis=None):
    x1, x2 = promote(x1, x2)
    if axis is None:
        x1, x2, axis = tf.reshape(x1, [-1]), tf.reshape(x2, [-1]), 0
    return _join([x1, x2], axis, "append")


def diff(a, n=1, axis=-1):
    a = _t(a)
    axis = rules.canonical_axis(axis, a.ndim, "diff")
    if n < 0:
        raise ValueError(f"diff: n must be non-negative, got {n}.")
    lead = (slice(None),) * axis
    for _ in range(n):
        hi, lo = a[lead + (slice(1, None),)], a[lead + (slice(None, -1),)]
        a = tf.not_equal(hi, lo) if a.dtype == tf.bool else hi - lo
    return a


def copy(x):
    return tf.identity(_t(x))


def ndim(x):
    return x.shape.rank if tf.is_tensor(x) else np.ndim(x)


def size(x):
    return tf.size(_t(x), out_type=tf.int32)


def view(x, dtype=None):
    x = _t(x)
    if dtype is None:
        return tf.identity(x)
    src, dst = dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(dtype)
    out_shape = _m().view_shape(_shape(x), src, dst)
    if src == dst:
        return tf.identity(x)
    if src == "bool":
        x = tf.cast(x, tf.uint8)
    target = tf.uint8 if dst == "bool" else to_native_dtype(dst)
    a, b = dtypes.dtype_size(src), dtypes.dtype_size(dst)
    if a < b:
        x = tf.reshape(x, tuple(-1 if d is None else d for d in out_shape) + (b // a,))
    out = tf.bitcast(x, target)
    if a > b:
        out = tf.reshape(out, tuple(-1 if d is None else d for d in out_shape))
    return tf.cast(out, tf.bool) if dst == "bool" else out


def _key_item(k):
    if isinstance(k, (list, np.ndarray)) or tf.is_tensor(k) and k.shape.rank != 0:
        k = _t(k)
        if not (k.dtype.is_integer or k.dtype == tf.bool):
            raise TypeError(f"get_item: tensor keys must be int or bool, got dtype {k.dtype.name}.")
    return k


def get_item(x, key):
    x = _t(x)
    items = tuple(_key_item(k) for k in (key if isinstance(key, tuple) else (key,)))
    if not any(tf.is_tensor(k) and k.shape.rank != 0 for k in items):
        return x[items]
    if len(items) == 1 and items[0].dtype == tf.bool:
        return tf.boolean_mask(x, items[0])
    try:
        from tensorflow.python.ops.numpy_ops import np_array_ops
    except ImportError as e:  # pragma: no cover - depends on the TF build
        raise NotImplementedError("kc.ops.get_item: advanced indexing needs tf's numpy_ops on tensorflow.") from e
    return tf.convert_to_tensor(np_array_ops._getitem(x, items))


def unravel_index(indices, shape):
    flat = tf.cast(_t(indices), tf.int32)
    coords = []
    for dim in reversed(tuple(shape)):
        coords.append(flat % dim)
        flat = flat // dim
    return tuple(reversed(coords))
