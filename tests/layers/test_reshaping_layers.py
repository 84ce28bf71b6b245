"""Reshaping layers against NumPy references written here and against Keras 3 (configs, values)."""

from __future__ import annotations

import numpy as np
import pytest
from kc_testing import assert_close, keras_oracle, to_numpy

from kc.layers import Input
from kc.layers.reshaping import (Cropping1D, Cropping2D, Cropping3D, Flatten, Permute, RepeatVector,
                                 Reshape, UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D,
                                 ZeroPadding2D, ZeroPadding3D)

RNG = np.random.default_rng(3)


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _pad(x, pairs, first=False):
    spatial = list(pairs)
    return np.pad(x, [(0, 0), (0, 0), *spatial] if first else [(0, 0), *spatial, (0, 0)])


CASES = [  # (class, kwargs, input shape, reference, channels_first reference or None)
    (Flatten, {}, (2, 3, 4), lambda x: x.reshape(2, -1), None),
    (Flatten, dict(data_format="channels_first"), (2, 3, 2, 2),
     lambda x: np.moveaxis(x, 1, -1).reshape(2, -1), None),
    (Reshape, dict(target_shape=(2, -1)), (3, 2, 6), lambda x: x.reshape(3, 2, 6), None),
    (Reshape, dict(target_shape=(4, 3)), (2, 12), lambda x: x.reshape(2, 4, 3), None),
    (Permute, dict(dims=(2, 3, 1)), (2, 3, 4, 5), lambda x: x.transpose(0, 2, 3, 1), None),
    (RepeatVector, dict(n=3), (2, 4), lambda x: np.repeat(x[:, None], 3, axis=1), None),
    (Cropping1D, dict(cropping=(1, 2)), (2, 6, 3), lambda x: x[:, 1:4], None),
    (Cropping2D, dict(cropping=((1, 0), (2, 1))), (2, 4, 5, 5), lambda x: x[:, 1:, 2:4],
     lambda x: x[:, :, 1:, 2:4]),
    (Cropping3D, dict(cropping=1), (1, 4, 3, 4, 3), lambda x: x[:, 1:-1, 1:-1, 1:-1],
     lambda x: x[:, :, 1:-1, 1:-1, 1:-1]),
    (UpSampling1D, dict(size=3), (2, 3, 2), lambda x: np.repeat(x, 3, axis=1), None),
    (UpSampling2D, dict(size=(2, 3)), (1, 2, 3, 2),
     lambda x: np.repeat(np.repeat(x, 2, 1), 3, 2), lambda x: np.repeat(np.repeat(x, 2, 2), 3, 3)),
    (UpSampling3D, dict(size=(1, 2, 2)), (1, 2, 2, 2, 1),
     lambda x: np.repeat(np.repeat(x, 2, 2), 2, 3), lambda x: np.repeat(np.repeat(x, 2, 3), 2, 4)),
    (ZeroPadding1D, dict(padding=(1, 2)), (2, 3, 2), lambda x: _pad(x, [(1, 2)]),
     lambda x: _pad(x, [(1, 2)], True)),
    (ZeroPadding2D, dict(padding=(1, 2)), (1, 2, 3, 2), lambda x: _pad(x, [(1, 1), (2, 2)]),
     lambda x: _pad(x, [(1, 1), (2, 2)], True)),
    (ZeroPadding3D, dict(padding=((0, 1), (1, 0), (2, 0))), (1, 2, 2, 2, 1),
     lambda x: _pad(x, [(0, 1), (1, 0), (2, 0)]), lambda x: _pad(x, [(0, 1), (1, 0), (2, 0)], True)),
]
IDS = [f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]


@pytest.mark.parametrize("cls,kwargs,shape,ref,ref_first", CASES, ids=IDS)
def test_values_shapes_config_and_keras(cls, kwargs, shape, ref, ref_first):
    keras = keras_oracle()
    x = rand(*shape)
    layer = cls(**kwargs)
    y = layer(x)
    assert_close(y, ref(x))
    assert tuple(y.shape) == layer.compute_output_shape(shape)
    assert layer(Input(shape[1:])).shape == (None,) + tuple(y.shape[1:])
    if ref_first is not None:
        assert_close(cls(**kwargs, data_format="channels_first")(x), ref_first(x))
    ref_layer = getattr(keras.layers, cls.__name__)(**kwargs)
    config, ref_config = layer.get_config(), ref_layer.get_config()
    assert list(config) == list(ref_config)
    assert {k: v for k, v in config.items() if k != "name"} == \
        {k: v for k, v in ref_config.items() if k != "name"}
    assert cls.from_config(config).get_config() == config
    assert_close(y, np.asarray(ref_layer(x)))


def test_upsampling2d_bilinear_matches_keras():
    keras = keras_oracle()
    x = rand(1, 3, 2, 2)
    expected = np.asarray(keras.layers.UpSampling2D(2, interpolation="bilinear")(x))
    assert_close(UpSampling2D(2, interpolation="bilinear")(x), expected, rtol=1e-5, atol=1e-5)


def test_unknown_dimensions():
    assert Reshape((-1, 2)).compute_output_shape((None, 3, None)) == (None, None, 2)
    assert Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)
    assert Flatten().compute_output_shape((None, 3, None)) == (None, None)
    assert Flatten().compute_output_shape((5,)) == (5, 1)
    assert to_numpy(Flatten()(np.ones(4, "float32"))).shape == (4, 1)
    assert ZeroPadding1D(2).compute_output_shape((None, None, 3)) == (None, None, 3)


@pytest.mark.parametrize("make,msg", [
    (lambda: Reshape((2, -1, -1)), "at most one"),
    (lambda: Reshape((4,))(np.ones((2, 3), "float32")), "cannot reshape"),
    (lambda: Permute((1, 3)), "permutation"),
    (lambda: RepeatVector(2)(np.ones((2, 3, 4), "float32")), r"ndim=2.*\(2, 3, 4\)"),
    (lambda: Cropping1D((3, 3))(np.ones((2, 5, 1), "float32")), "cropping"),
    (lambda: ZeroPadding2D(((1, 2, 3), 1)), "padding"),
    (lambda: UpSampling2D(interpolation="foo"), "interpolation"),
    (lambda: UpSampling1D(0), "size"),
])
def test_errors(make, msg):
    with pytest.raises(ValueError, match=msg):
        make()
