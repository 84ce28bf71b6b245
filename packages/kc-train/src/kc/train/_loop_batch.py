"""`train_on_batch`, `test_on_batch`, `predict_on_batch`: one step on one given batch.

As Keras 3: each call resets the metrics, so the returned values are those of
this batch alone; the values are Python floats (a list in `model.metrics`
order, a single float when there is one, or a dict with ``return_dict``).
"""

from __future__ import annotations

import numpy as np

from kc import config, tree
from kc.train._backends import get_trainer
from kc.train._loop_utils import (
    concat_outputs,
    flatten_metrics_in_order,
    metrics_result_or_logs,
    num_samples,
    require_compiled,
    require_trainable_backend,
    to_python_logs,
)

_CONVERTERS: dict = {}


def _to_backend(data):
    """Every array leaf of ``data`` as the active backend's tensor; NumPy floats cast to
    floatx (as the data adapters do for `fit`)."""
    backend = config.backend()
    converter = _CONVERTERS.get(backend)
    if converter is None:
        from kc.data._convert import Converter

        converter = _CONVERTERS[backend] = Converter()
    floatx = config.floatx()

    def convert(leaf):
        if leaf is None:
            return None
        if isinstance(leaf, (list, float, int, bool)):
            leaf = np.asarray(leaf)
        if isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f" and leaf.dtype.name != floatx:
            leaf = leaf.astype(floatx)
        return converter(leaf)

    return tree.map_structure(convert, data)


def _check_lengths(where: str, x, y, sample_weight) -> None:
    n = num_samples(x)
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        m = None if value is None else num_samples(value)
        if n is not None and m is not None and m != n:
            raise ValueError(
                f"{where}: `{name}` must hold as many samples as `x` ({n}); got {m} "
                f"(x has first dimension {n}, {name} has first dimension {m})."
            )


def _batch(where: str, x, y, sample_weight):
    _check_lengths(where, x, y, sample_weight)
    if y is None and sample_weight is None:
        return (_to_backend(x),)
    if sample_weight is None:
        return _to_backend((x, y))
    return _to_backend((x, y, sample_weight))


def _run_one(model, trainer, mode: str, function, data, return_dict: bool):
    """One call of ``function`` on ``[data]`` with fresh metrics; the logs as Keras returns
    them from ``*_on_batch`` (Python floats: a dict, or a list in `model.metrics` order)."""
    trainer.begin(mode)
    try:
        trainer.reset_metrics()
        logs = function([data])
        trainer.sync_variables()
        logs = to_python_logs(metrics_result_or_logs(model, logs))
        return logs if return_dict else flatten_metrics_in_order(model, logs)
    finally:
        trainer.end(mode)


def train_on_batch(model, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
    """One training step on the given batch (Keras 3's `Model.train_on_batch`).

    Args:
        model: the compiled `kc.Model`.
        x, y, sample_weight: one batch (arrays or structures of arrays).
        class_weight: ``{class_index: weight}`` turned into sample weights.
        return_dict: return ``{name: value}`` instead of a list.

    Returns:
        The batch's loss and metrics (float, list or dict), computed before the update.

    Example:
        >>> loss = model.train_on_batch(x, y)
    """
    require_compiled(model, "train_on_batch")
    trainer = get_trainer(model)
    require_trainable_backend(trainer, "train_on_batch")
    if class_weight is not None:
        if sample_weight is not None:
            raise ValueError(
                "train_on_batch: arguments `sample_weight` and `class_weight` cannot be given "
                f"at the same time; got sample_weight={sample_weight!r:.100} and "
                f"class_weight={class_weight!r:.100}.")
        from kc.data._convert import leaf_to_numpy
        from kc.data._packing import class_weight_to_sample_weights

        if y is None or len(tree.flatten(y)) != 1:
            raise ValueError("train_on_batch: `class_weight` needs a single-output `y` "
                             f"(one array); got y={y!r:.100}.")
        sample_weight = class_weight_to_sample_weights(leaf_to_numpy(tree.flatten(y)[0]),
                                                       class_weight)
    data = _batch("train_on_batch", x, y, sample_weight)
    return _run_one(model, trainer, "train", model.make_train_function(), data, return_dict)


def test_on_batch(model, x, y=None, sample_weight=None, return_dict=False):
    """Loss and metrics on the given batch, without training (Keras 3's `test_on_batch`).

    Example:
        >>> loss = model.test_on_batch(x, y)
    """
    require_compiled(model, "test_on_batch")
    trainer = get_trainer(model)
    data = _batch("test_on_batch", x, y, sample_weight)
    return _run_one(model, trainer, "test", model.make_test_function(), data, return_dict)


def predict_on_batch(model, x):
    """The model's outputs on the given batch, as NumPy (Keras 3's `predict_on_batch`).

    Example:
        >>> y = model.predict_on_batch(np.zeros((4, 3)))
    """
    trainer = get_trainer(model)
    data = (_to_backend(x),)
    predict_function = model.make_predict_function()
    trainer.begin("predict")
    try:
        outputs = predict_function([data])
    finally:
        trainer.end("predict")
    return concat_outputs(outputs)
