"""kc.metrics API: stateless methods equal stateful ones (and run under jax.jit), configs round
trip, `get`/`serialize`/`deserialize`, errors, layer tracking, the exported names."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import kc
from kc import metrics
from kc_testing import BACKEND, assert_close, to_numpy

KERAS_INT = "int64" if BACKEND == "tensorflow" else "int32"  # Keras's "int"

RNG = np.random.default_rng(5)
N, C = 6, 3
BIN_T = RNG.integers(0, 2, (N, C)).astype("float32")
PROB = RNG.uniform(0.01, 0.99, (N, C)).astype("float32")
LABELS = np.array([0, 2, 1, 1, 0, 2])
ONE_HOT = np.eye(C, dtype="float32")[LABELS]
REG_T = RNG.normal(size=(N, C)).astype("float32")
REG_P = RNG.normal(size=(N, C)).astype("float32")
SW = RNG.uniform(0.5, 2.0, (N,)).astype("float32")

# (factory, y_true, y_pred): one row per family; metrics that build lazily are built first.
STATELESS_CASES = {
    "mean_wrapper": (lambda: metrics.BinaryAccuracy(), BIN_T, PROB),
    "rmse": (lambda: metrics.RootMeanSquaredError(), REG_T, REG_P),
    "precision_top_k": (lambda: metrics.Precision(top_k=2, thresholds=[0.0, 0.5]), BIN_T, PROB),
    "auc_pr": (lambda: metrics.AUC(curve="PR"), BIN_T, PROB),
    "sens_at_spec": (lambda: metrics.SensitivityAtSpecificity(0.5), BIN_T, PROB),
    "mean_iou": (lambda: metrics.MeanIoU(C), LABELS, np.argmax(PROB, -1)),
    "f1": (lambda: metrics.F1Score(average="macro"), ONE_HOT, PROB),
    "r2": (lambda: metrics.R2Score(), REG_T, REG_P),
}


def _built(factory, y_true, y_pred):
    metric = factory()
    metric.update_state(y_true, y_pred)  # builds lazily-built metrics (F1, R2)
    metric.reset_state()
    return metric


@pytest.mark.parametrize("name", list(STATELESS_CASES))
def test_stateless_equals_stateful(name):
    factory, y_true, y_pred = STATELESS_CASES[name]
    metric = _built(factory, y_true, y_pred)
    values = [v.value for v in metric.variables]
    for t in (y_true, y_true[::-1].copy()):
        values = metric.stateless_update_state(values, t, y_pred, sample_weight=SW)
        metric.update_state(t, y_pred, sample_weight=SW)
    for new, v in zip(values, metric.variables):
        assert_close(new, v.numpy(), rtol=1e-6, atol=1e-6, check_dtype=False)
    assert_close(metric.stateless_result(values), metric.result(), rtol=1e-6, atol=1e-6)
    before = [v.numpy() for v in metric.variables]
    zeros = metric.stateless_reset_state()
    assert all(not np.any(to_numpy(z)) for z in zeros)
    for b, v in zip(before, metric.variables):  # the stateless calls changed no state
        np.testing.assert_array_equal(b, v.numpy())


@pytest.mark.skipif(BACKEND != "jax", reason="jax.jit of the stateless API")
@pytest.mark.parametrize("name", list(STATELESS_CASES))
def test_stateless_under_jax_jit(name):
    import jax

    factory, y_true, y_pred = STATELESS_CASES[name]
    metric = _built(factory, y_true, y_pred)

    @jax.jit
    def step(values, t, p, w):
        values = metric.stateless_update_state(values, t, p, sample_weight=w)
        return values, metric.stateless_result(values)

    values = [v.value for v in metric.variables]
    for t in (y_true, y_true[::-1].copy()):
        values, result = step(values, t, y_pred, SW)
        metric.update_state(t, y_pred, sample_weight=SW)
    assert_close(result, metric.result(), rtol=1e-5, atol=1e-6)


def test_stateless_errors():
    metric = metrics.Mean()
    with pytest.raises(ValueError, match=r"Mean 'mean.*expects 2 metric_variables"):
        metric.stateless_update_state([0.0], [1.0])
    f1 = metrics.F1Score()
    with pytest.raises(ValueError, match="build it first"):
        f1.stateless_update_state([], ONE_HOT, PROB)


# --- configs --------------------------------------------------------------------------------
def _instances():
    return [
        metrics.Mean(), metrics.Sum(dtype="float16"), metrics.Accuracy(),
        metrics.BinaryAccuracy(threshold=0.3), metrics.CategoricalAccuracy(),
        metrics.SparseCategoricalAccuracy(), metrics.TopKCategoricalAccuracy(k=2),
        metrics.SparseTopKCategoricalAccuracy(k=3, from_sorted_ids=True),
        metrics.AUC(curve="PR", summation_method="majoring", multi_label=True, num_labels=3,
                    label_weights=[1.0, 2.0, 3.0], from_logits=True),
        metrics.AUC(thresholds=[0.25, 0.5]), metrics.TruePositives(thresholds=[0.2, 0.4]),
        metrics.FalsePositives(), metrics.TrueNegatives(0.3), metrics.FalseNegatives(),
        metrics.Precision(top_k=2, class_id=1), metrics.Recall(thresholds=[0.5, 0.7]),
        metrics.SensitivityAtSpecificity(0.4, num_thresholds=9, class_id=0),
        metrics.SpecificityAtSensitivity(0.6), metrics.PrecisionAtRecall(0.7),
        metrics.RecallAtPrecision(0.8), metrics.IoU(3, [0, 2], ignore_class=1),
        metrics.MeanIoU(4, sparse_y_pred=False), metrics.BinaryIoU([1], threshold=0.3),
        metrics.OneHotIoU(3, [1]), metrics.OneHotMeanIoU(3, sparse_y_pred=True),
        metrics.F1Score(average="micro", threshold=0.4),
        metrics.FBetaScore(average="weighted", beta=2.0), metrics.R2Score(None, 2),
        metrics.MeanSquaredError(), metrics.MeanAbsoluteError(),
        metrics.MeanAbsolutePercentageError(), metrics.MeanSquaredLogarithmicError(),
        metrics.LogCoshError(), metrics.CosineSimilarity(), metrics.RootMeanSquaredError(),
        metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        metrics.CategoricalCrossentropy(axis=0), metrics.SparseCategoricalCrossentropy(ignore_class=2),
        metrics.KLDivergence(), metrics.Poisson(), metrics.Hinge(), metrics.SquaredHinge(),
        metrics.CategoricalHinge(), metrics.PearsonCorrelation(axis=0),
        metrics.ConcordanceCorrelation(), metrics.MeanMetricWrapper(metrics.binary_accuracy,
                                                                   name="acc", threshold=0.2),
    ]


def test_config_round_trips():
    for metric in _instances():
        config = metric.get_config()
        json.dumps(config)
        clone = type(metric).from_config(config)
        assert clone.get_config() == config, type(metric).__name__
        assert [v.shape for v in clone.variables] == [v.shape for v in metric.variables]
        serialized = metrics.serialize(metric)
        assert serialized["module"] == "keras.metrics"
        assert serialized["class_name"] == type(metric).__name__
        assert metrics.deserialize(json.loads(json.dumps(serialized))).get_config() == config


# Default configs as Keras 3.15 writes them (recorded from the oracle; every class's config was
# compared with Keras when written, see the report of issue 7).
KERAS_DEFAULT_CONFIGS = {
    "AUC": ((), {"name": "auc", "dtype": "float32", "num_thresholds": 200, "curve": "ROC",
                 "summation_method": "interpolation", "multi_label": False, "num_labels": None,
                 "label_weights": None, "from_logits": False}),
    "BinaryIoU": ((), {"target_class_ids": [0, 1], "threshold": 0.5, "name": "binary_io_u",
                       "dtype": KERAS_INT}),
    "IoU": ((3, [0]), {"name": "io_u", "dtype": KERAS_INT, "num_classes": 3, "target_class_ids": [0],
                       "ignore_class": None, "sparse_y_true": True, "sparse_y_pred": True,
                       "axis": -1}),
    "OneHotMeanIoU": ((3,), {"num_classes": 3, "name": "one_hot_mean_io_u", "dtype": KERAS_INT,
                             "ignore_class": None, "sparse_y_pred": False, "axis": -1}),
    "Precision": ((), {"name": "precision", "dtype": "float32", "thresholds": None, "top_k": None,
                       "class_id": None}),
    "PrecisionAtRecall": ((0.5,), {"name": "precision_at_recall", "dtype": "float32",
                                   "class_id": None, "num_thresholds": 200, "recall": 0.5}),
    "F1Score": ((), {"name": "f1_score", "dtype": "float32", "average": None, "threshold": None}),
    "FBetaScore": ((), {"name": "fbeta_score", "dtype": "float32", "average": None, "beta": 1.0,
                        "threshold": None}),
    "R2Score": ((), {"name": "r2_score", "dtype": "float32", "class_aggregation": "uniform_average",
                     "num_regressors": 0}),
    "SparseTopKCategoricalAccuracy": ((), {"name": "sparse_top_k_categorical_accuracy",
                                           "dtype": "float32", "k": 5}),
    "CosineSimilarity": ((), {"name": "cosine_similarity", "dtype": "float32"}),
    "LogCoshError": ((), {"name": "logcosh", "dtype": "float32"}),
    "SparseCategoricalCrossentropy": ((), {"name": "sparse_categorical_crossentropy",
                                           "dtype": "float32", "from_logits": False,
                                           "ignore_class": None, "axis": -1}),
    "TruePositives": ((), {"name": "true_positives", "dtype": "float32", "thresholds": None}),
}


@pytest.mark.parametrize("name", list(KERAS_DEFAULT_CONFIGS))
def test_default_configs_match_keras(name):
    args, expected = KERAS_DEFAULT_CONFIGS[name]
    config = getattr(metrics, name)(*args).get_config()
    config["name"] = config["name"].rsplit("_", 1)[0] if config["name"] != expected["name"] \
        and config["name"].rsplit("_", 1)[-1].isdigit() else config["name"]  # made unique
    assert config == expected


def test_wrapper_config():
    metric = metrics.MeanMetricWrapper(metrics.sparse_top_k_categorical_accuracy, name="w", k=1)
    config = metric.get_config()
    assert config == {"name": "w", "dtype": "float32", "k": 1, "fn": {
        "module": "builtins", "class_name": "function",
        "config": "sparse_top_k_categorical_accuracy", "registered_name": "function"}}
    clone = metrics.MeanMetricWrapper.from_config(config)
    assert clone._fn is metrics.sparse_top_k_categorical_accuracy
    assert_close(clone(LABELS, PROB), metric(LABELS, PROB))


# --- lookup ------------------------------------------------------------------------------------
@pytest.mark.parametrize("identifier, cls", [
    ("accuracy", "Accuracy"), ("binary_accuracy", "BinaryAccuracy"),
    ("mse", "MeanSquaredError"), ("MAE", "MeanAbsoluteError"), ("bce", "BinaryCrossentropy"),
    ("auc", "AUC"), ("AUC", "AUC"), ("log_cosh_error", "LogCoshError"), ("f1_score", "F1Score"),
    ("precision", "Precision"), ("r2_score", "R2Score"), ("mean", "Mean"),
])
def test_get_names(identifier, cls):
    assert type(metrics.get(identifier)).__name__ == cls
    assert type(metrics.deserialize(identifier)).__name__ == cls


def test_get_other_identifiers():
    assert metrics.get(None) is None
    metric = metrics.AUC()
    assert metrics.get(metric) is metric
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    config = {"class_name": "AUC", "config": {"name": "a", "curve": "PR"}}
    assert metrics.get(config).curve == "PR"
    with pytest.raises(ValueError, match="could not interpret"):
        metrics.get(3)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"unknown metric 'nope'.*BinaryAccuracy.*mse"):
        metrics.get("nope")


# --- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric", [
    metrics.MeanSquaredError(), metrics.BinaryAccuracy(), metrics.Precision(), metrics.AUC(),
    metrics.RootMeanSquaredError(), metrics.R2Score(), metrics.F1Score(), metrics.CosineSimilarity(),
], ids=lambda m: type(m).__name__)
def test_mismatched_shapes_name_the_metric(metric):
    with pytest.raises(ValueError, match=f"{type(metric).__name__} '{metric.name}'.*shape"):
        metric.update_state(np.zeros((2, 3), "float32"), np.zeros((2, 2), "float32"))


@pytest.mark.parametrize("make, match", [
    (lambda: metrics.AUC(curve="XY"), "curve"),
    (lambda: metrics.AUC(summation_method="avg"), "summation_method"),
    (lambda: metrics.AUC(num_thresholds=1), "num_thresholds"),
    (lambda: metrics.Precision(thresholds=[1.5]), "thresholds"),
    (lambda: metrics.Recall(top_k=0), "top_k"),
    (lambda: metrics.SensitivityAtSpecificity(1.5), "specificity"),
    (lambda: metrics.FBetaScore(beta=1), "beta"),
    (lambda: metrics.FBetaScore(threshold=1.5), "threshold"),
    (lambda: metrics.F1Score(average="sum"), "average"),
    (lambda: metrics.R2Score(class_aggregation="median"), "class_aggregation"),
    (lambda: metrics.R2Score(num_regressors=-1), "num_regressors"),
    (lambda: metrics.IoU(3, [5]), "target_class_ids"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# --- base class, tracking, names ------------------------------------------------------------------
def test_custom_metric_and_sub_metrics():
    class Both(metrics.Metric):
        def __init__(self):
            super().__init__(name="both")
            self.hits = self.add_variable((), "zeros", name="hits")
            self.inner = metrics.Mean()

        def update_state(self, values):
            self.hits.assign_add(kc.ops.cast(kc.ops.size(values), self.dtype))
            self.inner.update_state(values)

        def result(self):
            return self.hits.value + self.inner.result()

    metric = Both()
    assert [v.path for v in metric.variables] == ["both/hits", "mean/total", "mean/count"]
    assert all(not v.trainable for v in metric.variables)
    assert_close(metric([1.0, 3.0]), 4.0)
    values = metric.stateless_update_state([v.value for v in metric.variables], [5.0, 7.0])
    assert_close(metric.stateless_result(values), 4.0 + 4.0)
    metric.reset_state()
    assert_close(metric.result(), 0.0)
    assert repr(metric) == "<Both name=both>"


def test_layer_tracks_metrics():
    class WithMetric(kc.layers.Layer):
        def __init__(self):
            super().__init__()
            self.tracker = metrics.Mean(name="tracker")

        def call(self, x):
            return x

    layer = WithMetric()
    assert layer.metrics == [layer.tracker]
    # As Keras 3: a layer's metric state is in `metrics_variables`, not in `variables`.
    assert [v.path for v in layer.metrics_variables] == ["tracker/total", "tracker/count"]
    assert layer.variables == []
    assert layer.weights == []


def test_dtype_argument():
    metric = metrics.Mean(dtype="float16")
    assert metric.dtype == "float16" and metric.variables[0].dtype == "float16"
    assert to_numpy(metric([1.0, 2.0])).dtype == np.float16
    assert metrics.IoU(2, [0]).dtype == KERAS_INT  # as Keras: counts in "int" (int64 on tf)
    assert to_numpy(metrics.IoU(2, [0])([0, 1], [0, 1])).dtype == np.float32


def test_every_keras_name_exported():
    path = "/work/shared/keras_api.json"
    if not os.path.exists(path):
        pytest.skip("keras_api.json not available")
    names = json.load(open(path))["keras.metrics"]
    assert len(names) == 72
    missing = [n for n in names if not hasattr(metrics, n)]
    assert not missing
    for name, kind in names.items():
        assert isinstance(getattr(metrics, name), type) == (kind == "class"), name


def test_loss_functions_are_the_losses():
    for name in ("mean_squared_error", "binary_crossentropy", "huber", "poisson", "hinge",
                 "sparse_categorical_crossentropy", "categorical_focal_crossentropy"):
        assert getattr(metrics, name) is getattr(kc.losses, name)


def test_direction_matches_keras_for_callbacks_auto_mode():
    # Keras 3.15's `_direction` of each class (EarlyStopping/ModelCheckpoint mode="auto").
    up = ["AUC", "Accuracy", "BinaryAccuracy", "BinaryIoU", "CategoricalAccuracy",
          "ConcordanceCorrelation", "CosineSimilarity", "F1Score", "FBetaScore", "IoU",
          "MeanIoU", "OneHotIoU", "OneHotMeanIoU", "PearsonCorrelation", "Precision",
          "PrecisionAtRecall", "R2Score", "Recall", "RecallAtPrecision",
          "SensitivityAtSpecificity", "SparseCategoricalAccuracy",
          "SparseTopKCategoricalAccuracy", "SpecificityAtSensitivity", "TopKCategoricalAccuracy"]
    down = ["BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "Hinge",
            "KLDivergence", "LogCoshError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
            "MeanSquaredError", "MeanSquaredLogarithmicError", "Poisson", "RootMeanSquaredError",
            "SparseCategoricalCrossentropy", "SquaredHinge"]
    neutral = ["FalseNegatives", "FalsePositives", "Mean", "MeanMetricWrapper", "Metric", "Sum",
               "TrueNegatives", "TruePositives"]
    for names, expected in ((up, "up"), (down, "down"), (neutral, None)):
        for name in names:
            assert getattr(kc.metrics, name)._direction == expected, name
    assert kc.metrics.MeanMetricWrapper(fn=lambda a, b: a)._direction is None
