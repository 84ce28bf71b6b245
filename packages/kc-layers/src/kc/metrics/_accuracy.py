"""The accuracy metrics: exact match, binary, categorical, sparse categorical and top-k.

Each function returns per-sample (or per-element) 0/1 values in floatx; each class is the
running (weighted) mean of its function.
"""

from __future__ import annotations

from kc import backend, dtypes, ops
from kc import config as kc_config
from kc.metrics import _fast
from kc.losses._base import broadcast_compatible, squeeze_or_expand_to_same_rank
from kc.metrics._reduction import _Wrapper


def _check(y_true, y_pred, where: str) -> None:
    t, p = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if not broadcast_compatible(t, p):
        raise ValueError(
            f"{where}: `y_true` and `y_pred` must have the same shape (or broadcast together), "
            f"got y_true.shape={t} and y_pred.shape={p}."
        )


def _tensor(x):
    """``x`` as a tensor (no op when it is one)."""
    return x if backend.is_tensor(x) else ops.convert_to_tensor(x)


def _as_float(x):
    return ops.cast(x, kc_config.floatx())


def accuracy(y_true, y_pred):
    """1.0 where ``y_pred`` equals ``y_true``, else 0.0 (elementwise)."""
    y_pred = _tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=dtypes.standardize_dtype(y_pred.dtype))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _check(y_true, y_pred, "accuracy")
    return _as_float(ops.equal(y_true, y_pred))


def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    """1.0 where ``y_pred > threshold`` matches the 0/1 label ``y_true`` (elementwise).

    Example:
        >>> kc.metrics.binary_accuracy([[1.0], [0.0]], [[0.7], [0.6]])
        array([[1.], [0.]], dtype=float32)
    """
    y_pred = _tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=dtypes.standardize_dtype(y_pred.dtype))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _check(y_true, y_pred, "binary_accuracy")
    y_pred = ops.cast(ops.greater(y_pred, ops.cast(threshold, y_pred.dtype)), y_true.dtype)
    return _as_float(ops.equal(y_true, y_pred))


def _squeeze_labels(y_true, y_pred):
    """Class-id labels of shape ``y_pred.shape[:-1]`` (a trailing label axis of 1 dropped)."""
    if ops.ndim(y_true) == ops.ndim(y_pred) and ops.ndim(y_true) > 0:
        if tuple(ops.shape(y_true))[-1] == 1:
            y_true = ops.squeeze(y_true, axis=-1)
    return y_true


def _check_labels(y_true, y_pred, where: str) -> None:
    t, p = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if len(t) != len(p) - 1 or not broadcast_compatible(t, p[:-1]):
        raise ValueError(
            f"{where}: `y_true` must hold class ids of shape y_pred.shape[:-1] (optionally "
            f"with a trailing axis of 1), got y_true.shape={t} and y_pred.shape={p}."
        )


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_pred, -1)`` equals the class id ``y_true``.

    Example:
        >>> kc.metrics.sparse_categorical_accuracy([1, 0], [[0.1, 0.9], [0.2, 0.8]])
        array([1., 0.], dtype=float32)
    """
    y_pred = _tensor(y_pred)
    y_true = _squeeze_labels(_tensor(y_true), y_pred)
    _check_labels(y_true, y_pred, "sparse_categorical_accuracy")
    if _fast.sparse_accuracy is not None:
        values = _fast.sparse_accuracy(y_true, y_pred, kc_config.floatx())
        if values is not None:
            return values
    predicted = ops.argmax(y_pred, axis=-1)
    if dtypes.is_float_dtype(dtypes.standardize_dtype(y_true.dtype)):
        predicted = ops.cast(predicted, y_true.dtype)
    else:
        y_true = ops.cast(y_true, predicted.dtype)
    return _as_float(ops.equal(y_true, predicted))


def categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_pred, -1)`` equals ``argmax(y_true, -1)`` (one-hot labels).

    Example:
        >>> kc.metrics.categorical_accuracy([[0, 1], [1, 0]], [[0.1, 0.9], [0.2, 0.8]])
        array([1., 0.], dtype=float32)
    """
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    _check(y_true, y_pred, "categorical_accuracy")
    return _as_float(ops.equal(ops.argmax(y_true, axis=-1), ops.argmax(y_pred, axis=-1)))


