"""Per-thread state of nested layer calls: the `training` flag and pending losses.

An outer layer's ``training`` value reaches the layers it calls unless they
are given one explicitly (Keras's propagation rule). Losses added during a
call are cleared at the start of the next outermost call.
"""

from __future__ import annotations

import threading


class _State(threading.local):
    def __init__(self):
        self.stack: list = []  # training values of the active layer calls, outermost first
        self.losses_pending = False  # some layer holds losses from an earlier call


state = _State()


def current_training():
    """The ``training`` value of the innermost active call, or None."""
    stack = state.stack
    return stack[-1] if stack else None


def in_call() -> bool:
    return bool(state.stack)
