"""Element-wise binary ops (kc.ops._arithmetic) against NumPy, on the active backend."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from kc_testing import BACKEND, assert_close, compiled, dtype_name, to_numpy

import kc
from kc import ops

BF16 = ml_dtypes.bfloat16
X = np.array([[-2.5, -1.0, 0.0], [0.5, 1.5, 3.0]], "float32")
Y = np.array([[1.5, -2.0, 2.0], [-0.5, 0.25, 3.0]], "float32")  # no zeros: a divisor
I = np.array([[-7, -3, 0], [2, 5, 9]], "int32")
J = np.array([[2, -2, 3], [-4, 3, 4]], "int32")  # no zeros: a divisor
P = np.array([[12, 7, 0], [9, 1, 6]], "int32")
Q = np.array([[18, 0, 0], [6, 1, 4]], "int32")
B1 = np.array([[True, False, True], [False, True, False]])
B2 = np.array([[True, True, False], [False, False, True]])

FLOAT_OPS = ("divide", "true_divide", "divide_no_nan", "hypot", "arctan2", "logaddexp",
             "logaddexp2", "heaviside", "nextafter")
COMPARE_OPS = ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")
LOGIC_OPS = ("logical_and", "logical_or", "logical_xor")
BITWISE_OPS = ("bitwise_and", "bitwise_or", "bitwise_xor")
SHIFT_OPS = ("bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift")


def _oracle(name):
    """NumPy's function for a kc op name."""
    aliases = {"bitwise_left_shift": np.left_shift, "bitwise_right_shift": np.right_shift,
               "divide_no_nan": lambda a, b: np.where(b == 0, 0, a / np.where(b == 0, 1, b))}
    return aliases.get(name) or getattr(np, name)


def expected_dtype(name, x1, x2):
    """The op's dtype rule, written out independently of kc.ops._rules (Keras 3's rules)."""
    dtype = kc.dtypes.result_type(*(x if isinstance(x, (bool, int, float)) else x.dtype for x in (x1, x2)))
    if name in COMPARE_OPS or name in LOGIC_OPS or name == "isclose":
        return "bool"
    if name in FLOAT_OPS and not kc.dtypes.is_float_dtype(dtype):
        return kc.config.floatx()
    if dtype == "bool":
        return {"floor_divide": "int8", "power": "int8", "mod": "int32", "fmod": "int32"}.get(
            name, "int8" if name in SHIFT_OPS else "bool")
    return dtype


def _backend_dtype(dtype):
    """JAX without x64 narrows 64-bit types; every other backend keeps them."""
    if BACKEND == "jax":
        return {"float64": "float32", "int64": "int32", "uint64": "uint32"}.get(dtype, dtype)
    return dtype


def check(name, x1, x2, *, expected=None, **kwargs):
    """kc.ops.<name>(x1, x2) against NumPy computed in the expected dtype."""
    out = getattr(ops, name)(x1, x2, **kwargs)
    dtype = expected_dtype(name, x1, x2)
    if expected is None:
        compute = dtype if dtype != "bool" else kc.dtypes.result_type(
            *(x if isinstance(x, (bool, int, float)) else x.dtype for x in (x1, x2)))
        if name in LOGIC_OPS:
            compute = "bool"
        if compute == "bool" and name in ("floor_divide", "power", "mod", "fmod") + SHIFT_OPS:
            compute = dtype
        if name in ("isclose",) and not kc.dtypes.is_float_dtype(compute):
            compute = kc.config.floatx()
        np_dtype = BF16 if compute == "bfloat16" else compute
        a = np.asarray(x1, dtype=np_dtype)
        b = np.asarray(x2, dtype=np_dtype)
        with np.errstate(all="ignore"):
            expected = np.asarray(_oracle(name)(a, b, **kwargs))
        if dtype != "bool":
            expected = expected.astype(BF16 if dtype == "bfloat16" else dtype)
    assert_close(out, expected, dtype=_backend_dtype(dtype))
    return out


# --- values against NumPy ---------------------------------------------------------------