def _in_top_k(labels, y_pred, k: int):
    y_pred = _tensor(y_pred)
    shape = tuple(ops.shape(y_pred))
    if len(shape) > 2:  # in_top_k takes (batch, classes): flatten the leading axes
        flat = ops.in_top_k(ops.reshape(ops.cast(labels, "int32"), (-1,)),
                            ops.reshape(y_pred, (-1, shape[-1])), k)
        return ops.reshape(flat, shape[:-1])
    return ops.in_top_k(ops.cast(labels, "int32"), y_pred, k)


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """1.0 where the true class (``argmax(y_true)``) is among the ``k`` largest ``y_pred``."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    _check(y_true, y_pred, "top_k_categorical_accuracy")
    return _as_float(_in_top_k(ops.argmax(y_true, axis=-1), y_pred, k))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5, from_sorted_ids: bool = False):
    """1.0 where the class id ``y_true`` is among the ``k`` largest ``y_pred``.

    Args:
        y_true: class ids.
        y_pred: scores of shape ``(..., classes)``, or with ``from_sorted_ids=True`` class ids
            sorted by decreasing score, of shape ``(..., n >= k)``.
        k: how many top predictions count.
        from_sorted_ids: whether ``y_pred`` holds sorted class ids instead of scores.
    """
    y_pred = _tensor(y_pred)
    y_true = _squeeze_labels(_tensor(y_true), y_pred)
    _check_labels(y_true, y_pred, "sparse_top_k_categorical_accuracy")
    if from_sorted_ids:
        top = y_pred[..., :k]
        labels = ops.cast(ops.expand_dims(y_true, -1), top.dtype)
        return _as_float(ops.any(ops.equal(labels, top), axis=-1))
    return _as_float(_in_top_k(y_true, y_pred, k))


class Accuracy(_Wrapper):
    """How often ``y_pred`` equals ``y_true`` (elementwise), as a running weighted mean.

    Example:
        >>> kc.metrics.Accuracy()([[1], [2], [3]], [[1], [2], [4]])
        array(0.6666667, dtype=float32)
    """

    _direction = "up"

    _metric_fn = staticmethod(accuracy)

    def __init__(self, name: str = "accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class BinaryAccuracy(_Wrapper):
    """How often ``y_pred > threshold`` matches the binary labels.

    Args:
        name: default "binary_accuracy".
        dtype: the state and result dtype.
        threshold: the decision threshold on ``y_pred``.

    Example:
        >>> kc.metrics.BinaryAccuracy()([[1], [0]], [[0.9], [0.6]])
        array(0.5, dtype=float32)
    """

    _direction = "up"

    _metric_fn = staticmethod(binary_accuracy)
    _config_keys = ("threshold",)

    def __init__(self, name: str = "binary_accuracy", dtype=None, threshold: float = 0.5):
        super().__init__(name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(_Wrapper):
    """How often the argmax of ``y_pred`` matches the argmax of one-hot ``y_true``.

    Example:
        >>> kc.metrics.CategoricalAccuracy()([[0, 1], [1, 0]], [[0.1, 0.9], [0.2, 0.8]])
        array(0.5, dtype=float32)
    """

    _direction = "up"

    _metric_fn = staticmethod(categorical_accuracy)

    def __init__(self, name: str = "categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SparseCategoricalAccuracy(_Wrapper):
    """How often the argmax of ``y_pred`` matches the class ids ``y_true``.

    Example:
        >>> kc.metrics.SparseCategoricalAccuracy()([1, 0], [[0.1, 0.9], [0.2, 0.8]])
        array(0.5, dtype=float32)
    """

    _direction = "up"

    _metric_fn = staticmethod(sparse_categorical_accuracy)

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class TopKCategoricalAccuracy(_Wrapper):
    """How often the one-hot target is among the ``k`` largest predictions.

    Example:
        >>> kc.metrics.TopKCategoricalAccuracy(k=1)([[0, 1], [1, 0]], [[0.1, 0.9], [0.2, 0.8]])
        array(0.5, dtype=float32)
    """

    _direction = "up"

    _metric_fn = staticmethod(top_k_categorical_accuracy)
    _config_keys = ("k",)

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(_Wrapper):
    """How often the class id is among the ``k`` largest predictions.

    Args:
        k: how many top predictions count.
        name: default "sparse_top_k_categorical_accuracy".
        dtype: the state and result dtype.
        from_sorted_ids: ``y_pred`` holds class ids sorted by decreasing score.

    Example:
        >>> kc.metrics.SparseTopKCategoricalAccuracy(k=1)([1, 0], [[0.1, 0.9], [0.2, 0.8]])
        array(0.5, dtype=float32)
    """

    _direction = "up"

    _metric_fn = staticmethod(sparse_top_k_categorical_accuracy)

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids: bool = False):
        super().__init__(name=name, dtype=dtype, k=k, from_sorted_ids=from_sorted_ids)

    def get_config(self) -> dict:
        config = super().get_config()
        config["k"] = self._fn_kwargs["k"]
        if self._fn_kwargs["from_sorted_ids"]:
            config["from_sorted_ids"] = True
        return config
