"""Activation layers against NumPy references and Keras 3: values, configs, masks, PReLU weights."""

from __future__ import annotations

import numpy as np
import pytest
from kc_testing import assert_close, backend_gradient, keras_oracle, to_numpy

from kc.layers import Input
from kc.layers.activations import ELU, Activation, LeakyReLU, PReLU, ReLU, Softmax

X = np.array([[-3.0, -1.0, -0.1, 0.0, 0.2, 0.7, 2.5, 8.0]], "float32")
TOL = {"rtol": 1e-5, "atol": 1e-6}


def ref_relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    y = np.where(x >= threshold, x, negative_slope * (x - threshold))
    return y if max_value is None else np.minimum(y, max_value)


def ref_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


CASES = [
    (Activation, dict(activation="tanh"), np.tanh),
    (Activation, dict(activation=None), lambda x: x),
    (ReLU, {}, ref_relu),
    (ReLU, dict(max_value=2.0, negative_slope=0.1, threshold=0.5),
     lambda x: ref_relu(x, 2.0, 0.1, 0.5)),
    (LeakyReLU, {}, lambda x: np.where(x >= 0, x, 0.3 * x)),
    (LeakyReLU, dict(negative_slope=0.05), lambda x: np.where(x >= 0, x, 0.05 * x)),
    (ELU, dict(alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    (Softmax, {}, ref_softmax),
    (Softmax, dict(axis=(0, 1)), lambda x: ref_softmax(x.reshape(-1)).reshape(x.shape)),
]
IDS = [f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]


@pytest.mark.parametrize("cls,kwargs,ref", CASES, ids=IDS)
def test_values_config_and_keras(cls, kwargs, ref):
    keras = keras_oracle()
    layer = cls(**kwargs)
    y = layer(X)
    assert_close(y, ref(X.astype("float64")).astype("float32"), **TOL)
    assert layer(Input((8,))).shape == (None, 8)
    ref_layer = getattr(keras.layers, cls.__name__)(**kwargs)
    config, ref_config = layer.get_config(), ref_layer.get_config()
    assert {k: v for k, v in config.items() if k != "name"} == \
        {k: v for k, v in ref_config.items() if k != "name"}
    assert cls.from_config(config).get_config() == config
    assert_close(y, np.asarray(ref_layer(X)), **TOL)
    assert layer.supports_masking


def test_softmax_mask():
    mask = np.array([[1, 1, 0, 0, 1, 0, 0, 0]], bool)
    expected = np.where(mask, ref_softmax(np.where(mask, X, -np.inf)), 0.0)
    assert_close(Softmax()(X, mask=mask), expected, **TOL)


@pytest.mark.parametrize("shared_axes,alpha_shape", [(None, (3, 4)), ([1], (1, 4)), (2, (3, 1))])
def test_prelu(shared_axes, alpha_shape):
    keras = keras_oracle()
    layer = PReLU(shared_axes=shared_axes)
    x = np.random.default_rng(5).standard_normal((2, 3, 4)).astype("float32")
    layer.build(x.shape)
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [("alpha", alpha_shape)]
    alpha = np.random.default_rng(6).uniform(0, 1, alpha_shape).astype("float32")
    layer.set_weights([alpha])
    assert_close(layer(x), np.where(x >= 0, x, alpha * x), **TOL)
    ref = keras.layers.PReLU(shared_axes=shared_axes)
    ref.build(x.shape)
    ref.set_weights([alpha])
    assert_close(layer(x), np.asarray(ref(x)), **TOL)
    config = layer.get_config()
    assert {k: v for k, v in config.items() if k != "name"} == \
        {k: v for k, v in ref.get_config().items() if k != "name"}
    assert PReLU.from_config(config).get_config() == config


def test_prelu_wrong_input_names_the_layer():
    layer = PReLU(name="pr")
    layer(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"pr.*\(2, 3, 5\)"):
        layer(np.ones((2, 3, 5), "float32"))


@pytest.mark.parametrize("make,msg", [
    (lambda: ReLU(max_value=-1), "max_value"),
    (lambda: ReLU(negative_slope=-1), "negative_slope"),
    (lambda: ReLU(threshold=None), "threshold"),
    (lambda: LeakyReLU(negative_slope=-0.1), "negative_slope"),
    (lambda: Activation("not_an_activation"), "not_an_activation"),
])
def test_bad_arguments(make, msg):
    with pytest.raises(ValueError, match=msg):
        make()


def test_leaky_relu_accepts_alpha():
    assert LeakyReLU(alpha=0.1).negative_slope == 0.1


@pytest.mark.grad
def test_prelu_gradient_flows():
    layer = PReLU(alpha_initializer="ones")
    x = np.array([[-1.0, 2.0]], "float32")
    assert_close(backend_gradient(layer, x), np.ones((1, 2), "float32"), **TOL)
    assert to_numpy(layer(x)).shape == (1, 2)
