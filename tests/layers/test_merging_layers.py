"""Merging layers against NumPy and Keras 3: values, broadcasting, masks, functional forms."""

from __future__ import annotations

import numpy as np
import pytest
from kc_testing import assert_close, keras_oracle, to_numpy

from kc.backend.common.masking import get_keras_mask
from kc.layers import Input
from kc.layers.merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract,
                               add, average, concatenate, dot, maximum, minimum, multiply, subtract)

RNG = np.random.default_rng(4)
TOL = {"rtol": 1e-5, "atol": 1e-6}


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def ref_dot(a, b, axes, normalize=False):
    if normalize:
        a = a / np.linalg.norm(a, axis=axes[0], keepdims=True)
        b = b / np.linalg.norm(b, axis=axes[1], keepdims=True)
    out = np.stack([np.tensordot(a[i], b[i], axes=(axes[0] - 1, axes[1] - 1)) for i in range(len(a))])
    return out.reshape(len(a), -1) if out.ndim == 1 else out


ELEMENTWISE = [  # (class, function, NumPy reduction over the inputs)
    (Add, add, lambda xs: sum(xs)),
    (Subtract, subtract, lambda xs: xs[0] - xs[1]),
    (Multiply, multiply, lambda xs: np.prod(np.broadcast_arrays(*xs), axis=0)),
    (Average, average, lambda xs: np.mean(np.broadcast_arrays(*xs), axis=0)),
    (Maximum, maximum, lambda xs: np.max(np.broadcast_arrays(*xs), axis=0)),
    (Minimum, minimum, lambda xs: np.min(np.broadcast_arrays(*xs), axis=0)),
]


@pytest.mark.parametrize("cls,fn,ref", ELEMENTWISE, ids=[c[0].__name__ for c in ELEMENTWISE])
def test_elementwise(cls, fn, ref):
    keras = keras_oracle()
    n = 2 if cls is Subtract else 3
    xs = [rand(2, 3, 4) for _ in range(n)]
    assert_close(cls()(xs), ref(xs), **TOL)
    # a lower-rank input gets axes inserted after the batch axis, as in Keras 3
    low = [xs[0], rand(2, 4)]
    expected = ref([low[0], low[1][:, None, :]])
    assert_close(cls()(low), expected, **TOL)
    assert_close(cls()(low), np.asarray(getattr(keras.layers, cls.__name__)()(low)), **TOL)
    inputs = [Input((3, 4)), Input((1, 4))][:2]
    assert fn(inputs).shape == (None, 3, 4)
    assert cls().compute_output_shape([(None, 3, 4), (None, 4)]) == (None, 3, 4)
    layer = cls(name="m")
    assert cls.from_config(layer.get_config()).get_config() == layer.get_config()
    assert layer.get_config().keys() == getattr(keras.layers, cls.__name__)(name="m").get_config().keys()


def test_merge_masks_or_together():
    a, b = Input((3,)), Input((3,))
    m1 = np.array([[1, 1, 0], [1, 0, 0]], bool)
    m2 = np.array([[0, 0, 0], [1, 0, 1]], bool)
    layer = Add()
    assert_close(layer.compute_mask([a, b], [m1, m2]), m1 | m2)
    assert layer.compute_mask([a, b], [None, m2]) is None
    assert layer.compute_mask([a, b], None) is None
    with pytest.raises(ValueError, match="list"):
        layer.compute_mask([a, b], m1)


def test_concatenate_values_shapes_and_masks():
    keras = keras_oracle()
    a, b = rand(2, 3, 4), rand(2, 2, 4)
    assert_close(Concatenate(axis=1)([a, b]), np.concatenate([a, b], axis=1))
    assert concatenate([Input((3, 4)), Input((2, 4))], axis=1).shape == (None, 5, 4)
    assert Concatenate().compute_output_shape([(None, 3), (None, None)]) == (None, None)
    m1 = np.array([[1, 1, 0], [1, 0, 0]], bool)
    for axis, xs, masks in [(1, [a, rand(2, 3, 4)], [m1, None]), (-1, [a, rand(2, 3, 4)], [m1, None]),
                            (1, [a[..., 0], a[..., 1]], [m1, m1[::-1].copy()])]:
        got = Concatenate(axis=axis).compute_mask(xs, masks)
        expected = keras.layers.Concatenate(axis=axis).compute_mask(xs, masks)
        assert_close(got, np.asarray(expected))
    with pytest.raises(ValueError, match="matching shapes"):
        Concatenate()([rand(2, 3), rand(3, 4)])
    config = Concatenate(axis=1).get_config()
    assert config["axis"] == 1 and Concatenate.from_config(config).axis == 1


@pytest.mark.parametrize("axes,shapes,normalize", [
    (1, ((2, 3), (2, 3)), False),
    (-1, ((2, 3, 4), (2, 5, 4)), False),
    ((1, 2), ((2, 3, 4), (2, 5, 3)), True),
    ((2, 1), ((2, 3, 4), (2, 4)), False),
])
def test_dot(axes, shapes, normalize):
    keras = keras_oracle()
    a, b = rand(*shapes[0]), rand(*shapes[1])
    pair = (axes, axes) if isinstance(axes, int) else axes
    pair = (pair[0] % a.ndim, pair[1] % b.ndim)
    layer = Dot(axes, normalize=normalize)
    y = layer([a, b])
    assert_close(y, ref_dot(a.astype("float64"), b.astype("float64"), pair, normalize), rtol=1e-4, atol=1e-5)
    assert_close(y, np.asarray(keras.layers.Dot(axes, normalize=normalize)([a, b])), rtol=1e-4, atol=1e-5)
    sym = dot([Input(shapes[0][1:]), Input(shapes[1][1:])], axes=axes, normalize=normalize)
    assert sym.shape == (None,) + tuple(y.shape[1:])
    assert layer.get_config()["axes"] == axes
    assert layer.compute_mask([a, b], [None, None]) is None


@pytest.mark.parametrize("make,msg", [
    (lambda: Add()(rand(2, 3)), "list"),
    (lambda: Subtract()([rand(2, 3)] * 3), "exactly 2"),
    (lambda: Add()([rand(2, 3), rand(2, 4)]), "incompatible"),
    (lambda: Dot(1)([rand(2, 3), rand(2, 4)]), "equal sizes"),
])
def test_errors(make, msg):
    with pytest.raises(ValueError, match=msg):
        make()


def test_masks_flow_through_a_call():
    from kc.backend.common.masking import set_keras_mask

    import kc

    a, b = kc.ops.convert_to_tensor(rand(2, 3, 2)), kc.ops.convert_to_tensor(rand(2, 3, 2))
    m1 = kc.ops.convert_to_tensor(np.array([[1, 1, 0], [1, 0, 0]], bool))
    m2 = kc.ops.convert_to_tensor(np.array([[0, 0, 1], [1, 0, 0]], bool))
    try:
        set_keras_mask(a, m1)
        set_keras_mask(b, m2)
    except (AttributeError, TypeError):
        pytest.skip("this backend's tensors cannot carry a mask attribute")
    out = Add()([a, b])
    assert_close(to_numpy(get_keras_mask(out)), np.array([[1, 1, 1], [1, 0, 0]], bool))
