"""Tests for kc.serialization (and its kc.saving re-exports).

Expected configs are the dicts Keras 3.15 writes (checked with the Keras oracle;
one test compares the backend-independent rows against Keras directly). Safe-mode
rows are attack shapes that must be refused without importing or calling anything.
"""

import subprocess
import sys
import threading

import numpy as np
import pytest
from kc_testing import BACKEND, keras_oracle, to_numpy

import kc
from kc import serialization as ser
from kc.serialization import _deserialize

S = ser.serialize_keras_object
D = ser.deserialize_keras_object


# --- small custom objects --------------------------------------------------------------

class Scale:
    """An unregistered custom object."""

    def __init__(self, factor=2.0, inner=None):
        self.factor, self.inner = factor, inner

    def get_config(self):
        return {"factor": self.factor, "inner": self.inner}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["inner"] = D(config["inner"])
        return cls(**config)


@ser.register_keras_serializable(package="kc_test")
class Shift(Scale):
    """A registered custom object."""


@ser.register_keras_serializable(package="kc_test", name="twice")
def double(x):
    return 2 * x


def triple(x):
    return 3 * x


class Built(Scale):
    """Has build/compile configs, like a layer or a model."""

    def __init__(self, factor=2.0, inner=None):
        super().__init__(factor, inner)
        self.built_with = self.compiled_with = None

    def get_build_config(self):
        return None if self.built_with is None else {"input_shape": self.built_with}

    def build_from_config(self, config):
        self.built_with = tuple(config["input_shape"])

    def get_compile_config(self):
        return {} if self.compiled_with is None else {"loss": self.compiled_with}

    def compile_from_config(self, config):
        self.compiled_with = config["loss"]


def _cfg(module, class_name, config, registered_name=None):
    return {"module": module, "class_name": class_name, "config": config,
            "registered_name": registered_name}


# --- serialize: primitives, containers, special forms -----------------------------------

SERIALIZE_ROWS = {
    "none": (None, None),
    "bool": (True, True),
    "int": (3, 3),
    "float": (2.5, 2.5),
    "str": ("s", "s"),
    "np_float64_is_float": (np.float64(1.5), np.float64(1.5)),  # a float: passes (Keras)
    "tuple": ((1, 2), (1, 2)),
    "nested": ([1, (2, [3])], [1, (2, [3])]),
    "dict": ({"a": (1, 2), 3: "x"}, {"a": (1, 2), 3: "x"}),
    "bytes": (b"ab", {"class_name": "__bytes__", "config": {"value": "ab"}}),
    "slice": (slice(1, None, 2),
              {"class_name": "__slice__", "config": {"start": 1, "stop": None, "step": 2}}),
    "ellipsis": (..., {"class_name": "__ellipsis__", "config": {}}),
    "function": (triple, _cfg("builtins", "function", "triple", "function")),
    "registered_function": (double, _cfg("builtins", "function", "kc_test>twice", "function")),
    "bytes_in_list": ([b"x", 1], [{"class_name": "__bytes__", "config": {"value": "x"}}, 1]),
}


@pytest.mark.parametrize("name", list(SERIALIZE_ROWS))
def test_serialize_rows(name):
    value, expected = SERIALIZE_ROWS[name]
    out = S(value)
    assert out == expected
    assert type(out) is type(expected)


@pytest.mark.slow  # importing Keras takes long on a loaded machine
@pytest.mark.parametrize("name", ["none", "bool", "int", "float", "str", "tuple", "nested", "dict",
                                  "bytes", "slice", "ellipsis", "bytes_in_list"])
def test_serialize_matches_keras(name):
    keras = keras_oracle()
    value = SERIALIZE_ROWS[name][0]
    assert S(value) == keras.saving.serialize_keras_object(value)


@pytest.mark.parametrize("value", [{1, 2}, 1 + 2j, np.dtype("float32"), object()])
def test_serialize_unserializable(value):
    with pytest.raises(TypeError, match="get_config"):
        S(value)


def test_serialize_class_itself_is_refused():
    with pytest.raises(TypeError, match="Scale"):
        S(Scale)


