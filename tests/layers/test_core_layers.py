"""Core layers (part B): Embedding, ReversibleEmbedding, EinsumDense, Identity, Masking, Lambda.

Values against NumPy; weight names/shapes and configs against Keras 3 (the oracle)."""

import numpy as np
import pytest

import kc
from kc import layers
from kc.backend.common.masking import get_keras_mask
from kc.serialization import deserialize_keras_object, serialize_keras_object
from kc_testing import assert_close, backend_gradient, keras_oracle, to_numpy

RNG = np.random.default_rng(0)


def _weights(layer):
    return [(w.path, tuple(w.shape), w.trainable) for w in layer.weights]


def _call(layer, x):
    return layer(*x) if isinstance(x, tuple) else layer(x)


def _np_inputs(shape, dtype="float32"):
    if dtype.startswith("int"):
        return RNG.integers(0, 10, size=shape).astype(dtype)
    return RNG.normal(size=shape).astype(dtype)


# (class name, constructor kwargs, input shape, input dtype)
KERAS_CASES = [
    ("Embedding", dict(input_dim=10, output_dim=4, mask_zero=True), (2, 3), "int32"),
    ("ReversibleEmbedding", dict(input_dim=10, output_dim=4), (2, 3), "int32"),
    ("ReversibleEmbedding", dict(input_dim=10, output_dim=4, tie_weights=False, logit_soft_cap=5.0),
     (2, 3), "int32"),
    ("EinsumDense", dict(equation="ab,bc->ac", output_shape=4, bias_axes="c"), (2, 3), "float32"),
    ("EinsumDense", dict(equation="abc,cde->abde", output_shape=(None, 2, 5), bias_axes="de",
                         activation="relu"), (2, 3, 4), "float32"),
    ("EinsumDense", dict(equation="...b,bc->...c", output_shape=5, bias_axes="c"), (2, 3, 4), "float32"),
    ("EinsumDense", dict(equation="ab...,bc->ac...", output_shape=5, bias_axes="c"), (2, 3, 4),
     "float32"),
    ("Identity", {}, (2, 3), "float32"),
    ("Masking", dict(mask_value=1.5), (2, 3, 4), "float32"),
]


@pytest.mark.parametrize("name,kwargs,shape,dtype", KERAS_CASES)
def test_weights_and_config_match_keras(name, kwargs, shape, dtype):
    keras = keras_oracle()
    x = _np_inputs(shape, dtype)
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    y = ours(x)
    theirs(x)
    assert [(p.split("/", 1)[1], s, t) for p, s, t in _weights(ours)] == \
        [(w.path.split("/", 1)[1], tuple(w.shape), w.trainable) for w in theirs.weights]
    ours_config, their_config = ours.get_config(), theirs.get_config()
    ours_config.pop("name"), their_config.pop("name")
    assert ours_config == their_config
    # Round trip, and the symbolic shape equals the eager one.
    clone = getattr(layers, name).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()
    symbolic = ours(kc.KerasTensor((None,) + shape[1:], dtype=dtype))
    assert tuple(symbolic.shape) == (None,) + tuple(y.shape)[1:]


def test_embedding_values_and_mask():
    layer = layers.Embedding(6, 3, mask_zero=True)
    ids = np.array([[1, 0, 5], [2, 2, 0]], "int32")
    out = layer(ids)
    table = to_numpy(layer.embeddings)
    assert_close(out, table[ids])
    np.testing.assert_array_equal(to_numpy(get_keras_mask(out)), ids != 0)
    np.testing.assert_array_equal(to_numpy(layer.compute_mask(ids)), ids != 0)
    assert layers.Embedding(6, 3).compute_mask(ids) is None
    # Float indices are cast to ints.
    assert_close(layer(ids.astype("float32")), table[ids])


def test_embedding_initial_weights_and_bad_args():
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, weights=table)
    assert_close(layer(np.array([3, 1])), table[[3, 1]])
    with pytest.raises(ValueError, match="Embedding .*input_dim must be a positive int"):
        layers.Embedding(0, 3)


def test_reversible_embedding_reverse_and_soft_cap():
    layer = layers.ReversibleEmbedding(5, 3, logit_soft_cap=2.0)
    ids = np.array([[1, 4]])
    vectors = layer(ids)
    table = to_numpy(layer.embeddings)
    logits = layer(vectors, reverse=True)
    assert_close(logits, np.tanh(table[ids] @ table.T / 2.0) * 2.0, rtol=1e-5, atol=1e-6)
    untied = layers.ReversibleEmbedding(5, 3, tie_weights=False)
    h = _np_inputs((2, 3))
    untied(ids)
    assert_close(untied(h, reverse=True), h @ to_numpy(untied.reverse_embeddings), rtol=1e-5, atol=1e-6)
    assert untied.compute_output_shape((None, 3), reverse=True) == (None, 5)


