"""kc.dtype_policies and kc.mixed_precision: policies, configs, lookup, the global policy."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import kc
from kc.dtype_policies import _global
from kc_testing import BACKEND, dtype_name, keras_oracle

KERAS_INT = "int64" if BACKEND == "tensorflow" else "int32"

dp = kc.dtype_policies


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Every test leaves the global policy and floatx as it found them."""
    policy, floatx = _global._global_policy, kc.config.floatx()
    yield
    _global._global_policy = policy
    kc.config.set_floatx(floatx)


def _config(class_name, name, module="keras"):
    return {"module": module, "class_name": class_name, "config": {"name": name},
            "registered_name": None}


# (name, expected repr name, compute dtype, variable dtype) — values as Keras 3.15 gives them.
POLICIES = [
    (None, "float32", "float32", "float32"),
    ("float32", "float32", "float32", "float32"),
    ("float16", "float16", "float16", "float16"),
    ("bfloat16", "bfloat16", "bfloat16", "bfloat16"),
    ("float64", "float64", "float64", "float64"),
    ("mixed_float16", "mixed_float16", "float16", "float32"),
    ("mixed_bfloat16", "mixed_bfloat16", "bfloat16", "float32"),
    ("int32", "int32", "int32", "int32"),
    ("int", "int", KERAS_INT, KERAS_INT),  # Keras's "int": int64 on tensorflow
    ("bool", "bool", "bool", "bool"),
]


@pytest.mark.parametrize("name, policy_name, compute, variable", POLICIES)
def test_policy_properties_and_config(name, policy_name, compute, variable):
    policy = dp.DTypePolicy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (policy_name, compute, variable)
    assert policy.quantization_mode is None
    assert repr(policy) == f'<DTypePolicy "{policy_name}">'
    assert policy.get_config() == {"name": policy_name}
    assert dp.serialize(policy) == _config("DTypePolicy", policy_name)
    again = dp.deserialize(dp.serialize(policy))
    assert type(again) is dp.DTypePolicy and again == policy


@pytest.mark.slow  # importing Keras takes a minute or more on a loaded machine
def test_serialized_configs_match_keras():
    """The expected dicts above were taken from Keras 3.15; this re-checks them against it."""
    keras = keras_oracle()
    for name, *_ in POLICIES:
        for kc_cls, keras_cls in [(dp.DTypePolicy, keras.dtype_policies.DTypePolicy),
                                  (dp.FloatDTypePolicy, keras.dtype_policies.FloatDTypePolicy)]:
            assert dp.serialize(kc_cls(name)) == keras.dtype_policies.serialize(keras_cls(name)), name
    keras_map = keras.dtype_policies.DTypePolicyMap(default_policy="mixed_float16")
    assert (dp.serialize(dp.DTypePolicyMap(default_policy="mixed_float16"))
            == keras.dtype_policies.serialize(keras_map))


def test_float_dtype_policy_alias():
    policy = dp.FloatDTypePolicy("mixed_float16")
    assert isinstance(policy, dp.DTypePolicy)
    assert (policy.compute_dtype, policy.variable_dtype) == ("float16", "float32")
    assert repr(policy) == '<DTypePolicy "mixed_float16">'
    assert dp.serialize(policy) == _config("FloatDTypePolicy", "mixed_float16")
    assert type(dp.deserialize(dp.serialize(policy))) is dp.FloatDTypePolicy


# (left, right, equal?) — Keras: same name and same class (FloatDTypePolicy counts as DTypePolicy).
class _SubPolicy(dp.DTypePolicy):
    pass


EQUALITY = [
    (dp.DTypePolicy("float32"), dp.DTypePolicy(), True),
    (dp.DTypePolicy("float32"), dp.DTypePolicy("float16"), False),
    (dp.DTypePolicy("mixed_float16"), dp.FloatDTypePolicy("mixed_float16"), True),
    (dp.FloatDTypePolicy("float16"), dp.DTypePolicy("float16"), True),
    (dp.DTypePolicy("float32"), _SubPolicy("float32"), False),
    (dp.DTypePolicy("float32"), "float32", False),
]