def test_numpy_and_tensors():
    array = np.array([[1.0, 2.0]], dtype="float32")
    numpy_form = "__tensor__" if BACKEND == "numpy" else "__numpy__"
    assert S(array) == {"class_name": numpy_form,
                        "config": {"value": [[1.0, 2.0]], "dtype": "float32"}}
    scalar = S(np.int32(7))
    assert scalar == (7 if BACKEND != "numpy" else
                      {"class_name": "__tensor__", "config": {"value": 7, "dtype": "int32"}})
    tensor = kc.ops.convert_to_tensor(np.array([1, 2], dtype="int32"))
    config = S(tensor)
    assert config == {"class_name": "__tensor__", "config": {"value": [1, 2], "dtype": "int32"}}
    back = D(config)
    assert kc.backend.is_tensor(back)
    np.testing.assert_array_equal(to_numpy(back), [1, 2])
    assert kc.dtypes.standardize_dtype(back.dtype) == "int32"
    back_np = D({"class_name": "__numpy__", "config": {"value": [1.5], "dtype": "float16"}})
    assert isinstance(back_np, np.ndarray) and back_np.dtype == np.float16
    bf16 = {"class_name": "__tensor__", "config": {"value": [1.0, 2.5], "dtype": "bfloat16"}}
    back = D(bf16)
    assert kc.dtypes.standardize_dtype(back.dtype) == "bfloat16"
    assert S(back) == bf16


def test_keras_tensor_round_trip():
    config = S(kc.KerasTensor((None, 3), dtype="float16"))
    assert config == {"class_name": "__keras_tensor__",
                      "config": {"shape": (None, 3), "dtype": "float16", "keras_history": None}}
    back = D(config)
    assert isinstance(back, kc.KerasTensor)
    assert back.shape == (None, 3) and back.dtype == "float16"


@pytest.mark.parametrize("value", [b"ab", slice(None, 3, None), ..., [1, (2, b"z")],
                                   {"k": [slice(1, 2), b""]}, None, "relu_not_registered"])
def test_special_forms_round_trip(value):
    expected = list(value) if isinstance(value, list) else value
    back = D(S(value))
    if isinstance(value, list):  # tuples come back as lists, as in Keras
        assert back == [1, [2, b"z"]]
    else:
        assert back == expected


# --- serialize / deserialize custom objects ---------------------------------------------

def test_registered_class_round_trip():
    config = S(Shift(3.0, inner=b"q"))
    assert config == _cfg(__name__, "Shift",
                          {"factor": 3.0, "inner": {"class_name": "__bytes__", "config": {"value": "q"}}},
                          "kc_test>Shift")
    back = D(config)
    assert type(back) is Shift and back.factor == 3.0 and back.inner == b"q"


def test_registered_class_resolves_from_any_module_name():
    back = D(_cfg("some.other.module", "Shift", {"factor": 4.0, "inner": None}, "kc_test>Shift"))
    assert type(back) is Shift and back.factor == 4.0


def test_unregistered_class_needs_custom_objects():
    config = S(Scale(5.0))
    assert config == _cfg(__name__, "Scale", {"factor": 5.0, "inner": None}, "Scale")
    with pytest.raises((TypeError, ValueError), match="Scale"):
        D(config)
    assert D(config, custom_objects={"Scale": Scale}).factor == 5.0
    with ser.custom_object_scope({"Scale": Scale}):
        assert D(config).factor == 5.0


def test_nested_objects_round_trip():
    outer = Scale(1.0, inner=Shift(2.0, inner=Scale(3.0)))
    config = S(outer)
    assert config["config"]["inner"]["registered_name"] == "kc_test>Shift"
    assert config["config"]["inner"]["config"]["inner"]["class_name"] == "Scale"
    back = D(config, custom_objects={"Scale": Scale})  # seen by the nested from_config calls
    assert (back.factor, back.inner.factor, back.inner.inner.factor) == (1.0, 2.0, 3.0)
    assert type(back.inner) is Shift


def test_functions_round_trip():
    assert D(S(double)) is double
    with pytest.raises(TypeError, match="Could not locate function 'triple'"):
        D(S(triple))
    assert D(S(triple), custom_objects={"triple": triple}) is triple
    assert D(S(triple), module_objects={"triple": triple}) is triple
    assert D([S(double), {"f": S(double)}]) == [double, {"f": double}]


