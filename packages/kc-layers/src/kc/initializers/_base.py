"""The `Initializer` base class and the helpers its subclasses share.

An initializer is a callable ``(shape, dtype=None) -> tensor`` with a config:
``get_config()`` gives the constructor arguments, ``from_config`` rebuilds it.
"""

from __future__ import annotations

import math
import operator

from kc import config, dtypes


class Initializer:
    """Base class of kc initializers (as `keras.initializers.Initializer`).

    Subclasses implement ``__call__(shape, dtype=None)`` and, when their
    constructor takes arguments, ``get_config()`` returning those arguments.
    The default `from_config` calls the constructor with the config.

    Example:
        >>> class Fives(kc.initializers.Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return kc.ops.full(shape, 5.0, dtype=dtype)
        >>> Fives()((2, 2)).shape
        (2, 2)
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(
            f"{type(self).__name__}: Initializer subclasses must implement `__call__(shape, dtype=None)`."
        )

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-friendly dict (empty here)."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        """Rebuild an initializer from the dict `get_config` returned."""
        return cls(**config)

    def clone(self) -> "Initializer":
        """A new initializer of the same class and config.

        An unseeded random initializer's clone draws its own seed, so its
        values differ from the original's (as in Keras 3).
        """
        return self.__class__.from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def standardize_shape(shape, where: str) -> tuple:
    """``shape`` (a tuple/list of ints) as a tuple of Python ints; ValueError otherwise."""
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"{where}: shape must be a tuple of ints, got {shape!r}.") from None
    out = []
    for d in dims:
        try:
            d = operator.index(d)
        except TypeError:
            raise ValueError(
                f"{where}: every dimension of shape must be a known int, got shape={dims!r}."
            ) from None
        if d < 0:
            raise ValueError(f"{where}: dimensions must be >= 0, got shape={dims!r}.")
        out.append(d)
    return tuple(out)


def standardize_float_dtype(dtype, where: str) -> str:
    """``dtype`` (default floatx) as a kc dtype name; ValueError unless it is a float dtype."""
    dtype = dtypes.standardize_dtype(dtype or config.floatx())
    if not dtypes.is_float_dtype(dtype):
        raise ValueError(
            f"{where}: dtype must be a float dtype (random values are floats), got {dtype!r}. "
            f"Create float values and cast them, or use Zeros/Ones/Constant for other dtypes."
        )
    return dtype


def compute_fans(shape: tuple, input_axes=None, output_axes=None) -> tuple[float, float]:
    """(fan_in, fan_out) of a weight of ``shape``.

    With both ``input_axes`` and ``output_axes`` given, the fans are the
    products of those axes' sizes. Otherwise: a scalar has fans (1, 1), a
    vector (n, n), a matrix (rows, cols), and a kernel of rank k > 2 (spatial
    dims..., in_channels, out_channels) has fans ``in_channels * receptive``
    and ``out_channels * receptive``, where ``receptive`` is the product of
    the spatial dims.
    """
    if input_axes is not None and output_axes is not None:
        return (_axes_size(shape, input_axes, "input_axes"),
                _axes_size(shape, output_axes, "output_axes"))
    if len(shape) == 0:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    receptive = math.prod(shape[:-2])
    return float(shape[-2] * receptive), float(shape[-1] * receptive)


def _axes_size(shape: tuple, axes, name: str) -> float:
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    for a in axes:
        if not -len(shape) <= a < len(shape):
            raise ValueError(
                f"VarianceScaling: {name}={axes!r} has axis {a} out of range for a weight of shape {shape}."
            )
    return float(math.prod(shape[a] for a in axes))
