"""TimeDistributed and Bidirectional against NumPy references."""

import numpy as np
import pytest

import kc
from kc_testing import assert_close, keras_oracle, to_numpy
from test_recurrent_layers import MASK, _random_weights, _x, gru_ref, lstm_ref, run_ref

L = kc.layers
B, T, F, U = 2, 4, 3, 5
RTOL, ATOL = 1e-5, 1e-5


def test_time_distributed_dense_values_shapes_config():
    layer = L.TimeDistributed(L.Dense(2, name="dense"), name="td")
    x = _x()
    out = layer(x)
    kernel, bias = layer.get_weights()
    assert_close(out, np.einsum("btf,fu->btu", x, kernel) + bias, rtol=RTOL, atol=ATOL)
    assert [w.path for w in layer.weights] == ["td/dense/kernel", "td/dense/bias"]
    symbolic = layer(kc.KerasTensor((None, T, F)))
    assert tuple(symbolic.shape) == (None, T, 2)
    clone = kc.serialization.deserialize_keras_object(kc.serialization.serialize_keras_object(layer))
    assert [w.path for w in clone.weights] == ["td/dense/kernel", "td/dense/bias"]
    clone.set_weights(layer.get_weights())
    assert_close(clone(x), out, atol=0)
    with pytest.raises(ValueError, match="td.*rank >= 3"):
        layer(np.ones((B, F), "float32"))


def test_time_distributed_config_matches_keras():
    keras = keras_oracle()
    ours = L.TimeDistributed(L.Dense(2, name="d"), name="td").get_config()
    theirs = keras.layers.TimeDistributed(keras.layers.Dense(2, name="d"), name="td").get_config()
    assert ours == theirs


def test_time_distributed_rnn_inside_rank4():
    # (batch, outer, time, features): an LSTM per outer step.
    x = _x(4, (B, 3, T, F))
    layer = L.TimeDistributed(L.LSTM(U))
    out = layer(x)
    weights = layer.get_weights()
    for s in range(3):
        last = run_ref(lstm_ref, x[:, s], weights, [np.zeros((B, U), "float32")] * 2)[0]
        assert_close(out[:, s], last, rtol=RTOL, atol=ATOL)


def _bidi_reference(x, fw, bw, mask=None, ref=lstm_ref, n_states=2):
    init = [np.zeros((B, U), "float32")] * n_states
    f_last, f_seq, f_states = run_ref(ref, x, fw, init, mask=mask, zero_output=True)
    b_last, b_seq, b_states = run_ref(ref, x, bw, init, mask=mask, go_backwards=True, zero_output=True)
    return f_seq, b_seq[:, ::-1], f_states, b_states, f_last, b_last


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_sequences_merge_modes(merge_mode):
    x = _x()
    layer = L.Bidirectional(L.LSTM(U, return_sequences=True), merge_mode=merge_mode)
    layer.build(x.shape)
    w = _random_weights(layer)
    f, b, *_ = _bidi_reference(x, w[:3], w[3:], mask=MASK)
    expected = {"concat": lambda: np.concatenate([f, b], -1), "sum": lambda: f + b,
                "mul": lambda: f * b, "ave": lambda: (f + b) / 2, None: lambda: [f, b]}[merge_mode]()
    out = layer(x, mask=MASK)
    if merge_mode is None:
        assert_close(out[0], expected[0], rtol=RTOL, atol=ATOL)
        assert_close(out[1], expected[1], rtol=RTOL, atol=ATOL)
    else:
        assert_close(out, expected, rtol=RTOL, atol=ATOL)
    symbolic = layer(kc.KerasTensor((B, T, F)))
    shapes = [tuple(t.shape) for t in (symbolic if merge_mode is None else [symbolic])]
    eager = [tuple(t.shape) for t in (out if merge_mode is None else [out])]
    assert shapes == eager


def test_bidirectional_return_state_and_initial_state():
    x = _x()
    layer = L.Bidirectional(L.GRU(U, return_state=True))
    layer.build(x.shape)
    w = _random_weights(layer)
    h_f, h_b = _x(7, (B, U)), _x(8, (B, U))
    out, state_f, state_b = layer(x, initial_state=[h_f, h_b])
    f_last, _, f_states = run_ref(gru_ref, x, w[:3], [h_f])
    b_last, _, b_states = run_ref(gru_ref, x, w[3:], [h_b], go_backwards=True)
    assert_close(out, np.concatenate([f_last, b_last], -1), rtol=RTOL, atol=ATOL)
    assert_close(state_f, f_states[0], rtol=RTOL, atol=ATOL)
    assert_close(state_b, b_states[0], rtol=RTOL, atol=ATOL)
    symbolic = layer(kc.KerasTensor((B, T, F)))
    assert [tuple(t.shape) for t in symbolic] == [(B, 2 * U), (B, U), (B, U)]


def test_bidirectional_weights_and_config_match_keras():
    keras = keras_oracle()
    x = _x()
    ours = L.Bidirectional(L.LSTM(U, return_sequences=True, name="l"), name="bi")
    theirs = keras.layers.Bidirectional(keras.layers.LSTM(U, return_sequences=True, name="l"),
                                        name="bi")
    ours.build(x.shape)
    theirs.build(x.shape)
    assert [(w.path, tuple(w.shape)) for w in ours.weights] == \
        [(w.path, tuple(w.shape)) for w in theirs.weights]
    w = _random_weights(ours)
    theirs.set_weights(w)
    assert_close(ours(x, mask=MASK), np.asarray(theirs(x, mask=MASK)), rtol=RTOL, atol=ATOL)
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    for key in ("layer", "backward_layer"):  # build configs differ only in the batch size
        ours_config[key].pop("build_config")
        theirs_config[key].pop("build_config")
    assert ours_config == theirs_config
    clone = kc.serialization.deserialize_keras_object(kc.serialization.serialize_keras_object(ours))
    assert [w.path for w in clone.weights] == [w.path for w in ours.weights]
    clone.set_weights(ours.get_weights())
    assert_close(clone(x), ours(x), atol=0)


def test_bidirectional_bad_arguments():
    with pytest.raises(ValueError, match="merge_mode.*'max'"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="recurrent layer"):
        L.Bidirectional(L.Dense(2))
    with pytest.raises(ValueError, match="return_sequences"):
        L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2, go_backwards=True, return_sequences=True))
    with pytest.raises(ValueError, match="go_backwards"):
        L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2))
