"""kc.ops tensor creation against NumPy, on the active backend.

Tables: VALUE_CASES (values and dtypes vs NumPy), SYMBOLIC_CASES (KerasTensor
shape/dtype vs the eager result), ERROR_CASES; plus device, compilation and
gradient samples.
"""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc_testing import BACKEND, assert_close, compiled, dtype_name, to_numpy

ops = kc.ops

M = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
B3 = np.arange(18, dtype=np.int32).reshape(2, 3, 3)
VI = np.array([1, 2, 3], np.int32)


def _np_linspace_floor(*args, dtype, **kwargs):
    return np.floor(np.linspace(*args, **kwargs)).astype(dtype)


# (id, op name, args, kwargs, expected dtype, oracle callable returning the NumPy value)
VALUE_CASES = [
    ("zeros", "zeros", ((2, 3),), {}, "float32", lambda: np.zeros((2, 3))),
    ("zeros_int_shape", "zeros", (3,), {"dtype": "int8"}, "int8", lambda: np.zeros(3)),
    ("ones", "ones", ((2,),), {"dtype": "bool"}, "bool", lambda: np.ones(2, bool)),
    ("ones_empty", "ones", ((0, 2),), {}, "float32", lambda: np.ones((0, 2))),
    ("full_int_fill", "full", ((2, 2), 3), {}, "float32", lambda: np.full((2, 2), 3.0)),
    ("full_dtype", "full", ((2,), 7), {"dtype": "int32"}, "int32", lambda: np.full(2, 7)),
    ("full_tensor_fill", "full", ((2, 3), np.array([1.0, 2.0, 3.0], np.float32)), {}, "float32",
     lambda: np.tile([1.0, 2.0, 3.0], (2, 1))),
    ("zeros_like", "zeros_like", (VI,), {}, "int32", lambda: np.zeros(3)),
    ("ones_like_dtype", "ones_like", (M,), {"dtype": "float16"}, "float16", lambda: np.ones((3, 4))),
    ("full_like", "full_like", (VI, 2.5), {}, "int32", lambda: np.full(3, 2)),
    ("full_like_dtype", "full_like", (VI, 2.5), {"dtype": "float32"}, "float32", lambda: np.full(3, 2.5)),
    ("eye", "eye", (3,), {}, "float32", lambda: np.eye(3)),
    ("eye_rect_k", "eye", (2, 4), {"k": 1}, "float32", lambda: np.eye(2, 4, k=1)),
    ("eye_neg_k", "eye", (3, 2), {"k": -1, "dtype": "int32"}, "int32", lambda: np.eye(3, 2, k=-1)),
    ("identity", "identity", (2,), {"dtype": "float16"}, "float16", lambda: np.identity(2)),
    ("arange_stop", "arange", (5,), {}, "int32", lambda: np.arange(5)),
    ("arange_float_step", "arange", (0, 2, 0.5), {}, "float32", lambda: np.arange(0, 2, 0.5)),
    ("arange_float_start", "arange", (1.0, 4), {}, "float32", lambda: np.arange(1.0, 4)),
    ("arange_negative_step", "arange", (5, 0, -2), {}, "int32", lambda: np.arange(5, 0, -2)),
    ("arange_dtype", "arange", (3,), {"dtype": "float16"}, "float16", lambda: np.arange(3)),
    ("arange_empty", "arange", (3, 1), {}, "int32", lambda: np.arange(3, 1)),
    ("linspace", "linspace", (0, 1, 5), {}, "float32", lambda: np.linspace(0, 1, 5)),
    ("linspace_no_endpoint", "linspace", (0.0, 1.0, 4), {"endpoint": False}, "float32",
     lambda: np.linspace(0, 1, 4, endpoint=False)),
    ("linspace_int", "linspace", (0, 10, 5), {"dtype": "int32"}, "int32",
     lambda: _np_linspace_floor(0, 10, 5, dtype=np.int32)),
    ("linspace_negative_int", "linspace", (-3, 2, 4), {"dtype": "int32"}, "int32",
     lambda: _np_linspace_floor(-3, 2, 4, dtype=np.int32)),
    ("linspace_arrays_axis", "linspace", (np.array([0.0, 1.0], np.float32), np.array([1.0, 3.0], np.float32), 3),
     {"axis": 1}, "float32", lambda: np.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1)),
    ("linspace_arrays_neg_axis", "linspace", (np.zeros((2, 1), np.float32), np.ones(3, np.float32), 4),
     {"axis": -1}, "float32", lambda: np.linspace(np.zeros((2, 1)), np.ones(3), 4, axis=-1)),
    ("linspace_num1", "linspace", (2.0, 5.0, 1), {}, "float32", lambda: np.linspace(2, 5, 1)),
    ("logspace", "logspace", (0, 2, 3), {}, "float32", lambda: np.logspace(0, 2, 3)),
    ("logspace_base", "logspace", (0.0, 3.0, 4), {"base": 2, "endpoint": False}, "float32",
     lambda: np.logspace(0, 3, 4, base=2, endpoint=False)),
    ("geomspace", "geomspace", (1, 1000, 4), {}, "float32", lambda: np.geomspace(1, 1000, 4)),
    ("geomspace_negative", "geomspace", (-1.0, -16.0, 5), {}, "float32", lambda: np.geomspace(-1, -16, 5)),
    ("tri", "tri", (3,), {}, "float32", lambda: np.tri(3)),
    ("tri_rect_k", "tri", (2, 4), {"k": 1, "dtype": "int32"}, "int32", lambda: np.tri(2, 4, k=1)),
    ("tril", "tril", (M,), {}, "float32", lambda: np.tril(M)),
    ("tril_k", "tril", (M,), {"k": 1}, "float32", lambda: np.tril(M, 1)),
    ("tril_batched_neg_k", "tril", (B3,), {"k": -1}, "int32", lambda: np.tril(B3, -1)),
    ("triu", "triu", (M,), {"k": -1}, "float32", lambda: np.triu(M, -1)),
    ("triu_batched", "triu", (B3,), {}, "int32", lambda: np.triu(B3)),
    ("triu_bool", "triu", (M > 0,), {}, "bool", lambda: np.triu(M > 0)),
    ("diag_vector", "diag", (VI,), {}, "int32", lambda: np.diag(VI)),
    ("diag_vector_k", "diag", (VI,), {"k": -2}, "int32", lambda: np.diag(VI, -2)),
    ("diag_matrix", "diag", (M,), {}, "float32", lambda: np.diag(M)),
    ("diag_matrix_k", "diag", (M,), {"k": 2}, "float32", lambda: np.diag(M, 2)),
    ("diag_matrix_neg_k", "diag", (M,), {"k": -1}, "float32", lambda: np.diag(M, -1)),
    ("diagflat", "diagflat", (np.array([[1, 2], [3, 4]], np.int32),), {"k": 1}, "int32",
     lambda: np.diagflat([[1, 2], [3, 4]], 1)),
    ("vander", "vander", (VI,), {}, "int32", lambda: np.vander(VI)),
    ("vander_n_increasing", "vander", (np.array([0.5, 2.0], np.float32),), {"N": 4, "increasing": True},
     "float32", lambda: np.vander([0.5, 2.0], 4, increasing=True)),
    ("array_int", "array", ([1, 2],), {}, "int32", lambda: np.array([1, 2])),
    ("array_float", "array", ([[1.0, 2.0]],), {}, "float32", lambda: np.array([[1.0, 2.0]])),
    ("array_dtype", "array", ([1, 2],), {"dtype": "float16"}, "float16", lambda: np.array([1, 2])),
    ("bartlett", "bartlett", (5,), {}, "float32", lambda: np.bartlett(5)),
    ("blackman", "blackman", (6,), {}, "float32", lambda: np.blackman(6)),
    ("hamming", "hamming", (4,), {}, "float32", lambda: np.hamming(4)),
    ("hanning", "hanning", (5,), {}, "float32", lambda: np.hanning(5)),
    ("hanning_one", "hanning", (1,), {}, "float32", lambda: np.hanning(1)),
    ("hamming_zero", "hamming", (0,), {}, "float32", lambda: np.hamming(0)),
    ("kaiser", "kaiser", (5, 2.5), {}, "float32", lambda: np.kaiser(5, 2.5)),
]


