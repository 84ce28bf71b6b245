"""Subclassed Model with a custom train_step / test_step, in the pattern keras.io documents
for each backend ("Customizing what happens in fit()" with JAX, PyTorch, TensorFlow).

Model A: compile(loss, metrics), train_step calls compute_loss and walks self.metrics.
Model B: "going lower-level": no compiled loss, own Mean / MeanAbsoluteError trackers listed
in a `metrics` property, loss written with keras.ops, custom test_step.
"""

import numpy as np

import keras
from keras import layers, ops
from _common import backend, can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(3)
BACKEND = backend()
if BACKEND == "tensorflow":
    import tensorflow as tf
elif BACKEND == "torch":
    import torch
elif BACKEND == "jax":
    import jax


def _update(metric, loss, y, y_pred):
    if metric.name == "loss":
        metric.update_state(loss)
    else:
        metric.update_state(y, y_pred)


def _stateless_metrics(model, metrics_variables, loss, y, y_pred):
    new_vars, logs = [], {}
    for metric in model.metrics:
        these = metrics_variables[len(new_vars):len(new_vars) + len(metric.variables)]
        if metric.name == "loss":
            these = metric.stateless_update_state(these, loss)
        else:
            these = metric.stateless_update_state(these, y, y_pred)
        logs[metric.name] = metric.stateless_result(these)
        new_vars += these
    return logs, new_vars


class Base(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(2)

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))

    def loss_of(self, x, y, y_pred):
        return self.compute_loss(x=x, y=y, y_pred=y_pred)

    # JAX: pure function of the state.
    def compute_loss_and_updates(self, trainable_variables, non_trainable_variables, x, y,
                                 training=False):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training)
        loss = self.loss_of(x, y, y_pred)
        return loss, (y_pred, non_trainable_variables)

    if BACKEND == "jax":
        def train_step(self, state, data):
            trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
            x, y = data
            grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
            (loss, (y_pred, non_trainable_variables)), grads = grad_fn(
                trainable_variables, non_trainable_variables, x, y, training=True)
            trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
                optimizer_variables, grads, trainable_variables)
            logs, metrics_variables = _stateless_metrics(self, metrics_variables, loss, y, y_pred)
            return logs, (trainable_variables, non_trainable_variables, optimizer_variables,
                          metrics_variables)

    elif BACKEND == "tensorflow":
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.loss_of(x, y, y_pred)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(gradients, self.trainable_variables)
            for metric in self.metrics:
                _update(metric, loss, y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    elif BACKEND == "torch":
        def train_step(self, data):
            x, y = data
            self.zero_grad()
            y_pred = self(x, training=True)
            loss = self.loss_of(x, y, y_pred)
            loss.backward()
            trainable_weights = [v for v in self.trainable_weights]
            gradients = [v.value.grad for v in trainable_weights]
            with torch.no_grad():
                self.optimizer.apply(gradients, trainable_weights)
            for metric in self.metrics:
                _update(metric, loss, y, y_pred)
            return {m.name: m.result() for m in self.metrics}


class ModelA(Base):
    pass


class ModelB(Base):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]

    def loss_of(self, x, y, y_pred):
        return ops.mean(ops.square(y - y_pred))

    if BACKEND == "jax":
        def test_step(self, state, data):
            x, y = data
            trainable_variables, non_trainable_variables, metrics_variables = state
            y_pred, non_trainable_variables = self.stateless_call(
                trainable_variables, non_trainable_variables, x, training=False)
            loss = self.loss_of(x, y, y_pred)
            logs, metrics_variables = _stateless_metrics(self, metrics_variables, loss, y, y_pred)
            return logs, (trainable_variables, non_trainable_variables, metrics_variables)

    else:
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.loss_of(x, y, y_pred)
            for metric in self.metrics:
                _update(metric, loss, y, y_pred)
            return {m.name: m.result() for m in self.metrics}


rng = np.random.default_rng(3)
x = rng.standard_normal((64, 5)).astype("float32")
y = np.stack([x[:, 0] * x[:, 1], np.sin(x[:, 2])], axis=1).astype("float32")

result = {}
for tag, cls, compile_kwargs in [
    ("a", ModelA, dict(optimizer=keras.optimizers.Adam(1e-2), loss="mse", metrics=["mae"])),
    ("b", ModelB, dict(optimizer=keras.optimizers.SGD(5e-2, momentum=0.9))),
]:
    model = cls()
    model(x[:1])
    set_weights_from_rng(model, seed=3)
    model.compile(**compile_kwargs)
    result[f"fwd_predict_{tag}"] = model.predict(x[:3], verbose=0)
    if can_train():
        history = model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
        result[f"history_keys_{tag}"] = sorted(history.history)
        result[f"history_{tag}"] = history.history
        result[f"predict_{tag}"] = model.predict(x[:3], verbose=0)
        if tag == "b":
            result["evaluate_b"] = model.evaluate(x, y, verbose=0, return_dict=True)
emit(result)
