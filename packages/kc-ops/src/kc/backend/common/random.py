"""Helpers shared by the backends' random modules: seeds, argument checks."""

from __future__ import annotations

from kc import config, dtypes


def draw_seed(seed):
    """See `kc.random._seed_generator.draw_seed` (imported late: kc.random imports the backends)."""
    from kc.random._seed_generator import draw_seed as draw

    return draw(seed)


def float_dtype(dtype, op: str) -> str:
    """``dtype`` (default floatx) as a name; ValueError unless it is a float dtype."""
    dtype = dtypes.standardize_dtype(dtype or config.floatx())
    if not dtypes.is_float_dtype(dtype):
        raise ValueError(f"kc.random.{op}: dtype must be a float dtype, got {dtype!r}.")
    return dtype


def real_dtype(dtype, op: str) -> str:
    """``dtype`` (default floatx) as a name; ValueError unless it is a float or integer dtype."""
    dtype = dtypes.standardize_dtype(dtype or config.floatx())
    if not (dtypes.is_float_dtype(dtype) or dtypes.is_int_dtype(dtype)):
        raise ValueError(f"kc.random.{op}: dtype must be a float or integer dtype, got {dtype!r}.")
    return dtype


def int_dtype(dtype, op: str) -> str:
    """``dtype`` as a name; ValueError unless it is an integer dtype."""
    dtype = dtypes.standardize_dtype(dtype)
    if not dtypes.is_int_dtype(dtype):
        raise ValueError(f"kc.random.{op}: dtype must be an integer dtype, got {dtype!r}.")
    return dtype


def shape_tuple(shape, op: str) -> tuple:
    """A shape argument as a tuple of ints."""
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(int(d) for d in shape)
    except TypeError:
        raise ValueError(f"kc.random.{op}: shape must be a tuple of ints, got {shape!r}.") from None
    if any(d < 0 for d in shape):
        raise ValueError(f"kc.random.{op}: shape must have non-negative sizes, got {shape!r}.")
    return shape


def check_rate(rate) -> None:
    """Dropout rate in [0, 1] (tensors are not checked)."""
    if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
        raise ValueError(f"kc.random.dropout: rate must be in [0, 1], got {rate!r}.")


def noise_shape_of(noise_shape, shape: tuple) -> tuple:
    """Fill a dropout ``noise_shape`` (None, or with None entries) from the input shape."""
    if noise_shape is None:
        return tuple(shape)
    noise_shape = tuple(noise_shape)
    if len(noise_shape) != len(shape):
        raise ValueError(
            f"kc.random.dropout: noise_shape {noise_shape} must have the rank of the inputs, "
            f"whose shape is {tuple(shape)}."
        )
    return tuple(s if n is None else n for n, s in zip(noise_shape, shape))


def check_logits(logits_shape, op: str = "categorical") -> None:
    if len(logits_shape) != 2:
        raise ValueError(
            f"kc.random.{op}: logits must be 2-D (batch_size, num_classes), got shape "
            f"{tuple(logits_shape)}."
        )


def check_axis(axis, ndim: int, op: str = "shuffle") -> int:
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise TypeError(f"kc.random.{op}: axis must be an int, got {axis!r}.")
    if not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"kc.random.{op}: axis {axis} is out of range for a tensor of rank {ndim}.")
    return axis % ndim if ndim else 0