@pytest.mark.parametrize("left, right, equal", EQUALITY)
def test_equality(left, right, equal):
    assert (left == right) is equal and (left != right) is (not equal)


def test_policies_are_unhashable_like_keras():
    with pytest.raises(TypeError):
        hash(dp.DTypePolicy())


@pytest.mark.parametrize("name, error, match", [
    ("foo", ValueError, r"'foo'.*mixed_float16.*mixed_bfloat16.*float32"),
    ("mixed_float32", ValueError, "mixed_float32"),
    ("float", ValueError, "'float'"),
    (3, TypeError, "str"),
    (np.float32, TypeError, "str"),
])
def test_policy_bad_names(name, error, match):
    with pytest.raises(error, match=match):
        dp.DTypePolicy(name)


# convert_input: (input maker, autocast, target dtype, expected dtype or None for "unchanged")
def _variable(dtype):
    return lambda: kc.Variable(np.array([1.5, 2.0]), dtype=dtype)


CONVERT = [
    (lambda: np.array([1.5, 2.0], "float32"), True, "float16", "float16"),
    (lambda: np.array([1.5, 2.0], "float32"), False, "float16", "float32"),
    (lambda: np.array([1, 2], "int32"), True, "float16", "int32"),
    (lambda: kc.ops.convert_to_tensor([1.5, 2.0]), True, "bfloat16", "bfloat16"),
    (lambda: kc.ops.convert_to_tensor([1.5, 2.0], "float16"), True, "float32", "float32"),
    (_variable("float32"), True, "float16", "float16"),
    (_variable("float32"), False, "float16", "float32"),
    (_variable("int32"), True, "float16", "int32"),
    (lambda: 1.5, True, "float16", None),
    (lambda: [1.5, 2.0], True, "float16", None),
]


@pytest.mark.parametrize("make, autocast, dtype, expected", CONVERT)
def test_convert_input(make, autocast, dtype, expected):
    x = make()
    out = dp.DTypePolicy("mixed_float16").convert_input(x, autocast, dtype)
    if expected is None:
        assert out is x
        return
    assert kc.backend.is_tensor(out) and dtype_name(out) == expected
    np.testing.assert_allclose(kc.backend.convert_to_numpy(out).astype("float64"),
                               np.asarray(x).astype("float64"), rtol=1e-2)


def test_convert_input_symbolic():
    policy = dp.DTypePolicy("mixed_bfloat16")
    out = policy.convert_input(kc.KerasTensor((None, 3), "float32"), True, "bfloat16")
    assert isinstance(out, kc.KerasTensor) and (out.shape, out.dtype) == ((None, 3), "bfloat16")
    ints = kc.KerasTensor((2,), "int32")
    assert policy.convert_input(ints, True, "bfloat16").dtype == "int32"


def test_get():
    assert dp.get("mixed_float16") == dp.DTypePolicy("mixed_float16")
    policy = dp.DTypePolicy("float16")
    assert dp.get(policy) is policy
    assert dp.get(None) is dp.dtype_policy()
    assert dp.get({"class_name": "DTypePolicy", "config": {"name": "bfloat16"}}).name == "bfloat16"
    assert dp.get(_config("DTypePolicy", "float16", "keras.dtype_policies")).name == "float16"
    assert type(dp.get(_config("FloatDTypePolicy", "float64"))) is dp.FloatDTypePolicy
    assert dp.get("int8") == dp.DTypePolicy("int8")  # Keras raises here; kc reads a dtype name


