"""kc.regularizers on the active backend: penalties against closed forms, validation, configs, lookup."""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc_testing import assert_close, dtype_name, keras_oracle

R = kc.regularizers

# The 12 names of keras.regularizers (Keras 3.15).
KERAS_NAMES = [
    "L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "l1",
    "l1_l2", "l2", "orthogonal_regularizer", "serialize",
]

W = np.array([[1.0, -2.0, 3.0], [0.5, -0.5, 2.0], [-1.0, 0.25, 0.0], [2.0, 1.0, 1.0]], "float32")
W64 = W.astype("float64")


def _orthogonal(w, factor, mode):
    w = w if mode == "rows" else w.T
    units = w / np.linalg.norm(w, axis=1, keepdims=True)
    similarity = np.abs(units @ units.T)
    n = w.shape[0]
    return factor * (similarity.sum() - np.trace(similarity)) / (n * (n - 1))


F32 = lambda v: float(np.float32(v))  # noqa: E731  (L1 and OrthogonalRegularizer keep float32 factors)

# (regularizer, closed-form penalty of W)
CASES = [
    (R.L1(), F32(0.01) * np.abs(W64).sum()),
    (R.L1(0.5), 0.5 * np.abs(W64).sum()),
    (R.L2(), 0.01 * (W64**2).sum()),
    (R.L2(0.3), 0.3 * (W64**2).sum()),
    (R.L1L2(), 0.0),
    (R.L1L2(l1=0.1), 0.1 * np.abs(W64).sum()),
    (R.L1L2(l2=0.2), 0.2 * (W64**2).sum()),
    (R.L1L2(0.1, 0.2), 0.1 * np.abs(W64).sum() + 0.2 * (W64**2).sum()),
    (R.OrthogonalRegularizer(), _orthogonal(W64, F32(0.01), "rows")),
    (R.OrthogonalRegularizer(0.5, "columns"), _orthogonal(W64, 0.5, "columns")),
    (R.Regularizer(), 0.0),
]


def test_every_keras_name_is_exported():
    assert [n for n in KERAS_NAMES if not hasattr(R, n)] == []
    assert R.l1 is R.L1 and R.l2 is R.L2 and R.l1_l2 is R.L1L2
    assert R.orthogonal_regularizer is R.OrthogonalRegularizer
    assert kc.Regularizer is R.Regularizer


@pytest.mark.parametrize("reg, expected", CASES, ids=lambda v: repr(v) if isinstance(v, R.Regularizer) else "")
def test_penalty_matches_closed_form(reg, expected):
    got = reg(W)
    if isinstance(reg, (R.L1, R.L2, R.L1L2, R.OrthogonalRegularizer)):
        assert tuple(got.shape) == () and dtype_name(got) == "float32"
    assert_close(got, np.asarray(expected), dtype="float32", check_dtype=False)


def test_orthogonal_penalty_is_zero_for_orthogonal_rows():
    q = np.array([[0.6, 0.8, 0.0], [-0.8, 0.6, 0.0], [0.0, 0.0, 2.0]], "float32")
    assert_close(R.OrthogonalRegularizer(1.0)(q), np.asarray(0.0), dtype="float32", atol=1e-6)


def test_penalty_of_a_variable_and_in_float16():
    assert_close(R.L2(0.5)(kc.Variable(W)), np.asarray(0.5 * (W64**2).sum()), dtype="float32")
    got = R.L1(0.5)(W.astype("float16"))
    assert_close(got, np.asarray(0.5 * np.abs(W64).sum()), dtype="float16")
    assert dtype_name(R.L1L2(0.5, 0.5)(W.astype("float16"))) == "float16"


def test_orthogonal_needs_a_matrix():
    with pytest.raises(ValueError, match=r"OrthogonalRegularizer: the weight must have rank 2, got shape \(3,\)"):
        R.OrthogonalRegularizer()(W[0])


# ---------------------------------------------------------------- arguments and configs

# (constructor, Keras 3.15's get_config()): L1 and OrthogonalRegularizer write float32 factors.
CONFIGS = [
    (lambda: R.L1(), {"l1": 0.009999999776482582}),
    (lambda: R.L1(0.3), {"l1": 0.30000001192092896}),
    (lambda: R.L1(None), {"l1": 0.009999999776482582}),
    (lambda: R.L1(1), {"l1": 1.0}),
    (lambda: R.L2(), {"l2": 0.01}),
    (lambda: R.L2(0.3), {"l2": 0.3}),
    (lambda: R.L2(None), {"l2": 0.01}),
    (lambda: R.L1L2(), {"l1": 0.0, "l2": 0.0}),
    (lambda: R.L1L2(0.01), {"l1": 0.01, "l2": 0.0}),
    (lambda: R.L1L2(None, None), {"l1": 0.0, "l2": 0.0}),
    (lambda: R.OrthogonalRegularizer(), {"factor": 0.009999999776482582, "mode": "rows"}),
    (lambda: R.OrthogonalRegularizer(0.1, "columns"), {"factor": 0.10000000149011612, "mode": "columns"}),
]


