"""Backend-independent pieces of the neural-network ops: lifting float formulas into ops, CTC arguments."""

from __future__ import annotations

from typing import Callable


def float_activation(fn: Callable, float_in: Callable, half_dtypes: tuple, cast: Callable, float32) -> Callable:
    """``fn`` (a float formula) as an op with kc's activation dtype rule.

    The input goes through ``float_in`` (ints and bools become floatx); half floats
    (``half_dtypes``) are computed in ``float32`` and cast back with ``cast(x, dtype)``.
    """

    def op(x, *args, **kwargs):
        x = float_in(x)
        if x.dtype in half_dtypes:
            return cast(fn(cast(x, float32), *args, **kwargs), x.dtype)
        return fn(x, *args, **kwargs)

    return named_after(op, fn)


def named_after(op: Callable, fn: Callable) -> Callable:
    """``op`` renamed after the formula ``fn`` it wraps (for error messages and tracebacks)."""
    op.__name__ = getattr(fn, "__name__", "op")
    return op


def ctc_blank_index(mask_index, num_classes: int) -> int:
    """The blank class of ``ctc_decode``: ``mask_index``, or the last class when it is None (as Keras).

    Raises:
        ValueError: when ``mask_index`` is not a class index in ``[0, num_classes)``.
    """
    if mask_index is None:
        return num_classes - 1
    if not 0 <= int(mask_index) < num_classes:
        raise ValueError(f"ctc_decode: mask_index must be None or a class index in [0, {num_classes}) "
                         f"(inputs have {num_classes} classes), got {mask_index!r}.")
    return int(mask_index)
