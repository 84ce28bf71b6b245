"""Tests for the nn family of kc.ops: activations, softmax, one-hot, losses, normalization, CTC.

Every value is checked against a closed-form NumPy reference written here
(the CTC references enumerate all alignments of a tiny example).
"""

from __future__ import annotations

import collections
import itertools
import math

import numpy as np
import pytest

import kc
from kc import ops
from kc_testing import BACKEND, assert_close, backend_gradient, dtype_name, numeric_gradient, to_numpy

X = np.array([[-3.0, -1.0, -0.5, 0.0], [0.25, 0.5, 1.0, 2.5]])
EPS = 1e-7  # kc.config.epsilon()


def expected_dtype(name: str) -> str:
    """JAX without x64 narrows 64-bit types; every other backend keeps them."""
    if BACKEND == "jax":
        return {"float64": "float32", "int64": "int32", "complex128": "complex64"}.get(name, name)
    return name


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def np_erf(x):
    return np.vectorize(math.erf)(x)


def np_log_softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def np_softmax(x, axis=-1):
    return np.exp(np_log_softmax(x, axis))


def np_sparsemax_row(z):
    """Projection of z onto the simplex by the sorting algorithm of Martins & Astudillo."""
    zs = np.sort(z)[::-1]
    k = max(k for k in range(1, len(z) + 1) if 1 + k * zs[k - 1] > zs[:k].sum())
    tau = (zs[:k].sum() - 1) / k
    return np.maximum(z - tau, 0)


def np_sparsemax(x, axis=-1):
    return np.apply_along_axis(np_sparsemax_row, axis, x)


SELU_A, SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