@pytest.mark.parametrize("equation,output_shape,bias_axes,shape", [
    ("ab,bc->ac", 4, "c", (2, 3)),
    ("abc,cde->abde", (None, 2, 5), "de", (2, 3, 4)),
    ("abc,cd->abd", (3, 5), None, (2, 3, 4)),
    ("...b,bc->...c", 5, "c", (2, 3, 4)),
    ("ab...,bc->ac...", 5, "c", (2, 3, 4)),
])
def test_einsum_dense_values(equation, output_shape, bias_axes, shape):
    layer = layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes,
                               bias_initializer="random_normal")
    x = _np_inputs(shape)
    y = layer(x)
    kernel = to_numpy(layer.kernel)
    expected = np.einsum(equation, x, kernel)
    if layer.bias is not None:
        expected = expected + to_numpy(layer.bias)
    assert_close(y, expected, rtol=1e-5, atol=1e-5)
    assert tuple(y.shape) == layer.compute_output_shape(shape)


def test_einsum_dense_errors():
    with pytest.raises(ValueError, match="EinsumDense .*equation must look like"):
        layers.EinsumDense("ab->c", output_shape=3)
    with pytest.raises(ValueError, match="output_shape .* must give 2 sizes"):
        layers.EinsumDense("abc,cd->abd", output_shape=4)(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="bias axis 'z'"):
        layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="z")(np.ones((2, 3), "float32"))
    layer = layers.EinsumDense("ab,bc->ac", output_shape=4)
    layer(np.ones((2, 3), "float32"))


def test_identity_and_masking():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], "float32")
    assert_close(layers.Identity()(x), x)
    masking = layers.Masking(0.0)
    y = masking(x)
    assert_close(y, x)
    np.testing.assert_array_equal(to_numpy(get_keras_mask(y)), [[True, False, True]])
    y = layers.Masking(1.0)(np.array([[[1.0, 1.0], [2.0, 1.0]]], "float32"))
    assert_close(y, [[[0.0, 0.0], [2.0, 1.0]]])
    # The mask reaches the next layer, through Identity.
    passed = layers.Identity()(masking(x))
    np.testing.assert_array_equal(to_numpy(get_keras_mask(passed)), [[True, False, True]])


def scale_and_shift(x, k=2.0):
    return x * k + 1.0


def test_lambda_values_arguments_and_shapes():
    x = _np_inputs((2, 3))
    assert_close(layers.Lambda(lambda t: t * 2.0)(x), x * 2.0)
    layer = layers.Lambda(scale_and_shift, arguments={"k": 3.0})
    assert_close(layer(x), x * 3.0 + 1.0)
    sym = layers.Lambda(lambda t: kc.ops.concatenate([t, t], axis=-1))(kc.KerasTensor((None, 3)))
    assert tuple(sym.shape) == (None, 6)
    fixed = layers.Lambda(lambda t: t[:, :2], output_shape=(2,))
    assert fixed.compute_output_shape((None, 3)) == (None, 2)
    assert tuple(fixed(kc.KerasTensor((None, 3))).shape) == (None, 2)
    masked = layers.Lambda(lambda t: t, mask=lambda inputs, mask: kc.ops.ones((2,), "bool"))
    np.testing.assert_array_equal(to_numpy(get_keras_mask(masked(x))), [True, True])


def test_lambda_serialization_refuses_lambdas_in_safe_mode():
    keras = keras_oracle()
    layer = layers.Lambda(lambda t: t * 2.0 + 1.0, name="twice")
    config = serialize_keras_object(layer)
    # Same "function" form as Keras's own Lambda config.
    their_fn = keras.layers.Lambda(lambda t: t).get_config()["function"]
    assert config["config"]["function"]["class_name"] == their_fn["class_name"] == "__lambda__"
    assert set(config["config"]["function"]["config"]) == set(their_fn["config"])
    with pytest.raises(ValueError, match="Lambda 'twice'.*safe_mode=False"):
        deserialize_keras_object(config)
    with pytest.raises(ValueError, match="safe mode refuses"):
        layers.Lambda.from_config(layer.get_config())
    loaded = deserialize_keras_object(config, safe_mode=False)
    x = _np_inputs((2, 3))
    assert_close(loaded(x), x * 2.0 + 1.0)
    # A named function is stored by name and loads with custom_objects, in safe mode.
    named = serialize_keras_object(layers.Lambda(scale_and_shift))
    assert named["config"]["function"]["config"] == "scale_and_shift"
    loaded = deserialize_keras_object(named, custom_objects={"scale_and_shift": scale_and_shift})
    assert_close(loaded(x), x * 2.0 + 1.0)


def test_wrong_rank_error_names_layer():
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), name="proj")
    layer(np.ones((2, 3, 5), "float32"))
    with pytest.raises(ValueError, match="proj.*ndim=3"):
        layer(np.ones((2, 5), "float32"))
    with pytest.raises(ValueError, match="proj.*axis 2 .* value 5"):
        layer(np.ones((2, 3, 4), "float32"))


# --- LoRA on Embedding and EinsumDense ---------------------------------------------------

