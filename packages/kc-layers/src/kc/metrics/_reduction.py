"""`Mean`, `Sum` and `MeanMetricWrapper`, and the sample-weight rule they share.

Sample weights follow Keras 3: values and weights are brought to the same rank when their
ranks differ by one and the longer ends in an axis of size 1; values are then averaged
(`Mean`) or summed (`Sum`) over the axes the weights lack, multiplied by the weights
(broadcast), and reduced to one value per sample. `Mean` divides the weighted total by the
sum of the weights (by the number of samples without weights).
"""

from __future__ import annotations

from typing import Callable

from kc import backend, dtypes, ops
from kc.losses._base import squeeze_or_expand_to_same_rank
from kc.metrics import _fast
from kc.metrics._base import Metric


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype: str):
    """``(per-sample values times weights, per-sample weights or None)``.

    Args:
        values: the values of one batch.
        sample_weight: optional weights, broadcast against ``values``.
        reduce_fn: ``ops.mean`` or ``ops.sum``: how values are reduced over the axes the
            weights lack and over the non-batch axes.
        dtype: the computation dtype.
    """
    mask = backend.get_keras_mask(values)
    values = ops.cast(ops.convert_to_tensor(values), dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        if mask is not None:
            sample_weight = sample_weight * ops.cast(mask, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_ndim, v_ndim = ops.ndim(sample_weight), ops.ndim(values)
        if v_ndim > w_ndim:
            values = reduce_fn(values, axis=tuple(range(w_ndim, v_ndim)))
        sample_weight = ops.broadcast_to(sample_weight, ops.shape(values))
        values = values * sample_weight
        if w_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, w_ndim)))
    v_ndim = ops.ndim(values)
    if v_ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, v_ndim)))
    return values, sample_weight


def _unweighted_samples(values, reduce_fn, dtype: str):
    """``(per-sample values, number of samples)`` of unweighted values, in as few ops as
    `reduce_to_samplewise_values` allows; None when they need its general path (not a
    tensor, a mask, a dynamic batch size)."""
    if not backend.is_tensor(values) or backend.get_keras_mask(values) is not None:
        return None
    shape = tuple(values.shape)
    ndim = len(shape)
    count = shape[0] if ndim else 1
    if not isinstance(count, int):
        return None
    if dtypes.standardize_dtype(values.dtype) != dtype:
        values = ops.cast(values, dtype)
    if ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, ndim)))
    return values, count


def _add_samples(total, values, count=None, count_variable=None) -> None:
    """``total += sum(values)`` (and ``count_variable += count``); in place on torch, where
    ``assign_add`` would make a new tensor and copy it back."""
    tensors = None
    if _fast.state_tensors is not None:
        tensors = _fast.state_tensors(total) if count_variable is None else \
            _fast.state_tensors(total, count_variable)
    if tensors is None:
        total.assign_add(ops.sum(values))
        if count_variable is not None:
            count_variable.assign_add(count)  # a Python int: no tensor made for it
        return
    tensors[0].add_(values.detach().sum())
    if count_variable is not None:
        tensors[1].add_(count)


class Sum(Metric):
    """The (weighted) sum of the values seen.

    Args:
        name: default "sum".
        dtype: the state and result dtype.

    Example:
        >>> m = kc.metrics.Sum()
        >>> m.update_state([1.0, 3.0, 5.0])
        >>> m.result()
        array(9., dtype=float32)
    """

    def __init__(self, name: str = "sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values, sample_weight=None) -> None:
        plain = None if sample_weight is not None else _unweighted_samples(
            values, ops.sum, self.dtype)
        if plain is not None:
            _add_samples(self.total, plain[0])
            return
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign_add(ops.sum(values))

    def result(self):
        return ops.copy(self.total.value)  # a tensor, never the variable itself


class Mean(Metric):
    """The (weighted) mean of the values seen.

    Args:
        name: default "mean".
        dtype: the state and result dtype.

    Example:
        >>> m = kc.metrics.Mean()
        >>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
        >>> m.result()
        array(2., dtype=float32)
    """

    def __init__(self, name: str = "mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values, sample_weight=None) -> None:
        plain = None if sample_weight is not None else _unweighted_samples(
            values, ops.mean, self.dtype)
        if plain is not None:  # the count is the batch size
            _add_samples(self.total, plain[0], plain[1], self.count)
            return
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, ops.mean, self.dtype)
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            count = ops.sum(sample_weight)
        elif ops.ndim(values) >= 1:
            count = ops.shape(values)[0]
        else:
            count = 1
        self.count.assign_add(ops.cast(count, self.dtype))

    def result(self):
        total, count = self.total.value, self.count.value
        if _fast.divide_no_nan is not None:
            value = _fast.divide_no_nan(total, count)
            if value is not None:
                return value
        return ops.divide_no_nan(total, count)


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over the samples seen.

    Args:
        fn: a function of ``(y_true, y_pred)`` returning per-sample (or per-element) values.
        name: the metric's name (default "mean_metric_wrapper", made unique).
        dtype: the state and result dtype.
        **kwargs: keyword arguments passed to ``fn`` (saved in the config).

    Example:
        >>> m = kc.metrics.MeanMetricWrapper(kc.metrics.binary_accuracy, threshold=0.3)
        >>> m([[1.0], [0.0]], [[0.4], [0.4]])
        array(0.5, dtype=float32)
    """

    def __init__(self, fn: Callable, name: str | None = None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        if not callable(fn):
            raise TypeError(
                f"{type(self).__name__} '{self.name}': `fn` must be callable, got {fn!r}."
            )
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        mask = backend.get_keras_mask(y_pred)
        try:
            values = self._fn(y_true, y_pred, **self._fn_kwargs)
        except ValueError as e:
            raise ValueError(f"{type(self).__name__} '{self.name}': {e}") from e
        if mask is not None:
            mask = ops.cast(mask, self.dtype)
            values = ops.cast(values, self.dtype)
            mask, values = squeeze_or_expand_to_same_rank(mask, values)
            sample_weight = mask if sample_weight is None else (
                ops.cast(ops.convert_to_tensor(sample_weight), self.dtype) * mask)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        from kc.serialization import serialize_keras_object

        config = super().get_config()
        config["fn"] = serialize_keras_object(self._fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if "fn" in config:
            from kc.serialization import deserialize_keras_object

            from kc.metrics._lookup import FUNCTIONS

            config["fn"] = deserialize_keras_object(config["fn"], module_objects=FUNCTIONS)
        return cls(**config)


class _Wrapper(MeanMetricWrapper):
    """A built-in `MeanMetricWrapper`: its ``fn`` is fixed; its config lists its arguments."""

    _metric_fn: Callable  # each subclass sets ``_metric_fn = staticmethod(function)``
    _config_keys: tuple = ()

    def __init__(self, name: str, dtype=None, **kwargs):
        super().__init__(type(self)._metric_fn, name=name, dtype=dtype, **kwargs)

    def get_config(self) -> dict:
        config = Metric.get_config(self)
        config.update({k: self._fn_kwargs[k] for k in self._config_keys})
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)
