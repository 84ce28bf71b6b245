"""`Metric`: state held in variables, updated batch by batch, read with `result`.

The stateful methods (`update_state`, `result`, `reset_state`) and their stateless twins
(`stateless_update_state`, `stateless_result`, `stateless_reset_state`) share one
implementation: the stateless ones run the stateful ones inside a `kc.backend.StatelessScope`
that maps the metric's variables to the given values, so nothing is written and the new
values are read back from the scope. This makes every metric usable inside ``jax.jit``.
"""

from __future__ import annotations

from typing import Any

from kc import backend, ops
from kc import config as kc_config
from kc import dtypes
from kc.backend import StatelessScope
from kc.backend.common.naming import auto_name, to_snake_case


def metric_dtype(dtype) -> tuple[Any, str]:
    """``(policy_or_name_for_config, compute_dtype)`` of a metric's ``dtype`` argument."""
    if dtype is None:
        dtype = kc_config.floatx()
    compute = getattr(dtype, "compute_dtype", None)  # a DTypePolicy
    if compute is not None:
        return dtype, dtypes.standardize_dtype(compute)
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        from kc import dtype_policies

        policy = dtype_policies.get(dtype)
        return policy, dtypes.standardize_dtype(policy.compute_dtype)
    return dtype, dtypes.standardize_dtype(dtype)