def test_build_and_compile_configs():
    obj = Built(1.0)
    assert S(obj) == {**_cfg(__name__, "Built", {"factor": 1.0, "inner": None}, "Built"),
                      "compile_config": {}}
    obj.built_with, obj.compiled_with = (None, 4), "mse"
    config = S(obj)
    assert config["build_config"] == {"input_shape": (None, 4)}
    assert config["compile_config"] == {"loss": "mse"}
    back = D(config, custom_objects={"Built": Built})
    assert back.built_with == (None, 4) and back.compiled_with == "mse"
    config.pop("build_config")
    config["compile_config"] = {}
    back = D(config, custom_objects={"Built": Built})
    assert back.built_with is None and back.compiled_with is None


def test_from_config_errors_are_chained():
    class NoFromConfig:
        def get_config(self):
            return {}

    with pytest.raises(TypeError, match="from_config"):
        D(S(NoFromConfig()), custom_objects={"NoFromConfig": NoFromConfig})
    with pytest.raises(TypeError, match="Scale.from_config") as info:
        D(_cfg(None, "Scale", {"factor": 1, "inner": None, "bogus": 1}), custom_objects={"Scale": Scale})
    assert isinstance(info.value.__cause__, TypeError)
    with pytest.raises(TypeError, match="Expected 'config' to be a dict"):
        D(_cfg(None, "Scale", "x"), custom_objects={"Scale": Scale})


# --- registry --------------------------------------------------------------------------

def test_register_requires_get_config():
    class NoConfig:
        pass

    with pytest.raises(ValueError, match="get_config"):
        ser.register_keras_serializable(package="kc_test")(NoConfig)
    assert "kc_test>NoConfig" not in ser.get_custom_objects()
    with pytest.raises(TypeError, match="int"):
        ser.register_keras_serializable()(3)


def test_register_names_and_duplicates():
    def first(x):
        return x

    def second(x):
        return x

    try:
        assert ser.register_keras_serializable()(first) is first
        assert ser.get_registered_name(first) == "Custom>first"
        ser.register_keras_serializable(name="first")(second)  # replaces, as in Keras
        assert ser.get_registered_object("Custom>first") is second
        assert ser.get_registered_name(second) == "Custom>first"
    finally:
        ser.get_custom_objects().pop("Custom>first", None)
    assert ser.get_registered_name(Shift) == "kc_test>Shift"
    assert ser.get_registered_name(double) == "kc_test>twice"
    assert ser.get_registered_name(Scale) == "Scale"
    with pytest.raises(TypeError, match="instance of Scale"):
        ser.get_registered_name(Scale())


def test_get_registered_object_order():
    # Keras order: scopes (innermost first), global registry, custom_objects, module_objects.
    custom, module = {"X": "custom", "Y": "custom"}, {"X": "module", "Y": "module", "Z": "module"}
    ser.get_custom_objects()["X"] = "global"
    try:
        assert ser.get_registered_object("Z", custom, module) == "module"
        assert ser.get_registered_object("Y", custom, module) == "custom"
        assert ser.get_registered_object("X", custom, module) == "global"
        with ser.custom_object_scope({"X": "outer"}):
            assert ser.get_registered_object("X", custom, module) == "outer"
            with ser.CustomObjectScope({"X": "inner"}):
                assert ser.get_registered_object("X") == "inner"
            assert ser.get_registered_object("X") == "outer"
        assert ser.get_registered_object("X") == "global"
        assert ser.get_registered_object("nope", custom, module) is None
    finally:
        del ser.get_custom_objects()["X"]
    assert "X" not in ser.get_custom_objects()


def test_deserialize_resolution_order():
    # As Keras 3.15: scopes, then the global registry, then custom_objects; a kc/Keras
    # built-in class named by its module ignores the tables; functions look tables up first.
    class Other(Scale):
        pass

    config = S(Shift(1.0))
    assert type(D(config, custom_objects={"kc_test>Shift": Other})) is Shift
    with ser.custom_object_scope({"kc_test>Shift": Other}):
        assert type(D(config)) is Other
    with ser.custom_object_scope({"Scale": Other}):
        assert type(D(S(Scale()), custom_objects={"Scale": Scale})) is Other
    assert D(_cfg("keras.ops", "add", {}), custom_objects={"add": triple}) is kc.ops.add
    assert D(_cfg("keras.ops", "function", "add", "function"),
             custom_objects={"add": triple}) is triple
    assert D("kc_test>twice", custom_objects={"kc_test>twice": triple}) is double