# name, kwargs, reference
ACTIVATIONS = [
    ("relu", {}, lambda x: np.maximum(x, 0)),
    ("relu6", {}, lambda x: np.minimum(np.maximum(x, 0), 6)),
    ("sigmoid", {}, np_sigmoid),
    ("sparse_sigmoid", {}, lambda x: np.where(x <= -1, 0, np.where(x >= 1, 1, (x + 1) / 2))),
    ("softplus", {}, np_softplus),
    ("softsign", {}, lambda x: x / (1 + np.abs(x))),
    ("silu", {}, lambda x: x * np_sigmoid(x)),
    ("swish", {}, lambda x: x * np_sigmoid(x)),
    ("log_sigmoid", {}, lambda x: -np_softplus(-x)),
    ("leaky_relu", {}, lambda x: np.where(x > 0, x, 0.2 * x)),
    ("leaky_relu", {"negative_slope": 0.5}, lambda x: np.where(x > 0, x, 0.5 * x)),
    ("hard_sigmoid", {}, lambda x: np.clip(x / 6 + 0.5, 0, 1)),
    ("hard_silu", {}, lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    ("hard_swish", {}, lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    ("elu", {}, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    ("elu", {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    ("selu", {}, lambda x: SELU_S * np.where(x > 0, x, SELU_A * (np.exp(x) - 1))),
    ("gelu", {}, lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    ("gelu", {"approximate": False}, lambda x: 0.5 * x * (1 + np_erf(x / np.sqrt(2)))),
    ("celu", {}, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    ("celu", {"alpha": 2.0}, lambda x: np.where(x > 0, x, 2 * (np.exp(x / 2) - 1))),
    ("hard_tanh", {}, lambda x: np.clip(x, -1, 1)),
    ("hard_shrink", {}, lambda x: np.where(np.abs(x) > 0.5, x, 0)),
    ("hard_shrink", {"threshold": 1.0}, lambda x: np.where(np.abs(x) > 1, x, 0)),
    ("soft_shrink", {}, lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0)),
    ("tanh_shrink", {}, lambda x: x - np.tanh(x)),
    ("threshold", {"threshold": 0.5, "default_value": -2.0}, lambda x: np.where(x > 0.5, x, -2.0)),
    ("squareplus", {}, lambda x: (x + np.sqrt(x * x + 4)) / 2),
    ("squareplus", {"b": 1}, lambda x: (x + np.sqrt(x * x + 1)) / 2),
    ("sparse_plus", {}, lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
    ("softmax", {}, np_softmax),
    ("softmax", {"axis": 0}, lambda x: np_softmax(x, 0)),
    ("softmax", {"axis": (0, 1)}, lambda x: np.exp(x) / np.exp(x).sum()),
    ("log_softmax", {}, np_log_softmax),
    ("log_softmax", {"axis": -2}, lambda x: np_log_softmax(x, 0)),
    ("sparsemax", {}, np_sparsemax),
    ("sparsemax", {"axis": 0}, lambda x: np_sparsemax(x, 0)),
    ("glu", {}, lambda x: x[:, :2] * np_sigmoid(x[:, 2:])),
    ("glu", {"axis": 0}, lambda x: x[:1] * np_sigmoid(x[1:])),
]
ACT_IDS = [f"{n}-{k}" if k else n for n, k, _ in ACTIVATIONS]
INT_KEEPING = {"relu", "relu6", "hard_tanh", "threshold"}


@pytest.mark.parametrize("name,kwargs,ref", ACTIVATIONS, ids=ACT_IDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_activation_values(name, kwargs, ref, dtype):
    x = X.astype(dtype)
    assert_close(getattr(ops, name)(x, **kwargs), ref(X), dtype=expected_dtype(dtype))


@pytest.mark.parametrize("name,kwargs,ref", ACTIVATIONS[::3], ids=ACT_IDS[::3])
def test_activation_half_precision(name, kwargs, ref):
    assert_close(getattr(ops, name)(X.astype("float16"), **kwargs), ref(X.astype("float16").astype("float64")),
                 dtype="float16")


ACT_NAMES = sorted({n for n, _, _ in ACTIVATIONS})
# every op for int32, a rotating sample of ops for the other dtypes (keeps the file fast)
DTYPE_GRID = [(n, "int32") for n in ACT_NAMES] + [
    (n, d) for i, n in enumerate(ACT_NAMES) for j, d in enumerate(["bool", "float16", "bfloat16", "float64", "uint8"])
    if i % 5 == j or n in INT_KEEPING]


@pytest.mark.parametrize("name,dtype", DTYPE_GRID)
def test_activation_dtype(name, dtype):
    kwargs = dict(next(k for n, k, _ in ACTIVATIONS if n == name))
    x = np.array([[0, 1, 2, 1], [1, 0, 3, 2]]).astype(dtype if dtype != "bfloat16" else "float32")
    x = kc.backend.convert_to_tensor(x, dtype)
    if dtype in ("int32", "uint8"):
        want = dtype if name in INT_KEEPING else "float32"
    else:
        want = "float32" if dtype == "bool" else dtype
    out = getattr(ops, name)(x, **kwargs)
    assert dtype_name(out) == expected_dtype(want)


@pytest.mark.parametrize("name", ["relu", "relu6", "hard_tanh"])
def test_int_keeping_values(name):
    x = np.array([-7, -1, 0, 3, 9], "int32")
    want = {"relu": np.maximum(x, 0), "relu6": np.clip(x, 0, 6), "hard_tanh": np.clip(x, -1, 1)}[name]
    assert_close(getattr(ops, name)(x), want, dtype="int32")


def test_activation_of_int_and_empty_and_list():
    assert_close(ops.sigmoid(np.array([0, 2], "int32")), np_sigmoid(np.array([0.0, 2.0])), dtype="float32")
    assert_close(ops.relu(np.zeros((0, 3), "float32")), np.zeros((0, 3)), dtype="float32")
    assert_close(ops.softmax(np.zeros((0, 3), "float32")), np.zeros((0, 3)), dtype="float32")
    assert_close(ops.elu([-1.0, 2.0]), [math.expm1(-1.0), 2.0], dtype="float32")


def test_softmax_rows_sum_to_one_and_sparsemax_is_sparse():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 10.0]], "float32")
    np.testing.assert_allclose(to_numpy(ops.softmax(x)).sum(-1), [1.0, 1.0], rtol=1e-6)
    assert_close(ops.sparsemax(x), [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]], dtype="float32")
    third = 1 / 3
    assert_close(ops.sparsemax(np.array([0.1, 0.2, 0.3], "float32")),
                 [third - 0.1, third, third + 0.1], dtype="float32")


# --- one-hot --------------------------------------------------------------------------------------


def np_one_hot(x, n, axis=-1):
    x = np.asarray(x)
    hot = (x[..., None] == np.arange(n)).astype("float32")
    return np.moveaxis(hot, -1, axis)


@pytest.mark.parametrize("x,n,axis", [
    ([1, 0, 3], 4, -1),
    ([[1, -1], [5, 2]], 3, -1),  # negative and out-of-range indices: rows of zeros
    ([[1, 0], [2, 2]], 3, 0),
    ([[1, 0], [2, 2]], 3, 1),
    (np.zeros((0,), "int64"), 2, -1),
])
def test_one_hot(x, n, axis):
    x = np.asarray(x, dtype="int32" if not isinstance(x, np.ndarray) else x.dtype)
    assert_close(ops.one_hot(x, n, axis=axis), np_one_hot(x, n, axis), dtype="float32")


def test_one_hot_dtype_and_symbolic():
    assert dtype_name(ops.one_hot(np.array([0, 1]), 2, dtype="int32")) == "int32"
    out = ops.one_hot(kc.KerasTensor((None, 3), "int32"), 5, axis=1)
    assert out.shape == (None, 5, 3) and out.dtype == "float32"


@pytest.mark.parametrize("x,n,axis,want", [
    ([0, 2], 4, -1, [1, 0, 1, 0]),
    ([[0, 2], [1, 1], [-1, 7]], 3, -1, [[1, 0, 1], [0, 1, 0], [0, 0, 0]]),
    ([[0, 2], [1, 1]], 3, 0, [[1, 0], [1, 1], [0, 1]]),  # Keras: class axis first, reduce batch
])
def test_multi_hot(x, n, axis, want):
    assert_close(ops.multi_hot(np.array(x, "int32"), n, axis=axis), np.array(want, "float32"), dtype="float32")


def test_multi_hot_num_tokens_alias_and_dtype():
    out = ops.multi_hot(np.array([[1, 1]], "int32"), num_tokens=3, dtype="int32")
    assert_close(out, [[0, 1, 0]], dtype="int32")
    sym = ops.multi_hot(kc.KerasTensor((None, 4), "int32"), 6)
    assert sym.shape == (None, 6) and sym.dtype == "float32"


# --- losses ---------------------------------------------------------------------------------------

TARGET = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
PROBS = np.array([[0.2, 0.7, 0.1], [0.0, 0.5, 0.5]])  # a zero: the clipping matters
LOGITS = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])


def np_bce(t, p, from_logits):
    if from_logits:
        p = np_sigmoid(p)
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def np_cce(t, p, from_logits, axis=-1):
    if from_logits:
        logp = np_log_softmax(p, axis)
    else:
        logp = np.log(np.clip(p / p.sum(axis, keepdims=True), EPS, 1 - EPS))
    return -np.sum(t * logp, axis=axis)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binary_crossentropy(from_logits, dtype):
    out = (LOGITS if from_logits else PROBS).astype(dtype)
    want = np_bce(TARGET, out.astype("float64"), from_logits)
    # float32 rounds 1 - eps: compare loosely where the clip is active
    atol = 1e-5 if dtype == "float64" and BACKEND != "jax" else 0.2
    assert_close(ops.binary_crossentropy(TARGET, out, from_logits=from_logits), want,
                 dtype=expected_dtype(dtype), atol=atol, rtol=1e-5)


def test_binary_crossentropy_large_logits_are_finite():
    out = to_numpy(ops.binary_crossentropy(np.array([1.0, 0.0], "float32"),
                                           np.array([-100.0, 100.0], "float32"), from_logits=True))
    assert np.all(np.isfinite(out)) and np.all(out > 15)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("axis", [-1, 0])
def test_categorical_crossentropy(from_logits, axis):
    out = (LOGITS if from_logits else PROBS).astype("float32")
    assert_close(ops.categorical_crossentropy(TARGET, out, from_logits=from_logits, axis=axis),
                 np_cce(TARGET, out.astype("float64"), from_logits, axis), dtype="float32", rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("target", [[1, 2], [[1], [2]]])
def test_sparse_categorical_crossentropy(from_logits, target):
    out = (LOGITS if from_logits else PROBS).astype("float32")
    hot = np_one_hot(np.array([1, 2]), 3).astype("float64")
    assert_close(ops.sparse_categorical_crossentropy(np.array(target, "int32"), out, from_logits=from_logits),
                 np_cce(hot, out.astype("float64"), from_logits), dtype="float32", rtol=1e-5, atol=1e-5)


def test_sparse_categorical_crossentropy_class_axis_first():
    out = LOGITS.T.astype("float32")  # classes on axis 0
    hot = np_one_hot(np.array([1, 2]), 3)
    assert_close(ops.sparse_categorical_crossentropy(np.array([1, 2]), out, from_logits=True, axis=0),
                 np_cce(hot, LOGITS, True), dtype="float32", rtol=1e-5, atol=1e-6)


# --- statistics and normalization ---------------------------------------------------------------

A = np.array([[1.0, 2.0, 4.0, 7.0], [0.5, -1.0, 3.0, 2.0], [0.0, 1.0, -2.0, 5.0]])


@pytest.mark.parametrize("axes,keepdims", [([0], False), ([1], True), ([0, 1], False), ([-1], False)])
def test_moments(axes, keepdims):
    mean, var = ops.moments(A.astype("float32"), axes, keepdims=keepdims)
    assert_close(mean, A.mean(tuple(axes), keepdims=keepdims), dtype="float32")
    assert_close(var, A.var(tuple(axes), keepdims=keepdims), dtype="float32", rtol=1e-5, atol=1e-5)


def test_moments_int_and_half():
    mean, var = ops.moments(np.array([1, 2, 3, 6], "int32"), axes=[0])
    assert_close(mean, 3.0, dtype="float32")
    assert_close(var, 3.5, dtype="float32")
    mean, var = ops.moments(np.full((4,), 300.0, "float16"), axes=[0])  # 300^2 overflows float16
    assert_close(mean, 300.0, dtype="float16")
    assert_close(var, 0.0, dtype="float16")


@pytest.mark.parametrize("with_params", [False, True])
@pytest.mark.parametrize("axis", [-1, 0])
def test_batch_normalization(with_params, axis):
    n = A.shape[axis]
    mean, var = np.linspace(-1, 1, n), np.linspace(0.5, 2, n)
    offset, scale = (np.linspace(0, 1, n), np.linspace(1, 3, n)) if with_params else (None, None)
    shape = [1, 1]
    shape[axis] = n
    want = (A - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + 1e-3)
    if with_params:
        want = want * scale.reshape(shape) + offset.reshape(shape)
    f32 = [None if v is None else v.astype("float32") for v in (A, mean, var, offset, scale)]
    out = ops.batch_normalization(f32[0], f32[1], f32[2], axis=axis, offset=f32[3], scale=f32[4])
    assert_close(out, want, dtype="float32", rtol=1e-5, atol=1e-5)


def np_layer_norm(x, axes, gamma=None, beta=None, eps=1e-3):
    y = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + eps)
    return y * (1 if gamma is None else gamma) + (0 if beta is None else beta)


@pytest.mark.parametrize("axis", [-1, (0, 1), 0])
def test_layer_normalization(axis):
    axes = axis if isinstance(axis, tuple) else (axis,)
    pshape = [A.shape[i] if i in [a % 2 for a in axes] else 1 for i in range(2)]
    gamma = np.linspace(0.5, 2, np.prod(pshape)).reshape(pshape)
    beta = np.linspace(-1, 1, np.prod(pshape)).reshape(pshape)
    g, b = gamma.reshape(-1).astype("float32"), beta.reshape(-1).astype("float32")
    if len(axes) == 2:
        g, b = g.reshape(pshape), b.reshape(pshape)
    out = ops.layer_normalization(A.astype("float32"), g, b, axis=axis, epsilon=1e-3)
    assert_close(out, np_layer_norm(A, axes, gamma, beta), dtype="float32", rtol=1e-5, atol=1e-5)


def test_layer_normalization_default_epsilon_rms_scaling_and_dtype():
    x = A.astype("float32")
    assert_close(ops.layer_normalization(x), np_layer_norm(A, -1, eps=EPS), dtype="float32", rtol=1e-5, atol=1e-5)
    gamma = np.array([1.0, 2.0, 0.5, 1.0])
    want = A / np.sqrt(A.var(-1, keepdims=True) + 1e-3) * gamma
    assert_close(ops.layer_normalization(x, gamma.astype("float32"), epsilon=1e-3, rms_scaling=True), want,
                 dtype="float32", rtol=1e-5, atol=1e-5)
    assert dtype_name(ops.layer_normalization(x.astype("float16"))) == "float16"
    with pytest.raises(TypeError, match="layer_normalization"):
        ops.layer_normalization(x, bogus=True)


@pytest.mark.parametrize("axis,with_scale", [(-1, False), (-1, True), (0, True)])
def test_rms_normalization(axis, with_scale):
    scale = np.linspace(0.5, 2, A.shape[axis])
    want = A / np.sqrt(np.mean(A ** 2, axis=axis, keepdims=True) + 1e-3)
    if with_scale:
        want = want * (scale if axis == -1 else scale[:, None])
    out = ops.rms_normalization(A.astype("float32"), scale.astype("float32") if with_scale else None,
                                axis=axis, epsilon=1e-3)
    assert_close(out, want, dtype="float32", rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("axis,order", [(-1, 2), (0, 2), (-1, 1), (1, 3), ((0, 1), 2)])
def test_normalize(axis, order):
    norm = np.sum(np.abs(A) ** order, axis=axis, keepdims=True) ** (1 / order)
    assert_close(ops.normalize(A.astype("float32"), axis=axis, order=order), A / norm,
                 dtype="float32", rtol=1e-5, atol=1e-6)


def test_normalize_zero_vector_and_int():
    assert_close(ops.normalize(np.zeros((2, 3), "float32")), np.zeros((2, 3)), dtype="float32")
    assert_close(ops.normalize(np.array([3, 4], "int32")), [0.6, 0.8], dtype="float32")


def test_polar():
    r, a = np.array([1.0, 2.0, 0.5]), np.array([0.0, np.pi / 2, 1.0])
    assert_close(ops.polar(r.astype("float32"), a.astype("float32")), r * np.exp(1j * a), dtype="complex64")
    assert_close(ops.polar(r, a), r * np.exp(1j * a), dtype=expected_dtype("complex128"),
                 rtol=1e-5 if BACKEND == "jax" else None, atol=1e-6 if BACKEND == "jax" else None)


def test_psnr():
    x1 = np.array([[0.0, 0.5], [1.0, 0.25]], "float32")
    x2 = np.array([[0.1, 0.5], [0.8, 0.25]], "float32")
    want = 20 * np.log10(1.0) - 10 * np.log10(np.mean((x1.astype("float64") - x2) ** 2))
    assert_close(ops.psnr(x1, x2, 1.0), want, dtype="float32", rtol=1e-5)
    assert_close(ops.psnr(x1 * 255, x2 * 255, 255.0), want, dtype="float32", rtol=1e-5)


# --- CTC --------------------------------------------------------------------------------------


def collapse(path, blank):
    out = []
    for i, c in enumerate(path):
        if c != blank and (i == 0 or c != path[i - 1]):
            out.append(c)
    return tuple(out)


def np_label_log_probs(logits, length, blank):
    """log P(labels) for every label sequence, by enumerating all alignments of one sequence."""
    logp = np_log_softmax(logits[:length].astype("float64"))
    totals = {}
    for path in itertools.product(range(logits.shape[-1]), repeat=length):
        labels = collapse(path, blank)
        totals[labels] = np.logaddexp(totals.get(labels, -np.inf), sum(logp[t, c] for t, c in enumerate(path)))
    return totals


CTC_LOGITS = np.random.default_rng(7).normal(size=(3, 4, 3))
CTC_TARGET = np.array([[1, 2, 0], [1, 1, 0], [2, 0, 0]])
CTC_TARGET_LEN = np.array([2, 2, 1])
CTC_OUTPUT_LEN = np.array([4, 4, 3])


def np_ctc_loss(logits, target, target_len, output_len, blank=0):
    return np.array([-np_label_log_probs(logits[b], output_len[b], blank)[tuple(target[b, :target_len[b]])]
                     for b in range(len(target))])


def test_ctc_loss_matches_enumeration_of_alignments():
    out = ops.ctc_loss(CTC_TARGET, CTC_LOGITS.astype("float32"), CTC_TARGET_LEN, CTC_OUTPUT_LEN)
    assert_close(out, np_ctc_loss(CTC_LOGITS, CTC_TARGET, CTC_TARGET_LEN, CTC_OUTPUT_LEN),
                 dtype="float32", rtol=1e-5, atol=1e-5)


def test_ctc_loss_empty_label_and_impossible_alignment():
    target = np.array([[1, 1, 0], [2, 0, 0]])
    # [1, 1] needs 3 steps (a blank between the repeats) but has 2; an empty label emits blanks only
    out = ops.ctc_loss(target, CTC_LOGITS[:2].astype("float32"), np.array([2, 0]), np.array([2, 4]))
    blanks_only = -np.sum(np_log_softmax(CTC_LOGITS[1])[:, 0])
    assert_close(out, [np.inf, blanks_only], dtype="float32", rtol=1e-5, atol=1e-5)


def test_ctc_loss_other_blank_and_float64():
    target = np.array([[0, 1, 1], [1, 0, 1], [0, 1, 1]])
    out = ops.ctc_loss(target, CTC_LOGITS, CTC_TARGET_LEN, CTC_OUTPUT_LEN, mask_index=2)
    assert_close(out, np_ctc_loss(CTC_LOGITS, target, CTC_TARGET_LEN, CTC_OUTPUT_LEN, blank=2),
                 dtype=expected_dtype("float64"), rtol=1e-5, atol=1e-5)


def test_ctc_loss_half_precision_computes_in_float32():
    out = ops.ctc_loss(CTC_TARGET, CTC_LOGITS.astype("float16"), CTC_TARGET_LEN, CTC_OUTPUT_LEN)
    assert dtype_name(out) == "float32"


def test_ctc_decode_greedy_hand_made():
    # steps:  b  1  1  b  1  2  2 | padding
    best = [0, 1, 1, 0, 1, 2, 2, 1]
    x = np.full((2, 8, 3), -1.0, "float32")
    x[0, np.arange(8), best] = 2.0
    x[1, np.arange(8), [2, 2, 0, 2, 1, 1, 1, 1]] = 3.0
    paths, scores = ops.ctc_decode(x, np.array([7, 4]))
    assert_close(paths, [[[1, 1, 2, -1, -1, -1, -1, -1], [2, 2, -1, -1, -1, -1, -1, -1]]], dtype="int32")
    assert_close(scores, [[-14.0], [-12.0]], dtype="float32")
    paths, _ = ops.ctc_decode(x, np.array([7, 4]), merge_repeated=False)
    assert_close(paths[0, 0], [1, 1, 1, 2, 2, -1, -1, -1], dtype="int32")
    paths, _ = ops.ctc_decode(x, np.array([7, 4]), mask_index=2)
    assert_close(paths[0], [[0, 1, 0, 1, -1, -1, -1, -1], [0, -1, -1, -1, -1, -1, -1, -1]], dtype="int32")


def test_ctc_decode_beam_search_finds_most_probable_labels():
    paths, scores = ops.ctc_decode(CTC_LOGITS.astype("float32"), CTC_OUTPUT_LEN, strategy="beam_search",
                                   beam_width=50, top_paths=2)
    assert tuple(paths.shape) == (2, 3, 4) and dtype_name(paths) == "int32" and dtype_name(scores) == "float32"
    paths, scores = to_numpy(paths), to_numpy(scores)
    for b in range(3):
        ranked = sorted(np_label_log_probs(CTC_LOGITS[b], CTC_OUTPUT_LEN[b], 0).items(), key=lambda kv: -kv[1])
        for k in range(2):
            labels, logp = ranked[k]
            assert tuple(int(c) for c in paths[k, b] if c >= 0) == labels
            np.testing.assert_allclose(scores[b, k], logp, rtol=1e-4)


def np_prefix_beam_search(logits, length, beam_width, blank):
    """Reference prefix beam search on one sequence: [(labels, log P)] best first."""
    beams = {(): (0.0, -np.inf)}  # labels -> [log P(alignments ending in blank), ... ending in a label]
    for lp in np_log_softmax(logits[:length].astype("float64")):
        nxt = collections.defaultdict(lambda: [-np.inf, -np.inf])

        def add(labels, ends_in_label, logp):
            nxt[labels][ends_in_label] = np.logaddexp(nxt[labels][ends_in_label], logp)

        for labels, (pb, pnb) in beams.items():
            add(labels, 0, np.logaddexp(pb, pnb) + lp[blank])
            if labels:
                add(labels, 1, pnb + lp[labels[-1]])  # the last label repeated
            for c in range(len(lp)):
                if c != blank:
                    add(labels + (c,), 1, (pb if labels[-1:] == (c,) else np.logaddexp(pb, pnb)) + lp[c])
        beams = dict(sorted(nxt.items(), key=lambda kv: -np.logaddexp(*kv[1]))[:beam_width])
    return [(labels, np.logaddexp(*v)) for labels, v in beams.items()]


BEAM_X = np.random.default_rng(11).normal(size=(3, 6, 4)) * 1.5
BEAM_LEN = np.array([6, 4, 1])
BEAM_CASES = [  # (id, ctc_decode keywords); small beams make the pruning matter
    ("wide", dict(beam_width=100, top_paths=3)),
    ("narrow", dict(beam_width=2, top_paths=2)),
    ("blank-2", dict(beam_width=3, top_paths=3, mask_index=2)),
    ("blank-None-is-last", dict(beam_width=4, top_paths=2, mask_index=None)),
    ("merge_repeated-ignored", dict(beam_width=3, top_paths=1, merge_repeated=False)),
    ("more-paths-than-beams", dict(beam_width=2, top_paths=4, mask_index=3)),
]


@pytest.mark.parametrize("name,kwargs", BEAM_CASES)
def test_ctc_decode_beam_search_matches_reference(name, kwargs):
    paths, scores = ops.ctc_decode(BEAM_X.astype("float32"), BEAM_LEN, strategy="beam_search", **kwargs)
    top, width = kwargs["top_paths"], kwargs["beam_width"]
    blank = kwargs.get("mask_index", 0)
    blank = BEAM_X.shape[-1] - 1 if blank is None else blank
    want_paths = np.full((top, 3, 6), -1)
    want_scores = np.full((3, top), -np.inf)
    for b in range(3):
        for k, (labels, logp) in enumerate(np_prefix_beam_search(BEAM_X[b], BEAM_LEN[b], width, blank)[:top]):
            want_paths[k, b, :len(labels)] = labels
            want_scores[b, k] = logp
    assert_close(paths, want_paths, dtype="int32")
    assert_close(scores, want_scores, dtype="float32", rtol=1e-5, atol=1e-5)


# --- symbolic shapes and dtypes -------------------------------------------------------------------

SYMBOLIC = [
    ("relu", lambda f, x: f(x), "float32"),
    ("relu", lambda f, x: f(x), "int32"),
    ("gelu", lambda f, x: f(x), "int32"),
    ("softmax", lambda f, x: f(x, axis=0), "float16"),
    ("glu", lambda f, x: f(x), "float32"),
    ("sparsemax", lambda f, x: f(x), "float32"),
    ("normalize", lambda f, x: f(x, order=1), "float32"),
    ("rms_normalization", lambda f, x: f(x), "float16"),
    ("layer_normalization", lambda f, x: f(x, axis=-1), "float32"),
    ("moments", lambda f, x: f(x, axes=[1], keepdims=True), "int32"),
    ("batch_normalization", lambda f, x: f(x, np.zeros(4, "float32"), np.ones(4, "float32"), axis=1), "float32"),
    ("binary_crossentropy", lambda f, x: f(x, x), "float32"),
    ("categorical_crossentropy", lambda f, x: f(x, x), "float32"),
    ("sparse_categorical_crossentropy", lambda f, x: f(np.zeros((2,), "int32"), x) if isinstance(x, np.ndarray)
     else f(kc.KerasTensor((None,), "int32"), x), "float32"),
    ("psnr", lambda f, x: f(x, x + 1, 1.0), "float32"),
    ("polar", lambda f, x: f(x, x), "float32"),
]


@pytest.mark.parametrize("name,call,dtype", SYMBOLIC, ids=[f"{n}-{d}" for n, _, d in SYMBOLIC])
def test_symbolic_matches_eager(name, call, dtype):
    f = getattr(ops, name)
    eager = call(f, kc.backend.convert_to_tensor(np.arange(8).reshape(2, 4) % 3, dtype))
    sym = call(f, kc.KerasTensor((None, 4), dtype))
    eager, sym = (eager, sym) if isinstance(sym, tuple) else ((eager,), (sym,))
    for e, s in zip(eager, sym):
        assert len(s.shape) == len(e.shape)
        assert all(d is None or d == int(ed) for d, ed in zip(s.shape, e.shape)), (s.shape, e.shape)
        assert s.dtype == dtype_name(e) or BACKEND == "jax"


def test_symbolic_ctc():
    loss = ops.ctc_loss(kc.KerasTensor((None, 3), "int32"), kc.KerasTensor((None, 5, 4), "float16"),
                        kc.KerasTensor((None,), "int32"), kc.KerasTensor((None,), "int32"))
    assert loss.shape == (None,) and loss.dtype == "float32"
    paths, scores = ops.ctc_decode(kc.KerasTensor((2, 5, 4)), kc.KerasTensor((2,), "int32"),
                                   strategy="beam_search", top_paths=3)
    assert paths.shape == (3, 2, 5) and paths.dtype == "int32" and scores.shape == (2, 3)


# --- compiled functions -----------------------------------------------------------------------------

COMPILED = [
    ("gelu", lambda x: ops.gelu(x)),
    ("softmax", lambda x: ops.softmax(x, axis=(0, 1))),
    ("sparsemax", lambda x: ops.sparsemax(x)),
    ("layer_normalization", lambda x: ops.layer_normalization(x, epsilon=1e-3)),
    ("one_hot", lambda x: ops.one_hot(native_int(x), 3)),
    ("ctc_decode", lambda x: ops.ctc_decode(x[None], np.array([2], "int32"))[0]),
    ("ctc_decode beam", lambda x: ops.ctc_decode(x[None], np.array([2], "int32"), strategy="beam_search",
                                                 beam_width=3, top_paths=2)[1]),
]


@pytest.mark.parametrize("name,fn", COMPILED, ids=[n for n, _ in COMPILED])
def test_compiled(name, fn):
    if BACKEND not in ("jax", "tensorflow"):
        pytest.skip("jax.jit and tf.function only")
    x = kc.backend.convert_to_tensor(X.astype("float32"))
    if BACKEND == "jax":
        import jax

        compiled = jax.jit(fn)
    else:
        import tensorflow as tf

        compiled = tf.function(fn, input_signature=[tf.TensorSpec((None, 4), tf.float32)])
    eager = fn(x)
    assert_close(compiled(x), to_numpy(eager), dtype=dtype_name(eager))


def native_int(x):
    """Backend-native cast of X to small non-negative ints (inside compiled functions)."""
    if BACKEND == "jax":
        import jax.numpy as jnp

        return jnp.clip(x, 0, 2).astype(jnp.int32)
    import tensorflow as tf

    return tf.cast(tf.clip_by_value(x, 0, 2), tf.int32)


# --- gradients against finite differences of the NumPy references -----------------------------------


G = np.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]])
GT = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]])
GAMMA, BETA = np.array([1.0, 0.5, 2.0]), np.array([0.1, -0.2, 0.3])
MU, VAR = np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0, 3.0])
GRADS = [
    ("softmax", lambda x: ops.softmax(x), np_softmax),
    ("log_softmax", lambda x: ops.log_softmax(x, axis=0), lambda x: np_log_softmax(x, 0)),
    ("gelu", lambda x: ops.gelu(x), ACTIVATIONS[17][2]),
    ("gelu_exact", lambda x: ops.gelu(x, approximate=False), ACTIVATIONS[18][2]),
    ("elu", lambda x: ops.elu(x), ACTIVATIONS[14][2]),
    ("bce_logits", lambda x: ops.binary_crossentropy(GT, x, from_logits=True), lambda x: np_bce(GT, x, True)),
    ("bce_probs", lambda x: ops.binary_crossentropy(GT, ops.sigmoid(x)), lambda x: np_bce(GT, np_sigmoid(x), False)),
    ("cce_logits", lambda x: ops.categorical_crossentropy(GT, x, from_logits=True), lambda x: np_cce(GT, x, True)),
    ("cce_probs", lambda x: ops.categorical_crossentropy(GT, ops.softmax(x)),
     lambda x: np_cce(GT, np_softmax(x), False)),
    ("scce_logits", lambda x: ops.sparse_categorical_crossentropy(np.array([2, 0]), x, from_logits=True),
     lambda x: np_cce(np_one_hot([2, 0], 3), x, True)),
    ("batch_normalization",
     lambda x: ops.batch_normalization(x, np.float32(MU), np.float32(VAR), axis=-1,
                                       scale=np.float32(GAMMA), offset=np.float32(BETA)),
     lambda x: (x - MU) / np.sqrt(VAR + 1e-3) * GAMMA + BETA),
    ("layer_normalization", lambda x: ops.layer_normalization(x, np.float32(GAMMA), np.float32(BETA), epsilon=1e-3),
     lambda x: np_layer_norm(x, -1, GAMMA, BETA)),
    ("rms_normalization", lambda x: ops.rms_normalization(x, np.float32(GAMMA), epsilon=1e-3),
     lambda x: x / np.sqrt(np.mean(x ** 2, -1, keepdims=True) + 1e-3) * GAMMA),
]


