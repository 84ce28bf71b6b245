"""kc.saving: .keras archives and .weights.h5 files — round trips, Keras 3 layout, full state.

The group paths checked here are the ones Keras 3.15 writes for the same models
(read off files written by Keras with h5py).
"""

import json
import os
import sys
import warnings
import zipfile

import h5py
import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import kc  # noqa: E402
from kc import layers  # noqa: E402
from kc_testing import BACKEND, to_numpy  # noqa: E402

RNG = np.random.default_rng(0)
X4 = RNG.standard_normal((3, 4)).astype("float32")


def _datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, o.shape) if isinstance(o, h5py.Dataset) else None)
    return out


def _weights_in_archive(path, tmp_path):
    with zipfile.ZipFile(path) as z:
        target = tmp_path / "extracted.weights.h5"
        target.write_bytes(z.read("model.weights.h5"))
    return target


def _sequential():
    return kc.Sequential([kc.Input((4,)), layers.Dense(3, name="d1"), layers.BatchNormalization(),
                          layers.Dense(2)])


def _functional():
    inp = kc.Input((5, 3))
    return kc.Model(inp, layers.Dense(2)(layers.LSTM(4)(inp)))


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.zz = layers.Dense(2)
        self.aa = [layers.Dense(3), layers.Dense(4)]
        self.dd = {"x": layers.Dense(5)}

    def build(self, input_shape):
        self.w = self.add_weight(shape=(1,), initializer="ones", name="w")

    def call(self, x):
        return self.zz(self.dd["x"](self.aa[1](self.aa[0](x)))) * self.w


