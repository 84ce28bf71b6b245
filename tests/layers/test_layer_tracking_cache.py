"""The tracking version (`kc.layers._tracking.VERSION`) and the caches keyed on it:
`Model.metrics`, `Layer.losses` and the flattened layer walk must follow every change of
what the layers track, however it is made."""

import copy

import numpy as np
import pytest

import kc
from kc import layers
from kc.layers import _tracking
from kc_testing import assert_close, to_numpy


def _mlp():
    inputs = kc.Input((3,))
    hidden = layers.Dense(4, kernel_initializer="ones", name="hidden")(inputs)
    return kc.Model(inputs, layers.Dense(2, kernel_initializer="ones", name="out")(hidden))


def _bumps(change) -> bool:
    before = _tracking.VERSION
    change()
    return _tracking.VERSION > before


class Holder(layers.Layer):
    def call(self, x):
        return x


@pytest.mark.parametrize("what, change", [
    ("sublayer", lambda h: setattr(h, "sub", layers.Dense(2))),
    ("metric", lambda h: setattr(h, "tracker", kc.metrics.Mean())),
    ("seed generator", lambda h: setattr(h, "seed", kc.random.SeedGenerator(1))),
    ("weight", lambda h: h.add_weight(shape=(2,), name="w")),
    ("list append", lambda h: h.items.append(layers.Dense(2))),
    ("list pop", lambda h: h.items.pop()),
    ("dict item", lambda h: h.named.__setitem__("m", kc.metrics.Sum())),
    ("delete attribute", lambda h: delattr(h, "kept")),
])
def test_version_bumps_on_every_tracking_change(what, change):
    holder = Holder()
    holder.items = [layers.Dense(1)]
    holder.named = {}
    holder.kept = layers.Dense(1)
    assert _bumps(lambda: change(holder)), what


def test_reassigning_or_deleting_a_sublayer_untracks_it():
    holder = Holder()
    holder.kept = layers.Dense(1)
    holder.kept = layers.Dense(2)  # (on torch the sublayer lives in _modules, not __dict__)
    assert [l.units for l in holder.layers] == [2]
    holder.kept.build((None, 3))
    assert [tuple(v.shape) for v in holder.weights] == [(3, 2), (2,)]
    del holder.kept
    assert holder.layers == [] and holder.weights == []
    with pytest.raises(AttributeError):
        del holder.kept


def test_attribute_named_like_a_functional_layer_untracks_nothing():
    inputs = kc.Input((3,))
    dense = layers.Dense(2, name="dense")
    model = kc.Model(inputs, dense(inputs))
    model.dense = 3  # not the layer "dense" of the graph: that one stays tracked
    assert model.layers[-1] is dense and len(model.weights) == 2


def test_version_unchanged_by_plain_attributes():
    holder = Holder()
    assert not _bumps(lambda: setattr(holder, "factor", 2.0))


def test_model_metrics_follow_metrics_added_and_removed_after_a_read():
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse")
    assert model.metrics_names == ["loss"]
    hidden = model.get_layer("hidden")
    hidden.tracker = kc.metrics.Mean(name="hidden_mean")
    assert model.metrics_names == ["loss", "hidden_mean"]
    assert model.metrics_names == ["loss", "hidden_mean"]  # (the cached list)
    del hidden.tracker
    assert model.metrics_names == ["loss"]


def test_sequential_metrics_follow_add_and_pop():
    class WithMetric(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seen = kc.metrics.Sum(name="seen")

        def call(self, x):
            return x

    model = kc.Sequential([kc.Input((2,)), layers.Dense(2)])
    assert model.metrics_names == []
    model.add(WithMetric())
    assert model.metrics_names == ["seen"]
    model.pop()
    assert model.metrics_names == []


def test_losses_regularizer_set_after_a_read_and_freezing():
    model = _mlp()
    model(np.ones((1, 3), "float32"))
    assert model.losses == []
    dense = model.get_layer("out")
    dense.kernel.regularizer = kc.regularizers.L2(0.5)  # no tracking change
    (penalty,) = model.losses
    assert_close(penalty, np.float32(0.5 * 4 * 2))  # 0.5 * sum(ones(4, 2) ** 2)
    dense.trainable = False  # frozen weights carry no penalty (as Keras)
    assert model.losses == []
    dense.trainable = True
    assert len(model.losses) == 1


def test_add_loss_values_are_reported_and_cleared_per_call():
    class Penalty(layers.Layer):
        def call(self, x):
            self.add_loss(kc.ops.sum(x))
            return x

    inputs = kc.Input((2,))
    model = kc.Model(inputs, Penalty()(layers.Dense(2, kernel_initializer="ones")(inputs)))
    model(np.ones((1, 2), "float32"))
    assert [float(to_numpy(v)) for v in model.losses] == [4.0]
    model(np.full((1, 2), 2.0, "float32"))
    assert [float(to_numpy(v)) for v in model.losses] == [8.0]


def test_flat_layer_cache_is_not_shared_with_a_copy():
    model = _mlp()
    assert model._kc_flat_layers()[0] is model
    twin = copy.copy(model)
    assert twin._kc_flat_layers()[0] is twin
    assert [l.name for l in twin._kc_flat_layers()[1:]] == [l.name for l in model._flatten_layers()[1:]]
