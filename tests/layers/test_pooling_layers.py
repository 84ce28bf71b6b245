"""Pooling layers against NumPy references written here and against Keras 3 (configs, values)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from kc_testing import assert_close, backend_gradient, keras_oracle, numeric_gradient, to_numpy

from kc.layers import Input
from kc.layers.pooling import (AdaptiveAveragePooling1D, AdaptiveAveragePooling2D,
                               AdaptiveMaxPooling2D, AdaptiveMaxPooling3D, AveragePooling1D,
                               AveragePooling2D, AveragePooling3D, GlobalAveragePooling1D,
                               GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalMaxPooling1D,
                               GlobalMaxPooling2D, GlobalMaxPooling3D, MaxPooling1D, MaxPooling2D,
                               MaxPooling3D)

RNG = np.random.default_rng(2)
TOL = {"rtol": 1e-5, "atol": 1e-6}


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _same_pads(n, k, s):
    total = max((-(-n // s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def ref_pool(x, pool, strides, padding, mode):
    """Windowed max/mean (channels_last); "same" padding never counts."""
    n = x.ndim - 2
    pads = [_same_pads(i, k, s) if padding == "same" else (0, 0)
            for i, k, s in zip(x.shape[1:-1], pool, strides)]
    xp = np.pad(x.astype(np.float64), [(0, 0), *pads, (0, 0)], constant_values=np.nan)
    out = [(i - k) // s + 1 for i, k, s in zip(xp.shape[1:-1], pool, strides)]
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    reduce = np.nanmax if mode == "max" else np.nanmean
    for pos in itertools.product(*map(range, out)):
        window = xp[(slice(None), *[slice(p * s, p * s + k) for p, s, k in zip(pos, strides, pool)])]
        y[(slice(None), *pos)] = reduce(window.reshape(x.shape[0], -1, x.shape[-1]), axis=1)
    assert n == len(out)
    return y


def ref_adaptive(x, out, mode):
    reduce = np.max if mode == "max" else np.mean
    bins = [[(i * n // o, -(-(i + 1) * n // o)) for i in range(o)] for n, o in zip(x.shape[1:-1], out)]
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    for pos in itertools.product(*map(range, out)):
        window = x[(slice(None), *[slice(*b[p]) for b, p in zip(bins, pos)])]
        y[(slice(None), *pos)] = reduce(window.reshape(x.shape[0], -1, x.shape[-1]), axis=1)
    return y


CASES = [  # (class, kwargs, channels_last input shape, reference)
    (MaxPooling1D, {}, (2, 7, 3), lambda x: ref_pool(x, (2,), (2,), "valid", "max")),
    (MaxPooling2D, dict(pool_size=3, strides=2, padding="same"), (2, 5, 6, 2),
     lambda x: ref_pool(x, (3, 3), (2, 2), "same", "max")),
    (MaxPooling3D, dict(pool_size=(2, 1, 2)), (1, 4, 3, 4, 2),
     lambda x: ref_pool(x, (2, 1, 2), (2, 1, 2), "valid", "max")),
    (AveragePooling1D, dict(pool_size=3, strides=1, padding="same"), (2, 5, 2),
     lambda x: ref_pool(x, (3,), (1,), "same", "average")),
    (AveragePooling2D, dict(pool_size=2), (2, 4, 5, 3), lambda x: ref_pool(x, (2, 2), (2, 2), "valid", "average")),
    (AveragePooling3D, dict(pool_size=2, padding="same"), (1, 3, 3, 3, 2),
     lambda x: ref_pool(x, (2, 2, 2), (2, 2, 2), "same", "average")),
    (GlobalMaxPooling1D, {}, (2, 5, 3), lambda x: x.max(1)),
    (GlobalMaxPooling2D, dict(keepdims=True), (2, 3, 4, 3), lambda x: x.max((1, 2), keepdims=True)),
    (GlobalMaxPooling3D, {}, (2, 2, 3, 2, 3), lambda x: x.max((1, 2, 3))),
    (GlobalAveragePooling1D, dict(keepdims=True), (2, 5, 3), lambda x: x.mean(1, keepdims=True)),
    (GlobalAveragePooling2D, {}, (2, 3, 4, 3), lambda x: x.mean((1, 2))),
    (GlobalAveragePooling3D, dict(keepdims=True), (2, 2, 3, 2, 3), lambda x: x.mean((1, 2, 3), keepdims=True)),
    (AdaptiveAveragePooling1D, dict(output_size=3), (2, 7, 2), lambda x: ref_adaptive(x, (3,), "average")),
    (AdaptiveAveragePooling2D, dict(output_size=(2, 3)), (1, 5, 7, 2), lambda x: ref_adaptive(x, (2, 3), "average")),
    (AdaptiveMaxPooling2D, dict(output_size=2), (1, 5, 4, 3), lambda x: ref_adaptive(x, (2, 2), "max")),
    (AdaptiveMaxPooling3D, dict(output_size=2), (1, 3, 4, 5, 2), lambda x: ref_adaptive(x, (2, 2, 2), "max")),
]
IDS = [c[0].__name__ for c in CASES]


@pytest.mark.parametrize("cls,kwargs,shape,ref", CASES, ids=IDS)
def test_values_both_data_formats(cls, kwargs, shape, ref):
    x = rand(*shape)
    expected = ref(x).astype("float32")
    layer = cls(**kwargs)
    y = layer(x)
    assert_close(y, expected, **TOL)
    assert tuple(y.shape) == layer.compute_output_shape(shape)
    first = cls(**kwargs, data_format="channels_first")
    yf = to_numpy(first(np.moveaxis(x, -1, 1)))
    if yf.ndim == expected.ndim and yf.ndim > 2:
        yf = np.moveaxis(yf, 1, -1)
    assert_close(yf, expected, **TOL)


@pytest.mark.parametrize("cls,kwargs,shape,ref", CASES, ids=IDS)
def test_symbolic_shape_config_and_keras(cls, kwargs, shape, ref):
    keras = keras_oracle()
    layer = cls(**kwargs)
    sym = layer(Input(shape[1:]))
    assert sym.shape == (None,) + layer.compute_output_shape(shape)[1:]
    ref_layer = getattr(keras.layers, cls.__name__)(**kwargs)
    config, ref_config = layer.get_config(), ref_layer.get_config()
    assert list(config) == list(ref_config)
    assert {k: v for k, v in config.items() if k != "name"} == \
        {k: v for k, v in ref_config.items() if k != "name"}
    assert cls.from_config(config).get_config() == config
    x = rand(*shape)
    assert_close(layer(x), np.asarray(ref_layer(x)), **TOL)


def test_global_average_pooling_1d_mask():
    x = rand(2, 4, 3)
    mask = np.array([[1, 1, 0, 0], [1, 0, 1, 1]], bool)
    expected = np.stack([x[0, :2].mean(0), x[1, [0, 2, 3]].mean(0)])
    assert_close(GlobalAveragePooling1D()(x, mask=mask), expected, **TOL)
    first = GlobalAveragePooling1D(data_format="channels_first")
    assert_close(first(np.moveaxis(x, -1, 1), mask=mask), expected, **TOL)


@pytest.mark.parametrize("make,msg", [
    (lambda: MaxPooling2D(pool_size=(2, 2, 2)), "pool_size"),
    (lambda: AveragePooling1D(2, padding="causal"), "padding"),
    (lambda: MaxPooling1D(strides=0), "strides"),
    (lambda: AdaptiveMaxPooling2D(output_size=(1, 2, 3)), "output_size"),
])
def test_bad_arguments(make, msg):
    with pytest.raises(ValueError, match=msg):
        make()


def test_bad_input_rank_names_the_layer():
    with pytest.raises(ValueError, match=r"mp.*ndim=4.*\(1, 4, 4\)"):
        MaxPooling2D(name="mp")(rand(1, 4, 4))


@pytest.mark.grad
def test_max_pool_gradient_matches_finite_differences():
    layer = MaxPooling2D(pool_size=2, strides=1)
    x = rand(1, 3, 3, 2)
    w = rand(1, 2, 2, 2)
    expected = numeric_gradient(lambda v: ref_pool(v, (2, 2), (1, 1), "valid", "max"), x.astype("float64"), w)
    assert_close(backend_gradient(layer, x, w), expected, rtol=1e-3, atol=1e-3)
