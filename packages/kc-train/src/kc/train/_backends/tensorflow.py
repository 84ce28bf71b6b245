"""Trainer of the TensorFlow backend: steps traced once with ``tf.function``.

The default `train_step` follows Keras 3's TensorFlow pattern: forward and
`Model.compute_loss` under a ``tf.GradientTape``, ``tape.gradient`` over the
trainable variables, ``optimizer.apply``, `Model.compute_metrics`. A user's
``train_step(self, data)`` written for Keras 3 on TensorFlow runs unchanged.

Each loop function runs the steps of one group of ``steps_per_execution``
batches inside one ``tf.function(jit_compile=model.jit_compile,
reduce_retracing=REDUCE_RETRACING)``: traced once per input signature (a
shorter last batch or group traces once more), fed the iterator's tensors as they are.
The first group runs eagerly when something is still unbuilt (the model, the
optimizer's slots, compiled metrics), so every variable exists before
tracing. ``run_eagerly=True`` runs the steps without ``tf.function``.

Example:
    >>> model.compile(optimizer="adam", loss="mse", jit_compile=False)  # tf.function, no XLA
    >>> model.fit(x, y)
"""

from __future__ import annotations

import warnings

import tensorflow as tf

from kc.data import unpack_x_y_sample_weight
from kc.metrics import Mean
from kc.train._backends._in_place import InPlaceTrainer, first_tensor, run_predict, run_steps

# AutoGraph leaves kc's own code unconverted: see kc.backend.tensorflow.


def batch_size_of(x):
    """The batch size of ``x``: a Python int when static, else a scalar tensor."""
    first = first_tensor(x, tf.is_tensor)
    size = first.shape[0]
    return size if size is not None else tf.shape(first)[0]


def update_loss_tracker(tracker, loss, batch_size) -> None:
    """``tracker.update_state(loss, sample_weight=batch_size)``, Keras 3's loss log.

    For kc's own `Mean` (the tracker compile() makes) this is two variable
    adds, the same arithmetic with fewer graph ops.
    """
    if type(tracker) is Mean:
        size = tf.cast(batch_size, tracker.total.dtype)
        tracker.total.assign_add(tf.cast(loss, tracker.total.dtype) * size)
        tracker.count.assign_add(size)
    else:
        tracker.update_state(loss, sample_weight=batch_size)


# Keras traces with reduce_retracing=True: from the second signature on, a trace takes unknown
# (None) dimensions. kc traces each input shape exactly instead (a fixed batch size traces once,
# plus once for a smaller last batch), which keeps every shape static for XLA and for ops that
# read static sizes.
REDUCE_RETRACING = False


class Trainer(InPlaceTrainer):
    """The TensorFlow Trainer of one model (see the kc-train contract).

    Args:
        model: the compiled `kc.Model`.
    """

    def __init__(self, model):
        super().__init__(model)
        self._variables = None  # cached trainable variables (eager steps)
        self._ready = set()  # modes whose variables all exist: tf.function may trace
        self.trace_count = {"train": 0, "test": 0, "predict": 0}

    # Helpers -----------------------------------------------------------------------
    def _trainable(self):
        if self._variables is None or tf.inside_function():
            variables = list(self.model.trainable_variables)
            if tf.inside_function():
                return variables
            self._variables = variables
        return self._variables

    def _invalidate(self) -> None:
        self._variables = None

    def _track_loss(self, loss, x) -> None:
        update_loss_tracker(self.model._loss_tracker, loss, batch_size_of(x))

    def _state_ready(self, mode: str) -> bool:
        """True once the model, optimizer and compiled metrics/loss hold all their variables."""
        model = self.model
        if not model.built:
            return False
        if mode == "train" and model.optimizer is not None and not model.optimizer.built:
            return False
        if mode != "predict":
            for obj in (getattr(model, "compiled_loss", None),
                        getattr(model, "compiled_metrics", None)):
                if obj is not None and not getattr(obj, "built", True):
                    return False
        self._ready.add(mode)
        return True

    # Default steps ------------------------------------------------------------------
    def train_step(self, data):
        """One optimization step on ``data`` = (x,), (x, y) or (x, y, sample_weight)."""
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = self._compute_loss(x, y, y_pred, sample_weight, True)
            optimizer = model.optimizer
            scaled = optimizer.scale_loss(loss) if optimizer is not None else loss
        self._track_loss(loss, x)
        variables = self._trainable()
        if variables:
            grads = tape.gradient(scaled, variables)
            optimizer.apply(grads, variables)
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return model.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    # Loop functions -------------------------------------------------------------------
    def _wrap(self, mode: str, step):
        """``run(batches)`` in a tf.function (unless run_eagerly) with an eager first call."""
        run = run_predict(step) if mode == "predict" else run_steps(step)
        model = self.model
        if model.run_eagerly:
            return run
        counts = self.trace_count

        def traced_body(batches):
            counts[mode] += 1  # Python side effect: runs once per trace
            return run(batches)

        traced = tf.function(traced_body, jit_compile=model.jit_compile is True,
                             reduce_retracing=REDUCE_RETRACING)

        def function(batches):
            if mode in self._ready or self._state_ready(mode):
                return traced(batches)
            logs = run(batches)  # builds what is missing, eagerly, once
            self._ready.add(mode)  # (a custom step may never build, e.g., an unused loss)
            return logs

        function.traced = traced
        return function
