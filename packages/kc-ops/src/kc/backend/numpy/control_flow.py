"""Control flow of the NumPy backend: plain Python loops."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from kc import tree
from kc.backend.common import core_ops
from kc.backend.numpy.core import convert_to_tensor


def _stack(xs):
    return np.stack(xs)


cond, switch, while_loop, fori_loop, scan, map = core_ops.python_control_flow(convert_to_tensor, _stack)


def vectorized_map(function, elements):
    return core_ops.python_map(function, elements, convert_to_tensor, _stack)


def _interleave(a, b):
    return np.stack([a, b], axis=1).reshape((-1,) + a.shape[1:])


_XP = SimpleNamespace(
    moveaxis=np.moveaxis,
    flip=lambda x: np.flip(x, 0),
    concat=np.concatenate,
    interleave=_interleave,
)


def associative_scan(f, elems, reverse=False, axis=0):
    elems = tree.map_structure(convert_to_tensor, elems)
    return core_ops.associative_scan(f, elems, reverse, axis, _XP)
