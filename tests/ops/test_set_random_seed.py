"""kc.utils.set_random_seed makes unseeded draws and layer initialization reproducible."""

import random

import numpy as np
import pytest

import kc
from kc_testing import to_numpy


def _draws():
    layer = kc.layers.Dense(3)
    layer.build((None, 4))
    return (to_numpy(kc.random.normal((5,))), to_numpy(layer.kernel), random.random(),
            np.random.rand())


def test_same_seed_same_draws():
    kc.utils.set_random_seed(123)
    first = _draws()
    kc.utils.set_random_seed(123)
    second = _draws()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    kc.utils.set_random_seed(124)
    assert not np.array_equal(_draws()[0], first[0])


@pytest.mark.parametrize("bad", [1.5, "3", None, True])
def test_bad_seed_is_refused(bad):
    with pytest.raises(ValueError, match="set_random_seed: `seed` must be an int"):
        kc.utils.set_random_seed(bad)


def test_config_attribute_access_and_freeze():
    config = kc.utils.Config(a=1, b={"x": 2})
    config.c = 3
    config["a"] += 1
    assert (config.a, config.b, config["c"], len(config), list(config)) == (2, {"x": 2}, 3, 3,
                                                                          ["a", "b", "c"])
    assert config.to_json() == '{"a": 2, "b": {"x": 2}, "c": 3}'
    config.freeze()
    for change in (lambda: setattr(config, "a", 0), lambda: config.update(a=0),
                   lambda: config.pop("a")):
        with pytest.raises(ValueError, match="frozen"):
            change()
    with pytest.raises(AttributeError, match="no setting 'zz'"):
        config.zz
    config.unfreeze()
    del config.c
    assert config.as_dict() == {"a": 2, "b": {"x": 2}}
