"""Tensor products: matmul, dot, tensordot, einsum, outer, inner, ..."""

from __future__ import annotations

from kc.ops import _rules as rules
from kc.ops._op import op

__all__ = ["matmul"]


@op(rule=rules.matmul)
def matmul(x1, x2):
    """Matrix product of two tensors, NumPy semantics (batch dims broadcast).

    int8 x int8 accumulates in int32, as in Keras 3.

    Example:
        >>> kc.ops.matmul(np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """
