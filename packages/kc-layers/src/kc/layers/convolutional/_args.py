"""Argument checks shared by the convolution, pooling and reshaping layers.

Each helper names the layer and the argument in its error, as the house style asks.
"""

from __future__ import annotations

from kc import config


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def positive_int(value, name: str, where: str, allow_none: bool = False):
    """``value`` when it is a positive int (or None where allowed), else a ValueError."""
    if not (value is None and allow_none) and (not _is_int(value) or value <= 0):
        raise ValueError(f"{where}: `{name}` must be a positive int, got {name}={value!r}.")
    return value


def constructor_args(args: dict, *drop: str) -> dict:
    """A constructor's arguments (its ``locals()``) as keyword arguments for its base class:
    without ``self``, ``__class__`` and the names in ``drop``, with ``**kwargs`` merged in."""
    args = {k: v for k, v in args.items() if k not in ("self", "__class__", *drop)}
    return {**args.pop("kwargs"), **args}


def int_tuple(value, n: int, name: str, where: str, allow_zero: bool = False) -> tuple:
    """An int, or ``n`` ints, as a tuple of ``n`` positive (or non-negative) ints."""
    values = (value,) * n if _is_int(value) else value
    try:
        values = tuple(values)
    except TypeError:
        values = None
    low = 0 if allow_zero else 1
    if values is None or len(values) != n or not all(_is_int(v) and v >= low for v in values):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{where}: `{name}` must be a {kind} int or a tuple of {n} {kind} ints, "
                         f"got {name}={value!r}.")
    return values


def window_args(rank: int, kernel_size, strides, dilation_rate, where: str) -> tuple:
    """``(kernel_size, strides, dilation_rate)`` as tuples of ``rank`` positive ints; strides > 1
    cannot be combined with dilation_rate > 1."""
    kernel_size = int_tuple(kernel_size, rank, "kernel_size", where)
    strides = int_tuple(strides, rank, "strides", where)
    dilation_rate = int_tuple(dilation_rate, rank, "dilation_rate", where)
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise ValueError(f"{where}: strides > 1 cannot be combined with dilation_rate > 1, got "
                         f"strides={strides} and dilation_rate={dilation_rate}.")
    return kernel_size, strides, dilation_rate


def pair_tuple(value, n: int, name: str, where: str) -> tuple:
    """``n`` (before, after) pairs of non-negative ints from an int, ``n`` ints, or ``n`` pairs."""
    if _is_int(value):
        value = (value,) * n
    try:
        items = tuple(value)
    except TypeError:
        items = ()
    if len(items) == n:
        pairs = []
        for item in items:
            pair = (item, item) if _is_int(item) else tuple(item) if isinstance(item, (list, tuple)) else ()
            if len(pair) != 2 or not all(_is_int(p) and p >= 0 for p in pair):
                break
            pairs.append(pair)
        else:
            return tuple(pairs)
    raise ValueError(f"{where}: `{name}` must be a non-negative int, a tuple of {n} ints or a tuple "
                     f"of {n} (before, after) pairs, got {name}={value!r}.")


def padding_mode(value, where: str, allow_causal: bool = False) -> str:
    """"valid" or "same" (and "causal" where allowed), lower-cased."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    mode = value.lower() if isinstance(value, str) else value
    if mode not in allowed:
        raise ValueError(f"{where}: `padding` must be one of {allowed}, got padding={value!r}.")
    return mode


def data_format(value, where: str) -> str:
    """"channels_last" or "channels_first"; None gives `kc.config.image_data_format()`."""
    if value is None:
        return config.image_data_format()
    mode = value.lower() if isinstance(value, str) else value
    if mode not in ("channels_last", "channels_first"):
        raise ValueError(f"{where}: `data_format` must be 'channels_last' or 'channels_first', "
                         f"got data_format={value!r}.")
    return mode


def channel_axis(fmt: str) -> int:
    return -1 if fmt == "channels_last" else 1


def spatial_axes(rank: int, fmt: str) -> tuple:
    """Axes of the ``rank`` spatial dimensions of a batched tensor."""
    return tuple(range(1, rank + 1)) if fmt == "channels_last" else tuple(range(2, rank + 2))


def layer_where(layer) -> str:
    return f"{type(layer).__name__} '{layer.name}'"
