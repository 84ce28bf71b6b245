"""Helpers shared by the fit/evaluate/predict loops and the ``*_on_batch`` methods."""

from __future__ import annotations

import numpy as np

from kc import tree
from kc.callbacks._logs import pythonify_logs as to_python_logs  # noqa: F401  (loops' name)


def require_compiled(model, where: str) -> None:
    """Raise a clear error when ``model`` has not been compiled."""
    if not getattr(model, "compiled", False):
        raise ValueError(
            f"Model '{model.name}': you must call `compile()` before `{where}()` "
            f"(expected a compiled model with an optimizer and a loss; got an uncompiled one)."
        )


def require_trainable_backend(trainer, where: str) -> None:
    """Raise `NotImplementedError` where the backend cannot train (numpy)."""
    if not getattr(trainer, "can_train", True):
        from kc import config

        raise NotImplementedError(
            f"{where}: the {config.backend()} backend cannot train (it has no gradients); use "
            "jax, torch or tensorflow (set KC_BACKEND)."
        )


def resolve_verbose(verbose, where: str) -> int:
    """``"auto"`` -> 1 (as Keras 3); an int stays; anything else is refused."""
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or not isinstance(verbose, (int, np.integer)) or verbose < 0:
        raise ValueError(f"{where}: `verbose` must be 'auto', 0, 1 or 2, got {verbose!r}.")
    return int(verbose)


def check_validation_freq(validation_freq) -> None:
    """`validation_freq` must be a positive int or a list/tuple of epoch numbers (1-based)."""
    if isinstance(validation_freq, (int, np.integer)) and not isinstance(validation_freq, bool):
        if validation_freq < 1:
            raise ValueError("fit: `validation_freq` must be a positive integer or a list of "
                             f"epoch numbers, got validation_freq={validation_freq!r}.")
        return
    if isinstance(validation_freq, (list, tuple)):
        return
    raise ValueError("fit: expected `validation_freq` to be a list or int. Received: "
                     f"validation_freq={validation_freq!r} of the type "
                     f"{type(validation_freq).__name__}.")


def should_validate(epoch: int, validation_freq) -> bool:
    """Whether epoch ``epoch`` (0-based) is followed by validation."""
    if isinstance(validation_freq, (list, tuple)):
        return epoch + 1 in validation_freq
    return (epoch + 1) % validation_freq == 0


def metrics_result_or_logs(model, logs):
    """The model's metric results when the step's logs carry the same names, else the logs.

    A custom `train_step` may return logs of its own: they are then used as they
    are (Keras 3's rule).
    """
    metric_logs = model.get_metrics_result()
    if isinstance(logs, dict) and set(logs) == set(metric_logs):
        return metric_logs
    return logs if logs is not None else {}


def flatten_metrics_in_order(model, logs: dict):
    """Logs as a list ordered as `model.metrics` (then the other names sorted); one value
    alone is returned bare (Keras 3's `evaluate`/`*_on_batch` return)."""
    names = []
    compiled = getattr(model, "_compile_metrics", None)
    for metric in model.metrics:
        if compiled is not None and metric is compiled:
            names.extend(m.name for m in getattr(metric, "metrics", ()))
        else:
            names.append(metric.name)
    results = [logs[name] for name in names if name in logs]
    seen = set(names)
    results.extend(logs[key] for key in sorted(logs) if key not in seen)
    if len(results) == 1:
        return results[0]
    return results


def is_array_data(x) -> bool:
    """Whether every leaf of ``x`` is an array the array adapter can slice (or None)."""
    from kc.data._sources import is_array_like

    leaves = tree.flatten(x)
    return bool(leaves) and all(leaf is None or is_array_like(leaf) for leaf in leaves)


def describe(x) -> str:
    """A short description of a data source for error messages."""
    if isinstance(x, (list, tuple, dict)):
        kinds = sorted({type(leaf).__name__ for leaf in tree.flatten(x)})
        return f"a {type(x).__name__} of {', '.join(kinds)}"
    return f"a {type(x).__module__}.{type(x).__name__}"


def num_samples(x):
    """The first dimension of the first array leaf of ``x``, or None."""
    for leaf in tree.flatten(x):
        shape = getattr(leaf, "shape", None)
        if shape is not None and len(shape):
            return int(shape[0])
    return None


def concat_outputs(outputs: list):
    """Per-batch output structures -> one structure of NumPy arrays (kc.tree, axis 0)."""
    from kc.backend import convert_to_numpy

    if len(outputs) == 1:
        return tree.map_structure(convert_to_numpy, outputs[0])

    def concat(*parts):
        return np.concatenate([convert_to_numpy(p) for p in parts], axis=0)

    return tree.map_structure(concat, *outputs)


def concat_group(outputs: list):
    """A group's per-batch outputs as one structure of backend tensors (axis 0)."""
    if len(outputs) == 1:
        return outputs[0]
    from kc import ops

    return tree.map_structure(lambda *parts: ops.concatenate(list(parts), axis=0), *outputs)
