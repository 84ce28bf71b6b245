"""The segment reductions every backend builds the same way from its own ``_segment``."""

from __future__ import annotations

from typing import Callable

REDUCTIONS = ("sum", "prod", "max", "min")


def segment_reductions(segment: Callable) -> tuple:
    """(segment_sum, segment_prod, segment_max, segment_min) for one backend.

    ``segment(reduction, op_name, data, segment_ids, num_segments)`` is the backend's shared
    implementation; ``sorted`` is only a hint, so the ops ignore it.
    """
    return tuple(_bind(segment, reduction) for reduction in REDUCTIONS)


def _bind(segment: Callable, reduction: str) -> Callable:
    name = f"segment_{reduction}"

    def op(data, segment_ids, num_segments=None, sorted=False):
        return segment(reduction, name, data, segment_ids, num_segments)

    op.__name__ = op.__qualname__ = name
    return op
