"""Math ops of the JAX backend: segments, top-k, special functions, FFTs (rules in kc.ops._math)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jss

from kc import dtypes
from kc.backend.common.numpy_like.fft import fft_ops
from kc.backend.jax import core
from kc.backend.jax.core import convert_to_tensor, promote, to_native_dtype
from kc.ops import _rules as rules


def _m():
    """Rules of kc.ops._math (imported late: it imports this module)."""
    from kc.ops import _math

    return _math


def _name(x) -> str:
    return dtypes.standardize_dtype(x.dtype)


def _floats(x):
    x = convert_to_tensor(x)
    return x.astype(to_native_dtype(_m().float_dtype(x.dtype)))


# --- segments ---------------------------------------------------------------------------

_SEGMENT_FNS = {"sum": jax.ops.segment_sum, "prod": jax.ops.segment_prod,
                "max": jax.ops.segment_max, "min": jax.ops.segment_min}


def _segment(reduction: str, name: str, data, segment_ids, num_segments, sorted):
    data, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
    _m().check_segments(data.shape, ids.shape, name)
    out = _name(data)
    compute = to_native_dtype(_m().segment_compute_dtype(out))
    if num_segments is None:
        num_segments = int(jnp.max(ids)) + 1 if ids.size else 0
    r = _SEGMENT_FNS[reduction](data.astype(compute), ids, num_segments=num_segments,
                                indices_are_sorted=sorted)
    if reduction in ("max", "min"):  # empty segments: the documented identity
        count = jax.ops.segment_sum(jnp.ones_like(ids, jnp.int32), ids, num_segments=num_segments)
        count = count.reshape(count.shape + (1,) * (r.ndim - 1))
        r = jnp.where(count > 0, r, jnp.asarray(_m().segment_fill(reduction, out), compute))
    return r != 0 if out == "bool" else r


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment("sum", "segment_sum", data, segment_ids, num_segments, sorted)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment("prod", "segment_prod", data, segment_ids, num_segments, sorted)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return _segment("max", "segment_max", data, segment_ids, num_segments, sorted)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    return _segment("min", "segment_min", data, segment_ids, num_segments, sorted)


# --- top-k, logsumexp ------------------------------------------------------------------


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    _m().check_top_k(x.shape, k)
    compute = x.astype(jnp.int32) if x.dtype == jnp.bool_ else x
    values, indices = jax.lax.top_k(compute, k)
    return values.astype(x.dtype), indices.astype(jnp.int32)


def in_top_k(targets, predictions, k):
    targets, predictions = convert_to_tensor(targets), convert_to_tensor(predictions)
    _m().check_in_top_k(targets.shape, predictions.shape)
    score = jnp.take_along_axis(predictions, targets.astype(jnp.int32)[:, None], axis=-1)
    return jnp.sum(predictions > score, axis=-1) < k


def logsumexp(x, axis=None, keepdims=False):
    x = _floats(x)
    axes = rules.reduction_axes(axis, x.ndim, "logsumexp")
    return jss.logsumexp(x, axis=axes, keepdims=keepdims).astype(x.dtype)


# --- special functions -----------------------------------------------------------------


def erf(x):
    return jss.erf(_floats(x))


def erfc(x):
    return jss.erfc(_floats(x))


def erfinv(x):
    return jss.erfinv(_floats(x))


def rsqrt(x):
    return jax.lax.rsqrt(_floats(x))


def logdet(x):
    from kc.backend.jax.products import slogdet

    return slogdet(x)[1]


def cdist(x, y):
    x, y = promote(x, y)
    _m().check_cdist(x.shape, y.shape)
    dtype = to_native_dtype(_m().float_dtype(x.dtype))
    diff = x.astype(dtype)[..., :, None, :] - y.astype(dtype)[..., None, :, :]
    return jnp.sqrt(jnp.sum(diff * diff, axis=-1))


# --- complex views and FFTs ------------------------------------------------------------


def view_as_complex(x):
    x = convert_to_tensor(x)
    _m().view_as_complex.rule(x)  # checks the last axis
    return jax.lax.complex(x[..., 0], x[..., 1]).astype(to_native_dtype(_m().view_as_complex_dtype(_name(x))))


def view_as_real(x):
    x = convert_to_tensor(x)
    out = to_native_dtype(_m().view_as_real_dtype(_name(x)))
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1).astype(out)


def _complex(x, name: str, rank: int = 1):
    shape, _ = _m().complex_pair(x, name)
    _m().check_fft_rank(shape, rank, name)
    real, imag = (convert_to_tensor(t) for t in x)  # float64 may narrow (x64 disabled)
    dtype = dtypes.result_type(_name(real), _name(imag))
    compute = to_native_dtype("float64" if dtype == "float64" else "float32")
    return jax.lax.complex(real.astype(compute), imag.astype(compute)), dtype


def _rfft_input(x):
    x = _floats(x)
    _m().check_fft_rank(x.shape, 1, "rfft")
    return x, x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x


def rfft(x, fft_length=None):
    x, compute = _rfft_input(x)
    return _pair(jnp.fft.rfft(compute, n=fft_length, axis=-1), _name(x))


def irfft(x, fft_length=None):
    c, dtype = _complex(x, "irfft")
    return jnp.fft.irfft(c, n=fft_length, axis=-1).astype(to_native_dtype(dtype))


def _frames(x, size: int, stride: int):
    count = _m().num_sequences(x.shape[-1], size, stride, "extract_sequences")
    index = stride * jnp.arange(count)[:, None] + jnp.arange(size)[None, :]
    return x[..., index]


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    _m().check_fft_rank(x.shape, 1, "extract_sequences")
    return _frames(x, sequence_length, sequence_stride)


def _window(window, sequence_length: int, fft_length: int, dtype):
    if window is None:
        return None
    if isinstance(window, str):
        return jnp.asarray(_m().window_values(window, sequence_length, fft_length), dtype)
    return jnp.pad(convert_to_tensor(window).astype(dtype), _m().window_padding(sequence_length, fft_length))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x, compute = _rfft_input(x)
    _m().check_stft_args(sequence_length, fft_length, window, "stft")
    if center:
        pad = fft_length // 2
        compute = jnp.pad(compute, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode="reflect")
    frames = _frames(compute, fft_length, sequence_stride)
    win = _window(window, sequence_length, fft_length, compute.dtype)
    if win is not None:
        frames = frames * win
    return _pair(jnp.fft.rfft(frames, n=fft_length, axis=-1), _name(x))


def _overlap_add(frames, stride: int):
    *batch, count, size = frames.shape
    index = (stride * jnp.arange(count)[:, None] + jnp.arange(size)[None, :]).reshape(-1)
    out = jnp.zeros(tuple(batch) + (size + stride * (count - 1),), frames.dtype)
    return out.at[..., index].add(frames.reshape(tuple(batch) + (count * size,)))


# _pair, fft, fft2, ifft2 and istft (shared with NumPy) come from
# kc/backend/common/numpy_like/fft.py.
globals().update(fft_ops(jnp, core, complex_input=_complex, window_of=_window, overlap_add=_overlap_add))