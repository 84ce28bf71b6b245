"""`Loss`, `LossFunctionWrapper`, and the reduction, weighting and masking rules they share.

A loss call runs in four steps, as in Keras 3:

1. ``y_true`` and ``y_pred`` are converted to tensors of the loss's dtype (integer class
   labels are kept as integers for the losses that take class labels);
2. ``call`` computes per-sample (or per-element) values;
3. masks are applied: the mask carried by ``y_pred`` (`kc.backend.get_keras_mask`, the
   ``_keras_mask`` Keras attaches to layer outputs) and the mask the values carry themselves
   (e.g. `SparseCategoricalCrossentropy` with ``ignore_class``); masked values count as 0 and
   are left out of the averages;
4. ``sample_weight`` multiplies the values and the result is reduced.

Masks travel on every backend: torch and TensorFlow tensors carry ``_keras_mask`` as an
attribute (as in Keras); NumPy and JAX arrays, which take no attributes, carry it through
kc's side table (`kc.backend.set_keras_mask`). Keras itself supports masks only where the
tensor type accepts the attribute.

Reductions (Keras 3 semantics):

- ``"sum"``: the sum of the weighted values;
- ``"sum_over_batch_size"`` and ``"mean"``: the sum divided by the number of values (unmasked
  values, when there is a mask);
- ``"mean_with_sample_weight"``: the sum divided by the sum of the weights (the sample weights
  times the mask, broadcast to the values);
- ``"none"`` or None: the weighted values, unreduced.

Sample weights broadcast against the values by NumPy's rules; a weight whose shape is a
prefix of the values' shape (``(batch,)`` against ``(batch, time)``) is expanded on its
trailing axes first (Keras 3 raises an error for that case), and a trailing axis of size 1
that the values lack is squeezed.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from kc import backend, ops, tree
from kc import config as kc_config
from kc import dtypes
from kc.backend.common.naming import auto_name, to_snake_case

REDUCTIONS = ("sum", "sum_over_batch_size", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction: Any, where: str = "Loss") -> str | None:
    """Check ``reduction`` against the Keras reductions; return it unchanged.

    Example:
        >>> standardize_reduction("sum")
        'sum'
    """
    if not isinstance(reduction, (str, type(None))) or reduction not in REDUCTIONS:
        raise ValueError(
            f"{where}: invalid value for argument `reduction`; expected one of "
            f"{list(REDUCTIONS)}, got reduction={reduction!r}."
        )
    return reduction


def _static_shape(x) -> tuple:
    return tuple(ops.shape(x))


def _known(dim) -> bool:
    return isinstance(dim, int)


def broadcast_compatible(a: tuple, b: tuple) -> bool:
    """Whether static shapes ``a`` and ``b`` broadcast (unknown dimensions always do)."""
    for x, y in zip(reversed(a), reversed(b)):
        if _known(x) and _known(y) and x != y and x != 1 and y != 1:
            return False
    return True


def squeeze_or_expand_to_same_rank(x1, x2):
    """Bring two tensors whose ranks differ by one to the same rank (Keras's rule).

    Only when the higher-rank tensor ends in an axis of size 1: a rank-1 partner gets a
    trailing axis (``(b,)`` with ``(b, 1)`` stays per-sample), otherwise that axis is
    squeezed. Other pairs are returned unchanged (and must broadcast).

    Example:
        >>> a, b = squeeze_or_expand_to_same_rank(kc.ops.ones((2,)), kc.ops.ones((2, 1)))
        >>> kc.ops.shape(a), kc.ops.shape(b)
        ((2, 1), (2, 1))
    """
    r1, r2 = ops.ndim(x1), ops.ndim(x2)
    if r1 == r2 + 1 and _static_shape(x1)[-1] == 1:
        if r2 == 1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    elif r2 == r1 + 1 and _static_shape(x2)[-1] == 1:
        if r1 == 1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def check_shapes(y_true, y_pred, where: str) -> None:
    """Raise ValueError when ``y_true`` and ``y_pred`` cannot broadcast together."""
    t, p = _static_shape(y_true), _static_shape(y_pred)
    if not broadcast_compatible(t, p):
        raise ValueError(
            f"{where}: `y_true` and `y_pred` must have the same shape (or broadcast together), "
            f"got y_true.shape={t} and y_pred.shape={p}."
        )


def _float_dtype_of(x) -> str:
    dt = dtypes.standardize_dtype(x.dtype)
    return dt if dtypes.is_float_dtype(dt) else kc_config.floatx()


def prepare(y_true, y_pred, where: str, squeeze: bool = True):
    """Tensors for a function-form loss: float ``y_pred``; ``y_true`` in its dtype; same rank.

    Raises ValueError (naming ``where``) when the shapes cannot broadcast.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_pred = ops.cast(y_pred, _float_dtype_of(y_pred))
    y_true = ops.convert_to_tensor(y_true, dtype=dtypes.standardize_dtype(y_pred.dtype))
    if squeeze:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_shapes(y_true, y_pred, where)
    return y_true, y_pred


def prepare_labels(y_true, y_pred):
    """Integer-or-float ``y_true`` (kept as is) and float ``y_pred`` for class-label losses."""
    if not backend.is_tensor(y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
    dtype = dtypes.standardize_dtype(y_pred.dtype)
    if not dtypes.is_float_dtype(dtype):
        y_pred = ops.cast(y_pred, kc_config.floatx())
    return (y_true if backend.is_tensor(y_true) else ops.convert_to_tensor(y_true)), y_pred


def _match_weight_rank(weight, values):
    """Weight and values brought to broadcastable ranks (see the module docstring)."""
    w_shape, v_shape = _static_shape(weight), _static_shape(values)
    if len(w_shape) == len(v_shape) + 1 and w_shape[-1] == 1:
        return ops.squeeze(weight, axis=-1)
    if len(w_shape) < len(v_shape) and not broadcast_compatible(w_shape, v_shape):
        prefix = v_shape[:len(w_shape)]
        if broadcast_compatible(w_shape, prefix):
            for _ in range(len(v_shape) - len(w_shape)):
                weight = ops.expand_dims(weight, -1)
    return weight


def apply_mask(sample_weight, mask, dtype: str):
    """``sample_weight`` times the float mask (either may be None)."""
    if mask is None:
        return sample_weight
    mask = ops.cast(mask, dtype)
    return mask if sample_weight is None else sample_weight * mask


def reduce_values(values, reduction: str | None = "sum_over_batch_size"):
    """Reduce unweighted ``values`` with ``reduction``.

    Example:
        >>> reduce_values(kc.ops.array([1.0, 3.0]), "sum")
        array(4., dtype=float32)
    """
    return reduce_weighted_values(values, reduction=reduction)


# Reductions to a scalar whose value without weights or mask is the sum, or the sum over the
# number of values.
_SCALAR_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight")


def _static_size(x) -> int | None:
    """The number of elements of ``x`` when every dimension is known, else None."""
    n = 1
    for d in x.shape:
        if not isinstance(d, int):
            return None
        n *= d
    return n


def _plain_reduce(values, reduction: str, dtype: str | None):
    """The reduction of unweighted, unmasked ``values`` in two ops (sum, divide), or None when
    the general path is needed (not a tensor of the loss dtype, a dynamic or empty shape).

    The same numbers as the general path: ``sum / n`` is what ``divide_no_nan`` gives for a
    count ``n > 0``.
    """
    if not backend.is_tensor(values):
        return None
    have = dtypes.standardize_dtype(values.dtype)
    if have != (dtype or have) or have not in ("float32", "float64"):
        return None  # (a float16 count is rounded by the general path: keep its numbers)
    if reduction == "sum":
        return ops.sum(values)
    n = _static_size(values)
    if not n:
        return None
    total = ops.sum(values) / n  # a Python-number divisor: no tensor made for the count
    return total if backend.is_tensor(total) else ops.convert_to_tensor(total)  # NumPy scalar


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction: str | None = "sum_over_batch_size", dtype: str | None = None):
    """Weight ``values`` by ``sample_weight`` and ``mask``, then reduce them.

    Args:
        values: the loss values (per sample or per element).
        sample_weight: optional weights, broadcast against ``values``.
        mask: optional boolean or 0/1 mask, broadcast against ``values``.
        reduction: one of `REDUCTIONS`.
        dtype: the computation dtype (default: ``values``' float dtype).

    Returns:
        The reduced tensor (a scalar unless the reduction is "none"/None).
    """
    if sample_weight is None and mask is None and reduction in _SCALAR_REDUCTIONS:
        total = _plain_reduce(values, reduction, dtype)
        if total is not None:
            return total
    reduction = standardize_reduction(reduction, "reduce_weighted_values")
    values = ops.convert_to_tensor(values)
    dtype = dtype or _float_dtype_of(values)
    values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = _match_weight_rank(ops.convert_to_tensor(sample_weight, dtype=dtype), values)
    if mask is not None:
        mask = _match_weight_rank(ops.cast(mask, dtype), values)
    weight = apply_mask(sample_weight, mask, dtype)
    if weight is not None:
        values = values * weight
    if reduction in ("none", None):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weight is not None:
        denom = ops.sum(ops.broadcast_to(weight, ops.shape(values)))
    elif mask is not None:
        denom = ops.sum(ops.broadcast_to(mask, ops.shape(values)))
    else:
        denom = ops.cast(ops.size(values), dtype)
    return ops.divide_no_nan(total, ops.cast(denom, dtype))


def _loss_dtype(dtype) -> str:
    if dtype is None:
        return kc_config.floatx()
    compute = getattr(dtype, "compute_dtype", None)  # a DTypePolicy
    if compute is not None:
        return dtypes.standardize_dtype(compute)
    return dtypes.standardize_dtype(dtype)


def _is_nested_numbers(x) -> bool:
    """A (nested) list/tuple of Python or NumPy scalars: one tensor, not a structure."""
    if isinstance(x, (list, tuple)):
        return all(_is_nested_numbers(v) for v in x)
    return isinstance(x, (int, float, bool, np.number))


def _is_structure(x) -> bool:
    return isinstance(x, dict) or (isinstance(x, (list, tuple)) and not _is_nested_numbers(x))


def _leaves(x) -> list:
    return tree.flatten(x) if _is_structure(x) else [x]


def _map_leaves(fn, x):
    return tree.map_structure(fn, x) if _is_structure(x) else fn(x)


class Loss:
    """Base class of losses: ``__call__`` converts, masks, weights and reduces what ``call`` computes.

    Subclasses implement ``call(y_true, y_pred)``, returning per-sample (or per-element)
    values.

    Args:
        name: the loss name (default: the class name in snake case, made unique).
        reduction: "sum_over_batch_size" (default), "sum", "mean",
            "mean_with_sample_weight", "none" or None (see `kc.losses._base`).
        dtype: the dtype of the computation and result (default `kc.config.floatx()`);
            a `DTypePolicy` gives its compute dtype.

    Example:
        >>> class L1(kc.losses.Loss):
        ...     def call(self, y_true, y_pred):
        ...         return kc.ops.mean(kc.ops.abs(y_true - y_pred), axis=-1)
        >>> L1()([[0.0, 1.0]], [[1.0, 1.0]])
        array(0.5, dtype=float32)
    """

    # Class-label losses keep integer ``y_true`` instead of casting it to the loss dtype.
    _integer_labels = False

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size",
                 dtype=None):
        self.name = name if name is not None else auto_name(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction, type(self).__name__)
        self._dtype_policy = dtype
        self._dtype = _loss_dtype(dtype)

    @property
    def dtype(self) -> str:
        """The dtype of the computation and the result."""
        return self._dtype

    def _convert(self, x, is_label: bool):
        if not backend.is_tensor(x):
            x = ops.convert_to_tensor(x)
        have = dtypes.standardize_dtype(x.dtype)
        if have == self._dtype or (is_label and self._integer_labels
                                   and not dtypes.is_float_dtype(have)):
            return x  # already right: no cast op
        return ops.cast(x, self._dtype)

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduced loss of ``y_pred`` against ``y_true``, weighted by ``sample_weight``."""
        in_masks = [m for m in (backend.get_keras_mask(x) for x in _leaves(y_pred))
                    if m is not None]
        with backend.name_scope(self.name):
            y_pred = _map_leaves(lambda x: self._convert(x, False), y_pred)
            y_true = _map_leaves(lambda x: self._convert(x, True), y_true)
            values = self.call(y_true, y_pred)
            out_mask = backend.get_keras_mask(values)
            mask = None
            if in_masks:
                mask = ops.cast(in_masks[0], self._dtype)
            if out_mask is not None:
                out_mask = ops.cast(out_mask, self._dtype)
                mask = out_mask if mask is None else mask * out_mask
            return reduce_weighted_values(values, sample_weight=sample_weight, mask=mask,
                                          reduction=self.reduction, dtype=self._dtype)

    def call(self, y_true, y_pred):
        """Per-sample loss values; subclasses implement it."""
        raise NotImplementedError(
            f"{type(self).__name__}: a Loss subclass must implement `call(y_true, y_pred)`."
        )

    def get_config(self) -> dict:
        """``{"name": ..., "reduction": ...}``, as Keras."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict):
        """A loss from its `get_config` dict."""
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A `Loss` made from a function ``fn(y_true, y_pred, **kwargs)`` of per-sample values.

    Args:
        fn: the loss function.
        reduction: see `Loss`.
        name: the loss name (default ``"loss_function_wrapper"``, made unique).
        dtype: see `Loss`.
        **kwargs: keyword arguments passed to ``fn`` on every call (saved in the config).

    Example:
        >>> loss = LossFunctionWrapper(kc.losses.huber, delta=2.0)
        >>> loss([[0.0]], [[3.0]])
        array(4., dtype=float32)
    """

    def __init__(self, fn: Callable, reduction: str | None = "sum_over_batch_size",
                 name: str | None = None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        from kc.serialization import serialize_keras_object

        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if "fn" in config:
            from kc.losses._lookup import deserialize

            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({self.fn!r}, kwargs={self._fn_kwargs})>"


class _BuiltinLoss(LossFunctionWrapper):
    """A built-in loss class: its config lists its own arguments instead of ``fn``."""

    _config_keys: tuple = ()  # the constructor arguments written by get_config

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({key: self._fn_kwargs[key] for key in self._config_keys})
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)
