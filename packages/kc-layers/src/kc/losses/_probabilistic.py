"""Probabilistic losses: cross-entropies (binary, categorical, sparse, focal, generalized),
Kullback-Leibler divergence and Poisson."""

from __future__ import annotations

from kc import backend, ops
from kc import config as kc_config
from kc.losses import _fast
from kc.losses._base import _BuiltinLoss, prepare, prepare_labels


def _smooth_binary(y_true, label_smoothing):
    if label_smoothing:
        return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return y_true


def _smooth_categorical(y_true, label_smoothing, axis):
    if label_smoothing:
        num_classes = ops.cast(ops.shape(y_true)[axis], y_true.dtype)
        return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return y_true


def _check_same_shape(y_true, y_pred, where):
    t, p = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if len(t) != len(p) or any(isinstance(a, int) and isinstance(b, int) and a != b
                               for a, b in zip(t, p)):
        hint = ""
        if len(t) == len(p) and t[-1:] == (1,) or len(t) == len(p) - 1:
            hint = (" Integer class labels need the sparse form "
                    "(sparse_categorical_crossentropy / SparseCategoricalCrossentropy).")
        raise ValueError(
            f"{where}: `y_true` and `y_pred` must have the same shape, got "
            f"y_true.shape={t} and y_pred.shape={p}.{hint}"
        )


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over ``axis``.

    Args:
        y_true: targets in ``[0, 1]``.
        y_pred: probabilities, or logits when ``from_logits``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; targets become ``y * (1 - s) + s / 2``.
        axis: the axis to average over.

    Example:
        >>> kc.losses.binary_crossentropy([[1.0, 0.0]], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "binary_crossentropy")
    _check_same_shape(y_true, y_pred, "binary_crossentropy")
    y_true = _smooth_binary(y_true, label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary focal cross-entropy (Lin et al., 2017), averaged over ``axis``.

    Each element's cross-entropy is scaled by ``(1 - p_t) ** gamma``, where ``p_t`` is the
    predicted probability of the true class; with ``apply_class_balancing`` also by
    ``alpha`` for positives and ``1 - alpha`` for negatives.

    Example:
        >>> kc.losses.binary_focal_crossentropy([[1.0]], [[0.5]], gamma=1.0)
        array([0.3465736], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "binary_focal_crossentropy")
    _check_same_shape(y_true, y_pred, "binary_focal_crossentropy")
    y_true = _smooth_binary(y_true, label_smoothing)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits)
    prob = ops.sigmoid(y_pred) if from_logits else y_pred
    p_t = y_true * prob + (1.0 - y_true) * (1.0 - prob)
    loss = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        loss = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * loss
    return ops.mean(loss, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy between one-hot (or soft) targets and class probabilities along ``axis``.

    Args:
        y_true: one-hot or soft targets, the shape of ``y_pred``.
        y_pred: probabilities (renormalized to sum to 1), or logits when ``from_logits``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: targets become ``y * (1 - s) + s / num_classes``.
        axis: the class axis.

    Example:
        >>> kc.losses.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "categorical_crossentropy", squeeze=False)
    _check_same_shape(y_true, y_pred, "categorical_crossentropy")
    y_true = _smooth_categorical(y_true, label_smoothing, axis)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical focal cross-entropy: ``sum(alpha * (1 - p) ** gamma * -y * log(p))`` over ``axis``.

    Probabilities are renormalized along ``axis`` and clipped to ``[eps, 1 - eps]``.

    Example:
        >>> kc.losses.categorical_focal_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], gamma=1.0)
        array([0.0866434], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "categorical_focal_crossentropy", squeeze=False)
    _check_same_shape(y_true, y_pred, "categorical_focal_crossentropy")
    y_true = _smooth_categorical(y_true, label_smoothing, axis)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    y_pred = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    eps = kc_config.epsilon()
    y_pred = ops.clip(y_pred, eps, 1.0 - eps)
    cross_entropy = -y_true * ops.log(y_pred)
    focal = alpha * ops.power(1.0 - y_pred, gamma) * cross_entropy
    return ops.sum(focal, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy between integer class labels and class probabilities along ``axis``.

    Args:
        y_true: integer labels, the shape of ``y_pred`` without its class axis (a trailing
            axis of size 1 is accepted).
        y_pred: probabilities, or logits when ``from_logits``.
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label value to ignore: its positions give 0 and the result carries
            a mask (`kc.backend.get_keras_mask`) that leaves them out of a `Loss`'s average.
        axis: the class axis.

    Example:
        >>> kc.losses.sparse_categorical_crossentropy([1], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """
    y_true, y_pred = prepare_labels(y_true, y_pred)
    if ops.ndim(y_true) == ops.ndim(y_pred) and tuple(ops.shape(y_true))[-1:] == (1,):
        y_true = ops.squeeze(y_true, axis=-1)
    p_shape = tuple(ops.shape(y_pred))
    ax = axis % len(p_shape) if p_shape else axis
    expected = p_shape[:ax] + p_shape[ax + 1:]
    t_shape = tuple(ops.shape(y_true))
    if len(t_shape) != len(expected) or any(isinstance(a, int) and isinstance(b, int) and a != b
                                             for a, b in zip(t_shape, expected)):
        raise ValueError(
            "sparse_categorical_crossentropy: `y_true` must have the shape of `y_pred` without "
            f"its class axis ({axis}), i.e. {expected}; got y_true.shape={t_shape} and "
            f"y_pred.shape={p_shape}."
        )
    if ignore_class is None:
        return _sparse_ce(y_true, y_pred, from_logits, ax, len(p_shape))
    valid = ops.not_equal(y_true, ignore_class)
    safe_true = ops.where(valid, y_true, ops.zeros_like(y_true))
    result = _sparse_ce(safe_true, y_pred, from_logits, ax, len(p_shape))
    result = ops.where(valid, result, ops.zeros_like(result))
    backend.set_keras_mask(result, valid)
    return result


def _sparse_ce(y_true, y_pred, from_logits, ax, rank):
    """Per-sample sparse cross-entropy: torch's native kernels when they apply (see
    `kc.losses._fast`), else `kc.ops.sparse_categorical_crossentropy`."""
    if _fast.sparse_crossentropy is not None and ax == rank - 1:
        values = _fast.sparse_crossentropy(y_true, y_pred, from_logits)
        if values is not None:
            return values
    return ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=ax)


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))`` over the last axis.

    Both inputs are clipped to ``[epsilon, 1]``.

    Example:
        >>> kc.losses.kl_divergence([[0.5, 0.5]], [[0.5, 0.5]])
        array([0.], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "kl_divergence")
    eps = kc_config.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Poisson loss: mean of ``y_pred - y_true * log(y_pred + epsilon)`` over the last axis.

    Example:
        >>> kc.losses.poisson([[1.0]], [[1.0]])
        array([0.9999999], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, "poisson")
    eps = kc_config.epsilon()
    return ops.mean(y_pred - y_true * ops.log(y_pred + eps), axis=-1)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross-entropy (Zhang & Sabuncu, 2018): ``(1 - p_y ** q) / q``.

    Args:
        y_true: integer class labels ``(batch,)`` (a trailing axis of size 1 is accepted).
        y_pred: class probabilities ``(batch, num_classes)``.
        q: in ``(0, 1)``; near 0 it tends to cross-entropy, at 1 to mean absolute error.

    Example:
        >>> kc.losses.categorical_generalized_cross_entropy([1], [[0.75, 0.25]], q=0.5)
        array([1.], dtype=float32)
    """
    y_true, y_pred = prepare_labels(y_true, y_pred)
    if ops.ndim(y_true) == ops.ndim(y_pred) and tuple(ops.shape(y_true))[-1:] == (1,):
        y_true = ops.squeeze(y_true, axis=-1)
    if ops.ndim(y_true) != ops.ndim(y_pred) - 1:
        raise ValueError(
            "categorical_generalized_cross_entropy: `y_true` must hold integer class labels of "
            "shape y_pred.shape[:-1]; got y_true.shape="
            f"{tuple(ops.shape(y_true))} and y_pred.shape={tuple(ops.shape(y_pred))}."
        )
    labels = ops.cast(y_true, "int32")
    p_y = ops.take_along_axis(y_pred, ops.expand_dims(labels, -1), axis=-1)[..., 0]
    return (1.0 - ops.power(p_y, q)) / q


def _wrapper_args(args: dict, keys) -> dict:
    """`LossFunctionWrapper` arguments from a built-in loss constructor's ``args`` (``locals()``):
    reduction, name, dtype and, for its function, the arguments named in ``keys``. The loss
    then keeps these as attributes too (``vars(self).update(self._fn_kwargs)``)."""
    return {"reduction": args["reduction"], "name": args["name"], "dtype": args["dtype"],
            **{key: args[key] for key in keys}}


class BinaryCrossentropy(_BuiltinLoss):
    """Binary cross-entropy; `binary_crossentropy` as a `Loss`.

    Example:
        >>> kc.losses.BinaryCrossentropy()([[1.0, 0.0]], [[0.5, 0.5]])
        array(0.6931472, dtype=float32)
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, **_wrapper_args(locals(), self._config_keys))
        vars(self).update(self._fn_kwargs)


class BinaryFocalCrossentropy(_BuiltinLoss):
    """Binary focal cross-entropy; `binary_focal_crossentropy` as a `Loss`.

    Example:
        >>> kc.losses.BinaryFocalCrossentropy(gamma=1.0)([[1.0]], [[0.5]])
        array(0.3465736, dtype=float32)
    """

    _config_keys = ("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha",
                    "gamma")

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, **_wrapper_args(locals(), self._config_keys))
        vars(self).update(self._fn_kwargs)


class CategoricalCrossentropy(_BuiltinLoss):
    """Categorical cross-entropy; `categorical_crossentropy` as a `Loss`.

    Example:
        >>> kc.losses.CategoricalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])
        array(0.6931472, dtype=float32)
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, **_wrapper_args(locals(), self._config_keys))
        vars(self).update(self._fn_kwargs)