LORA_CASES = [
    # (make(layers), build shape, input)
    (lambda k, **kw: k.Embedding(6, 4, name="e", **kw), None, np.array([[0, 5, 2], [1, 1, 3]])),
    (lambda k, **kw: k.ReversibleEmbedding(6, 4, name="e", **kw), None, np.array([[4, 0]])),
    (lambda k, **kw: k.EinsumDense("abc,cde->abde", (3, 4, 5), bias_axes="e", name="e", **kw),
     (2, 3, 6), np.random.default_rng(2).normal(size=(2, 3, 6)).astype("float32")),
    (lambda k, **kw: k.EinsumDense("abc,bcd->ad", 4, name="e", **kw), (2, 3, 6),
     np.random.default_rng(3).normal(size=(2, 3, 6)).astype("float32")),
]


def _lora_reference(layer, weights, x, alpha, rank):
    """Output computed in NumPy with the merged base weight ``w + alpha / rank * a @ b``."""
    base, a, b = weights["embeddings" if "embeddings" in weights else "kernel"], *(
        weights[n] for n in sorted(k for k in weights if k.startswith("lora_")))
    merged = base + alpha / rank * np.tensordot(a, b, axes=1)
    if "embeddings" in weights:
        return merged[x]
    eq = layer.equation
    out = np.einsum(eq, x, merged)
    return out + weights["bias"] if "bias" in weights else out


@pytest.mark.parametrize("case", range(len(LORA_CASES)))
def test_lora_weights_match_keras_and_values_use_merged_weight(case):
    keras = keras_oracle()
    make, shape, x = LORA_CASES[case]
    ours, theirs = make(layers), make(keras.layers)
    for layer in (ours, theirs):
        layer.build(shape)
        layer.enable_lora(2, lora_alpha=3.0)
    assert [(w.path, tuple(w.shape), w.trainable) for w in ours.weights] == \
        [(w.path, tuple(w.shape), w.trainable) for w in theirs.weights]
    assert [w.path.split("/")[-1] for w in ours.trainable_weights][-2:] == \
        [w.path.split("/")[-1] for w in theirs.trainable_weights][-2:]
    rng = np.random.default_rng(case)
    values = [rng.normal(size=w.shape).astype("float32") for w in ours.weights]
    ours.set_weights(values)
    theirs.set_weights(values)
    names = {w.path.split("/")[-1]: v.astype("float64") for w, v in zip(ours.weights, values)}
    expected = _lora_reference(ours, names, x, 3.0, 2)
    assert_close(ours(x), expected.astype("float32"), rtol=1e-4, atol=1e-4)
    assert_close(ours(x), np.asarray(theirs(x)), rtol=1e-4, atol=1e-4)
    assert ours.get_config() == theirs.get_config()
    clone = type(ours).from_config(ours.get_config())
    clone.build(shape)
    assert [w.path.split("/")[-1] for w in clone.weights] == list(names)  # lora_rank rebuilds LoRA
    clone.set_weights(values)
    assert_close(clone(x), ours(x), atol=0)


def test_lora_default_initializers_start_at_base_output_and_errors():
    layer = layers.EinsumDense("ab,bc->ac", 4, kernel_regularizer="l2")
    with pytest.raises(ValueError, match="build the layer before enable_lora"):
        layer.enable_lora(2)
    x = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")
    before = to_numpy(layer(x))
    layer.enable_lora(2)
    assert_close(layer(x), before, atol=1e-6)  # b starts at zeros
    assert layer.lora_alpha == 2 and [w.trainable for w in layer.weights] == [False, True, True]
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)
    emb = layers.Embedding(5, 3, embeddings_constraint="non_neg", name="emb")
    emb.build()
    with pytest.raises(ValueError, match="emb.*embeddings_constraint"):
        emb.enable_lora(2)
    with pytest.raises(NotImplementedError, match="quantiz"):
        layers.EinsumDense("ab,bc->ac", 4).quantize("int8")
    with pytest.raises(NotImplementedError, match="quantization_config"):
        layers.Embedding(5, 3, quantization_config={"mode": "int8"})


@pytest.mark.grad
def test_lora_gradients_reach_only_the_factors():
    layer = layers.Embedding(5, 3, lora_rank=2)
    layer.build()
    a, b = (to_numpy(v) for v in (layer.lora_embeddings_a, layer.lora_embeddings_b))
    layer.lora_embeddings_b.assign(np.ones((2, 3), "float32"))
    ids = np.array([1, 1, 4])
    w = np.random.default_rng(0).normal(size=(3, 3)).astype("float32")
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]
    assert len(trainable) == 2

    def loss_of_a(a_value):
        return layer.stateless_call([a_value, trainable[1]], non_trainable, ids)[0]

    got = backend_gradient(loss_of_a, a, w)
    expected = np.zeros_like(a)
    for row, i in enumerate(ids):  # d/da[i] of sum(w[row] * (a[i] @ b)) with b = ones, scale 1
        expected[i] += w[row] @ np.ones((3, 2))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
