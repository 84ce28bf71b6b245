"""Attention layers (part B): Attention, AdditiveAttention, MultiHeadAttention,
GroupQueryAttention. Values vs NumPy references and vs Keras 3 with the same weights."""

import numpy as np
import pytest

import kc
from kc import layers
from kc.backend.common.masking import get_keras_mask
from kc_testing import assert_close, backend_gradient, keras_oracle, numeric_gradient, to_numpy

RNG = np.random.default_rng(3)
TOL = dict(rtol=1e-4, atol=1e-5)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


def _softmax(s, mask=None):
    if mask is not None:
        s = np.where(mask, s, -1e9)
    e = np.exp(s - s.max(-1, keepdims=True))
    p = e / e.sum(-1, keepdims=True)
    return p if mask is None else p * mask


def np_mha(layer, q, v, mask=None):
    w = {x.path.split("/", 1)[1]: to_numpy(x) for x in layer.weights}
    qp = np.einsum("btd,dnh->btnh", q, w["query/kernel"]) + w["query/bias"]
    kp = np.einsum("bsd,dnh->bsnh", v, w["key/kernel"]) + w["key/bias"]
    vp = np.einsum("bsd,dnh->bsnh", v, w["value/kernel"]) + w["value/bias"]
    scores = np.einsum("btnh,bsnh->bnts", qp / np.sqrt(qp.shape[-1]), kp)
    probs = _softmax(scores, None if mask is None else mask[:, None])
    out = np.einsum("bnts,bsnh->btnh", probs, vp)
    return np.einsum("btnh,nho->bto", out, w["attention_output/kernel"]) + w["attention_output/bias"], probs


def test_multi_head_attention_matches_numpy_with_masks():
    q, v = _x(2, 3, 4), _x(2, 5, 6)
    layer = layers.MultiHeadAttention(2, 3, bias_initializer="random_normal")
    layer(q, v)
    out, probs = layer(q, v, return_attention_scores=True)
    e_out, e_probs = np_mha(layer, q, v)
    assert_close(out, e_out, **TOL)
    assert_close(probs, e_probs, **TOL)
    mask = RNG.uniform(size=(2, 3, 5)) > 0.3
    mask[0, 1] = False  # a fully masked query row gets all-zero weights
    out, probs = layer(q, v, attention_mask=mask, return_attention_scores=True)
    e_out, e_probs = np_mha(layer, q, v, mask)
    assert_close(out, e_out, **TOL)
    assert_close(probs, e_probs, **TOL)
    causal = np.tril(np.ones((3, 5), bool))[None]
    out = layer(q, v, use_causal_mask=True)
    assert_close(out, np_mha(layer, q, v, np.broadcast_to(causal, (2, 3, 5)))[0], **TOL)


def test_multi_head_attention_uses_input_masks_and_propagates_query_mask():
    ids = np.array([[3, 4, 0, 0], [1, 0, 0, 0]])
    emb = layers.Embedding(6, 4, mask_zero=True)
    x = emb(ids)
    layer = layers.MultiHeadAttention(2, 3)
    out, probs = layer(x, x, return_attention_scores=True)
    pad = ids != 0
    expected = np_mha(layer, to_numpy(x), to_numpy(x), pad[:, :, None] & pad[:, None, :])
    assert_close(out, expected[0], **TOL)
    np.testing.assert_array_equal(to_numpy(get_keras_mask(out)), pad)


def test_multi_head_attention_symbolic_shapes_and_config():
    keras = keras_oracle()
    q, v = kc.KerasTensor((None, 3, 4)), kc.KerasTensor((None, 5, 6))
    layer = layers.MultiHeadAttention(2, 3, value_dim=5, output_shape=(2, 7), use_bias=False)
    out, scores = layer(q, v, return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 2, 7) and tuple(scores.shape) == (None, 2, 3, 5)
    eager = layer(_x(2, 3, 4), _x(2, 5, 6))
    assert tuple(eager.shape) == (2, 3, 2, 7)
    theirs = keras.layers.MultiHeadAttention(2, 3, value_dim=5, output_shape=(2, 7), use_bias=False)
    theirs(_x(2, 3, 4), _x(2, 5, 6))
    a, b = layer.get_config(), theirs.get_config()
    a.pop("name"), b.pop("name")
    assert a == b
    clone = layers.MultiHeadAttention.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert [w.path.split("/", 1)[1] for w in layer.weights] == \
        [w.path.split("/", 1)[1] for w in theirs.weights]