def test_scopes_are_per_thread():
    seen = []
    with ser.custom_object_scope({"T": 1}):
        thread = threading.Thread(target=lambda: seen.append(ser.get_registered_object("T")))
        thread.start()
        thread.join()
        assert ser.get_registered_object("T") == 1
    assert seen == [None]


def test_custom_object_scope_validates():
    with pytest.raises(TypeError, match="custom_objects"):
        ser.custom_object_scope([("a", 1)])


def test_string_configs():
    assert D("kc_test>twice") is double
    assert D("kc_test>Shift") is Shift  # a class, not an instance (as Keras)
    assert D("unknown_name") == "unknown_name"
    assert D("a", module_objects={"a": triple}) is triple


# --- kc built-ins -----------------------------------------------------------------------

def test_kc_module_paths(monkeypatch):
    assert D(_cfg("keras.ops", "add", {})) is kc.ops.add
    assert D(_cfg("kc.ops", "add", {})) is kc.ops.add
    assert D(_cfg("keras.ops", "function", "relu", "function")) is kc.ops.relu
    monkeypatch.setattr(_deserialize, "BUILTIN_FUNCTION_MODULES", ("kc.ops",))
    assert D(_cfg("builtins", "function", "relu", "function")) is kc.ops.relu
    with pytest.raises(TypeError, match="Could not locate function 'print'"):
        D(_cfg("builtins", "function", "print", "function"))


def test_public_keras_module():
    def make(module, **attrs):
        return type("Thing", (), {"__module__": module, **attrs})

    rows = [("kc.initializers._random", "keras.initializers"),
            ("kc.layers._core._dense", "keras.layers"),
            ("kc.optimizers.schedules._decay", "keras.optimizers.schedules"),
            ("kc.dtype_policies._policy", "keras.dtype_policies"),
            ("my_package.layers", "my_package.layers"),
            ("__main__", None)]
    for module, expected in rows:
        assert ser.public_keras_module(make(module)) == expected, module
    assert ser.public_keras_module(make("kc.dtype_policies._p", _keras_module="keras")) == "keras"
    # The override belongs to its class, not to subclasses defined elsewhere.
    base = make("kc.models._sequential", _keras_module="keras")
    sub = type("Sub", (base,), {"__module__": "user_models"})
    assert ser.public_keras_module(sub) == "user_models"


def test_kc_builtin_class_config():
    cls = type("Zeros", (), {"__module__": "kc.initializers._constant",
                             "get_config": lambda self: {}})
    assert S(cls()) == _cfg("keras.initializers", "Zeros", {})
    functional = type("Functional", (), {
        "__module__": "kc.models._functional", "_keras_module": "keras.src.models.functional",
        "_keras_registered_name": "Functional", "get_config": lambda self: {}})
    assert S(functional()) == _cfg("keras.src.models.functional", "Functional", {}, "Functional")


def test_unknown_kc_names_are_clear():
    with pytest.raises(ValueError, match="no class or function 'addd'.*Did you mean: add"):
        D(_cfg("keras.ops", "addd", {}))
    with pytest.raises(TypeError, match="Could not locate class 'Nothing'"):
        D(_cfg(None, "Nothing", {}))


# --- safe mode --------------------------------------------------------------------------