VALUE_ROWS = [
    *[(name, X, Y) for name in ("add", "subtract", "multiply", "divide", "true_divide", "floor_divide",
                               "mod", "fmod", "maximum", "minimum", "fmax", "fmin", "hypot",
                               "arctan2", "logaddexp", "logaddexp2", "heaviside", "nextafter")],
    *[(name, I, J) for name in ("add", "subtract", "multiply", "divide", "floor_divide", "mod",
                               "fmod", "maximum", "minimum", "fmin", "arctan2", "logaddexp")],
    ("power", np.abs(X), Y), ("power", I, np.abs(J)), ("power", X, 2), ("power", 2.0, X),
    ("divide_no_nan", X, np.array([[0.0, 2.0, 0.0], [4.0, 0.0, 1.0]], "float32")),
    ("divide_no_nan", I, np.array([[0, 2, 0], [4, 0, 1]], "int32")),
    ("gcd", P, Q), ("lcm", P, Q), ("gcd", -P, Q), ("lcm", P, -Q), ("gcd", P.astype("int8"), 4),
    *[(name, X, Y) for name in COMPARE_OPS], *[(name, I, J) for name in COMPARE_OPS],
    *[(name, B1, B2) for name in ("less", "greater_equal", "equal")],
    *[(name, I, 0.5) for name in ("less", "equal")],
    *[(name, B1, B2) for name in LOGIC_OPS], *[(name, I, X) for name in LOGIC_OPS],
    *[(name, B1, B2) for name in BITWISE_OPS], *[(name, I, J) for name in BITWISE_OPS],
    *[(name, B1, np.int8(3)) for name in BITWISE_OPS],
    *[(name, I, np.abs(J)) for name in SHIFT_OPS], *[(name, B1, B2) for name in SHIFT_OPS],
    *[(name, P.astype("uint8"), 2) for name in SHIFT_OPS],
    ("isclose", X, X + 1e-7), ("isclose", X, Y), ("isclose", I, J),
    ("add", B1, B2), ("multiply", B1, B2), ("maximum", B1, B2), ("minimum", B1, B2),
    ("floor_divide", B1, B2 | True), ("power", B1, B2), ("mod", B1, B2 | True),
]


@pytest.mark.parametrize("name,x1,x2", VALUE_ROWS, ids=[f"{r[0]}-{i}" for i, r in enumerate(VALUE_ROWS)])
def test_values(name, x1, x2):
    check(name, x1, x2)


SIGN_ROWS = [(name, a.astype(d), b.astype(d))
             for name in ("floor_divide", "mod", "fmod")
             for d in ("int8", "int32", "float32")
             for a, b in [(np.array([-7, 7, -7, 7, 0]), np.array([2, -2, -2, 2, -3]))]]
SIGN_ROWS += [("mod", np.array([-5.5, 5.5], "float32"), np.array([2.0, -2.0], "float32")),
              ("fmod", np.array([-5.5, 5.5], "float16"), np.array([2.0, -2.0], "float16")),
              ("mod", np.array([250, 7], "uint8"), np.array([7, 250], "uint8"))]


@pytest.mark.parametrize("name,x1,x2", SIGN_ROWS)
def test_division_sign_conventions(name, x1, x2):
    check(name, x1, x2)  # Python's // and % for floor_divide/mod, C's for fmod


@pytest.mark.parametrize("dtype", ["int8", "int32"])
def test_power_integer_negative_exponent_truncates(dtype):
    out = ops.power(np.array([2, 1, -1, -1, 3], dtype), np.array([-1, -3, -3, -2, 2], dtype))
    assert_close(out, np.array([0, 1, -1, 1, 9], dtype), dtype=dtype)


def test_nan_handling():
    a = np.array([np.nan, 1.0, np.nan, -1.0, 0.0], "float32")
    b = np.array([2.0, np.nan, np.nan, 0.5, 0.5], "float32")
    for name in ("maximum", "minimum", "fmax", "fmin", "heaviside", "nextafter", "logaddexp"):
        check(name, a, b)
    check("isclose", a, b, equal_nan=True)
    check("isclose", np.array([np.inf, -np.inf, np.inf]), np.array([np.inf, np.inf, 1.0]))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_nextafter_low_and_high_precision(dtype):
    np_dtype = BF16 if dtype == "bfloat16" else dtype
    a = np.array([1.0, -1.0, 0.0, 0.0, 1.0, 2.0], np_dtype)
    b = np.array([2.0, -2.0, 1.0, -1.0, 0.0, 2.0], np_dtype)
    out = ops.nextafter(a, b)
    assert dtype_name(out) == _backend_dtype(dtype)
    if dtype != "float64" or BACKEND != "jax":
        np.testing.assert_array_equal(to_numpy(out).astype("float64"), np.nextafter(a, b).astype("float64"))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "int8"])