@pytest.mark.parametrize("name,args,kwargs,dtype,oracle", [c[1:] for c in VALUE_CASES],
                         ids=[c[0] for c in VALUE_CASES])
def test_values(name, args, kwargs, dtype, oracle):
    got = getattr(ops, name)(*args, **kwargs)
    assert_close(got, oracle(), dtype=dtype, atol=1e-5 if dtype == "float32" else None)


@pytest.mark.parametrize("name", ["empty", "empty_like"])
def test_empty_shape_and_dtype(name):
    got = ops.empty((2, 3)) if name == "empty" else ops.empty_like(B3)
    assert to_numpy(got).shape == ((2, 3) if name == "empty" else B3.shape)
    assert dtype_name(got) == ("float32" if name == "empty" else "int32")


def test_linspace_retstep():
    values, step = ops.linspace(0.0, 2.0, 5, retstep=True)
    expected, expected_step = np.linspace(0.0, 2.0, 5, retstep=True)
    assert_close(values, expected, dtype="float32")
    assert_close(step, np.asarray(expected_step), dtype="float32")


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing):
    a, b, c = np.arange(2, dtype=np.int32), np.array([1.0, 2.0, 3.0], np.float32), np.arange(4, dtype=np.int8)
    got = ops.meshgrid(a, b, c, indexing=indexing)
    expected = np.meshgrid(a, b, c, indexing=indexing)
    assert len(got) == 3
    for g, e in zip(got, expected):
        assert_close(g, e, dtype=kc.dtypes.standardize_dtype(e.dtype))


