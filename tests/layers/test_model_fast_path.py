"""The settled-model short path of `Layer.__call__` (Sequential / Functional replay plans).

Each case calls a model several times on native tensors (the first call takes the full
path, later ones the short path) and checks every result against a NumPy oracle, so a
difference between the two paths fails.
"""

from __future__ import annotations

import numpy as np
import pytest
from kc_testing import BACKEND, assert_close, to_numpy

import kc

RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 3)).astype("float32")


def _dense_np(layer, x):
    w, b = (to_numpy(v) for v in layer.weights)
    return x @ w + b


def _t(a):
    return kc.backend.convert_to_tensor(a)


def _calls(model, x, n=3, **kwargs):
    return [to_numpy(model(x, **kwargs)) for _ in range(n)]


def test_sequential_chain_repeats_full_path_result():
    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(5, activation="relu"), kc.layers.Dense(2)])
    l1, l2 = model.layers
    expected = _dense_np(l2, np.maximum(_dense_np(l1, X), 0))
    for out in _calls(model, _t(X)):
        assert_close(out, expected)
    assert model._kc_fast_run is not None  # the short path is in use


def test_functional_branches_and_dict_outputs():
    inp = kc.Input((3,))
    a, b = kc.layers.Dense(2, name="a"), kc.layers.Dense(2, name="b")
    ha, hb = a(inp), b(inp)
    model = kc.Model(inp, {"sum": kc.ops.add(ha, hb), "a": ha})
    ea, eb = _dense_np(a, X), _dense_np(b, X)
    for _ in range(3):
        out = model(_t(X))
        assert sorted(out) == ["a", "sum"]
        assert_close(out["sum"], ea + eb)
        assert_close(out["a"], ea)


@pytest.mark.parametrize("training,scale", [(True, 0.0), (False, 1.0), (None, 1.0)])
def test_training_flag_reaches_inner_layers(training, scale):
    # Dropout(rate=1) zeroes everything in training and passes x through otherwise.
    model = kc.Sequential([kc.Input((3,)), kc.layers.Dropout(0.999999)])
    kwargs = {} if training is None else {"training": training}
    for out in _calls(model, _t(X), **kwargs):
        if scale == 0.0:
            assert np.abs(out).max() < 1e-3 or np.count_nonzero(out) <= 1
        else:
            assert_close(out, X)


def test_nested_model_takes_outer_training_flag():
    inner = kc.Sequential([kc.Input((3,)), kc.layers.Dropout(0.999999)])
    outer = kc.Sequential([kc.Input((3,)), inner])
    for _ in range(3):
        assert_close(outer(_t(X), training=False), X)
        assert np.count_nonzero(to_numpy(outer(_t(X), training=True))) <= 1


def test_missing_trailing_axis_is_added_on_every_call():
    model = kc.Sequential([kc.Input((3, 1)), kc.layers.Flatten()])
    for out in _calls(model, _t(X)):
        assert out.shape == (4, 3)
        assert_close(out, X)


def test_other_dtype_input_is_converted_on_every_call():
    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(2)])
    x64 = _t(X.astype("float64"))
    for _ in range(3):
        out = model(x64)
        assert kc.dtypes.standardize_dtype(out.dtype) == "float32"
        assert_close(out, _dense_np(model.layers[0], X), rtol=1e-5, atol=1e-5)


def test_activity_losses_are_cleared_between_calls():
    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(2, activity_regularizer="l2")])
    for _ in range(3):
        out = to_numpy(model(_t(X)))
        assert len(model.losses) == 1
        assert_close(model.losses[0], 0.01 * np.sum(out ** 2) / 4, rtol=1e-4, atol=1e-6)


def test_output_mask_survives_short_path():
    model = kc.Sequential([kc.Input((4,), dtype="int32"), kc.layers.Embedding(5, 2, mask_zero=True)])
    ids = _t(np.array([[1, 2, 0, 0]], "int32"))
    for _ in range(3):
        out = model(ids)
        assert to_numpy(kc.backend.get_keras_mask(out)).tolist() == [[True, True, False, False]]


def test_add_after_calls_uses_new_layer():
    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(2)])
    _calls(model, _t(X))
    model.add(kc.layers.Dense(1))
    l1, l2 = model.layers
    for out in _calls(model, _t(X)):
        assert_close(out, _dense_np(l2, _dense_np(l1, X)), rtol=1e-5, atol=1e-5)


def test_symbolic_call_after_eager_calls_still_records():
    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(2)])
    _calls(model, _t(X))
    out = model(kc.Input((3,)))
    assert isinstance(out, kc.KerasTensor) and out.shape == (None, 2)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tf.GradientTape and eager variable reads")
def test_tf_tape_sees_variables_read_on_the_short_path():
    import tensorflow as tf

    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(2)])
    _calls(model, _t(X))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(_t(X)))
    grads = tape.gradient(loss, model.trainable_variables)
    assert_close(grads[0], np.repeat(X.sum(0)[:, None], 2, axis=1), rtol=1e-5, atol=1e-5)
    assert_close(grads[1], np.full((2,), 4.0, "float32"))


@pytest.mark.parametrize("recorded,called,dropped", [
    (None, True, True), (None, None, False), (True, None, True), (True, False, False),
    (False, True, True),
])
def test_model_training_flag_overrides_recorded_one_as_keras(recorded, called, dropped):
    # Keras 3: a functional model's training flag, when given, wins over the value a
    # layer call recorded in the graph (Dropout records its default, False).
    inp = kc.Input((3,))
    kwargs = {} if recorded is None else {"training": recorded}
    model = kc.Model(inp, kc.layers.Dropout(0.999999)(inp, **kwargs))
    call_kwargs = {} if called is None else {"training": called}
    for out in _calls(model, _t(X), **call_kwargs):
        if dropped:
            assert np.count_nonzero(out) <= 1
        else:
            assert_close(out, X)
