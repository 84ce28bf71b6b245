"""Weightless layers that Keras 3 builds in __init__: built from the start, so a call records
no build shapes and a Sequential config carries no `build_config` for them (as in Keras)."""

import numpy as np
import pytest

import kc
from kc import layers
from kc_testing import assert_close, to_numpy

X3 = np.arange(2 * 4 * 3, dtype="float32").reshape(2, 4, 3) - 10.0

CASES = [  # (make layer, input, NumPy oracle of the output)
    (lambda: layers.Activation("relu"), X3, lambda x: np.maximum(x, 0)),
    (lambda: layers.ReLU(max_value=5.0), X3, lambda x: np.clip(x, 0, 5)),
    (lambda: layers.LeakyReLU(negative_slope=0.5), X3, lambda x: np.where(x > 0, x, 0.5 * x)),
    (lambda: layers.ELU(alpha=1.0), X3, lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0)))),
    (lambda: layers.Softmax(), X3, lambda x: np.exp(x - x.max(-1, keepdims=True))
     / np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True)),
    (lambda: layers.MaxPooling1D(2), X3, lambda x: x.reshape(2, 2, 2, 3).max(2)),
    (lambda: layers.AveragePooling1D(2), X3, lambda x: x.reshape(2, 2, 2, 3).mean(2)),
    (lambda: layers.GlobalMaxPooling1D(), X3, lambda x: x.max(1)),
    (lambda: layers.GlobalAveragePooling1D(keepdims=True), X3, lambda x: x.mean(1, keepdims=True)),
    (lambda: layers.Reshape((3, 4)), X3, lambda x: x.reshape(2, 3, 4)),
]


@pytest.mark.parametrize("make,x,oracle", CASES)
def test_built_from_init_and_computes(make, x, oracle):
    layer = make()
    assert layer.built
    assert_close(to_numpy(layer(x)), oracle(x))
    assert layer.get_build_config() is None
    model = kc.Sequential([kc.Input(x.shape[1:]), make()])
    entry = model.get_config()["layers"][1]
    assert "build_config" not in entry, entry
    assert_close(to_numpy(kc.Sequential.from_config(model.get_config())(x)), oracle(x))


def test_layers_with_weights_still_build_lazily():
    prelu = layers.PReLU()
    assert not prelu.built
    prelu(X3)
    assert prelu.built and prelu.get_build_config() == {"input_shape": (2, 4, 3)}


def test_input_spec_still_checked_when_built_at_init():
    with pytest.raises(ValueError):
        layers.MaxPooling2D()(np.ones((2, 4, 3), "float32"))


@pytest.mark.parametrize("make", [
    lambda: layers.Dropout(0.5), lambda: layers.SpatialDropout1D(0.5),
    lambda: layers.SpatialDropout2D(0.5), lambda: layers.SpatialDropout3D(0.5),
    lambda: layers.AlphaDropout(0.5), lambda: layers.GaussianDropout(0.5),
    lambda: layers.GaussianNoise(0.5), lambda: layers.ActivityRegularization(l1=0.1),
    lambda: layers.Identity(), lambda: layers.Masking(), lambda: layers.UnitNormalization(),
])
def test_weightless_layers_built_at_init_as_keras(make):
    layer = make()
    assert layer.built and layer.get_build_config() is None  # Keras: built == True


def test_sequential_with_dropout_config_and_seed_paths_as_keras():
    model = kc.Sequential([kc.Input((6,)), layers.Dense(8), layers.Dropout(0.25),
                           layers.GaussianNoise(0.1), layers.Dense(3)])
    has_build = ["build_config" in e for e in model.get_config()["layers"]]
    assert has_build == [False, True, False, False, True]  # Keras 3.15.1
    x = np.arange(12, dtype="float32").reshape(2, 6)
    assert_close(to_numpy(model(x)), to_numpy(model.layers[-1](model.layers[0](x))), rtol=1e-5)
    assert sum("seed_generator_state" in v.path for v in model.variables) == 2


@pytest.mark.parametrize("make,axis,built_axis", [  # Keras 3.15.1: int until build, then list
    (lambda: layers.LayerNormalization(), -1, [-1]),
    (lambda: layers.LayerNormalization(axis=1), 1, [1]),
    (lambda: layers.LayerNormalization(axis=(1, 2)), [1, 2], [1, 2]),
    (lambda: layers.RMSNormalization(), -1, [-1]),
    (lambda: layers.UnitNormalization(), -1, -1),
    (lambda: layers.UnitNormalization(axis=[1]), [1], [1]),
])
def test_normalization_axis_config_as_keras(make, axis, built_axis):
    layer = make()
    config = layer.get_config()
    assert config["axis"] == axis and isinstance(config["axis"], type(axis))  # list: TrackedList
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    y = to_numpy(layer(x))
    built = layer.get_config()["axis"]
    assert built == built_axis and isinstance(built, type(built_axis))
    assert_close(to_numpy(type(layer).from_config(config)(x)), y, rtol=1e-5)
