"""Math ops of the TensorFlow backend: segments, top-k, special functions, FFTs (rules in kc.ops._math)."""

from __future__ import annotations

import tensorflow as tf

from kc import dtypes
from kc.backend.common.segment_ops import segment_reductions
from kc.backend.tensorflow.core import convert_to_tensor, promote, to_native_dtype
from kc.ops import _rules as rules

_HALF = (tf.float16, tf.bfloat16)


def _m():
    """Rules of kc.ops._math (imported late: it imports this module)."""
    from kc.ops import _math

    return _math


def _name(x) -> str:
    return dtypes.standardize_dtype(x.dtype)


def _shape(x) -> tuple:
    return tuple(x.shape.as_list()) if x.shape.rank is not None else ()


def _floats(x):
    x = convert_to_tensor(x)
    return tf.cast(x, to_native_dtype(_m().float_dtype(_name(x))))


def _wide(x):
    """Half precisions run in float32 (several TF kernels lack them)."""
    return tf.cast(x, tf.float32) if x.dtype in _HALF else x


# --- segments ---------------------------------------------------------------------------

_SEGMENT_FNS = {"sum": tf.math.unsorted_segment_sum, "prod": tf.math.unsorted_segment_prod,
                "max": tf.math.unsorted_segment_max, "min": tf.math.unsorted_segment_min}


def _segment(reduction: str, name: str, data, segment_ids, num_segments):
    data, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
    _m().check_segments(_shape(data), _shape(ids), name)
    out = _name(data)
    compute = to_native_dtype(_m().segment_compute_dtype(out))
    ids = tf.cast(ids, tf.int32)
    if num_segments is None:
        num_segments = tf.maximum(tf.reduce_max(tf.concat([ids, [-1]], 0)) + 1, 0)
    ids = tf.where((ids >= 0) & (ids < num_segments), ids, -1)  # out-of-range ids are dropped
    r = _SEGMENT_FNS[reduction](tf.cast(data, compute), ids, num_segments)
    if reduction in ("max", "min"):  # TF fills empty segments with the dtype's lowest/highest
        count = tf.math.unsorted_segment_sum(tf.ones_like(ids), ids, num_segments)
        count = tf.reshape(count, tf.concat([tf.shape(count), tf.ones([tf.rank(r) - 1], tf.int32)], 0))
        r = tf.where(count > 0, r, tf.cast(_m().segment_fill(reduction, out), compute))
    return r != 0 if out == "bool" else r


segment_sum, segment_prod, segment_max, segment_min = segment_reductions(_segment)


# --- top-k, logsumexp ------------------------------------------------------------------


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    _m().check_top_k(_shape(x), k)
    compute = x if x.dtype.is_floating or x.dtype in (tf.int32, tf.int64) else tf.cast(x, tf.int64)
    values, indices = tf.math.top_k(compute, k, sorted=True)
    return tf.cast(values, x.dtype), tf.cast(indices, tf.int32)


def in_top_k(targets, predictions, k):
    targets, predictions = convert_to_tensor(targets), convert_to_tensor(predictions)
    _m().check_in_top_k(_shape(targets), _shape(predictions))
    score = tf.gather(predictions, tf.cast(targets, tf.int32)[:, None], batch_dims=1)
    return tf.reduce_sum(tf.cast(predictions > score, tf.int32), axis=-1) < k


def logsumexp(x, axis=None, keepdims=False):
    x = _floats(x)
    axes = rules.reduction_axes(axis, x.shape.rank, "logsumexp")
    return tf.cast(tf.reduce_logsumexp(_wide(x), axis=axes, keepdims=keepdims), x.dtype)


# --- special functions -----------------------------------------------------------------


def _special(fn, x):
    x = _floats(x)
    return tf.cast(fn(_wide(x)), x.dtype)


def erf(x):
    return _special(tf.math.erf, x)


def erfc(x):
    return _special(tf.math.erfc, x)


def erfinv(x):
    return _special(tf.math.erfinv, x)


def rsqrt(x):
    return _special(tf.math.rsqrt, x)


def logdet(x):
    from kc.backend.tensorflow.products import slogdet

    return slogdet(x)[1]


def cdist(x, y):
    x, y = promote(x, y)
    _m().check_cdist(_shape(x), _shape(y))
    dtype = to_native_dtype(_m().float_dtype(_name(x)))
    diff = tf.cast(x, dtype)[..., :, None, :] - tf.cast(y, dtype)[..., None, :, :]
    return tf.sqrt(tf.reduce_sum(diff * diff, axis=-1))


# --- complex views and FFTs ------------------------------------------------------------


