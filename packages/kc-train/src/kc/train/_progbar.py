"""`Progbar` (`kc.utils.Progbar`): a Keras-style text progress bar.

On a terminal (or a notebook) it redraws one line in place, at most every
`interval` seconds; elsewhere (a pipe, a log file, CI) it writes plain lines,
without escape codes: the finished line, and an in-progress line at most every
`_PLAIN_INTERVAL` seconds. kc differs from Keras 3 there: Keras redraws with
backspaces whenever the `posix` module is loaded, which fills log files.

Values are read lazily: a value displayed as-is (a "stateful" one) is kept as
given, a backend scalar included, and converted to a float only when a line is
drawn, so updating the bar every step does not wait for the device.
"""

from __future__ import annotations

import os
import sys
import time

_PLAIN_INTERVAL = 10.0
_BOLD, _GREEN, _WHITE, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"
_EMPTY = frozenset()


def _dynamic_display() -> bool:
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        if isatty is not None and isatty():
            return True
    except ValueError:  # a closed stream
        return False
    return "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def _to_python(value):
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _format_value(value) -> str:
    value = _to_python(value)
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"
    return str(value)


def _format_step_time(seconds: float, unit_name: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return f"{int(eta // 3600)}:{int(eta % 3600) // 60:02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


class Progbar:
    """A progress bar showing steps done, ETA, time per step and metric values.

    Args:
        target: total number of steps expected, or None if unknown.
        width: the bar's width in characters.
        verbose: 0 (silent), 1 (live bar), 2 (one line when finished).
        interval: minimum seconds between two redraws of the live bar.
        stateful_metrics: names of values displayed as given; all others are
            averaged over the steps. Give at most one of the two lists.
        stateless_metrics: names of values averaged over the steps; all others
            are displayed as given.
        unit_name: what a step is called on the display (`"step"`).

    Example:
        >>> bar = kc.utils.Progbar(100)
        >>> for i in range(100):
        ...     bar.update(i + 1, [("loss", 0.5)])
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Progbar: give only one of `stateful_metrics` (values displayed as given; all "
                "others averaged) or `stateless_metrics` (values averaged; all others "
                f"displayed as given), got both: {stateful_metrics!r} and {stateless_metrics!r}.")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
            self.stateless_metrics = None
        self._dynamic_display = _dynamic_display()
        self._seen_so_far = 0
        self._held = {}
        self._pending = {}
        self._values_order = []
        self._start = time.time()
        self._last_update = 0
        # The first in-progress line: at once on a terminal, after a while in plain lines.
        self._next_draw = 0 if self._dynamic_display else self._start + max(interval,
                                                                          _PLAIN_INTERVAL)
        self._time_at_epoch_start = self._start
        self._time_after_first_step = None
        self._prev_total_width = 0

    def _averaged(self, name: str) -> bool:
        if self.stateless_metrics is not None:
            return name in self.stateless_metrics
        return name not in self.stateful_metrics

    @property
    def _values(self) -> dict:
        """{name: [sum or value, count]}: displayed value = sum / count."""
        pending = self._pending
        if pending:
            self._pending = {}
            held = self._held
            for name, value in pending.items():
                if name not in held:
                    self._values_order.append(name)
                held[name] = [value, 1]
        return self._held

    @_values.setter
    def _values(self, value: dict) -> None:
        self._pending = {}
        self._held = value

    def update(self, current, values=None, finalize=None):
        """Move the bar to step `current` with new `(name, value)` pairs.

        Args:
            current: the index of the current step (1-based count of steps done).
            values: list of `(name, value)` tuples.
            finalize: whether this is the last update; by default, whether
                `current` reached `target`. Final values are displayed as given.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if values:
            if finalize or self.stateless_metrics == _EMPTY:
                # Displayed as given: keep the latest pairs, merged (and read) when drawn.
                self._pending.update(values)
            else:
                self._accumulate(current, values)
        self._seen_so_far = current
        if self.verbose == 1:
            now = time.time()
            if not finalize and now < self._next_draw:
                return
            self._write(self._live_line(current, now, finalize), finalize)
            self._last_update = now
            self._next_draw = now + (self.interval if self._dynamic_display
                                     else max(self.interval, _PLAIN_INTERVAL))
        elif self.verbose == 2 and finalize:
            now = time.time()
            self._write(self._summary_line(current, now), True)
            self._last_update = now

    def _accumulate(self, current, values) -> None:
        held = self._values
        for name, value in values:
            if name not in held:
                self._values_order.append(name)
            if not self._averaged(name):
                held[name] = [value, 1]
                continue
            # Steps this value stands for (at least one: an update may repeat a step).
            weight = max(current - self._seen_so_far, 1)
            value = _to_python(value)
            if name in held:
                acc = held[name]
                acc[0] = _to_python(acc[0]) + value * weight
                acc[1] += weight
            else:
                held[name] = [value * weight, weight]

    def add(self, n, values=None):
        """Advance the bar by `n` steps (see `update`)."""
        self.update(self._seen_so_far + n, values)

    # Drawing ------------------------------------------------------------------------------
    def _step_time(self, current, now) -> float:
        if not current:
            return 0.0
        if current == 1 and self._time_after_first_step is None:
            self._time_after_first_step = now
        if self._time_after_first_step is not None and current > 1:
            return (now - self._time_after_first_step) / (current - 1)
        return (now - self._start) / current

    def _values_text(self) -> str:
        parts = []
        held = self._values  # merges the pending pairs first
        for name in self._values_order:
            total, count = held[name]
            value = _to_python(total)
            if count > 1 and isinstance(value, (int, float)):
                value = value / count
            parts.append(f" - {name}: {_format_value(value)}")
        return "".join(parts)

    def _live_line(self, current, now, finalize) -> str:
        color = self._dynamic_display
        bold, reset = (_BOLD, _RESET) if color else ("", "")
        step_time = self._step_time(current, now)
        if self.target is not None:
            digits = len(str(self.target))
            head = f"{bold}{current:{digits}d}/{self.target}{reset} "
            done = min(int(self.width * current / self.target), self.width) if self.target else 0
            if color:
                bar = (f"{_GREEN}{'━' * done}{_RESET}" if done else "") + \
                      f"{_WHITE}{'━' * (self.width - done)}{_RESET}"
            else:
                bar = "━" * done + " " * (self.width - done)
            head += bar
        else:
            head = f"{current:7d}/Unknown"
        if self.target is not None and not finalize:
            clock = _format_eta(step_time * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        return (f"{head} {bold}{clock}{reset} {_format_step_time(step_time, self.unit_name)}"
                f"{self._values_text()}")

    def _summary_line(self, current, now) -> str:
        count = f"{current}/{self.target}" if self.target is not None else f"{current}/Unknown"
        step_time = self._step_time(current, now)
        return (f"{count} - {now - self._start:.0f}s - "
                f"{_format_step_time(step_time, self.unit_name)}{self._values_text()}")

    def _write(self, line: str, finalize: bool) -> None:
        out = sys.stdout
        if self._dynamic_display and self.verbose == 1:
            width = len(line)
            pad = " " * max(self._prev_total_width - width, 0)
            self._prev_total_width = width
            out.write(f"\r{line}{pad}" + ("\n" if finalize else ""))
        else:
            out.write(line + "\n")
        out.flush()
