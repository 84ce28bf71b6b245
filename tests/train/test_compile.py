"""Compiled losses and metrics (kc.train._compile) and the Model hooks that use them.

Values are checked against NumPy formulas written here; metric and log names against what
Keras 3.15 gives for the same compile call. The Keras names were obtained by running the
same models with real Keras (``KERAS_BACKEND=torch`` and ``jax``, ``.venv/bin/python``):
``sorted(model.evaluate(x, y, return_dict=True))`` and ``model.metrics_names`` after one
evaluate call.
"""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc import layers
from kc.train._compile import CompileLoss, CompileMetrics
from kc.train._hooks import build_containers
from kc_testing import BACKEND, assert_close, compiled, to_numpy

RNG = np.random.default_rng(0)
N = 6
X = RNG.uniform(size=(N, 3)).astype("float32")
Y_CAT = np.eye(2, dtype="float32")[[0, 1, 1, 0, 1, 0]]
Y_BIN = np.array([[1], [0], [0], [1], [1], [0]], dtype="float32")
Y_SPARSE = np.array([0, 1, 1, 0, 1, 0], dtype="int32")
P_CAT = np.array([[0.7, 0.3], [0.4, 0.6], [0.8, 0.2], [0.1, 0.9], [0.5, 0.5],
                  [0.3, 0.7]], dtype="float32")
P_BIN = np.array([[0.9], [0.2], [0.6], [0.3], [0.8], [0.4]], dtype="float32")
SW = np.array([1.0, 0.5, 2.0, 0.0, 1.5, 1.0], dtype="float32")
EPS = 1e-7


def t(x):
    return kc.ops.convert_to_tensor(x)


def cce(y, p):
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return -(y * np.log(p)).sum(-1)