@pytest.mark.parametrize("make, config", CONFIGS)
def test_config_matches_keras_and_round_trips(make, config):
    reg = make()
    assert reg.get_config() == config
    expected = {"module": "keras.regularizers", "class_name": type(reg).__name__, "config": config,
                "registered_name": None}
    assert R.serialize(reg) == expected
    for back in (R.deserialize(expected), R.get(expected), type(reg).from_config(config)):
        assert type(back) is type(reg) and back.get_config() == config


@pytest.mark.slow  # imports Keras (tens of seconds)
def test_configs_match_live_keras():
    keras = keras_oracle()
    made = [
        (R.L1(), keras.regularizers.L1()), (R.L1(0.3), keras.regularizers.L1(0.3)),
        (R.L2(0.3), keras.regularizers.L2(0.3)), (R.L1L2(0.01), keras.regularizers.L1L2(0.01)),
        (R.OrthogonalRegularizer(0.1), keras.regularizers.OrthogonalRegularizer(0.1)),
    ]
    for ours, theirs in made:
        assert R.serialize(ours) == keras.regularizers.serialize(theirs)
        assert_close(ours(W), np.asarray(theirs(W)), dtype="float32", check_dtype=False)
    # Keras's NumPy backend cannot compute mode="columns" (a broadcasting error): config only.
    ours, theirs = R.OrthogonalRegularizer(0.1, "columns"), keras.regularizers.OrthogonalRegularizer(0.1, "columns")
    assert R.serialize(ours) == keras.regularizers.serialize(theirs)


@pytest.mark.parametrize("make, arg, got", [
    (lambda: R.L1(-1), "l1", "-1"),
    (lambda: R.L1("a"), "l1", "'a'"),
    (lambda: R.L1(float("nan")), "l1", "nan"),
    (lambda: R.L2(float("inf")), "l2", "inf"),
    (lambda: R.L2(-0.1), "l2", "-0.1"),
    (lambda: R.L1L2(0.1, -1), "l2", "-1"),
    (lambda: R.OrthogonalRegularizer(-1), "factor", "-1"),
    (lambda: R.OrthogonalRegularizer(None), "factor", "None"),
])
def test_invalid_factors_are_refused(make, arg, got):
    with pytest.raises(ValueError, match=rf"argument `{arg}` must be a non-negative finite number, got {got}"):
        make()


def test_invalid_mode_is_refused():
    with pytest.raises(ValueError, match=r'`mode` must be "rows" or "columns", got \'diagonal\''):
        R.OrthogonalRegularizer(mode="diagonal")


def test_base_class_has_no_config():
    with pytest.raises(NotImplementedError, match="Regularizer subclasses must implement `get_config"):
        R.Regularizer().get_config()


# ---------------------------------------------------------------- get / deserialize


@pytest.mark.parametrize("name, cls", [
    ("l1", "L1"), ("L1", "L1"), ("l2", "L2"), ("L2", "L2"), ("L1L2", "L1L2"), ("l1l2", "L1L2"),
    ("l1_l2", "L1L2"), ("orthogonal_regularizer", "OrthogonalRegularizer"),
    ("OrthogonalRegularizer", "OrthogonalRegularizer"), ("regularizer", "Regularizer"),
])
def test_names_give_default_instances(name, cls):
    for reg in (R.get(name), R.deserialize(name)):
        assert type(reg) is getattr(R, cls)
    if cls != "Regularizer":
        assert R.get(name).get_config() == getattr(R, cls)().get_config()


def test_get_passes_none_instances_and_callables_and_instantiates_classes():
    assert R.get(None) is None
    reg = R.L2(0.5)
    assert R.get(reg) is reg
    fn = lambda w: 0.0  # noqa: E731
    assert R.get(fn) is fn
    assert type(R.get(R.L1L2)) is R.L1L2


def test_custom_regularizer_round_trips():
    @kc.serialization.register_keras_serializable(package="kc_test_regularizers")
    class SumSquares(R.Regularizer):
        def __init__(self, factor=0.1):
            self.factor = factor

        def __call__(self, x):
            return self.factor * kc.ops.sum(kc.ops.square(x))

        def get_config(self):
            return {"factor": self.factor}

    config = R.serialize(SumSquares(0.25))
    assert config["registered_name"] == "kc_test_regularizers>SumSquares"
    back = R.get(config)
    assert type(back) is SumSquares and back.factor == 0.25
    assert_close(back(W), np.asarray(0.25 * (W64**2).sum()), dtype="float32")
    assert type(R.get("kc_test_regularizers>SumSquares")) is SumSquares


@pytest.mark.parametrize("call", [lambda: R.get("l3"), lambda: R.deserialize("l3")])
def test_unknown_name_lists_valid_names(call):
    with pytest.raises(ValueError, match=r"unknown regularizer 'l3'. Valid names: L1, L1L2, L2, "):
        call()


def test_get_rejects_non_callables():
    with pytest.raises(ValueError, match="could not interpret regularizer identifier 3"):
        R.get(3)
