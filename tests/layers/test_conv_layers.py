"""Convolution layers against NumPy references written here and against Keras 3 (weights, configs)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from kc_testing import assert_close, backend_gradient, keras_oracle, numeric_gradient, to_numpy

import kc
from kc.layers import Input
from kc.layers.convolutional import (Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, Conv3D,
                                     Conv3DTranspose, DepthwiseConv1D, DepthwiseConv2D,
                                     SeparableConv1D, SeparableConv2D)

RNG = np.random.default_rng(1)
TOL = {"rtol": 1e-4, "atol": 1e-5}


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


# --- NumPy references (channels_last) ---------------------------------------------------------


def _same_pads(n, k, s, d):
    ext = (k - 1) * d + 1
    total = max((-(-n // s) - 1) * s + ext - n, 0)
    return total // 2, total - total // 2


def ref_conv(x, k, strides=1, padding="valid", dilation=1):
    """Direct convolution, groups from ``channels / kernel.shape[-2]``."""
    x = x.astype(np.float64)
    n = x.ndim - 2
    ks = k.shape[:n]
    s = (strides,) * n if isinstance(strides, int) else strides
    d = (dilation,) * n if isinstance(dilation, int) else dilation
    if padding == "causal":
        pads = [((ks[0] - 1) * d[0], 0)]
    elif padding == "same":
        pads = [_same_pads(i, kk, ss, dd) for i, kk, ss, dd in zip(x.shape[1:-1], ks, s, d)]
    else:
        pads = [(0, 0)] * n
    xp = np.pad(x, [(0, 0), *pads, (0, 0)])
    out = [(i - (kk - 1) * dd - 1) // ss + 1 for i, kk, ss, dd in zip(xp.shape[1:-1], ks, s, d)]
    cg, o = k.shape[-2], k.shape[-1]
    groups = x.shape[-1] // cg
    og = o // groups
    y = np.zeros((x.shape[0], *out, o))
    for pos in itertools.product(*map(range, ks)):
        patch = xp[(slice(None), *[slice(p * dd, p * dd + (m - 1) * ss + 1, ss)
                                   for p, m, ss, dd in zip(pos, out, s, d)])]
        for g in range(groups):
            y[..., g * og:(g + 1) * og] += patch[..., g * cg:(g + 1) * cg] @ k[pos][:, g * og:(g + 1) * og]
    return y


def ref_depthwise(x, k, **kw):
    return ref_conv(x, k.reshape(*k.shape[:-2], 1, -1), **kw)


def ref_transpose(x, k, strides, padding):
    """The gradient of a conv with output size ``n * s`` ("same") or the full scatter ("valid")."""
    n = x.ndim - 2
    ks = k.shape[:n]
    s = (strides,) * n
    full = [(i - 1) * ss + kk for i, ss, kk in zip(x.shape[1:-1], s, ks)]
    y = np.zeros((x.shape[0], *full, k.shape[-2]))
    for pos in itertools.product(*map(range, ks)):
        index = (slice(None), *[slice(p, p + (i - 1) * ss + 1, ss)
                                for p, i, ss in zip(pos, x.shape[1:-1], s)])
        y[index] += x.astype(np.float64) @ k[pos].T
    if padding == "valid":
        sizes = [f + max(ss - kk, 0) for f, ss, kk in zip(full, s, ks)]
        return np.pad(y, [(0, 0), *[(0, t - f) for t, f in zip(sizes, full)], (0, 0)])
    sizes = [i * ss for i, ss in zip(x.shape[1:-1], s)]
    befores = [max(kk - ss, 0) // 2 for kk, ss in zip(ks, s)]
    y = np.pad(y, [(0, 0), *[(0, max(b + t - f, 0)) for b, t, f in zip(befores, sizes, full)], (0, 0)])
    return y[(slice(None), *[slice(b, b + t) for b, t in zip(befores, sizes)])]


def ref_layer(layer, x, weights):
    kw = dict(strides=layer.strides, padding=layer.padding)
    if isinstance(layer, (Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)):
        y = ref_transpose(x, weights[0], layer.strides[0], layer.padding)
    elif isinstance(layer, (SeparableConv1D, SeparableConv2D)):
        y = ref_depthwise(x, weights[0], dilation=layer.dilation_rate, **kw)
        y = ref_conv(y, weights[1])
    elif isinstance(layer, (DepthwiseConv1D, DepthwiseConv2D)):
        y = ref_depthwise(x, weights[0], dilation=layer.dilation_rate, **kw)
    else:
        y = ref_conv(x, weights[0], dilation=layer.dilation_rate, **kw)
    if layer.use_bias:
        y = y + weights[-1]
    return y


# --- cases ---------------------------------------------------------------------------------------

CASES = [  # (class, kwargs, channels_last input shape)
    (Conv1D, dict(filters=3, kernel_size=3), (2, 7, 2)),
    (Conv1D, dict(filters=4, kernel_size=2, padding="causal", dilation_rate=2), (2, 6, 2)),
    (Conv1D, dict(filters=4, kernel_size=3, groups=2, strides=2, padding="same"), (2, 7, 4)),
    (Conv2D, dict(filters=3, kernel_size=(2, 3), padding="same", use_bias=False), (2, 5, 4, 2)),
    (Conv2D, dict(filters=2, kernel_size=3, dilation_rate=2), (1, 6, 6, 3)),
    (Conv3D, dict(filters=2, kernel_size=2, strides=(1, 2, 1)), (1, 4, 4, 3, 2)),
    (Conv1DTranspose, dict(filters=3, kernel_size=3, strides=2), (2, 4, 2)),
    (Conv2DTranspose, dict(filters=2, kernel_size=3, strides=2, padding="same"), (1, 3, 3, 2)),
    (Conv3DTranspose, dict(filters=2, kernel_size=2, strides=1), (1, 2, 3, 2, 2)),
    (DepthwiseConv1D, dict(kernel_size=3, depth_multiplier=2), (2, 6, 3)),
    (DepthwiseConv2D, dict(kernel_size=2, padding="same", strides=2), (1, 5, 5, 2)),
    (SeparableConv1D, dict(filters=3, kernel_size=2, depth_multiplier=2), (2, 5, 2)),
    (SeparableConv2D, dict(filters=4, kernel_size=3, padding="same"), (1, 4, 4, 3)),
]
IDS = [f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(CASES)]


def _built(cls, kwargs, shape, **extra):
    layer = cls(**kwargs, **extra)
    layer.build(shape)
    weights = [rand(*w.shape) for w in layer.weights]
    layer.set_weights(weights)
    return layer, weights


def _to_first(shape):
    return (shape[0], shape[-1], *shape[1:-1])


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_values_against_numpy(cls, kwargs, shape):
    layer, weights = _built(cls, kwargs, shape)
    x = rand(*shape)
    y = layer(x)
    assert_close(y, ref_layer(layer, x, weights).astype("float32"), **TOL)
    assert tuple(y.shape) == layer.compute_output_shape(shape)


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_channels_first_matches_channels_last(cls, kwargs, shape):
    if kwargs.get("padding") == "causal":
        kwargs = {**kwargs}
    last, weights = _built(cls, kwargs, shape)
    first = cls(**kwargs, data_format="channels_first")
    first.build(_to_first(shape))
    first.set_weights(weights)
    x = rand(*shape)
    y = first(np.moveaxis(x, -1, 1))
    assert_close(np.moveaxis(to_numpy(y), 1, -1), last(x), **TOL)
    assert tuple(y.shape) == first.compute_output_shape(_to_first(shape))


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_symbolic_shape_config_and_keras(cls, kwargs, shape):
    keras = keras_oracle()
    layer = cls(**kwargs)
    sym = layer(Input(shape[1:]))
    y = layer(rand(*shape))
    assert sym.shape == (None,) + tuple(y.shape[1:])
    # Keras 3: same weight names, shapes and order; same config; same numbers.
    ref = getattr(keras.layers, cls.__name__)(**kwargs)
    ref.build(shape)
    assert [(w.name, tuple(w.shape)) for w in ref.weights] == \
        [(w.name, tuple(w.shape)) for w in layer.weights]
    config = layer.get_config()
    ref_config = ref.get_config()
    assert list(config) == list(ref_config)
    assert {k: v for k, v in config.items() if k != "name"} == \
        {k: v for k, v in ref_config.items() if k != "name"}
    ref.set_weights([to_numpy(w) for w in layer.weights])
    x = rand(*shape)
    assert_close(layer(x), np.asarray(ref(x)), **TOL)
    clone = cls.from_config(config)
    assert clone.get_config() == config


def test_activation_and_regularizers():
    layer = Conv1D(2, 2, activation="relu", kernel_regularizer="l2", bias_initializer="ones")
    y = to_numpy(layer(rand(2, 4, 3)))
    assert y.min() >= 0.0
    assert len(layer.losses) == 1
    assert_close(layer.losses[0], 0.01 * np.sum(to_numpy(layer.kernel) ** 2), **TOL)


@pytest.mark.parametrize("make,msg", [
    (lambda: Conv2D(0, 3), "filters"),
    (lambda: Conv2D(4, 3, groups=3), "groups"),
    (lambda: Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: Conv1D(4, 3, data_format="bad"), "data_format"),
    (lambda: Conv2DTranspose(4, 3, strides=1, output_padding=1), "output_padding"),
    (lambda: DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
])
def test_bad_arguments(make, msg):
    with pytest.raises(ValueError, match=msg):
        make()


def test_bad_inputs_name_the_layer_and_shapes():
    layer = Conv2D(4, 3, name="c2")
    with pytest.raises(ValueError, match=r"c2.*ndim=4.*\(2, 5, 3\)"):
        layer(rand(2, 5, 3))
    layer(rand(1, 5, 5, 3))
    with pytest.raises(ValueError, match=r"c2.*axis -1.*3.*\(1, 5, 5, 2\)"):
        layer(rand(1, 5, 5, 2))
    with pytest.raises(ValueError, match="groups"):
        Conv1D(4, 3, groups=2)(rand(1, 5, 3))


@pytest.mark.grad
def test_conv2d_gradient_matches_finite_differences():
    layer = Conv2D(2, 2, strides=(1, 2), padding="same")
    x = rand(1, 3, 4, 2).astype("float64").astype("float32")
    layer.build(x.shape)
    w = rand(1, 3, 2, 2)
    expected = numeric_gradient(lambda v: ref_layer(layer, v, [to_numpy(t) for t in layer.weights]),
                                x.astype("float64"), w)
    assert_close(backend_gradient(layer, x, w), expected, rtol=1e-3, atol=1e-3)


def test_default_data_format_follows_config():
    old = kc.config.image_data_format()
    try:
        kc.config.set_image_data_format("channels_first")
        assert Conv2D(2, 3).data_format == "channels_first"
    finally:
        kc.config.set_image_data_format(old)
