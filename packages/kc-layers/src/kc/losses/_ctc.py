"""Connectionist temporal classification (CTC) loss."""

from __future__ import annotations

from kc import ops
from kc.losses._base import _BuiltinLoss, prepare_labels


def ctc(y_true, y_pred):
    """CTC loss per sequence, with class 0 as the blank and 0-padded labels.

    Args:
        y_true: integer labels ``(batch, max_label_length)``, padded with 0; a sequence's
            label length is its count of nonzero labels.
        y_pred: logits ``(batch, time, num_classes)``; every sequence uses all ``time`` steps.

    Returns:
        ``(batch,)`` negative log-likelihoods.

    Example:
        >>> kc.losses.ctc([[1]], [[[0.0, 0.0], [0.0, 0.0]]])  # 3 of 4 paths emit "1"
        array([0.2876821], dtype=float32)
    """
    y_true, y_pred = prepare_labels(y_true, y_pred)
    if ops.ndim(y_pred) != 3 or ops.ndim(y_true) != 2:
        raise ValueError(
            "ctc: expected `y_true` of shape (batch, max_label_length) and `y_pred` of shape "
            f"(batch, time, num_classes), got y_true.shape={tuple(ops.shape(y_true))} and "
            f"y_pred.shape={tuple(ops.shape(y_pred))}."
        )
    labels = ops.cast(y_true, "int32")
    time = ops.shape(y_pred)[1]
    label_length = ops.sum(ops.cast(ops.not_equal(labels, 0), "int32"), axis=-1)
    output_length = ops.cast(ops.ones_like(label_length), "int32") * time
    return ops.ctc_loss(labels, y_pred, label_length, output_length, mask_index=0)


class CTC(_BuiltinLoss):
    """CTC loss; `ctc` as a `Loss`.

    Example:
        >>> kc.losses.CTC()([[1]], [[[0.0, 0.0], [0.0, 0.0]]])
        array(0.2876821, dtype=float32)
    """

    _integer_labels = True

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)
