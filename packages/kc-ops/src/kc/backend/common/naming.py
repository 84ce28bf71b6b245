"""Unique names for layers, operations and tensors ("dense", "dense_1", ...)."""

from __future__ import annotations

import collections
import re
import threading

_uids: collections.defaultdict = collections.defaultdict(int)
_lock = threading.Lock()


def get_uid(prefix: str = "") -> int:
    """Return 1, 2, 3, ... for successive calls with the same prefix.

    Example:
        >>> get_uid("dense"), get_uid("dense")
        (1, 2)
    """
    with _lock:
        _uids[prefix] += 1
        return _uids[prefix]


def auto_name(prefix: str) -> str:
    """``prefix`` the first time, then ``prefix_1``, ``prefix_2``, ..."""
    n = get_uid(prefix)
    return prefix if n == 1 else f"{prefix}_{n - 1}"


def to_snake_case(name: str) -> str:
    """"MaxPooling2D" -> "max_pooling2d"."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def reset_uids() -> None:
    """Forget all issued names (part of `clear_session`)."""
    with _lock:
        _uids.clear()
