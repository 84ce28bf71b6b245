"""Shape manipulation ops of the PyTorch backend."""

from __future__ import annotations

import numpy as np
import torch

from kc import dtypes
from kc.backend.common.split_ops import split_variants
from kc.backend.torch.core import convert_to_tensor, get_device, promote, to_native_dtype
from kc.ops import _rules as rules

_t = convert_to_tensor


def _m():
    """Shape helpers of kc.ops._manipulation (imported late: it imports this module)."""
    from kc.ops import _manipulation

    return _manipulation


def _axes(axis, ndim, op):
    return tuple(range(ndim)) if axis is None else rules.canonical_axes(axis, ndim, op)


def reshape(x, newshape):
    x = _t(x)
    return torch.reshape(x, rules.reshape_shape(tuple(x.shape), newshape))


def transpose(x, axes=None):
    x = _t(x)
    return x.permute(_m().transpose_axes(axes, x.ndim))


def expand_dims(x, axis):
    x = _t(x)
    return torch.reshape(x, _m().expand_dims_shape(tuple(x.shape), axis))


def squeeze(x, axis=None):
    x = _t(x)
    axes = _m().squeeze_axes(tuple(x.shape), axis)
    return torch.squeeze(x, axes) if axes else x


def _join(xs, axis, op):
    rules.concat_shape([tuple(x.shape) for x in xs], axis, op)
    return torch.cat(xs, dim=axis)


def concatenate(xs, axis=0):
    return _join(promote(*xs), axis, "concatenate")


def stack(x, axis=0):
    xs = promote(*x)
    _m().stack_shape([tuple(t.shape) for t in xs], axis)
    return torch.stack(xs, dim=axis)


def hstack(xs):
    xs = promote(*xs)
    return _join(xs, _m().hsplit_axis(xs[0].ndim), "hstack")


def vstack(xs):
    return _join([torch.atleast_2d(x) for x in promote(*xs)], 0, "vstack")


def dstack(xs):
    return _join([torch.atleast_3d(x) for x in promote(*xs)], 2, "dstack")


def _split(x, indices_or_sections, axis, op, even=True):
    x = _t(x)
    axis = rules.canonical_axis(axis, x.ndim, op)
    sizes = _m().split_sizes(x.shape[axis], indices_or_sections, op, even)
    return list(torch.split(x, sizes, dim=axis))


# split, array_split, hsplit, vsplit and dsplit: common/split_ops.py, over _split.
globals().update(split_variants(_t, _split))


def tile(x, repeats):
    x = _t(x)
    return torch.tile(x, _m().tile_reps(repeats, x.ndim))