class CategoricalFocalCrossentropy(_BuiltinLoss):
    """Categorical focal cross-entropy; `categorical_focal_crossentropy` as a `Loss`.

    Example:
        >>> kc.losses.CategoricalFocalCrossentropy(gamma=1.0)([[0.0, 1.0]], [[0.5, 0.5]])
        array(0.0866434, dtype=float32)
    """

    _config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):
        super().__init__(categorical_focal_crossentropy,
                         **_wrapper_args(locals(), self._config_keys))
        vars(self).update(self._fn_kwargs)


class SparseCategoricalCrossentropy(_BuiltinLoss):
    """Cross-entropy from integer labels; `sparse_categorical_crossentropy` as a `Loss`.

    With ``ignore_class``, positions holding that label are left out of the average.
    kc writes ``axis`` in the config (Keras 3 leaves it out, so its round trip loses it).

    Example:
        >>> kc.losses.SparseCategoricalCrossentropy()([1], [[0.5, 0.5]])
        array(0.6931472, dtype=float32)
    """

    _integer_labels = True
    _config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy,
                         **_wrapper_args(locals(), self._config_keys))
        vars(self).update(self._fn_kwargs)


class KLDivergence(_BuiltinLoss):
    """Kullback-Leibler divergence; `kl_divergence` as a `Loss`.

    Example:
        >>> kc.losses.KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]])
        array(0., dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(_BuiltinLoss):
    """Poisson loss; `poisson` as a `Loss`.

    Example:
        >>> kc.losses.Poisson()([[1.0]], [[1.0]])
        array(0.9999999, dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class CategoricalGeneralizedCrossEntropy(_BuiltinLoss):
    """Generalized cross-entropy, robust to noisy labels; its function form as a `Loss`.

    Args:
        q: in ``(0, 1)`` (exclusive); ValueError otherwise.

    Example:
        >>> kc.losses.CategoricalGeneralizedCrossEntropy(q=0.5)([1], [[0.75, 0.25]])
        array(1., dtype=float32)
    """

    _integer_labels = True
    _config_keys = ("q",)

    def __init__(self, q=0.5, reduction="sum_over_batch_size",
                 name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError(
                f"CategoricalGeneralizedCrossEntropy: `q` must be in the open interval (0, 1), "
                f"got q={q!r}."
            )
        super().__init__(categorical_generalized_cross_entropy,
                         **_wrapper_args(locals(), self._config_keys))
        vars(self).update(self._fn_kwargs)

