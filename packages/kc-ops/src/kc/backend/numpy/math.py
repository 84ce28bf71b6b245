"""Math ops of the NumPy backend: segments, top-k, special functions, FFTs (rules in kc.ops._math)."""

from __future__ import annotations

import math

import numpy as np

from kc import dtypes
from kc.backend.common.numpy_like.fft import fft_ops
from kc.backend.common.segment_ops import segment_reductions
from kc.backend.numpy import core
from kc.backend.numpy.core import convert_to_tensor, promote, to_native_dtype
from kc.ops import _rules as rules


def _m():
    """Rules of kc.ops._math (imported late: it imports this module)."""
    from kc.ops import _math

    return _math


def _name(x) -> str:
    return dtypes.standardize_dtype(x.dtype)


def _floats(x):
    """x as a tensor of its float result dtype (ints and bools -> floatx)."""
    x = convert_to_tensor(x)
    return x.astype(to_native_dtype(_m().float_dtype(x.dtype)), copy=False)


# --- segments ---------------------------------------------------------------------------

_SEGMENT_UFUNCS = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}


def _segment(reduction: str, name: str, data, segment_ids, num_segments):
    data, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
    _m().check_segments(data.shape, ids.shape, name)
    out = _name(data)
    compute = to_native_dtype(_m().segment_compute_dtype(out))
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    result = np.full((num_segments,) + data.shape[1:], _m().segment_fill(reduction, out), compute)
    valid = (ids >= 0) & (ids < num_segments)
    _SEGMENT_UFUNCS[reduction].at(result, ids[valid], data[valid].astype(compute))
    return result != 0 if out == "bool" else result


segment_sum, segment_prod, segment_max, segment_min = segment_reductions(_segment)


# --- top-k, logsumexp ------------------------------------------------------------------


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    _m().check_top_k(x.shape, k)
    n = x.shape[-1]
    # A stable ascending sort of the reversed axis, read backwards: descending values, ties by index.
    order = n - 1 - np.argsort(x[..., ::-1], axis=-1, kind="stable")[..., ::-1]
    indices = order[..., :k]
    return np.take_along_axis(x, indices, axis=-1), indices.astype(np.int32)


def in_top_k(targets, predictions, k):
    targets, predictions = convert_to_tensor(targets), convert_to_tensor(predictions)
    _m().check_in_top_k(targets.shape, predictions.shape)
    score = np.take_along_axis(predictions, targets.astype(np.int64)[:, None], axis=-1)
    return np.sum(predictions > score, axis=-1) < k


def logsumexp(x, axis=None, keepdims=False):
    x = _floats(x)
    axes = rules.reduction_axes(axis, x.ndim, "logsumexp")
    top = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
    top = np.where(np.isfinite(top), top, 0).astype(x.dtype)
    with np.errstate(divide="ignore"):
        r = np.log(np.sum(np.exp(x - top), axis=axes, keepdims=True)) + top
    return r if keepdims else np.squeeze(r, axis=axes)


# --- special functions -----------------------------------------------------------------

_erf64 = np.vectorize(math.erf, otypes=[np.float64])
_erfc64 = np.vectorize(math.erfc, otypes=[np.float64])


def _special(fn, x):
    x = _floats(x)
    return np.asarray(fn(x.astype(np.float64))).astype(x.dtype)


def erf(x):
    return _special(_erf64, x)


def erfc(x):
    return _special(_erfc64, x)


def _erfinv64(x):
    """Winitzki's closed-form estimate refined by Newton steps on erf (float64 accuracy)."""
    a = 0.147
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_term = np.log1p(-x * x)
        first = 2 / (np.pi * a) + log_term / 2
        y = np.sign(x) * np.sqrt(np.sqrt(first * first - log_term / a) - first)
        inside = np.abs(x) < 1
        guess = np.where(inside, y, 0.0)
        for _ in range(4):
            guess = guess - (_erf64(guess) - x) / (2 / np.sqrt(np.pi) * np.exp(-guess * guess))
        edge = np.where(np.abs(x) == 1, np.sign(x) * np.inf, np.nan)
        return np.where(inside, guess, edge)


def erfinv(x):
    return _special(_erfinv64, x)


def rsqrt(x):
    x = _floats(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (1 / np.sqrt(x)).astype(x.dtype)


def logdet(x):
    from kc.backend.numpy.products import slogdet

    return slogdet(x)[1]


def cdist(x, y):
    x, y = promote(x, y)
    _m().check_cdist(x.shape, y.shape)
    dtype = to_native_dtype(_m().float_dtype(x.dtype))
    x, y = x.astype(dtype, copy=False), y.astype(dtype, copy=False)
    diff = x[..., :, None, :] - y[..., None, :, :]
    return np.sqrt(np.sum(diff * diff, axis=-1))


# --- complex views and FFTs ------------------------------------------------------------


def view_as_complex(x):
    x = convert_to_tensor(x)
    _m().view_as_complex.rule(x)  # checks the last axis
    return (x[..., 0] + 1j * x[..., 1]).astype(to_native_dtype(_m().view_as_complex_dtype(_name(x))))


def view_as_real(x):
    x = convert_to_tensor(x)
    out = to_native_dtype(_m().view_as_real_dtype(_name(x)))
    return np.stack([np.real(x), np.imag(x)], axis=-1).astype(out)


def _complex(x, name: str, rank: int = 1):
    shape, dtype = _m().complex_pair(x, name)
    _m().check_fft_rank(shape, rank, name)
    real, imag = (convert_to_tensor(t) for t in x)
    return real + 1j * imag.astype(np.float64), dtype


def rfft(x, fft_length=None):
    x = _floats(x)
    _m().check_fft_rank(x.shape, 1, "rfft")
    return _pair(np.fft.rfft(x, n=fft_length, axis=-1), _name(x))


def irfft(x, fft_length=None):
    c, dtype = _complex(x, "irfft")
    return np.fft.irfft(c, n=fft_length, axis=-1).astype(to_native_dtype(dtype))


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    _m().check_fft_rank(x.shape, 1, "extract_sequences")
    _m().num_sequences(x.shape[-1], sequence_length, sequence_stride, "extract_sequences")
    windows = np.lib.stride_tricks.sliding_window_view(x, sequence_length, axis=-1)
    return np.ascontiguousarray(windows[..., ::sequence_stride, :])


def _window(window, sequence_length: int, fft_length: int, dtype):
    """The window zero-padded to fft_length, or None (no window)."""
    if window is None:
        return None
    if isinstance(window, str):
        return _m().window_values(window, sequence_length, fft_length).astype(dtype)
    return np.pad(convert_to_tensor(window).astype(dtype), _m().window_padding(sequence_length, fft_length))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = _floats(x)
    _m().check_fft_rank(x.shape, 1, "stft")
    _m().check_stft_args(sequence_length, fft_length, window, "stft")
    if center:
        pad = fft_length // 2
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode="reflect")
    frames = extract_sequences(x, fft_length, sequence_stride)
    win = _window(window, sequence_length, fft_length, x.dtype)
    if win is not None:
        frames = frames * win
    return _pair(np.fft.rfft(frames, n=fft_length, axis=-1), _name(x))


def _overlap_add(frames, stride: int):
    *batch, count, size = frames.shape
    out = np.zeros(tuple(batch) + (size + stride * (count - 1),), frames.dtype)
    for f in range(count):
        out[..., f * stride:f * stride + size] += frames[..., f, :]
    return out


# _pair, fft, fft2, ifft2 and istft (shared with JAX) come from
# kc/backend/common/numpy_like/fft.py.
globals().update(fft_ops(np, core, complex_input=_complex, window_of=_window, overlap_add=_overlap_add))