"""The jax Trainer: jit-compiled stateless steps, state hand-over, Keras-3 JAX custom steps.

Oracles: hand-written jax/optax loops and NumPy closed forms. Shapes are few and tiny
(jax compiles once per shape).
"""

import functools

import numpy as np
import pytest
from kc_testing import BACKEND, assert_close

import kc

pytestmark = [pytest.mark.grad,
              pytest.mark.skipif(BACKEND != "jax", reason="the jax trainer (kc/train/_backends/jax.py)")]

if BACKEND == "jax":
    import jax
    import jax.numpy as jnp
    import optax

N, D = 24, 3   # 3 batches of 8
KERNEL0 = np.array([[0.3], [-0.2], [0.1]], dtype="float32")
BIAS0 = np.array([0.05], dtype="float32")


def _data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, D)).astype("float32")
    w = np.array([[1.5], [-2.0], [0.5]], dtype="float32")
    return x, (x @ w + 0.7).astype("float32")


def _linear(model_cls=None, **dense_kwargs):
    inputs = kc.Input((D,))
    outputs = kc.layers.Dense(1, **dense_kwargs)(inputs)
    model = (model_cls or kc.Model)(inputs, outputs)
    model.layers[-1].set_weights([KERNEL0, BIAS0])
    return model


def _trainer(model):
    from kc.train._backends import get_trainer

    return get_trainer(model)


@functools.lru_cache(maxsize=None)
def _optax_trajectory(lr, steps):
    """Parameters after each step of an optax Adam (Keras's defaults) on mse for the linear
    model over the batches of 8 of `_data()` in order: a hand-written native jax loop."""
    x, y = _data()
    params = [jnp.asarray(KERNEL0), jnp.asarray(BIAS0)]
    opt = optax.adam(lr, b1=0.9, b2=0.999, eps=1e-7)
    state = opt.init(params)

    def loss_fn(p, xb, yb):
        return jnp.mean((xb @ p[0] + p[1] - yb) ** 2)

    @jax.jit
    def step(p, s, xb, yb):
        grads = jax.grad(loss_fn)(p, xb, yb)
        updates, s = opt.update(grads, s, p)
        return optax.apply_updates(p, updates), s

    out = []
    for i in range(steps):
        sl = slice((i * 8) % N, (i * 8) % N + 8)
        params, state = step(params, state, x[sl], y[sl])
        out.append([np.asarray(p) for p in params])
    return out


def _optax_linear(lr, steps):
    return _optax_trajectory(lr, 3)[steps - 1]


def test_fit_converges_on_linear_regression():
    x, y = _data()
    model = _linear()
    model.compile(kc.optimizers.Adam(0.1), "mse")
    history = model.fit(x, y, batch_size=8, epochs=60, verbose=0)
    assert history.history["loss"][-1] < 1e-3 < history.history["loss"][0]
    kernel, bias = model.layers[-1].get_weights()
    assert_close(kernel, np.array([[1.5], [-2.0], [0.5]]), atol=2e-2, rtol=0)
    assert_close(bias, np.array([0.7]), atol=2e-2, rtol=0)


def test_adam_steps_equal_a_hand_written_optax_loop():
    x, y = _data()
    model = _linear()
    model.compile(kc.optimizers.Adam(0.01), "mse")
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)   # 3 steps
    expected = _optax_linear(0.01, 3)
    for got, want in zip(model.layers[-1].get_weights(), expected):
        assert_close(got, want, rtol=1e-5, atol=1e-6)
    assert int(model.optimizer.iterations.numpy()) == 3


def test_one_trace_over_equal_batches_and_state_synced_after_fit():
    x, y = _data()
    x5, y5 = np.concatenate([x, x[:16]]), np.concatenate([y, y[:16]])   # 5 batches of 8
    model = _linear()
    model.compile(kc.optimizers.SGD(0.01), "mse")
    model.fit(x5, y5, batch_size=8, epochs=2, verbose=0)
    model.evaluate(x5, y5, batch_size=8, verbose=0)
    model.evaluate(x5, y5, batch_size=8, verbose=0)
    trainer = _trainer(model)
    assert trainer.trace_counts["train"] == 1
    assert trainer.trace_counts["test"] == 1
    # Nothing held after the loops; the Variables hold live (not donated) arrays.
    assert trainer._state is None
    for v in model.variables + model.optimizer.variables:
        assert not v.value.is_deleted()
    assert int(model.optimizer.iterations.numpy()) == 10


