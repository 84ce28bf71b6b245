"""Values of kc.metrics: every metric class against a closed-form NumPy computation.

Each row runs two ``update_state`` calls (the second with ``y_true`` reversed), with and
without sample weights, then checks ``result()`` against the NumPy reference over both
batches, then ``reset_state()``. The references are written from the metrics' definitions
(confusion counts at ``y_pred > threshold``, IoU = TP / (TP + FP + FN), Mann-Whitney ROC
AUC, ...). The stateless API, configs, lookup and errors are in test_metrics_api.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc import metrics
from kc_testing import assert_close, to_numpy

EPS = 1e-7  # kc.config.epsilon()
RNG = np.random.default_rng(3)
N, C = 6, 3


def _f32(x):
    return np.asarray(x, dtype="float32")


# --- data (small, fixed; one shape per kind so compiled backends reuse kernels) ---------------
BIN_T = _f32(RNG.integers(0, 2, (N, C)))
BIN_T[0] = [1, 0, 1]  # every column holds both labels
BIN_T[1] = [0, 1, 0]
PROB = _f32(RNG.permutation(N * C).reshape(N, C) / (N * C) + 0.01)  # distinct, in (0, 1)
LABELS = np.array([0, 2, 1, 1, 0, 2])
ONE_HOT = np.eye(C, dtype="float32")[LABELS]
SOFT = PROB / PROB.sum(-1, keepdims=True)
LOGITS = _f32(RNG.normal(size=(N, C)) * 2)
REG_T = _f32(RNG.normal(size=(N, C)))
REG_P = _f32(RNG.normal(size=(N, C)))
SW = _f32(RNG.uniform(0.2, 1.5, size=(N,)))
PRED_IDS = np.argmax(PROB, -1)
SORTED_IDS = np.argsort(-PROB, -1)


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


# --- per-sample references (the Mean-wrapper metrics) ---------------------------------------
def r_bce(t, p, from_logits=False, label_smoothing=0.0):
    p = np_sigmoid(p) if from_logits else p
    p = np.clip(p, EPS, 1 - EPS)
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    return -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(-1)


def r_hinge_labels(t):
    return np.where(t == 0, -1.0, t)


def r_pearson(t, p):
    t0, p0 = t - t.mean(-1, keepdims=True), p - p.mean(-1, keepdims=True)
    return (t0 * p0).mean(-1) / (t.std(-1) * p.std(-1))


def r_ccc(t, p):
    mt, mp = t.mean(-1), p.mean(-1)
    cov = ((t - mt[:, None]) * (p - mp[:, None])).mean(-1)
    return 2 * cov / (t.var(-1) + p.var(-1) + (mt - mp) ** 2)


def r_cos(t, p):
    return (t * p).sum(-1) / (np.linalg.norm(t, axis=-1) * np.linalg.norm(p, axis=-1))


def r_top_k(labels, p, k):
    true_score = p[np.arange(len(labels)), labels]
    return ((p > true_score[:, None]).sum(-1) < k).astype("float64")


# (id, metric factory, y_true, y_pred, per-sample reference)
MEAN_CASES = [
    ("accuracy", lambda: metrics.Accuracy(), LABELS[:, None], PRED_IDS[:, None],
     lambda t, p: (t == p)[:, 0]),
    ("binary_accuracy", lambda: metrics.BinaryAccuracy(), BIN_T, PROB,
     lambda t, p: ((p > 0.5) == t).mean(-1)),
    ("binary_accuracy_t03", lambda: metrics.BinaryAccuracy(threshold=0.3), BIN_T, PROB,
     lambda t, p: ((p > 0.3) == t).mean(-1)),
    ("categorical_accuracy", lambda: metrics.CategoricalAccuracy(), ONE_HOT, PROB,
     lambda t, p: t.argmax(-1) == p.argmax(-1)),
    ("sparse_categorical_accuracy", lambda: metrics.SparseCategoricalAccuracy(), LABELS, PROB,
     lambda t, p: t == p.argmax(-1)),
    ("sparse_categorical_accuracy_col", lambda: metrics.SparseCategoricalAccuracy(),
     LABELS[:, None], PROB, lambda t, p: t[:, 0] == p.argmax(-1)),
    ("top_k", lambda: metrics.TopKCategoricalAccuracy(k=2), ONE_HOT, PROB,
     lambda t, p: r_top_k(t.argmax(-1), p, 2)),
    ("sparse_top_k", lambda: metrics.SparseTopKCategoricalAccuracy(k=2), LABELS, PROB,
     lambda t, p: r_top_k(t, p, 2)),
    ("sparse_top_k_sorted", lambda: metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True),
     LABELS, SORTED_IDS, lambda t, p: (p[:, 0] == t)),
    ("mse", lambda: metrics.MeanSquaredError(), REG_T, REG_P,
     lambda t, p: ((t - p) ** 2).mean(-1)),
    ("mae", lambda: metrics.MeanAbsoluteError(), REG_T, REG_P, lambda t, p: np.abs(t - p).mean(-1)),
    ("mape", lambda: metrics.MeanAbsolutePercentageError(), REG_T, REG_P,
     lambda t, p: 100 * np.abs((t - p) / t).mean(-1)),
    ("msle", lambda: metrics.MeanSquaredLogarithmicError(), np.abs(REG_T), np.abs(REG_P),
     lambda t, p: ((np.log1p(t) - np.log1p(p)) ** 2).mean(-1)),
    ("logcosh", lambda: metrics.LogCoshError(), REG_T, REG_P,
     lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
    ("cosine", lambda: metrics.CosineSimilarity(), REG_T, REG_P, r_cos),
    ("bce", lambda: metrics.BinaryCrossentropy(), BIN_T, PROB, r_bce),
    ("bce_logits_smooth", lambda: metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
     BIN_T, LOGITS, lambda t, p: r_bce(t, p, True, 0.1)),
    ("cce", lambda: metrics.CategoricalCrossentropy(), ONE_HOT, SOFT,
     lambda t, p: -(t * np.log(p)).sum(-1)),
    ("scce", lambda: metrics.SparseCategoricalCrossentropy(), LABELS, SOFT,
     lambda t, p: -np.log(p[np.arange(len(t)), t])),
    ("kld", lambda: metrics.KLDivergence(), SOFT[::-1].copy(), SOFT,
     lambda t, p: (t * np.log(t / p)).sum(-1)),
    ("poisson", lambda: metrics.Poisson(), np.abs(REG_T), PROB,
     lambda t, p: (p - t * np.log(p + EPS)).mean(-1)),
    ("hinge", lambda: metrics.Hinge(), BIN_T, REG_P,
     lambda t, p: np.maximum(1 - r_hinge_labels(t) * p, 0).mean(-1)),
    ("squared_hinge", lambda: metrics.SquaredHinge(), BIN_T, REG_P,
     lambda t, p: (np.maximum(1 - r_hinge_labels(t) * p, 0) ** 2).mean(-1)),
    ("categorical_hinge", lambda: metrics.CategoricalHinge(), ONE_HOT, REG_P,
     lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0)),
    ("pearson", lambda: metrics.PearsonCorrelation(), REG_T, REG_P, r_pearson),
    ("concordance", lambda: metrics.ConcordanceCorrelation(), REG_T, REG_P, r_ccc),
    ("wrapper", lambda: metrics.MeanMetricWrapper(metrics.binary_accuracy, threshold=0.7),
     BIN_T, PROB, lambda t, p: ((p > 0.7) == t).mean(-1)),
]


def _batches(y_true, y_pred):
    """The two batches every test feeds: (y_true, y_pred) and (reversed y_true, y_pred)."""
    return [(y_true, y_pred), (y_true[::-1].copy(), y_pred)]


def _both(y_true, y_pred, weighted):
    t = np.concatenate([y_true, y_true[::-1]])
    p = np.concatenate([y_pred, y_pred])
    w = np.concatenate([SW, SW]) if weighted else np.ones(2 * len(y_true))
    return t, p, w


def _run(metric, y_true, y_pred, weighted):
    for t, p in _batches(y_true, y_pred):
        metric.update_state(t, p, sample_weight=SW if weighted else None)
    return metric.result()


def _check_reset(metric, expected_shape=()):
    metric.reset_state()
    for v in metric.variables:
        assert not np.any(to_numpy(v.value)), v.path


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", MEAN_CASES, ids=[c[0] for c in MEAN_CASES])
def test_mean_metrics(case, weighted):
    _, factory, y_true, y_pred, reference = case
    t, p, w = _both(y_true, y_pred, weighted)
    expected = (reference(t, p) * w).sum() / w.sum()
    metric = factory()
    assert_close(_run(metric, y_true, y_pred, weighted), expected, dtype="float32", rtol=1e-4,
                 atol=1e-5)
    _check_reset(metric)
    assert_close(metric.result(), 0.0, dtype="float32")


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_root_mean_squared_error(weighted):
    t, p, w = _both(REG_T, REG_P, weighted)
    expected = np.sqrt((((t - p) ** 2).mean(-1) * w).sum() / w.sum())
    metric = metrics.RootMeanSquaredError()
    assert_close(_run(metric, REG_T, REG_P, weighted), expected, dtype="float32", rtol=1e-5)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_mean_and_sum(weighted):
    values = REG_T  # (N, C): averaged (Mean) or summed (Sum) per sample, then weighted
    w = SW if weighted else np.ones(N)
    mean, total = metrics.Mean(), metrics.Sum()
    for _ in range(2):
        mean.update_state(values, sample_weight=SW if weighted else None)
        total.update_state(values, sample_weight=SW if weighted else None)
    assert_close(mean.result(), (values.mean(-1) * w).sum() / w.sum(), dtype="float32", rtol=1e-5)
    assert_close(total.result(), 2 * (values.sum(-1) * w).sum(), dtype="float32", rtol=1e-5)
    _check_reset(mean)
    _check_reset(total)


# --- confusion-matrix metrics ----------------------------------------------------------------
def np_counts(t, p, w, thresholds):
    """(tp, fp, tn, fn) at each threshold for flat arrays."""
    t, p, w = t.ravel().astype(bool), p.ravel(), w.ravel()
    out = []
    for th in thresholds:
        pos = p > th
        out.append([(w * (pos & t)).sum(), (w * (pos & ~t)).sum(), (w * (~pos & ~t)).sum(),
                    (w * (~pos & t)).sum()])
    return np.array(out).T  # (4, T)


def _weights_2d(w):
    return np.broadcast_to(w[:, None], (len(w), C))


def _top_k_mask(p, k):
    ranks = np.argsort(np.argsort(-p, -1), -1)
    return np.where(ranks < k, p, -1e10)


def _even(n):
    return [0.0] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1.0]


def _best(constrained, dependent, value):
    ok = constrained >= value
    return dependent[ok].max() if ok.any() else 0.0


def r_condition(cell, thresholds):
    def ref(t, p, w):
        out = np_counts(t, p, _weights_2d(w), thresholds)[cell]
        return out[0] if len(thresholds) == 1 else out
    return ref


def r_precision_recall(kind, thresholds=(0.5,), top_k=None, class_id=None):
    def ref(t, p, w):
        w2 = _weights_2d(w)
        if top_k is not None:
            p = _top_k_mask(p, top_k)
        if class_id is not None:
            t, p, w2 = t[:, class_id], p[:, class_id], w2[:, class_id]
        tp, fp, _, fn = np_counts(t, p, w2, thresholds)
        out = tp / (tp + (fp if kind == "precision" else fn))
        return out[0] if len(thresholds) == 1 else out
    return ref


def r_at(constrained, dependent, value, num_thresholds=200, class_id=None):
    def ref(t, p, w):
        w2 = _weights_2d(w)
        if class_id is not None:
            t, p, w2 = t[:, class_id], p[:, class_id], w2[:, class_id]
        tp, fp, tn, fn = np_counts(t, p, w2, _even(num_thresholds))
        with np.errstate(invalid="ignore", divide="ignore"):
            rates = {"sens": np.nan_to_num(tp / (tp + fn)), "spec": np.nan_to_num(tn / (tn + fp)),
                     "prec": np.nan_to_num(tp / (tp + fp))}
        return _best(rates[constrained], rates[dependent], value)
    return ref


def r_roc_auc_exact(t, p, w):
    """Mann-Whitney: P(score of a positive > score of a negative), ties half, weighted."""
    t, p, w = t.ravel().astype(bool), p.ravel(), _weights_2d(w).ravel()
    wp, wn = w[t], w[~t]
    pos, neg = p[t][:, None], p[~t][None, :]
    greater = (pos > neg) + 0.5 * (pos == neg)
    return (wp[:, None] * wn[None, :] * greater).sum() / (wp.sum() * wn.sum())


def np_auc_curve(tp, fp, tn, fn, curve, summation):
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.nan_to_num(tp / (tp + fn))
        if curve == "PR" and summation == "interpolation":
            d_tp = tp[:-1] - tp[1:]
            pp = tp + fp
            d_p = pp[:-1] - pp[1:]
            slope = np.nan_to_num(d_tp / np.maximum(d_p, 0))
            intercept = tp[1:] - slope * pp[1:]
            ratio = np.where((pp[:-1] > 0) & (pp[1:] > 0),
                             np.nan_to_num(pp[:-1] / np.maximum(pp[1:], 0)), 1.0)
            return np.nan_to_num(slope * (d_tp + intercept * np.log(ratio))
                                 / np.maximum(tp[1:] + fn[1:], 0)).sum(0)
        if curve == "ROC":
            x, y = np.nan_to_num(fp / (fp + tn)), recall
        else:
            x, y = recall, np.nan_to_num(tp / (tp + fp))
    heights = {"interpolation": (y[:-1] + y[1:]) / 2, "minoring": np.minimum(y[:-1], y[1:]),
               "majoring": np.maximum(y[:-1], y[1:])}[summation]
    return ((x[:-1] - x[1:]) * heights).sum(0)


def r_auc(curve="ROC", summation="interpolation", num_thresholds=200, multi_label=False,
          label_weights=None):
    thresholds = [-EPS] + _even(num_thresholds)[1:-1] + [1 + EPS]

    def ref(t, p, w):
        w2 = _weights_2d(w)
        if not multi_label:
            if label_weights is not None:
                w2 = w2 * np.asarray(label_weights)
            return np_auc_curve(*np_counts(t, p, w2, thresholds), curve, summation)
        per_label = np.array([np_auc_curve(*np_counts(t[:, j], p[:, j], w2[:, j], thresholds),
                                           curve, summation) for j in range(C)])
        lw = np.ones(C) if label_weights is None else np.asarray(label_weights)
        return (per_label * lw).sum() / lw.sum()
    return ref


MIDPOINTS = sorted(((np.sort(PROB.ravel())[1:] + np.sort(PROB.ravel())[:-1]) / 2).tolist())

# (id, metric factory, y_true, y_pred, reference(t, p, w) over both batches)
CONFUSION_CASES = [
    ("true_positives", lambda: metrics.TruePositives(), r_condition(0, [0.5])),
    ("false_positives_list", lambda: metrics.FalsePositives(thresholds=[0.2, 0.7]),
     r_condition(1, [0.2, 0.7])),
    ("true_negatives", lambda: metrics.TrueNegatives(thresholds=0.3), r_condition(2, [0.3])),
    ("false_negatives", lambda: metrics.FalseNegatives(), r_condition(3, [0.5])),
    ("precision", lambda: metrics.Precision(), r_precision_recall("precision")),
    ("precision_thresholds_class", lambda: metrics.Precision(thresholds=[0.3, 0.6], class_id=1),
     r_precision_recall("precision", (0.3, 0.6), class_id=1)),
    ("precision_top_k", lambda: metrics.Precision(top_k=2),
     r_precision_recall("precision", (-1e10,), top_k=2)),
    ("recall", lambda: metrics.Recall(), r_precision_recall("recall")),
    ("recall_top_k_class", lambda: metrics.Recall(top_k=1, class_id=2),
     r_precision_recall("recall", (-1e10,), top_k=1, class_id=2)),
    ("sensitivity_at_specificity", lambda: metrics.SensitivityAtSpecificity(0.5, num_thresholds=7),
     r_at("spec", "sens", 0.5, 7)),
    ("specificity_at_sensitivity", lambda: metrics.SpecificityAtSensitivity(0.6),
     r_at("sens", "spec", 0.6)),
    ("precision_at_recall", lambda: metrics.PrecisionAtRecall(0.5), r_at("sens", "prec", 0.5)),
    ("recall_at_precision_class", lambda: metrics.RecallAtPrecision(0.6, class_id=0),
     r_at("prec", "sens", 0.6, class_id=0)),
    ("auc_roc_exact", lambda: metrics.AUC(thresholds=MIDPOINTS), r_roc_auc_exact),
    ("auc_roc", lambda: metrics.AUC(), r_auc()),
    ("auc_pr", lambda: metrics.AUC(curve="PR"), r_auc("PR")),
    ("auc_pr_minoring", lambda: metrics.AUC(curve="PR", summation_method="minoring"),
     r_auc("PR", "minoring")),
    ("auc_roc_majoring", lambda: metrics.AUC(summation_method="majoring"),
     r_auc("ROC", "majoring")),
    ("auc_multi_label", lambda: metrics.AUC(multi_label=True), r_auc(multi_label=True)),
    ("auc_multi_label_pr_weights", lambda: metrics.AUC(multi_label=True, curve="PR", num_labels=C,
                                                       label_weights=[1.0, 2.0, 0.5]),
     r_auc("PR", multi_label=True, label_weights=[1.0, 2.0, 0.5])),
    ("auc_label_weights", lambda: metrics.AUC(label_weights=[1.0, 2.0, 0.5]),
     r_auc(label_weights=[1.0, 2.0, 0.5])),
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", CONFUSION_CASES, ids=[c[0] for c in CONFUSION_CASES])
def test_confusion_metrics(case, weighted):
    _, factory, reference = case
    t, p, w = _both(BIN_T, PROB, weighted)
    metric = factory()
    assert_close(_run(metric, BIN_T, PROB, weighted), reference(t, p, w), dtype="float32",
                 rtol=1e-4, atol=1e-5)
    _check_reset(metric)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_auc_from_logits(weighted):
    t, p, w = _both(BIN_T, LOGITS, weighted)
    metric = metrics.AUC(from_logits=True)
    expected = r_auc()(t, np_sigmoid(p), w)
    assert_close(_run(metric, BIN_T, LOGITS, weighted), expected, dtype="float32", rtol=1e-4)


# --- IoU ---------------------------------------------------------------------------------------
def np_confusion(t, p, w, n, ignore=None, int_weights=True):
    w = np.floor(w) if int_weights else w  # the default int32 state truncates the weights
    cm = np.zeros((n, n))
    for a, b, ww in zip(t.ravel(), p.ravel(), w.ravel()):
        if a != ignore:
            cm[a, b] += ww
    return cm


def np_iou(cm, ids):
    tp = np.diag(cm)
    denom = cm.sum(0) + cm.sum(1) - tp
    ids = list(ids)
    valid = (denom[ids] > 0).sum()
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(tp[ids] / denom[ids]).sum() / valid


IOU_CASES = [
    ("iou", lambda: metrics.IoU(C, target_class_ids=[0, 2]), LABELS, PRED_IDS,
     lambda t, p, w: np_iou(np_confusion(t, p, w, C), [0, 2])),
    ("mean_iou", lambda: metrics.MeanIoU(C), LABELS, PRED_IDS,
     lambda t, p, w: np_iou(np_confusion(t, p, w, C), range(C))),
    ("mean_iou_float_ignore", lambda: metrics.MeanIoU(C, ignore_class=1, dtype="float32"), LABELS,
     PRED_IDS, lambda t, p, w: np_iou(np_confusion(t, p, w, C, 1, False), range(C))),
    ("binary_iou", lambda: metrics.BinaryIoU(threshold=0.4), BIN_T[:, 0].astype("int64"),
     PROB[:, 0], lambda t, p, w: np_iou(np_confusion(t, (p >= 0.4).astype(int), w, 2), [0, 1])),
    ("one_hot_iou", lambda: metrics.OneHotIoU(C, target_class_ids=[1]), ONE_HOT, PROB,
     lambda t, p, w: np_iou(np_confusion(t.argmax(-1), p.argmax(-1), w, C), [1])),
    ("one_hot_mean_iou", lambda: metrics.OneHotMeanIoU(C, dtype="float32"), ONE_HOT, PROB,
     lambda t, p, w: np_iou(np_confusion(t.argmax(-1), p.argmax(-1), w, C, None, False),
                            range(C))),
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", IOU_CASES, ids=[c[0] for c in IOU_CASES])
def test_iou_metrics(case, weighted):
    _, factory, y_true, y_pred, reference = case
    t, p, w = _both(y_true, y_pred, weighted)
    w = w * 2 if weighted else w  # weights >= 1 keep the int32 state meaningful
    metric = factory()
    for bt, bp in _batches(y_true, y_pred):
        metric.update_state(bt, bp, sample_weight=SW * 2 if weighted else None)
    assert_close(metric.result(), reference(t, p, w), dtype="float32", rtol=1e-5)
    _check_reset(metric)


@pytest.mark.parametrize("factory", [lambda: metrics.IoU(C, [0]), lambda: metrics.MeanIoU(C),
                                     lambda: metrics.BinaryIoU(), lambda: metrics.OneHotMeanIoU(C)])
def test_iou_default_dtype_is_keras_int(factory):
    # Keras 3: "int" (int64 on tensorflow, int32 elsewhere) for the state and the config.
    expected = "int64" if kc.config.backend() == "tensorflow" else "int32"
    metric = factory()
    assert metric.dtype == expected and metric.get_config()["dtype"] == expected
    assert kc.backend.standardize_dtype(metric.variables[0].dtype) == expected
    t, p = np.array([0, 1, 1]), np.array([0, 1, 0])
    if isinstance(metric, metrics.OneHotMeanIoU):
        t, p = np.eye(C)[t], np.eye(C)[p]
    metric.update_state(t, p)
    # each class present: IoU 1/2 (one hit, one miss); int scores threshold at 0.5 (BinaryIoU)
    assert_close(metric.result(), 0.5, dtype="float32")


# --- F-scores and R2 ---------------------------------------------------------------------------
def r_fbeta(beta, average, threshold):
    def ref(t, p, w):
        if threshold is None:
            pred = (p >= p.max(-1, keepdims=True)).astype(float)
        else:
            pred = (p > threshold).astype(float)
        w = w[:, None]
        axis = None if average == "micro" else 0
        tp = (pred * t * w).sum(axis)
        fp = (pred * (1 - t) * w).sum(axis)
        fn = ((1 - pred) * t * w).sum(axis)
        support = (t * w).sum(axis)
        precision, recall = tp / (tp + fp + EPS), tp / (tp + fn + EPS)
        score = (1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall + EPS)
        if average == "weighted":
            return (score * support / (support.sum() + EPS)).sum()
        return score.mean() if average == "macro" else score
    return ref


def r_r2(aggregation="uniform_average", num_regressors=0):
    def ref(t, p, w):
        w = np.broadcast_to(w[:, None], t.shape)
        mean = (t * w).sum(0) / w.sum(0)
        ss_tot = (w * (t - mean) ** 2).sum(0)
        raw = 1 - (w * (t - p) ** 2).sum(0) / ss_tot
        if aggregation == "uniform_average":
            r2 = raw.mean()
        elif aggregation == "variance_weighted_average":
            r2 = (raw * ss_tot).sum() / ss_tot.sum()
        else:
            r2 = raw
        if num_regressors:
            n = t.size
            r2 = 1 - (1 - r2) * (n - 1) / (n - num_regressors - 1)
        return r2
    return ref


SCORE_CASES = [
    ("f1_none", lambda: metrics.F1Score(), ONE_HOT, PROB, r_fbeta(1.0, None, None)),
    ("f1_macro_threshold", lambda: metrics.F1Score(average="macro", threshold=0.4), BIN_T, PROB,
     r_fbeta(1.0, "macro", 0.4)),
    ("fbeta_weighted", lambda: metrics.FBetaScore(beta=2.0, average="weighted"), BIN_T, PROB,
     r_fbeta(2.0, "weighted", None)),
    ("fbeta_micro", lambda: metrics.FBetaScore(average="micro", beta=0.5, threshold=0.5), BIN_T,
     PROB, r_fbeta(0.5, "micro", 0.5)),
    ("r2", lambda: metrics.R2Score(), REG_T, REG_P, r_r2()),
    ("r2_variance_weighted_adjusted",
     lambda: metrics.R2Score(class_aggregation="variance_weighted_average", num_regressors=2),
     REG_T, REG_P, r_r2("variance_weighted_average", 2)),
    ("r2_raw", lambda: metrics.R2Score(class_aggregation=None), REG_T, REG_P, r_r2(None)),
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", SCORE_CASES, ids=[c[0] for c in SCORE_CASES])
def test_score_metrics(case, weighted):
    _, factory, y_true, y_pred, reference = case
    t, p, w = _both(y_true, y_pred, weighted)
    metric = factory()
    assert_close(_run(metric, y_true, y_pred, weighted), reference(t, p, w), dtype="float32",
                 rtol=1e-4, atol=1e-5)
    _check_reset(metric)


# --- function forms -----------------------------------------------------------------------------
FUNCTION_CASES = [
    ("binary_accuracy", lambda t, p: metrics.binary_accuracy(t, p, threshold=0.3), BIN_T, PROB,
     lambda t, p: ((p > 0.3) == t).astype(float)),
    ("categorical_accuracy", metrics.categorical_accuracy, ONE_HOT, PROB,
     lambda t, p: (t.argmax(-1) == p.argmax(-1)).astype(float)),
    ("sparse_categorical_accuracy", metrics.sparse_categorical_accuracy, LABELS, PROB,
     lambda t, p: (t == p.argmax(-1)).astype(float)),
    ("top_k_categorical_accuracy", lambda t, p: metrics.top_k_categorical_accuracy(t, p, k=2),
     ONE_HOT, PROB, lambda t, p: r_top_k(t.argmax(-1), p, 2)),
    ("sparse_top_k_categorical_accuracy",
     lambda t, p: metrics.sparse_top_k_categorical_accuracy(t, p, k=2), LABELS, PROB,
     lambda t, p: r_top_k(t, p, 2)),
    ("pearson_correlation", metrics.pearson_correlation, REG_T, REG_P, r_pearson),
    ("concordance_correlation", metrics.concordance_correlation, REG_T, REG_P, r_ccc),
]


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=[c[0] for c in FUNCTION_CASES])
def test_function_forms(case):
    _, fn, y_true, y_pred, reference = case
    assert_close(fn(y_true, y_pred), reference(y_true, y_pred), dtype=kc.config.floatx(),
                 rtol=1e-4, atol=1e-5)


# --- fast paths: the same numbers as the general forms ----------------------------------------
# Unweighted updates skip the sample-weight machinery (and update in place on torch); they must
# give exactly what the weighted form gives with unit weights, and change no state when run
# statelessly.
@pytest.mark.parametrize("values", [REG_T[:, 0] * 3, REG_T * 3, np.float32(2.5)],
                         ids=["per-sample", "per-element", "scalar"])
def test_unweighted_mean_and_sum_equal_unit_weights_exactly(values):
    ones = np.ones(np.shape(values)[:1], "float32")
    for cls in (metrics.Mean, metrics.Sum):
        plain, weighted = cls(), cls()
        for v in (values, values[::-1].copy() if np.ndim(values) else values):
            plain.update_state(v)
            weighted.update_state(v, sample_weight=ones)
        for a, b in zip(plain.variables, weighted.variables):
            np.testing.assert_array_equal(to_numpy(a.value), to_numpy(b.value))
        np.testing.assert_array_equal(to_numpy(plain.result()), to_numpy(weighted.result()))
    assert float(to_numpy(plain.variables[0].value)) != 0  # the updates landed


def test_unweighted_stateless_update_changes_no_state():
    metric = metrics.Mean()
    metric.update_state([1.0, 3.0])
    before = [to_numpy(v.value) for v in metric.variables]
    values = metric.stateless_update_state([v.value for v in metric.variables], [5.0, 7.0, 9.0])
    for b, v in zip(before, metric.variables):
        np.testing.assert_array_equal(b, to_numpy(v.value))
    assert_close(values[0], 25.0, dtype="float32")
    assert_close(values[1], 5.0, dtype="float32")
    assert_close(metric.stateless_result(values), 5.0, dtype="float32")
    assert_close(metric.result(), 2.0, dtype="float32")


@pytest.mark.parametrize("labels", [
    np.array([2, 0, 1, 1, 0, 2]), np.array([2, 0, 1, 1, 0, 2], "int32").reshape(-1, 1),
    np.array([2.0, 0.0, 1.0, 1.0, 0.0, 2.0], "float32"),
], ids=["int64", "int32-column", "float"])
def test_sparse_categorical_accuracy_values(labels):
    scores = _f32([[0.1, 0.2, 0.7], [0.8, 0.1, 0.1], [0.3, 0.4, 0.3],
                   [0.5, 0.4, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])
    expected = (scores.argmax(-1) == labels.reshape(-1)).astype("float32")
    got = metrics.sparse_categorical_accuracy(labels, scores)
    assert_close(got, expected, dtype="float32")
    metric = metrics.SparseCategoricalAccuracy()
    metric.update_state(labels, scores)
    assert_close(metric.result(), expected.mean(), dtype="float32")
