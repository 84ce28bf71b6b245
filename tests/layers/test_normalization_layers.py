"""Normalization layers (part B): BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization, RMSNormalization, SpectralNormalization.

Values against NumPy references; weights and configs against Keras 3 (the oracle)."""

import numpy as np
import pytest

import kc
from kc import layers
from kc_testing import assert_close, backend_gradient, keras_oracle, numeric_gradient, to_numpy

RNG = np.random.default_rng(1)
TOL = dict(rtol=1e-5, atol=1e-5)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32") * 2.0 + 0.5


KERAS_CASES = [
    ("BatchNormalization", dict(momentum=0.9, epsilon=1e-2), (4, 3)),
    ("BatchNormalization", dict(axis=1, center=False), (4, 3, 2)),
    ("BatchNormalization", dict(renorm=True, renorm_clipping={"rmax": 1.2, "dmax": 0.2},
                                renorm_momentum=0.9, momentum=0.8), (6, 3)),
    ("BatchNormalization", dict(renorm=True, axis=1, scale=False), (4, 3, 2)),
    ("LayerNormalization", dict(axis=(1, 2)), (2, 3, 4)),
    ("LayerNormalization", dict(scale=False), (2, 3)),
    ("GroupNormalization", dict(groups=2), (2, 3, 4)),
    ("GroupNormalization", dict(groups=3, axis=1, center=False), (2, 3, 4)),
    ("UnitNormalization", dict(axis=(1, 2)), (2, 3, 4)),
    ("RMSNormalization", dict(axis=(1, 2), epsilon=1e-4), (2, 3, 4)),
]


def _compare_with_keras(ours, theirs, x):
    y = ours(x)
    theirs(x)
    assert [(w.path.split("/", 1)[1], tuple(w.shape), w.trainable) for w in ours.weights] == \
        [(w.path.split("/", 1)[1], tuple(w.shape), w.trainable) for w in theirs.weights]
    for w, v in zip(ours.weights, theirs.weights):
        w.assign(np.asarray(v.numpy() if hasattr(v, "numpy") else v) + RNG.uniform(0.1, 0.5, size=w.shape).astype("float32"))
        v.assign(to_numpy(w))
    a, b = ours.get_config(), theirs.get_config()
    a.pop("name"), b.pop("name")
    if "layer" in a:
        a["layer"]["config"].pop("name"), b["layer"]["config"].pop("name")
    assert a == b
    return y


@pytest.mark.parametrize("name,kwargs,shape", KERAS_CASES)
def test_weights_config_and_values_match_keras(name, kwargs, shape):
    keras = keras_oracle()
    x = _x(*shape)
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    _compare_with_keras(ours, theirs, x)
    for training in (False, True):
        assert_close(ours(x, training=training), np.asarray(theirs(x, training=training)), rtol=1e-4,
                     atol=1e-4)
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()
    assert tuple(ours(kc.KerasTensor((None,) + shape[1:])).shape) == (None,) + shape[1:]


def test_batch_normalization_training_inference_and_moving_stats():
    x = _x(6, 3)
    bn = layers.BatchNormalization(momentum=0.8, epsilon=1e-3, gamma_initializer="random_normal",
                                   beta_initializer="random_normal")
    y = bn(x, training=True)
    gamma, beta = to_numpy(bn.gamma), to_numpy(bn.beta)
    mean, var = x.mean(0), x.var(0)
    assert_close(y, (x - mean) / np.sqrt(var + 1e-3) * gamma + beta, **TOL)
    assert_close(bn.moving_mean, 0.2 * mean, **TOL)
    assert_close(bn.moving_variance, 0.8 + 0.2 * var, **TOL)
    # Inference (default) uses the moving statistics and does not change them.
    mm, mv = 0.2 * mean, 0.8 + 0.2 * var
    assert_close(bn(x), (x - mm) / np.sqrt(mv + 1e-3) * gamma + beta, **TOL)
    assert_close(bn.moving_mean, mm, **TOL)
    # A frozen layer runs in inference mode even with training=True.
    bn.trainable = False
    assert_close(bn(x, training=True), (x - mm) / np.sqrt(mv + 1e-3) * gamma + beta, **TOL)
    assert_close(bn.moving_mean, mm, **TOL)


def test_batch_normalization_stateless_call_and_mask():
    x = _x(2, 4, 3)
    bn = layers.BatchNormalization(momentum=0.5)
    bn.build((None, 4, 3))
    trainable = [v.value for v in bn.trainable_variables]
    non_trainable = [v.value for v in bn.non_trainable_variables]
    _, new = bn.stateless_call(trainable, non_trainable, x, training=True)
    assert_close(new[0], 0.5 * x.reshape(-1, 3).mean(0), **TOL)
    assert_close(bn.moving_mean, np.zeros(3))  # the layer's state is untouched
    mask = np.array([[True, True, False, False], [True, False, False, True]])
    y = bn(x, training=True, mask=mask)
    kept = x[mask]
    expected = (x - kept.mean(0)) / np.sqrt(kept.var(0) + 1e-3)
    assert_close(y, expected, rtol=1e-4, atol=1e-4)
    assert_close(bn.moving_mean, 0.5 * kept.mean(0), **TOL)


