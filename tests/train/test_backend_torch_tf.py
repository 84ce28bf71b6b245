"""The torch and TensorFlow Trainers: default steps, Keras-3 custom steps, compiled steps.

Oracles: a hand-written native loop (torch autograd / tf.GradientTape with
plain SGD) started from the same weights, and closed-form solutions.
"""

import numpy as np
import pytest

import kc
from kc_testing import BACKEND, assert_close

pytestmark = pytest.mark.skipif(BACKEND not in ("torch", "tensorflow"),
                                reason="the torch and tensorflow Trainers")

if BACKEND == "torch":
    import torch
elif BACKEND == "tensorflow":
    import tensorflow as tf

RNG = np.random.default_rng(0)
X = RNG.standard_normal((32, 3)).astype("float32")
W_TRUE = np.array([[1.5], [-2.0], [0.5]], "float32")
Y = (X @ W_TRUE + 0.25).astype("float32")


def _mlp(seed=1):
    kc.utils.set_random_seed(seed)
    inputs = kc.Input((3,))
    h = kc.layers.Dense(4, activation="tanh")(inputs)
    return kc.Model(inputs, kc.layers.Dense(1)(h))


def _copied_weights(model):
    # Explicit copies: the initial weights must not follow in-place updates (torch's
    # get_weights once returned arrays sharing memory with the Parameters).
    return [np.array(w, copy=True) for w in model.get_weights()]


def _trainer(model):
    from kc.train._backends import get_trainer

    return get_trainer(model)


# Learning ------------------------------------------------------------------------------
def test_fit_linear_regression_converges_to_solution():
    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(1)])
    model.compile(optimizer=kc.optimizers.SGD(0.1), loss="mse")
    history = model.fit(X, Y, batch_size=8, epochs=30, verbose=0)
    kernel, bias = model.get_weights()
    assert_close(kernel, W_TRUE, atol=1e-3, rtol=0)
    assert_close(bias, [0.25], atol=1e-3, rtol=0)
    losses = history.history["loss"]
    assert losses[-1] < 1e-5 < losses[0]


def _native_sgd(weights, x, y, lr, steps, batch):
    """Plain SGD on the _mlp network with MSE, written with the backend's own autograd."""
    out = []
    if BACKEND == "torch":
        params = [torch.tensor(w, requires_grad=True) for w in weights]
        for i in range(steps):
            xb, yb = (torch.tensor(a[i * batch:(i + 1) * batch]) for a in (x, y))
            pred = torch.tanh(xb @ params[0] + params[1]) @ params[2] + params[3]
            loss = torch.mean((pred - yb) ** 2)
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                for p, g in zip(params, grads):
                    p -= lr * g
        out = [p.detach().numpy() for p in params]
    else:
        params = [tf.Variable(w) for w in weights]
        for i in range(steps):
            xb, yb = (tf.constant(a[i * batch:(i + 1) * batch]) for a in (x, y))
            with tf.GradientTape() as tape:
                pred = tf.tanh(xb @ params[0] + params[1]) @ params[2] + params[3]
                loss = tf.reduce_mean((pred - yb) ** 2)
            for p, g in zip(params, tape.gradient(loss, params)):
                p.assign_sub(lr * g)
        out = [p.numpy() for p in params]
    return out


@pytest.mark.parametrize("jit_compile,steps_per_execution", [(False, 1), (True, 1), (False, 2)])
def test_three_sgd_steps_equal_native_loop(jit_compile, steps_per_execution):
    if jit_compile and BACKEND == "torch":
        pytest.skip("torch.compile: see test_torch_compile_step (slow)")
    model = _mlp()
    initial = _copied_weights(model)
    model.compile(optimizer=kc.optimizers.SGD(0.05), loss="mse", jit_compile=jit_compile,
                  steps_per_execution=steps_per_execution)
    model.fit(X[:24], Y[:24], batch_size=8, epochs=1, shuffle=False, verbose=0)
    expected = _native_sgd(initial, X, Y, 0.05, steps=3, batch=8)
    for got, want in zip(model.get_weights(), expected):
        assert_close(got, want, atol=1e-5, rtol=1e-5)


