"""The fit/evaluate/predict loops (kc.train): Keras 3's contract, values against NumPy.

Evaluation and prediction run on every backend; training tests are marked `grad`
(the numpy backend cannot train). Losses use Keras 3's reduction: per batch
``sum(w * l) / batch_size``, averaged over batches weighted by their size, so an
epoch's loss is ``sum(w * l) / N`` even with a shorter last batch.
"""

import numpy as np
import pytest

import kc
from kc import layers
from kc_testing import BACKEND, assert_close, to_numpy

RNG = np.random.default_rng(0)
X = RNG.normal(size=(10, 3)).astype("float32")
Y = RNG.normal(size=(10, 2)).astype("float32")
W = RNG.normal(size=(3, 2)).astype("float32")
B = np.array([0.5, -0.25], dtype="float32")
# Tests of the loop's own logic run tensorflow's steps eagerly (tracing a tf.function per
# model costs seconds); jax stays jitted (op-by-op jax is slower than one compile).
EAGER = {"run_eagerly": True} if BACKEND == "tensorflow" else {}


def close(actual, expected, **kwargs):
    """`assert_close` at float32 tolerance for Python floats, lists and arrays alike."""
    assert_close(np.asarray(to_numpy(actual) if hasattr(actual, "shape") else actual,
                            dtype="float32"), np.asarray(expected), dtype="float32", **kwargs)


def linear_model(w=W, b=B, optimizer=None, loss="mse", **compile_kwargs):
    """Dense(w.shape[1]) with the given weights, compiled (SGD(0.1) unless given)."""
    model = kc.Sequential([kc.Input((w.shape[0],)), layers.Dense(w.shape[1])])
    model.set_weights([w, b])
    if optimizer is None:
        optimizer = kc.optimizers.SGD(learning_rate=0.1)
    model.compile(optimizer=optimizer, loss=loss, **compile_kwargs)
    return model


def frozen(model_fn=linear_model, **kwargs):
    """A model whose training does not move the weights (learning rate 0)."""
    return model_fn(optimizer=kc.optimizers.SGD(learning_rate=0.0), **kwargs)


def mse_per_sample(x, y, w=W, b=B):
    return np.mean((x @ w + b - y) ** 2, axis=-1)


def mae_per_sample(x, y, w=W, b=B):
    return np.mean(np.abs(x @ w + b - y), axis=-1)


class Recorder(kc.callbacks.Callback):
    """Records the hook calls it sees as (hook, index) pairs."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _record(name):
        def hook(self, index=None, logs=None):
            self.calls.append((name, index))
        return hook

    on_epoch_begin = _record("epoch_begin")
    on_epoch_end = _record("epoch_end")
    on_train_batch_begin = _record("train_begin")
    on_train_batch_end = _record("train_end")
    on_test_batch_begin = _record("test_begin")
    on_test_batch_end = _record("test_end")
    on_predict_batch_begin = _record("predict_begin")
    on_predict_batch_end = _record("predict_end")

    def indices(self, name):
        return [i for n, i in self.calls if n == name]


# --- evaluate / predict (every backend) --------------------------------------------------------
def test_evaluate_matches_numpy_with_sample_weight_and_partial_batch():
    model = linear_model(metrics=["mae"], weighted_metrics=["mse"])
    sw = RNG.uniform(0.5, 2.0, size=10).astype("float32")
    loss = mse_per_sample(X, Y)
    expected = {
        "loss": np.sum(sw * loss) / 10,  # batches of 4, 4, 2
        "mae": np.mean(mae_per_sample(X, Y)),
        "mse": np.sum(sw * loss) / np.sum(sw),
    }
    result = model.evaluate(X, Y, sample_weight=sw, batch_size=4, verbose=0, return_dict=True)
    assert sorted(result) == sorted(expected)
    for name, value in expected.items():
        assert type(result[name]) is float
        close(result[name], value)
    listed = model.evaluate(X, Y, sample_weight=sw, batch_size=4, verbose=0)
    close(np.array(listed), [expected["loss"], expected["mae"], expected["mse"]])


def test_evaluate_returns_a_scalar_without_metrics_and_respects_steps():
    model = linear_model(**EAGER)
    loss = model.evaluate(X, Y, batch_size=4, steps=2, verbose=0)  # the first 8 samples only
    assert type(loss) is float
    close(loss, np.mean(mse_per_sample(X[:8], Y[:8])))


def test_predict_equals_model_call_for_nested_outputs():
    inputs = kc.Input((3,))
    a = layers.Dense(2, name="a")(inputs)
    b = layers.Dense(1, name="b")(inputs)
    model = kc.Model(inputs, {"a": a, "pair": [b, a]})
    x = RNG.normal(size=(7, 3)).astype("float32")
    expected = kc.tree.map_structure(to_numpy, model(x))
    head = kc.tree.map_structure(lambda a: a[:3], expected)
    # 7 samples in batches of 3 (a shorter last batch); one batch of 3 (same compiled shape).
    for result, want in ((model.predict(x, batch_size=3, verbose=0), expected),
                         (model.predict_on_batch(x[:3]), head)):
        assert sorted(result) == ["a", "pair"] and isinstance(result["pair"], list)
        for got, value in zip(kc.tree.flatten(result), kc.tree.flatten(want)):
            assert isinstance(got, np.ndarray) and got.shape == value.shape
            close(got, value)


def test_test_on_batch_values_and_fresh_metrics_each_call():
    model = linear_model(metrics=["mae"])
    first = model.test_on_batch(X[:4], Y[:4])
    second = model.test_on_batch(X[4:], Y[4:], return_dict=True)
    close(np.array(first), [np.mean(mse_per_sample(X[:4], Y[:4])),
                                   np.mean(mae_per_sample(X[:4], Y[:4]))])
    # Metrics are reset per call (Keras 3): the second result is its batch's alone.
    close(second["loss"], np.mean(mse_per_sample(X[4:], Y[4:])))
    close(second["mae"], np.mean(mae_per_sample(X[4:], Y[4:])))


@pytest.mark.parametrize("loop", ["evaluate", "predict"])
def test_batch_indices_under_steps_per_execution(loop):
    # Keras 3.15 reports (begin, begin + steps_per_execution - 1) for each group, also for
    # a shorter last group (checked with KERAS_BACKEND=jax): 10 batches -> ends 2, 5, 8, 11.
    model = linear_model(steps_per_execution=3, **EAGER)
    rec = Recorder()
    if loop == "evaluate":
        model.evaluate(X, Y, batch_size=1, verbose=0, callbacks=[rec])
    else:
        out = model.predict(X, batch_size=1, verbose=0, callbacks=[rec])
        close(out, X @ W + B)
    kind = "test" if loop == "evaluate" else "predict"
    assert rec.indices(f"{kind}_begin") == [0, 3, 6, 9]
    assert rec.indices(f"{kind}_end") == [2, 5, 8, 11]


def test_stop_evaluating_and_stop_predicting():
    class Stop(kc.callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            self.model.stop_evaluating = True

        def on_predict_batch_end(self, batch, logs=None):
            self.model.stop_predicting = True

    model = linear_model(**EAGER)
    loss = model.evaluate(X, Y, batch_size=4, verbose=0, callbacks=[Stop()])
    close(loss, np.mean(mse_per_sample(X[:4], Y[:4])))
    assert model.predict(X, batch_size=4, verbose=0, callbacks=[Stop()]).shape == (4, 2)


# --- errors --------------------------------------------------------------------------------------
def _uncompiled():
    return kc.Sequential([kc.Input((3,)), layers.Dense(2)])


def _gen():
    while True:
        yield X, Y


ERRORS = [  # (name, call, exception, words the message must hold)
    ("fit_before_compile", lambda: _uncompiled().fit(X, Y, verbose=0), ValueError,
     ["compile()", "fit"]),
    ("evaluate_before_compile", lambda: _uncompiled().evaluate(X, Y, verbose=0), ValueError,
     ["compile()", "evaluate"]),
    ("y_shape_for_loss", lambda: linear_model(**EAGER).evaluate(
        X, Y[:, :1].repeat(3, 1), verbose=0), ValueError, ["(10, 3)", "(10, 2)"]),
    ("sample_weight_length", lambda: linear_model(**EAGER).evaluate(
        X, Y, sample_weight=np.ones(7), verbose=0), ValueError, ["sample_weight", "7", "10"]),
    ("x_y_lengths", lambda: linear_model(**EAGER).evaluate(X, Y[:6], verbose=0), ValueError,
     ["'y' sizes: 6", "'x' sizes: 10"]),
    ("test_on_batch_lengths", lambda: linear_model(**EAGER).test_on_batch(X, Y[:6]), ValueError,
     ["y", "6", "10"]),
    ("unknown_evaluate_argument", lambda: linear_model(**EAGER).evaluate(X, Y, verbose=0, foo=1),
     ValueError, ["foo"]),
    ("bad_verbose", lambda: linear_model(**EAGER).evaluate(X, Y, verbose="loud"), ValueError,
     ["verbose", "loud"]),
]
GRAD_ERRORS = [
    ("validation_split_on_generator", lambda: linear_model(**EAGER).fit(
        _gen(), steps_per_epoch=2, validation_split=0.2, verbose=0), ValueError,
     ["validation_split", "generator", "validation_data"]),
    ("validation_split_out_of_range", lambda: linear_model(**EAGER).fit(
        X, Y, validation_split=1.5, verbose=0), ValueError, ["validation_split", "1.5"]),
    ("validation_freq_type", lambda: linear_model(**EAGER).fit(
        X, Y, validation_split=0.5, validation_freq="2", verbose=0), ValueError,
     ["validation_freq", "str"]),
    ("fit_sample_weight_length", lambda: linear_model(**EAGER).fit(
        X, Y, sample_weight=np.ones(3), verbose=0), ValueError, ["sample_weight", "3"]),
    ("class_and_sample_weight", lambda: linear_model(**EAGER).train_on_batch(
        X, Y[:, :1], sample_weight=np.ones(10), class_weight={0: 1.0}), ValueError,
     ["sample_weight", "class_weight"]),
]


@pytest.mark.parametrize("name, call, exc, words", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


@pytest.mark.grad
@pytest.mark.parametrize("name, call, exc, words", GRAD_ERRORS, ids=[e[0] for e in GRAD_ERRORS])
def test_fit_errors(name, call, exc, words):
    test_errors(name, call, exc, words)


@pytest.mark.skipif(BACKEND != "numpy", reason="only the numpy backend cannot train")
@pytest.mark.parametrize("call", [lambda m: m.fit(X, Y, verbose=0),
                                  lambda m: m.train_on_batch(X, Y)])
def test_numpy_backend_cannot_train(call):
    model = linear_model()
    with pytest.raises(NotImplementedError, match="numpy backend cannot train.*jax, torch or "
                                                  "tensorflow"):
        call(model)
    assert_close(model.get_weights()[0], W)  # nothing changed


# --- fit (backends with gradients) ---------------------------------------------------------------
@pytest.mark.grad
def test_fit_linear_regression_converges_to_known_weights():
    x = RNG.normal(size=(64, 3)).astype("float32")
    w_true = np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    y = x @ w_true + 0.3
    model = linear_model(np.zeros((3, 1), "float32"), np.zeros((1,), "float32"), **EAGER)
    history = model.fit(x, y, batch_size=16, epochs=25, verbose=0)
    kernel, bias = model.get_weights()
    assert_close(kernel, w_true, atol=1e-3, rtol=0)
    assert_close(bias, [0.3], atol=1e-3, rtol=0)
    assert history.history["loss"][-1] < 1e-5 < history.history["loss"][0]


@pytest.mark.grad
@pytest.mark.parametrize("freq, validated", [(2, [1]), ([1, 3], [0, 2])])
def test_history_keys_lengths_and_validation_freq(freq, validated):
    model = linear_model(metrics=["mae"], **EAGER)
    rec = Recorder()
    history = model.fit(X, Y, batch_size=4, epochs=3, validation_split=0.2,
                        validation_freq=freq, verbose=0, callbacks=[rec])
    assert history is model.history
    assert history.epoch == [0, 1, 2]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}  # 8 training samples
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert len(history.history["loss"]) == 3
    assert len(history.history["val_loss"]) == len(validated)
    assert all(type(v) is float for v in history.history["loss"])
    # Validation ran (one test batch of 2 samples) after exactly the validated epochs.
    ends = [i for n, i in rec.calls if n in ("epoch_end", "test_end")]
    expected = []
    for epoch in range(3):
        expected += [0, epoch] if epoch in validated else [epoch]
    assert ends == expected


@pytest.mark.grad
def test_validation_split_takes_the_last_rows_before_shuffling():
    model = frozen(**EAGER)
    history = model.fit(X, Y, batch_size=7, epochs=1, validation_split=0.3, shuffle=True,
                        verbose=0)
    close(history.history["loss"][0], np.mean(mse_per_sample(X[:7], Y[:7])))
    close(history.history["val_loss"][0], np.mean(mse_per_sample(X[7:], Y[7:])))


@pytest.mark.grad
def test_validation_data_with_sample_weight():
    model = frozen(**EAGER)
    sw = np.linspace(0.5, 2.0, 10).astype("float32")
    history = model.fit(X[:4], Y[:4], epochs=1, verbose=0, validation_data=(X, Y, sw),
                        validation_batch_size=4)
    close(history.history["val_loss"][0], np.sum(sw * mse_per_sample(X, Y)) / 10)


@pytest.mark.grad
def test_class_weight_weights_each_sample_by_its_class():
    w, b = W[:, :1], B[:1]
    y = (RNG.uniform(size=(10, 1)) > 0.5).astype("float32")
    class_weight = {0: 1.0, 1: 3.0}
    sw = np.where(y[:, 0] > 0.5, 3.0, 1.0)
    expected = np.sum(sw * mse_per_sample(X, y, w, b)) / 10
    model = frozen(w=w, b=b, **EAGER)
    history = model.fit(X, y, batch_size=10, class_weight=class_weight, verbose=0)
    close(history.history["loss"][0], expected)
    result = model.train_on_batch(X, y, class_weight=class_weight)
    close(result, expected)


@pytest.mark.grad
def test_steps_per_execution_gives_the_weights_of_single_steps():
    x = RNG.normal(size=(14, 3)).astype("float32")
    y = RNG.normal(size=(14, 2)).astype("float32")
    runs = []
    for spe in (1, 3):
        model = linear_model(steps_per_execution=spe)
        rec = Recorder()
        history = model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0,
                            callbacks=[rec])
        runs.append((model.get_weights(), history.history["loss"], rec))
    (w1, loss1, _), (w3, loss3, rec3) = runs
    for a, b in zip(w1, w3):
        close(a, b)
    close(np.array(loss1), np.array(loss3))
    # 7 batches in groups of 3: Keras 3's indices (the last group reports 6..8).
    assert rec3.indices("train_begin") == [0, 3, 6] * 2
    assert rec3.indices("train_end") == [2, 5, 8] * 2


@pytest.mark.grad
def test_initial_epoch():
    model = linear_model(**EAGER)
    rec = Recorder()
    history = model.fit(X, Y, epochs=3, initial_epoch=1, verbose=0, callbacks=[rec])
    assert history.epoch == [1, 2]
    assert len(history.history["loss"]) == 2
    assert rec.indices("epoch_begin") == [1, 2]
    assert model.fit(X, Y, epochs=2, initial_epoch=2, verbose=0).history == {}


@pytest.mark.grad
@pytest.mark.parametrize("at", ["batch", "epoch"])
def test_stop_training_from_a_callback(at):
    class Stop(Recorder):
        def on_train_batch_end(self, batch, logs=None):
            super().on_train_batch_end(batch, logs)
            if at == "batch" and batch == 1:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            if at == "epoch" and epoch == 1:
                self.model.stop_training = True

    model = linear_model(**EAGER)
    rec = Stop()
    history = model.fit(X, Y, batch_size=2, epochs=5, verbose=0, callbacks=[rec])
    if at == "batch":
        assert rec.indices("train_end") == [0, 1] and history.epoch == [0]
    else:
        assert rec.indices("train_end") == list(range(5)) * 2 and history.epoch == [0, 1]


@pytest.mark.grad
def test_train_on_batch_is_one_sgd_step():
    lr = 0.1
    model = linear_model(optimizer=kc.optimizers.SGD(learning_rate=lr), metrics=["mae"])
    loss, mae = model.train_on_batch(X, Y)
    # The returned values are computed before the update (forward pass of the step).
    close(loss, np.mean(mse_per_sample(X, Y)))
    close(mae, np.mean(mae_per_sample(X, Y)))
    err = X @ W + B - Y
    grad_w = 2.0 * X.T @ err / err.size
    grad_b = 2.0 * err.sum(axis=0) / err.size
    kernel, bias = model.get_weights()
    close(kernel, W - lr * grad_w)
    close(bias, B - lr * grad_b)
    # Metrics are reset per call: a frozen model gives each batch's own loss.
    frozen_model = frozen(**EAGER)
    first = frozen_model.train_on_batch(X[:5], Y[:5])
    second = frozen_model.train_on_batch(X[5:], Y[5:], return_dict=True)
    close(first, np.mean(mse_per_sample(X[:5], Y[:5])))
    close(second["loss"], np.mean(mse_per_sample(X[5:], Y[5:])))


@pytest.mark.grad
def test_fit_then_evaluate_and_predict_use_the_trained_weights():
    model = linear_model()
    rec = Recorder()
    history = model.fit(X, Y, batch_size=5, epochs=2, verbose=0, callbacks=[rec],
                        validation_data=(X, Y))
    kernel, bias = model.get_weights()
    assert not np.allclose(kernel, W)
    expected = np.mean(mse_per_sample(X, Y, kernel, bias))
    close(model.evaluate(X, Y, batch_size=5, verbose=0), expected)
    close(history.history["val_loss"][-1], expected)
    close(model.predict(X, batch_size=5, verbose=0), X @ kernel + bias)
    # Validation batches reach the fit's callbacks (Keras passes them to evaluate).
    assert rec.indices("test_end") == [0, 1] * 2


@pytest.mark.grad
def test_resume_point_set_by_a_callback():
    # BackupAndRestore sets where to resume in on_train_begin: the epoch (Keras 3's
    # `_initial_epoch`) and, kc only, the steps of that epoch already trained.
    class Resume(Recorder):
        def on_train_begin(self, logs=None):
            self.model._initial_epoch = 1
            self.model._kc_initial_step = 3

    model = linear_model(**EAGER)
    rec = Resume()
    history = model.fit(X, Y, batch_size=2, epochs=3, shuffle=False, verbose=0, callbacks=[rec])
    assert history.epoch == [1, 2]
    assert rec.indices("train_begin") == [3, 4] + [0, 1, 2, 3, 4]
    assert model._initial_epoch is None and model._kc_initial_step is None
    assert model.fit(X, Y, batch_size=2, epochs=1, verbose=0, callbacks=[Recorder()]).epoch == [0]


@pytest.mark.grad
def test_validation_steps_start_the_validation_data_over_each_epoch():
    seen = []

    class Batches(kc.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            seen.append(i)
            return X[3 * i:3 * i + 3], Y[3 * i:3 * i + 3]

    model = frozen(**EAGER)
    history = model.fit(X, Y, batch_size=5, epochs=3, verbose=0, validation_data=Batches(),
                        validation_steps=2)
    assert seen == [0, 1] * 3  # Keras: every validation run sees batches 0 and 1
    expected = float(np.mean(mse_per_sample(X[:6], Y[:6])))
    close(history.history["val_loss"], [expected] * 3, rtol=1e-5)
