"""Every loss class and every metric class on fixed data (keras.io "Losses", "Metrics"):
losses with sample_weight, each reduction, from_logits and label smoothing; metrics updated
twice (with and without sample_weight), result, reset_state, config.
"""

import numpy as np

import keras
from keras import losses, metrics, ops
from _common import emit

rng = np.random.default_rng(11)
N, C = 6, 4
y_reg = rng.standard_normal((N, C)).astype("float32")
p_reg = rng.standard_normal((N, C)).astype("float32")
y_pos = rng.uniform(0.5, 2.0, (N, C)).astype("float32")
p_pos = rng.uniform(0.5, 2.0, (N, C)).astype("float32")
y_bin = (rng.uniform(size=(N, C)) > 0.5).astype("float32")
logits = rng.standard_normal((N, C)).astype("float32")
p_bin = (1.0 / (1.0 + np.exp(-logits))).astype("float32")
labels = rng.integers(0, C, (N,)).astype("int32")
y_cat = np.eye(C, dtype="float32")[labels]
p_cat = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype("float32")
y_pm = (2 * y_bin - 1).astype("float32")
sw = rng.uniform(0.0, 2.0, (N,)).astype("float32")
result = {}

LOSS_CASES = {  # name: (loss, y_true, y_pred)
    "mse": (losses.MeanSquaredError(), y_reg, p_reg),
    "mae": (losses.MeanAbsoluteError(), y_reg, p_reg),
    "mape": (losses.MeanAbsolutePercentageError(), y_pos, p_pos),
    "msle": (losses.MeanSquaredLogarithmicError(), y_pos, p_pos),
    "huber": (losses.Huber(delta=0.7), y_reg, p_reg),
    "logcosh": (losses.LogCosh(), y_reg, p_reg),
    "cosine": (losses.CosineSimilarity(axis=-1), y_reg, p_reg),
    "poisson": (losses.Poisson(), y_pos, p_pos),
    "kld": (losses.KLDivergence(), p_cat, np.roll(p_cat, 1, axis=0)),
    "bce": (losses.BinaryCrossentropy(), y_bin, p_bin),
    "bce_logits_ls": (losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2), y_bin, logits),
    "bfce": (losses.BinaryFocalCrossentropy(gamma=2.0), y_bin, p_bin),
    "bfce_balanced_logits": (losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3,
                                                            from_logits=True, label_smoothing=0.1), y_bin, logits),
    "cce": (losses.CategoricalCrossentropy(), y_cat, p_cat),
    "cce_logits_ls": (losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), y_cat, logits),
    "cfce": (losses.CategoricalFocalCrossentropy(alpha=0.4, gamma=1.5), y_cat, p_cat),
    "cfce_logits": (losses.CategoricalFocalCrossentropy(from_logits=True), y_cat, logits),
    "cgce": (losses.CategoricalGeneralizedCrossEntropy(q=0.3), labels, p_cat),
    "scce": (losses.SparseCategoricalCrossentropy(), labels, p_cat),
    "scce_logits": (losses.SparseCategoricalCrossentropy(from_logits=True), labels, logits),
    "scce_ignore": (losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1), labels, logits),
    "hinge": (losses.Hinge(), y_pm, logits),
    "squared_hinge": (losses.SquaredHinge(), y_bin, logits),
    "categorical_hinge": (losses.CategoricalHinge(), y_cat, logits),
    "dice": (losses.Dice(), y_bin, p_bin),
    "tversky": (losses.Tversky(alpha=0.3, beta=0.7), y_bin, p_bin),
    "circle": (losses.Circle(gamma=2.0, margin=0.3), labels, y_reg),
}
loss_values = {}
loss_configs = {}
KC_EXTRA_KEYS = ("delta", "axis")
for name, (loss, yt, yp) in LOSS_CASES.items():
    values = [loss(yt, yp)]
    if name not in ("circle",):
        values.append(loss(yt, yp, sample_weight=sw))
    loss_values[name] = values
    # kc deliberately also writes Huber's delta and the axis of CosineSimilarity and
    # SparseCategoricalCrossentropy (Keras 3.15 leaves them out, so its round trip loses them).
    loss_configs[name] = {k: v for k, v in loss.get_config().items() if k not in KC_EXTRA_KEYS}
    if name != "huber":
        rt = type(loss).from_config(loss.get_config())
        loss_values[name + "_from_config"] = rt(yt, yp)
result["fwd_losses"] = loss_values
result["loss_configs"] = loss_configs
reductions = {}
for red in ["sum", "sum_over_batch_size", "mean", "mean_with_sample_weight", "none", None]:
    loss = losses.MeanSquaredError(reduction=red)
    reductions[str(red)] = [loss(y_reg, p_reg, sample_weight=sw), loss(y_reg, p_reg)]
result["fwd_reductions"] = reductions
ctc_labels = np.array([[1, 2, 0], [2, 2, 1]], dtype="int32")
ctc_pred = rng.standard_normal((2, 5, 4)).astype("float32")
result["fwd_ctc"] = losses.CTC()(ctc_labels, ctc_pred)
result["fwd_functions"] = {
    "mse": losses.mean_squared_error(y_reg, p_reg),
    "bce": losses.binary_crossentropy(y_bin, logits, from_logits=True),
    "scce": losses.sparse_categorical_crossentropy(labels, p_cat),
    "huber": losses.huber(y_reg, p_reg),
    "get": type(losses.get("categorical_crossentropy")).__name__ if isinstance(
        losses.get("categorical_crossentropy"), losses.Loss) else losses.get("categorical_crossentropy").__name__,
}

half = N // 2


def value(t):
    # A copy now: Keras on torch returns the confusion-count variables themselves from
    # result(), so reset_state() would zero a value kept as a tensor.
    return np.array(ops.convert_to_numpy(t), copy=True)


def run_metric(m, yt, yp, weighted=True):
    m.update_state(yt[:half], yp[:half])
    first = value(m.result())
    if weighted:
        m.update_state(yt[half:], yp[half:], sample_weight=sw[half:])
    else:
        m.update_state(yt[half:], yp[half:])
    second = value(m.result())
    m.reset_state()
    return [first, second, value(m.result())]


thr = [0.3, 0.6]
METRIC_CASES = {
    "accuracy": (metrics.Accuracy(), labels, np.roll(labels, 1)),
    "binary_accuracy": (metrics.BinaryAccuracy(threshold=0.4), y_bin, p_bin),
    "categorical_accuracy": (metrics.CategoricalAccuracy(), y_cat, p_cat),
    "sparse_categorical_accuracy": (metrics.SparseCategoricalAccuracy(), labels, p_cat),
    "top_k": (metrics.TopKCategoricalAccuracy(k=2), y_cat, p_cat),
    "sparse_top_k": (metrics.SparseTopKCategoricalAccuracy(k=2), labels, p_cat),
    "auc": (metrics.AUC(num_thresholds=20), y_bin, p_bin),
    "auc_pr_logits": (metrics.AUC(curve="PR", from_logits=True, summation_method="minoring"), y_bin, logits),
    "precision": (metrics.Precision(thresholds=thr), y_bin, p_bin),
    "recall": (metrics.Recall(), y_bin, p_bin),
    "precision_topk": (metrics.Precision(top_k=2), y_bin, p_bin),
    "tp": (metrics.TruePositives(thresholds=thr), y_bin, p_bin),
    "tn": (metrics.TrueNegatives(), y_bin, p_bin),
    "fp": (metrics.FalsePositives(), y_bin, p_bin),
    "fn": (metrics.FalseNegatives(thresholds=thr), y_bin, p_bin),
    "precision_at_recall": (metrics.PrecisionAtRecall(0.5, num_thresholds=20), y_bin, p_bin),
    "recall_at_precision": (metrics.RecallAtPrecision(0.5, num_thresholds=20), y_bin, p_bin),
    "sens_at_spec": (metrics.SensitivityAtSpecificity(0.5, num_thresholds=20), y_bin, p_bin),
    "spec_at_sens": (metrics.SpecificityAtSensitivity(0.5, num_thresholds=20), y_bin, p_bin),
    "f1": (metrics.F1Score(average="macro", threshold=0.5), y_bin, p_bin),
    "fbeta": (metrics.FBetaScore(beta=2.0, average="weighted"), y_cat, p_cat),
    "f1_none": (metrics.F1Score(), y_cat, p_cat),
    "iou": (metrics.IoU(num_classes=C, target_class_ids=[0, 2]), labels, np.roll(labels, 2)),
    "mean_iou": (metrics.MeanIoU(num_classes=C), labels, np.roll(labels, 2)),
    "binary_iou": (metrics.BinaryIoU(threshold=0.5), y_bin, p_bin),
    "one_hot_iou": (metrics.OneHotIoU(num_classes=C, target_class_ids=[1, 3]), y_cat, p_cat),
    "one_hot_mean_iou": (metrics.OneHotMeanIoU(num_classes=C), y_cat, p_cat),
    "mse": (metrics.MeanSquaredError(), y_reg, p_reg),
    "rmse": (metrics.RootMeanSquaredError(), y_reg, p_reg),
    "mae": (metrics.MeanAbsoluteError(), y_reg, p_reg),
    "mape": (metrics.MeanAbsolutePercentageError(), y_pos, p_pos),
    "msle": (metrics.MeanSquaredLogarithmicError(), y_pos, p_pos),
    "logcosh": (metrics.LogCoshError(), y_reg, p_reg),
    "cosine": (metrics.CosineSimilarity(), y_reg, p_reg),
    "poisson": (metrics.Poisson(), y_pos, p_pos),
    "kld": (metrics.KLDivergence(), p_cat, np.roll(p_cat, 1, axis=0)),
    "bce": (metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), y_bin, logits),
    "cce": (metrics.CategoricalCrossentropy(), y_cat, p_cat),
    "scce": (metrics.SparseCategoricalCrossentropy(from_logits=True), labels, logits),
    "hinge": (metrics.Hinge(), y_pm, logits),
    "squared_hinge": (metrics.SquaredHinge(), y_pm, logits),
    "categorical_hinge": (metrics.CategoricalHinge(), y_cat, logits),
    "r2": (metrics.R2Score(), y_reg, p_reg),
    "r2_adjusted": (metrics.R2Score(class_aggregation="variance_weighted_average", num_regressors=1), y_reg, p_reg),
    "pearson": (metrics.PearsonCorrelation(), y_reg, p_reg),
    "concordance": (metrics.ConcordanceCorrelation(), y_reg, p_reg),
    "wrapper": (metrics.MeanMetricWrapper(fn=losses.mean_absolute_error, name="wrapped_mae"), y_reg, p_reg),
}
metric_values = {}
metric_configs = {}
for name, (m, yt, yp) in METRIC_CASES.items():
    weighted = name not in ("pearson", "concordance", "one_hot_iou", "one_hot_mean_iou", "binary_iou")
    metric_values[name] = run_metric(m, yt, yp, weighted)
    cfg = m.get_config()
    if name == "wrapper":
        cfg = {k: v for k, v in cfg.items() if k != "fn"}
    metric_configs[name] = cfg
    metric_values[name + "_vars"] = [len(m.variables), m.name]
result["fwd_metrics"] = metric_values
result["metric_configs"] = metric_configs

mean = metrics.Mean(name="avg")
mean.update_state([1.0, 2.0, 4.0], sample_weight=[1.0, 0.0, 2.0])
mean.update_state(3.0)
total = metrics.Sum()
total.update_state([[1.0, 2.0], [3.0, 4.0]], sample_weight=[0.5, 2.0])
result["fwd_reduce"] = [mean.result(), total.result(), mean.get_config(), total.get_config()]
acc = metrics.get("accuracy")
result["metric_get"] = [getattr(acc, "__name__", type(acc).__name__), type(metrics.get("mse")).__name__
                        if not callable(metrics.get("mse")) or isinstance(metrics.get("mse"), metrics.Metric)
                        else metrics.get("mse").__name__]
emit(result)