def test_evaluate_and_predict_use_trained_weights():
    model = _mlp()
    model.compile(optimizer=kc.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    model.fit(X, Y, batch_size=8, epochs=2, verbose=0)
    k1, b1, k2, b2 = model.get_weights()
    pred = np.tanh(X @ k1 + b1) @ k2 + b2
    assert_close(model.predict(X, batch_size=8, verbose=0), pred, atol=1e-5, rtol=1e-5)
    loss, mae = model.evaluate(X, Y, batch_size=8, verbose=0)
    assert_close(loss, np.mean((pred - Y) ** 2), atol=1e-5, rtol=1e-4)
    assert_close(mae, np.mean(np.abs(pred - Y)), atol=1e-5, rtol=1e-4)


def test_loss_scale_optimizer_scales_the_loss():
    # With a finite scale, LossScaleOptimizer(SGD) must take the same step as SGD.
    results = []
    for opt in (kc.optimizers.SGD(0.05),
                kc.optimizers.LossScaleOptimizer(kc.optimizers.SGD(0.05), initial_scale=1024.0)):
        model = _mlp()
        model.compile(optimizer=opt, loss="mse")
        model.fit(X[:16], Y[:16], batch_size=8, epochs=1, shuffle=False, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(*results):
        assert_close(a, b, atol=1e-6, rtol=1e-5)


# Compiled steps ------------------------------------------------------------------------
@pytest.mark.skipif(BACKEND != "tensorflow", reason="tf.function tracing")
def test_tf_function_traced_once_across_equal_batches_and_fits():
    model = _mlp()
    model.compile(optimizer="adam", loss="mse", jit_compile=False)
    model.fit(X[:20], Y[:20], batch_size=4, epochs=1, verbose=0)  # 5 batches of 4
    trainer = _trainer(model)
    assert trainer.trace_count["train"] == 1
    model.fit(X[:20], Y[:20], batch_size=4, epochs=2, verbose=0)
    assert trainer.trace_count["train"] == 1  # no retrace per fit() call


@pytest.mark.skipif(BACKEND != "tensorflow", reason="run_eagerly on tf")
def test_tf_run_eagerly_runs_without_tf_function():
    seen = []

    class Probe(kc.layers.Layer):
        def call(self, x):
            seen.append(tf.executing_eagerly())
            return x

    inputs = kc.Input((3,))
    model = kc.Model(inputs, kc.layers.Dense(1)(Probe()(inputs)))
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    model.fit(X[:16], Y[:16], batch_size=8, verbose=0)
    assert seen[-2:] == [True, True]


@pytest.mark.slow
@pytest.mark.skipif(BACKEND != "torch", reason="torch.compile")
def test_torch_compile_step():
    model = _mlp()
    initial = _copied_weights(model)
    model.compile(optimizer=kc.optimizers.SGD(0.05), loss="mse", jit_compile=True)
    model.fit(X[:24], Y[:24], batch_size=8, epochs=1, shuffle=False, verbose=0)
    expected = _native_sgd(initial, X, Y, 0.05, steps=3, batch=8)
    for got, want in zip(model.get_weights(), expected):
        assert_close(got, want, atol=1e-5, rtol=1e-5)


# Keras 3 custom train_step patterns ----------------------------------------------------
def _custom_compute_loss_model():
    """keras.io 'Customizing what happens in fit()' (torch / TF): uses self.compute_loss."""
    if BACKEND == "torch":
        class CustomModel(kc.Model):
            def train_step(self, data):
                x, y = data
                self.zero_grad()
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
                loss.backward()
                trainable_weights = [v for v in self.trainable_weights]
                gradients = [v.value.grad for v in trainable_weights]
                with torch.no_grad():
                    self.optimizer.apply(gradients, trainable_weights)
                for metric in self.metrics:
                    if metric.name == "loss":
                        metric.update_state(loss)
                    else:
                        metric.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}
    else:
        class CustomModel(kc.Model):
            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = self.compute_loss(y=y, y_pred=y_pred)
                trainable_vars = self.trainable_variables
                gradients = tape.gradient(loss, trainable_vars)
                self.optimizer.apply(gradients, trainable_vars)
                for metric in self.metrics:
                    if metric.name == "loss":
                        metric.update_state(loss)
                    else:
                        metric.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}
    return CustomModel


