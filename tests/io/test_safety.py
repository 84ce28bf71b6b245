"""kc.saving with hostile, damaged or interrupted files.

Attack shapes: CVE-2024-3660 (a Lambda layer carrying marshalled bytecode) and
CVE-2025-1550 (config.json naming an arbitrary module/function such as
``builtins.exec`` or ``os.system``); zip members escaping the extraction folder.
"""

import copy
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
from kc_testing import to_numpy  # noqa: E402

X = np.arange(8, dtype="float32").reshape(2, 4) / 8


def _model():
    model = kc.Sequential([kc.Input((4,)), layers.Dense(3), layers.Dense(2)])
    model(X)
    return model


@pytest.fixture
def saved(tmp_path):
    path = str(tmp_path / "m.keras")
    _model().save(path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    return path, members


def _write(path, members):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def _with_config(tmp_path, members, edit):
    config = json.loads(members["config.json"])
    edit(config)
    members = dict(members, **{"config.json": json.dumps(config)})
    path = str(tmp_path / "evil.keras")
    _write(path, members)
    return path


def test_lambda_with_code_is_refused_with_the_opt_in_named(tmp_path):
    inp = kc.Input((4,))
    model = kc.Model(inp, layers.Lambda(lambda t: t * 2)(inp))
    path = str(tmp_path / "lambda.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saving a lambda warns that loading it needs opting in
        model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        kc.saving.load_model(path)
    restored = kc.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(to_numpy(restored(X)), X * 2)


MARKER = "kc_saving_pwned"


def _exec_call(config):  # CVE-2025-1550 shape: a layer "class" that is a function of another module
    config["config"]["layers"][1] = {
        "module": "builtins", "class_name": "exec", "registered_name": "exec",
        "config": {"source": f"open({MARKER!r}, 'w')"}}


def _os_system(config):
    config["config"]["layers"][1]["config"]["activation"] = {
        "module": "os", "class_name": "function", "config": "system", "registered_name": "function"}


def _subprocess_module(config):
    config["config"]["layers"][1]["module"] = "subprocess"
    config["config"]["layers"][1]["class_name"] = "Popen"


def _module_in_keras_utils(config):  # outside kc's modelling modules
    config["config"]["layers"][1]["module"] = "keras.utils"
    config["config"]["layers"][1]["class_name"] = "get_file"


@pytest.mark.parametrize("edit, name", [(_exec_call, "exec"), (_os_system, "system"),
                                        (_subprocess_module, "Popen"),
                                        (_module_in_keras_utils, "get_file")])
def test_configs_naming_code_outside_kc_are_refused(tmp_path, saved, edit, name, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _with_config(tmp_path, saved[1], edit)
    with pytest.raises((ValueError, TypeError), match=name):
        kc.saving.load_model(path)
    assert not os.path.exists(MARKER)


@pytest.mark.parametrize("name", ["/etc/evil", "../evil", "assets/../../evil", "C:/evil",
                                  "assets\\..\\evil"])
def test_zip_members_escaping_the_folder_are_refused(tmp_path, saved, name):
    path = str(tmp_path / "traversal.keras")
    _write(path, {**saved[1], name: b"x"})
    with pytest.raises(ValueError, match="Refusing"):
        kc.saving.load_model(path)
    assert not os.path.exists(tmp_path.parent / "evil")


def test_weights_with_shapes_that_disagree_with_the_config_are_refused(tmp_path, saved):
    members = copy.copy(saved[1])
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["config"]["units"] = 5
    config["config"]["layers"][2]["build_config"]["input_shape"] = [None, 5]
    path = _with_config(tmp_path, members, lambda c: c.update(config))
    with pytest.raises(ValueError, match=r"Dense.*'layers/dense'.*\(4, 5\).*\(4, 3\)"):
        kc.saving.load_model(path)


def _truncate(data):
    return data[: len(data) // 2]


@pytest.mark.parametrize("damage", ["truncated_zip", "not_zip", "bad_json", "bad_h5", "no_weights"])
def test_corrupt_archives_give_a_clear_error(tmp_path, saved, damage):
    path = str(tmp_path / "bad.keras")
    members = dict(saved[1])
    if damage == "truncated_zip":
        open(path, "wb").write(_truncate(open(saved[0], "rb").read()))
    elif damage == "not_zip":
        open(path, "wb").write(b"hello, not a zip file")
    else:
        if damage == "bad_json":
            members["config.json"] = b'{"class_name": "Sequential", '
        elif damage == "bad_h5":
            members["model.weights.h5"] = _truncate(members["model.weights.h5"])
        else:
            del members["model.weights.h5"]
        _write(path, members)
    with pytest.raises(ValueError) as info:
        kc.saving.load_model(path)
    assert "bad.keras" in str(info.value)


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_corrupt_weights_files_give_a_clear_error(tmp_path, damage):
    model = _model()
    path = str(tmp_path / "w.weights.h5")
    model.save_weights(path)
    data = open(path, "rb").read()
    open(path, "wb").write(_truncate(data) if damage == "truncated" else b"\0" * 100)
    with pytest.raises(ValueError, match="w.weights.h5"):
        model.load_weights(path)


def test_a_crash_mid_save_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    model = _model()
    for name in ("m.keras", "m.weights.h5"):
        path = tmp_path / name
        (model.save if name.endswith(".keras") else model.save_weights)(str(path))
        before = path.read_bytes()
        calls = {"n": 0}
        original = h5py.Group.create_dataset

        def failing(self, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError("disk full (simulated)")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(h5py.Group, "create_dataset", failing)
        with pytest.raises(OSError, match="simulated"):
            (model.save if name.endswith(".keras") else model.save_weights)(str(path))
        monkeypatch.undo()
        assert path.read_bytes() == before
        assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
        assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_a_failed_load_leaves_the_weights_unchanged(tmp_path):
    model = _model()
    path = str(tmp_path / "w.weights.h5")
    model.save_weights(path)
    with h5py.File(path, "a") as f:  # the second layer's kernel now has the wrong shape
        del f["layers/dense_1/vars/0"]
        f["layers/dense_1/vars/0"] = np.zeros((3, 7), "float32")
    target = _model()
    before = target.get_weights()
    with pytest.raises(ValueError, match=r"\(3, 7\)"):
        target.load_weights(path)
    for a, b in zip(target.get_weights(), before):
        np.testing.assert_array_equal(a, b)


class CustomState(layers.Layer):
    """A layer with its own load_own_variables that fails: the load must roll back."""

    def build(self, input_shape):
        self.v = self.add_weight(shape=(2,), initializer="zeros")

    def call(self, x):
        return x

    def load_own_variables(self, store):
        raise RuntimeError("custom loader failed")


def test_a_failing_custom_loader_rolls_everything_back(tmp_path):
    def make():
        inp = kc.Input((4,))
        return kc.Model(inp, CustomState()(layers.Dense(4)(inp)))

    model = make()
    path = str(tmp_path / "c.weights.h5")
    model.save_weights(path)
    target = make()
    before = target.get_weights()
    with pytest.raises(ValueError, match="custom loader failed"):
        target.load_weights(path)
    for a, b in zip(target.get_weights(), before):
        np.testing.assert_array_equal(a, b)
