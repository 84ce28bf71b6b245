"""Math ops of the PyTorch backend: segments, top-k, special functions, FFTs (rules in kc.ops._math)."""

from __future__ import annotations

import torch

from kc import dtypes
from kc.backend.common.segment_ops import segment_reductions
from kc.backend.torch.core import convert_to_tensor, promote, to_native_dtype
from kc.ops import _rules as rules

_HALF = (torch.float16, torch.bfloat16)


def _m():
    """Rules of kc.ops._math (imported late: it imports this module)."""
    from kc.ops import _math

    return _math


def _name(x) -> str:
    return dtypes.standardize_dtype(x.dtype)


def _floats(x):
    x = convert_to_tensor(x)
    return x.to(to_native_dtype(_m().float_dtype(_name(x))))


def _wide(x):
    """Half precisions run in float32 (torch lacks several half CPU kernels)."""
    return x.float() if x.dtype in _HALF else x


# --- segments ---------------------------------------------------------------------------

_SCATTER = {"sum": "sum", "prod": "prod", "max": "amax", "min": "amin"}


def _segment(reduction: str, name: str, data, segment_ids, num_segments):
    data, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
    _m().check_segments(tuple(data.shape), tuple(ids.shape), name)
    out = _name(data)
    compute = to_native_dtype(_m().segment_compute_dtype(out))
    ids = ids.to(device=data.device, dtype=torch.int64)
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.numel() else 0
    valid = (ids >= 0) & (ids < num_segments)
    rows = data[valid].to(compute)
    index = ids[valid].reshape((-1,) + (1,) * (data.ndim - 1)).expand(rows.shape)
    init = torch.full((num_segments,) + tuple(data.shape[1:]), _m().segment_fill(reduction, out),
                      dtype=compute, device=data.device)
    r = init.scatter_reduce(0, index, rows, reduce=_SCATTER[reduction], include_self=True)
    return r != 0 if out == "bool" else r


segment_sum, segment_prod, segment_max, segment_min = segment_reductions(_segment)


# --- top-k, logsumexp ------------------------------------------------------------------


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    _m().check_top_k(tuple(x.shape), k)
    compute = x.to(torch.int32) if x.dtype == torch.bool else x
    # A stable descending sort gives ties in index order on every device.
    values, indices = torch.sort(compute, dim=-1, descending=True, stable=True)
    return values[..., :k].to(x.dtype), indices[..., :k].to(torch.int32)


def in_top_k(targets, predictions, k):
    targets, predictions = convert_to_tensor(targets), convert_to_tensor(predictions)
    _m().check_in_top_k(tuple(targets.shape), tuple(predictions.shape))
    index = targets.to(device=predictions.device, dtype=torch.int64)[:, None]
    score = torch.take_along_dim(predictions, index, dim=-1)
    return torch.sum(predictions > score, dim=-1) < k


def logsumexp(x, axis=None, keepdims=False):
    x = _floats(x)
    axes = rules.reduction_axes(axis, x.ndim, "logsumexp")
    axes = tuple(range(x.ndim)) if axes is None else axes
    if not axes:
        return x
    return torch.logsumexp(_wide(x), dim=axes, keepdim=keepdims).to(x.dtype)


# --- special functions -----------------------------------------------------------------


def _special(fn, x):
    x = _floats(x)
    return fn(_wide(x)).to(x.dtype)


def erf(x):
    return _special(torch.erf, x)


def erfc(x):
    return _special(torch.erfc, x)


def erfinv(x):
    return _special(torch.erfinv, x)


def rsqrt(x):
    return _special(torch.rsqrt, x)


def logdet(x):
    from kc.backend.torch.products import slogdet

    return slogdet(x)[1]


def cdist(x, y):
    x, y = promote(x, y)
    _m().check_cdist(tuple(x.shape), tuple(y.shape))
    dtype = to_native_dtype(_m().float_dtype(_name(x)))
    diff = x.to(dtype)[..., :, None, :] - y.to(device=x.device, dtype=dtype)[..., None, :, :]
    return torch.sqrt(torch.sum(diff * diff, dim=-1))


# --- complex views and FFTs ------------------------------------------------------------


def view_as_complex(x):
    x = convert_to_tensor(x)
    _m().view_as_complex.rule(x)  # checks the last axis
    out = to_native_dtype(_m().view_as_complex_dtype(_name(x)))
    real = torch.float64 if out == torch.complex128 else torch.float32
    return torch.complex(x[..., 0].to(real), x[..., 1].to(real))