def _renorm_ref(x, stats, gamma, beta, eps, clip):
    """Batch renormalization in training: (output, r, d, batch mean, batch std)."""
    mean, std = x.mean(0), np.sqrt(x.var(0) + eps)
    r = np.clip(std / stats["renorm_stddev"], clip.get("rmin", 0), clip.get("rmax", np.inf))
    d = np.clip((mean - stats["renorm_mean"]) / stats["renorm_stddev"], -clip.get("dmax", np.inf),
                clip.get("dmax", np.inf))
    return ((x - mean) / std * r + d) * gamma + beta, r, d, mean, std


def test_batch_normalization_renorm_matches_closed_form():
    eps, m, rm, clip = 1e-2, 0.8, 0.7, {"rmin": 0.8, "dmax": 0.3}
    bn = layers.BatchNormalization(renorm=True, renorm_clipping=clip, renorm_momentum=rm,
                                   momentum=m, epsilon=eps, gamma_initializer="random_normal",
                                   beta_initializer="random_normal",
                                   moving_variance_initializer="random_uniform")
    bn.build((None, 3))
    assert [w.path.split("/", 1)[1] for w in bn.non_trainable_weights] == [
        "moving_mean", "moving_variance", "moving_stddev", "renorm_mean", "renorm_stddev"]
    gamma, beta = to_numpy(bn.gamma), to_numpy(bn.beta)
    stats = {w.path.split("/", 1)[1]: to_numpy(w).astype("float64") for w in bn.non_trainable_weights}
    assert_close(stats["moving_stddev"], np.sqrt(stats["moving_variance"]), **TOL)
    for step in range(2):
        x = _x(6, 3).astype("float64") * (1 + step)
        y, _, _, mean, std = _renorm_ref(x, stats, gamma, beta, eps, clip)
        assert_close(bn(x.astype("float32"), training=True), y.astype("float32"), **TOL)
        stats["moving_mean"] = m * stats["moving_mean"] + (1 - m) * mean
        stats["moving_stddev"] = m * stats["moving_stddev"] + (1 - m) * std
        stats["moving_variance"] = stats["moving_stddev"] ** 2 - eps
        stats["renorm_mean"] = rm * stats["renorm_mean"] + (1 - rm) * mean
        stats["renorm_stddev"] = rm * stats["renorm_stddev"] + (1 - rm) * std
        for w in bn.non_trainable_weights:
            assert_close(w, stats[w.path.split("/", 1)[1]].astype("float32"), **TOL)
    expected = (x - stats["moving_mean"]) / np.sqrt(stats["moving_variance"] + eps) * gamma + beta
    assert_close(bn(x.astype("float32")), expected.astype("float32"), rtol=1e-4, atol=1e-4)


def test_batch_normalization_renorm_config_and_errors():
    keras = keras_oracle()
    for kwargs in ({"renorm": True}, {"renorm": False, "renorm_clipping": {"rmax": 3}},
                   {"renorm": True, "renorm_clipping": {"rmin": 0.5}, "renorm_momentum": 0.5}):
        assert layers.BatchNormalization(name="bn", **kwargs).get_config() == \
            keras.layers.BatchNormalization(name="bn", **kwargs).get_config()
    with pytest.raises(ValueError, match="unknown keys.*foo"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"foo": 1})
    with pytest.raises(ValueError, match="rmax >= rmin"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 0.5, "rmin": 0.9})


@pytest.mark.grad
def test_batch_normalization_renorm_gradient_treats_r_and_d_as_constants():
    eps, clip = 1e-3, {"rmax": 1.5}
    bn = layers.BatchNormalization(renorm=True, renorm_clipping=clip, epsilon=eps,
                                   gamma_initializer="random_normal")
    x = _x(4, 2)
    w = RNG.normal(size=(4, 2))
    bn.build(x.shape)
    trainable = [v.value for v in bn.trainable_variables]
    non_trainable = [v.value for v in bn.non_trainable_variables]
    stats = {v.path.split("/", 1)[1]: to_numpy(v).astype("float64") for v in bn.non_trainable_weights}
    gamma = to_numpy(bn.gamma).astype("float64")
    _, r, d, _, _ = _renorm_ref(x.astype("float64"), stats, gamma, 0.0, eps, clip)

    def ref(t):
        return ((t - t.mean(0)) / np.sqrt(t.var(0) + eps) * r + d) * gamma

    got = backend_gradient(lambda t: bn.stateless_call(trainable, non_trainable, t, training=True)[0],
                           x, w.astype("float32"))
    np.testing.assert_allclose(got, numeric_gradient(ref, x.astype("float64"), w, eps=1e-5),
                               rtol=1e-3, atol=1e-4)


def test_batch_normalization_synchronized_flag_is_accepted():
    # Keras 3 accepts synchronized=True only on TensorFlow; kc accepts it everywhere and
    # uses the local batch's statistics (one replica).
    x = _x(4, 3)
    bn = layers.BatchNormalization(synchronized=True)
    assert bn.get_config()["synchronized"] is True
    assert_close(bn(x, training=True), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), **TOL)