def test_evaluate_after_fit_uses_the_trained_weights():
    x, y = _data()
    model = _linear()
    model.compile(kc.optimizers.Adam(0.05), "mse", metrics=["mae"])
    model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    kernel, bias = model.layers[-1].get_weights()
    assert not np.allclose(kernel, KERNEL0)
    pred = x @ kernel + bias
    result = model.evaluate(x, y, batch_size=N, verbose=0, return_dict=True)
    assert_close(result["loss"], np.mean((pred - y) ** 2), rtol=1e-5)
    assert_close(result["mae"], np.mean(np.abs(pred - y)), rtol=1e-5)
    assert_close(model.predict(x, batch_size=8, verbose=0), pred, rtol=1e-5, atol=1e-6)


def test_sync_mid_epoch_changes_nothing_and_shows_current_weights():
    x, y = _data()
    seen = []

    class Peek(kc.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            _trainer(self.model).sync_variables()
            seen.append(self.model.layers[-1].get_weights()[0].copy())

    runs = []
    for callbacks in ([], [Peek()]):
        model = _linear()
        model.compile(kc.optimizers.Adam(0.01), "mse")
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=callbacks)
        runs.append(model.layers[-1].get_weights())
    for a, b in zip(*runs):
        assert_close(a, b, rtol=0, atol=0)
    assert len(seen) == 6 and not np.allclose(seen[0], seen[1])
    assert_close(seen[2], _optax_linear(0.01, 3)[0], rtol=1e-5, atol=1e-6)


def test_learning_rate_set_between_epochs_is_used():
    x, y = _data()

    class Freeze(kc.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.optimizer.learning_rate = 0.0

    model = _linear()
    model.compile(kc.optimizers.SGD(0.01), "mse")
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    after_one = model.layers[-1].get_weights()
    model2 = _linear()
    model2.compile(kc.optimizers.SGD(0.01), "mse")
    model2.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=[Freeze()])
    for a, b in zip(model2.layers[-1].get_weights(), after_one):
        assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize("how", ["run_eagerly", "steps_per_execution"])
def test_same_weights_without_jit_and_with_grouped_steps(how):
    x, y = _data()
    kwargs = {"run_eagerly": {"run_eagerly": True},
              "steps_per_execution": {"steps_per_execution": 2}}[how]
    weights = []
    for extra in ({}, kwargs):
        model = _linear()
        model.compile(kc.optimizers.Adam(0.01), "mse", **extra)
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        weights.append(model.layers[-1].get_weights())
    for a, b in zip(*weights):
        assert_close(a, b, rtol=1e-6, atol=1e-7)
    counts = _trainer(model).trace_counts["train"]
    if how == "steps_per_execution":
        assert counts == 2   # a group of 2 batches and the epoch's last group of 1
    else:
        assert counts == 3   # no jit: the group function runs at every step


def test_jit_compile_false_runs_the_steps_without_jit():
    model = _linear()
    model.compile(kc.optimizers.SGD(0.01), "mse", jit_compile=False)
    trainer = _trainer(model)
    trainer.make_train_function()
    assert trainer._steps["train"] == trainer._group_train   # the plain Python step


def test_dropout_seed_state_advances_per_step():
    x, y = _data()

    class DropoutNet(kc.Model):   # subclassed: `training` reaches Dropout explicitly
        def __init__(self):
            super().__init__()
            self.hidden = kc.layers.Dense(4, kernel_initializer="ones")
            self.dropout = kc.layers.Dropout(0.5, seed=1)
            self.out = kc.layers.Dense(1, kernel_initializer="ones")

        def call(self, x, training=False):
            return self.out(self.dropout(self.hidden(x), training=training))

    model = DropoutNet()
    model.compile(kc.optimizers.Adam(0.01), "mse")
    state = model.dropout.seed_generator.state
    before = state.numpy().copy()
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)    # 6 steps
    after = state.numpy()
    assert after[0] == before[0] and after[1] == before[1] + 6
    assert np.isfinite(history.history["loss"]).all()
    # Each step draws a fresh mask: the same batch twice gives two different losses.
    model.optimizer.learning_rate = 0.0
    losses = [float(model.train_on_batch(x[:8], y[:8])) for _ in range(2)]
    assert losses[0] != losses[1]