def view_as_real(x):
    x = convert_to_tensor(x)
    out = to_native_dtype(_m().view_as_real_dtype(_name(x)))
    if x.is_complex():
        return torch.view_as_real(x).to(out)
    x = x.to(out)
    return torch.stack([x, torch.zeros_like(x)], dim=-1)


def _complex(x, name: str, rank: int = 1):
    shape, dtype = _m().complex_pair(x, name)
    _m().check_fft_rank(shape, rank, name)
    compute = torch.float64 if dtype == "float64" else torch.float32
    real, imag = (convert_to_tensor(t).to(compute) for t in x)
    return torch.complex(real, imag.to(real.device)), dtype


def _pair(c, dtype: str) -> tuple:
    dtype = to_native_dtype(dtype)
    return c.real.to(dtype), c.imag.to(dtype)


def fft(x):
    c, dtype = _complex(x, "fft")
    return _pair(torch.fft.fft(c, dim=-1), dtype)


def fft2(x):
    c, dtype = _complex(x, "fft2", 2)
    return _pair(torch.fft.fft2(c, dim=(-2, -1)), dtype)


def ifft2(x):
    c, dtype = _complex(x, "ifft2", 2)
    return _pair(torch.fft.ifft2(c, dim=(-2, -1)), dtype)


def _rfft_input(x, name: str):
    x = _floats(x)
    _m().check_fft_rank(tuple(x.shape), 1, name)
    return x, _wide(x)


def rfft(x, fft_length=None):
    x, compute = _rfft_input(x, "rfft")
    return _pair(torch.fft.rfft(compute, n=fft_length, dim=-1), _name(x))


def irfft(x, fft_length=None):
    c, dtype = _complex(x, "irfft")
    return torch.fft.irfft(c, n=fft_length, dim=-1).to(to_native_dtype(dtype))


def _frames(x, size: int, stride: int):
    _m().num_sequences(x.shape[-1], size, stride, "extract_sequences")
    return x.unfold(-1, size, stride)


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    _m().check_fft_rank(tuple(x.shape), 1, "extract_sequences")
    return _frames(x, sequence_length, sequence_stride).contiguous()


def _window(window, sequence_length: int, fft_length: int, like):
    if window is None:
        return None
    if isinstance(window, str):
        values = _m().window_values(window, sequence_length, fft_length)
        return torch.as_tensor(values, dtype=like.dtype, device=like.device)
    window = convert_to_tensor(window).to(device=like.device, dtype=like.dtype)
    return torch.nn.functional.pad(window, _m().window_padding(sequence_length, fft_length))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x, compute = _rfft_input(x, "stft")
    _m().check_stft_args(sequence_length, fft_length, window, "stft")
    if center:
        pad = fft_length // 2
        flat = compute.reshape((-1, 1, compute.shape[-1]))
        flat = torch.nn.functional.pad(flat, (pad, pad), mode="reflect")
        compute = flat.reshape(tuple(compute.shape[:-1]) + (flat.shape[-1],))
    frames = _frames(compute, fft_length, sequence_stride)
    win = _window(window, sequence_length, fft_length, compute)
    if win is not None:
        frames = frames * win
    return _pair(torch.fft.rfft(frames, n=fft_length, dim=-1), _name(x))


def _overlap_add(frames, stride: int):
    *batch, count, size = frames.shape
    index = (stride * torch.arange(count, device=frames.device)[:, None]
             + torch.arange(size, device=frames.device)[None, :]).reshape(-1)
    out = frames.new_zeros(tuple(batch) + (size + stride * (count - 1),))
    return out.index_add(-1, index, frames.reshape(tuple(batch) + (count * size,)))


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    c, dtype = _complex(x, "istft", 2)
    _m().check_stft_args(sequence_length, fft_length, window, "istft")
    frames = torch.fft.irfft(c, n=fft_length, dim=-1)
    win = _window(window, sequence_length, fft_length, frames)
    if win is None:
        win = torch.ones(fft_length, dtype=frames.dtype, device=frames.device)
    signal = _overlap_add(frames * win, sequence_stride)
    norm = _overlap_add((win * win).expand(frames.shape[-2:]), sequence_stride)
    signal = signal / torch.where(norm > 1e-10, norm, torch.ones_like(norm))
    if center:
        pad = fft_length // 2
        signal = signal[..., pad:signal.shape[-1] - pad]
    if length is not None:
        signal = signal[..., :length]
        signal = torch.nn.functional.pad(signal, (0, length - signal.shape[-1]))
    return signal.to(to_native_dtype(dtype))