def _copy_and_compare(ours, theirs, args, kwargs):
    theirs(*args, **kwargs)
    ours(*args, **kwargs)
    assert [(w.path.split("/", 1)[1], tuple(w.shape)) for w in ours.weights] == \
        [(w.path.split("/", 1)[1], tuple(w.shape)) for w in theirs.weights]
    for w, k in zip(ours.weights, theirs.weights):
        w.assign(RNG.normal(size=w.shape).astype("float32") * 0.5)
        k.assign(to_numpy(w))
    got, expected = ours(*args, **kwargs), theirs(*args, **kwargs)
    for g, e in zip(got if isinstance(got, tuple) else (got,), expected if isinstance(expected, tuple) else (expected,)):
        assert_close(g, np.asarray(e), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("cls,args,kwargs,call_kwargs", [
    ("MultiHeadAttention", (2, 3), dict(use_gate=True), dict(use_causal_mask=True)),
    ("MultiHeadAttention", (2, 3), dict(sliding_window=2), dict()),
    ("MultiHeadAttention", (2, 3), dict(attention_axes=(1, 2)), dict()),
    ("GroupQueryAttention", (3, 4, 2), dict(), dict(use_causal_mask=True)),
    ("GroupQueryAttention", (3, 4, 1), dict(use_gate=True, sliding_window=2), dict()),
])
def test_attention_matches_keras_with_same_weights(cls, args, kwargs, call_kwargs):
    keras = keras_oracle()
    x = _x(2, 3, 4, 4) if "attention_axes" in kwargs else _x(2, 5, 4)
    ours, theirs = getattr(layers, cls)(*args, **kwargs), getattr(keras.layers, cls)(*args, **kwargs)
    _copy_and_compare(ours, theirs, (x, x), dict(return_attention_scores=True, **call_kwargs))
    a, b = ours.get_config(), theirs.get_config()
    a.pop("name"), b.pop("name")
    assert a == b


def test_group_query_attention_matches_numpy():
    q, v = _x(2, 3, 4), _x(2, 5, 6)
    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    out, probs = layer(q, v, return_attention_scores=True)
    w = {x.path.split("/", 1)[1]: to_numpy(x) for x in layer.weights}
    qp = np.einsum("btd,dnh->btnh", q, w["query/kernel"]) + w["query/bias"]
    kp = np.repeat(np.einsum("bsd,dnh->bsnh", v, w["key/kernel"]) + w["key/bias"], 2, axis=2)
    vp = np.repeat(np.einsum("bsd,dnh->bsnh", v, w["value/kernel"]) + w["value/bias"], 2, axis=2)
    e_probs = _softmax(np.einsum("btnh,bsnh->bnts", qp / np.sqrt(2.0), kp))
    e_out = np.einsum("btnh,nho->bto", np.einsum("bnts,bsnh->btnh", e_probs, vp),
                      w["attention_output/kernel"]) + w["attention_output/bias"]
    assert_close(probs, e_probs, **TOL)
    assert_close(out, e_out, **TOL)
    assert layers.GroupQueryAttention(2, 4, 2).name.startswith("grouped_query_attention")
    with pytest.raises(ValueError, match="num_query_heads \\(3\\) must be a multiple"):
        layers.GroupQueryAttention(2, 3, 2)


@pytest.mark.parametrize("use_scale,score_mode", [(False, "dot"), (True, "dot"), (True, "concat")])
def test_attention_matches_numpy(use_scale, score_mode):
    q, v, k = _x(2, 3, 4), _x(2, 5, 4), _x(2, 5, 4)
    layer = layers.Attention(use_scale=use_scale, score_mode=score_mode)
    layer([q, v, k])
    for w in layer.weights:
        w.assign(np.float32(1.7))
    v_mask = np.array([[1, 1, 0, 1, 0], [1, 1, 1, 1, 1]], bool)
    q_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    out, probs = layer([q, v, k], mask=[q_mask, v_mask], return_attention_scores=True)
    scale = 1.7 if use_scale else 1.0
    if score_mode == "dot":
        scores = scale * q @ k.transpose(0, 2, 1)
    else:
        scores = 1.7 * np.tanh(scale * (q[:, :, None] + k[:, None])).sum(-1)
    scores = np.where(v_mask[:, None], scores, scores - 1e9)
    e = np.exp(scores - scores.max(-1, keepdims=True))
    e_probs = e / e.sum(-1, keepdims=True)
    assert_close(probs, e_probs, **TOL)
    assert_close(out, (e_probs @ v) * q_mask[..., None], **TOL)


def test_additive_attention_matches_numpy_and_causal():
    q, v = _x(1, 3, 4), _x(1, 3, 4)
    layer = layers.AdditiveAttention()
    out, probs = layer([q, v], return_attention_scores=True, use_causal_mask=True)
    scale = to_numpy(layer.scale)
    scores = (scale * np.tanh(q[:, :, None] + v[:, None])).sum(-1)
    scores = np.where(np.tril(np.ones((3, 3), bool)), scores, -1e9)
    e = np.exp(scores - scores.max(-1, keepdims=True))
    e_probs = e / e.sum(-1, keepdims=True)
    assert_close(probs, e_probs, **TOL)
    assert_close(out, e_probs @ v, **TOL)
    assert "score_mode" not in layer.get_config()
    with pytest.raises(ValueError, match="must be called on a list"):
        layers.Attention()(q)


@pytest.mark.grad
def test_multi_head_attention_gradient_matches_finite_differences():
    layer = layers.MultiHeadAttention(2, 2, bias_initializer="random_normal")
    q, v = _x(1, 2, 2), _x(1, 3, 2)
    layer(q, v)
    w = RNG.normal(size=(1, 2, 2))
    fn = lambda t: layer(t, v)  # noqa: E731
    np.testing.assert_allclose(backend_gradient(fn, q, w), numeric_gradient(fn, q, w, eps=1e-2),
                               rtol=2e-2, atol=2e-3)
