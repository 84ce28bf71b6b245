"""Safe mode: whether deserialization may run code taken from a config."""

from __future__ import annotations

import threading

from kc import config

_STATE = threading.local()


class SafeModeScope:
    """Sets the safe mode for every deserialization inside a `with` block.

    An active scope overrides the `safe_mode` argument of nested
    `deserialize_keras_object` calls, so a `from_config` that deserializes its
    sub-objects inherits the caller's choice. `SafeModeScope(None)` leaves the
    current setting unchanged.

    Args:
        safe_mode: True (refuse code from configs), False (allow it), or None.

    Example:
        >>> with SafeModeScope(False):
        ...     fn = deserialize_keras_object(lambda_config)
    """

    def __init__(self, safe_mode: bool | None = True):
        if safe_mode is not None and not isinstance(safe_mode, bool):
            raise TypeError(f"SafeModeScope: `safe_mode` must be True, False or None, got {safe_mode!r}")
        self.safe_mode = safe_mode
        self._previous = []

    def __enter__(self) -> "SafeModeScope":
        self._previous.append(getattr(_STATE, "safe_mode", None))
        if self.safe_mode is not None:
            _STATE.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc) -> None:
        _STATE.safe_mode = self._previous.pop()


def in_safe_mode() -> bool | None:
    """The safe mode set by the innermost active `SafeModeScope` (or
    `enable_unsafe_deserialization`), or None when nothing set it."""
    value = getattr(_STATE, "safe_mode", None)
    if value is None and config.is_unsafe_deserialization_enabled():
        return False
    return value


def enable_unsafe_deserialization() -> None:
    """Allows, process-wide, deserialization that runs code from configs (lambdas).

    Same as passing `safe_mode=False` to every load; use it only for files you trust.
    This is Keras's `keras.config.enable_unsafe_deserialization`.

    Example:
        >>> enable_unsafe_deserialization()
    """
    config.enable_unsafe_deserialization()  # one flag, shared with kc.config