def test_batch_normalization_bad_channels():
    bn = layers.BatchNormalization(name="bn")
    bn(_x(2, 3))
    with pytest.raises(ValueError, match="bn.*axis -1 .* value 3"):
        bn(_x(2, 4))


@pytest.mark.grad
def test_batch_normalization_gradient_matches_finite_differences():
    bn = layers.BatchNormalization(gamma_initializer="random_normal", beta_initializer="random_normal")
    x = _x(3, 2)
    w = RNG.normal(size=(3, 2))
    bn(x)
    trainable = [v.value for v in bn.trainable_variables]
    non_trainable = [v.value for v in bn.non_trainable_variables]

    def fn(t):  # stateless: jax.grad cannot store the moving statistics in variables
        return bn.stateless_call(trainable, non_trainable, t, training=True)[0]

    np.testing.assert_allclose(backend_gradient(fn, x, w), numeric_gradient(fn, x, w, eps=1e-2),
                               rtol=2e-2, atol=2e-3)


def test_layer_normalization_values():
    x = _x(2, 3, 4)
    ln = layers.LayerNormalization(axis=[1, 2], epsilon=1e-3, gamma_initializer="random_normal",
                                   beta_initializer="random_normal")
    y = ln(x)
    mean, var = x.mean((1, 2), keepdims=True), x.var((1, 2), keepdims=True)
    assert_close(y, (x - mean) / np.sqrt(var + 1e-3) * to_numpy(ln.gamma) + to_numpy(ln.beta), **TOL)
    with pytest.warns(UserWarning, match="rms_scaling"):
        rms = layers.LayerNormalization(rms_scaling=True, gamma_initializer="random_normal")
    y = rms(x)
    assert [w.name for w in rms.weights] == ["gamma"]
    assert_close(y, x / np.sqrt(x.var(-1, keepdims=True) + 1e-3) * to_numpy(rms.gamma), **TOL)


def test_group_unit_rms_normalization_values():
    x = _x(2, 5, 6)
    gn = layers.GroupNormalization(groups=3, epsilon=1e-3, gamma_initializer="random_normal")
    g = x.reshape(2, 5, 3, 2)
    mean, var = g.mean((1, 3), keepdims=True), g.var((1, 3), keepdims=True)
    gn(x)
    expected = ((g - mean) / np.sqrt(var + 1e-3)).reshape(x.shape) * to_numpy(gn.gamma)
    assert_close(gn(x), expected, **TOL)
    with pytest.raises(ValueError, match="groups \\(4\\) must divide the number of channels \\(6\\)"):
        layers.GroupNormalization(groups=4)(x)
    assert_close(layers.UnitNormalization()(x), x / np.linalg.norm(x, axis=-1, keepdims=True), **TOL)
    assert_close(layers.UnitNormalization(axis=[1, 2])(x),
                 x / np.sqrt((x ** 2).sum((1, 2), keepdims=True)), **TOL)
    rms = layers.RMSNormalization(epsilon=1e-6)
    y = rms(x)
    rms.scale.assign(np.arange(1, 7, dtype="float32"))
    assert_close(rms(x), x / np.sqrt((x ** 2).mean(-1, keepdims=True) + 1e-6) * np.arange(1, 7), **TOL)
    assert tuple(y.shape) == x.shape


def test_spectral_normalization_divides_by_top_singular_value():
    sn = layers.SpectralNormalization(layers.Dense(3, bias_initializer="ones"), power_iterations=30)
    x = _x(2, 4)
    sn(x)
    kernel = to_numpy(sn.layer.kernel)
    assert_close(sn(x), x @ kernel + 1.0, **TOL)  # inference: kernel unchanged
    y = sn(x, training=True)
    sigma = np.linalg.svd(kernel, compute_uv=False)[0]
    assert_close(sn.layer.kernel, kernel / sigma, rtol=1e-3, atol=1e-4)
    assert_close(y, x @ (kernel / sigma) + 1.0, rtol=1e-3, atol=1e-4)
    assert np.linalg.svd(to_numpy(sn.layer.kernel), compute_uv=False)[0] == pytest.approx(1.0, rel=1e-3)
    with pytest.raises(ValueError, match="has no `kernel` or `embeddings`"):
        layers.SpectralNormalization(layers.Identity())(x)


def test_spectral_normalization_matches_keras():
    keras = keras_oracle()
    x = _x(2, 3)
    ours = layers.SpectralNormalization(layers.Dense(3, name="inner"))
    theirs = keras.layers.SpectralNormalization(keras.layers.Dense(3, name="inner"))
    _compare_with_keras(ours, theirs, x)
    assert_close(ours(x, training=True), np.asarray(theirs(x, training=True)), rtol=1e-4, atol=1e-5)
    assert_close(ours.vector_u, np.asarray(theirs.vector_u.numpy()), rtol=1e-4, atol=1e-5)
