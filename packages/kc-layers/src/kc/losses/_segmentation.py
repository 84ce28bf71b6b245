"""Overlap losses for segmentation: Dice and Tversky."""

from __future__ import annotations

from kc import ops
from kc import config as kc_config
from kc.losses._base import _BuiltinLoss, prepare


def dice(y_true, y_pred, axis=None):
    """Dice loss ``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))`` over ``axis``.

    Args:
        y_true: targets in ``[0, 1]``.
        y_pred: predictions in ``[0, 1]``.
        axis: the axes to sum over; None sums over all, giving one scalar.

    Example:
        >>> kc.losses.dice([[1.0, 0.0]], [[1.0, 0.0]])
        array(0., dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "dice")
    intersection = ops.sum(y_true * y_pred, axis=axis)
    union = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (union + kc_config.epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss ``1 - TP / (TP + alpha * FN + beta * FP)`` over ``axis``.

    With ``TP = sum(y_true * y_pred)``, ``FN = sum(y_true * (1 - y_pred))`` and
    ``FP = sum((1 - y_true) * y_pred)``; ``alpha = beta = 0.5`` gives the Dice loss.
    (The weights pair with FN and FP as Keras 3.15 computes them.)

    Example:
        >>> kc.losses.tversky([[1.0, 0.0]], [[1.0, 0.0]])
        array(0., dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "tversky")
    true_pos = ops.sum(y_true * y_pred, axis=axis)
    false_neg = ops.sum(y_true * (1.0 - y_pred), axis=axis)
    false_pos = ops.sum((1.0 - y_true) * y_pred, axis=axis)
    denom = true_pos + alpha * false_neg + beta * false_pos + kc_config.epsilon()
    return 1.0 - true_pos / denom


class Dice(_BuiltinLoss):
    """Dice loss; `dice` as a `Loss`.

    Example:
        >>> kc.losses.Dice()([[1.0, 0.0]], [[1.0, 0.0]])
        array(0., dtype=float32)
    """

    _config_keys = ("axis",)

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(_BuiltinLoss):
    """Tversky loss; `tversky` as a `Loss`.

    Example:
        >>> kc.losses.Tversky(alpha=0.3, beta=0.7)([[1.0, 0.0]], [[1.0, 0.0]])
        array(0., dtype=float32)
    """

    _config_keys = ("alpha", "beta", "axis")

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):
        super().__init__(tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha,
                         beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis
