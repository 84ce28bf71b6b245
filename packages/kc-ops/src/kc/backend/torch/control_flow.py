"""Control flow of the PyTorch backend: eager Python loops (autograd records every step)."""

from __future__ import annotations

from types import SimpleNamespace

import torch

from kc import tree
from kc.backend.common import core_ops
from kc.backend.torch.core import convert_to_tensor


def _stack(xs):
    return torch.stack(list(xs))


cond, switch, while_loop, fori_loop, scan, map = core_ops.python_control_flow(convert_to_tensor, _stack)


def vectorized_map(function, elements):
    return torch.vmap(function)(tree.map_structure(convert_to_tensor, elements))


def _interleave(a, b):
    return torch.stack([a, b], dim=1).reshape((-1,) + tuple(a.shape[1:]))


_XP = SimpleNamespace(
    moveaxis=torch.movedim,
    flip=lambda x: torch.flip(x, [0]),
    concat=torch.cat,
    interleave=_interleave,
)


def associative_scan(f, elems, reverse=False, axis=0):
    elems = tree.map_structure(convert_to_tensor, elems)
    return core_ops.associative_scan(f, elems, reverse, axis, _XP)
