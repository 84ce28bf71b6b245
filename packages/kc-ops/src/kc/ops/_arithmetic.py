"""Element-wise binary ops: arithmetic, comparisons, logic, bitwise, maximum/minimum."""

from __future__ import annotations

from kc.ops import _rules as rules
from kc.ops._op import op

__all__ = ["add"]


@op(rule=rules.broadcast_binary)
def add(x1, x2):
    """Add arguments element-wise, with broadcasting.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        The element-wise sum; dtype from `kc.dtypes.result_type`.

    Example:
        >>> kc.ops.add([1, 2], [3, 4])
        array([4, 6], dtype=int32)
    """
