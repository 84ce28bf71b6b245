"""`R2Score`: the coefficient of determination over the batches seen."""

from __future__ import annotations

from kc import ops
from kc.losses._base import squeeze_or_expand_to_same_rank
from kc.metrics._base import Metric
from kc.metrics._confusion import _error

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """``1 - SS_res / SS_tot`` per output column, aggregated.

    Args:
        class_aggregation: "uniform_average" (mean of the column scores),
            "variance_weighted_average" (weighted by each column's variance) or None (one
            score per column).
        num_regressors: the number of independent variables, for the adjusted R2
            ``1 - (1 - R2) (n - 1) / (n - p - 1)`` (``n``: the number of values seen, as in
            Keras). When ``n - p - 1 <= 0`` the unadjusted score is returned (Keras also
            warns).
        name: default "r2_score".
        dtype: the state and result dtype.

    Example:
        >>> kc.metrics.R2Score()([[1.0], [2.0], [3.0]], [[1.0], [2.0], [4.0]])
        array(0.5, dtype=float32)
    """

    _direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors: int = 0,
                 name: str = "r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise _error(self, f"invalid `class_aggregation` {class_aggregation!r}; expected "
                               f"one of {list(_AGGREGATIONS)}.")
        if not isinstance(num_regressors, int) or num_regressors < 0:
            raise _error(self, f"`num_regressors` must be an int >= 0, got {num_regressors!r}.")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), "zeros", name="num_samples")
        self._built = False

    def _build(self, num_outputs: int) -> None:
        shape = (num_outputs,)
        self.squared_sum = self.add_variable(shape, "zeros", name="squared_sum")
        self.sum = self.add_variable(shape, "zeros", name="sum")
        self.total_mse = self.add_variable(shape, "zeros", name="residual")
        self.count = self.add_variable(shape, "zeros", name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if ops.ndim(y_true) == 1:
            y_true, y_pred = ops.expand_dims(y_true, 1), ops.expand_dims(y_pred, 1)
        t, p = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
        if len(t) != 2 or t != p:
            raise _error(self, "expects `y_true` and `y_pred` of one shape (samples,) or "
                               f"(samples, outputs), got y_true.shape={t} and y_pred.shape={p}.")
        if not self._built:
            self._build(int(t[-1]))
        elif t[-1] != tuple(self.sum.shape)[0]:
            raise _error(self, f"expected {self.sum.shape[0]} outputs (from the first batch), "
                               f"got y_true.shape={t}.")
        weight = ops.cast(ops.convert_to_tensor(1.0 if sample_weight is None else sample_weight),
                          self.dtype)
        if ops.ndim(weight) == 1:
            weight = ops.expand_dims(weight, 1)
        weight = ops.broadcast_to(weight, t)
        weighted = y_true * weight
        self.sum.assign_add(ops.sum(weighted, axis=0))
        self.squared_sum.assign_add(ops.sum(y_true * weighted, axis=0))
        self.total_mse.assign_add(ops.sum(ops.square(y_true - y_pred) * weight, axis=0))
        self.count.assign_add(ops.sum(weight, axis=0))
        self.num_samples.assign_add(ops.cast(ops.size(y_true), self.dtype))

    def result(self):
        if not self._built:
            return ops.zeros((), dtype=self.dtype)
        mean = ops.divide(self.sum.value, self.count.value)
        total = self.squared_sum.value - self.sum.value * mean
        raw = 1.0 - ops.divide(self.total_mse.value, total)
        raw = ops.where(ops.isinf(raw), ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            r2 = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            r2 = ops.divide(ops.sum(total * raw), ops.sum(total))
        else:
            r2 = raw
        if self.num_regressors:
            n = self.num_samples.value
            dof = n - float(self.num_regressors) - 1.0
            adjusted = 1.0 - (1.0 - r2) * ops.divide_no_nan(n - 1.0, dof)
            r2 = ops.where(dof > 0, adjusted, r2)
        return r2

    def reset_state(self) -> None:
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def get_config(self) -> dict:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
