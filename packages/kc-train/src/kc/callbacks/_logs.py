"""Turning a loop's logs (backend scalars, nested dicts) into Python values."""

from __future__ import annotations


def pythonify_logs(logs) -> dict:
    """A new dict of `logs` with nested dicts flattened, keys sorted, scalars as Python
    floats (as Keras); the loops' `to_python_logs`.

    Values that are not scalars (e.g. predict's `"outputs"`) are kept as they are.
    Converting a backend scalar waits for the device: call it once per epoch, or
    per batch only when a callback reads batch logs.
    """
    result = {}
    if not logs:
        return result
    for key in sorted(logs):
        value = logs[key]
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        if type(value) is not float:  # (NumPy float64 too)
            try:
                value = float(value)
            except (TypeError, ValueError):
                pass
        result[key] = value
    return result


def pythonify_logs_in_place(logs):
    """`pythonify_logs`, written back into `logs` itself (so its owner sees later edits)."""
    if logs is None:
        return {}
    if all(type(v) is float for v in logs.values()):
        return logs
    converted = pythonify_logs(logs)
    logs.clear()
    logs.update(converted)
    return logs
