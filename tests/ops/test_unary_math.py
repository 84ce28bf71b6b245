"""Tests for the element-wise unary math ops (kc.ops._unary_math), against NumPy.

The expected dtypes follow Keras 3's per-op rules (checked with Keras on its
NumPy backend): "float" ops send ints and bools to floatx and keep float
dtypes; "same" ops keep the input dtype; "bool" ops return bool.
"""

import math

import ml_dtypes
import numpy as np
import pytest

import kc
from kc import ops
from kc_testing import BACKEND, assert_close, dtype_name, to_numpy

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

NAN, INF = math.nan, math.inf
# One shape (3, 5) for most rows, so that jax compiles each op once per dtype.
WIDE = np.array([[-2.5, -1.0, -0.5, 0.0, 0.5], [1.0, 2.0, 3.7, -0.9, 0.25],
                 [NAN, INF, -INF, -0.0, 1.5]], np.float32)
INTS = np.array([[-3, -1, 0, 1, 2], [7, -7, 3, 0, 5], [1, 1, -2, 4, 0]], np.int32)
BOOLS = np.array([True, False, True])
GRID_VALUES = [[0, 1, 2, 3, 0], [1, 0, 3, 2, 1], [2, 3, 0, 1, 1]]
COMPLEX = np.array([1 + 2j, -3 - 0.5j, 0.5j, -2.0 + 0j], np.complex64)

# Each op: (kind of its dtype rule, NumPy oracle, real inputs only).
OPS = {
    "abs": ("real_part", np.abs, False),
    "absolute": ("real_part", np.absolute, False),
    "negative": ("same", np.negative, False),
    "sign": ("same", np.sign, False),
    "square": ("square", np.square, False),
    "sqrt": ("float", np.sqrt, False),
    "cbrt": ("float", np.cbrt, True),
    "reciprocal": ("float", np.reciprocal, False),
    "exp": ("float", np.exp, False),
    "exp2": ("float", np.exp2, False),
    "expm1": ("float", np.expm1, False),
    "log": ("float", np.log, False),
    "log2": ("float", np.log2, False),
    "log10": ("float", np.log10, False),
    "log1p": ("float", np.log1p, False),
    "sin": ("float", np.sin, False),
    "cos": ("float", np.cos, False),
    "tan": ("float", np.tan, False),
    "arcsin": ("float", np.arcsin, False),
    "arccos": ("float", np.arccos, False),
    "arctan": ("float", np.arctan, False),
    "sinh": ("float", np.sinh, False),
    "cosh": ("float", np.cosh, False),
    "tanh": ("float", np.tanh, False),
    "arcsinh": ("float", np.arcsinh, False),
    "arccosh": ("float", np.arccosh, False),
    "arctanh": ("float", np.arctanh, False),
    "ceil": ("float", np.ceil, True),
    "floor": ("float", np.floor, True),
    "round": ("same", np.round, False),
    "trunc": ("same", np.trunc, True),
    "rad2deg": ("float", np.rad2deg, True),
    "deg2rad": ("float", np.deg2rad, True),
    "sinc": ("float", np.sinc, False),
    "i0": ("float", np.i0, True),
    "fabs": ("float", np.fabs, True),
    "signbit": ("bool", np.signbit, True),
    "isfinite": ("bool", np.isfinite, False),
    "isinf": ("bool", np.isinf, False),
    "isnan": ("bool", np.isnan, False),
    "isneginf": ("bool", np.isneginf, True),
    "isposinf": ("bool", np.isposinf, True),
    "isreal": ("bool", np.isreal, False),
    "nan_to_num": ("same", np.nan_to_num, False),
    "real": ("real_part", np.real, False),
    "imag": ("real_part", np.imag, False),
    "conj": ("same", np.conj, False),
    "conjugate": ("same", np.conjugate, False),
    "angle": ("float_real_part", np.angle, False),
}
NAMES = sorted(n for n in OPS if n not in ("absolute", "conjugate"))  # aliases: test_aliases
GRID_DTYPES = ("bool", "int8", "int32", "uint8", "float16", "bfloat16", "float32")