def test_ldexp(dtype):
    np_dtype = BF16 if dtype == "bfloat16" else dtype
    x1 = np.array([[1, 3, -2], [5, 0, 7]], np_dtype)
    x2 = np.array([[2, 1, 0], [-1, 3, 4]], "int32")
    out = ops.ldexp(x1, x2)
    dtype_out = "float32" if dtype == "int8" else dtype
    assert_close(out, x1.astype("float64") * 2.0 ** x2, dtype=dtype_out)
    assert_close(ops.ldexp(x1, 3), x1.astype("float64") * 8, dtype=dtype_out)


CLIP_ROWS = [
    (np.array([1, 5, 9], "int32"), 2, 6, np.array([2, 5, 6]), "int32"),
    (np.array([1, 2, 3], "uint8"), -1, 2, np.array([1, 2, 2]), "uint8"),
    (np.array([1, 2, 3], "int8"), 0.5, 2.5, np.array([1, 2, 2]), "int8"),
    (np.array([True, False]), 0, 1, np.array([1, 0]), "int32"),
    (X, -1.0, np.array([0.0, 1.0, 2.0], "float32"), np.clip(X, -1.0, [0.0, 1.0, 2.0]), "float32"),
    (X.astype("float16"), -1.0, 1.0, np.clip(X, -1, 1), "float16"),
    (X, 2.0, 1.0, np.full_like(X, 1.0), "float32"),
    (I, None, 3, np.minimum(I, 3), "int32"),
]


@pytest.mark.parametrize("x,lo,hi,expected,dtype", CLIP_ROWS)
def test_clip(x, lo, hi, expected, dtype):
    assert_close(ops.clip(x, lo, hi), expected, dtype=dtype)


def test_logical_and_bitwise_unary():
    assert_close(ops.logical_not(np.array([0.0, 2.0, np.nan])), np.array([True, False, False]), "bool")
    assert_close(ops.logical_not(B1), ~B1, "bool")
    for name in ("bitwise_invert", "bitwise_not"):
        assert_close(getattr(ops, name)(np.array([0, 5, -128], "int8")), np.array([-1, -6, 127]), "int8")
        assert_close(getattr(ops, name)(np.array([0, 5], "uint8")), np.array([255, 250]), "uint8")
        assert_close(getattr(ops, name)(B1), ~B1, "bool")


@pytest.mark.parametrize("dtype", ["uint16", "uint32"])
def test_wide_unsigned(dtype):
    a = np.array([0, 1, 65000, 7], dtype)
    b = np.array([3, 65535, 2, 7], dtype)
    for name in ("add", "multiply", "maximum", "minimum", "floor_divide", "mod", "less", "equal",
                 "bitwise_xor", "gcd"):
        check(name, a, b)
    check("subtract", b, np.array([1, 2, 3, 4], dtype))
    assert_close(ops.bitwise_invert(a), np.invert(a), dtype=dtype)
    assert_close(ops.clip(a, 1, 100), np.clip(a, 1, 100), dtype=dtype)


def test_allclose():
    for args, kwargs, want in [((X, X + 1e-9), {}, True), ((X, Y), {}, False),
                               ((np.array([np.nan]), np.array([np.nan])), {"equal_nan": True}, True),
                               ((np.array([1.0]), np.array([1.1])), {"rtol": 0.2}, True)]:
        out = ops.allclose(*args, **kwargs)
        assert to_numpy(out).shape == () and bool(to_numpy(out)) is want
        assert dtype_name(out) == "bool"


def test_empty():
    e = np.zeros((0, 3), "float32")
    for name in ("add", "divide", "equal", "maximum", "arctan2"):
        check(name, e, np.ones((3,), "float32"))


# --- broadcasting and Python scalars ------------------------------------------------------

BROADCAST_OPS = ("add", "divide", "power", "maximum", "arctan2", "mod", "less", "logical_and",
                 "hypot", "fmin")


