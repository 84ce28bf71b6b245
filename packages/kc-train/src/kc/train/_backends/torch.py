"""Trainer of the PyTorch backend: eager steps, optional ``torch.compile``.

The default `train_step` follows Keras 3's torch pattern: forward with
``training=True``, `Model.compute_loss`, the loss tracker, ``backward()``,
``optimizer.apply`` under ``torch.no_grad()``, `Model.compute_metrics`. A
user's `train_step(self, data)` written for Keras 3 on torch (``self.zero_grad()``,
``loss.backward()``, ``[v.value.grad for v in self.trainable_weights]``,
``self.optimizer.apply(...)``) runs unchanged: a kc Layer is a
``torch.nn.Module`` and a kc Variable holds a ``torch.nn.Parameter``.

Per-step Python is kept small: the trainable variables and their Parameters
are looked up once per loop (`begin`), gradients are zeroed by setting them
to None, and nothing reads a value back to the host (no ``.item()``).

Example:
    >>> model.compile(optimizer="adam", loss="mse", jit_compile=True)  # torch.compile'd step
    >>> model.fit(x, y)
"""

from __future__ import annotations

import inspect
import warnings

import torch

from kc.data import unpack_x_y_sample_weight
from kc.metrics import Mean


def batch_size_of(x):
    """The leading dimension of the first tensor of ``x`` (any structure)."""
    while not torch.is_tensor(x):
        if isinstance(x, dict):
            x = next(iter(x.values()))
        elif isinstance(x, (list, tuple)):
            x = x[0]
        else:
            from kc import tree

            x = tree.flatten(x)[0]
            break
    return x.shape[0]


def accepts_training(fn) -> bool:
    """True when ``fn`` takes a ``training`` argument (or ``**kwargs``)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "training" or p.kind is p.VAR_KEYWORD for p in params)


def update_loss_tracker(tracker, loss, batch_size) -> None:
    """``tracker.update_state(loss, sample_weight=batch_size)``, Keras 3's loss log.

    For kc's own `Mean` (the tracker compile() makes) this is two in-place
    adds, the same arithmetic without the general sample-weight machinery.
    """
    if type(tracker) is Mean:
        total, count = tracker.total.value, tracker.count.value
        if isinstance(total, torch.nn.Parameter) and isinstance(count, torch.nn.Parameter):
            total.add_(loss.detach().to(total.dtype), alpha=batch_size)  # the stored values
            count.add_(batch_size)
            return
        tracker.total.assign_add(loss.detach() * batch_size)
        tracker.count.assign_add(batch_size)
    else:
        tracker.update_state(loss.detach(), sample_weight=batch_size)


class Trainer:
    """The torch Trainer of one model (see the kc-train contract).

    Args:
        model: the compiled `kc.Model`.
    """

    def __init__(self, model):
        self.model = model
        self._variables = None  # cached trainable variables of the model
        self._parameters = None  # their torch Parameters
        self._loss_takes_training = None

    # Cached model state ------------------------------------------------------------
    def _trainable(self):
        """``(variables, parameters)``: the trainable variables, cached until `begin`."""
        if self._variables is None:
            variables = list(self.model.trainable_variables)
            self._variables = variables
            self._parameters = [v.value for v in variables]
        return self._variables, self._parameters

    def _invalidate(self) -> None:
        self._variables = None
        self._parameters = None

    def _compute_loss(self, x, y, y_pred, sample_weight, training):
        model = self.model
        if self._loss_takes_training is None:
            self._loss_takes_training = accepts_training(model.compute_loss)
        if self._loss_takes_training:
            return model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                      training=training)
        return model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)

    def _step(self, name: str):
        """``model.<name>`` (a user's override wins); our own method when not overridden,
        which skips Model's lazy forwarding on every step."""
        from kc.models import Model

        model = self.model
        if name not in model.__dict__ and getattr(type(model), name) is getattr(Model, name):
            return getattr(self, name)
        return getattr(model, name)

    # Default steps ------------------------------------------------------------------
    def train_step(self, data):
        """One optimization step on ``data`` = (x,), (x, y) or (x, y, sample_weight)."""
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        parameters = self._parameters
        if parameters is not None:
            for p in parameters:
                p.grad = None
        y_pred = model(x, training=True)
        if parameters is None:  # first step: the model is built now
            _, parameters = self._trainable()
            model.zero_grad(set_to_none=True)
        variables = self._variables
        loss = self._compute_loss(x, y, y_pred, sample_weight, True)
        with torch.no_grad():
            update_loss_tracker(model._loss_tracker, loss, batch_size_of(x))
        optimizer = model.optimizer
        if optimizer is not None:
            loss = optimizer.scale_loss(loss)
        if variables:
            loss.backward()
            grads = [p.grad for p in parameters]
            with torch.no_grad():
                optimizer.apply(grads, variables)
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return model.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        """Loss and metrics on one batch, without training."""
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = model(x, training=False)
        loss = self._compute_loss(x, y, y_pred, sample_weight, False)
        with torch.no_grad():
            update_loss_tracker(model._loss_tracker, loss, batch_size_of(x))
        return model.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The model's outputs on one batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self.model(x, training=False)

    # Loop functions -------------------------------------------------------------------
    def _compiled(self, step):
        model = self.model
        if model.jit_compile is True and not model.run_eagerly:
            return torch.compile(step)
        return step

    def make_train_function(self, force=False):
        """``fn(batches) -> logs of the last batch``; also set as ``model.train_function``."""
        model = self.model
        if model.train_function is not None and not force:
            return model.train_function
        step = self._compiled(self._step("train_step"))

        def train_function(batches):
            for data in batches:
                logs = step(data)
            return logs

        model.train_function = train_function
        return train_function

    def make_test_function(self, force=False):
        """``fn(batches) -> logs of the last batch``, run under ``torch.no_grad()``."""
        model = self.model
        if model.test_function is not None and not force:
            return model.test_function
        step = self._compiled(self._step("test_step"))

        def test_function(batches):
            with torch.no_grad():
                for data in batches:
                    logs = step(data)
            return logs

        model.test_function = test_function
        return test_function

    def make_predict_function(self, force=False):
        """``fn(batches) -> [outputs per batch]``, run under ``torch.no_grad()``."""
        model = self.model
        if model.predict_function is not None and not force:
            return model.predict_function
        step = self._compiled(self._step("predict_step"))

        def predict_function(batches):
            with torch.no_grad():
                return [step(data) for data in batches]

        model.predict_function = predict_function
        return predict_function

    # State hand-over (torch updates Variables in place: nothing is held) ----------------
    def begin(self, mode) -> None:
        if mode == "train":
            self._invalidate()  # layers may have been frozen/unfrozen since the last loop

    def end(self, mode) -> None:
        pass

    def sync_variables(self) -> None:
        pass

    def reset_metrics(self) -> None:
        self.model.reset_metrics()
