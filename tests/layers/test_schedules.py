"""kc.optimizers.schedules: values against closed forms, and serialization."""

from __future__ import annotations

import math

import numpy as np
import pytest
from kc_testing import to_numpy

from kc.optimizers import schedules as S

STEPS = (0, 3, 5, 7, 12, 25)


def _cos(t):
    return 0.5 * (1 + math.cos(math.pi * t))


def _restarts(step):
    frac = step / 10
    i = math.floor(math.log(1 + frac) / math.log(2.0))
    done = (2.0 ** i - 1)
    return _cos((frac - done) / 2.0 ** i)


CASES = [
    (S.ExponentialDecay(1.0, 10, 0.5), lambda s: 0.5 ** (s / 10)),
    (S.ExponentialDecay(1.0, 10, 0.5, staircase=True), lambda s: 0.5 ** (s // 10)),
    (S.InverseTimeDecay(1.0, 10, 0.5), lambda s: 1 / (1 + 0.5 * s / 10)),
    (S.InverseTimeDecay(1.0, 10, 0.5, staircase=True), lambda s: 1 / (1 + 0.5 * (s // 10))),
    (S.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1]),
     lambda s: 1.0 if s <= 5 else 0.5 if s <= 10 else 0.1),
    (S.PolynomialDecay(1.0, 10, power=2.0),
     lambda s: (1 - 1e-4) * (1 - min(s, 10) / 10) ** 2 + 1e-4),
    (S.PolynomialDecay(1.0, 10, cycle=True),
     lambda s: (1 - 1e-4) * (1 - s / (10 * max(1, math.ceil(s / 10)))) + 1e-4),
    (S.CosineDecay(1.0, 10, alpha=0.1), lambda s: 0.9 * _cos(min(s, 10) / 10) + 0.1),
    (S.CosineDecay(0.1, 10, alpha=0.1, warmup_target=1.0, warmup_steps=5),
     lambda s: 0.1 + 0.9 * s / 5 if s < 5 else 0.9 * _cos(min(s - 5, 10) / 10) + 0.1),
    (S.CosineDecayRestarts(1.0, 10), _restarts),
]


@pytest.mark.parametrize("schedule,closed_form", CASES, ids=[type(c[0]).__name__ for c in CASES])
def test_values_match_closed_form(schedule, closed_form):
    got = [float(to_numpy(schedule(s))) for s in STEPS]
    np.testing.assert_allclose(got, [closed_form(s) for s in STEPS], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("schedule", [c[0] for c in CASES], ids=[type(c[0]).__name__ for c in CASES])
def test_serialize_round_trip(schedule):
    config = S.serialize(schedule)
    assert config["module"] == "keras.optimizers.schedules"
    assert config["class_name"] == type(schedule).__name__
    again = S.deserialize(config)
    assert again.get_config() == schedule.get_config()
    np.testing.assert_allclose(float(to_numpy(again(7))), float(to_numpy(schedule(7))))


def test_keras_config_and_errors():
    assert S.CosineDecay(1.0, 10).get_config() == {
        "initial_learning_rate": 1.0, "decay_steps": 10, "alpha": 0.0, "name": "CosineDecay",
        "warmup_target": None, "warmup_steps": 0}
    assert S.CosineDecayRestarts(1.0, 10).get_config()["name"] == "SGDRDecay"
    with pytest.raises(ValueError, match="one more element"):
        S.PiecewiseConstantDecay([1, 2], [1.0])
    with pytest.raises(ValueError, match="decay_steps"):
        S.ExponentialDecay(1.0, 0, 0.5)
    with pytest.raises(ValueError, match="could not build a schedule"):
        S.deserialize({"class_name": "Nope", "config": {}})