@pytest.mark.grad
@pytest.mark.parametrize("name,fn,ref", GRADS, ids=[n for n, _, _ in GRADS])
def test_gradient(name, fn, ref):
    out = ref(G)
    w = np.linspace(-1, 1, out.size).reshape(out.shape)
    np.testing.assert_allclose(backend_gradient(fn, G.astype("float32"), w.astype("float32")),
                               numeric_gradient(ref, G, w, eps=1e-6), rtol=1e-3, atol=1e-4)


@pytest.mark.grad
def test_ctc_loss_gradient():
    logits = CTC_LOGITS[:2]
    target, tlen, olen = CTC_TARGET[:2], CTC_TARGET_LEN[:2], np.array([4, 3])
    w = np.array([1.0, -0.5])
    got = backend_gradient(lambda x: ops.ctc_loss(target, x, tlen, olen), logits.astype("float32"), w.astype("float32"))
    want = numeric_gradient(lambda x: np_ctc_loss(x, target, tlen, olen), logits, w, eps=1e-6)
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)


# --- bad input ---------------------------------------------------------------------------------------

ERRORS = [
    ("one_hot float indices", TypeError, "one_hot: x must have an integer dtype",
     lambda: ops.one_hot(np.array([0.0, 1.0]), 3)),
    ("one_hot bad axis", ValueError, "one_hot: axis 3", lambda: ops.one_hot(np.array([0, 1]), 3, axis=3)),
    ("softmax axis", ValueError, "softmax: axis 2 is out of range for a tensor of rank 2",
     lambda: ops.softmax(np.ones((2, 3), "float32"), axis=2)),
    ("log_softmax axis", ValueError, "log_softmax: axis -3", lambda: ops.log_softmax(np.ones((2, 3)), axis=-3)),
    ("glu odd", ValueError, "glu: the size of axis -1 must be even", lambda: ops.glu(np.ones((2, 3)))),
    ("bce shapes", ValueError, "binary_crossentropy: target and output must have the same shape",
     lambda: ops.binary_crossentropy(np.ones((2, 3)), np.ones((3, 2)))),
    ("cce shapes", ValueError, "categorical_crossentropy: target and output",
     lambda: ops.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4)))),
    ("scce shapes", ValueError, "sparse_categorical_crossentropy: target and output without",
     lambda: ops.sparse_categorical_crossentropy(np.array([0, 1, 2]), np.ones((2, 4)))),
    ("bn mean size", ValueError, "batch_normalization: mean and x.shape",
     lambda: ops.batch_normalization(np.ones((2, 3)), np.ones(2), np.ones(3), axis=-1)),
    ("normalize order", ValueError, "normalize: order must be an int >= 1",
     lambda: ops.normalize(np.ones((2, 3)), order=0)),
    ("multi_hot classes", ValueError, "multi_hot: num_classes", lambda: ops.multi_hot(np.array([0, 1]))),
    ("psnr shapes", ValueError, "psnr: x1 and x2", lambda: ops.psnr(np.ones((2, 3)), np.ones((3,)), 1.0)),
    ("ctc strategy", ValueError, "ctc_decode: strategy", lambda: ops.ctc_decode(np.ones((1, 2, 3)), [2], "best")),
]


@pytest.mark.parametrize("name,error,message,call", ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_input(name, error, message, call):
    with pytest.raises(error, match=message):
        call()


def test_bad_input_symbolic():
    with pytest.raises(TypeError, match="one_hot: x must have an integer dtype"):
        ops.one_hot(kc.KerasTensor((None, 2), "float32"), 3)
    with pytest.raises(ValueError, match="softmax: axis 2 is out of range"):
        ops.softmax(kc.KerasTensor((None, 3)), axis=2)
    with pytest.raises(ValueError, match="glu: the size of axis"):
        ops.glu(kc.KerasTensor((None, 3)))
