"""Recurrent layers (SimpleRNN, LSTM, GRU, RNN with custom/stacked cells) against NumPy loops."""

import numpy as np
import pytest

import kc
from kc_testing import BACKEND, assert_close, backend_gradient, keras_oracle, numeric_gradient, to_numpy

L = kc.layers
B, T, F, U = 2, 4, 3, 5
RTOL, ATOL = 1e-5, 1e-5
MASK = np.array([[1, 1, 0, 1], [0, 1, 0, 0]], bool)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# --- NumPy reference cells: (x, states, weights) -> (output, new_states) ------------------

def simple_ref(x, states, w):
    kernel, rec, bias = w
    h = np.tanh(x @ kernel + states[0] @ rec + bias)
    return h, [h]


def lstm_ref(x, states, w):
    kernel, rec, bias = w
    h, c = states
    z = x @ kernel + h @ rec + bias
    i, f, g, o = np.split(z, 4, axis=-1)
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    h = _sigmoid(o) * np.tanh(c)
    return h, [h, c]


def gru_ref(x, states, w, reset_after=True):
    kernel, rec, bias = w
    h = states[0]
    u = rec.shape[0]
    if reset_after:
        xz, xr, xh = np.split(x @ kernel + bias[0], 3, axis=-1)
        rz, rr, rh = np.split(h @ rec + bias[1], 3, axis=-1)
        z, r = _sigmoid(xz + rz), _sigmoid(xr + rr)
        cand = np.tanh(xh + r * rh)
    else:
        xz, xr, xh = np.split(x @ kernel + bias, 3, axis=-1)
        z = _sigmoid(xz + h @ rec[:, :u])
        r = _sigmoid(xr + h @ rec[:, u:2 * u])
        cand = np.tanh(xh + (r * h) @ rec[:, 2 * u:])
    h = z * h + (1 - z) * cand
    return h, [h]


def gru_before_ref(x, states, w):
    return gru_ref(x, states, w, reset_after=False)


def run_ref(cell, x, weights, states, mask=None, go_backwards=False, zero_output=False):
    """NumPy RNN loop with Keras's masking rules; returns (last, outputs (B,T,U), states)."""
    steps = list(range(x.shape[1]))
    if go_backwards:
        steps.reverse()
    prev = None
    outputs = []
    for t in steps:
        out, new = cell(x[:, t], states, weights)
        if mask is not None:
            m = mask[:, t][:, None]
            new = [np.where(m, n, s) for n, s in zip(new, states)]
            prev = np.zeros_like(out) if prev is None else prev
            out = np.where(m, out, 0.0 if zero_output else prev)
        prev, states = out, new
        outputs.append(out)
    outputs = np.stack(outputs, axis=1)
    return outputs[:, -1], outputs, states


def _random_weights(layer, seed=0):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.weights]
    layer.set_weights(weights)
    return weights


def _x(seed=1, shape=(B, T, F)):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


LAYERS = {
    "simple_rnn": (lambda **kw: L.SimpleRNN(U, **kw), simple_ref, 1),
    "lstm": (lambda **kw: L.LSTM(U, **kw), lstm_ref, 2),
    "gru": (lambda **kw: L.GRU(U, **kw), gru_ref, 1),
    "gru_reset_before": (lambda **kw: L.GRU(U, reset_after=False, **kw), gru_before_ref, 1),
}

# (options, use mask)
CASES = [
    ({"return_sequences": True, "return_state": True}, False),
    ({"return_sequences": True, "go_backwards": True}, True),
    ({"return_state": True}, True),
    ({"return_sequences": True, "zero_output_for_mask": True}, True),
    ({"return_sequences": True, "unroll": True}, True),
]


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("case", range(len(CASES)))
def test_layer_matches_numpy_loop(kind, case):
    make, ref, n_states = LAYERS[kind]
    options, masked = CASES[case]
    layer = make(**options)
    x = _x()
    layer.build(x.shape)
    weights = _random_weights(layer)
    mask = MASK if masked else None
    out = layer(x, mask=mask) if masked else layer(x)
    init = [np.zeros((B, U), "float32")] * n_states
    last, seq, states = run_ref(ref, x, weights, init, mask=mask,
                                go_backwards=options.get("go_backwards", False),
                                zero_output=options.get("zero_output_for_mask", False))
    expected = seq if options.get("return_sequences") else last
    if options.get("return_state"):
        assert len(out) == 1 + n_states
        assert_close(out[0], expected, rtol=RTOL, atol=ATOL)
        for got, want in zip(out[1:], states):
            assert_close(got, want, rtol=RTOL, atol=ATOL)
    else:
        assert_close(out, expected, rtol=RTOL, atol=ATOL)


def test_initial_state_is_used():
    layer = L.LSTM(U, return_state=True)
    x = _x()
    layer.build(x.shape)
    weights = _random_weights(layer)
    h0, c0 = _x(2, (B, U)), _x(3, (B, U))
    out, h, c = layer(x, initial_state=[h0, c0])
    last, _, (h_ref, c_ref) = run_ref(lstm_ref, x, weights, [h0, c0])
    assert_close(out, last, rtol=RTOL, atol=ATOL)
    assert_close(c, c_ref, rtol=RTOL, atol=ATOL)
    with pytest.raises(ValueError, match="initial_state must hold 2"):
        layer(x, initial_state=[h0])


def test_stateful_carries_and_resets():
    layer = L.SimpleRNN(U, stateful=True)
    x = _x()
    layer.build(x.shape)
    weights = _random_weights(layer)
    first = layer(x)
    second = layer(x)
    _, _, states = run_ref(simple_ref, x, weights, [np.zeros((B, U), "float32")])
    last, _, _ = run_ref(simple_ref, x, weights, states)
    assert_close(second, last, rtol=RTOL, atol=ATOL)
    assert_close(layer.states[0], last, rtol=RTOL, atol=ATOL)
    assert len(layer.weights) == 3  # state variables are not weights (as Keras)
    layer.reset_states()
    assert_close(layer.states[0], np.zeros((B, U)), atol=0)
    assert_close(layer(x), first, rtol=RTOL, atol=ATOL)


class MinimalCell(L.Layer):
    """The custom-cell example of the Keras guide: h = x @ W + h_prev @ U."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

    def call(self, inputs, states):
        h = kc.ops.matmul(inputs, self.kernel) + kc.ops.matmul(states[0], self.recurrent_kernel)
        return h, [h]


def test_custom_cell_and_stacked_cells():
    x = _x()
    layer = L.RNN(MinimalCell(U), return_sequences=True)
    layer.build(x.shape)
    k, r = _random_weights(layer)
    expected = run_ref(lambda x, s, w: ((x @ w[0] + s[0] @ w[1]),) * 2 and
                       (x @ w[0] + s[0] @ w[1], [x @ w[0] + s[0] @ w[1]]),
                       x, (k, r), [np.zeros((B, U), "float32")])[1]
    assert_close(layer(x), expected, rtol=RTOL, atol=ATOL)
    assert kc.ops.convert_to_numpy(layer(kc.ops.convert_to_tensor(x))).shape == (B, T, U)

    stacked = L.RNN([L.LSTMCell(U), L.GRUCell(4)], return_state=True)
    stacked.build(x.shape)
    w = _random_weights(stacked)
    assert [v.shape for v in stacked.weights] == [(F, 4 * U), (U, 4 * U), (4 * U,), (U, 12), (4, 12), (2, 12)]

    def two(x_t, states, weights):
        h1, s1 = lstm_ref(x_t, states[0], weights[:3])
        h2, s2 = gru_ref(h1, states[1], weights[3:])
        return h2, [s1, s2]

    init = [[np.zeros((B, U), "float32")] * 2, [np.zeros((B, 4), "float32")]]
    steps = list(range(T))
    states = init
    for t in steps:
        out, states = two(x[:, t], states, w)
    got = stacked(x)
    assert_close(got[0], out, rtol=RTOL, atol=ATOL)
    assert_close(got[1][1], states[0][1], rtol=RTOL, atol=ATOL)  # LSTM c
    assert_close(got[2][0], states[1][0], rtol=RTOL, atol=ATOL)  # GRU h


def test_dropout_same_mask_every_step_and_off_in_inference():
    # Linear cell with a zero recurrent kernel: output_t = (x_t * mask) @ kernel.
    layer = L.SimpleRNN(4, activation=None, dropout=0.5, recurrent_initializer="zeros",
                        kernel_initializer="identity", use_bias=False, return_sequences=True, seed=3)
    x = np.ones((8, T, 4), "float32")
    train = to_numpy(layer(x, training=True))
    assert set(np.unique(train)) <= {0.0, 2.0}
    assert 0 < (train == 0).sum() < train.size
    for t in range(1, T):
        np.testing.assert_array_equal(train[:, t], train[:, 0])
    assert_close(layer(x, training=False), x, atol=0)
    assert layer.cell.__dict__.get("_kc_dropout_mask") is None  # masks cleared after the call


def test_recurrent_dropout_changes_training_output():
    layer = L.GRU(U, recurrent_dropout=0.5, dropout=0.2, seed=1)
    x = _x()
    a = to_numpy(layer(x, training=True))
    b = to_numpy(layer(x))
    assert not np.allclose(a, b)
    assert_close(layer(x), b, atol=0)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_matches_keras_with_same_weights(kind):
    keras = keras_oracle()
    x = _x()
    ours = {"lstm": L.LSTM, "gru": L.GRU}[kind](U, return_sequences=True, go_backwards=True)
    theirs = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[kind](
        U, return_sequences=True, go_backwards=True)
    ours.build(x.shape)
    theirs.build(x.shape)
    assert [(w.path, tuple(w.shape)) for w in ours.weights] == \
        [(w.path.replace(theirs.name, ours.name, 1), tuple(w.shape)) for w in theirs.weights]
    weights = _random_weights(ours)
    theirs.set_weights(weights)
    assert_close(ours(x, mask=MASK), np.asarray(theirs(x, mask=MASK)), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("make", [
    lambda k: k.SimpleRNN(3, dropout=0.1, name="r"),
    lambda k: k.LSTM(3, unit_forget_bias=False, return_state=True, name="r"),
    lambda k: k.GRU(3, reset_after=False, go_backwards=True, recurrent_dropout=0.2, name="r"),
    lambda k: k.LSTMCell(3, name="r"),
    lambda k: k.GRUCell(3, name="r"),
    lambda k: k.SimpleRNNCell(3, activation="relu", name="r"),
])
def test_config_matches_keras_and_round_trips(make):
    keras = keras_oracle()
    ours, theirs = make(L), make(keras.layers)
    assert ours.get_config() == theirs.get_config()
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()


def test_rnn_config_round_trip_with_cell():
    keras = keras_oracle()
    layer = L.RNN([L.SimpleRNNCell(3, name="a"), L.LSTMCell(2, name="b")], return_sequences=True,
                  name="rnn_x")
    layer(_x())
    config = kc.serialization.serialize_keras_object(layer)
    clone = kc.serialization.deserialize_keras_object(config)
    assert [(w.path, w.shape) for w in clone.weights] == [(w.path, w.shape) for w in layer.weights]
    clone.set_weights(layer.get_weights())
    assert_close(clone(_x()), layer(_x()), atol=0)
    theirs = keras.saving.deserialize_keras_object(config)  # Keras reads kc's config
    assert theirs.get_config()["cell"]["config"]["cells"][1]["class_name"] == "LSTMCell"


def test_unit_forget_bias_initializes_forget_gate_to_one():
    layer = L.LSTM(U)
    layer.build((B, T, F))
    bias = to_numpy(layer.cell.bias)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(U), np.ones(U), np.zeros(2 * U)])


@pytest.mark.parametrize("options", [{}, {"return_sequences": True, "return_state": True}])
def test_symbolic_shape_equals_eager_shape(options):
    x = _x()
    for make in (L.SimpleRNN, L.LSTM, L.GRU):
        layer = make(U, **options)
        eager = kc.tree.map_structure(lambda t: tuple(t.shape), layer(x))
        symbolic = kc.tree.map_structure(lambda t: tuple(t.shape),
                                         layer(kc.KerasTensor((B, T, F))))
        assert symbolic == eager


def test_mask_propagates_only_with_sequences():
    from kc.backend.common.masking import get_keras_mask, set_keras_mask

    x = kc.ops.convert_to_tensor(_x())
    set_keras_mask(x, kc.ops.convert_to_tensor(MASK))  # as a Masking/Embedding layer leaves it
    seq = L.GRU(U, return_sequences=True)(x)
    last = L.GRU(U)(x)
    assert to_numpy(get_keras_mask(seq)).tolist() == MASK.tolist()
    assert get_keras_mask(last) is None


def test_bad_input_raises_naming_layer_and_shapes():
    layer = L.LSTM(U, name="my_lstm")
    with pytest.raises(ValueError, match="my_lstm.*ndim=3"):
        layer(np.ones((B, F), "float32"))
    layer(_x())
    with pytest.raises(ValueError, match=r"my_lstm.*\(2, 4, 7\)"):
        layer(np.ones((B, T, 7), "float32"))
    with pytest.raises(ValueError, match="units must be a positive int"):
        L.GRU(0)
    with pytest.raises(ValueError, match="dropout"):
        L.LSTMCell(3, dropout=2.0)
    with pytest.raises(ValueError, match="state_size"):
        L.RNN(L.Dense(3))


def test_jit_stateless_call():
    if BACKEND != "jax":
        pytest.skip("jax.jit")
    import jax

    layer = L.LSTM(U, return_sequences=True, dropout=0.3, seed=0)
    x = _x()
    layer.build(x.shape)
    weights = _random_weights(layer)
    tv = [v.value for v in layer.trainable_variables]
    ntv = [v.value for v in layer.non_trainable_variables]
    out, _ = jax.jit(lambda tv, ntv, x: layer.stateless_call(tv, ntv, x))(tv, ntv, x)
    assert_close(out, run_ref(lstm_ref, x, weights, [np.zeros((B, U), "float32")] * 2)[1],
                 rtol=RTOL, atol=ATOL)
    out_t, new_ntv = jax.jit(lambda tv, ntv, x: layer.stateless_call(tv, ntv, x, training=True))(tv, ntv, x)
    assert out_t.shape == (B, T, U)
    assert not np.array_equal(np.asarray(new_ntv[0]), np.asarray(ntv[0]))  # seed advanced


@pytest.mark.grad
def test_lstm_gradient_matches_finite_differences():
    layer = L.LSTM(U, return_sequences=True)
    x = _x().astype("float32")
    layer.build(x.shape)
    weights = _random_weights(layer)
    w = np.random.default_rng(5).normal(size=(B, T, U))
    got = backend_gradient(lambda v: layer(v), x, w.astype("float32"))
    ref = lambda v: run_ref(lstm_ref, v, [a.astype("float64") for a in weights],
                            [np.zeros((B, U))] * 2)[1]
    expected = numeric_gradient(ref, x.astype("float64"), w, eps=1e-5)
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-4)


# --- torch: the fused PyTorch kernels give the generic loop's numbers --------------------

RIGHT_PADDED = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
FUSED_CASES = [
    ("lstm", {}, None),
    ("lstm", {"go_backwards": True, "dropout": 0.3, "seed": 1}, None),
    ("lstm", {}, RIGHT_PADDED),
    ("lstm", {"zero_output_for_mask": True, "use_bias": False}, RIGHT_PADDED),
    ("gru", {}, RIGHT_PADDED),
    ("gru", {"go_backwards": True, "use_bias": False}, None),
]


@pytest.mark.parametrize("case", range(len(FUSED_CASES)))
def test_torch_fused_kernel_matches_generic_loop(case):
    if BACKEND != "torch":
        pytest.skip("the fused kernels are torch's")
    import torch

    from kc.layers.recurrent._fused_torch import fused_rnn

    kind, options, mask = FUSED_CASES[case]
    make = {"lstm": L.LSTM, "gru": L.GRU}[kind]
    fused = make(U, return_sequences=True, return_state=True, **options)
    generic = make(U, return_sequences=True, return_state=True, use_cudnn=False, **options)
    x = _x()
    for layer in (fused, generic):
        layer.build(x.shape)
    generic.set_weights(_random_weights(fused))
    states = fused.get_initial_state(B)
    assert fused_rnn(fused, torch.as_tensor(x), states, mask, training=True) is not None
    assert fused_rnn(generic, torch.as_tensor(x), states, mask, training=True) is None
    results = []
    for layer in (fused, generic):
        xt = torch.as_tensor(x).requires_grad_(True)
        out = layer(xt, mask=None if mask is None else torch.as_tensor(mask), training=True)
        sum(o.sum() * (i + 1) for i, o in enumerate(out)).backward()
        results.append([o.detach() for o in out] + [xt.grad] + [v.value.grad for v in layer.weights])
        for v in layer.weights:
            v.value.grad = None
    for got, want in zip(*results):
        assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_torch_fused_kernel_declines_what_it_cannot_do():
    if BACKEND != "torch":
        pytest.skip("the fused kernels are torch's")
    import torch

    from kc.layers.recurrent._fused_torch import fused_rnn

    x = torch.as_tensor(_x())
    for layer, mask, training in [
        (L.LSTM(U, activation="relu"), None, False),
        (L.LSTM(U, recurrent_dropout=0.5), None, True),
        (L.LSTM(U, unroll=True), None, False),
        (L.GRU(U, reset_after=False), None, False),
        (L.LSTM(U), MASK, False),  # not right-padded
        (L.LSTM(U, go_backwards=True), RIGHT_PADDED, False),
        (L.LSTM(U), np.array([[1, 0, 0, 0], [0, 0, 0, 0]], bool), False),  # an empty row
    ]:
        layer.build(x.shape)
        assert fused_rnn(layer, x, layer.get_initial_state(B), mask, training) is None
    layer = L.LSTM(U, recurrent_dropout=0.5)
    layer.build(x.shape)
    assert fused_rnn(layer, x, layer.get_initial_state(B), None, False) is not None