@pytest.mark.parametrize("name", BROADCAST_OPS)
@pytest.mark.parametrize("shapes", [((2, 1), (1, 3)), ((4, 1, 3), (2, 1))])
def test_broadcasting(name, shapes):
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 2.0, shapes[0]).astype("float32")
    b = rng.uniform(0.5, 2.0, shapes[1]).astype("float32")
    assert to_numpy(check(name, a, b)).shape == np.broadcast_shapes(*shapes)


WEAK_ROWS = [
    *[(name, "float16", 1.0) for name in ("add", "subtract", "multiply", "divide", "maximum", "minimum",
                                          "mod", "floor_divide", "power", "fmax", "arctan2", "hypot")],
    *[(name, "bfloat16", 2.0) for name in ("add", "multiply", "minimum", "divide")],
    *[(name, "int8", 1) for name in ("add", "subtract", "multiply", "maximum", "minimum", "mod",
                                     "floor_divide", "power", "bitwise_and", "left_shift", "gcd")],
    *[(name, "uint8", 3) for name in ("add", "maximum", "mod")],
    ("divide", "int8", 2), ("add", "int8", 1.5), ("maximum", "int32", 0.5), ("equal", "int8", 1),
]


@pytest.mark.parametrize("name,dtype,scalar", WEAK_ROWS)
def test_python_scalars_are_weak(name, dtype, scalar):
    x = np.array([[1, 2, 3], [4, 5, 6]], BF16 if dtype == "bfloat16" else dtype)
    expected = expected_dtype(name, x, scalar)
    out = getattr(ops, name)(x, scalar)
    assert dtype_name(out) == expected
    check(name, x, scalar)
    flipped = getattr(ops, name)(scalar, x)
    assert dtype_name(flipped) == expected


# --- dtype grid ------------------------------------------------------------------------------

GRID_PAIRS = (("bool", "bool"), ("bool", "int8"), ("int8", "uint8"), ("uint8", "int32"),
              ("int8", "float16"), ("int32", "bfloat16"), ("float16", "bfloat16"), ("bool", "float32"),
              ("uint8", "float16"), ("float16", "float32"), ("int32", "int32"), ("bfloat16", "bfloat16"))
GRID_OPS = ("add", "divide", "maximum", "mod", "less", "bitwise_or")


def _grid_rows():
    for name in GRID_OPS:
        for d1, d2 in GRID_PAIRS:
            if name == "bitwise_or" and ("float" in d1 + d2):
                continue
            yield name, d1, d2


@pytest.mark.parametrize("name,d1,d2", list(_grid_rows()))
def test_dtype_grid(name, d1, d2):
    a = np.array([[1, 0, 3]]).astype(BF16 if d1 == "bfloat16" else d1)
    b = np.array([[2], [1]]).astype(BF16 if d2 == "bfloat16" else d2)
    out = getattr(ops, name)(a, b)
    assert dtype_name(out) == expected_dtype(name, a, b)
    assert to_numpy(out).shape == (2, 3)


# --- symbolic ---------------------------------------------------------------------------------

SYMBOLIC_ROWS = [
    *[(name, "float32", "float32") for name in ("add", "subtract", "multiply", "divide", "true_divide",
                                                "divide_no_nan", "floor_divide", "mod", "fmod", "power",
                                                "maximum", "minimum", "fmax", "fmin", "hypot", "arctan2",
                                                "logaddexp", "logaddexp2", "heaviside", "nextafter",
                                                "isclose") + COMPARE_OPS + LOGIC_OPS],
    *[(name, "int8", "int32") for name in ("add", "divide", "mod", "gcd", "lcm", "arctan2", "less")
      + BITWISE_OPS + SHIFT_OPS],
    *[(name, "bool", "bool") for name in ("add", "floor_divide", "mod", "power", "bitwise_and",
                                          "left_shift", "logical_or", "hypot")],
    ("add", "float16", 1.0), ("mod", "int8", 2), ("ldexp", "float16", "int32"),
]


@pytest.mark.parametrize("name,d1,d2", SYMBOLIC_ROWS)
def test_symbolic_matches_eager(name, d1, d2):
    fn = getattr(ops, name)
    k1 = kc.KerasTensor((None, 3), d1)
    k2 = d2 if isinstance(d2, float | int) else kc.KerasTensor((1, 3), d2)
    sym = fn(k1, k2)
    a = np.ones((2, 3), BF16 if d1 == "bfloat16" else d1)
    b = d2 if isinstance(d2, float | int) else np.ones((1, 3), d2)
    eager = fn(a, b)
    assert sym.shape == (None, 3)
    assert sym.dtype == dtype_name(eager) or BACKEND == "jax" and _backend_dtype(sym.dtype) == dtype_name(eager)


