"""Intersection-over-union metrics from a running (weighted) confusion matrix.

``total_confusion_matrix[i, j]`` holds the weight of samples of true class ``i``
predicted as class ``j``. The IoU of class ``c`` is ``TP / (TP + FP + FN)``; a metric
averages it over its target classes that occurred (non-zero denominator). As in Keras, the
state dtype defaults to "int" (int64 on tensorflow, int32 elsewhere; sample weights are then
cast to integers); the result is a float.
"""

from __future__ import annotations

from kc import config as kc_config
from kc import dtypes, ops
from kc.metrics._base import Metric
from kc.metrics._confusion import _error


class _IoUBase(Metric):
    def __init__(self, num_classes: int, name: str | None = None, dtype=None, ignore_class=None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(name=name, dtype=dtype or dtypes.standardize_dtype("int"))
        if not isinstance(num_classes, int) or num_classes < 1:
            raise _error(self, f"`num_classes` must be a positive int, got {num_classes!r}.")
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable((num_classes, num_classes), "zeros",
                                          name="total_confusion_matrix")

    def _class_ids(self, y_true, y_pred):
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        return y_true, y_pred

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = self._class_ids(ops.convert_to_tensor(y_true),
                                         ops.convert_to_tensor(y_pred))
        y_true = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        y_pred = ops.reshape(ops.cast(y_pred, "int32"), (-1,))
        n_true, n_pred = tuple(ops.shape(y_true))[0], tuple(ops.shape(y_pred))[0]
        if isinstance(n_true, int) and isinstance(n_pred, int) and n_true != n_pred:
            raise _error(self, f"`y_true` and `y_pred` must hold the same number of class ids, "
                               f"got {n_true} and {n_pred}.")
        if sample_weight is None:
            weight = ops.ones_like(y_true, dtype=self.dtype)
        else:
            weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            weight = (ops.broadcast_to(weight, (n_true,)) if ops.ndim(weight) == 0
                      else ops.reshape(weight, (-1,)))
        if self.ignore_class is not None:
            keep = ops.not_equal(y_true, ops.cast(self.ignore_class, "int32"))
            weight = weight * ops.cast(keep, self.dtype)
        true_1h = ops.one_hot(y_true, self.num_classes, dtype=self.dtype)
        pred_1h = ops.one_hot(y_pred, self.num_classes, dtype=self.dtype)
        cm = ops.matmul(ops.transpose(true_1h * ops.expand_dims(weight, -1)), pred_1h)
        self.total_cm.assign_add(cm)

    def _ious(self, class_ids):
        float_dtype = self.dtype if dtypes.is_float_dtype(self.dtype) else kc_config.floatx()
        cm = ops.cast(ops.copy(self.total_cm.value), float_dtype)  # a tensor (tf: not the variable)
        predicted = ops.sum(cm, axis=0)
        actual = ops.sum(cm, axis=1)
        tp = ops.diagonal(cm)
        denominator = actual + predicted - tp
        ids = ops.array(list(class_ids), "int32")
        tp, denominator = ops.take(tp, ids), ops.take(denominator, ids)
        valid = ops.sum(ops.cast(ops.greater(denominator, 1e-9), float_dtype))
        return ops.divide_no_nan(ops.sum(ops.divide_no_nan(tp, denominator)), valid)

    def _base_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "num_classes": self.num_classes,
                "ignore_class": self.ignore_class}


class IoU(_IoUBase):
    """Mean intersection-over-union over ``target_class_ids``.

    Args:
        num_classes: the number of classes.
        target_class_ids: the class ids whose IoUs are averaged.
        name: default "io_u" (made unique).
        dtype: the confusion-matrix dtype (default "int": int64 on tensorflow, else int32).
        ignore_class: a class id of ``y_true`` left out (e.g. a void class).
        sparse_y_true: ``y_true`` holds class ids (else scores, argmax over ``axis``).
        sparse_y_pred: ``y_pred`` holds class ids (else scores, argmax over ``axis``).
        axis: the class axis of non-sparse inputs.

    Example:
        >>> kc.metrics.IoU(2, target_class_ids=[0])([0, 0, 1, 1], [0, 1, 0, 1])
        array(0.33333334, dtype=float32)
    """

    _direction = "up"

    def __init__(self, num_classes: int, target_class_ids, name: str | None = None, dtype=None,
                 ignore_class=None, sparse_y_true: bool = True, sparse_y_pred: bool = True,
                 axis: int = -1):
        super().__init__(num_classes, name, dtype, ignore_class, sparse_y_true, sparse_y_pred,
                         axis)
        ids = list(target_class_ids)
        if any(not 0 <= int(i) < num_classes for i in ids):
            raise _error(self, f"`target_class_ids` must be class ids in [0, {num_classes}), "
                               f"got {target_class_ids!r}.")
        self.target_class_ids = ids

    def result(self):
        return self._ious(self.target_class_ids)

    def get_config(self) -> dict:
        return {**self._base_config(), "target_class_ids": self.target_class_ids,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class MeanIoU(_IoUBase):
    """Intersection-over-union averaged over all classes that occur.

    Args: as `IoU`, without ``target_class_ids`` (default name "mean_io_u").

    Example:
        >>> kc.metrics.MeanIoU(2)([0, 0, 1, 1], [0, 1, 0, 1])
        array(0.33333334, dtype=float32)
    """

    _direction = "up"

    def result(self):
        return self._ious(range(self.num_classes))

    def get_config(self) -> dict:
        return {**self._base_config(), "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of binary predictions: ``y_pred >= threshold`` is class 1.

    Args:
        target_class_ids: which of (0, 1) to average over.
        threshold: the decision threshold on ``y_pred``.
        name: default "binary_io_u" (made unique).
        dtype: the confusion-matrix dtype (default "int": int64 on tensorflow, else int32).

    Example:
        >>> kc.metrics.BinaryIoU(target_class_ids=[1])([0, 1, 1], [0.2, 0.7, 0.4])
        array(0.5, dtype=float32)
    """

    _direction = "up"

    def __init__(self, target_class_ids=(0, 1), threshold: float = 0.5, name: str | None = None,
                 dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = ops.convert_to_tensor(y_pred)
        if not dtypes.is_float_dtype(y_pred.dtype):  # int scores: compare with 0.5, not int(0.5)
            y_pred = ops.cast(y_pred, kc_config.floatx())
        y_pred = ops.cast(ops.greater_equal(y_pred, ops.cast(self.threshold, y_pred.dtype)),
                          "int32")
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict:
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


class OneHotIoU(IoU):
    """`IoU` for one-hot ``y_true`` (and scores ``y_pred`` unless ``sparse_y_pred``).

    Example:
        >>> kc.metrics.OneHotIoU(2, target_class_ids=[0])([[1, 0], [0, 1]], [[0.9, 0.1], [0.8, 0.2]])
        array(0.5, dtype=float32)
    """

    _direction = "up"

    def __init__(self, num_classes: int, target_class_ids, name: str | None = None, dtype=None,
                 ignore_class=None, sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        return {**self._base_config(), "target_class_ids": self.target_class_ids,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """`MeanIoU` for one-hot ``y_true`` (and scores ``y_pred`` unless ``sparse_y_pred``).

    Example:
        >>> kc.metrics.OneHotMeanIoU(2)([[1, 0], [0, 1]], [[0.9, 0.1], [0.8, 0.2]])
        array(0.25, dtype=float32)
    """

    _direction = "up"

    def __init__(self, num_classes: int, name: str | None = None, dtype=None, ignore_class=None,
                 sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        return {**self._base_config(), "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
