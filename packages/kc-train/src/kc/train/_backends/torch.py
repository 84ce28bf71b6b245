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

import warnings

import torch

from kc.data import unpack_x_y_sample_weight
from kc.metrics import Mean
from kc.train._backends._in_place import InPlaceTrainer, first_tensor, run_predict, run_steps


def batch_size_of(x):
    """The leading dimension of the first tensor of ``x`` (any structure)."""
    return first_tensor(x, torch.is_tensor).shape[0]


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


class Trainer(InPlaceTrainer):
    """The torch Trainer of one model (see the kc-train contract).

    Args:
        model: the compiled `kc.Model`.
    """

    def __init__(self, model):
        super().__init__(model)
        self._variables = None  # cached trainable variables of the model
        self._parameters = None  # their torch Parameters

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

    def _track_loss(self, loss, x) -> None:
        with torch.no_grad():
            update_loss_tracker(self.model._loss_tracker, loss, batch_size_of(x))

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
        self._track_loss(loss, x)
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

    # Loop functions -------------------------------------------------------------------
    def _wrap(self, mode: str, step):
        """Eager steps (``torch.compile``'d with ``jit_compile=True``); evaluation and
        prediction under ``torch.no_grad()``."""
        model = self.model
        if model.jit_compile is True and not model.run_eagerly:
            step = torch.compile(step)
        if mode == "train":
            return run_steps(step)
        run = run_steps(step) if mode == "test" else run_predict(step)

        def no_grad_function(batches):
            with torch.no_grad():
                return run(batches)

        return no_grad_function
