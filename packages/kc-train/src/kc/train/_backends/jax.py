"""Trainer of the JAX backend: stateless steps compiled once with ``jax.jit``.

During a loop the trainer holds the model's state as values, not in the
Variables: ``state = (trainable, non_trainable, optimizer, metrics)`` lists of
arrays, passed through a jitted step that returns the new state, its input
buffers donated (updated in place, no copy). Between syncs the Variables'
buffers are donated (deleted); `sync_variables` writes the held state back
(the loop does it at each epoch end, before validation and at the end of a
loop; a callback that reads weights mid-epoch should call it first, as Keras's
``jax_state_sync``). After a sync, the next step reads the state from the
Variables again, so changes made in between (a new learning rate, restored
weights) are taken up.

The defaults behind `Model.train_step`/`test_step`/`predict_step` follow Keras
3's JAX pattern, so a user's ``train_step(self, state, data) -> (logs,
state)`` written for Keras 3 on JAX runs unchanged:

* ``train_step(state, data)`` with ``state = (trainable, non_trainable,
  optimizer_variables, metrics_variables)``;
* ``test_step(state, data)`` with ``state = (trainable, non_trainable,
  metrics_variables)``;
* ``predict_step(state, data) -> (outputs, non_trainable)`` with ``state =
  (trainable, non_trainable)``.

A group of ``steps_per_execution`` batches runs in one compiled call (the
steps unrolled); each input shape and group length compiles once. With
``run_eagerly=True`` or ``jit_compile=False`` the same steps run without jit.

Example:
    >>> model.compile(optimizer="adam", loss="mse")
    >>> model.fit(x, y, epochs=2)      # one jit compile, then one call per batch
    >>> logs, state = model.train_step(state, (x, y))   # the stateless default
"""

from __future__ import annotations

import jax

from kc import tree
from kc.backend import StatelessScope
from kc.data import EpochIterator, unpack_x_y_sample_weight
from kc.data._array import ArrayDataAdapter

_MODES = ("train", "test", "predict")


def _batch_size(x) -> int:
    return tree.flatten(x)[0].shape[0]


def _current(scope, variables, old_values) -> list:
    """The values ``scope`` holds for ``variables`` (``old_values`` where it wrote none)."""
    out = []
    for v, old in zip(variables, old_values):
        new = scope.get_current_value(v)
        out.append(old if new is None else new)
    return out


class _Layout:
    """Which Variables make up the state of a loop, and how the held state is packed.

    A Variable listed twice (a metric tracked on the model is also in
    ``non_trainable_variables``) is held once, in the metrics part: two
    donated copies of one buffer would be refused by XLA. `expand` rebuilds
    the full lists the steps see; `pack` drops the duplicates again.
    """

    def __init__(self, model):
        self.trainable = list(model.trainable_variables)
        self.non_trainable = list(model.non_trainable_variables)
        optimizer = model.optimizer
        self.optimizer = list(optimizer.variables) if optimizer is not None else []
        self.metrics = list(model.metrics_variables)
        metric_index = {id(v): i for i, v in enumerate(self.metrics)}
        self.shared = [(j, metric_index[id(v)]) for j, v in enumerate(self.non_trainable)
                       if id(v) in metric_index]
        self.own = [j for j, v in enumerate(self.non_trainable) if id(v) not in metric_index]
        self.own_variables = [self.non_trainable[j] for j in self.own]
        self.key = tuple(id(v) for v in (*self.trainable, *self.non_trainable,
                                          *self.optimizer, *self.metrics))

    def expand(self, own_values, metrics_values) -> list:
        """The full non-trainable list from the held values."""
        if not self.shared:
            return own_values
        full = [None] * len(self.non_trainable)
        for j, value in zip(self.own, own_values):
            full[j] = value
        for j, m in self.shared:
            full[j] = metrics_values[m]
        return full

    def pack(self, non_trainable_values) -> list:
        if not self.shared:
            return list(non_trainable_values)
        return [non_trainable_values[j] for j in self.own]


class NumpyEpochIterator(EpochIterator):
    """An `EpochIterator` giving in-memory arrays' batches as NumPy: a jitted step moves them
    to the device itself, about 10x cheaper per batch than converting with `jnp.asarray` first
    (and it does not wait for the previous step). Other sources keep their jax batches."""

    def _make_iterator(self):
        if isinstance(self.data_adapter, ArrayDataAdapter):
            return iter(self.data_adapter.get_numpy_iterator())
        return super()._make_iterator()


