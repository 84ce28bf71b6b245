"""Tests for kc.dtypes: names, standardization and the promotion lattice.

Keras 3 (NumPy backend) is the oracle for `result_type`; the closed-form
rows below run without it.
"""

import itertools
import subprocess
import sys

import numpy as np
import pytest
from kc_testing import BACKEND, keras_oracle

from kc import dtypes

PROMOTABLE = tuple(d for d in dtypes.ALLOWED_DTYPES if d != "string")
WEAK = (int, float)


@pytest.fixture(scope="module")
def keras():
    """Keras 3 on a backend whose lattice is kc's (not TensorFlow)."""
    keras = keras_oracle()
    if keras.backend.backend() == "tensorflow":
        pytest.skip("Keras on TensorFlow promotes 64-bit types differently")
    return keras


@pytest.fixture
def floatx(monkeypatch):
    """Sets kc's floatx for one test (independent of kc.config)."""

    def set_floatx(value):
        monkeypatch.setattr(dtypes, "_floatx", lambda: value)

    return set_floatx


# --- result_type: closed-form rows ----------------------------------------

RESULT_ROWS = [
    (("int8", "uint8"), "int16"),
    (("float16", "bfloat16"), "float32"),
    (("int8", "int16"), "int16"),
    (("uint8", "uint16"), "uint16"),
    (("bool", "int8"), "int8"),
    (("int32", "float16"), "float16"),
    (("int64", "bfloat16"), "bfloat16"),
    (("uint64", "int64"), "float32"),  # joins at weak float
    (("uint32", "int32"), "int64"),
    (("float64", "float64"), "float64"),  # kc keeps 64-bit types
    (("int64",), "int64"),
    (("complex64", "float64"), "complex128"),
    (("complex128", "float32"), "complex128"),
    (("float32", "complex64"), "complex64"),
    (("int8", int), "int8"),  # weak int takes the strong side
    (("uint8", int), "uint8"),
    (("bool", int), "int32"),
    (("bool", float), "float32"),
    (("int8", float), "float32"),
    (("bfloat16", float), "bfloat16"),
    (("float16", int), "float16"),
    ((int,), "int32"),
    ((float,), "float32"),
    ((int, float), "float32"),
    ((bool,), "bool"),
    ((complex,), "complex64"),  # complex is strong, not weak
    (("float16", complex), "complex64"),
    (("int8", "int"), "int64" if BACKEND == "tensorflow" else "int32"),  # "int" is strong (int64 on tf)
    (("string", "string"), "string"),
    (("string",), "string"),
    # Python values count as their types; arrays by their dtype.
    (("int8", 1), "int8"),
    (("int8", 1.0), "float32"),
    (("float16", 2.0), "float16"),
    (("int8", True), "int8"),
    (("float16", 1j), "complex64"),
    ((np.ones(2, "float16"), 1.0), "float16"),
    ((np.ones(2, "int8"), np.ones(2, "uint8")), "int16"),
    ((np.float16(1.0), 1), "float16"),  # a NumPy scalar is strong
    ((np.dtype("int16"), np.uint8), "int16"),
    (("int8", None), "float32"),  # None is floatx
    ((), "float32"),
]


@pytest.mark.parametrize("args, expected", RESULT_ROWS, ids=repr)
def test_result_type_closed_form(args, expected, floatx):
    floatx("float32")
    assert dtypes.result_type(*args) == expected


FLOATX_ROWS = [
    ("float16", (int,), "int16"),
    ("float16", (float,), "float16"),
    ("float16", ("bool", int), "int16"),
    ("float16", ("int8", float), "float16"),
    ("bfloat16", (float,), "float16"),  # weak float uses the bit width only
    ("bfloat16", (), "bfloat16"),
    ("float64", (float,), "float64"),
    ("float64", (), "float64"),  # empty returns floatx as is
    ("float64", ("int64", "float16"), "float16"),
]


@pytest.mark.parametrize("fx, args, expected", FLOATX_ROWS, ids=repr)
def test_result_type_follows_floatx(fx, args, expected, floatx):
    floatx(fx)
    assert dtypes.result_type(*args) == expected


@pytest.mark.parametrize(
    "args",
    [("string", "int8"), ("float32", "string"), ("float", "int8"), ("x",)],
    ids=repr,
)
def test_result_type_errors(args):
    with pytest.raises(ValueError):
        dtypes.result_type(*args)


def test_docstring_table_matches_result_type(floatx):
    floatx("float32")
    short = {
        "b": "bool",
        "bf": "bfloat16",
        "i*": int,
        "f*": float,
        **{f"u{b}": f"uint{b}" for b in (8, 16, 32, 64)},
        **{f"i{b}": f"int{b}" for b in (8, 16, 32, 64)},
        **{f"f{b}": f"float{b}" for b in (16, 32, 64)},
        "c64": "complex64",
        "c128": "complex128",
    }
    lines = dtypes.__doc__.split("are the weak Python")[1].splitlines()
    rows = [line.split() for line in lines if line.startswith("    ")]
    header, body = rows[0], rows[1:]
    assert len(body) == 17
    for label, *cells in body:
        for col, cell in zip(header, cells, strict=True):
            got = dtypes.result_type(short[label], short[col])
            assert got == short[cell], (label, col)


# --- result_type: Keras as the oracle -------------------------------------


# Keras's result_type narrows 64-bit results to 32 bits; kc keeps them (see
# the kc.dtypes docstring). Compare after applying Keras's narrowing.
_NARROW_64 = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


def _narrow(name):
    return _NARROW_64.get(name, name)


def _mismatches(keras, combos):
    bad = []
    for combo in combos:
        want = keras.backend.result_type(*combo)
        got = _narrow(dtypes.result_type(*combo))
        if got != want:
            bad.append((combo, got, want))
    return bad


def test_result_type_pairs_match_keras(keras):
    combos = itertools.product(PROMOTABLE + WEAK + (bool, complex), repeat=2)
    assert _mismatches(keras, combos) == []


def test_result_type_triples_match_keras(keras):
    combos = itertools.product(PROMOTABLE + WEAK, repeat=3)
    assert _mismatches(keras, combos) == []


@pytest.mark.parametrize("fx", ["float16", "bfloat16", "float64"])
def test_result_type_other_floatx_matches_keras(keras, fx, floatx):
    floatx(fx)
    keras.config.set_floatx(fx)
    try:
        combos = itertools.product(PROMOTABLE + WEAK, repeat=2)
        bad = _mismatches(keras, list(combos) + [(int,), (float,)])
    finally:
        keras.config.set_floatx("float32")
    assert bad == []


def test_python_values_match_keras_types(keras):
    # Keras ops pass `type(value)` for Python scalars; kc takes the value.
    for dtype, value in itertools.product(PROMOTABLE, [1, 1.0, True, 1j]):
        want = keras.backend.result_type(dtype, type(value))
        assert _narrow(dtypes.result_type(dtype, value)) == want, (dtype, value)


# --- standardize_dtype ------------------------------------------------------


@pytest.mark.parametrize("name", dtypes.ALLOWED_DTYPES)
def test_standardize_names_are_fixed_points(name):
    assert dtypes.standardize_dtype(name) == name


STANDARDIZE_ROWS = [
    (bool, "bool"),
    (int, "int32"),
    (float, "float32"),
    (complex, "complex64"),
    (str, "string"),
    ("int", "int64" if BACKEND == "tensorflow" else "int32"),  # as Keras
    (np.float32, "float32"),
    (np.dtype("float64"), "float64"),
    (np.bool_, "bool"),
    (np.dtype(bool), "bool"),
    (np.int_, "int64"),
    (np.intc, "int32"),
    (np.uint16, "uint16"),
    (np.complex128, "complex128"),
]


@pytest.mark.parametrize("dtype, expected", STANDARDIZE_ROWS, ids=repr)
def test_standardize_dtype(dtype, expected):
    assert dtypes.standardize_dtype(dtype) == expected


def test_standardize_ml_dtypes_bfloat16():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    assert dtypes.standardize_dtype(ml_dtypes.bfloat16) == "bfloat16"
    assert dtypes.standardize_dtype(np.dtype(ml_dtypes.bfloat16)) == "bfloat16"


def test_standardize_none_is_floatx(floatx):
    floatx("float16")
    assert dtypes.standardize_dtype(None) == "float16"


def test_standardize_none_reads_kc_config():
    config = pytest.importorskip("kc.config")
    assert dtypes.standardize_dtype(None) == config.floatx()


@pytest.mark.parametrize("framework", ["torch", "tensorflow", "jax.numpy"])
def test_standardize_framework_dtypes(framework):
    module = pytest.importorskip(framework)
    checked = 0
    for name in dtypes.ALLOWED_DTYPES:
        dtype = getattr(module, name, None)
        if dtype is None:  # e.g. torch has no string dtype
            continue
        assert dtypes.standardize_dtype(dtype) == name, dtype
        if framework == "jax.numpy":
            assert dtypes.standardize_dtype(module.dtype(dtype)) == name
        checked += 1
    assert checked >= 13


@pytest.mark.parametrize("framework", ["torch", "tensorflow", "jax.numpy"])
def test_result_type_framework_tensors(framework):
    module = pytest.importorskip(framework)
    x = module.ones((2,), dtype=module.int8)
    y = module.ones((2,), dtype=module.uint8)
    assert dtypes.result_type(x, y) == "int16"
    assert dtypes.result_type(x.dtype, 1.0) == "float32"


def test_standardize_rejects_framework_only_dtypes():
    torch = pytest.importorskip("torch")
    for dtype in (torch.quint8, torch.complex32, torch.float8_e4m3fn):
        with pytest.raises(ValueError, match="Invalid dtype"):
            dtypes.standardize_dtype(dtype)


@pytest.mark.parametrize(
    "dtype",
    [
        "float",
        "double",
        "half",
        "float8_e4m3fn",
        "Float32",
        np.str_,
        np.dtype("U3"),
        np.object_,
        1.0,
        True,
        object(),
        np.ones(2),  # arrays are not dtypes (unhashable, too)
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, (object, np.ndarray)) and not isinstance(
        v, (str, int, float, type)) else repr(v),
)
def test_standardize_errors(dtype):
    with pytest.raises(ValueError, match=r"Invalid dtype: .*Expected one of"):
        dtypes.standardize_dtype(dtype)


# --- predicates and sizes ---------------------------------------------------

PREDICATES = {
    "is_float_dtype": {"bfloat16", "float16", "float32", "float64"},
    "is_int_dtype": {f"{s}int{b}" for s in ("", "u") for b in (8, 16, 32, 64)},
    "is_complex_dtype": {"complex64", "complex128"},
}


@pytest.mark.parametrize("predicate", sorted(PREDICATES))
def test_predicates(predicate):
    fn = getattr(dtypes, predicate)
    for name in dtypes.ALLOWED_DTYPES:
        assert fn(name) == (name in PREDICATES[predicate]), name


@pytest.mark.parametrize("predicate", ["is_float_dtype", "is_int_dtype"])
def test_predicates_match_keras(keras, predicate):
    for name in dtypes.ALLOWED_DTYPES:
        want = getattr(keras.backend, predicate)(name)
        assert getattr(dtypes, predicate)(name) == want, name


SIZE_ROWS = [
    ("bool", 1),
    ("int8", 8),
    ("uint16", 16),
    ("bfloat16", 16),
    ("float32", 32),
    ("int64", 64),
    ("complex64", 64),
    ("complex128", 128),
    (np.float16, 16),
]


@pytest.mark.parametrize("dtype, bits", SIZE_ROWS, ids=repr)
def test_dtype_size(dtype, bits):
    assert dtypes.dtype_size(dtype) == bits


def test_dtype_size_string_raises():
    with pytest.raises(ValueError, match="string"):
        dtypes.dtype_size("string")


# --- import hygiene ---------------------------------------------------------


def test_module_imports_no_framework():
    # Load the file alone, so other kc modules cannot pull frameworks in.
    code = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('d', sys.argv[1])\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print(sorted({'jax', 'torch', 'tensorflow'} & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, dtypes.__file__],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"