ATTACKS = {
    # a module outside kc/Keras: never imported in safe mode
    "os_system": (_cfg("os", "system", "echo pwned"), ValueError),
    "os_system_dict": (_cfg("os", "system", {}), ValueError),
    "subprocess": (_cfg("subprocess", "Popen", {"args": ["true"]}), ValueError),
    "builtins_eval": (_cfg("builtins", "eval", "1+1"), ValueError),
    "builtins_exec_dict": (_cfg("builtins", "exec", {}), ValueError),
    "this_module": (_cfg("this", "s", {}), ValueError),
    "function_in_os": (_cfg("os", "function", "system", "function"), ValueError),
    # "builtins"/"function" is a marker, not Python's builtins module
    "function_dotted": (_cfg("builtins", "function", "os.system", "function"), TypeError),
    "function_eval": (_cfg("builtins", "function", "eval", "function"), TypeError),
    "function_import": (_cfg("builtins", "function", "__import__", "function"), TypeError),
    "registered_name_os": (_cfg("os", "system", {}, "os.system"), ValueError),
    # kc/Keras module names: only public modeling objects
    "kc_private_module": (_cfg("kc._lazy", "resolve", {}), ValueError),
    "kc_private_attr": (_cfg("keras.ops", "_private", {}), ValueError),
    "keras_dunder": (_cfg("keras.layers", "__class__", {}), ValueError),
    "keras_src_private": (_cfg("keras.src.saving.serialization_lib", "_retrieve", {}), ValueError),
    "keras_src_non_modeling": (_cfg("keras.src.utils.file_utils", "get_file", {}), ValueError),
    "keras_utils": (_cfg("keras.utils", "get_file", {"origin": "http://x"}), ValueError),
    "kc_backend": (_cfg("kc.backend", "convert_to_tensor", {}), ValueError),
    "kc_config": (_cfg("keras.config", "set_backend", {}), ValueError),
    "kc_saving": (_cfg("keras.saving", "load_model", {}), ValueError),
    "kc_top_function": (_cfg("keras", "version", {}), ValueError),
    "kc_top_module": (_cfg("keras", "ops", {}), ValueError),
    "kc_function_private": (_cfg("keras.ops", "function", "_private", "function"), ValueError),
    "kc_imported_module_attr": (_cfg("keras.ops", "np", {}), ValueError),
    # Python bytecode
    "lambda": ({"class_name": "__lambda__", "config": {"value": ("AAAA", None, None)}}, ValueError),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_safe_mode_refuses(name):
    config, error = ATTACKS[name]
    before = set(sys.modules)
    with pytest.raises(error) as info:
        D(config)
    new_modules = {m for m in set(sys.modules) - before if not m.startswith("kc")}
    assert not new_modules, f"safe mode imported {new_modules}"
    if error is ValueError and "class_name" in config and config.get("module", "keras")[:2] not in ("ke", "kc"):
        assert "safe_mode=False" in str(info.value)
    # Nested inside a config a registered object deserializes, the refusal still holds.
    with pytest.raises(error):
        D(_cfg(None, "Shift", {"factor": 1.0, "inner": config}, "kc_test>Shift"))


def test_safe_mode_never_imports_a_module():
    # `this` prints the Zen of Python when imported: a subprocess shows whether it was.
    code = (
        "from kc.serialization import deserialize_keras_object as D\n"
        "import sys\n"
        "try:\n"
        "    D({'module': 'this', 'class_name': 's', 'config': {}, 'registered_name': None})\n"
        "except ValueError:\n"
        "    pass\n"
        "print('this' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unsafe_mode_imports_modules():
    import os.path

    assert D(_cfg("os.path", "function", "join", "function"), safe_mode=False) is os.path.join
    with pytest.raises(TypeError, match="from_config"):  # a class must still have from_config
        D(_cfg("collections", "OrderedDict", {}), safe_mode=False)
    with pytest.raises(TypeError, match="Could not locate class 'nope'"):
        D(_cfg("collections", "nope", {}), safe_mode=False)
    with pytest.raises(ValueError, match="private"):  # kc private names stay refused
        D(_cfg("kc._lazy", "resolve", {}), safe_mode=False)


def test_lambda_round_trip_unsafe():
    offset = 10
    fn = lambda x, y=2: x * y + offset  # noqa: E731
    with pytest.warns(UserWarning, match="safe_mode=False"):
        config = S(fn)
    assert config["class_name"] == "__lambda__"
    code, defaults, closure = config["config"]["value"]
    assert isinstance(code, str) and defaults == (2,) and closure == (10,)
    with pytest.raises(ValueError, match="safe_mode=False"):
        D(config)
    back = D(config, safe_mode=False)
    assert back(3) == 16 and back(3, 3) == 19
    assert D({"class_name": "__lambda__", "config": {"value": [code, [2], [10]]}},
             safe_mode=False)(1) == 12  # JSON turns tuples into lists


# Written by Keras 3.15 (Python 3.11) for `lambda x, y=2: x * y + 1`.
KERAS_LAMBDA = {"class_name": "__lambda__", "config": {"value": (
    "4wIAAAAAAAAAAAAAAAIAAAADAAAA8xIAAACXAHwAfAF6BQAAZAF6AAAAUwApAk7pAQAAAKkAKQLa\n"
    "AXjaAXlzAgAAACAg+gsvdG1wL2xhbS5wefoIPGxhbWJkYT5yBwAAAAIAAABzDgAAAIAAkDGQcZE1\n"
    "mDGROYAA8wAAAAA=\n", (2,), None)}}


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="bytecode written by Python 3.11")
def test_lambda_from_keras_loads():
    with pytest.raises(ValueError, match="safe_mode=False"):
        D(KERAS_LAMBDA)
    fn = D(KERAS_LAMBDA, safe_mode=False)
    assert fn(3) == 7 and fn(3, 3) == 10


def test_lambda_from_other_python_is_a_clear_error():
    config = {"class_name": "__lambda__", "config": {"value": ("bm90IGJ5dGVjb2Rl\n", None, None)}}
    with pytest.raises(ValueError, match="Python version"):
        D(config, safe_mode=False)


@pytest.mark.filterwarnings("ignore:Serializing a Python lambda")
def test_safe_mode_scope():
    config = S(lambda x: x)
    assert ser.in_safe_mode() is None
    with ser.SafeModeScope(True):
        assert ser.in_safe_mode() is True
        with pytest.raises(ValueError, match="lambda"):
            D(config, safe_mode=False)  # the scope wins over the argument
        with ser.SafeModeScope(None):
            assert ser.in_safe_mode() is True
    with ser.SafeModeScope(False):
        assert D(config)(5) == 5
    assert ser.in_safe_mode() is None
    # A from_config deserializing a lambda inherits the caller's safe_mode.
    nested = _cfg(None, "Shift", {"factor": 1.0, "inner": config}, "kc_test>Shift")
    with pytest.raises(ValueError, match="lambda"):
        D(nested)
    assert D(nested, safe_mode=False).inner(7) == 7
    with pytest.raises(TypeError, match="safe_mode"):
        ser.SafeModeScope("no")
    with pytest.raises(ValueError, match="lambda"):
        D(config, safe_mode=None)  # None is not an opt-out


# --- kc.saving --------------------------------------------------------------------------

def test_kc_saving_exports():
    import kc.saving

    names = ["CustomObjectScope", "custom_object_scope", "get_custom_objects",
             "get_registered_name", "get_registered_object", "register_keras_serializable",
             "serialize_keras_object", "deserialize_keras_object"]
    for name in names:
        assert getattr(kc.saving, name) is getattr(ser, name), name
    assert kc.saving.custom_object_scope is kc.saving.CustomObjectScope
    files = ["KerasFileEditor", "load_model", "load_weights", "save_model", "save_weights",
             "model_from_json"]  # kc-io's own
    assert sorted(kc.saving.__all__) == sorted(names + files)


@pytest.mark.slow
def test_kc_saving_names_exist_in_keras():
    import kc.saving

    assert set(kc.saving.__all__) <= set(dir(keras_oracle().saving))


@pytest.mark.parametrize("module", ["keras.src.backend.torch.optimizers.torch_adam",
                                    "keras.src.backend.tensorflow.optimizers.tf_adam"])
def test_keras_backend_optimizer_subclasses_resolve_to_kc_optimizers(module):
    # Keras on torch/tf saves its optimizers as backend subclasses under these modules.
    config = {"module": module, "class_name": "Adam", "registered_name": "Adam",
              "config": {"learning_rate": 0.01}}
    optimizer = kc.serialization.deserialize_keras_object(config)
    assert type(optimizer) is kc.optimizers.Adam
    assert float(kc.ops.convert_to_numpy(optimizer.learning_rate)) == pytest.approx(0.01)
    with pytest.raises(ValueError, match="not a modeling module"):
        kc.serialization.deserialize_keras_object(
            {"module": "keras.src.backend.torch.core", "class_name": "Variable", "config": {}})