class Metric:
    """Base class of metrics: state in variables, ``update_state`` / ``result`` / ``reset_state``.

    Subclasses create their state with `add_variable` in ``__init__`` (or on the first
    update) and implement ``update_state(...)`` and ``result()``. ``reset_state`` sets
    every variable to zeros unless overridden. Metrics assigned as attributes of a metric
    are tracked: their variables join this metric's `variables`.

    Args:
        dtype: the dtype of the state and the result (default `kc.config.floatx()`); a
            `DTypePolicy` gives its compute dtype.
        name: the metric's name (default: the class name in snake case, made unique).

    Example:
        >>> class Count(kc.metrics.Metric):
        ...     def __init__(self, name="count"):
        ...         super().__init__(name=name)
        ...         self.n = self.add_variable((), "zeros", name="n")
        ...     def update_state(self, values):
        ...         self.n.assign_add(kc.ops.cast(kc.ops.size(values), self.dtype))
        ...     def result(self):
        ...         return self.n.value
        >>> Count()([1, 2, 3])
        array(3., dtype=float32)
    """

    _kc_tracked_as = "metric"  # layers track metrics assigned as attributes (layers/_tracking.py)
    _direction = None  # "up" or "down": which way is better (callbacks' mode="auto" read it)

    def __init__(self, dtype=None, name: str | None = None):
        object.__setattr__(self, "_kc_metric_variables", [])
        object.__setattr__(self, "_kc_sub_metrics", [])
        if name is None:
            name = auto_name(to_snake_case(type(self).__name__))
        if not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: `name` must be a str, got {name!r}.")
        self.name = name
        self._dtype_policy, self._dtype = metric_dtype(dtype)

    def __setattr__(self, key, value):
        if isinstance(value, Metric) and "_kc_sub_metrics" in self.__dict__:
            if not any(m is value for m in self._kc_sub_metrics):
                self._kc_sub_metrics.append(value)
        object.__setattr__(self, key, value)

    def _check_init(self) -> None:
        if "_kc_metric_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}: call `super().__init__()` in the metric's __init__ "
                "before creating variables or using it."
            )

    # State ------------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        """The dtype of the metric's state and result."""
        return self._dtype

    def add_variable(self, shape, initializer, dtype=None, aggregation: str = "sum",
                     name: str | None = None):
        """Create a non-trainable state variable tracked by this metric.

        Args:
            shape: the variable's shape.
            initializer: an initializer object or name (e.g. "zeros").
            dtype: default: the metric's dtype.
            aggregation: how distributed replicas combine it ("sum" by default).
            name: the variable's name.

        Example:
            >>> self.total = self.add_variable((), "zeros", name="total")
        """
        from kc import initializers

        self._check_init()
        dtype = dtypes.standardize_dtype(dtype or self._dtype)
        with backend.name_scope(self.name.replace("/", ">"), caller=self):
            variable = backend.Variable(
                initializers.get(initializer), shape=tuple(shape), dtype=dtype, trainable=False,
                aggregation=aggregation, name=name)
        self._kc_metric_variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name: str | None = None):
        """`add_variable` with Keras's older argument names; initializer default "zeros"."""
        return self.add_variable(shape, initializer or "zeros", dtype=dtype, name=name)

    @property
    def variables(self) -> list:
        """The metric's state variables, then those of the metrics it holds."""
        self._check_init()
        out = list(self._kc_metric_variables)
        for metric in self._kc_sub_metrics:
            out.extend(v for v in metric.variables if not any(v is o for o in out))
        return out

    @property
    def trainable_variables(self) -> list:
        return []

    @property
    def non_trainable_variables(self) -> list:
        return self.variables

    # The API subclasses implement -------------------------------------------------------
    def update_state(self, *args, **kwargs) -> None:
        """Accumulate statistics from a batch; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__}: a Metric must implement `update_state`.")

    def result(self):
        """The metric's value from its current state; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__}: a Metric must implement `result`.")

    def reset_state(self) -> None:
        """Set every state variable to zeros."""
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def __call__(self, *args, **kwargs):
        """Update the state with a batch and return the new result."""
        self._check_init()
        self.update_state(*args, **kwargs)
        return self.result()

    # Stateless API ---------------------------------------------------------------------
    def _mapping(self, metric_variables, where: str) -> list:
        variables = self.variables
        if len(metric_variables) != len(variables):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': {where} expects {len(variables)} "
                f"metric_variables (one per `metric.variables` entry: "
                f"{[v.path for v in variables]}), got {len(metric_variables)}."
            )
        return list(zip(variables, metric_variables))

    def stateless_update_state(self, metric_variables, *args, **kwargs) -> list:
        """The new values of ``metric.variables`` after `update_state(*args, **kwargs)`.

        Changes no state; works inside ``jax.jit``.

        Example:
            >>> m = kc.metrics.Mean()
            >>> values = m.stateless_update_state([v.value for v in m.variables], [1.0, 3.0])
            >>> m.stateless_result(values)
            array(2., dtype=float32)
        """
        mapping = self._mapping(metric_variables, "stateless_update_state")
        count = len(mapping)
        with StatelessScope(mapping) as scope:
            self.update_state(*args, **kwargs)
        if len(self.variables) != count:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the metric created variables during "
                "stateless_update_state; build it first by calling update_state once (or give "
                "the arguments that fix its state shape, e.g. num_labels)."
            )
        out = []
        for variable, old in zip(self.variables, metric_variables):
            value = scope.get_current_value(variable)
            out.append(old if value is None else value)
        return out

    def stateless_result(self, metric_variables):
        """`result()` computed from the given variable values."""
        with StatelessScope(self._mapping(metric_variables, "stateless_result")):
            return self.result()

    def stateless_reset_state(self) -> list:
        """The values of ``metric.variables`` after `reset_state()`, without changing state."""
        variables = self.variables
        with StatelessScope() as scope:
            self.reset_state()
        out = []
        for v in variables:
            value = scope.get_current_value(v)
            out.append(v.value if value is None else value)
        return out

    # Config -------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """``{"name": ..., "dtype": ...}`` (the compute dtype, also for a mixed policy), as Keras."""
        return {"name": self.name, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config: dict):
        """A metric from its `get_config` dict."""
        return cls(**config)

    def _obj_type(self) -> str:
        return "Metric"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"

    def __str__(self) -> str:
        return self.__repr__()


def check_same_shape(y_true, y_pred, metric: Metric) -> None:
    """Raise ValueError naming ``metric`` when ``y_true`` and ``y_pred`` cannot broadcast."""
    from kc.losses._base import broadcast_compatible

    t, p = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if not broadcast_compatible(t, p):
        raise ValueError(
            f"{type(metric).__name__} '{metric.name}': `y_true` and `y_pred` must have the same "
            f"shape (or broadcast together), got y_true.shape={t} and y_pred.shape={p}."
        )