class Sub(kc.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.out_layer = layers.Dense(1)
        self.blk = Block()

    def call(self, x):
        return self.out_layer(self.blk(x))


LAYOUTS = [  # (model factory, input, {dataset path: shape}) as written by Keras 3.15
    (_sequential, X4, {
        "layers/dense/vars/0": (4, 3), "layers/dense/vars/1": (3,),
        **{f"layers/batch_normalization/vars/{i}": (3,) for i in range(4)},
        "layers/dense_1/vars/0": (3, 2), "layers/dense_1/vars/1": (2,)}),
    (_functional, RNG.standard_normal((2, 5, 3)).astype("float32"), {
        "layers/dense/vars/0": (4, 2), "layers/dense/vars/1": (2,),
        "layers/lstm/cell/vars/0": (3, 16), "layers/lstm/cell/vars/1": (4, 16),
        "layers/lstm/cell/vars/2": (16,)}),
    (Sub, X4, {
        "blk/aa/dense/vars/0": (4, 3), "blk/aa/dense/vars/1": (3,),
        "blk/aa/dense_1/vars/0": (3, 4), "blk/aa/dense_1/vars/1": (4,),
        "blk/dd/dense/vars/0": (4, 5), "blk/dd/dense/vars/1": (5,), "blk/vars/0": (1,),
        "blk/zz/vars/0": (5, 2), "blk/zz/vars/1": (2,),
        "layers/dense/vars/0": (2, 1), "layers/dense/vars/1": (1,)}),
]


@pytest.mark.parametrize("make, x, expected", LAYOUTS, ids=["sequential", "functional", "subclass"])
def test_weights_file_has_the_keras_layout_and_round_trips(tmp_path, make, x, expected):
    model = make()
    if not model.built:
        model(x)
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    assert _datasets(path) == expected
    with h5py.File(path, "r") as f:
        assert f["vars"].attrs["name"] == model.name  # each vars group names its object
    other = make()
    if not other.built:
        other(x)
    other.load_weights(path)
    for a, b in zip(other.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def _two_inputs():
    a, b = kc.Input((4,), name="a"), kc.Input((4,), name="b")
    shared = layers.Dense(3, activation="tanh")
    return kc.Model([a, b], layers.Dense(2)(layers.Concatenate()([shared(a), shared(b)])))


@pytest.mark.parametrize("make, x", [(_sequential, X4), (_two_inputs, [X4, X4 * 2])],
                         ids=["sequential", "functional"])
def test_keras_archive_round_trip(tmp_path, make, x):
    model = make()
    y = to_numpy(model(x))
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(z.read("config.json"))
        assert json.loads(z.read("metadata.json"))["keras_version"].startswith("3.")
    assert config["class_name"] == type(model).__name__ and config["module"] == "keras" or \
        config["class_name"] == "Functional"
    assert _datasets(_weights_in_archive(path, tmp_path)) == _datasets_of(model, tmp_path)
    restored = kc.saving.load_model(path)
    assert type(restored) is type(model)
    np.testing.assert_allclose(to_numpy(restored(x)), y, rtol=1e-6, atol=1e-6)
    fresh = make()
    fresh(x)
    fresh.load_weights(path)  # load_weights reads .keras archives too
    np.testing.assert_allclose(to_numpy(fresh(x)), y, rtol=1e-6, atol=1e-6)


def _datasets_of(model, tmp_path):
    path = str(tmp_path / "ref.weights.h5")
    model.save_weights(path)
    return _datasets(path)


def test_unzipped_directory_and_model_from_json(tmp_path):
    model = _sequential()
    y = to_numpy(model(X4))
    path = str(tmp_path / "dir.keras")
    kc.saving.save_model(model, path, zipped=False)
    assert sorted(os.listdir(path)) == ["config.json", "metadata.json", "model.weights.h5"]
    np.testing.assert_allclose(to_numpy(kc.saving.load_model(path)(X4)), y, rtol=1e-6)
    clone = kc.models.model_from_json(model.to_json())
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    with pytest.raises(ValueError, match="model_from_json"):
        kc.models.model_from_json("{not json")


@kc.saving.register_keras_serializable(package="kc_io_test")
class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Unregistered(Scale):
    pass


def test_custom_objects_by_registration_and_by_argument(tmp_path):
    inp = kc.Input((4,))
    model = kc.Model(inp, Scale(3.0)(layers.Dense(2)(inp)))
    path = str(tmp_path / "c.keras")
    model.save(path)
    np.testing.assert_allclose(to_numpy(kc.saving.load_model(path)(X4)), to_numpy(model(X4)), rtol=1e-6)
    model2 = kc.Model(inp, Unregistered(0.5)(layers.Dense(2)(inp)))
    path2 = str(tmp_path / "u.keras")
    model2.save(path2)
    with pytest.raises((TypeError, ValueError), match="Unregistered"):
        kc.saving.load_model(path2)
    restored = kc.saving.load_model(path2, custom_objects={"Unregistered": Unregistered})
    np.testing.assert_allclose(to_numpy(restored(X4)), to_numpy(model2(X4)), rtol=1e-6)


def _pseudo_grads(model):  # a deterministic "gradient" of the weights: no autodiff needed
    return [kc.ops.sin(v.value) * 0.1 + 0.01 for v in model.trainable_variables]


def _steps(model, n):
    for _ in range(n):
        model.optimizer.apply(_pseudo_grads(model), model.trainable_variables)
    return [to_numpy(w) for w in model.weights]


@pytest.mark.parametrize("optimizer", ["adam", "sgd_momentum"])
def test_compiled_state_restores_and_training_continues_identically(tmp_path, optimizer):
    opt = kc.optimizers.Adam(1e-2) if optimizer == "adam" else kc.optimizers.SGD(0.1, momentum=0.9)
    model = _sequential()
    model(X4)
    model.compile(optimizer=opt, loss="mse", metrics=["mae"])
    model.optimizer.build(model.trainable_variables)
    _steps(model, 3)
    path = str(tmp_path / "s.keras")
    model.save(path)
    restored = kc.saving.load_model(path)
    assert restored.compiled and restored.get_compile_config() == model.get_compile_config()
    assert int(to_numpy(restored.optimizer.iterations)) == 3
    for a, b in zip(restored.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    for a, b in zip(_steps(restored, 2), _steps(model, 2)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    # The optimizer group has Keras's layout: iteration, learning_rate, then slots per variable.
    shapes = _datasets(_weights_in_archive(path, tmp_path))
    assert shapes["optimizer/vars/0"] == () and shapes["optimizer/vars/1"] == ()
    assert shapes["optimizer/vars/2"] == (4, 3)
    uncompiled = kc.saving.load_model(path, compile=False)
    assert not uncompiled.compiled


def _fit_available():
    try:
        import kc.train
    except ImportError:
        return False
    return hasattr(kc.train, "fit")


@pytest.mark.grad
@pytest.mark.skipif(not _fit_available(), reason="kc.train.fit is not available yet")
def test_fit_after_load_continues_as_without_the_save(tmp_path):
    x = RNG.standard_normal((16, 4)).astype("float32")
    y = RNG.standard_normal((16, 2)).astype("float32")
    model = kc.Sequential([kc.Input((4,)), layers.Dense(3, activation="tanh"), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    path = str(tmp_path / "fit.keras")
    model.save(path)
    restored = kc.saving.load_model(path)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    restored.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    for a, b in zip(restored.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_skip_mismatch_warns_and_loads_the_rest(tmp_path):
    model = _sequential()
    model(X4)
    path = str(tmp_path / "a.weights.h5")
    model.save_weights(path)
    other = kc.Sequential([kc.Input((4,)), layers.Dense(3), layers.BatchNormalization(),
                           layers.Dense(5)])
    other(X4)
    with pytest.raises(ValueError, match=r"dense.*\(3, 5\).*\(3, 2\)"):
        other.load_weights(path)
    with pytest.warns(UserWarning, match="Skipping loading weights"):
        other.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].get_weights()[0], model.layers[0].get_weights()[0])


def test_sharded_weights(tmp_path):
    model = kc.Sequential([kc.Input((40,)), layers.Dense(30), layers.Dense(30), layers.Dense(2)])
    y = to_numpy(model(RNG.standard_normal((2, 40)).astype("float32")))
    path = str(tmp_path / "s.weights.json")
    model.save_weights(path, max_shard_size=5000 / 1024**3)  # ~5 kB shards
    index = json.loads(open(path).read())
    assert index["metadata"]["total_size"] == sum(w.size * 4 for w in model.get_weights())
    assert index["weight_map"]["/layers/dense/vars"] == ["s_00000.weights.h5"]
    assert len({f for files in index["weight_map"].values() for f in files}) >= 2
    other = kc.Sequential([kc.Input((40,)), layers.Dense(30), layers.Dense(30), layers.Dense(2)])
    other.load_weights(path)
    for a, b in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert y.shape == (2, 2)


def test_bfloat16_weights_use_the_keras_encoding(tmp_path):
    model = kc.Sequential([kc.Input((4,)), layers.Dense(3, dtype="bfloat16")])
    model(X4)
    path = str(tmp_path / "bf.weights.h5")
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert f["layers/dense/vars/0"].attrs["dtype"] == "bfloat16"
        assert f["layers/dense/vars/0"].dtype.itemsize == 2
    other = kc.Sequential([kc.Input((4,)), layers.Dense(3, dtype="bfloat16")])
    other(X4)
    other.load_weights(path)
    np.testing.assert_array_equal(other.get_weights()[0].astype("float32"),
                                  model.get_weights()[0].astype("float32"))


class VocabLayer(layers.Layer):
    """A layer keeping state in an asset file."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.vocab = ["a", "b"]

    def call(self, x):
        return x

    def save_assets(self, directory):
        with open(os.path.join(directory, "vocab.txt"), "w") as f:
            f.write("\n".join(self.vocab))

    def load_assets(self, directory):
        with open(os.path.join(directory, "vocab.txt")) as f:
            self.vocab = f.read().split("\n")


def test_assets_are_archived_and_restored(tmp_path):
    inp = kc.Input((4,))
    layer = VocabLayer()
    model = kc.Model(inp, layer(inp))
    layer.vocab = ["x", "y", "z"]
    path = str(tmp_path / "a.keras")
    model.save(path)
    with zipfile.ZipFile(path) as z:
        assert "assets/layers/vocab_layer/vocab.txt" in z.namelist()
    restored = kc.saving.load_model(path, custom_objects={"VocabLayer": VocabLayer})
    assert restored.layers[1].vocab == ["x", "y", "z"]


def test_keras_file_editor(tmp_path, capsys):
    model = _sequential()
    model(X4)
    path = str(tmp_path / "e.keras")
    model.save(path)
    editor = kc.saving.KerasFileEditor(path)
    assert sorted(editor.weights_dict["layers"]) == ["batch_normalization", "dense", "dense_1"]
    np.testing.assert_array_equal(editor.weights_dict["layers"]["dense"]["0"], model.layers[0].get_weights()[0])
    editor.summary()
    assert "layers/dense (d1)" in capsys.readouterr().out
    assert editor.compare(model)["status"] == "success"
    editor.rename_object("dense", "dense_x")
    editor.delete_weight("dense_x", "1")
    editor.add_weights("dense_x", {"2": np.zeros(3)})
    editor.add_object("layers/new", {"0": np.ones(2)})
    editor.delete_object("layers/dense_1")
    with pytest.raises(ValueError, match="no object named 'nope'"):
        editor.delete_object("nope")
    out = str(tmp_path / "edited.weights.h5")
    editor.resave_weights(out)
    shapes = _datasets(out)
    assert shapes["layers/dense_x/vars/0"] == (4, 3) and shapes["layers/dense_x/vars/2"] == (3,)
    assert "layers/dense_x/vars/1" not in shapes and "layers/dense_1/vars/0" not in shapes
    assert shapes["layers/new/vars/0"] == (2,)
    editor2 = kc.saving.KerasFileEditor(path)
    editor2.weights_dict["layers"]["dense"]["0"] = editor2.weights_dict["layers"]["dense"]["0"] * 0
    edited = str(tmp_path / "edited.keras")
    editor2.save(edited)
    assert np.all(kc.saving.load_model(edited).layers[0].get_weights()[0] == 0)


def test_file_name_rules_as_keras(tmp_path):
    model = _sequential()
    model(X4)
    with pytest.raises(ValueError, match="Invalid filepath extension for saving"):
        model.save(str(tmp_path / "m.foo"))
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        model.save_weights(str(tmp_path / "m.h5"))
    with pytest.raises(ValueError, match="File format not supported"):
        model.load_weights(str(tmp_path / "m.foo"))
    with pytest.raises(ValueError, match="File not found"):
        kc.saving.load_model(str(tmp_path / "missing.keras"))
    with pytest.raises(FileNotFoundError, match="missing.weights.h5"):
        model.load_weights(str(tmp_path / "missing.weights.h5"))
    with pytest.raises(NotImplementedError, match="legacy"):
        model.save(str(tmp_path / "m.h5"))


def test_overwrite_false_asks(tmp_path, monkeypatch):
    model = _sequential()
    model(X4)
    path = tmp_path / "o.weights.h5"
    path.write_bytes(b"old")
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    model.save_weights(str(path), overwrite=False)
    assert path.read_bytes() == b"old"
    monkeypatch.setattr("builtins.input", lambda prompt="": "y")
    model.save_weights(str(path), overwrite=False)
    assert path.read_bytes() != b"old"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.load_weights(str(path))


def test_load_model_draws_no_initial_values_it_then_overwrites(tmp_path):
    calls = []

    @kc.saving.register_keras_serializable(package="kc_test_deferred")
    class CountingOnes(kc.initializers.Initializer):
        def __call__(self, shape, dtype=None):
            calls.append(shape)
            return kc.ops.ones(shape, dtype=dtype)

    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(2, kernel_initializer=CountingOnes())])
    model.set_weights([np.arange(6, dtype="float32").reshape(3, 2), np.ones(2, "float32")])
    path = str(tmp_path / "m.keras")
    model.save(path)
    calls.clear()
    loaded = kc.saving.load_model(path)
    assert calls == []  # the kernel came from the file; its initializer never ran
    for got, want in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_deferred_initialization_runs_the_initializers_of_unassigned_variables():
    from kc.backend.common.variables import deferred_initialization, initialize_pending

    with deferred_initialization() as pending:
        a = kc.Variable(kc.initializers.Constant(3.0), shape=(2,))
        b = kc.Variable(kc.initializers.Constant(4.0), shape=(2,))
    np.testing.assert_array_equal(kc.ops.convert_to_numpy(a.value), [0.0, 0.0])
    c = kc.Variable(kc.initializers.Constant(5.0), shape=(1,))  # outside: initialized at once
    a.assign([1.0, 2.0])
    initialize_pending(pending)
    np.testing.assert_array_equal(a.numpy(), [1.0, 2.0])  # assigned: kept
    np.testing.assert_array_equal(b.numpy(), [4.0, 4.0])  # never assigned: its initializer ran
    np.testing.assert_array_equal(c.numpy(), [5.0])
    assert len(pending) == 2