def expected_dtype(name: str, dtype: str) -> str:
    """Keras 3's result dtype of ``name`` for an input of ``dtype`` (floatx float32)."""
    kind = OPS[name][0]
    is_float = dtype in ("float16", "bfloat16", "float32", "float64")
    is_complex = dtype.startswith("complex")
    part = {"complex64": "float32", "complex128": "float64"}
    if kind == "bool":
        return "bool"
    if kind == "float":
        return dtype if is_float or is_complex else "float32"
    if kind == "real_part":
        return part.get(dtype, dtype)
    if kind == "float_real_part":
        return part.get(dtype, dtype if is_float else "float32")
    if kind == "square" and dtype == "bool":
        return "int32"
    return dtype


def np_array(values, dtype: str) -> np.ndarray:
    return np.asarray(values).astype(ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype)


def oracle(name: str, x: np.ndarray, **kwargs) -> np.ndarray:
    """NumPy's result, computed on the input cast as kc casts it, in kc's result dtype."""
    dtype = x.dtype.name
    out_dtype = expected_dtype(name, dtype)
    kind = OPS[name][0]
    if kind in ("float", "float_real_part") and x.dtype.kind in "biu":
        x = x.astype(np.float32)
    if x.dtype.name in ("bfloat16", "float16"):
        x = x.astype(np.float32)  # NumPy lacks some 16-bit loops; compare in float32
    if name in ("round", "trunc", "sign", "abs", "absolute", "conj", "conjugate",
                "nan_to_num", "real") and dtype == "bool":
        return np.asarray(x)  # identity on bools (NumPy gives float16 or int8)
    if name == "nan_to_num" and dtype in ("bfloat16", "float16"):
        info = ml_dtypes.finfo(ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16)
        kwargs = {"posinf": float(info.max), "neginf": float(info.min), **kwargs}
    out = np.asarray(OPS[name][1](x, **kwargs))
    if out_dtype == "bfloat16":  # rounded to bfloat16, held in float32 (nan-aware compare)
        return out.astype(ml_dtypes.bfloat16).astype(np.float32)
    return out.astype(out_dtype)


def run(name: str, x, **kwargs):
    return getattr(ops, name)(x, **kwargs)


# --- values against NumPy --------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_float32_values(name):
    """Negative inputs, domain edges (log(0), arctanh(1), sqrt(-1) -> nan), nan and infs."""
    assert_close(run(name, WIDE), oracle(name, WIDE), dtype=expected_dtype(name, "float32"))


@pytest.mark.parametrize("name", NAMES)
def test_float64_values(name):
    if BACKEND == "jax":
        pytest.skip("jax without x64 narrows float64 to float32 itself (the float32 rows)")
    x = WIDE.astype(np.float64)
    assert_close(run(name, x), oracle(name, x), dtype=expected_dtype(name, "float64"))


@pytest.mark.parametrize("name", NAMES)
def test_int_values(name):
    assert_close(run(name, INTS), oracle(name, INTS), dtype=expected_dtype(name, "int32"))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", GRID_DTYPES)
def test_dtype_grid_and_symbolic(name, dtype):
    if name == "negative" and dtype == "bool":
        pytest.skip("negative rejects bool (see test_negative_bool)")
    x = np_array(GRID_VALUES, dtype)
    out = run(name, kc.backend.convert_to_tensor(x))
    assert_close(out, oracle(name, x), dtype=expected_dtype(name, dtype))
    spec = run(name, kc.KerasTensor((None, 5), dtype))
    assert (spec.shape, spec.dtype) == ((None, 5), dtype_name(out))


@pytest.mark.parametrize("name", [n for n in NAMES if not OPS[n][2]])
def test_complex_values(name):
    assert_close(run(name, COMPLEX), oracle(name, COMPLEX), dtype=expected_dtype(name, "complex64"),
                 rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", [n for n in NAMES if OPS[n][2]])
def test_real_only_ops_reject_complex(name):
    with pytest.raises(TypeError, match=f"{name}: x must be real"):
        run(name, COMPLEX)
    with pytest.raises(TypeError, match=f"{name}: x must be real"):
        run(name, kc.KerasTensor((2,), "complex64"))


def test_empty_and_scalar():
    empty = np.zeros((0, 3), np.float32)
    assert_close(ops.exp(empty), np.exp(empty), dtype="float32")
    assert_close(ops.isnan(empty), np.isnan(empty), dtype="bool")
    assert_close(ops.round(np.zeros((0, 2), np.int32), decimals=-1), np.zeros((0, 2), np.int32),
                 dtype="int32")
    assert_close(ops.sqrt(4), np.float32(2.0), dtype="float32")
    assert_close(ops.abs(-3), np.int32(3), dtype="int32")
    assert_close(ops.cos([0.0, 1.0]), np.cos(np.array([0.0, 1.0], np.float32)), dtype="float32")


# --- op-specific rows -------------------------------------------------------

ROUND_FLOATS = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 2.675, 0.125, -0.375, 1234.5, 1250.0, 1350.0],
                        np.float32)


@pytest.mark.parametrize("decimals", [0, 1, 2, -1, -2])
def test_round_floats_half_to_even(decimals):
    assert_close(ops.round(ROUND_FLOATS, decimals=decimals), np.round(ROUND_FLOATS, decimals),
                 dtype="float32")


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "uint16"])
@pytest.mark.parametrize("decimals", [0, 2, -1, -2, -3])
def test_round_ints(dtype, decimals):
    values = [-125, -115, -15, -5, 0, 5, 15, 25, 35, 95, 105, 115, 125]
    if dtype.startswith("uint"):
        values = [v for v in values if v >= 0]
    x = np_array(values, dtype)
    want = dtype.replace("64", "32") if BACKEND == "jax" else dtype
    assert_close(ops.round(x, decimals=decimals), np.round(x, decimals), dtype=want)


def test_round_decimals_must_be_int():
    with pytest.raises(TypeError, match="round: decimals must be an int"):
        ops.round(WIDE, decimals=1.5)
    with pytest.raises(TypeError, match="round: decimals must be an int"):
        ops.round(kc.KerasTensor((2,)), decimals=1.5)


@pytest.mark.parametrize("kwargs", [{}, {"nan": 1.0, "posinf": 7.0, "neginf": -7.0}, {"nan": -2.5}])
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_nan_to_num(kwargs, dtype):
    x = np_array(WIDE, dtype)
    assert_close(ops.nan_to_num(x, **kwargs), oracle("nan_to_num", x, **kwargs), dtype=dtype)


def test_nan_to_num_complex():
    x = np.array([complex(NAN, INF), complex(-INF, 1.0), 2 - 1j], np.complex64)
    assert_close(ops.nan_to_num(x, nan=3.0, posinf=9.0), np.nan_to_num(x, nan=3.0, posinf=9.0),
                 dtype="complex64")


def test_signbit_negative_zero():
    x = np.array([-0.0, 0.0, -NAN, -1.0, INF], np.float32)
    assert_close(ops.signbit(x), np.signbit(x), dtype="bool")


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "int8"])
def test_wrapping_int_ops(dtype):
    x = np_array([0, 1, 2, 100], dtype)
    for name in ("negative", "square", "abs", "sign", "trunc", "nan_to_num", "conj", "imag"):
        assert_close(run(name, x), oracle(name, x), dtype=dtype)


def test_negative_bool():
    with pytest.raises(TypeError, match="negative: x must not be bool"):
        ops.negative(BOOLS)
    with pytest.raises(TypeError, match="negative: x must not be bool"):
        ops.negative(kc.KerasTensor((None, 3), "bool"))


def test_aliases():
    assert ops.absolute is ops.abs
    assert ops.conjugate is ops.conj


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", ["abc", ["a", "b"]], ids=["str", "list_of_str"])
def test_string_input_error(name, bad):
    reported = {"absolute": "abs", "conjugate": "conj"}.get(name, name)  # aliases
    with pytest.raises(TypeError, match=f"{reported}: x must be a numeric or bool tensor"):
        run(name, bad)


def test_symbolic_string_error():
    with pytest.raises(TypeError, match="exp: x must be a numeric or bool tensor"):
        ops.exp(kc.KerasTensor((2,), "string"))


# --- compiled functions -----------------------------------------------------

JIT_ROWS = [
    ("exp", {}, WIDE), ("round", {"decimals": 1}, ROUND_FLOATS), ("round", {"decimals": -1}, INTS),
    ("sinc", {}, WIDE), ("nan_to_num", {"posinf": 5.0}, WIDE), ("signbit", {}, WIDE),
    ("isnan", {}, WIDE), ("trunc", {}, WIDE), ("cbrt", {}, WIDE), ("angle", {}, WIDE),
    ("abs", {}, INTS), ("i0", {}, WIDE), ("exp2", {}, WIDE), ("isfinite", {}, INTS),
]


@pytest.mark.parametrize("name,kwargs,data", JIT_ROWS, ids=[f"{r[0]}{r[1]}" for r in JIT_ROWS])
def test_compiled(name, kwargs, data):
    if BACKEND == "jax":
        import jax

        fn = jax.jit(lambda x: run(name, x, **kwargs))
    elif BACKEND == "tensorflow":
        import tensorflow as tf

        fn = tf.function(lambda x: run(name, x, **kwargs))
    else:
        pytest.skip(f"no graph compilation rows on {BACKEND}")
    x = kc.backend.convert_to_tensor(data)
    assert_close(fn(x), oracle(name, data, **kwargs), dtype=expected_dtype(name, data.dtype.name))


# --- gradients --------------------------------------------------------------

GRAD_ROWS = [
    ("exp", [-1.2, -0.3, 0.7, 2.0]), ("log", [0.3, 0.7, 1.2, 2.0]),
    ("sin", [-1.2, -0.3, 0.7, 2.0]), ("tanh", [-1.2, -0.3, 0.7, 2.0]),
    ("sqrt", [0.3, 0.7, 1.2, 2.0]), ("abs", [-1.2, -0.3, 0.7, 2.0]),
    ("sinc", [-1.2, -0.3, 0.7, 2.0]), ("cbrt", [-1.2, -0.3, 0.7, 2.0]),
    ("exp2", [-1.2, -0.3, 0.7, 2.0]), ("log10", [0.3, 0.7, 1.2, 2.0]),
]


def backend_grad(name: str, x: np.ndarray) -> np.ndarray:
    """Gradient of sum(op(x)) on the active backend."""
    if BACKEND == "jax":
        import jax

        return np.asarray(jax.grad(lambda t: run(name, t).sum())(x))
    if BACKEND == "torch":
        import torch

        t = torch.tensor(x, requires_grad=True)
        run(name, t).sum().backward()
        return t.grad.numpy()
    import tensorflow as tf

    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = tf.reduce_sum(run(name, t))
    return tape.gradient(y, t).numpy()


@pytest.mark.grad
@pytest.mark.parametrize("name,values", GRAD_ROWS, ids=[r[0] for r in GRAD_ROWS])
def test_gradient_vs_finite_differences(name, values):
    x = np.array(values, np.float32)
    h = 1e-4
    f = OPS[name][1]
    x64 = x.astype(np.float64)
    numeric = (f(x64 + h) - f(x64 - h)) / (2 * h)
    np.testing.assert_allclose(backend_grad(name, x), numeric, rtol=1e-3, atol=1e-4)


def test_native_results_are_backend_tensors():
    out = ops.tanh(kc.backend.convert_to_tensor(WIDE))
    assert kc.backend.is_tensor(out)
    assert_close(out, np.tanh(WIDE), dtype="float32")
    assert to_numpy(ops.negative(kc.backend.convert_to_tensor(WIDE))).shape == WIDE.shape
