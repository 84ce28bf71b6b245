"""Native kernels for the hottest loss on torch, where per-step Python decides the speed.

kc's losses are written with `kc.ops`; on eager torch every op is a Python dispatch and a
kernel launch. `sparse_crossentropy` computes the sparse categorical cross-entropy as
``log_softmax`` (or the clipped log of the renormalized probabilities) followed by a
gather of the labels' entries (``nll_loss``), instead of kc.ops' one-hot product: the same
values and the same gradients in two kernels instead of seven.

Labels outside ``[0, num_classes)`` raise an error there (as Keras on torch does for labels
``>= num_classes``) instead of giving a loss of 0.

On the other backends `sparse_crossentropy` is None: the graph compilers (XLA, Grappler)
already fuse the one-hot form, and callers take the `kc.ops` path.

Example:
    >>> if sparse_crossentropy is not None:
    ...     values = sparse_crossentropy(labels, logits, from_logits=True)
"""

from __future__ import annotations

from kc import config

sparse_crossentropy = None

if config.backend() == "torch":
    import torch
    import torch.nn.functional as F

    _FLOATS = (torch.float32, torch.float64)
    _INTS = (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8)

    def sparse_crossentropy(y_true, y_pred, from_logits: bool):  # noqa: F811
        """``-log p[label]`` per sample over the last axis of ``y_pred``, or None when the
        arguments need the general path (not plain tensors, other dtypes, shapes that do
        not match exactly)."""
        if not (isinstance(y_pred, torch.Tensor) and isinstance(y_true, torch.Tensor)):
            return None
        if y_pred.dtype not in _FLOATS or y_true.dtype not in _INTS or y_pred.ndim < 2:
            return None
        if y_true.shape != y_pred.shape[:-1]:
            return None
        if from_logits:
            log_probs = torch.log_softmax(y_pred, dim=-1)
        else:  # the same formula as kc.ops.sparse_categorical_crossentropy
            eps = config.epsilon()
            log_probs = torch.log(torch.clamp(y_pred / torch.sum(y_pred, dim=-1, keepdim=True),
                                              eps, 1 - eps))
        labels = y_true if y_true.dtype == torch.int64 else y_true.long()
        if log_probs.ndim > 2:  # nll_loss takes the classes on axis 1
            log_probs = log_probs.movedim(-1, 1)
        try:
            return F.nll_loss(log_probs, labels, reduction="none", ignore_index=-(2 ** 62))
        except IndexError as e:
            raise IndexError(
                f"sparse_categorical_crossentropy: labels must be class ids in [0, "
                f"{y_pred.shape[-1]}) for y_pred of shape {tuple(y_pred.shape)}; {e}"
            ) from e
