"""ConvLSTM1D/2D/3D against a NumPy convolutional LSTM recurrence and against Keras."""

import itertools

import numpy as np
import pytest

import kc
from kc_testing import BACKEND, assert_close, backend_gradient, keras_oracle, numeric_gradient, to_numpy

L = kc.layers.recurrent  # ConvLSTM*D; also exported by kc.layers
RTOL, ATOL = 1e-5, 1e-5
MASK = np.array([[1, 1, 0, 1], [0, 1, 0, 0]], bool)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def conv_ref(x, kernel, strides, padding, dilation):
    """N-D cross-correlation of channels_last ``x`` (B, *S, C) with ``kernel`` (*K, C, O)."""
    rank = x.ndim - 2
    ks = kernel.shape[:rank]
    pads = [(0, 0)]
    outs = []
    for n, k, s, d in zip(x.shape[1:-1], ks, strides, dilation):
        extent = (k - 1) * d + 1
        if padding == "same":
            out = -(-n // s)
            total = max((out - 1) * s + extent - n, 0)
            pads.append((total // 2, total - total // 2))
        else:
            out = (n - extent) // s + 1
            pads.append((0, 0))
        outs.append(out)
    x = np.pad(x, pads + [(0, 0)])
    y = np.zeros((x.shape[0], *outs, kernel.shape[-1]), "float64")
    for offset in itertools.product(*[range(k) for k in ks]):
        index = tuple(slice(o * d, o * d + (n - 1) * s + 1, s)
                      for o, d, s, n in zip(offset, dilation, strides, outs))
        y += x[(slice(None),) + index] @ kernel[offset]
    return y


def conv_lstm_ref(x, weights, strides=None, padding="valid", dilation=None, go_backwards=False,
                  mask=None):
    """(outputs (B, T, *S', F), h, c) of a channels_last ConvLSTM with Keras's masking rules."""
    kernel, rec, bias = weights
    rank = x.ndim - 3
    strides = strides or (1,) * rank
    dilation = dilation or (1,) * rank
    steps = list(range(x.shape[1]))[::-1] if go_backwards else list(range(x.shape[1]))
    h = c = None
    outputs, prev = [], None
    for t in steps:
        z = conv_ref(x[:, t], kernel, strides, padding, dilation) + bias
        if h is None:
            h = c = np.zeros(z.shape[:-1] + (rec.shape[-2],))
            prev = np.zeros_like(h)
        z = z + conv_ref(h, rec, (1,) * rank, "same", (1,) * rank)
        i, f, g, o = np.split(z, 4, axis=-1)
        c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h_new = _sigmoid(o) * np.tanh(c_new)
        if mask is not None:
            m = mask[:, t].reshape((-1,) + (1,) * (rank + 1))
            h_new, c_new = np.where(m, h_new, h), np.where(m, c_new, c)
            out = np.where(m, h_new, prev)
        else:
            out = h_new
        h, c, prev = h_new, c_new, out
        outputs.append(out)
    return np.stack(outputs, axis=1), h, c


def _x(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _random_weights(layer, seed=1):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 0.4, w.shape).astype("float32") for w in layer.weights]
    layer.set_weights(weights)
    return weights


# (class, kwargs, input shape (channels_last), use mask)
CASES = [
    (L.ConvLSTM1D, {"padding": "same", "strides": 2, "return_sequences": True,
                    "return_state": True, "go_backwards": True}, (2, 4, 7, 2), True),
    (L.ConvLSTM1D, {"dilation_rate": 2, "return_sequences": True}, (2, 4, 7, 2), False),
    (L.ConvLSTM2D, {"kernel_size": (3, 2), "return_state": True}, (2, 3, 5, 4, 2), True),
    (L.ConvLSTM2D, {"padding": "same", "data_format": "channels_first",
                    "return_sequences": True}, (2, 3, 4, 3, 2), False),
    (L.ConvLSTM3D, {"kernel_size": 2}, (1, 2, 3, 3, 2, 2), False),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_conv_lstm_matches_numpy_recurrence(case):
    cls, kwargs, shape, masked = CASES[case]
    kwargs = dict(kwargs)
    kwargs.setdefault("kernel_size", 3)
    rank = len(shape) - 3
    layer = cls(3, **kwargs)
    x = _x(shape)
    first = kwargs.get("data_format") == "channels_first"
    x_in = np.moveaxis(x, -1, 2) if first else x
    layer.build(x_in.shape)
    weights = _random_weights(layer)
    mask = MASK[:, :shape[1]] if masked else None
    out = layer(x_in, mask=mask) if masked else layer(x_in)
    seq, h, c = conv_lstm_ref(
        x, weights, strides=(kwargs.get("strides", 1),) * rank, padding=kwargs.get("padding", "valid"),
        dilation=(kwargs.get("dilation_rate", 1),) * rank, go_backwards=kwargs.get("go_backwards", False),
        mask=mask)
    expected = seq if kwargs.get("return_sequences") else seq[:, -1]
    if first:
        expected, h, c = np.moveaxis(expected, -1, -rank - 1), np.moveaxis(h, -1, 1), np.moveaxis(c, -1, 1)
    if kwargs.get("return_state"):
        assert len(out) == 3
        for got, want in zip(out, (expected, h, c)):
            assert_close(got, want.astype("float32"), rtol=RTOL, atol=ATOL)
    else:
        assert_close(out, expected.astype("float32"), rtol=RTOL, atol=ATOL)
    symbolic = layer(kc.KerasTensor(x_in.shape))
    assert kc.tree.map_structure(lambda t: tuple(t.shape), symbolic) == \
        kc.tree.map_structure(lambda t: tuple(t.shape), out)


@pytest.mark.parametrize("case", [0, 2, 4])
def test_matches_keras_with_same_weights(case):
    keras = keras_oracle()
    cls, kwargs, shape, _ = CASES[case]
    kwargs = {"kernel_size": 2, **kwargs}
    if kwargs.get("data_format") == "channels_first":
        shape = shape[:2] + (shape[-1],) + shape[2:-1]
    ours, theirs = cls(3, **kwargs), getattr(keras.layers, cls.__name__)(3, **kwargs)
    x = _x(shape)
    ours.build(x.shape)
    theirs.build(x.shape)
    assert [(w.path, tuple(w.shape)) for w in ours.weights] == \
        [(w.path.replace(theirs.name, ours.name, 1), tuple(w.shape)) for w in theirs.weights]
    theirs.set_weights(_random_weights(ours))
    for got, want in zip(kc.tree.flatten(ours(x)), kc.tree.flatten(theirs(x))):
        assert_close(got, np.asarray(want), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("make", [
    lambda k: k.ConvLSTM1D(3, 2, name="c"),
    lambda k: k.ConvLSTM2D(4, (3, 2), strides=2, padding="same", unit_forget_bias=False,
                           return_sequences=True, dropout=0.1, seed=2, name="c"),
    lambda k: k.ConvLSTM3D(2, 3, data_format="channels_first", dilation_rate=2,
                           recurrent_activation="hard_sigmoid", go_backwards=True, name="c"),
])
def test_config_matches_keras_and_round_trips(make):
    keras = keras_oracle()
    ours, theirs = make(L), make(keras.layers)
    assert ours.get_config() == theirs.get_config()
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()


def test_serialization_round_trip_by_keras_name():
    if not hasattr(kc.layers, "ConvLSTM2D"):
        pytest.skip("kc.layers does not export ConvLSTM2D yet")
    layer = L.ConvLSTM2D(3, 2, return_sequences=True, name="c")
    restored = kc.serialization.deserialize_keras_object(kc.serialization.serialize_keras_object(layer))
    assert type(restored) is L.ConvLSTM2D and restored.get_config() == layer.get_config()


def test_unit_forget_bias_and_weight_shapes():
    layer = L.ConvLSTM2D(2, (3, 1), data_format="channels_first")
    layer.build((None, 4, 5, 6, 7))
    assert [tuple(w.shape) for w in layer.weights] == [(3, 1, 5, 8), (3, 1, 2, 8), (8,)]
    np.testing.assert_array_equal(to_numpy(layer.cell.bias), [0, 0, 1, 1, 0, 0, 0, 0])


def test_dropout_in_training_only_and_stateful():
    layer = L.ConvLSTM1D(3, 2, dropout=0.5, recurrent_dropout=0.5, seed=0)
    x = _x((2, 3, 5, 2))
    inference = to_numpy(layer(x))
    assert not np.allclose(to_numpy(layer(x, training=True)), inference)
    assert_close(layer(x), inference, atol=0)

    stateful = L.ConvLSTM1D(3, 2, stateful=True)
    stateful.build(x.shape)
    weights = _random_weights(stateful)
    stateful(x)
    second = stateful(x)
    _, h, c = conv_lstm_ref(x, weights)
    seq2, _, _ = conv_lstm_ref(np.concatenate([x, x], axis=1), weights)
    assert_close(second, seq2[:, -1].astype("float32"), rtol=RTOL, atol=ATOL)
    stateful.reset_states()
    assert_close(stateful.states[0], np.zeros((2, 4, 3)), atol=0)


def test_bad_input_raises_naming_layer_and_shapes():
    layer = L.ConvLSTM2D(3, 2, name="my_conv_lstm")
    with pytest.raises(ValueError, match="my_conv_lstm.*ndim=5"):
        layer(np.ones((2, 3, 4, 2), "float32"))
    layer(_x((2, 3, 4, 4, 2)))
    with pytest.raises(ValueError, match=r"my_conv_lstm.*\(2, 3, 4, 4, 5\)"):
        layer(np.ones((2, 3, 4, 4, 5), "float32"))
    with pytest.raises(ValueError, match="padding"):
        L.ConvLSTM1D(3, 2, padding="causal")


@pytest.mark.grad
def test_gradient_matches_finite_differences():
    layer = L.ConvLSTM1D(2, 2, padding="same", return_sequences=True)
    x = _x((1, 3, 4, 2))
    layer.build(x.shape)
    weights = _random_weights(layer)
    w = np.random.default_rng(5).normal(size=(1, 3, 4, 2))
    got = backend_gradient(lambda v: layer(v), x, w.astype("float32"))
    ref = lambda v: conv_lstm_ref(v, [a.astype("float64") for a in weights], padding="same")[0]
    expected = numeric_gradient(ref, x.astype("float64"), w, eps=1e-5)
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-4)
