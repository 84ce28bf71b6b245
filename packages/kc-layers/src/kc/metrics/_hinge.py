"""Hinge metrics (running means of kc.losses' hinge functions)."""

from __future__ import annotations

from kc.losses import categorical_hinge as categorical_hinge
from kc.losses import hinge as hinge
from kc.losses import squared_hinge as squared_hinge
from kc.metrics._reduction import _Wrapper


class Hinge(_Wrapper):
    """The mean of ``max(1 - y_true * y_pred, 0)`` (labels in {-1, 1}; 0/1 are converted).

    Example:
        >>> kc.metrics.Hinge()([[1.0]], [[0.5]])
        array(0.5, dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(hinge)

    def __init__(self, name: str = "hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SquaredHinge(_Wrapper):
    """The mean of ``max(1 - y_true * y_pred, 0) ** 2``.

    Example:
        >>> kc.metrics.SquaredHinge()([[1.0]], [[0.5]])
        array(0.25, dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(squared_hinge)

    def __init__(self, name: str = "squared_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class CategoricalHinge(_Wrapper):
    """The mean of ``max(neg - pos + 1, 0)`` for one-hot labels.

    Example:
        >>> kc.metrics.CategoricalHinge()([[0.0, 1.0]], [[0.0, 1.0]])
        array(0., dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(categorical_hinge)

    def __init__(self, name: str = "categorical_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)
