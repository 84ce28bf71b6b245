"""Tensor creation of the PyTorch backend (see kc/ops/_creation.py for dtypes).

New tensors go to ``get_device()``. Triangles and diagonals use masks, which
work for every dtype (torch.tril lacks kernels for some unsigned types).
"""

from __future__ import annotations

import math

import torch

from kc import config, dtypes
from kc.backend.torch.core import convert_to_tensor, get_device, to_native_dtype
from kc.ops import _rules as rules


def _new(dtype):
    return to_native_dtype(rules.creation_dtype(dtype))


def _like_dtype(x, dtype):
    return x.dtype if dtype is None else to_native_dtype(dtype)


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def zeros(shape, dtype=None):
    return torch.zeros(_shape(shape), dtype=_new(dtype), device=get_device())


def ones(shape, dtype=None):
    return torch.ones(_shape(shape), dtype=_new(dtype), device=get_device())


def empty(shape, dtype=None):
    return torch.empty(_shape(shape), dtype=_new(dtype), device=get_device())


def full(shape, fill_value, dtype=None):
    fill_value = convert_to_tensor(fill_value, rules.creation_dtype(dtype))
    return fill_value.expand(_shape(shape)).clone()


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return torch.zeros_like(x, dtype=_like_dtype(x, dtype))


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return torch.ones_like(x, dtype=_like_dtype(x, dtype))


def empty_like(x, dtype=None):
    x = convert_to_tensor(x)
    return torch.empty_like(x, dtype=_like_dtype(x, dtype))


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    fill_value = convert_to_tensor(fill_value).to(device=x.device, dtype=_like_dtype(x, dtype))
    return fill_value.expand(x.shape).clone()


def _band(rows, cols, k, device, upper=False):
    """(rows, cols) bool mask of the elements at/below (upper: at/above) the k-th diagonal."""
    offset = torch.arange(cols, device=device)[None, :] - torch.arange(rows, device=device)[:, None]
    return offset >= k if upper else offset <= k


def eye(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    offset = torch.arange(M, device=get_device())[None, :] - torch.arange(N, device=get_device())[:, None]
    return (offset == k).to(_new(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    return _band(N, N if M is None else M, k, get_device()).to(_new(dtype))


def arange(start, stop=None, step=None, dtype=None):
    out = to_native_dtype(rules.arange_dtype(start, stop, step, dtype))
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    compute = torch.float64 if any(isinstance(v, float) or getattr(v, "dtype", None) is not None and
                                   dtypes.is_float_dtype(dtypes.standardize_dtype(v.dtype))
                                   for v in (start, stop, step)) else torch.int64
    start, stop, step = _scalar(start), _scalar(stop), _scalar(step)
    length = max(0, math.ceil((stop - start) / step))  # torch.arange rejects empty ranges
    return (start + step * torch.arange(length, dtype=compute, device=get_device())).to(out)


def _scalar(v):
    return v.item() if hasattr(v, "item") else v


def _cast_values(values, dtype):
    """Cast computed float values to ``dtype``; integer dtypes round down as NumPy's linspace."""
    if not dtypes.is_float_dtype(dtype) and dtype != "bool" and not dtype.startswith("complex"):
        values = torch.floor(values)
    return values.to(to_native_dtype(dtype))


def _compute_dtype(out: str):
    return torch.float64 if out == "float64" else torch.float32


def _spaced(start, stop, num, endpoint, axis, compute):
    """(values, step) of linspace in ``compute`` dtype, the new axis at ``axis``."""
    start, stop = convert_to_tensor(start).to(compute), convert_to_tensor(stop).to(compute)
    start, stop = torch.broadcast_tensors(start, stop)
    axis = rules.canonical_axis(axis, start.ndim + 1, "linspace")
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else torch.full_like(start, math.nan)
    index = torch.arange(num, dtype=compute, device=start.device).reshape((-1,) + (1,) * start.ndim)
    values = start + index * (step if div > 0 else 0)
    if endpoint and num > 1:
        values[-1] = stop
    return values.movedim(0, axis), step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    out = rules.linspace_dtype(start, stop, dtype)
    values, step = _spaced(start, stop, num, endpoint, axis, _compute_dtype(out))
    values = _cast_values(values, out)
    return (values, step.to(values.dtype)) if retstep else values


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    out = rules.linspace_dtype(start, stop, dtype)
    exponents, _ = _spaced(start, stop, num, endpoint, axis, _compute_dtype(out))
    return _cast_values(torch.pow(torch.as_tensor(base, dtype=exponents.dtype, device=exponents.device),
                                  exponents), out)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    out = rules.linspace_dtype(start, stop, dtype)
    compute = torch.float64  # exact powers at the endpoints, then cast
    start, stop = convert_to_tensor(start).to(compute), convert_to_tensor(stop).to(compute)
    sign = torch.sign(start)
    logs, _ = _spaced(torch.log(start * sign), torch.log(stop * sign), num, endpoint, axis, compute)
    values = sign.unsqueeze(rules.canonical_axis(axis, sign.ndim + 1, "geomspace")) * torch.exp(logs)
    return _cast_values(values, out)


def _check_matrix(x, name):
    if x.ndim < 2:
        raise ValueError(f"{name}: x must have rank >= 2, got shape {tuple(x.shape)}.")


def _masked(x, k, name, upper):
    x = convert_to_tensor(x)
    _check_matrix(x, name)
    mask = _band(x.shape[-2], x.shape[-1], k, x.device, upper=upper)
    return torch.where(mask, x, torch.zeros((), dtype=x.dtype, device=x.device))


def tril(x, k=0):
    return _masked(x, k, "tril", upper=False)


def triu(x, k=0):
    return _masked(x, k, "triu", upper=True)


def diag(x, k=0):
    x = convert_to_tensor(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"diag: x must be 1-D or 2-D, got shape {tuple(x.shape)}.")
    if x.ndim == 2:
        return torch.diagonal(x, offset=k)
    n = x.shape[0] + abs(k)
    rows = torch.arange(x.shape[0], device=x.device) + max(-k, 0)
    out = torch.zeros((n, n), dtype=x.dtype, device=x.device)
    return out.index_put((rows, rows + k), x)


def diagflat(x, k=0):
    return diag(convert_to_tensor(x).reshape(-1), k)


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    if x.ndim != 1:
        raise ValueError(f"vander: x must be 1-D, got shape {tuple(x.shape)}.")
    N = x.shape[0] if N is None else N
    powers = torch.arange(N, device=x.device)
    if not increasing:
        powers = powers.flip(0)
    compute = x.dtype if x.dtype.is_floating_point or x.dtype.is_complex else torch.int64
    return torch.pow(x.to(compute)[:, None], powers[None, :].to(compute)).to(x.dtype)


def meshgrid(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}.")
    x = [convert_to_tensor(t).reshape(-1) for t in x]
    positions = list(range(len(x)))
    if indexing == "xy" and len(x) >= 2:
        positions[0], positions[1] = 1, 0
    shape = [0] * len(x)
    for t, p in zip(x, positions):
        shape[p] = t.shape[0]
    grids = []
    for t, p in zip(x, positions):  # torch.meshgrid needs one dtype; broadcast each input instead
        view = [1] * len(x)
        view[p] = -1
        grids.append(t.reshape(view).expand(shape))
    return grids


def array(x, dtype=None):
    return convert_to_tensor(x, dtype)


def _window_index(x, name):
    """(n/(M-1) for n in 0..M-1 as float64, M); M == 1 gives [0]."""
    m = rules.window_length(x, name)
    n = torch.arange(max(m, 0), dtype=torch.float64, device=get_device())
    return n / max(m - 1, 1), m


def _finish(values, m):
    values = values if m != 1 else torch.ones_like(values)
    return values.to(to_native_dtype(config.floatx()))


def bartlett(x):
    t, m = _window_index(x, "bartlett")
    return _finish(1 - torch.abs(2 * t - 1), m)


def blackman(x):
    t, m = _window_index(x, "blackman")
    return _finish(0.42 - 0.5 * torch.cos(2 * math.pi * t) + 0.08 * torch.cos(4 * math.pi * t), m)


def hamming(x):
    t, m = _window_index(x, "hamming")
    return _finish(0.54 - 0.46 * torch.cos(2 * math.pi * t), m)


def hanning(x):
    t, m = _window_index(x, "hanning")
    return _finish(0.5 - 0.5 * torch.cos(2 * math.pi * t), m)


def kaiser(x, beta):
    t, m = _window_index(x, "kaiser")
    beta = torch.as_tensor(beta, dtype=torch.float64, device=t.device)
    values = torch.special.i0(beta * torch.sqrt(torch.clamp(1 - (2 * t - 1) ** 2, min=0))) / torch.special.i0(beta)
    return _finish(values, m)