def test_arange_dtype_from_numpy_scalars():
    got = ops.arange(np.int8(4))
    assert dtype_name(got) == "int8"
    assert dtype_name(ops.arange(0, np.float16(2), 0.5)) == "float16"


def test_arange_64bit_bounds_kept():
    if BACKEND == "jax":
        import jax

        if not jax.config.jax_enable_x64:
            pytest.skip("jax without x64 narrows 64-bit types itself")
    assert dtype_name(ops.arange(np.int64(3))) == "int64"
    assert dtype_name(ops.linspace(np.float64(0), 1, 3)) == "float64"


def test_torch_tensors_on_backend_device():
    if BACKEND != "torch":
        pytest.skip("device placement is a torch concern")
    from kc.backend.torch.core import get_device

    expected = get_device().split(":")[0]
    for t in (ops.zeros((2,)), ops.full((2,), 1.0), ops.eye(2), ops.arange(3), ops.linspace(0, 1, 3),
              ops.tri(2), ops.hanning(3), ops.kaiser(3, 1.0), ops.array([1, 2])):
        assert t.device.type == expected


# (id, op, symbolic input shape, dtype, extra args, kwargs)
SYMBOLIC_CASES = [
    ("zeros_like", "zeros_like", (None, 3), "int8", (), {}),
    ("ones_like_dtype", "ones_like", (None, 3), "int8", (), {"dtype": "float32"}),
    ("full_like", "full_like", (None, 2, 3), "float16", (2.0,), {}),
    ("empty_like", "empty_like", (None, 3), "bool", (), {}),
    ("tril", "tril", (None, 3, 3), "float32", (), {"k": -1}),
    ("triu", "triu", (None, 4), "int32", (), {}),
    ("diag_vector", "diag", (3,), "int32", (), {"k": 1}),
    ("diag_matrix", "diag", (3, 4), "float32", (), {"k": 1}),
    ("diag_matrix_neg", "diag", (3, 4), "float32", (), {"k": -2}),
    ("diagflat", "diagflat", (2, 2), "float32", (), {}),
    ("vander", "vander", (3,), "float32", (), {"N": 2}),
    ("array", "array", (None, 3), "int32", (), {"dtype": "float32"}),
]


@pytest.mark.parametrize("name,shape,dtype,extra,kwargs", [c[1:] for c in SYMBOLIC_CASES],
                         ids=[c[0] for c in SYMBOLIC_CASES])
def test_symbolic_matches_eager(name, shape, dtype, extra, kwargs):
    symbolic = getattr(ops, name)(kc.KerasTensor(shape, dtype), *extra, **kwargs)
    concrete = tuple(2 if d is None else d for d in shape)
    values = np.arange(int(np.prod(concrete)), dtype=np.float32).reshape(concrete) % 3
    eager = getattr(ops, name)(kc.backend.convert_to_tensor(values, dtype=dtype), *extra, **kwargs)
    _check_spec(symbolic, eager)


