"""Indexing and sorting helpers shared by the NumPy and JAX backends."""

from __future__ import annotations

from types import ModuleType
from typing import Callable


def _ix():
    """Rules of kc.ops._indexing (imported late: it imports the backends)."""
    from kc.ops import _indexing

    return _indexing


def _ones_at(shape, axis):
    return shape[:axis] + (1,) + shape[axis + 1:]


def indexing_ops(xp: ModuleType, core: ModuleType) -> dict[str, Callable]:
    """Return ``where`` and ``nonzero`` over array module ``xp``, with the helpers the
    backend's own ops use (``_ix``, ``_ones_at``, ``_sort_input``), keyed by name."""
    _t = core.convert_to_tensor

    def where(condition, x1=None, x2=None):
        _ix().check_where_args(x1, x2)
        if x1 is None:
            return nonzero(condition)
        x1, x2 = core.promote(x1, x2)
        return xp.where(_t(condition).astype(bool), x1, x2)

    def nonzero(x):
        return tuple(i.astype(xp.int32) for i in xp.nonzero(_t(x)))

    def _sort_input(x, axis, op):
        x = _t(x)
        axis = _ix().sort_axis(axis, x.ndim, op)
        return (xp.ravel(x), 0) if axis is None else (x, axis)

    return {"_ix": _ix, "_ones_at": _ones_at, "_sort_input": _sort_input, "where": where, "nonzero": nonzero}
