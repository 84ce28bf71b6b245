"""What the torch and TensorFlow Trainers share: steps that update Variables in place.

Both run Keras 3's per-backend ``train_step(data)``/``test_step(data)`` pattern on the
model's own Variables, so nothing is held between steps (`begin`/`end`/`sync_variables`
have nothing to hand over). A subclass supplies ``train_step``, ``_track_loss`` (the loss
tracker update) and ``_wrap`` (how a loop function runs its steps: ``torch.compile`` and
``no_grad``, or ``tf.function``).

Example:
    >>> class Trainer(InPlaceTrainer):
    ...     def _wrap(self, mode, step):
    ...         return run_predict(step) if mode == "predict" else run_steps(step)
"""

from __future__ import annotations

import inspect

from kc.data import unpack_x_y_sample_weight


def accepts_training(fn) -> bool:
    """True when ``fn`` takes a ``training`` argument (or ``**kwargs``)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "training" or p.kind is p.VAR_KEYWORD for p in params)


def first_tensor(x, is_tensor):
    """The first tensor of ``x`` (a tensor, or a dict/list/tuple/structure of them)."""
    while not is_tensor(x):
        if isinstance(x, dict):
            x = next(iter(x.values()))
        elif isinstance(x, (list, tuple)):
            x = x[0]
        else:
            from kc import tree

            return tree.flatten(x)[0]
    return x


def run_steps(step):
    """``run(batches)``: ``step`` on each batch; the logs of the last one."""

    def run(batches):
        for data in batches:
            logs = step(data)
        return logs

    return run


def run_predict(step):
    """``run(batches)``: the list of ``step``'s outputs, one per batch."""

    def run(batches):
        return [step(data) for data in batches]

    return run


class InPlaceTrainer:
    """Base of the torch and TensorFlow Trainers (see the kc-train contract).

    Args:
        model: the compiled `kc.Model`.
    """

    def __init__(self, model):
        self.model = model
        self._loss_takes_training = None

    # Helpers -----------------------------------------------------------------------
    def _invalidate(self) -> None:
        """Forget what is cached about the trainable variables (`begin` of a training loop)."""

    def _track_loss(self, loss, x) -> None:
        """Add the batch's loss to ``model._loss_tracker`` (weighted by the batch size)."""
        raise NotImplementedError

    def _wrap(self, mode: str, step):
        """The loop function of ``mode`` around ``step`` (see `run_steps`, `run_predict`)."""
        raise NotImplementedError

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
    def test_step(self, data):
        """Loss and metrics on one batch, without training."""
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = model(x, training=False)
        loss = self._compute_loss(x, y, y_pred, sample_weight, False)
        self._track_loss(loss, x)
        return model.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The model's outputs on one batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self.model(x, training=False)

    # Loop functions -------------------------------------------------------------------
    def _make_function(self, mode: str, force: bool):
        model = self.model
        attribute = f"{mode}_function"
        function = getattr(model, attribute)
        if function is not None and not force:
            return function
        function = self._wrap(mode, self._step(f"{mode}_step"))
        setattr(model, attribute, function)
        return function

    def make_train_function(self, force=False):
        """``fn(batches) -> logs of the last batch``; also set as ``model.train_function``."""
        return self._make_function("train", force)

    def make_test_function(self, force=False):
        """``fn(batches) -> logs of the last batch``; also set as ``model.test_function``."""
        return self._make_function("test", force)

    def make_predict_function(self, force=False):
        """``fn(batches) -> [outputs per batch]``; also set as ``model.predict_function``."""
        return self._make_function("predict", force)

    # State hand-over (Variables are updated in place: nothing is held) -----------------
    def begin(self, mode) -> None:
        if mode == "train":
            self._invalidate()  # layers may have been frozen/unfrozen since the last loop

    def end(self, mode) -> None:
        pass

    def sync_variables(self) -> None:
        pass

    def reset_metrics(self) -> None:
        self.model.reset_metrics()