def repeat(x, repeats, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = torch.ravel(x), 0
    axis = rules.canonical_axis(axis, x.ndim, "repeat")
    if not isinstance(repeats, int):
        repeats = _t(repeats).to(device=x.device, dtype=torch.int64)
    return torch.repeat_interleave(x, repeats, dim=axis)


def flip(x, axis=None):
    x = _t(x)
    return torch.flip(x, _axes(axis, x.ndim, "flip"))


def fliplr(x):
    x = _t(x)
    _m().check_min_rank(x.ndim, 2, "fliplr")
    return torch.flip(x, (1,))


def flipud(x):
    x = _t(x)
    _m().check_min_rank(x.ndim, 1, "flipud")
    return torch.flip(x, (0,))


def roll(x, shift, axis=None):
    x = _t(x)
    if axis is None:
        return torch.roll(x, shift)
    axes = rules.canonical_axes(axis, x.ndim, "roll")
    return torch.roll(x, shift if isinstance(shift, int) else tuple(shift), axes)


def rot90(array, k=1, axes=(0, 1)):
    x = _t(array)
    _m().check_min_rank(x.ndim, 2, "rot90")
    return torch.rot90(x, k, _m().rot90_axes(x.ndim, axes))


def moveaxis(x, source, destination):
    x = _t(x)
    return x.permute(_m().moveaxis_perm(x.ndim, source, destination))


def swapaxes(x, axis1, axis2):
    x = _t(x)
    return torch.swapaxes(x, rules.canonical_axis(axis1, x.ndim, "swapaxes"),
                          rules.canonical_axis(axis2, x.ndim, "swapaxes"))


def broadcast_to(x, shape):
    x = _t(x)
    return torch.broadcast_to(x, _m().broadcast_to_shape(tuple(x.shape), shape))


def ravel(x):
    return torch.ravel(_t(x))


_GATHER_PAD_MODES = ("edge", "reflect", "symmetric", "wrap", "circular")


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    m = _m()
    m.check_pad_mode(mode, constant_values)
    pairs = m.pad_pairs(pad_width, x.ndim)
    if mode in ("constant", "empty"):
        flat = [w for pair in reversed(pairs) for w in pair]
        value = 0 if constant_values is None else constant_values
        if x.dtype == torch.bool:
            return torch.nn.functional.pad(x.to(torch.uint8), flat, value=int(value)).to(torch.bool)
        return torch.nn.functional.pad(x, flat, value=value)
    if mode not in _GATHER_PAD_MODES:
        raise NotImplementedError(f"kc.ops.pad: mode {mode!r} is not available on the torch backend "
                                  f"(supported: constant, empty, {', '.join(_GATHER_PAD_MODES)}).")
    for axis, (before, after) in enumerate(pairs):
        if before or after:
            index = m.pad_index(x.shape[axis], before, after, mode)
            x = torch.index_select(x, axis, torch.as_tensor(index, device=x.device))
    return x


def append(x1, x2, axis=None):
    x1, x2 = promote(x1, x2)
    if axis is None:
        x1, x2, axis = torch.ravel(x1), torch.ravel(x2), 0
    return _join([x1, x2], axis, "append")


def diff(a, n=1, axis=-1):
    a = _t(a)
    axis = rules.canonical_axis(axis, a.ndim, "diff")
    if n < 0:
        raise ValueError(f"diff: n must be non-negative, got {n}.")
    for _ in range(n):
        hi, lo = a.narrow(axis, 1, max(a.shape[axis] - 1, 0)), a.narrow(axis, 0, max(a.shape[axis] - 1, 0))
        a = torch.ne(hi, lo) if a.dtype == torch.bool else hi - lo
    return a


def copy(x):
    return torch.clone(_t(x))


def ndim(x):
    return x.ndim if torch.is_tensor(x) else np.ndim(x)


def size(x):
    return torch.tensor(_t(x).numel(), dtype=torch.int32, device=get_device())


def view(x, dtype=None):
    x = _t(x)
    if dtype is None:
        return x.view(x.shape)
    _m().view_shape(tuple(x.shape), dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(dtype))
    return x.view(to_native_dtype(dtype))


def _key_item(k, device):
    if isinstance(k, (list, np.ndarray)) or torch.is_tensor(k) and k.ndim > 0 or (
            hasattr(k, "__array__") and not np.isscalar(k) and not torch.is_tensor(k)):
        k = _t(k).to(device)
        if k.dtype == torch.bool:
            return k
        if k.is_floating_point() or k.is_complex():
            raise TypeError(f"get_item: tensor keys must be int or bool, got dtype {k.dtype}.")
        return k.long()
    if torch.is_tensor(k):
        return int(k)
    return k


def _consumed(k) -> int:
    if k is None or k is Ellipsis:
        return 0
    return k.ndim if torch.is_tensor(k) and k.dtype == torch.bool else 1


def _positive_slices(x, items):
    """Rewrite negative-step slices (torch has none) as a flip and a positive slice."""
    if not any(isinstance(k, slice) and k.step is not None and k.step < 0 for k in items):
        return x, items
    if not any(k is Ellipsis for k in items):
        items = items + (Ellipsis,)
    rest = x.ndim - sum(_consumed(k) for k in items)
    out, axis = [], 0
    for k in items:
        if k is Ellipsis:
            axis += rest
        elif isinstance(k, slice) and k.step is not None and k.step < 0:
            n = x.shape[axis]
            rng = range(*k.indices(n))
            x = torch.flip(x, (axis,))
            k = slice(n - 1 - rng.start, n - rng.start + (len(rng) - 1) * -k.step, -k.step) if rng else slice(0, 0)
        axis += _consumed(k)
        out.append(k)
    return x, tuple(out)


def get_item(x, key):
    x = _t(x)
    items = key if isinstance(key, tuple) else (key,)
    items = tuple(_key_item(k, x.device) for k in items)
    x, items = _positive_slices(x, items)
    return x[items if isinstance(key, tuple) or len(items) != 1 else items[0]]


def unravel_index(indices, shape):
    indices = _t(indices)
    return tuple(c.to(torch.int32) for c in torch.unravel_index(indices.long(), tuple(shape)))