def test_symbolic_unary_clip_allclose():
    k = kc.KerasTensor((None, 3), "int8")
    assert ops.logical_not(k).dtype == "bool" and ops.logical_not(k).shape == (None, 3)
    assert ops.bitwise_invert(k).dtype == "int8"
    assert ops.bitwise_not(kc.KerasTensor((2,), "bool")).dtype == "bool"
    assert ops.clip(kc.KerasTensor((None, 3), "bool"), 0, 1).dtype == "int32"
    clipped = ops.clip(kc.KerasTensor((None, 1), "uint8"), np.zeros((4,), "int32"), 9)
    assert clipped.shape == (None, 4) and clipped.dtype == "uint8"
    assert ops.allclose(k, k).shape == () and ops.allclose(k, k).dtype == "bool"


def test_keras_tensor_operators():
    x = kc.KerasTensor((None, 3), "float32")
    i = kc.KerasTensor((None, 3), "int8")
    b = kc.KerasTensor((None, 3), "bool")
    for out, dtype in [(x + 1, "float32"), (1 - x, "float32"), (x * x, "float32"), (i / 2, "float32"),
                       (i // 2, "int8"), (i % 2, "int8"), (2 ** i, "int8"), (x ** 2, "float32"),
                       (x < 1.0, "bool"), (x >= x, "bool"), (x == 1.0, "bool"), (x != 1.0, "bool"),
                       (~i, "int8"), (~b, "bool"), (i & 3, "int8"), (b | b, "bool"), (b ^ b, "bool"),
                       (kc.KerasTensor((None, 3), "float16") + 1.0, "float16")]:
        assert out.shape == (None, 3) and out.dtype == dtype


# --- jit / tf.function ---------------------------------------------------------------------------

JIT_OPS = ("add", "divide", "mod", "power", "arctan2", "logaddexp", "gcd", "nextafter", "less",
           "bitwise_xor", "clip", "heaviside", "fmax", "divide_no_nan")


def _jit_args(name):
    if name in ("gcd", "bitwise_xor"):
        return P, Q
    if name == "clip":
        return X, -1.0, 1.0
    return X, Y


@pytest.mark.parametrize("name", JIT_OPS)
def test_inside_jit_or_tf_function(name):
    fn = getattr(ops, name)
    args = _jit_args(name)
    compiled_fn = compiled(fn)
    tensors = [kc.backend.convert_to_tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    eager = fn(*args)
    assert_close(compiled_fn(*tensors), to_numpy(eager), dtype=dtype_name(eager))


# --- gradients ----------------------------------------------------------------------------------


def _gradients(fn, a, b):
    """d sum(fn(a, b)) / d(a, b) with the active backend's autodiff."""
    if BACKEND == "jax":
        import jax

        return jax.grad(lambda p, q: fn(p, q).sum(), argnums=(0, 1))(a, b)
    if BACKEND == "torch":
        import torch

        p = torch.tensor(a, requires_grad=True)
        q = torch.tensor(b, requires_grad=True)
        fn(p, q).sum().backward()
        return p.grad, q.grad
    import tensorflow as tf

    p, q = tf.Variable(a), tf.Variable(b)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(fn(p.read_value(), q.read_value()))
    return tape.gradient(total, [p, q])


def _finite_difference(oracle, a, b, eps=1e-6):
    grads = []
    for k in range(2):
        args = [a.astype("float64"), b.astype("float64")]
        g = np.zeros_like(args[k])
        for idx in np.ndindex(args[k].shape):
            hi = [x.copy() for x in args]
            lo = [x.copy() for x in args]
            hi[k][idx] += eps
            lo[k][idx] -= eps
            g[idx] = (oracle(*hi).sum() - oracle(*lo).sum()) / (2 * eps)
        grads.append(g)
    return grads


GRAD_A = np.array([[0.5, 1.5, 2.0], [1.2, 0.7, 3.0]], "float64")
GRAD_B = np.array([[1.5, -2.0, 2.5], [-0.5, 0.25, 1.0]], "float64")


@pytest.mark.grad
@pytest.mark.parametrize("name", ["add", "multiply", "divide", "power", "maximum", "arctan2",
                                  "subtract", "hypot", "divide_no_nan"])
def test_gradients_match_finite_differences(name):
    fn = getattr(ops, name)
    a, b = GRAD_A.astype("float32"), GRAD_B.astype("float32")
    got = _gradients(fn, a, b)
    want = _finite_difference(_oracle(name), GRAD_A, GRAD_B)
    for g, w in zip(got, want):
        assert_close(g, w, rtol=2e-3, atol=2e-3, check_dtype=False)


# --- errors ---------------------------------------------------------------------------------------

SHAPE_ERROR_OPS = ("add", "subtract", "multiply", "divide", "maximum", "equal", "arctan2", "mod",
                   "logical_and", "bitwise_and", "gcd", "isclose", "heaviside", "left_shift")


@pytest.mark.parametrize("name", SHAPE_ERROR_OPS)
def test_incompatible_shapes_name_op_and_shapes(name):
    a = np.ones((2, 3), "int32")
    b = np.ones((4,), "int8")  # mixed dtypes: the converting path (no native fast path)
    with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\).*\(4,\)"):
        getattr(ops, name)(a, b)
    with pytest.raises(ValueError, match=rf"{name}.*\(None, 3\).*\(4,\)"):
        getattr(ops, name)(kc.KerasTensor((None, 3), "int32"), kc.KerasTensor((4,), "int32"))


def test_clip_incompatible_shapes():
    with pytest.raises(ValueError, match=r"clip.*\(2, 3\).*\(4,\)"):
        ops.clip(np.ones((2, 3), "float32"), np.zeros((4,), "float32"), 1.0)


@pytest.mark.parametrize("call,match", [
    (lambda: ops.subtract(B1, B2), "subtract.*bool"),
    (lambda: ops.bitwise_and(X, I), "bitwise_and.*integer"),
    (lambda: ops.left_shift(I, 1.5), "left_shift.*integer"),
    (lambda: ops.gcd(X, I), "gcd.*integer"),
    (lambda: ops.gcd(B1, B2), "gcd.*bool"),
    (lambda: ops.ldexp(X, Y), "ldexp.*x2"),
    (lambda: ops.ldexp(X, 1.5), "ldexp.*x2"),
    (lambda: ops.ldexp(X, B1), "ldexp.*x2"),
    (lambda: ops.bitwise_invert(X), "bitwise_invert.*integer"),
    (lambda: ops.bitwise_or(kc.KerasTensor((2,), "float32"), 1), "bitwise_or.*integer"),
    (lambda: ops.bitwise_not(kc.KerasTensor((2,), "float16")), "bitwise_invert.*integer"),
])
def test_bad_dtypes_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()


# --- native tensors (the fast path of add/subtract/multiply/divide) -------------------------------

NATIVE_OPS = ("add", "subtract", "multiply", "divide", "true_divide")


@pytest.mark.parametrize("name", NATIVE_OPS)
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16", "int8", "uint16", "bool"])
def test_native_tensors_same_results(name, dtype):
    np_dtype = BF16 if dtype == "bfloat16" else dtype
    a = np.array([[3, 0, 5], [1, 6, 2]]).astype(np_dtype)
    b = np.array([[1, 1, 2], [1, 3, 1]]).astype(np_dtype)
    ta, tb = kc.backend.convert_to_tensor(a), kc.backend.convert_to_tensor(b)
    if name == "subtract" and dtype == "bool":
        with pytest.raises(TypeError, match="subtract"):
            ops.subtract(ta, tb)
        return
    out = getattr(ops, name)(ta, tb)
    dtype_out = expected_dtype(name, a, b)
    np_out = BF16 if dtype_out == "bfloat16" else dtype_out
    with np.errstate(all="ignore"):
        expected = _oracle(name)(a.astype(np_out), b.astype(np_out)).astype(np_out)
    assert_close(out, expected, dtype=dtype_out)


def test_native_tensors_incompatible_shapes_raise():
    ta = kc.backend.convert_to_tensor(np.ones((2, 3), "float32"))
    tb = kc.backend.convert_to_tensor(np.ones((4,), "float32"))
    for name in NATIVE_OPS:
        with pytest.raises(Exception, match=r"3|4"):
            getattr(ops, name)(ta, tb)
