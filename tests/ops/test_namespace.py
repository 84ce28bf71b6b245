"""The kc namespace: lazy top-level names, config, backend selection, import hygiene."""

import json
import os
import subprocess
import sys

import pytest

import kc
from kc_testing import BACKEND

ENV = dict(os.environ)


def _run(code: str, **env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in ENV.items() if k not in ("KC_BACKEND", "KERAS_BACKEND")}
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120)


def test_import_kc_as_keras_runs_ops():
    import kc as keras

    out = keras.ops.add(keras.ops.convert_to_tensor([1.0, 2.0]), 1.0)
    assert keras.ops.convert_to_numpy(out).tolist() == [2.0, 3.0]


@pytest.mark.parametrize("name", ["ops", "config", "backend", "random", "tree", "dtypes",
                                  "KerasTensor", "Operation", "Function", "Variable",
                                  "StatelessScope", "SymbolicScope", "name_scope", "device"])
def test_kc_ops_names_resolve(name):
    assert getattr(kc, name) is not None


def test_unknown_top_level_name():
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        kc.NoSuchThing  # noqa: B018


def test_missing_module_names_its_distribution():
    from kc import _lazy

    with pytest.raises(ImportError, match="kc-nonexistent"):
        _lazy.require("kc.nonexistent_module", "kc-nonexistent")
    with pytest.raises(ImportError, match="kc-ops distribution does not provide"):
        _lazy.require("kc.nonexistent_module", "kc-ops")


@pytest.mark.parametrize("getter, setter, value", [
    ("floatx", "set_floatx", "float16"),
    ("epsilon", "set_epsilon", 1e-5),
    ("image_data_format", "set_image_data_format", "channels_first"),
])
def test_config_round_trip(getter, setter, value):
    old = getattr(kc.config, getter)()
    try:
        getattr(kc.config, setter)(value)
        assert getattr(kc.config, getter)() == value
        assert getattr(kc.backend, getter)() == value
    finally:
        getattr(kc.config, setter)(old)


@pytest.mark.parametrize("setter, bad", [("set_floatx", "int8"), ("set_image_data_format", "nhwc")])
def test_config_rejects_bad_values(setter, bad):
    with pytest.raises(ValueError, match=repr(bad)):
        getattr(kc.config, setter)(bad)


def test_config_flags():
    kc.config.disable_flash_attention()
    assert kc.config.is_flash_attention_enabled() is False
    kc.config.enable_flash_attention()
    assert kc.config.is_flash_attention_enabled() is True
    kc.config.set_max_epochs(3)
    assert kc.config.max_epochs() == 3
    kc.config.set_max_epochs(None)
    assert kc.config.is_nnx_enabled() is False


def test_backend_names_match_keras_backend_namespace():
    for name in ("backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format",
                 "is_float_dtype", "is_int_dtype", "is_keras_tensor", "result_type", "set_epsilon",
                 "set_floatx", "set_image_data_format", "standardize_dtype"):
        assert callable(getattr(kc.backend, name)), name
    assert kc.backend.backend() == BACKEND
    assert kc.backend.is_keras_tensor(kc.KerasTensor((2,)))
    assert not kc.backend.is_keras_tensor(kc.ops.convert_to_tensor([1.0]))


def test_get_uid_and_clear_session():
    kc.backend.clear_session()
    assert kc.backend.get_uid("foo") == 1
    assert kc.backend.get_uid("foo") == 2
    kc.backend.clear_session()
    assert kc.backend.get_uid("foo") == 1


def test_unknown_backend_lists_valid_ones():
    r = _run("import kc.ops", KC_BACKEND="mxnet")
    assert r.returncode != 0
    assert "unknown backend 'mxnet'" in r.stderr and "numpy" in r.stderr and "tensorflow" in r.stderr


def test_selection_order(tmp_path):
    (tmp_path / "kc.json").write_text(json.dumps({"backend": "numpy", "floatx": "float16"}))
    code = "import kc; print(kc.config.backend(), kc.config.floatx())"
    assert _run(code, KC_HOME=str(tmp_path)).stdout.split() == ["numpy", "float16"]
    assert _run(code, KC_HOME=str(tmp_path), KERAS_BACKEND="jax").stdout.split()[0] == "jax"
    assert _run(code, KC_HOME=str(tmp_path), KERAS_BACKEND="jax",
                KC_BACKEND="numpy").stdout.split()[0] == "numpy"


def test_numpy_backend_imports_no_framework():
    code = ("import kc.ops, sys; bad = {'jax','torch','tensorflow'} & set(sys.modules); "
            "assert not bad, bad; print('ok')")
    r = _run(code, KC_BACKEND="numpy")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_importing_kc_imports_no_framework():
    r = _run("import kc, sys; print(sorted({'jax','torch','tensorflow'} & set(sys.modules)))",
             KC_BACKEND="torch")
    assert r.stdout.strip() == "[]", r.stderr
