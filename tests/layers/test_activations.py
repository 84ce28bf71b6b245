"""kc.activations on the active backend: values against closed forms, dtypes, symbolic shapes, lookup."""

from __future__ import annotations

import math

import numpy as np
import pytest

import kc
from kc_testing import assert_close, dtype_name, keras_oracle

A = kc.activations

# The 35 names of keras.activations (Keras 3.15).
KERAS_NAMES = [
    "celu", "deserialize", "elu", "exponential", "gelu", "get", "glu", "hard_shrink",
    "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid",
    "log_softmax", "mish", "relu", "relu6", "selu", "serialize", "sigmoid", "silu", "soft_shrink",
    "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus",
    "swish", "tanh", "tanh_shrink", "threshold",
]
FUNCTION_NAMES = [n for n in KERAS_NAMES if n not in ("get", "serialize", "deserialize")]

# One input for every value check: negatives, zero, the usual break points (+-1, +-0.5).
X = np.array([[-3.0, -1.0, -0.5, 0.0], [0.25, 1.0, 2.5, 6.5]], "float32")


# ---------------------------------------------------------------- NumPy closed forms


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(x))


def _hard_sigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sparsemax(z, axis=-1):
    z = np.moveaxis(z, axis, -1)
    zs = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    cs = np.cumsum(zs, axis=-1)
    kz = (1 + k * zs > cs).sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cs, kz - 1, axis=-1) - 1) / kz
    return np.moveaxis(np.maximum(z - tau, 0), -1, axis)


