"""Indexing, sorting and searching ops of the PyTorch backend."""

from __future__ import annotations

import torch

from kc.backend.torch.core import convert_to_tensor, promote
from kc.ops import _rules as rules

_t = convert_to_tensor


def _ix():
    """Rules of kc.ops._indexing (imported late: it imports this module)."""
    from kc.ops import _indexing

    return _indexing


def _indices(indices, op, dim, device):
    _ix().check_int_indices(indices, op)
    indices = _t(indices).to(device=device, dtype=torch.int64)
    return torch.where(indices < 0, indices + dim, indices)


def take(x, indices, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = torch.ravel(x), 0
    axis = rules.canonical_axis(axis, x.ndim, "take")
    indices = _indices(indices, "take", x.shape[axis], x.device)
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(tuple(x.shape[:axis]) + tuple(indices.shape) + tuple(x.shape[axis + 1:]))


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    _ix().check_int_indices(indices, "take_along_axis")
    _ix().take_along_axis_shape(tuple(x.shape), tuple(_t(indices).shape), axis)
    if axis is None:
        x, axis = torch.ravel(x), 0
    axis = rules.canonical_axis(axis, x.ndim, "take_along_axis")
    indices = _indices(indices, "take_along_axis", x.shape[axis], x.device)
    return torch.take_along_dim(x, indices, dim=axis)


def where(condition, x1=None, x2=None):
    _ix().check_where_args(x1, x2)
    if x1 is None:
        return nonzero(condition)
    x1, x2 = promote(x1, x2)
    condition = _t(condition).to(device=x1.device, dtype=torch.bool)
    return torch.where(condition, x1, x2)


def nonzero(x):
    return tuple(i.to(torch.int32) for i in torch.nonzero(_t(x), as_tuple=True))


def _sortable(x):
    """torch sorts neither bool nor some unsigned types on every device: widen them."""
    if x.dtype == torch.bool or x.dtype in (torch.uint16, torch.uint32, torch.uint64):
        return x.to(torch.int64 if x.dtype != torch.uint64 else torch.float64)
    return x


def _sort_input(x, axis, op):
    x = _t(x)
    axis = _ix().sort_axis(axis, x.ndim, op)
    return (torch.ravel(x), 0) if axis is None else (x, axis)


def argsort(x, axis=-1):
    x, axis = _sort_input(x, axis, "argsort")
    return torch.argsort(_sortable(x), dim=axis, stable=True).to(torch.int32)


def sort(x, axis=-1):
    x, axis = _sort_input(x, axis, "sort")
    return torch.sort(_sortable(x), dim=axis, stable=True).values.to(x.dtype)


def argpartition(x, kth, axis=-1):
    x = _t(x)
    axis = rules.canonical_axis(axis, x.ndim, "argpartition")
    _ix().check_kth(kth, x.shape[axis])
    return torch.argsort(_sortable(x), dim=axis, stable=True).to(torch.int32)


def searchsorted(sorted_sequence, values, side="left"):
    ix = _ix()
    ix.check_side(side)
    sorted_sequence, values = promote(sorted_sequence, values)
    ix.check_sequence_1d(tuple(sorted_sequence.shape), "sorted_sequence", "searchsorted")
    return torch.searchsorted(_sortable(sorted_sequence), _sortable(values), right=side == "right",
                              out_int32=True)


def digitize(x, bins):
    x, bins = promote(x, bins)
    _ix().check_sequence_1d(tuple(bins.shape), "bins", "digitize")
    return torch.bucketize(_sortable(x), _sortable(bins), right=True, out_int32=True)


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promote(x1, x2)
    return torch.isin(_sortable(x1), _sortable(x2), assume_unique=assume_unique, invert=invert)


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    x = _t(x)
    if axis is not None:
        axis = rules.canonical_axis(axis, x.ndim, "unique")
    source = torch.ravel(x) if axis is None else x
    values, inverse, counts = torch.unique(_sortable(source), sorted=True, return_inverse=True,
                                           return_counts=True, dim=axis)
    values = values.to(x.dtype)
    inverse = inverse.reshape(-1)
    positions = torch.arange(inverse.shape[0], device=x.device)
    index = torch.full((counts.shape[0],), inverse.shape[0], device=x.device, dtype=torch.int64)
    index = index.scatter_reduce(0, inverse, positions, reduce="amin")
    if size is not None:
        values, index, counts = _fix_size(values, index, counts, size, axis or 0, fill_value)
    outs = [values]
    outs += [index.to(torch.int32)] if return_index else []
    outs += [inverse.to(torch.int32)] if return_inverse else []
    outs += [counts.to(torch.int32)] if return_counts else []
    return outs[0] if len(outs) == 1 else tuple(outs)


def _fix_size(values, index, counts, size, axis, fill_value):
    n = values.shape[axis]
    if n >= size:
        return values.narrow(axis, 0, size), index[:size], counts[:size]
    pad_shape = list(values.shape)
    pad_shape[axis] = size - n
    fill = torch.full(pad_shape, 0 if fill_value is None else fill_value, dtype=values.dtype, device=values.device)
    zeros = torch.zeros(size - n, dtype=index.dtype, device=index.device)
    return torch.cat([values, fill], axis), torch.cat([index, zeros]), torch.cat([counts, zeros])


def select(condlist, choicelist, default=0):
    _ix().check_select_lists(condlist, choicelist)
    dtype = _ix().select_dtype(choicelist, default)
    out = _t(default, dtype)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        choice = _t(choice, dtype)
        out = torch.where(_t(cond).to(device=choice.device, dtype=torch.bool), choice, out.to(choice.device))
    return out


def vmap(fn):
    return torch.vmap(fn)


