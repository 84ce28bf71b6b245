"""Weight constraints: `Constraint`, `MaxNorm`, `MinMaxNorm`, `NonNeg`, `UnitNorm`.

A constraint is a callable ``weights -> projected weights`` applied after each
optimizer update, with a config: ``get_config()`` gives the constructor
arguments, ``from_config`` rebuilds it.
"""

from __future__ import annotations

from kc import config, ops


class Constraint:
    """Base class of kc constraints (as `keras.constraints.Constraint`); the identity.

    Subclasses implement ``__call__(w)`` returning the projected weights, and
    ``get_config()`` returning their constructor arguments.

    Example:
        >>> class Clip(kc.constraints.Constraint):
        ...     def __init__(self, limit=1.0):
        ...         self.limit = limit
        ...     def __call__(self, w):
        ...         return kc.ops.clip(w, -self.limit, self.limit)
        ...     def get_config(self):
        ...         return {"limit": self.limit}
    """

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-friendly dict (empty here)."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        """Rebuild a constraint from the dict `get_config` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _axes(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _norms(w, axis):
    """L2 norms of ``w`` over ``axis`` (an int, a list/tuple of ints, or None for all), kept dims."""
    return ops.sqrt(ops.sum(ops.square(w), axis=_axes(axis), keepdims=True))


def _rescale(w, norms, desired):
    return ops.multiply(w, ops.divide(desired, ops.add(config.epsilon(), norms)))


class MaxNorm(Constraint):
    """Rescales each slice of the weights whose L2 norm exceeds ``max_value`` down to it.

    The norm is taken over ``axis``: for a Dense kernel ``(input_dim, units)``
    ``axis=0`` constrains each unit's incoming weight vector; for a Conv2D kernel
    ``(rows, cols, in, out)`` use ``axis=[0, 1, 2]``.

    Args:
        max_value: the largest allowed norm.
        axis: the axis (an int or a list of ints) the norms are taken over.

    Example:
        >>> kc.constraints.MaxNorm(1.0)([[3.0], [4.0]])
        array([[0.6],
               [0.8]], dtype=float32)
    """

    def __init__(self, max_value: float = 2, axis: int | list = 0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return _rescale(w, norms, ops.clip(norms, 0, self.max_value))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the L2 norm of each slice of the weights into ``[min_value, max_value]``.

    Each slice is rescaled to the norm ``rate * clip(norm, min_value, max_value) +
    (1 - rate) * norm``: ``rate=1.0`` enforces the bounds strictly, smaller rates
    move part of the way.

    Args:
        min_value: the smallest allowed norm.
        max_value: the largest allowed norm.
        rate: how far to move towards the bounds, in ``[0, 1]``.
        axis: the axis (an int or a list of ints) the norms are taken over.

    Example:
        >>> kc.constraints.MinMaxNorm(min_value=10.0, max_value=20.0)([[3.0], [4.0]])
        array([[6.],
               [8.]], dtype=float32)
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis: int | list = 0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = ops.clip(norms, self.min_value, self.max_value)
        desired = ops.add(ops.multiply(self.rate, clipped), ops.multiply(1 - self.rate, norms))
        return _rescale(w, norms, desired)

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero (``max(w, 0)``; NaNs stay NaN).

    Example:
        >>> kc.constraints.NonNeg()([-1.0, 2.0])
        array([0., 2.], dtype=float32)
    """

    def __call__(self, w):
        return ops.relu(ops.convert_to_tensor(w))


class UnitNorm(Constraint):
    """Rescales each slice of the weights to L2 norm 1 (norms taken over ``axis``).

    Args:
        axis: the axis (an int, a list of ints, or None for the whole tensor).

    Example:
        >>> kc.constraints.UnitNorm()([[3.0], [4.0]])
        array([[0.6],
               [0.8]], dtype=float32)
    """

    def __init__(self, axis: int | list | None = 0):
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        return ops.divide(w, ops.add(config.epsilon(), _norms(w, self.axis)))

    def get_config(self) -> dict:
        return {"axis": self.axis}


# Keras's lowercase aliases are the classes themselves.
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