@pytest.mark.parametrize("identifier, error, match", [
    (3, ValueError, "3"),
    (lambda: 1, ValueError, "function"),
    ("foo", ValueError, r"'foo'.*mixed_float16.*float32"),
    ({"class_name": "DTypePolicy", "config": {"name": "foo"}}, ValueError, "'foo'"),
    ("int8_from_float32", NotImplementedError, "quantization is not supported yet in kc"),
    ("float8_from_mixed_bfloat16", NotImplementedError, "QuantizedFloat8DTypePolicy"),
    ("gptq/4/128_from_float32", NotImplementedError, "GPTQDTypePolicy"),
    ({"class_name": "QuantizedDTypePolicy", "config": {"mode": "int8", "source_name": "float32"}},
     NotImplementedError, "QuantizedDTypePolicy"),
])
def test_get_errors(identifier, error, match):
    with pytest.raises(error, match=match):
        dp.get(identifier)


@pytest.mark.parametrize("cls, args", [
    (dp.QuantizedDTypePolicy, ("int8", "float32")),
    (dp.QuantizedFloat8DTypePolicy, ("float8", "float32")),
    (dp.Int4DTypePolicy, ("int4", "float32")),
    (dp.GPTQDTypePolicy, ("gptq/4/128", "float32")),
    (dp.AWQDTypePolicy, ("awq/4/128", "float32")),
])
def test_quantized_policies_are_not_supported(cls, args):
    assert issubclass(cls, dp.DTypePolicy)
    with pytest.raises(NotImplementedError, match=f"{cls.__name__}.*not supported yet in kc"):
        cls(*args)


# --- DTypePolicyMap ----------------------------------------------------------------------

def _policy_map():
    policies = dp.DTypePolicyMap(default_policy="float32")
    policies["encoder/layer_0/dense"] = "bfloat16"
    policies["encoder/.*"] = dp.DTypePolicy("float16")
    policies["decoder"] = "mixed_bfloat16"
    return policies


# (path, expected policy name): exact key first, then one full regex match, else the default.
MAP_LOOKUPS = [
    ("encoder/layer_0/dense", "bfloat16"),
    ("encoder/attention/query", "float16"),
    ("decoder", "mixed_bfloat16"),
    ("decoder/attention", "float32"),
    ("x/encoder/dense", "float32"),
    ("other", "float32"),
]


@pytest.mark.parametrize("path, name", MAP_LOOKUPS)
def test_policy_map_lookup(path, name):
    assert _policy_map()[path].name == name


def test_policy_map_is_a_mapping_and_a_policy():
    policies = _policy_map()
    assert len(policies) == 3 and list(policies) == ["encoder/layer_0/dense", "encoder/.*", "decoder"]
    assert "decoder" in policies and "decoder/attention" not in policies
    assert policies.get("nowhere").name == "float32"
    del policies["decoder"]
    assert len(policies) == 2 and policies["decoder"].name == "float32"
    assert isinstance(policies, dp.DTypePolicy)
    mixed = dp.DTypePolicyMap(default_policy="mixed_float16")
    assert (mixed.name, mixed.compute_dtype, mixed.variable_dtype, mixed.quantization_mode) == (
        "map_mixed_float16", "float16", "float32", None)
    assert repr(_policy_map()) == (
        "<DTypePolicyMap default_policy=float32, mapping=[('encoder/layer_0/dense', 'bfloat16'), "
        "('encoder/.*', 'float16'), ('decoder', 'mixed_bfloat16')]>")


def test_policy_map_default_is_the_global_policy():
    dp.set_dtype_policy("mixed_bfloat16")
    policies = dp.DTypePolicyMap()
    assert policies.default_policy.name == "mixed_bfloat16"
    assert policies.get_config() == {"default_policy": None, "policy_map": {}}


