"""Sequential, functional and subclassed models: graphs, shapes, summary, configs, cloning."""

import numpy as np
import pytest

import kc
from kc import layers, ops
from kc_testing import assert_close, to_numpy

RNG = np.random.default_rng(0)


def _set_deterministic_weights(model):
    for v in model.weights:
        v.assign(RNG.standard_normal(v.shape).astype("float32") * 0.5)


def _mlp_reference(weights, x):
    w1, b1, w2, b2 = weights
    return np.maximum(x @ w1 + b1, 0) @ w2 + b2


def test_sequential_forms_agree_with_numpy():
    x = RNG.standard_normal((5, 4)).astype("float32")
    listed = kc.Sequential([kc.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
    _set_deterministic_weights(listed)
    added = kc.Sequential()
    added.add(layers.Dense(8, activation="relu", input_shape=(4,)))
    added.add(layers.Dense(3))
    added.set_weights(listed.get_weights())
    deferred = kc.Sequential([layers.Dense(8, activation="relu"), layers.Dense(3)])
    assert not deferred.built
    deferred(x)
    deferred.set_weights(listed.get_weights())
    expected = _mlp_reference(listed.get_weights(), x)
    for model in (listed, added):
        assert model.output_shape == (None, 3)
    assert deferred.output_shape == (5, 3)  # built from the data's shape, as in Keras
    for model in (listed, added, deferred):
        assert_close(model(x), expected, rtol=1e-5, atol=1e-5)
    assert tuple(deferred(x[:2]).shape) == (2, 3)


def test_sequential_pop_and_errors():
    model = kc.Sequential([kc.Input((4,)), layers.Dense(8), layers.Dense(3)])
    popped = model.pop()
    assert popped.units == 3 and model.output_shape == (None, 8)
    with pytest.raises(ValueError, match="only kc layers"):
        model.add("dense")
    with pytest.raises(ValueError, match="first element"):
        model.add(kc.Input((3,)))


def test_functional_multi_io_shared_layer_nested_model_and_summary(capsys):
    a, b, c = kc.Input((4,), name="a"), kc.Input((4,), name="b"), kc.Input((2,), name="c")
    shared = layers.Dense(3, name="shared")
    merged = ops.add(shared(a), shared(b))
    tower = kc.Sequential([layers.Dense(5), layers.Dense(2)], name="tower")
    out1 = tower(merged)
    out2 = ops.concatenate([merged, c], axis=-1)
    model = kc.Model({"a": a, "b": b, "c": c}, [out1, out2], name="net")
    assert model.output_shape == [(None, 2), (None, 5)]
    assert model.get_layer("shared") is shared
    assert model.count_params() == 15 + (3 * 5 + 5) + (5 * 2 + 2)
    model.summary()
    text = capsys.readouterr().out
    assert "Total params: 47 (188.00 B)" in text
    assert "shared (Dense)" in text and "tower (Sequential)" in text
    assert "Trainable params: 47" in text and "Non-trainable params: 0" in text

    data = {k: RNG.standard_normal((2, s)).astype("float32") for k, s in (("a", 4), ("b", 4), ("c", 2))}
    y1, y2 = model(data)
    w, bias = (to_numpy(v) for v in shared.weights)
    h = data["a"] @ w + bias + data["b"] @ w + bias
    assert_close(y2, np.concatenate([h, data["c"]], axis=-1), rtol=1e-5, atol=1e-5)
    assert_close(y1, tower(h), rtol=1e-5, atol=1e-5)


def test_functional_config_round_trip_gives_same_outputs():
    inputs = kc.Input((4,), name="x")
    h = layers.Dense(6, activation="relu", name="h")(inputs)
    s = ops.sum(h, axis=-1, keepdims=True)
    model = kc.Model(inputs, [layers.Dense(2, name="y")(h), s])
    config = model.get_config()
    assert config["input_layers"] == ["x", 0, 0]
    assert [l["class_name"] for l in config["layers"]] == ["InputLayer", "Dense", "Sum", "Dense"] \
        or [l["class_name"] for l in config["layers"]] == ["InputLayer", "Dense", "Dense", "Sum"]
    clone = kc.Model.from_config(config)
    clone.set_weights(model.get_weights())
    x = RNG.standard_normal((3, 4)).astype("float32")
    for got, want in zip(clone(x), model(x)):
        assert_close(got, want)


def test_sequential_config_round_trip():
    model = kc.Sequential([kc.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)],
                          name="seq")
    config = model.get_config()
    assert config["layers"][0]["class_name"] == "InputLayer"
    assert config["build_input_shape"] == (None, 3)
    clone = kc.Sequential.from_config(config)
    clone.set_weights(model.get_weights())
    x = RNG.standard_normal((2, 3)).astype("float32")
    assert_close(clone(x), model(x))


def test_clone_model_has_new_weights_and_same_architecture():
    inputs = kc.Input((4,))
    model = kc.Model(inputs, layers.Dense(2)(layers.Dense(3)(inputs)))
    clone = kc.models.clone_model(model)
    assert clone.output_shape == (None, 2)
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    clone.set_weights(model.get_weights())
    x = RNG.standard_normal((2, 4)).astype("float32")
    assert_close(clone(x), model(x))


class TwoTower(kc.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.left = layers.Dense(units)
        self.right = layers.Dense(units)

    def call(self, x, training=False):
        return self.left(x) + self.right(x)


def test_subclassed_model_build_summary_and_weights(capsys):
    model = TwoTower()
    model.build((None, 4))
    assert model.built and len(model.weights) == 4
    model.summary()
    assert "Total params: 30" in capsys.readouterr().out
    x = RNG.standard_normal((2, 4)).astype("float32")
    w = [to_numpy(v) for v in model.weights]
    assert_close(model(x), x @ w[0] + w[1] + x @ w[2] + w[3], rtol=1e-5, atol=1e-5)
    clone = kc.models.clone_model(model)
    assert isinstance(clone, TwoTower) and clone.units == 3


class FunctionalSubclass(kc.Model):
    def __init__(self, **kwargs):
        inputs = kc.Input((2,))
        super().__init__(inputs, layers.Dense(1)(inputs), **kwargs)


def test_functional_subclass():
    model = FunctionalSubclass()
    assert isinstance(model, FunctionalSubclass)
    assert model.output_shape == (None, 1)


def _without_upper_packages(monkeypatch):
    """Make kc.train and kc.saving look not installed (as with kc-layers alone)."""
    import importlib

    import kc._lazy
    from kc.models import _model

    real_import = importlib.import_module

    def fake_import(name, package=None):
        for missing in ("kc.train", "kc.saving"):
            if name == missing or name.startswith(missing + "."):
                raise ModuleNotFoundError(f"No module named {missing!r}", name=missing)
        return real_import(name, package)

    fake_importlib = type("FakeImportlib", (), {"import_module": staticmethod(fake_import)})
    monkeypatch.setattr(kc._lazy, "importlib", fake_importlib)
    monkeypatch.setattr(kc._lazy, "_installed", lambda distribution: False)
    monkeypatch.setattr(_model, "_TRAIN_MODULES", {})


def test_upward_calls_name_the_distribution_to_install(monkeypatch):
    _without_upper_packages(monkeypatch)
    model = kc.Sequential([kc.Input((2,)), layers.Dense(1)])
    x, y = np.ones((2, 2), "float32"), np.ones((2, 1), "float32")
    for call in (lambda: model.fit(x, y), lambda: model.train_step((x, y)),
                 lambda: model.compute_loss(x, y, model(x)), lambda: model.make_train_function()):
        with pytest.raises(ImportError, match="pip install kc-train"):
            call()
    with pytest.raises(ImportError, match="pip install kc-io"):
        model.save("model.keras")
    # compile and the metric listing need only kc-layers.
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert model.compiled and model.compiled_loss is None and model.compiled_metrics is None
    assert model.metrics_names == ["loss"]
    assert [v.path for v in model.metrics_variables] == ["loss/total", "loss/count"]


def test_functional_errors():
    with pytest.raises(ValueError, match="symbolic tensors"):
        kc.Model(kc.Input((2,)), np.ones(2))
    a = kc.Input((2,))
    d1, d2 = layers.Dense(1, name="same"), layers.Dense(1, name="same")
    with pytest.raises(ValueError, match="unique"):
        kc.Model(a, [d1(a), d2(a)])
    model = kc.Model(a, layers.Dense(1)(a))
    with pytest.raises(ValueError, match="1 input"):
        model([np.ones((1, 2)), np.ones((1, 2))])


def test_compile_resolves_string_names_and_rejects_unknown_ones():
    model = kc.Sequential([kc.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], loss_weights=None)
    assert model.compiled and isinstance(model.optimizer, kc.optimizers.Adam)
    config = model.get_compile_config()
    assert config["optimizer"]["class_name"] == "Adam" and config["loss"] == "mse"
    assert config["metrics"] == ["mae"]
    with pytest.raises(ValueError, match="not_an_optimizer"):
        model.compile(optimizer="not_an_optimizer", loss="mse")
    with pytest.raises(ValueError, match="not_a_loss"):
        model.compile(optimizer="sgd", loss="not_a_loss")


def test_functional_output_names_as_keras():
    kc.backend.clear_session()  # auto names ("dense", "add") start afresh
    inputs = kc.Input((3,))
    listed = kc.Model(inputs, [kc.layers.Dense(1, name="p")(inputs), kc.layers.Dense(2)(inputs)])
    assert listed.output_names == ["p", "dense"]
    keyed = kc.Model(inputs, {"b": kc.layers.Dense(1, name="q")(inputs),
                              "a": kc.layers.Dense(2, name="r")(inputs)})
    assert keyed.output_names == ["r", "q"]  # sorted keys' layers, as Keras 3.15
    op_out = kc.Model(inputs, kc.ops.add(kc.layers.Dense(1)(inputs), 1.0))
    assert op_out.output_names == ["add"]