def bce(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(-1)


def two_output_model():
    inputs = kc.Input((3,))
    out1 = layers.Dense(2, activation="softmax", name="out1")(inputs)
    out2 = layers.Dense(1, activation="sigmoid", name="out2")(inputs)
    return kc.Model(inputs, [out1, out2])


def one_output_model(units=2, activation="softmax", **kwargs):
    inputs = kc.Input((3,))
    return kc.Model(inputs, layers.Dense(units, activation=activation, name="d", **kwargs)(inputs))


# --- CompileLoss values ------------------------------------------------------------------------
def test_single_loss_value_and_weight():
    loss = CompileLoss("mse", loss_weights=2.5)
    value = loss(t(Y_CAT), t(P_CAT))
    assert_close(value, 2.5 * ((Y_CAT - P_CAT) ** 2).mean(), dtype="float32")
    assert loss.metrics == []  # one loss: no per-output tracker (as Keras)
    weighted = CompileLoss("mse")(t(Y_CAT), t(P_CAT), t(SW))
    assert_close(weighted, (((Y_CAT - P_CAT) ** 2).mean(-1) * SW).mean(), dtype="float32")


@pytest.mark.parametrize("form", ["list", "dict"])
def test_multi_output_losses_weights_and_trackers(form):
    names = ["out1", "out2"]
    if form == "list":
        loss = CompileLoss(["categorical_crossentropy", "binary_crossentropy"],
                           loss_weights=[0.5, 2.0], output_names=names)
        y = [t(Y_CAT), t(Y_BIN)]
    else:
        loss = CompileLoss({"out1": "categorical_crossentropy", "out2": "binary_crossentropy"},
                           loss_weights={"out2": 2.0, "out1": 0.5}, output_names=names)
        y = {"out2": t(Y_BIN), "out1": t(Y_CAT)}
    l1, l2 = cce(Y_CAT, P_CAT).mean(), bce(Y_BIN, P_BIN).mean()
    value = loss(y, [t(P_CAT), t(P_BIN)])
    assert_close(value, 0.5 * l1 + 2.0 * l2, dtype="float32")
    # Keras 3 tracks each output's unweighted loss, weighted by the batch size.
    assert [m.name for m in loss.metrics] == ["out1_loss", "out2_loss"]
    assert_close(loss.metrics[0].result(), l1, dtype="float32")
    assert_close(loss.metrics[1].result(), l2, dtype="float32")
    loss(y, [t(P_CAT), t(P_BIN)], sample_weight=[t(SW), None])  # per-output sample weights
    l1_w = (cce(Y_CAT, P_CAT) * SW).mean()
    assert_close(loss.metrics[0].result(), (l1 + l1_w) / 2, dtype="float32")


def test_one_loss_for_every_output_and_none_outputs():
    loss = CompileLoss("mse", output_names=["out1", "out2"])
    value = loss([t(Y_CAT), t(Y_BIN)], [t(P_CAT), t(P_BIN)], t(SW))  # one weight for all
    expected = (((Y_CAT - P_CAT) ** 2).mean(-1) * SW).mean() + (((Y_BIN - P_BIN) ** 2)[:, 0]
                                                                * SW).mean()
    assert_close(value, expected, dtype="float32")
    skip = CompileLoss(["categorical_crossentropy", None], output_names=["out1", "out2"])
    assert_close(skip([t(Y_CAT), None], [t(P_CAT), t(P_BIN)]), cce(Y_CAT, P_CAT).mean(),
                 dtype="float32")
    assert skip.metrics == []  # one active loss


def test_sparse_labels_and_mask():
    loss = CompileLoss("sparse_categorical_crossentropy")
    assert_close(loss(t(Y_SPARSE), t(P_CAT)), cce(Y_CAT, P_CAT).mean(), dtype="float32")
    # A mask carried by the output leaves masked samples out of the loss and the metric.
    pred = t(P_CAT.copy())  # numpy/jax keep masks in a side table keyed by the array
    mask = np.array([1, 1, 0, 1, 0, 1], dtype=bool)
    kc.backend.set_keras_mask(pred, t(mask))
    masked = CompileLoss("categorical_crossentropy")(t(Y_CAT), pred)
    assert_close(masked, cce(Y_CAT, P_CAT)[mask].mean(), dtype="float32")
    metrics = CompileMetrics(["accuracy"], None)
    metrics.update_state(t(Y_CAT), pred)
    hits = (Y_CAT.argmax(-1) == P_CAT.argmax(-1))
    assert_close(metrics.result()["accuracy"], hits[mask].mean(), dtype="float32")


# --- CompileMetrics ------------------------------------------------------------------------------
ACCURACY_CASES = [  # (y_true, y_pred) -> the class Keras 3.15 picks for "accuracy"
    (Y_CAT, P_CAT, "CategoricalAccuracy"),
    (Y_SPARSE, P_CAT, "SparseCategoricalAccuracy"),
    (Y_SPARSE[:, None], P_CAT, "SparseCategoricalAccuracy"),
    (Y_BIN, P_BIN, "BinaryAccuracy"),
    (np.stack([Y_BIN[:, 0], 1 - Y_BIN[:, 0]], -1), P_CAT, "CategoricalAccuracy"),  # multi-label
]


@pytest.mark.parametrize("y_true, y_pred, cls", ACCURACY_CASES)
def test_accuracy_and_crossentropy_resolution(y_true, y_pred, cls):
    metrics = CompileMetrics(["accuracy", "acc", "crossentropy"], None)
    metrics.update_state(t(y_true), t(y_pred))
    got = [type(m).__name__ for m in metrics.metrics]
    assert got == [cls, cls, cls.replace("Accuracy", "Crossentropy")]
    assert [m.name for m in metrics.metrics] == ["accuracy", "acc", "crossentropy"]
    result = metrics.result()
    if cls == "BinaryAccuracy":
        expected = ((y_pred > 0.5) == y_true).mean()
    else:
        labels = y_true.argmax(-1) if y_true.ndim == 2 and y_true.shape[-1] > 1 \
            else y_true.reshape(-1)
        expected = (labels == y_pred.argmax(-1)).mean()
    assert_close(result["accuracy"], expected, dtype="float32")
    assert_close(result["acc"], expected, dtype="float32")


def test_weighted_metrics_get_sample_weight_and_metrics_do_not():
    metrics = CompileMetrics(["mae"], ["mse", "mae"])
    metrics.update_state(t(Y_CAT), t(P_CAT), t(SW))
    result = metrics.result()
    assert list(result) == ["mae", "mse", "weighted_mae"]  # as Keras 3.15
    ae, se = np.abs(Y_CAT - P_CAT).mean(-1), ((Y_CAT - P_CAT) ** 2).mean(-1)
    assert_close(result["mae"], ae.mean(), dtype="float32")
    assert_close(result["mse"], (se * SW).sum() / SW.sum(), dtype="float32")
    assert_close(result["weighted_mae"], (ae * SW).sum() / SW.sum(), dtype="float32")
    metrics.reset_state()
    assert_close(metrics.result()["mae"], 0.0, dtype="float32")


def test_metric_names_match_keras():
    single = CompileMetrics(["mse", "mse"], ["mse", kc.metrics.MeanSquaredError(name="mse")])
    single.update_state(t(Y_CAT), t(P_CAT))
    assert sorted(single.result()) == ["mse", "mse_1", "weighted_mse", "weighted_mse_1"]
    multi = CompileMetrics(
        {"out1": kc.metrics.MeanSquaredError(name="x"),
         "out2": [kc.metrics.MeanSquaredError(), "mse", "mean_squared_error"]},
        {"out1": ["mse"]}, output_names=["out1", "out2"])
    multi.update_state([t(Y_CAT), t(Y_BIN)], [t(P_CAT), t(P_BIN)])
    assert sorted(multi.result()) == ["out1_mse", "out1_x", "out2_mean_squared_error",
                                      "out2_mean_squared_error_1", "out2_mse"]


# --- Models: compile -> compute_loss / compute_metrics / metrics ------------------------------
def test_model_dict_compile_values_and_names():
    model = two_output_model()
    model.compile("sgd", loss={"out1": "categorical_crossentropy", "out2": "binary_crossentropy"},
                  loss_weights={"out1": 0.5, "out2": 2.0},
                  metrics={"out1": "acc", "out2": ["acc", "binary_crossentropy"]},
                  weighted_metrics={"out2": ["mae", "acc"]})
    assert model.metrics_names == ["loss", "compile_metrics"]
    y = [t(Y_CAT), t(Y_BIN)]
    p1, p2 = (to_numpy(v) for v in model(X))
    y_pred = model(X)
    loss = model.compute_loss(X, y, y_pred, sample_weight=t(SW))
    l1, l2 = (cce(Y_CAT, p1) * SW).mean(), (bce(Y_BIN, p2) * SW).mean()
    assert_close(loss, 0.5 * l1 + 2.0 * l2, dtype="float32", rtol=1e-5, atol=1e-6)
    logs = model.compute_metrics(X, y, y_pred, sample_weight=t(SW))
    assert sorted(logs) == ["loss", "out1_acc", "out1_loss", "out2_acc",
                            "out2_binary_crossentropy", "out2_loss", "out2_mae",
                            "out2_weighted_acc"]
    assert model.metrics_names == ["loss", "compile_metrics", "out1_loss", "out2_loss"]
    hits = ((p2 > 0.5) == Y_BIN)[:, 0]
    assert_close(logs["out2_acc"], hits.mean(), dtype="float32")
    assert_close(logs["out2_weighted_acc"], (hits * SW).sum() / SW.sum(), dtype="float32")
    assert_close(logs["out2_mae"], (np.abs(Y_BIN - p2)[:, 0] * SW).sum() / SW.sum(),
                 dtype="float32")
    assert_close(logs["out1_loss"], l1, dtype="float32", rtol=1e-5, atol=1e-6)
    assert_close(logs["loss"], 0.0, dtype="float32")  # the trainer updates the loss tracker
    assert len(model.metrics_variables) == 2 * 8  # total/count of 8 Mean-based metrics
    model.reset_metrics()
    assert all(float(to_numpy(v)) == 0.0 for v in model.metrics_variables)


def test_loss_dict_order_sets_the_loss_trackers_order():
    # Keras 3: "<output>_loss" trackers (metrics_names, evaluate's list) follow the order of
    # the loss dict; the outputs stay sorted by name.
    inputs = kc.Input((4,))
    outputs = {name: layers.Dense(1, name=name, kernel_initializer=init)(inputs)
               for name, init in (("c", "ones"), ("a", "zeros"), ("b", "ones"))}
    model = kc.Model(inputs, outputs)
    model.compile(loss={"b": "mse", "c": "mae", "a": "mse"},
                  loss_weights={"a": 2.0, "b": 1.0, "c": 0.5})
    x = np.ones((4, 4), "float32")
    y = {"a": np.ones((4, 1), "float32"), "b": np.zeros((4, 1), "float32"),
         "c": np.zeros((4, 1), "float32")}
    result = model.evaluate(x, y, verbose=0)  # b: 4**2, c: 4, a: 1 (Keras: same list)
    assert_close(np.array(result), np.array([16.0 + 0.5 * 4.0 + 2.0 * 1.0, 16.0, 4.0, 1.0]))
    assert model.metrics_names == ["loss", "b_loss", "c_loss", "a_loss"]
    assert model.output_names == ["a", "b", "c"]


def test_model_output_names_subclassed_and_dict_outputs():
    class Sub(kc.Model):
        def __init__(self, as_dict):
            super().__init__()
            self.a = layers.Dense(2, activation="softmax")
            self.b = layers.Dense(1)
            self.as_dict = as_dict

        def call(self, x):
            a, b = self.a(x), self.b(x)
            return {"p": a, "q": b} if self.as_dict else [a, b]

    model = Sub(False)  # unnamed outputs: losses tracked as "<loss>_loss", no prefixes
    model.compile("sgd", loss=["categorical_crossentropy", "mse"], metrics=["accuracy", "mae"])
    logs = model.compute_metrics(X, [Y_CAT, Y_BIN], _with_loss(model, [Y_CAT, Y_BIN]))
    assert sorted(logs) == ["accuracy", "categorical_crossentropy_loss", "loss", "mae",
                            "mse_loss"]
    inputs = kc.Input((3,))  # functional dict outputs: named by the keys, not the layers
    model = kc.Model(inputs, {"p": layers.Dense(2, activation="softmax", name="l1")(inputs),
                              "q": layers.Dense(1, name="l2")(inputs)})
    model.compile("sgd", loss={"p": "categorical_crossentropy", "q": "mse"},
                  metrics={"p": "accuracy", "q": "mae"})
    y = {"p": Y_CAT, "q": Y_BIN}
    logs = model.compute_metrics(X, y, _with_loss(model, y))
    assert sorted(logs) == ["loss", "p_accuracy", "p_loss", "q_loss", "q_mae"]


def _with_loss(model, y):
    y_pred = model(X)
    model.compute_loss(X, y, y_pred)
    return y_pred


def test_compute_loss_adds_regularization_and_add_loss():
    class AddLoss(layers.Layer):
        def call(self, x):
            self.add_loss(kc.ops.sum(x) * 0.01)
            return x

    inputs = kc.Input((3,))
    dense = layers.Dense(2, kernel_regularizer=kc.regularizers.L2(0.1), name="d")
    model = kc.Model(inputs, dense(AddLoss()(inputs)))
    model.compile("sgd", loss="mse")
    y_pred = model(X)
    loss = model.compute_loss(X, Y_CAT, y_pred)
    kernel = to_numpy(dense.kernel)
    expected = ((Y_CAT - to_numpy(y_pred)) ** 2).mean() + 0.1 * (kernel ** 2).sum() \
        + 0.01 * X.sum()
    assert_close(loss, expected, dtype="float32", rtol=1e-5, atol=1e-5)
    model.compile("sgd", loss=None)  # only the model's own losses: still a loss
    assert_close(model.compute_loss(X, Y_CAT, model(X)), expected - ((Y_CAT - to_numpy(
        y_pred)) ** 2).mean(), dtype="float32", rtol=1e-5, atol=1e-5)
    plain = one_output_model()
    plain.compile("sgd", loss=None, metrics=["mae"])
    with pytest.raises(ValueError, match="no loss to compute"):
        plain.compute_loss(X, Y_CAT, plain(X))


def test_stateless_compute_loss_changes_no_state():
    model = two_output_model()
    model.compile("sgd", loss=["categorical_crossentropy", "binary_crossentropy"])
    y, y_pred = [Y_CAT, Y_BIN], model(X)
    model.compute_loss(X, y, y_pred)  # builds the per-output trackers
    model.reset_metrics()
    values = [[v.value for v in vs] for vs in (model.trainable_variables,
                                                model.non_trainable_variables,
                                                model.metrics_variables)]
    loss, (tr, ntr, mv) = model.stateless_compute_loss(*values, x=X, y=y, y_pred=y_pred)
    assert_close(loss, model.compute_loss(X, y, y_pred), dtype="float32")
    paths = [v.path for v in model.metrics_variables]
    count = to_numpy(mv[paths.index("compile_loss/out1_loss/count")])
    assert float(count) == N and len(tr) == 4 and ntr == []
    assert [float(to_numpy(v)) for v in model.metrics_variables[:2]] == [0.0, 0.0]


def test_model_metrics_lists_compiled_then_tracked_metrics():
    class Counting(layers.Layer):
        def __init__(self):
            super().__init__()
            self.seen = kc.metrics.Sum(name="seen")

        def call(self, x):
            return x

    inputs = kc.Input((3,))
    model = kc.Model(inputs, layers.Dense(1, activation="sigmoid")(Counting()(inputs)))
    assert model.metrics_names == ["seen"]
    model.compile("sgd", loss="binary_crossentropy", metrics=["accuracy"])
    assert model.metrics_names == ["loss", "compile_metrics", "seen"]
    assert model._loss_tracker is model.metrics[0]
    assert model.compiled_loss is model._compile_loss
    assert model.compiled_metrics is model._compile_metrics
    assert not any(v.path.startswith("loss/") for v in model.variables)
    assert model.train_function is None and model.test_function is None
    result = model.get_metrics_result()
    assert sorted(result) == ["loss", "seen"]  # compile metrics report once built


def test_losses_and_metrics_inside_compiled_steps():
    model = two_output_model()
    model.compile("sgd", loss=["categorical_crossentropy", "binary_crossentropy"],
                  metrics=[["accuracy"], ["accuracy"]])
    x, y = t(X), [t(Y_CAT), t(Y_BIN)]
    build_containers(model, [kc.KerasTensor((None, 2)), kc.KerasTensor((None, 1))],
                     [kc.KerasTensor((None, 2)), kc.KerasTensor((None, 1))])
    assert model.metrics_names == ["loss", "compile_metrics", "out1_loss", "out2_loss"]
    expected = to_numpy(model.compute_loss(x, y, model(x)))
    p1, p2 = (to_numpy(v) for v in model(x))
    model.reset_metrics()
    if BACKEND == "jax":  # the stateless path a jitted jax step takes
        def step(trainable, non_trainable, metrics_values, x, y):
            y_pred, non_trainable = model.stateless_call(trainable, non_trainable, x)
            loss, (_, _, metrics_values) = model.stateless_compute_loss(
                trainable, non_trainable, metrics_values, x=x, y=y, y_pred=y_pred)
            cm = model._compile_metrics
            start = len(model._loss_tracker.variables)
            stop = start + len(cm.variables)
            metrics_values = list(metrics_values)
            metrics_values[start:stop] = cm.stateless_update_state(
                metrics_values[start:stop], y, y_pred)
            return loss, metrics_values

        loss, values = compiled(step)([v.value for v in model.trainable_variables],
                                      [v.value for v in model.non_trainable_variables],
                                      [v.value for v in model.metrics_variables], x, y)
        for variable, value in zip(model.metrics_variables, values):
            variable.assign(value)
    else:
        def step(x, y):
            y_pred = model(x)
            loss = model.compute_loss(x, y, y_pred)
            model.compute_metrics(x, y, y_pred)
            return loss

        if BACKEND == "tensorflow":  # autograph would re-parse every kc function (minutes)
            import tensorflow as tf

            loss = tf.function(step, autograph=False)(x, y)
        else:
            loss = compiled(step)(x, y)  # skips on numpy and torch
    assert_close(loss, expected, dtype="float32", rtol=1e-5, atol=1e-6)
    logs = model.get_metrics_result()
    assert_close(logs["out1_accuracy"], (Y_CAT.argmax(-1) == p1.argmax(-1)).mean(), dtype="float32")
    assert_close(logs["out2_accuracy"], ((p2 > 0.5) == Y_BIN).mean(), dtype="float32")
    assert_close(logs["out2_loss"], bce(Y_BIN, p2).mean(), dtype="float32", rtol=1e-5, atol=1e-6)


def test_model_metrics_follow_metrics_and_layers_added_after_a_read():
    # Model.metrics may cache its walk over the layers: it must see later tracking changes.
    class Holder(layers.Layer):
        def call(self, x):
            return x

    inner = Holder(name="inner")
    model = kc.Sequential([kc.Input((3,)), inner, layers.Dense(1)])
    model.compile("sgd", loss="mse")
    assert model.metrics_names == ["loss"]
    inner.late = kc.metrics.Sum(name="late")  # a metric on a nested layer
    assert model.metrics_names == ["loss", "late"]
    inner.block = Holder()
    inner.block.deep = kc.metrics.Mean(name="deep")  # a metric inside a new sublayer
    assert model.metrics_names == ["loss", "late", "deep"]
    del inner.late
    assert model.metrics_names == ["loss", "deep"]
    assert [v.path for v in model.metrics_variables][-2:] == ["deep/total", "deep/count"]


def test_one_output_loss_and_metrics_match_the_list_forms():
    # A single output takes a per-step fast path; its numbers are those of a one-item list.
    single, listed = CompileLoss("mse", loss_weights=0.5), CompileLoss(["mse"], [0.5])
    for sw in (None, t(SW)):
        np.testing.assert_array_equal(to_numpy(single(t(Y_CAT), t(P_CAT), sw)),
                                      to_numpy(listed([t(Y_CAT)], [t(P_CAT)], sw)))
    one = CompileMetrics(["mae"], ["mse"])
    many = CompileMetrics(["mae"], ["mse"])  # built for a one-item list of outputs
    one.update_state(t(Y_CAT), t(P_CAT), t(SW))
    many.update_state([t(Y_CAT)], [t(P_CAT)], [t(SW)])
    got, want = one.result(), many.result()
    assert list(got) == list(want) == ["mae", "mse"]
    for key in got:
        np.testing.assert_array_equal(to_numpy(got[key]), to_numpy(want[key]))
    with pytest.raises(ValueError, match=r"output #0 has a loss \(mse\) but no target"):
        single(None, t(P_CAT))


# --- Errors ------------------------------------------------------------------------------------
def test_target_shape_errors_name_output_and_shapes():
    model = two_output_model()
    model.compile("sgd", loss=["categorical_crossentropy", "mse"])
    with pytest.raises(ValueError, match=r"output 'out1'.*expected shape \(6, 2\).*\(6, 5\)"):
        model.compute_loss(X, [np.ones((N, 5), "float32"), Y_BIN], model(X))
    sparse = CompileLoss("sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"expected shape \(6,\) or \(6, 1\).*\(4,\)"):
        sparse(t(Y_SPARSE[:4]), t(P_CAT))
    with pytest.raises(ValueError, match=r"one entry per model output.*'out1', 'out2'"):
        model.compute_loss(X, Y_CAT, model(X))


@pytest.mark.parametrize("kwargs, match", [
    ({"loss": ["mse", "mse", "mse"]}, r"expected 2, got 3"),
    ({"loss": {"out1": "mse", "bogus": "mse"}}, r"\['bogus'\] are not output names"),
    ({"loss": {"out1": "mse"}}, r"missing \['out2'\]"),
    ({"loss": "mse", "loss_weights": [1.0]}, r"one weight per output.*expected 2, got 1"),
    ({"loss": "mse", "metrics": ["mae"]}, r"`metrics` must have one entry per model output"),
    ({"loss": "mse", "metrics": "mae"}, r"Expected `metrics` to be a list"),
])
def test_structure_errors(kwargs, match):
    model = two_output_model()
    with pytest.raises(ValueError, match=match):
        model.compile("sgd", **kwargs)
        y_pred = model(X)
        model.compute_loss(X, [Y_CAT, Y_BIN], y_pred)
        model.compute_metrics(X, [Y_CAT, Y_BIN], y_pred)


def test_unknown_metric_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"unknown metric 'bogus'.*Valid names: .*accuracy"):
        CompileMetrics(["bogus"], None).update_state(t(Y_CAT), t(P_CAT))
    with pytest.raises(ValueError, match=r"bogus.*Valid names"):
        one_output_model().compile("sgd", loss="mse", metrics=["bogus"])


def test_metric_instance_given_to_compile_is_listed_once():
    # A Metric object in compile(metrics=...) belongs to the compiled metrics only (Keras 3).
    inputs = kc.Input((3,))
    model = kc.Model(inputs, kc.layers.Dense(1, activation="sigmoid")(inputs))
    auc = kc.metrics.AUC(name="auc")
    model.compile(loss="binary_crossentropy", metrics=["accuracy", auc])
    assert model.metrics_names == ["loss", "compile_metrics"]
    x = np.random.default_rng(0).random((16, 3)).astype("float32")
    y = (x[:, :1] > 0.5).astype("float32")
    model.compute_metrics(x, y, model(x))
    assert sorted(model.get_metrics_result()) == ["accuracy", "auc", "loss"]
