"""Hinge losses: hinge, squared hinge and categorical hinge."""

from __future__ import annotations

from kc import ops
from kc.losses._base import _BuiltinLoss, prepare


def _to_signed_labels(y_true):
    """Labels in {0, 1} become {-1, 1}; other labels (already -1/1) are kept."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """Mean of ``max(1 - y_true * y_pred, 0)`` over the last axis.

    ``y_true`` holds -1/1 labels; 0/1 labels are converted to -1/1.

    Example:
        >>> kc.losses.hinge([[1.0, 0.0]], [[0.5, -2.0]])
        array([0.25], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "hinge")
    y_true = _to_signed_labels(y_true)
    return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Mean of ``max(1 - y_true * y_pred, 0) ** 2`` over the last axis (0/1 labels -> -1/1).

    Example:
        >>> kc.losses.squared_hinge([[1.0, 0.0]], [[0.5, -2.0]])
        array([0.125], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "squared_hinge")
    y_true = _to_signed_labels(y_true)
    return ops.mean(ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` over the last axis.

    Example:
        >>> kc.losses.categorical_hinge([[0.0, 1.0]], [[0.3, 0.8]])
        array([0.5], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "categorical_hinge")
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)


class Hinge(_BuiltinLoss):
    """Hinge loss; `hinge` as a `Loss`.

    Example:
        >>> kc.losses.Hinge()([[1.0, 0.0]], [[0.5, -2.0]])
        array(0.25, dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(_BuiltinLoss):
    """Squared hinge loss; `squared_hinge` as a `Loss`.

    Example:
        >>> kc.losses.SquaredHinge()([[1.0, 0.0]], [[0.5, -2.0]])
        array(0.125, dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(_BuiltinLoss):
    """Categorical hinge loss; `categorical_hinge` as a `Loss`.

    Example:
        >>> kc.losses.CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.8]])
        array(0.5, dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)
