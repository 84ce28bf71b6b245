"""Values of kc.losses: every function form and class form against a closed-form NumPy computation.

The NumPy references below are written from the published definitions of each loss (and the
conventions Keras 3 documents: epsilon clipping, label smoothing, 0/1 -> -1/1 hinge labels).
Reductions, masks, configs and errors are in test_losses_api.py.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import kc
from kc import losses
from kc_testing import assert_close, compiled

EPS = 1e-7  # kc.config.epsilon()
RNG = np.random.default_rng(7)


def _f32(x):
    return np.asarray(x, dtype="float32")


# --- data (small, fixed) --------------------------------------------------------------------
REG_T = _f32(RNG.normal(size=(3, 4)))
REG_P = _f32(RNG.normal(size=(3, 4)) * 2)
POS_T = np.abs(REG_T)
BIN_T = _f32([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 0, 0]])
PROB = _f32(RNG.uniform(0.02, 0.98, size=(3, 4)))
LOGITS = _f32(RNG.normal(size=(3, 4)) * 2)
LABELS = np.array([0, 2, 3])
ONE_HOT = np.eye(4, dtype="float32")[LABELS]
CAT_P = PROB / PROB.sum(-1, keepdims=True)
SEQ_LABELS = np.array([[0, 2], [1, 1], [3, 0]])
SEQ_P = _f32(RNG.uniform(0.05, 1.0, size=(3, 2, 4)))
SEQ_P = SEQ_P / SEQ_P.sum(-1, keepdims=True)
EMB = _f32(RNG.normal(size=(5, 3)))
EMB_LABELS = np.array([0, 1, 0, 2, 1])
CTC_T = np.array([[1, 2, 0], [3, 3, 1]])
CTC_P = _f32(RNG.normal(size=(2, 4, 4)))


# --- NumPy references -----------------------------------------------------------------------
def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_bce_elems(t, p, from_logits):
    if from_logits:
        return np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def np_mse(t, p):
    return np.mean((t - p) ** 2, -1)


def np_mae(t, p):
    return np.mean(np.abs(t - p), -1)


def np_mape(t, p):
    return 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), -1)


def np_msle(t, p):
    return np.mean((np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(t, EPS))) ** 2, -1)


def np_cosine(t, p, axis=-1):
    nt = t / np.sqrt(np.maximum(np.sum(t * t, axis, keepdims=True), 1e-12))
    npred = p / np.sqrt(np.maximum(np.sum(p * p, axis, keepdims=True), 1e-12))
    return -np.sum(nt * npred, axis)


def np_huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.mean(np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2), -1)


def np_log_cosh(t, p):
    return np.mean(np.log(np.cosh(p - t)), -1)


def np_bce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    return np.mean(np_bce_elems(t, p, from_logits), axis)


def np_binary_focal(t, p, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                    label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    bce = np_bce_elems(t, p, from_logits)
    prob = np_sigmoid(p) if from_logits else p
    p_t = t * prob + (1 - t) * (1 - prob)
    loss = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        loss = (t * alpha + (1 - t) * (1 - alpha)) * loss
    return np.mean(loss, axis)


def np_cce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + label_smoothing / t.shape[axis]
    if from_logits:
        p = np_softmax(p, axis)
    p = np.clip(p / p.sum(axis, keepdims=True), EPS, 1 - EPS)
    return -np.sum(t * np.log(p), axis)


def np_cat_focal(t, p, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + label_smoothing / t.shape[axis]
    if from_logits:
        p = np_softmax(p, axis)
    p = np.clip(p / p.sum(axis, keepdims=True), EPS, 1 - EPS)
    return np.sum(alpha * (1 - p) ** gamma * -t * np.log(p), axis)


def np_sparse_cce(t, p, from_logits=False, ignore_class=None, axis=-1):
    t = np.asarray(t)
    if t.ndim == p.ndim:
        t = t[..., 0]
    p = np.moveaxis(p, axis, -1)
    if from_logits:
        p = np_softmax(p)
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    safe = np.where(t == ignore_class, 0, t) if ignore_class is not None else t
    out = -np.log(np.take_along_axis(p, safe[..., None], -1)[..., 0])
    return np.where(t == ignore_class, 0.0, out) if ignore_class is not None else out


def np_kld(t, p):
    t, p = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
    return np.sum(t * np.log(t / p), -1)


def np_poisson(t, p):
    return np.mean(p - t * np.log(p + EPS), -1)


def np_gce(t, p, q):
    return (1 - p[np.arange(len(t)), t] ** q) / q


def _signed(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def np_hinge(t, p):
    return np.mean(np.maximum(1 - _signed(t) * p, 0), -1)


def np_squared_hinge(t, p):
    return np.mean(np.maximum(1 - _signed(t) * p, 0) ** 2, -1)


def np_cat_hinge(t, p):
    return np.maximum(np.max((1 - t) * p, -1) - np.sum(t * p, -1) + 1, 0)


def np_dice(t, p, axis=None):
    return 1 - 2 * np.sum(t * p, axis) / (np.sum(t, axis) + np.sum(p, axis) + EPS)


def np_tversky(t, p, alpha=0.5, beta=0.5, axis=None):
    tp = np.sum(t * p, axis)
    fn = np.sum(t * (1 - p), axis)
    fp = np.sum((1 - t) * p, axis)
    return 1 - tp / (tp + alpha * fn + beta * fp + EPS)


def np_circle(labels, emb, ref_labels=None, ref_emb=None, remove_diagonal=True, gamma=80.0,
              margin=0.4):
    """Loop over anchors: softplus(logsumexp over positives + logsumexp over negatives)."""
    ref_labels = labels if ref_labels is None else ref_labels
    ref_emb = emb if ref_emb is None else ref_emb
    out = np.zeros(len(labels))
    for i in range(len(labels)):
        s = np.minimum(ref_emb @ emb[i], 1.0)
        pos = [j for j in range(len(ref_labels))
               if ref_labels[j] == labels[i] and not (remove_diagonal and i == j)]
        neg = [j for j in range(len(ref_labels)) if ref_labels[j] != labels[i]]
        if not pos or not neg:
            continue
        lp = [-gamma * max(1 + margin - s[j], 0) * (s[j] - (1 - margin)) for j in pos]
        ln = [gamma * max(s[j] + margin, 0) * (s[j] - margin) for j in neg]
        z = np.logaddexp.reduce(lp) + np.logaddexp.reduce(ln)
        out[i] = np.logaddexp(0, z)
    return out


def np_ctc(labels, logits):
    """Brute force: log-sum over every alignment that collapses to the label sequence."""
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    out = []
    for lab, lp in zip(labels, logp):
        target = tuple(int(c) for c in lab if c != 0)
        total = -np.inf
        for path in itertools.product(range(lp.shape[1]), repeat=lp.shape[0]):
            collapsed = [c for k, c in enumerate(path) if c != 0 and (k == 0 or path[k - 1] != c)]
            if tuple(collapsed) == target:
                total = np.logaddexp(total, sum(lp[t, c] for t, c in enumerate(path)))
        out.append(-total)
    return np.array(out)


# (function name, y_true, y_pred, kwargs, reference)
FUNCTION_CASES = [
    ("mean_squared_error", REG_T, REG_P, {}, np_mse),
    ("mean_absolute_error", REG_T, REG_P, {}, np_mae),
    ("mean_absolute_percentage_error", REG_T, REG_P, {}, np_mape),
    ("mean_squared_logarithmic_error", POS_T, REG_P, {}, np_msle),
    ("cosine_similarity", REG_T, REG_P, {}, np_cosine),
    ("cosine_similarity", REG_T, REG_P, {"axis": 0}, np_cosine),
    ("huber", REG_T, REG_P, {}, np_huber),
    ("huber", REG_T, REG_P, {"delta": 0.3}, np_huber),
    ("log_cosh", REG_T, REG_P, {}, np_log_cosh),
    ("binary_crossentropy", BIN_T, PROB, {}, np_bce),
    ("binary_crossentropy", BIN_T, LOGITS, {"from_logits": True, "label_smoothing": 0.2}, np_bce),
    ("binary_crossentropy", BIN_T, PROB, {"label_smoothing": 0.1, "axis": 0}, np_bce),
    ("binary_focal_crossentropy", BIN_T, PROB, {}, np_binary_focal),
    ("binary_focal_crossentropy", BIN_T, LOGITS,
     {"from_logits": True, "apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5,
      "label_smoothing": 0.1}, np_binary_focal),
    ("categorical_crossentropy", ONE_HOT, CAT_P, {}, np_cce),
    ("categorical_crossentropy", ONE_HOT, LOGITS, {"from_logits": True, "label_smoothing": 0.3},
     np_cce),
    ("categorical_crossentropy", ONE_HOT.T.copy(), CAT_P.T.copy(), {"axis": 0}, np_cce),
    ("categorical_focal_crossentropy", ONE_HOT, CAT_P, {}, np_cat_focal),
    ("categorical_focal_crossentropy", ONE_HOT, LOGITS,
     {"from_logits": True, "label_smoothing": 0.3, "alpha": 0.5, "gamma": 1.0}, np_cat_focal),
    ("sparse_categorical_crossentropy", LABELS, CAT_P, {}, np_sparse_cce),
    ("sparse_categorical_crossentropy", LABELS[:, None], LOGITS, {"from_logits": True},
     np_sparse_cce),
    ("sparse_categorical_crossentropy", SEQ_LABELS, SEQ_P, {"ignore_class": 1}, np_sparse_cce),
    ("sparse_categorical_crossentropy", LABELS, CAT_P.T.copy(), {"axis": 0}, np_sparse_cce),
    ("kl_divergence", CAT_P, CAT_P[::-1].copy(), {}, np_kld),
    ("poisson", POS_T, PROB, {}, np_poisson),
    ("categorical_generalized_cross_entropy", LABELS, CAT_P, {"q": 0.3}, np_gce),
    ("hinge", BIN_T, REG_P, {}, np_hinge),
    ("hinge", 2 * BIN_T - 1, REG_P, {}, np_hinge),
    ("squared_hinge", BIN_T, REG_P, {}, np_squared_hinge),
    ("categorical_hinge", ONE_HOT, REG_P, {}, np_cat_hinge),
    ("dice", BIN_T, PROB, {}, np_dice),
    ("dice", BIN_T, PROB, {"axis": -1}, np_dice),
    ("tversky", BIN_T, PROB, {}, np_tversky),
    ("tversky", BIN_T, PROB, {"alpha": 0.2, "beta": 0.8, "axis": -1}, np_tversky),
    ("circle", EMB_LABELS, EMB, {"gamma": 2.0}, np_circle),
    ("circle", EMB_LABELS, EMB, {"gamma": 2.0, "margin": 0.25, "remove_diagonal": False},
     np_circle),
    ("circle", EMB_LABELS, EMB / np.linalg.norm(EMB, axis=-1, keepdims=True), {}, np_circle),
    ("ctc", CTC_T, CTC_P, {}, np_ctc),
]


def _case_id(case):
    return f"{case[0]}-{'-'.join(f'{k}={v}' for k, v in case[3].items())}"


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=_case_id)
def test_function_value(case):
    name, y_true, y_pred, kwargs, reference = case
    got = getattr(losses, name)(y_true, y_pred, **kwargs)
    want = reference(y_true.astype("float64") if y_true.dtype.kind == "f" else y_true,
                     y_pred.astype("float64"), **kwargs)
    assert_close(got, want, dtype="float32", rtol=2e-5, atol=2e-5)


def test_circle_with_reference_embeddings():
    ref_labels = np.array([0, 1, 2, 2])
    ref = _f32(RNG.normal(size=(4, 3)))
    for remove_diagonal in (True,):  # (i, i) pairs of a non-square similarity matrix
        got = losses.circle(EMB_LABELS, EMB, ref_labels=ref_labels, ref_embeddings=ref,
                            remove_diagonal=remove_diagonal, gamma=3.0)
        want = np_circle(EMB_LABELS, EMB.astype("float64"), ref_labels, ref.astype("float64"),
                         remove_diagonal=remove_diagonal, gamma=3.0)
        assert_close(got, want, dtype="float32", rtol=2e-5, atol=2e-5)


# (class name, constructor kwargs, function name, y_true, y_pred, reference(t, p) per sample)
CLASS_CASES = [
    ("MeanSquaredError", {}, REG_T, REG_P, np_mse),
    ("MeanAbsoluteError", {}, REG_T, REG_P, np_mae),
    ("MeanAbsolutePercentageError", {}, REG_T, REG_P, np_mape),
    ("MeanSquaredLogarithmicError", {}, POS_T, REG_P, np_msle),
    ("CosineSimilarity", {"axis": -1}, REG_T, REG_P, np_cosine),
    ("Huber", {"delta": 0.5}, REG_T, REG_P, lambda t, p: np_huber(t, p, 0.5)),
    ("LogCosh", {}, REG_T, REG_P, np_log_cosh),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, BIN_T, LOGITS,
     lambda t, p: np_bce(t, p, True, 0.1)),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "gamma": 1.0}, BIN_T, PROB,
     lambda t, p: np_binary_focal(t, p, True, gamma=1.0)),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, ONE_HOT, CAT_P,
     lambda t, p: np_cce(t, p, label_smoothing=0.2)),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, ONE_HOT, LOGITS,
     lambda t, p: np_cat_focal(t, p, from_logits=True)),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, LABELS, LOGITS,
     lambda t, p: np_sparse_cce(t, p, True)),
    ("KLDivergence", {}, CAT_P, CAT_P[::-1].copy(), np_kld),
    ("Poisson", {}, POS_T, PROB, np_poisson),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.7}, LABELS, CAT_P,
     lambda t, p: np_gce(t, p, 0.7)),
    ("Hinge", {}, BIN_T, REG_P, np_hinge),
    ("SquaredHinge", {}, BIN_T, REG_P, np_squared_hinge),
    ("CategoricalHinge", {}, ONE_HOT, REG_P, np_cat_hinge),
    ("Dice", {"axis": -1}, BIN_T, PROB, lambda t, p: np_dice(t, p, -1)),
    ("Tversky", {"alpha": 0.7, "beta": 0.3, "axis": -1}, BIN_T, PROB,
     lambda t, p: np_tversky(t, p, 0.7, 0.3, -1)),
    ("Circle", {"gamma": 2.0, "remove_diagonal": False}, EMB_LABELS, EMB,
     lambda t, p: np_circle(t, p, gamma=2.0, remove_diagonal=False)),
    ("CTC", {}, CTC_T, CTC_P, np_ctc),
]


@pytest.mark.parametrize("case", CLASS_CASES, ids=lambda c: c[0])
def test_class_value_with_and_without_sample_weight(case):
    cls_name, kwargs, y_true, y_pred, reference = case
    per_sample = reference(y_true.astype("float64") if y_true.dtype.kind == "f" else y_true,
                           y_pred.astype("float64"))
    weights = np.linspace(0.0, 2.0, len(per_sample))
    loss = getattr(losses, cls_name)(**kwargs)
    assert_close(loss(y_true, y_pred), per_sample.mean(), dtype="float32", rtol=2e-5, atol=2e-5)
    assert_close(loss(y_true, y_pred, sample_weight=weights), (per_sample * weights).mean(),
                 dtype="float32", rtol=2e-5, atol=2e-5)
    none = getattr(losses, cls_name)(reduction=None, **kwargs)
    assert_close(none(y_true, y_pred, sample_weight=weights), per_sample * weights,
                 dtype="float32", rtol=2e-5, atol=2e-5)


def test_sparse_ignore_class_leaves_positions_out_of_the_average():
    loss = losses.SparseCategoricalCrossentropy(ignore_class=1)
    values = np_sparse_cce(SEQ_LABELS, SEQ_P.astype("float64"), ignore_class=1)
    valid = SEQ_LABELS != 1
    assert_close(loss(SEQ_LABELS, SEQ_P), values.sum() / valid.sum(), dtype="float32")
    result = losses.sparse_categorical_crossentropy(SEQ_LABELS, SEQ_P, ignore_class=1)
    np.testing.assert_array_equal(kc.ops.convert_to_numpy(kc.backend.get_keras_mask(result)), valid)


def test_circle_class_averages_over_anchors_with_pairs():
    # Anchor 3 (label 2) has no positive: it is masked out of the average, as in Keras.
    values = np_circle(EMB_LABELS, EMB.astype("float64"), gamma=2.0)
    assert values[3] == 0
    assert_close(losses.Circle(gamma=2.0)(EMB_LABELS, EMB), values.sum() / 4, dtype="float32",
                 rtol=2e-5)


def test_loss_dtype_float16():
    got = losses.MeanSquaredError(dtype="float16")(REG_T, REG_P)
    assert_close(got, np_mse(REG_T, REG_P).mean(), dtype="float16")


def test_compiled_loss_matches_eager():
    loss = losses.SparseCategoricalCrossentropy(ignore_class=1)
    fn = compiled(lambda t, p: loss(t, p))
    valid = SEQ_LABELS != 1  # the output mask must survive tracing
    values = np_sparse_cce(SEQ_LABELS, SEQ_P.astype("float64"), ignore_class=1)
    assert_close(fn(SEQ_LABELS, SEQ_P), values.sum() / valid.sum(), dtype="float32")


@pytest.mark.grad
def test_gradient_of_a_loss_matches_finite_differences():
    from kc_testing import backend_gradient, numeric_gradient

    target = kc.ops.convert_to_tensor(ONE_HOT)

    def fn(p):
        return losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(target, p)

    g = backend_gradient(fn, LOGITS.astype("float32"))
    n = numeric_gradient(lambda p: fn(kc.ops.convert_to_tensor(p.astype("float32"))),
                         LOGITS.astype("float64"))
    np.testing.assert_allclose(g, n, rtol=1e-2, atol=1e-3)


def test_math_constant_is_log2():
    # log_cosh's stable form uses log(2); a wrong constant would shift every value.
    assert_close(losses.log_cosh(_f32([[0.0]]), _f32([[30.0]])), [30.0 - math.log(2.0)],
                 dtype="float32")



# --- fast paths: the same numbers as the general forms ----------------------------------------
# The per-step fast paths (torch's native sparse cross-entropy, the unweighted reduction) must
# give exactly what kc.ops' forms and the weighted reduction give, values and gradients.
SPARSE_FAST_CASES = [
    # (labels, y_pred, from_logits)
    (LABELS, LOGITS, True),
    (LABELS, CAT_P, False),
    (LABELS.reshape(-1, 1).astype("int32"), LOGITS, True),
    (SEQ_LABELS, SEQ_P, False),
    (SEQ_LABELS, np.log(SEQ_P), True),
]


@pytest.mark.parametrize("case", range(len(SPARSE_FAST_CASES)))
def test_sparse_crossentropy_equals_the_ops_form_exactly(case):
    from kc_testing import to_numpy

    labels, y_pred, from_logits = SPARSE_FAST_CASES[case]
    got = losses.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits)
    squeezed = labels.reshape(y_pred.shape[:-1])
    want = kc.ops.sparse_categorical_crossentropy(squeezed, y_pred, from_logits=from_logits)
    np.testing.assert_array_equal(to_numpy(got), to_numpy(want))


@pytest.mark.grad
@pytest.mark.parametrize("from_logits", [True, False])
def test_sparse_crossentropy_gradient_equals_the_ops_form_exactly(from_logits):
    from kc_testing import backend_gradient

    y_pred = LOGITS if from_logits else CAT_P
    weights = np.linspace(0.5, 2.0, len(LABELS)).astype("float32")
    got = backend_gradient(lambda p: losses.sparse_categorical_crossentropy(
        LABELS, p, from_logits=from_logits), y_pred, weights)
    want = backend_gradient(lambda p: kc.ops.sparse_categorical_crossentropy(
        LABELS, p, from_logits=from_logits), y_pred, weights)
    np.testing.assert_array_equal(got, want)


def test_sparse_crossentropy_label_out_of_range_on_torch_names_the_loss():
    from kc_testing import BACKEND

    if BACKEND != "torch":
        pytest.skip("torch's native kernel checks labels; the one-hot form gives 0 elsewhere")
    with pytest.raises(IndexError, match=r"sparse_categorical_crossentropy: labels .* \[0, 4\)"):
        losses.sparse_categorical_crossentropy(np.array([0, 4, 1]), LOGITS, from_logits=True)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean",
                                       "mean_with_sample_weight"])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_unweighted_reduction_equals_the_weighted_form_with_unit_weights(reduction, dtype):
    from kc_testing import dtype_name, to_numpy

    values = kc.ops.convert_to_tensor(REG_P.astype(dtype) * 3)  # 12 values: 1/12 is inexact
    got = losses._base.reduce_weighted_values(values, reduction=reduction)
    want = losses._base.reduce_weighted_values(values, sample_weight=np.ones((3, 4), dtype),
                                               reduction=reduction)
    assert dtype_name(got) == dtype and tuple(got.shape) == ()
    np.testing.assert_array_equal(to_numpy(got), to_numpy(want))
    empty = kc.ops.zeros((0, 4), dtype=dtype)  # no values: 0 (not NaN) for the averages
    assert float(to_numpy(losses._base.reduce_weighted_values(empty, reduction=reduction))) == 0
