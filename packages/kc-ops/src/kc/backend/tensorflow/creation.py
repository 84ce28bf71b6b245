"""Tensor creation of the TensorFlow backend (see kc/ops/_creation.py for dtypes).

TensorFlow has no uninitialised tensors (``empty`` gives zeros). Triangles and
diagonals use masks built from ``tf.shape``, so they work inside tf.function.
"""

from __future__ import annotations

import math

import tensorflow as tf

from kc import config, dtypes
from kc.backend.tensorflow.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules


def _new(dtype):
    return to_native_dtype(rules.creation_dtype(dtype))


def _like_dtype(x, dtype):
    return x.dtype if dtype is None else to_native_dtype(dtype)


def _shape(shape):
    return [shape] if isinstance(shape, int) else list(shape)


def zeros(shape, dtype=None):
    return tf.zeros(_shape(shape), dtype=_new(dtype))


def ones(shape, dtype=None):
    return tf.ones(_shape(shape), dtype=_new(dtype))


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    return tf.broadcast_to(convert_to_tensor(fill_value, rules.creation_dtype(dtype)), _shape(shape))


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return tf.zeros_like(x, dtype=_like_dtype(x, dtype))


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return tf.ones_like(x, dtype=_like_dtype(x, dtype))


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    return tf.broadcast_to(tf.cast(convert_to_tensor(fill_value), _like_dtype(x, dtype)), tf.shape(x))


def _offsets(rows, cols):
    """(rows, cols) int32 tensor of column - row."""
    return tf.range(cols)[None, :] - tf.range(rows)[:, None]


