"""Circle loss (Sun et al., 2020) for metric learning on embeddings."""

from __future__ import annotations

from kc import backend, ops
from kc.losses._base import _BuiltinLoss, prepare_labels


def _flat_labels(labels, where):
    if ops.ndim(labels) == 2 and tuple(ops.shape(labels))[-1] == 1:
        labels = ops.squeeze(labels, axis=-1)
    if ops.ndim(labels) != 1:
        raise ValueError(f"circle: `{where}` must be a vector of labels (batch,), got shape "
                         f"{tuple(ops.shape(labels))}.")
    return labels


def _masked_logsumexp(x, mask):
    """Row-wise log-sum-exp of ``x`` over ``mask``; rows without entries give 0 (flag False)."""
    any_entry = ops.any(mask, axis=-1)
    floor = ops.min(x, axis=-1, keepdims=True)
    top = ops.max(ops.where(mask, x, floor), axis=-1, keepdims=True)
    top = ops.stop_gradient(top)
    shifted = ops.where(mask, x - top, ops.zeros_like(x))  # <= 0 inside the mask: no overflow
    total = ops.sum(ops.where(mask, ops.exp(shifted), ops.zeros_like(x)), axis=-1)
    total = ops.where(any_entry, total, ops.ones_like(total))
    return top[..., 0] + ops.log(total), any_entry


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80,
           margin=0.4):
    """Circle loss of each embedding against reference embeddings (default: the batch).

    Similarities are dot products ``y_pred @ ref_embeddings.T`` (expected L2-normalized,
    e.g. after `UnitNormalization`), capped at 1. For each anchor, with positives
    ``s_p`` (same label) and negatives ``s_n``::

        loss = softplus(logsumexp(-gamma * a_p * (s_p - (1 - margin)))
                        + logsumexp(gamma * a_n * (s_n - margin)))

    with ``a_p = relu(1 + margin - s_p)`` and ``a_n = relu(s_n + margin)``. An anchor
    without positives or negatives gives 0, and the result carries a mask
    (`kc.backend.get_keras_mask`) that leaves such anchors out of a `Loss`'s average.

    Args:
        y_true: integer labels ``(batch,)``.
        y_pred: embeddings ``(batch, dim)``.
        ref_labels: labels of the reference embeddings (default ``y_true``).
        ref_embeddings: reference embeddings ``(ref_batch, dim)`` (default ``y_pred``).
        remove_diagonal: whether pair ``(i, i)`` is left out of the positives.
        gamma: the scale of the similarities.
        margin: the relaxation margin.

    Example:
        >>> kc.losses.circle([0, 0, 1], [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], gamma=1.0)
        array([0.545893, 0.545893, 0.      ], dtype=float32)
    """
    y_true, y_pred = prepare_labels(y_true, y_pred)
    labels = _flat_labels(y_true, "y_true")
    ref_labels = labels if ref_labels is None else _flat_labels(
        ops.convert_to_tensor(ref_labels), "ref_labels")
    ref_embeddings = y_pred if ref_embeddings is None else ops.cast(
        ops.convert_to_tensor(ref_embeddings), y_pred.dtype)
    if ops.ndim(y_pred) != 2 or ops.ndim(ref_embeddings) != 2:
        raise ValueError(
            "circle: `y_pred` and `ref_embeddings` must be (batch, dim) embeddings, got shapes "
            f"{tuple(ops.shape(y_pred))} and {tuple(ops.shape(ref_embeddings))}."
        )
    similarity = ops.minimum(ops.matmul(y_pred, ops.transpose(ref_embeddings)), 1.0)
    same = ops.equal(ops.expand_dims(labels, 1),
                     ops.expand_dims(ops.cast(ref_labels, labels.dtype), 0))
    positive = same
    if remove_diagonal:
        rows, cols = tuple(ops.shape(similarity))
        positive = ops.logical_and(positive, ops.logical_not(ops.eye(rows, cols, dtype="bool")))
    negative = ops.logical_not(same)
    alpha_p = ops.stop_gradient(ops.relu(1.0 + margin - similarity))
    alpha_n = ops.stop_gradient(ops.relu(similarity + margin))
    logit_p = -gamma * alpha_p * (similarity - (1.0 - margin))
    logit_n = gamma * alpha_n * (similarity - margin)
    lse_p, has_p = _masked_logsumexp(logit_p, positive)
    lse_n, has_n = _masked_logsumexp(logit_n, negative)
    valid = ops.logical_and(has_p, has_n)
    loss = ops.softplus(lse_p + lse_n)
    loss = ops.where(valid, loss, ops.zeros_like(loss))
    backend.set_keras_mask(loss, valid)
    return loss


class Circle(_BuiltinLoss):
    """Circle loss; `circle` (with the batch as its own reference) as a `Loss`.

    Example:
        >>> kc.losses.Circle(gamma=1.0)([0, 0, 1], [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        array(0.545893, dtype=float32)
    """

    _integer_labels = True
    _config_keys = ("gamma", "margin", "remove_diagonal")

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True,
                 reduction="sum_over_batch_size", name="circle", dtype=None):
        super().__init__(circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal
