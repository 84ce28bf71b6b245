"""kc.constraints on the active backend: projections against closed forms, configs, lookup."""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc_testing import assert_close, keras_oracle

C = kc.constraints
EPS = 1e-7  # kc.config.epsilon(), added to the norms as Keras does

# The 12 names of keras.constraints (Keras 3.15).
KERAS_NAMES = [
    "Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get", "max_norm",
    "min_max_norm", "non_neg", "serialize", "unit_norm",
]

W = np.array([[1.0, -2.0, 3.0], [0.5, -0.5, 2.0], [-0.1, 0.2, 0.0]], "float32")
W64 = W.astype("float64")


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return np.sqrt((w**2).sum(axis=axis, keepdims=True))


def _max_norm(w, max_value, axis):
    n = _norms(w, axis)
    return w * np.clip(n, 0, max_value) / (EPS + n)


def _min_max_norm(w, lo, hi, rate, axis):
    n = _norms(w, axis)
    return w * (rate * np.clip(n, lo, hi) + (1 - rate) * n) / (EPS + n)


# (constraint, closed-form projection of W)
CASES = [
    (C.MaxNorm(), _max_norm(W64, 2, 0)),
    (C.MaxNorm(1.0, axis=1), _max_norm(W64, 1.0, 1)),
    (C.MaxNorm(2.0, axis=[0, 1]), _max_norm(W64, 2.0, [0, 1])),
    (C.MinMaxNorm(), _min_max_norm(W64, 0.0, 1.0, 1.0, 0)),
    (C.MinMaxNorm(0.5, 2.0, 0.5, axis=1), _min_max_norm(W64, 0.5, 2.0, 0.5, 1)),
    (C.MinMaxNorm(1.0, 3.0, axis=1), _min_max_norm(W64, 1.0, 3.0, 1.0, 1)),
    (C.NonNeg(), np.maximum(W64, 0)),
    (C.UnitNorm(), W64 / (EPS + _norms(W64, 0))),
    (C.UnitNorm(axis=1), W64 / (EPS + _norms(W64, 1))),
    (C.UnitNorm(axis=None), W64 / (EPS + _norms(W64, None))),
    (C.Constraint(), W64),
]


def test_every_keras_name_is_exported():
    assert [n for n in KERAS_NAMES if not hasattr(C, n)] == []
    assert C.max_norm is C.MaxNorm and C.min_max_norm is C.MinMaxNorm
    assert C.non_neg is C.NonNeg and C.unit_norm is C.UnitNorm


@pytest.mark.parametrize("constraint, expected", CASES, ids=lambda v: repr(v) if isinstance(v, C.Constraint) else "")
def test_projection_matches_closed_form(constraint, expected):
    assert_close(constraint(W), expected, dtype="float32")


def test_projection_of_a_variable_value():
    w = kc.Variable(W)
    assert_close(C.UnitNorm()(w.value), W64 / (EPS + _norms(W64, 0)), dtype="float32")
    assert_close(C.NonNeg()(w), np.maximum(W64, 0), dtype="float32")


def test_non_neg_keeps_nan_and_integers():
    got = C.NonNeg()(np.array([np.nan, -np.inf, -1.0, 2.0, np.inf], "float32"))
    assert_close(got, np.array([np.nan, 0.0, 0.0, 2.0, np.inf]), dtype="float32")
    assert_close(C.NonNeg()(np.array([-1, 2], "int32")), np.array([0, 2], "int32"), dtype="int32")


# ---------------------------------------------------------------- configs and lookup

# (constraint, Keras 3.15's get_config())
CONFIGS = [
    (C.MaxNorm(), {"max_value": 2, "axis": 0}),
    (C.MaxNorm(1.5, axis=[0, 1]), {"max_value": 1.5, "axis": [0, 1]}),
    (C.MinMaxNorm(), {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}),
    (C.MinMaxNorm(0.5, 2.0, 0.5, axis=1), {"min_value": 0.5, "max_value": 2.0, "rate": 0.5, "axis": 1}),
    (C.NonNeg(), {}),
    (C.UnitNorm(), {"axis": 0}),
    (C.UnitNorm(axis=None), {"axis": None}),
    (C.Constraint(), {}),
]


@pytest.mark.parametrize("constraint, config", CONFIGS, ids=lambda v: repr(v) if isinstance(v, C.Constraint) else "")
def test_config_matches_keras_and_round_trips(constraint, config):
    assert constraint.get_config() == config
    expected = {"module": "keras.constraints", "class_name": type(constraint).__name__,
                "config": config, "registered_name": None}
    assert C.serialize(constraint) == expected
    for back in (C.deserialize(expected), C.get(expected), type(constraint).from_config(config)):
        assert type(back) is type(constraint) and back.get_config() == config


@pytest.mark.slow  # imports Keras (tens of seconds)
def test_configs_and_values_match_live_keras():
    keras = keras_oracle()
    for ours, _ in CONFIGS:
        theirs = getattr(keras.constraints, type(ours).__name__)(**ours.get_config())
        assert C.serialize(ours) == keras.constraints.serialize(theirs)
        assert_close(ours(W), np.asarray(theirs(W)), dtype="float32")


@pytest.mark.parametrize("name, cls", [
    ("max_norm", "MaxNorm"), ("MaxNorm", "MaxNorm"), ("min_max_norm", "MinMaxNorm"),
    ("MinMaxNorm", "MinMaxNorm"), ("non_neg", "NonNeg"), ("NonNeg", "NonNeg"),
    ("unit_norm", "UnitNorm"), ("UnitNorm", "UnitNorm"), ("constraint", "Constraint"),
])
def test_names_give_default_instances(name, cls):
    for constraint in (C.get(name), C.deserialize(name)):
        assert type(constraint) is getattr(C, cls)
        assert constraint.get_config() == getattr(C, cls)().get_config()


def test_get_passes_none_instances_and_callables_and_instantiates_classes():
    assert C.get(None) is None and C.serialize(None) is None
    constraint = C.MaxNorm(3)
    assert C.get(constraint) is constraint
    fn = lambda w: w  # noqa: E731
    assert C.get(fn) is fn
    assert type(C.get(C.NonNeg)) is C.NonNeg


def test_custom_constraint_round_trips():
    class Clip(C.Constraint):
        def __init__(self, limit=1.0):
            self.limit = limit

        def __call__(self, w):
            return kc.ops.clip(w, -self.limit, self.limit)

        def get_config(self):
            return {"limit": self.limit}

    config = C.serialize(Clip(0.5))
    assert config["class_name"] == "Clip" and config["config"] == {"limit": 0.5}
    back = C.deserialize(config, custom_objects={"Clip": Clip})
    assert type(back) is Clip and back.limit == 0.5
    assert_close(back(W), np.clip(W64, -0.5, 0.5), dtype="float32")
    with kc.serialization.custom_object_scope({"Clip": Clip}):
        assert type(C.get("Clip")) is Clip


@pytest.mark.parametrize("call", [lambda: C.get("maxnorm"), lambda: C.deserialize("maxnorm")])
def test_unknown_name_lists_valid_names(call):
    with pytest.raises(ValueError, match=r"unknown constraint 'maxnorm'. Valid names: Constraint, MaxNorm, "):
        call()


def test_get_rejects_non_callables():
    with pytest.raises(ValueError, match="could not interpret constraint identifier 3"):
        C.get(3)