def test_regularization_losses_are_counted_in_train_and_test():
    x, y = _data()
    l2, l1 = 0.1, 0.01
    model = _linear(kernel_regularizer=kc.regularizers.L2(l2),
                    activity_regularizer=kc.regularizers.L1(l1))
    model.compile(kc.optimizers.SGD(0.1), "mse")

    def total_loss(kernel, bias, xb, yb):
        pred = xb @ kernel + bias
        return (jnp.mean((pred - yb) ** 2) + l2 * jnp.sum(kernel ** 2)
                + l1 * jnp.sum(jnp.abs(pred)) / xb.shape[0])

    expected, (grad_k, grad_b) = jax.jit(jax.value_and_grad(total_loss, argnums=(0, 1)))(
        KERNEL0, BIAS0, x, y)
    assert_close(model.evaluate(x, y, batch_size=N, verbose=0), expected, rtol=1e-5)
    logged = model.train_on_batch(x, y)                 # the loss before the update
    assert_close(logged, expected, rtol=1e-5)
    kernel, bias = model.layers[-1].get_weights()
    assert_close(kernel, KERNEL0 - 0.1 * np.asarray(grad_k), rtol=1e-5, atol=1e-6)
    assert_close(bias, BIAS0 - 0.1 * np.asarray(grad_b), rtol=1e-5, atol=1e-6)


def test_default_train_step_is_stateless_and_jittable():
    x, y = _data()
    model = _linear()
    model.compile(kc.optimizers.Adam(0.01), "mse")
    model.fit(x[:8], y[:8], batch_size=8, epochs=1, verbose=0)   # builds optimizer and metrics
    model.layers[-1].set_weights([KERNEL0, BIAS0])
    for v in model.optimizer.variables:   # back to a fresh optimizer: iteration and slots
        if "learning_rate" not in v.path:
            v.assign(np.zeros(v.shape, v.dtype))
    model.reset_metrics()
    state = ([v.value for v in model.trainable_variables],
             [v.value for v in model.non_trainable_variables],
             [v.value for v in model.optimizer.variables],
             [v.value for v in model.metrics_variables])
    step = jax.jit(model.train_step)
    for i in range(3):
        logs, state = step(state, (x[8 * i:8 * i + 8], y[8 * i:8 * i + 8]))
    assert_close(model.layers[-1].kernel.numpy(), KERNEL0, rtol=0, atol=0)   # untouched
    for got, want in zip(state[0], _optax_linear(0.01, 3)):
        assert_close(got, want, rtol=1e-5, atol=1e-6)
    assert set(logs) == {"loss"}
    outputs, _ = model.predict_step((state[0], state[1]), (x,))
    assert_close(outputs, x @ np.asarray(state[0][0]) + np.asarray(state[0][1]), rtol=1e-5)


# Keras 3's guide "Customizing what happens in fit() with JAX", run with `import kc as keras`.
keras = kc


class GuideModel(keras.Model):
    def compute_loss_and_updates(self, trainable_variables, non_trainable_variables,
                                 metrics_variables, x, y, sample_weight, training=False):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training)
        loss, (trainable_variables, non_trainable_variables, metrics_variables) = \
            self.stateless_compute_loss(trainable_variables, non_trainable_variables,
                                        metrics_variables, x=x, y=y, y_pred=y_pred,
                                        sample_weight=sample_weight, training=training)
        return loss, (y_pred, non_trainable_variables, metrics_variables)

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = \
            state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable_variables, metrics_variables)), grads = grad_fn(
            trainable_variables, non_trainable_variables, metrics_variables, x, y,
            sample_weight, training=True)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        new_metrics_vars, logs = [], {}
        for metric in self.metrics:
            this = metrics_variables[len(new_metrics_vars):
                                     len(new_metrics_vars) + len(metric.variables)]
            if metric.name == "loss":
                this = metric.stateless_update_state(this, loss, sample_weight=sample_weight)
            else:
                this = metric.stateless_update_state(this, y, y_pred,
                                                     sample_weight=sample_weight)
            logs[metric.name] = metric.stateless_result(this)
            new_metrics_vars += this
        return logs, (trainable_variables, non_trainable_variables, optimizer_variables,
                      new_metrics_vars)

    def test_step(self, state, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        trainable_variables, non_trainable_variables, metrics_variables = state
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=False)
        loss, (trainable_variables, non_trainable_variables, metrics_variables) = \
            self.stateless_compute_loss(trainable_variables, non_trainable_variables,
                                        metrics_variables, x=x, y=y, y_pred=y_pred,
                                        sample_weight=sample_weight, training=False)
        new_metrics_vars, logs = [], {}
        for metric in self.metrics:
            this = metrics_variables[len(new_metrics_vars):
                                     len(new_metrics_vars) + len(metric.variables)]
            if metric.name == "loss":
                this = metric.stateless_update_state(this, loss, sample_weight=sample_weight)
            else:
                this = metric.stateless_update_state(this, y, y_pred,
                                                     sample_weight=sample_weight)
            logs[metric.name] = metric.stateless_result(this)
            new_metrics_vars += this
        return logs, (trainable_variables, non_trainable_variables, new_metrics_vars)


class LowLevelGuideModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def compute_loss_and_updates(self, trainable_variables, non_trainable_variables, x, y,
                                 sample_weight, training=False):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training)
        loss = self.loss_fn(y, y_pred, sample_weight=sample_weight)
        return loss, (y_pred, non_trainable_variables)

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = \
            state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable_variables)), grads = grad_fn(
            trainable_variables, non_trainable_variables, x, y, sample_weight, training=True)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        loss_vars = metrics_variables[:len(self.loss_tracker.variables)]
        mae_vars = metrics_variables[len(self.loss_tracker.variables):]
        loss_vars = self.loss_tracker.stateless_update_state(loss_vars, loss,
                                                             sample_weight=sample_weight)
        mae_vars = self.mae_metric.stateless_update_state(mae_vars, y, y_pred,
                                                          sample_weight=sample_weight)
        logs = {self.loss_tracker.name: self.loss_tracker.stateless_result(loss_vars),
                self.mae_metric.name: self.mae_metric.stateless_result(mae_vars)}
        return logs, (trainable_variables, non_trainable_variables, optimizer_variables,
                      loss_vars + mae_vars)

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def test_keras_guide_custom_train_step_and_test_step_run_unchanged():
    x, y = _data()
    runs = []
    for cls in (kc.Model, GuideModel):
        model = _linear(cls)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
        history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        result = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
        runs.append((model.layers[-1].get_weights(), history.history, result))
    (w_default, h_default, r_default), (w_guide, h_guide, r_guide) = runs
    for a, b in zip(w_default, w_guide):
        assert_close(a, b, rtol=1e-6, atol=1e-7)
    assert_close(h_guide["loss"], h_default["loss"], rtol=1e-5)
    kernel, bias = w_guide
    pred = x @ kernel + bias
    assert_close(r_guide["loss"], np.mean((pred - y) ** 2), rtol=1e-5)
    assert_close(r_guide["mae"], np.mean(np.abs(pred - y)), rtol=1e-5)
    assert_close(r_guide["loss"], r_default["loss"], rtol=1e-5)


def test_keras_guide_low_level_train_step_with_own_metrics():
    x, y = _data()
    model = _linear(LowLevelGuideModel)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    expected = _optax_linear(0.01, 3)
    for got, want in zip(model.layers[-1].get_weights(), expected):
        assert_close(got, want, rtol=1e-5, atol=1e-6)
    # The epoch's loss is the mean of the 3 batch losses, computed before each update.
    params, batch_losses = [KERNEL0, BIAS0], []
    for i in range(3):
        xb, yb = x[8 * i:8 * i + 8], y[8 * i:8 * i + 8]
        batch_losses.append(np.mean((xb @ params[0] + params[1] - yb) ** 2))
        params = _optax_linear(0.01, i + 1)
    assert_close(history.history["loss"][0], np.mean(batch_losses), rtol=1e-5)
    assert set(history.history) == {"loss", "mae"}



def test_variables_holding_one_array_can_be_donated():
    x, y = _data()
    model = _linear()
    model.compile(kc.optimizers.Adam(0.01), "mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    kernel = model.layers[-1].kernel
    momentum = next(v for v in model.optimizer.variables if v.shape == (3, 1))
    momentum._value = kernel.value   # two Variables on one jax array (white box)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)   # XLA refuses a buffer donated twice
    assert np.isfinite(kernel.numpy()).all() and np.isfinite(momentum.numpy()).all()