def eye(N, M=None, k=0, dtype=None):
    return tf.cast(tf.equal(_offsets(N, N if M is None else M), k), _new(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    return tf.cast(_offsets(N, N if M is None else M) <= k, _new(dtype))


def arange(start, stop=None, step=None, dtype=None):
    out = rules.arange_dtype(start, stop, step, dtype)
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    compute = tf.float64 if any(isinstance(v, float) or getattr(v, "dtype", None) is not None and
                                dtypes.is_float_dtype(dtypes.standardize_dtype(v.dtype))
                                for v in (start, stop, step)) else tf.int64
    start, stop, step = (v.numpy() if hasattr(v, "numpy") else v for v in (start, stop, step))
    length = max(0, math.ceil((stop - start) / step))  # tf.range rejects empty ranges
    return tf.cast(start + step * tf.range(length, dtype=compute), to_native_dtype(out))


def _cast_values(values, dtype):
    """Cast computed float values to ``dtype``; integer dtypes round down as NumPy's linspace."""
    if not dtypes.is_float_dtype(dtype) and dtype != "bool" and not dtype.startswith("complex"):
        values = tf.floor(values)
    return tf.cast(values, to_native_dtype(dtype))


def _compute_dtype(out: str):
    return tf.float64 if out == "float64" else tf.float32


def _spaced(start, stop, num, endpoint, axis, compute):
    """(values, step) of linspace in ``compute`` dtype, the new axis at ``axis``."""
    start, stop = tf.cast(convert_to_tensor(start), compute), tf.cast(convert_to_tensor(stop), compute)
    shape = tf.broadcast_dynamic_shape(tf.shape(start), tf.shape(stop))
    start, stop = tf.broadcast_to(start, shape), tf.broadcast_to(stop, shape)
    rank = start.shape.rank
    axis = rules.canonical_axis(axis, rank + 1, "linspace")
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else tf.fill(shape, tf.constant(math.nan, compute))
    index = tf.reshape(tf.range(num, dtype=compute), [-1] + [1] * rank)
    values = start + index * (step if div > 0 else tf.zeros_like(step))
    if endpoint and num > 1:
        values = tf.concat([values[:-1], stop[None]], axis=0)
    perm = list(range(1, axis + 1)) + [0] + list(range(axis + 1, rank + 1))
    return tf.transpose(values, perm), step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    out = rules.linspace_dtype(start, stop, dtype)
    values, step = _spaced(start, stop, num, endpoint, axis, _compute_dtype(out))
    values = _cast_values(values, out)
    return (values, tf.cast(step, values.dtype)) if retstep else values


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    out = rules.linspace_dtype(start, stop, dtype)
    exponents, _ = _spaced(start, stop, num, endpoint, axis, _compute_dtype(out))
    return _cast_values(tf.pow(tf.cast(base, exponents.dtype), exponents), out)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    out = rules.linspace_dtype(start, stop, dtype)
    compute = tf.float64  # exact powers at the endpoints, then cast
    start, stop = tf.cast(convert_to_tensor(start), compute), tf.cast(convert_to_tensor(stop), compute)
    sign = tf.sign(start)
    logs, _ = _spaced(tf.math.log(start * sign), tf.math.log(stop * sign), num, endpoint, axis, compute)
    values = tf.expand_dims(sign, rules.canonical_axis(axis, sign.shape.rank + 1, "geomspace")) * tf.exp(logs)
    return _cast_values(values, out)


def _masked(x, k, name, upper):
    x = convert_to_tensor(x)
    if x.shape.rank < 2:
        raise ValueError(f"{name}: x must have rank >= 2, got shape {tuple(x.shape)}.")
    offsets = _offsets(tf.shape(x)[-2], tf.shape(x)[-1])
    mask = offsets >= k if upper else offsets <= k
    return tf.where(mask, x, tf.zeros((), x.dtype))


def tril(x, k=0):
    return _masked(x, k, "tril", upper=False)


def triu(x, k=0):
    return _masked(x, k, "triu", upper=True)


def diag(x, k=0):
    x = convert_to_tensor(x)
    if x.shape.rank not in (1, 2):
        raise ValueError(f"diag: x must be 1-D or 2-D, got shape {tuple(x.shape)}.")
    if x.shape.rank == 2:
        return tf.linalg.diag_part(x, k=k)
    return tf.linalg.diag(x, k=k)


def diagflat(x, k=0):
    return diag(tf.reshape(convert_to_tensor(x), [-1]), k)


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    if x.shape.rank != 1:
        raise ValueError(f"vander: x must be 1-D, got shape {tuple(x.shape)}.")
    N = tf.shape(x)[0] if N is None else N
    compute = x.dtype if x.dtype.is_floating or x.dtype.is_complex else tf.int64
    powers = tf.cast(tf.range(N), compute)
    if not increasing:
        powers = tf.reverse(powers, [0])
    return tf.cast(tf.pow(tf.cast(x, compute)[:, None], powers[None, :]), x.dtype)


def meshgrid(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}.")
    x = [tf.reshape(convert_to_tensor(t), [-1]) for t in x]
    positions = list(range(len(x)))
    if indexing == "xy" and len(x) >= 2:
        positions[0], positions[1] = 1, 0
    shape = [0] * len(x)
    for t, p in zip(x, positions):
        shape[p] = tf.shape(t)[0]
    grids = []
    for t, p in zip(x, positions):  # tf.meshgrid needs one dtype; broadcast each input instead
        view = [1] * len(x)
        view[p] = -1
        grids.append(tf.broadcast_to(tf.reshape(t, view), tf.stack(shape)))
    return grids


def array(x, dtype=None):
    return convert_to_tensor(x, dtype)


def _window_index(x, name):
    """(n/(M-1) for n in 0..M-1 as float64, M); M == 1 gives [0]."""
    m = rules.window_length(x, name)
    return tf.range(max(m, 0), dtype=tf.float64) / max(m - 1, 1), m


def _finish(values, m):
    values = values if m != 1 else tf.ones_like(values)
    return tf.cast(values, to_native_dtype(config.floatx()))


def bartlett(x):
    t, m = _window_index(x, "bartlett")
    return _finish(1 - tf.abs(2 * t - 1), m)


def blackman(x):
    t, m = _window_index(x, "blackman")
    return _finish(0.42 - 0.5 * tf.cos(2 * math.pi * t) + 0.08 * tf.cos(4 * math.pi * t), m)


def hamming(x):
    t, m = _window_index(x, "hamming")
    return _finish(0.54 - 0.46 * tf.cos(2 * math.pi * t), m)


def hanning(x):
    t, m = _window_index(x, "hanning")
    return _finish(0.5 - 0.5 * tf.cos(2 * math.pi * t), m)


def kaiser(x, beta):
    t, m = _window_index(x, "kaiser")
    beta = tf.cast(beta, tf.float64)
    arg = beta * tf.sqrt(tf.maximum(1 - (2 * t - 1) ** 2, 0.0))
    return _finish(tf.math.bessel_i0(arg) / tf.math.bessel_i0(beta), m)
