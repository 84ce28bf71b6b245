"""Control flow of the PyTorch backend: eager Python loops (autograd records every step)."""

from __future__ import annotations

from types import SimpleNamespace

import torch

from kc import tree
from kc.backend.common import core_ops
from kc.backend.torch.core import convert_to_tensor


def _stack(xs):
    return torch.stack(list(xs))


def cond(pred, true_fn, false_fn):
    return true_fn() if bool(pred) else false_fn()


def switch(index, branches, *operands):
    return branches[core_ops.clamp_index(index, len(branches))](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    return core_ops.python_while_loop(cond, body, loop_vars, maximum_iterations, convert_to_tensor)


def fori_loop(lower, upper, body_fun, init_val):
    val = tree.map_structure(convert_to_tensor, init_val)
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return tree.map_structure(convert_to_tensor, val)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return core_ops.python_scan(f, init, xs, length, reverse, convert_to_tensor, _stack)


def map(f, xs):
    return core_ops.python_map(f, xs, convert_to_tensor, _stack)


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