def test_policy_map_config_round_trip():
    policies = _policy_map()
    config = policies.get_config()
    assert config == {"default_policy": "float32", "policy_map": {
        "encoder/layer_0/dense": _config("DTypePolicy", "bfloat16"),
        "encoder/.*": _config("DTypePolicy", "float16"),
        "decoder": _config("DTypePolicy", "mixed_bfloat16")}}
    assert dp.DTypePolicyMap.from_config(config) == policies
    serialized = dp.serialize(policies)
    assert (serialized["module"], serialized["class_name"]) == ("keras.dtype_policies", "DTypePolicyMap")
    assert dp.get(serialized) == policies and dp.deserialize(serialized) == policies
    with_policy = dp.DTypePolicyMap(default_policy=dp.DTypePolicy("float16"))
    assert with_policy.get_config()["default_policy"] == _config("DTypePolicy", "float16")
    assert dp.deserialize(dp.serialize(with_policy)).default_policy.name == "float16"


def test_policy_map_errors():
    policies = _policy_map()
    policies["encoder/attention/.*"] = "bfloat16"
    with pytest.raises(ValueError, match=r"'encoder/attention/query'.*several keys"):
        policies["encoder/attention/query"]
    with pytest.raises(ValueError, match="'decoder' is already set"):
        policies["decoder"] = "float16"
    with pytest.raises(ValueError, match="'a'.*got 3"):
        policies["a"] = 3
    with pytest.raises(ValueError, match="'foo'"):
        policies["a"] = "foo"
    with pytest.raises(TypeError, match="policy_map must be a dict"):
        dp.DTypePolicyMap(policy_map=3)
    with pytest.raises(ValueError, match="default_policy"):
        dp.DTypePolicyMap(default_policy=3)
    with pytest.raises(KeyError):
        del policies["nope"]


# --- The global policy and kc.mixed_precision ----------------------------------------------

def test_global_policy_set_and_read():
    assert dp.dtype_policy() == dp.DTypePolicy("float32")
    dp.set_dtype_policy("mixed_float16")
    assert kc.config.dtype_policy() == dp.DTypePolicy("mixed_float16")
    assert kc.config.floatx() == "float32"  # Keras keeps floatx apart from the policy
    kc.config.set_dtype_policy(dp.DTypePolicy("bfloat16"))
    assert dp.dtype_policy().name == "bfloat16"
    assert dp.get(None).name == "bfloat16"
    _global.reset_dtype_policy()
    assert dp.dtype_policy().name == "float32"


def test_unset_global_policy_follows_floatx():
    kc.config.set_floatx("float16")
    assert dp.dtype_policy().name == "float16" and dp.DTypePolicy().name == "float16"


@pytest.mark.parametrize("policy, error, match", [
    (None, ValueError, "None"),
    (3, ValueError, "3"),
    ({"class_name": "DTypePolicy", "config": {"name": "float16"}}, ValueError, "dict"),
    ("foo", ValueError, "'foo'"),
    ("int8_from_float32", NotImplementedError, "not supported yet in kc"),
])
def test_set_dtype_policy_errors(policy, error, match):
    with pytest.raises(error, match=match):
        dp.set_dtype_policy(policy)
    assert dp.dtype_policy().name == "float32"  # unchanged


def test_mixed_precision_names():
    mp = kc.mixed_precision
    assert mp.DTypePolicy is dp.DTypePolicy and mp.Policy is dp.DTypePolicy
    assert mp.global_policy is dp.dtype_policy and mp.dtype_policy is dp.dtype_policy
    assert mp.set_global_policy is dp.set_dtype_policy and mp.set_dtype_policy is dp.set_dtype_policy
    mp.set_global_policy("mixed_bfloat16")
    assert mp.global_policy().compute_dtype == "bfloat16"
    with pytest.raises(AttributeError, match="nothing"):
        mp.nothing  # noqa: B018


def test_mixed_precision_loss_scale_optimizer():
    if importlib.util.find_spec("kc.optimizers") is None:
        with pytest.raises(ImportError, match="kc.optimizers"):
            kc.mixed_precision.LossScaleOptimizer  # noqa: B018
    else:
        from kc.optimizers import LossScaleOptimizer

        assert kc.mixed_precision.LossScaleOptimizer is LossScaleOptimizer