def _check_spec(symbolic, eager):
    assert symbolic.dtype == dtype_name(eager)
    eager_shape = to_numpy(eager).shape
    assert len(symbolic.shape) == len(eager_shape)
    for s, e in zip(symbolic.shape, eager_shape):
        assert s is None or s == e, (symbolic.shape, eager_shape)


def test_symbolic_meshgrid_and_linspace():
    a, b = kc.KerasTensor((2,), "int32"), kc.KerasTensor((3,), "float32")
    grids = ops.meshgrid(a, b)
    eager = ops.meshgrid(np.arange(2, dtype=np.int32), np.arange(3, dtype=np.float32))
    for s, e in zip(grids, eager):
        _check_spec(s, e)
    start = kc.KerasTensor((None,), "float32")
    spaced = ops.linspace(start, 1.0, 4, axis=-1)
    assert spaced.shape == (None, 4) and spaced.dtype == "float32"
    assert ops.geomspace(kc.KerasTensor((2,), "float64"), 2.0, 3).dtype == "float64"


COMPILED_CASES = [
    ("tril_triu", lambda x: ops.tril(x, -1) + ops.triu(x, 2)),
    ("like", lambda x: ops.zeros_like(x) + ops.ones_like(x) * 2 + ops.full_like(x, 0.5)),
    ("linspace", lambda x: ops.linspace(x[:, 0], x[:, 1], 3, axis=-1)),
    ("diag", lambda x: ops.diag(ops.diag(x))),
    ("eye_arange", lambda x: x + ops.eye(3, 4) + ops.arange(4.0)),
]


@pytest.mark.parametrize("fn", [c[1] for c in COMPILED_CASES], ids=[c[0] for c in COMPILED_CASES])
def test_compiled_matches_eager(fn):
    x = kc.backend.convert_to_tensor(M[:, :4])
    assert_close(compiled(fn)(x), to_numpy(fn(x)))


@pytest.mark.grad
def test_gradient_through_tril_and_linspace():
    """d/dx sum(tril(x) * w) is tril(w); d/dstart sum(linspace(start, stop, 5)) is sum(1 - i/4) = 2.5."""
    w = np.arange(1, 13, dtype=np.float32).reshape(3, 4)
    if BACKEND == "jax":
        import jax

        g = jax.grad(lambda t: (ops.tril(t) * w).sum())(M)
        gs = jax.grad(lambda s: ops.linspace(s, 4.0, 5).sum())(1.0)
    elif BACKEND == "torch":
        t = kc.backend.convert_to_tensor(M).requires_grad_(True)
        (ops.tril(t) * kc.backend.convert_to_tensor(w)).sum().backward()
        g = t.grad
        s = kc.backend.convert_to_tensor(np.float32(1.0)).requires_grad_(True)
        ops.linspace(s, 4.0, 5).sum().backward()
        gs = s.grad
    else:
        import tensorflow as tf

        t, s = tf.constant(M), tf.constant(1.0)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([t, s])
            y1 = tf.reduce_sum(ops.tril(t) * w)
            y2 = tf.reduce_sum(ops.linspace(s, 4.0, 5))
        g, gs = tape.gradient(y1, t), tape.gradient(y2, s)
    assert_close(g, np.tril(w))
    assert_close(gs, np.asarray(2.5, np.float32), atol=1e-5)


ERROR_CASES = [
    ("tril_rank1", lambda: ops.tril(VI), ValueError, ("tril", "rank")),
    ("triu_symbolic_rank1", lambda: ops.triu(kc.KerasTensor((3,))), ValueError, ("triu", "rank")),
    ("diag_rank3", lambda: ops.diag(B3), ValueError, ("diag", "1-D or 2-D")),
    ("vander_rank2", lambda: ops.vander(M), ValueError, ("vander", "1-D")),
    ("meshgrid_indexing", lambda: ops.meshgrid(VI, VI, indexing="yx"), ValueError, ("meshgrid", "indexing")),
    ("window_length", lambda: ops.hanning("five"), TypeError, ("hanning", "int")),
    ("linspace_axis", lambda: ops.linspace(0.0, 1.0, 3, axis=2), ValueError, ("linspace", "rank 1")),
]


@pytest.mark.parametrize("call,error,words", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_errors(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value), str(info.value)