def view_as_complex(x):
    x = convert_to_tensor(x)
    _m().view_as_complex.rule(x)  # checks the last axis
    real = tf.float64 if _name(x) == "float64" else tf.float32
    return tf.complex(tf.cast(x[..., 0], real), tf.cast(x[..., 1], real))


def view_as_real(x):
    x = convert_to_tensor(x)
    out = to_native_dtype(_m().view_as_real_dtype(_name(x)))
    return tf.cast(tf.stack([tf.math.real(x), tf.math.imag(x)], axis=-1), out)


def _complex(x, name: str, rank: int = 1):
    shape, dtype = _m().complex_pair(x, name)
    _m().check_fft_rank(shape, rank, name)
    compute = tf.float64 if dtype == "float64" else tf.float32
    real, imag = (tf.cast(convert_to_tensor(t), compute) for t in x)
    return tf.complex(real, imag), dtype


def _pair(c, dtype: str) -> tuple:
    dtype = to_native_dtype(dtype)
    return tf.cast(tf.math.real(c), dtype), tf.cast(tf.math.imag(c), dtype)


def fft(x):
    c, dtype = _complex(x, "fft")
    return _pair(tf.signal.fft(c), dtype)


def fft2(x):
    c, dtype = _complex(x, "fft2", 2)
    return _pair(tf.signal.fft2d(c), dtype)


def ifft2(x):
    c, dtype = _complex(x, "ifft2", 2)
    return _pair(tf.signal.ifft2d(c), dtype)


def _rfft_input(x, name: str):
    x = _floats(x)
    _m().check_fft_rank(_shape(x), 1, name)
    return x, _wide(x)


def _rfft(x, n):
    n = tf.shape(x)[-1] if n is None else n
    return tf.signal.rfft(x, fft_length=tf.reshape(n, [1]))


def rfft(x, fft_length=None):
    x, compute = _rfft_input(x, "rfft")
    return _pair(_rfft(compute, fft_length), _name(x))


def _irfft(c, n):
    n = 2 * (tf.shape(c)[-1] - 1) if n is None else n
    return tf.signal.irfft(c, fft_length=tf.reshape(n, [1]))


def irfft(x, fft_length=None):
    c, dtype = _complex(x, "irfft")
    return tf.cast(_irfft(c, fft_length), to_native_dtype(dtype))


def _frames(x, size: int, stride: int):
    _m().num_sequences(x.shape[-1], size, stride, "extract_sequences")
    return tf.signal.frame(x, size, stride, axis=-1)


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    _m().check_fft_rank(_shape(x), 1, "extract_sequences")
    return _frames(x, sequence_length, sequence_stride)


def _window(window, sequence_length: int, fft_length: int, dtype):
    if window is None:
        return None
    if isinstance(window, str):
        return tf.constant(_m().window_values(window, sequence_length, fft_length), dtype)
    window = tf.cast(convert_to_tensor(window), dtype)
    return tf.pad(window, [_m().window_padding(sequence_length, fft_length)])


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x, compute = _rfft_input(x, "stft")
    _m().check_stft_args(sequence_length, fft_length, window, "stft")
    if center:
        pad = fft_length // 2
        compute = tf.pad(compute, [[0, 0]] * (x.shape.rank - 1) + [[pad, pad]], mode="REFLECT")
    frames = _frames(compute, fft_length, sequence_stride)
    win = _window(window, sequence_length, fft_length, compute.dtype)
    if win is not None:
        frames = frames * win
    return _pair(_rfft(frames, fft_length), _name(x))


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    c, dtype = _complex(x, "istft", 2)
    _m().check_stft_args(sequence_length, fft_length, window, "istft")
    frames = _irfft(c, fft_length)
    win = _window(window, sequence_length, fft_length, frames.dtype)
    if win is None:
        win = tf.ones([fft_length], frames.dtype)
    signal = tf.signal.overlap_and_add(frames * win, sequence_stride)
    norm = tf.signal.overlap_and_add(tf.broadcast_to(win * win, tf.shape(frames)[-2:]), sequence_stride)
    signal = signal / tf.where(norm > 1e-10, norm, tf.ones_like(norm))
    if center:
        pad = fft_length // 2
        signal = signal[..., pad:tf.shape(signal)[-1] - pad]
    if length is not None:
        signal = signal[..., :length]
        missing = length - tf.shape(signal)[-1]
        signal = tf.pad(signal, tf.concat([tf.zeros([tf.rank(signal) - 1, 2], tf.int32),
                                           [[0, missing]]], 0))
    return tf.cast(signal, to_native_dtype(dtype))