def _custom_tracker_model():
    """The guide's lower-level variant: own loss_fn, a Mean loss tracker and `metrics`."""
    class CustomModel(kc.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = kc.metrics.Mean(name="loss")
            self.mae_metric = kc.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = kc.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data
            if BACKEND == "torch":
                self.zero_grad()
                y_pred = self(x, training=True)
                loss = self.loss_fn(y, y_pred)
                loss.backward()
                trainable_weights = [v for v in self.trainable_weights]
                gradients = [v.value.grad for v in trainable_weights]
                with torch.no_grad():
                    self.optimizer.apply(gradients, trainable_weights)
            else:
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = self.loss_fn(y, y_pred)
                trainable_vars = self.trainable_variables
                self.optimizer.apply(tape.gradient(loss, trainable_vars), trainable_vars)
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            self.loss_tracker.update_state(self.loss_fn(y, y_pred))
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    return CustomModel


@pytest.mark.parametrize("make", [_custom_compute_loss_model, _custom_tracker_model])
def test_keras_custom_train_step_runs_unchanged(make):
    cls = make()
    kc.utils.set_random_seed(3)
    inputs = kc.Input((3,))
    model = cls(inputs, kc.layers.Dense(1)(inputs))
    if make is _custom_compute_loss_model:
        model.compile(optimizer=kc.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    else:
        model.compile(optimizer=kc.optimizers.SGD(0.1))
    history = model.fit(X, Y, batch_size=8, epochs=25, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    kernel, bias = model.get_weights()
    assert_close(kernel, W_TRUE, atol=1e-3, rtol=0)
    assert_close(bias, [0.25], atol=1e-3, rtol=0)
    # Epoch logs are per-epoch means (metrics reset each epoch): the last one is small.
    assert history.history["loss"][-1] < 1e-4 < history.history["loss"][0]
    if BACKEND == "tensorflow":  # the first group runs eagerly to build, then one trace
        assert _trainer(model).trace_count["train"] == 1
    logs = model.evaluate(X, Y, batch_size=8, verbose=0, return_dict=True)
    pred = X @ kernel + bias
    assert_close(logs["mae"], np.mean(np.abs(pred - Y)), atol=1e-5, rtol=1e-3)


def test_custom_train_step_overrides_default_and_sees_steps_per_execution():
    calls = []

    class Counting(kc.Model):
        def train_step(self, data):
            calls.append(len(data))
            return super().train_step(data)

    inputs = kc.Input((3,))
    model = Counting(inputs, kc.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=3, run_eagerly=True)
    model.fit(X[:24], Y[:24], batch_size=4, verbose=0)
    assert calls == [2] * 6


def test_training_flag_reaches_layers():
    seen = []

    class Probe(kc.layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    inputs = kc.Input((3,))
    model = kc.Model(inputs, kc.layers.Dense(1)(Probe()(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    seen.clear()
    model.fit(X[:8], Y[:8], batch_size=8, verbose=0)
    assert seen and all(t is True for t in seen)
    seen.clear()
    model.evaluate(X[:8], Y[:8], batch_size=8, verbose=0)
    model.predict(X[:8], batch_size=8, verbose=0)
    assert seen and all(t is False for t in seen)
