"""Trainer of the NumPy backend: evaluation and prediction only.

NumPy has no automatic differentiation, so nothing can be trained: `fit`,
`train_on_batch`, `train_step` and `make_train_function` raise
`NotImplementedError` naming the backends that can. `evaluate`, `predict`,
`test_on_batch` and `predict_on_batch` run eagerly, one batch at a time.

Example:
    >>> model.compile(loss="mse")          # KC_BACKEND=numpy
    >>> model.evaluate(x, y)               # works
    >>> model.fit(x, y)                    # NotImplementedError
"""

from __future__ import annotations

from kc import tree
from kc.data import unpack_x_y_sample_weight

_TRAINING_BACKENDS = "jax, torch or tensorflow"


def cannot_train(where: str) -> NotImplementedError:
    """The error raised by every training entry point on the numpy backend."""
    return NotImplementedError(
        f"{where}: the numpy backend cannot train (it has no gradients); use "
        f"{_TRAINING_BACKENDS} (set KC_BACKEND)."
    )


def batch_size_of(x) -> int:
    """The leading dimension of the first array in ``x`` (any structure)."""
    for leaf in tree.flatten(x):
        shape = getattr(leaf, "shape", None)
        if shape:
            return shape[0]
    raise ValueError(f"numpy Trainer: cannot find a batch dimension in the inputs {x!r:.200}.")


class Trainer:
    """The numpy Trainer of one model (see the kc-train contract).

    Args:
        model: a `kc.Model` (compiled for `test_step`).
    """

    can_train = False  # the loops check this before starting fit/train_on_batch

    def __init__(self, model):
        self.model = model

    # Default steps -------------------------------------------------------------------
    def train_step(self, data):
        raise cannot_train("train_step")

    def test_step(self, data):
        """Loss and metrics on one batch ``(x, y[, sample_weight])``; returns the logs."""
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = model(x, training=False)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                  training=False)
        tracker = getattr(model, "_loss_tracker", None)
        if tracker is not None:
            tracker.update_state(loss, sample_weight=batch_size_of(x))
        return model.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The model's outputs on one batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self.model(x, training=False)

    # Loop functions -------------------------------------------------------------------
    def make_train_function(self, force: bool = False):
        raise cannot_train("make_train_function")

    def make_test_function(self, force: bool = False):
        """``fn(batches) -> logs of the last batch``; also set as ``model.test_function``."""
        model = self.model
        if getattr(model, "test_function", None) is not None and not force:
            return model.test_function
        step = model.test_step  # bound once: an override on the model wins

        def test_function(batches):
            logs = None
            for data in batches:
                logs = step(data)
            return logs

        model.test_function = test_function
        return test_function

    def make_predict_function(self, force: bool = False):
        """``fn(batches) -> [outputs per batch]``; also set as ``model.predict_function``."""
        model = self.model
        if getattr(model, "predict_function", None) is not None and not force:
            return model.predict_function
        step = model.predict_step

        def predict_function(batches):
            return [step(data) for data in batches]

        model.predict_function = predict_function
        return predict_function

    # State hand-over: numpy Variables are updated in place; nothing is held ---------------
    def begin(self, mode: str) -> None:
        pass

    def end(self, mode: str) -> None:
        pass

    def sync_variables(self) -> None:
        pass

    def reset_metrics(self) -> None:
        self.model.reset_metrics()
