"""Weight regularizers: `Regularizer`, `L1`, `L2`, `L1L2`, `OrthogonalRegularizer`.

A regularizer is a callable ``weights -> scalar penalty`` with a config:
``get_config()`` gives the constructor arguments, ``from_config`` rebuilds it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from kc import config, dtypes, ops


class Regularizer:
    """Base class of kc regularizers (as `keras.regularizers.Regularizer`).

    Subclasses implement ``__call__(x)`` returning a scalar penalty, and
    ``get_config()`` returning their constructor arguments. The base penalty is 0.

    Example:
        >>> class SumSquares(kc.regularizers.Regularizer):
        ...     def __init__(self, factor=0.1):
        ...         self.factor = factor
        ...     def __call__(self, x):
        ...         return self.factor * kc.ops.sum(kc.ops.square(x))
        ...     def get_config(self):
        ...         return {"factor": self.factor}
    """

    def __call__(self, x):
        return 0.0

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-friendly dict; subclasses must override it."""
        raise NotImplementedError(
            f"{type(self).__name__}: Regularizer subclasses must implement `get_config()` "
            "(returning their constructor arguments) to be serialized."
        )

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        """Rebuild a regularizer from the dict `get_config` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


def _factor(value, name: str, where: str, default: float | None = None) -> float:
    """``value`` (None gives ``default`` when there is one) as a non-negative finite float."""
    if value is None and default is not None:
        value = default
    if not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise ValueError(
            f"{where}: argument `{name}` must be a non-negative finite number, got {value!r}."
        )
    return float(value)


def _as_float32(value: float) -> float:
    # Keras keeps `L1.l1` and `OrthogonalRegularizer.factor` as float32 values, so their
    # configs read e.g. 0.009999999776482582 for 0.01; kc writes the same configs.
    return float(np.float32(value))


class L1(Regularizer):
    """L1 penalty, ``l1 * sum(|x|)``.

    Args:
        l1: the factor (a non-negative number; None means 0.01).

    Example:
        >>> kc.regularizers.L1(0.5)([1.0, -2.0])
        array(1.5, dtype=float32)
    """

    def __init__(self, l1: float = 0.01):
        self.l1 = _as_float32(_factor(l1, "l1", "L1", 0.01))

    def __call__(self, x):
        return ops.multiply(self.l1, ops.sum(ops.absolute(x)))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """L2 penalty, ``l2 * sum(x ** 2)``.

    Args:
        l2: the factor (a non-negative number; None means 0.01).

    Example:
        >>> kc.regularizers.L2(0.5)([1.0, -2.0])
        array(2.5, dtype=float32)
    """

    def __init__(self, l2: float = 0.01):
        self.l2 = _factor(l2, "l2", "L2", 0.01)

    def __call__(self, x):
        return ops.multiply(self.l2, ops.sum(ops.square(x)))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class L1L2(Regularizer):
    """L1 plus L2 penalty, ``l1 * sum(|x|) + l2 * sum(x ** 2)``.

    Args:
        l1: the L1 factor (a non-negative number; None means 0).
        l2: the L2 factor (a non-negative number; None means 0).

    Example:
        >>> kc.regularizers.L1L2(l1=0.5, l2=0.5)([1.0, -2.0])
        array(4., dtype=float32)
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _factor(l1, "l1", "L1L2", 0.0)
        self.l2 = _factor(l2, "l2", "L1L2", 0.0)

    def __call__(self, x):
        total = ops.zeros((), dtype=_float_dtype(x))
        if self.l1:
            total = ops.add(total, ops.multiply(self.l1, ops.sum(ops.absolute(x))))
        if self.l2:
            total = ops.add(total, ops.multiply(self.l2, ops.sum(ops.square(x))))
        return total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


def _float_dtype(x) -> str:
    dtype = getattr(x, "dtype", None)
    dtype = dtypes.standardize_dtype(dtype) if dtype is not None else config.floatx()
    return dtype if dtypes.is_float_dtype(dtype) else config.floatx()


class OrthogonalRegularizer(Regularizer):
    """Penalty pushing the rows (or columns) of a 2-D weight towards orthogonality.

    The rows (columns with ``mode="columns"``) are L2-normalized; the penalty is
    ``factor`` times the mean absolute cosine similarity between distinct rows:
    ``factor * sum(|offdiag(R R^T)|) / (n (n - 1))`` for ``n`` rows. As in Keras,
    a weight with a single row (column) gives NaN.

    Args:
        factor: the factor (a non-negative number).
        mode: ``"rows"`` or ``"columns"``.

    Example:
        >>> kc.regularizers.OrthogonalRegularizer(factor=1.0)([[1.0, 0.0], [1.0, 1.0]])
        array(0.7071068, dtype=float32)
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = _as_float32(_factor(factor, "factor", "OrthogonalRegularizer"))
        if mode not in ("rows", "columns"):
            raise ValueError(
                f'OrthogonalRegularizer: argument `mode` must be "rows" or "columns", got {mode!r}.'
            )
        self.mode = mode

    def __call__(self, x):
        shape = tuple(x.shape) if hasattr(x, "shape") else np.shape(x)
        if len(shape) != 2:
            raise ValueError(
                f"OrthogonalRegularizer: the weight must have rank 2, got shape {shape}."
            )
        if self.mode == "columns":
            x = ops.transpose(x)
        units = ops.normalize(x, axis=1)
        similarity = ops.absolute(ops.matmul(units, ops.transpose(units)))
        n = ops.shape(similarity)[0]
        off_diagonal = ops.subtract(ops.sum(similarity), ops.trace(similarity))
        return ops.multiply(self.factor, ops.divide(off_diagonal, n * (n - 1)))

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


# Keras's lowercase aliases are the classes themselves.
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer
