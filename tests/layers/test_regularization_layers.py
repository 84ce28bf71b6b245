"""Regularization layers (part B): Dropout, SpatialDropout1D/2D/3D, GaussianDropout,
GaussianNoise, AlphaDropout, ActivityRegularization.

Identity at inference; statistics and structure of the noise in training; configs vs Keras."""

import math

import numpy as np
import pytest

import kc
from kc import layers
from kc_testing import assert_close, keras_oracle, to_numpy

RNG = np.random.default_rng(2)

CASES = [
    ("Dropout", dict(rate=0.3, noise_shape=(None, 1, 4), seed=3), (2, 3, 4)),
    ("SpatialDropout1D", dict(rate=0.5, seed=1), (2, 3, 4)),
    ("SpatialDropout2D", dict(rate=0.5, data_format="channels_first"), (2, 3, 4, 5)),
    ("SpatialDropout3D", dict(rate=0.5), (1, 2, 2, 2, 3)),
    ("GaussianDropout", dict(rate=0.2, seed=4), (2, 3)),
    ("GaussianNoise", dict(stddev=0.5), (2, 3)),
    ("AlphaDropout", dict(rate=0.2, noise_shape=(None, 3)), (2, 3)),
    ("ActivityRegularization", dict(l1=0.1, l2=0.2), (2, 3)),
]


@pytest.mark.parametrize("name,kwargs,shape", CASES)
def test_config_matches_keras_and_identity_at_inference(name, kwargs, shape):
    keras = keras_oracle()
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    a, b = ours.get_config(), theirs.get_config()
    a.pop("name"), b.pop("name")
    assert a == b
    assert ours.weights == []
    x = RNG.normal(size=shape).astype("float32")
    assert_close(ours(x), x)
    assert_close(ours(x, training=False), x)
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()
    assert tuple(ours(kc.KerasTensor((None,) + shape[1:])).shape) == (None,) + shape[1:]


def test_dropout_statistics_and_scaling():
    x = np.ones((200, 50), "float32")
    y = to_numpy(layers.Dropout(0.3, seed=1)(x, training=True))
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert_close(layers.Dropout(0.0)(x, training=True), x)
    assert_close(layers.Dropout(1.0)(x, training=True), np.zeros_like(x))
    with pytest.raises(ValueError, match="Dropout .*rate must be a number in \\[0, 1\\], got 1.5"):
        layers.Dropout(1.5)


def test_dropout_seed_reproducible_and_stream_advances():
    x = np.ones((4, 8), "float32")
    a, b = layers.Dropout(0.5, seed=7), layers.Dropout(0.5, seed=7)
    first = to_numpy(a(x, training=True))
    np.testing.assert_array_equal(first, to_numpy(b(x, training=True)))
    assert not np.array_equal(first, to_numpy(a(x, training=True)))


@pytest.mark.parametrize("layer,shape,shared_axes", [
    (layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=1), (8, 5, 6), (1,)),
    (layers.SpatialDropout1D(0.5, seed=1), (8, 5, 6), (1,)),
    (layers.SpatialDropout2D(0.5, seed=1), (8, 3, 4, 6), (1, 2)),
    (layers.SpatialDropout2D(0.5, data_format="channels_first", seed=1), (8, 6, 3, 4), (2, 3)),
    (layers.SpatialDropout3D(0.5, seed=1), (8, 2, 2, 2, 6), (1, 2, 3)),
])
def test_structured_dropout_drops_whole_channels(layer, shape, shared_axes):
    y = to_numpy(layer(np.ones(shape, "float32"), training=True))
    kept = y != 0
    # The keep pattern is constant along the shared axes.
    reduced = kept.all(axis=shared_axes) == kept.any(axis=shared_axes)
    assert reduced.all()
    assert 0 < kept.mean() < 1
    np.testing.assert_allclose(y[kept], 2.0)


def test_spatial_dropout_rank_error():
    with pytest.raises(ValueError, match="spatial_dropout.*expected ndim=4"):
        layers.SpatialDropout2D(0.5)(np.ones((2, 3, 4), "float32"), training=True)


def test_gaussian_dropout_and_noise_statistics():
    x = np.full((300, 100), 2.0, "float32")
    y = to_numpy(layers.GaussianDropout(0.2, seed=1)(x, training=True))
    noise = y / 2.0
    assert abs(noise.mean() - 1.0) < 0.01
    assert abs(noise.std() - math.sqrt(0.2 / 0.8)) < 0.01
    y = to_numpy(layers.GaussianNoise(0.5, seed=1)(x, training=True))
    assert abs((y - 2.0).mean()) < 0.01
    assert abs((y - 2.0).std() - 0.5) < 0.01


def test_alpha_dropout_values_and_moments():
    rate = 0.2
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    x = RNG.normal(size=(400, 100)).astype("float32")
    y = to_numpy(layers.AlphaDropout(rate, seed=1)(x, training=True))
    kept = np.isclose(y, a * x + b, atol=1e-5)
    dropped = np.isclose(y, a * alpha_p + b, atol=1e-5)
    assert (kept | dropped).all()
    assert abs(dropped.mean() - rate) < 0.01
    # Zero mean / unit variance inputs keep (about) zero mean and unit variance.
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02


def test_activity_regularization_adds_loss():
    x = RNG.normal(size=(4, 3)).astype("float32")
    layer = layers.ActivityRegularization(l1=0.1, l2=0.2)
    assert_close(layer(x), x)
    assert len(layer.losses) == 1
    expected = (0.1 * np.abs(x).sum() + 0.2 * (x ** 2).sum()) / 4
    assert_close(layer.losses[0], expected, rtol=1e-5, atol=1e-6, check_dtype=False)