class Trainer:
    """The JAX Trainer of one model (see the kc-train contract).

    Args:
        model: the compiled `kc.Model`.
    """

    epoch_iterator_class = NumpyEpochIterator  # read by kc.train's loops

    def __init__(self, model):
        self.model = model
        self._layout = None
        self._state = None        # the held state (packed), or None: the Variables are current
        self._held = None         # the mode whose state is held
        self._steps = {}          # mode -> the (jitted) function of a group of batches
        self._functions = {}      # mode -> the loop function handed to the loop
        self._built = set()       # modes whose first batch has been dry-run
        self.trace_counts = {mode: 0 for mode in _MODES}  # Python traces of each step

    # ------------------------------------------------------------------------------------
    # Defaults behind Model.train_step / test_step / predict_step (Keras 3's JAX API)
    # ------------------------------------------------------------------------------------
    def compute_loss_and_updates(self, trainable_variables, non_trainable_variables,
                                 metrics_variables, x, y, sample_weight, training=False,
                                 optimizer_variables=None):
        """Forward pass and loss, pure: for ``jax.value_and_grad(..., has_aux=True)``.

        Returns ``(loss, (unscaled_loss, y_pred, non_trainable_variables,
        metrics_variables))``; ``loss`` is scaled by the optimizer's
        ``loss_scale_factor`` when training. Losses added by layers during the
        forward pass (`add_loss`, activity regularizers) and the weight
        regularization penalties are collected by ``stateless_call(...,
        return_losses=True)`` and handed to `Model.compute_loss` as the model's
        losses for this call (``model._losses_override``, as Keras does).
        """
        model = self.model
        y_pred, non_trainable_variables, losses = model.stateless_call(
            trainable_variables, non_trainable_variables, x, return_losses=True,
            training=training)
        # Model.compute_loss counts `model.losses`; here those of this stateless call.
        model.__dict__["_losses_override"] = losses
        try:
            loss, (_, non_trainable_variables, metrics_variables) = model.stateless_compute_loss(
                trainable_variables, non_trainable_variables, metrics_variables, x=x, y=y,
                y_pred=y_pred, sample_weight=sample_weight, training=training)
        finally:
            model.__dict__.pop("_losses_override", None)
        unscaled_loss = loss
        optimizer = model.optimizer
        if training and optimizer is not None:
            if optimizer_variables is None:
                loss = optimizer.scale_loss(loss)
            else:
                with StatelessScope(list(zip(optimizer.variables, optimizer_variables))):
                    loss = optimizer.scale_loss(loss)
        return loss, (unscaled_loss, y_pred, non_trainable_variables, metrics_variables)

    def _update_metrics(self, metrics_variables, loss, x, y, y_pred, sample_weight):
        """Loss tracker and compiled metrics updated from given values: ``(logs, new values)``."""
        model = self.model
        refs = model.metrics_variables
        with StatelessScope(list(zip(refs, metrics_variables))) as scope:
            tracker = getattr(model, "_loss_tracker", None)
            if tracker is not None:
                tracker.update_state(loss, sample_weight=_batch_size(x))
            logs = model.compute_metrics(x, y, y_pred, sample_weight)
        return logs, _current(scope, refs, metrics_variables)

    def train_step(self, state, data):
        """One stateless training step: ``(logs, new_state)`` (Keras 3's JAX `train_step`)."""
        model = self.model
        trainable, non_trainable, optimizer_variables, metrics_variables = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(model.compute_loss_and_updates, has_aux=True)
        (_, aux), grads = grad_fn(trainable, non_trainable, metrics_variables, x, y,
                                  sample_weight, training=True,
                                  optimizer_variables=optimizer_variables)
        unscaled_loss, y_pred, non_trainable, metrics_variables = aux
        if trainable:
            trainable, optimizer_variables = model.optimizer.stateless_apply(
                optimizer_variables, grads, trainable)
        logs, metrics_variables = self._update_metrics(
            metrics_variables, unscaled_loss, x, y, y_pred, sample_weight)
        return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

    def test_step(self, state, data):
        """One stateless evaluation step: ``(logs, (trainable, non_trainable, metrics))``."""
        model = self.model
        trainable, non_trainable, metrics_variables = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        _, aux = model.compute_loss_and_updates(trainable, non_trainable, metrics_variables,
                                                x, y, sample_weight, training=False)
        loss, y_pred, non_trainable, metrics_variables = aux
        logs, metrics_variables = self._update_metrics(
            metrics_variables, loss, x, y, y_pred, sample_weight)
        return logs, (trainable, non_trainable, metrics_variables)

    def predict_step(self, state, data):
        """One stateless inference step: ``(outputs, non_trainable)``."""
        trainable, non_trainable = state
        x, _, _ = unpack_x_y_sample_weight(data)
        return self.model.stateless_call(trainable, non_trainable, x, training=False)

    # ------------------------------------------------------------------------------------
    # Steps over a group of batches (what jax.jit compiles)
    # ------------------------------------------------------------------------------------
    def _group_train(self, state, batches):
        self.trace_counts["train"] += 1
        layout, train_step = self._layout, self.model.train_step
        trainable, own, optimizer_variables, metrics_variables = state
        logs = None
        for data in batches:
            full = (trainable, layout.expand(own, metrics_variables), optimizer_variables,
                    metrics_variables)
            logs, full = train_step(full, data)
            trainable, non_trainable, optimizer_variables, metrics_variables = full
            own = layout.pack(non_trainable)
        return logs, (list(trainable), own, list(optimizer_variables), list(metrics_variables))

    def _group_test(self, trainable, state, batches):
        self.trace_counts["test"] += 1
        layout, test_step = self._layout, self.model.test_step
        own, metrics_variables = state
        logs = None
        for data in batches:
            full = (trainable, layout.expand(own, metrics_variables), metrics_variables)
            logs, full = test_step(full, data)
            _, non_trainable, metrics_variables = full
            own = layout.pack(non_trainable)
        return logs, (own, list(metrics_variables))

    def _group_predict(self, trainable, own, batches):
        self.trace_counts["predict"] += 1
        layout, predict_step = self._layout, self.model.predict_step
        outputs = []
        for data in batches:
            out, non_trainable = predict_step((trainable, layout.expand(own, [])), data)
            own = layout.pack(non_trainable)
            outputs.append(out)
        return outputs, own

    def _compiled(self) -> bool:
        model = self.model
        return bool(model.jit_compile) and not model.run_eagerly

    def _step(self, mode: str):
        step = self._steps.get(mode)
        if step is None:
            if mode == "train":
                fn, donate = self._group_train, (0,)
            elif mode == "test":
                fn, donate = self._group_test, (1,)
            else:
                fn, donate = self._group_predict, ()
            step = jax.jit(fn, donate_argnums=donate) if self._compiled() else fn
            self._steps[mode] = step
        return step

    # ------------------------------------------------------------------------------------
    # Building and state hand-over
    # ------------------------------------------------------------------------------------
    def _build(self, mode: str, data) -> None:
        """Create every variable the steps need before they are traced: the model's, the
        compiled loss and metrics containers' (built from the output spec: no compute) and
        the optimizer's slots."""
        from kc.train._hooks import build_containers

        model = self.model
        x, y, _ = unpack_x_y_sample_weight(data)
        y_pred = None
        if not model.built:  # e.g. a subclassed model: one eager inference call builds it
            with StatelessScope():
                y_pred = model(x, training=False)
        if mode != "predict":
            if y_pred is None:
                y_pred = _output_spec(model, x)
            build_containers(model, y, y_pred)
        if mode == "train" and model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        self._built.add(mode)

    def _refresh_layout(self) -> _Layout:
        layout = _Layout(self.model)
        if self._layout is None or self._layout.key != layout.key:
            self._layout = layout
        return self._layout

    def _take_state(self, mode: str, batches):
        """Start holding ``mode``'s state, read from the Variables."""
        if self._state is not None:
            self.sync_variables()
        if mode not in self._built:
            self._build(mode, batches[0])
        layout = self._refresh_layout()
        trainable = [v.value for v in layout.trainable]
        own = [v.value for v in layout.own_variables]
        if mode == "train":
            state = (trainable, own, [v.value for v in layout.optimizer],
                     [v.value for v in layout.metrics])
            _unshare(state)
        elif mode == "test":
            metrics = [v.value for v in layout.metrics]
            _unshare((trainable, own, metrics))
            state = (trainable, (own, metrics))
        else:
            state = (trainable, own)
        self._state, self._held = state, mode
        return state

    def begin(self, mode: str) -> None:
        """Before a loop: write back any state held by another loop (the state itself is
        read from the Variables at the first step)."""
        if mode not in _MODES:
            raise ValueError(f"Trainer.begin: mode must be one of {_MODES}, got {mode!r}.")
        if self._state is not None:
            self.sync_variables()

    def end(self, mode: str) -> None:
        """After a loop: write the held state into the Variables."""
        self.sync_variables()

    def sync_variables(self) -> None:
        """Write the held state into the model's Variables (no-op when none is held)."""
        state, mode, layout = self._state, self._held, self._layout
        if state is None:
            return
        self._state = self._held = None
        if mode == "train":
            trainable, own, optimizer_values, metrics_values = state
            _assign(layout.trainable, trainable)
            _assign(layout.optimizer, optimizer_values)
        elif mode == "test":
            _, (own, metrics_values) = state
        else:
            _, own = state
            metrics_values = ()
        _assign(layout.own_variables, own)
        if metrics_values:
            _assign(layout.metrics, metrics_values)

    def reset_metrics(self) -> None:
        """Reset every metric of the model, in the held state too."""
        metrics = self.model.metrics
        values = []
        for metric in metrics:
            values.extend(metric.stateless_reset_state())
        for metric in metrics:
            metric.reset_state()
        state = self._state
        if state is None or self._held == "predict":
            return
        if len(values) != len(self._layout.metrics):
            self.sync_variables()  # the metrics changed: read everything again next step
        elif self._held == "train":
            self._state = (*state[:3], values)
        else:
            self._state = (state[0], (state[1][0], values))

    # ------------------------------------------------------------------------------------
    # Loop functions
    # ------------------------------------------------------------------------------------
    def make_train_function(self, force: bool = False):
        """The function running one group of training batches; returns the last step's logs."""
        fn = self._functions.get("train")
        if fn is not None and not force:
            return fn
        if force:
            self._steps.pop("train", None)
        step = self._step("train")

        def train_function(batches):
            state = self._state
            if state is None or self._held != "train":
                state = self._take_state("train", batches)
            logs, self._state = step(state, batches)
            return logs

        self._functions["train"] = train_function
        self.model.train_function = train_function
        return train_function

    def make_test_function(self, force: bool = False):
        """The function running one group of evaluation batches; returns the last logs."""
        fn = self._functions.get("test")
        if fn is not None and not force:
            return fn
        if force:
            self._steps.pop("test", None)
        step = self._step("test")

        def test_function(batches):
            state = self._state
            if state is None or self._held != "test":
                state = self._take_state("test", batches)
            trainable, rest = state
            logs, rest = step(trainable, rest, batches)
            self._state = (trainable, rest)
            return logs

        self._functions["test"] = test_function
        self.model.test_function = test_function
        return test_function

    def make_predict_function(self, force: bool = False):
        """The function running one group of prediction batches; returns their outputs."""
        fn = self._functions.get("predict")
        if fn is not None and not force:
            return fn
        if force:
            self._steps.pop("predict", None)
        step = self._step("predict")

        def predict_function(batches):
            state = self._state
            if state is None or self._held != "predict":
                state = self._take_state("predict", batches)
            trainable, own = state
            outputs, own = step(trainable, own, batches)
            self._state = (trainable, own)
            return outputs

        self._functions["predict"] = predict_function
        self.model.predict_function = predict_function
        return predict_function


def _unshare(groups) -> None:
    """Copy, in place, every array met a second time: XLA refuses to donate one buffer twice
    (two Variables may hold one array after ``a.assign(b.value)``)."""
    seen = set()
    for values in groups:
        for i, value in enumerate(values):
            if id(value) in seen:
                values[i] = jax.numpy.array(value, copy=True)
            else:
                seen.add(id(value))


def _output_spec(model, x):
    """The model's output for inputs like ``x``, as `kc.KerasTensor` specs (nothing runs);
    an eager inference call (state changes dropped) when the model cannot be traced
    symbolically."""
    from kc import KerasTensor, backend

    specs = tree.map_structure(
        lambda a: KerasTensor(tuple(a.shape), dtype=backend.standardize_dtype(a.dtype)), x)
    try:
        return model.compute_output_spec(specs)
    except Exception:  # noqa: BLE001 - fall back to running the model once
        with StatelessScope():
            return model(x, training=False)


def _assign(variables, values) -> None:
    for v, value in zip(variables, values):
        v.assign(value)
