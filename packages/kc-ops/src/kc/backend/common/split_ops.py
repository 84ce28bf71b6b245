"""The split variants every backend builds the same way from its own ``_split``."""

from __future__ import annotations

from typing import Callable


def _shapes():
    """Shape helpers of kc.ops._manipulation (imported late: it imports the backends)."""
    from kc.ops import _manipulation

    return _manipulation


def split_variants(convert_to_tensor: Callable, split_impl: Callable) -> dict[str, Callable]:
    """Return ``split``, ``array_split``, ``hsplit``, ``vsplit`` and ``dsplit`` by name.

    Args:
        convert_to_tensor: The backend's ``convert_to_tensor``.
        split_impl: ``split_impl(x, indices_or_sections, axis, op, even=True)``, the
            backend's split along one axis (validates the axis, returns a list).

    Returns:
        The five public split functions, keyed by name.
    """

    def split(x, indices_or_sections, axis=0):
        return split_impl(x, indices_or_sections, axis, "split")

    def array_split(x, indices_or_sections, axis=0):
        return split_impl(x, indices_or_sections, axis, "array_split", even=False)

    def hsplit(x, indices_or_sections):
        x = convert_to_tensor(x)
        return split_impl(x, indices_or_sections, _shapes().hsplit_axis(x.ndim), "hsplit")

    def vsplit(x, indices_or_sections):
        x = convert_to_tensor(x)
        _shapes().check_min_rank(x.ndim, 2, "vsplit")
        return split_impl(x, indices_or_sections, 0, "vsplit")

    def dsplit(x, indices_or_sections):
        x = convert_to_tensor(x)
        _shapes().check_min_rank(x.ndim, 3, "dsplit")
        return split_impl(x, indices_or_sections, 2, "dsplit")

    return {f.__name__: f for f in (split, array_split, hsplit, vsplit, dsplit)}