def _glu(x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    return a * _sigmoid(b)


_erf = np.vectorize(math.erf)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805

# (function name, extra positional args, keyword args, NumPy closed form of x)
CASES = [
    ("celu", (), {}, lambda x: np.maximum(x, 0) + np.expm1(np.minimum(x, 0))),
    ("celu", (), {"alpha": 0.5}, lambda x: np.maximum(x, 0) + 0.5 * np.expm1(np.minimum(x, 0) / 0.5)),
    ("elu", (), {}, lambda x: np.where(x > 0, x, np.expm1(x))),
    ("elu", (), {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    ("exponential", (), {}, np.exp),
    ("gelu", (), {}, lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2)))),
    ("gelu", (), {"approximate": True},
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    ("glu", (), {}, _glu),
    ("glu", (), {"axis": 0}, lambda x: _glu(x, axis=0)),
    ("hard_shrink", (), {}, lambda x: np.where(np.abs(x) > 0.5, x, 0)),
    ("hard_shrink", (), {"threshold": 1.5}, lambda x: np.where(np.abs(x) > 1.5, x, 0)),
    ("hard_sigmoid", (), {}, _hard_sigmoid),
    ("hard_silu", (), {}, lambda x: x * _hard_sigmoid(x)),
    ("hard_swish", (), {}, lambda x: x * _hard_sigmoid(x)),
    ("hard_tanh", (), {}, lambda x: np.clip(x, -1, 1)),
    ("leaky_relu", (), {}, lambda x: np.where(x > 0, x, 0.2 * x)),
    ("leaky_relu", (), {"negative_slope": 0.5}, lambda x: np.where(x > 0, x, 0.5 * x)),
    ("linear", (), {}, lambda x: x),
    ("log_sigmoid", (), {}, lambda x: -_softplus(-x)),
    ("log_softmax", (), {}, lambda x: np.log(_softmax(x))),
    ("log_softmax", (), {"axis": 0}, lambda x: np.log(_softmax(x, axis=0))),
    ("mish", (), {}, lambda x: x * np.tanh(_softplus(x))),
    ("relu", (), {}, lambda x: np.maximum(x, 0)),
    ("relu6", (), {}, lambda x: np.clip(x, 0, 6)),
    ("selu", (), {}, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    ("sigmoid", (), {}, _sigmoid),
    ("silu", (), {}, lambda x: x * _sigmoid(x)),
    ("swish", (), {}, lambda x: x * _sigmoid(x)),
    ("soft_shrink", (), {}, lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0)),
    ("soft_shrink", (), {"threshold": 1.5}, lambda x: np.sign(x) * np.maximum(np.abs(x) - 1.5, 0)),
    ("softmax", (), {}, _softmax),
    ("softmax", (), {"axis": 0}, lambda x: _softmax(x, axis=0)),
    ("softplus", (), {}, _softplus),
    ("softsign", (), {}, lambda x: x / (1 + np.abs(x))),
    ("sparse_plus", (), {}, lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
    ("sparse_sigmoid", (), {}, lambda x: np.clip((x + 1) / 2, 0, 1)),
    ("sparsemax", (), {}, _sparsemax),
    ("sparsemax", (), {"axis": 0}, lambda x: _sparsemax(x, axis=0)),
    ("squareplus", (), {}, lambda x: (x + np.sqrt(x**2 + 4)) / 2),
    ("squareplus", (), {"b": 1}, lambda x: (x + np.sqrt(x**2 + 1)) / 2),
    ("tanh", (), {}, np.tanh),
    ("tanh_shrink", (), {}, lambda x: x - np.tanh(x)),
    ("threshold", (1.0, -7.0), {}, lambda x: np.where(x > 1.0, x, -7.0)),
]


def _case_id(case):
    name, args, kwargs, _ = case
    extra = [repr(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()]
    return name + (f"[{','.join(extra)}]" if extra else "")


def test_every_keras_name_is_exported():
    assert [n for n in KERAS_NAMES if not hasattr(A, n)] == []
    assert A.swish is A.silu and A.hard_swish is A.hard_silu


def test_every_function_has_a_value_case():
    assert {case[0] for case in CASES} == set(FUNCTION_NAMES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_values_match_closed_form(case):
    name, args, kwargs, expected = case
    got = getattr(A, name)(X, *args, **kwargs)
    assert_close(got, expected(X.astype("float64")), dtype="float32")


# Keras's relu combines its three options in one piecewise rule: above the threshold
# x (clipped to [0, max_value] when max_value is set), at or below it
# negative_slope * (x - threshold). The rows below were checked against Keras 3.15.
RELU_X = np.array([-3.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0, 6.5], "float32")
RELU_OPTIONS = [
    {"negative_slope": 0.1},
    {"max_value": 2.0},
    {"threshold": 1.0},
    {"threshold": -1.0},
    {"negative_slope": 0.1, "threshold": 1.0},
    {"negative_slope": 0.1, "threshold": -1.0},
    {"negative_slope": 0.1, "max_value": 2.0},
    {"max_value": 2.0, "threshold": -1.0},
    {"negative_slope": 0.1, "max_value": 2.0, "threshold": 1.0},
]


def _relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    above = x if max_value is None else np.clip(x, 0, max_value)
    return np.where(x > threshold, above, negative_slope * (x - threshold))


@pytest.mark.parametrize("options", RELU_OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_relu_options(options):
    assert_close(A.relu(RELU_X, **options), _relu(RELU_X.astype("float64"), **options), dtype="float32")


@pytest.mark.slow  # imports Keras (tens of seconds)
def test_relu_options_match_keras():
    keras = keras_oracle()
    for options in RELU_OPTIONS:
        want = np.asarray(keras.activations.relu(RELU_X, **options))
        assert_close(A.relu(RELU_X, **options), want, dtype="float32")


def test_relu_keeps_integer_dtype():
    x = np.array([-2, 0, 3, 9], "int32")
    assert_close(A.relu(x), np.array([0, 0, 3, 9], "int32"), dtype="int32")
    assert_close(A.relu(x, max_value=4), np.array([0, 0, 3, 4], "int32"), dtype="int32")
    assert_close(A.relu(x, threshold=3), np.array([0, 0, 0, 9], "int32"), dtype="int32")


def test_softmax_of_a_vector_and_of_several_axes():
    v = X[1]
    assert_close(A.softmax(v), _softmax(v.astype("float64")), dtype="float32")
    joint = np.exp(X - X.max()) / np.exp(X - X.max()).sum()
    assert_close(A.softmax(X, axis=(0, 1)), joint, dtype="float32")


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_float16_stays_float16(name):
    args = (1.0, -7.0) if name == "threshold" else ()
    got = getattr(A, name)(X.astype("float16"), *args)
    assert dtype_name(got) == "float16"


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_symbolic_input_gives_output_spec(name):
    args = (1.0, -7.0) if name == "threshold" else ()
    x = kc.KerasTensor((None, 4), "float32")
    got = getattr(A, name)(x, *args)
    assert tuple(got.shape) == ((None, 2) if name == "glu" else (None, 4))
    assert got.dtype == "float32"


def test_relu_options_on_symbolic_input():
    got = A.relu(kc.KerasTensor((None, 3), "float32"), negative_slope=0.1, max_value=6.0, threshold=1.0)
    assert isinstance(got, kc.KerasTensor) and tuple(got.shape) == (None, 3) and got.dtype == "float32"


# ---------------------------------------------------------------- get / serialize / deserialize


def test_get_resolves_names_none_and_callables():
    for name in FUNCTION_NAMES:
        assert A.get(name) is getattr(A, name)
    assert A.get(None) is A.linear
    assert A.get(A.relu) is A.relu
    fn = lambda x: x  # noqa: E731
    assert A.get(fn) is fn
    layer_like = kc.constraints.NonNeg()  # any callable object is returned as is
    assert A.get(layer_like) is layer_like


def test_serialize_builtins_to_their_names():
    # As Keras 3.15: a built-in serializes to its function's own name (test_serialize_matches_keras).
    for name in FUNCTION_NAMES:
        want = {"swish": "silu", "hard_swish": "hard_silu"}.get(name, name)
        assert A.serialize(getattr(A, name)) == want
        assert A.deserialize(want) is getattr(A, name)


@pytest.mark.slow  # imports Keras (tens of seconds)
def test_serialize_matches_keras():
    keras = keras_oracle()
    for name in FUNCTION_NAMES:
        assert A.serialize(getattr(A, name)) == keras.activations.serialize(getattr(keras.activations, name))


def test_builtin_function_dict_round_trips():
    config = {"module": "builtins", "class_name": "function", "config": "relu", "registered_name": "function"}
    assert kc.serialization.serialize_keras_object(A.relu) == config
    assert A.get(config) is A.relu and A.deserialize(config) is A.relu
    assert A.get({"class_name": "function", "config": "silu"}) is A.silu


def test_custom_functions_round_trip():
    def my_act(x):
        return x * 2

    config = A.serialize(my_act)
    assert config == {"module": "builtins", "class_name": "function", "config": "my_act",
                      "registered_name": "function"}
    assert A.deserialize(config, custom_objects={"my_act": my_act}) is my_act
    assert A.deserialize("my_act", custom_objects={"my_act": my_act}) is my_act
    with kc.serialization.custom_object_scope({"my_act": my_act}):
        assert A.get("my_act") is my_act

    registered = kc.serialization.register_keras_serializable(package="kc_test_activations")(my_act)
    config = A.serialize(registered)
    assert config["config"] == "kc_test_activations>my_act"
    assert A.deserialize(config) is my_act and A.get("kc_test_activations>my_act") is my_act


@pytest.mark.parametrize("call", [
    lambda: A.get("no_such_activation"),
    lambda: A.deserialize("no_such_activation"),
    lambda: A.get("Relu"),
])
def test_unknown_name_lists_valid_names(call):
    with pytest.raises(ValueError, match=r"Valid names: celu, elu, .*relu.*threshold"):
        call()


@pytest.mark.parametrize("bad, error", [(3, ValueError), ([1], ValueError)])
def test_get_rejects_non_callables(bad, error):
    with pytest.raises(error, match="could not interpret activation"):
        A.get(bad)


def test_serialize_rejects_strings_and_none():
    with pytest.raises(ValueError, match="expected an activation function"):
        A.serialize("relu")
    with pytest.raises(TypeError, match="expected an activation function"):
        A.serialize(None)
