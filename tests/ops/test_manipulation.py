"""Shape manipulation ops (kc.ops._manipulation) against NumPy, on the active backend."""

from __future__ import annotations

import numpy as np
import pytest
from kc_testing import BACKEND, assert_close, backend_gradient, compiled, dtype_name, numeric_gradient, to_numpy

import kc
from kc import ops

X = np.arange(12, dtype="float32").reshape(3, 4) - 5.5
C = np.arange(24, dtype="float32").reshape(2, 3, 4)
I = np.array([[3, -1, 0, 7], [2, 2, -5, 1], [0, 4, 4, 9]], "int32")
B = I > 1
E = np.zeros((0, 3), "float32")


def _narrow(dtype):
    """JAX without x64 narrows 64-bit types; every other backend keeps them."""
    if BACKEND == "jax":
        return {"float64": "float32", "int64": "int32", "uint64": "uint32"}.get(dtype, dtype)
    return dtype


# (id, kc call, NumPy oracle)
VALUE_CASES = [
    ("reshape", lambda: ops.reshape(X, (-1, 2)), lambda: X.reshape(-1, 2)),
    ("reshape_int", lambda: ops.reshape(I, 12), lambda: I.reshape(12)),
    ("reshape_empty", lambda: ops.reshape(E, (3, 0)), lambda: E.reshape(3, 0)),
    ("transpose", lambda: ops.transpose(C), lambda: C.T),
    ("transpose_axes", lambda: ops.transpose(C, (1, -1, 0)), lambda: C.transpose(1, 2, 0)),
    ("expand_dims", lambda: ops.expand_dims(X, -1), lambda: X[..., None]),
    ("expand_dims_tuple", lambda: ops.expand_dims(X, (0, 2)), lambda: np.expand_dims(X, (0, 2))),
    ("squeeze", lambda: ops.squeeze(np.ones((1, 3, 1))), lambda: np.ones(3)),
    ("squeeze_axis", lambda: ops.squeeze(np.ones((1, 3, 1)), -1), lambda: np.ones((1, 3))),
    ("concatenate", lambda: ops.concatenate([X, I], axis=0), lambda: np.concatenate([X, I]).astype("float32")),
    ("concatenate_neg", lambda: ops.concatenate([X, X[:, :1]], axis=-1), lambda: np.concatenate([X, X[:, :1]], -1)),
    ("concatenate_empty", lambda: ops.concatenate([E, X[:, :3]]), lambda: X[:, :3]),
    ("stack", lambda: ops.stack([X, X * 2], axis=-1), lambda: np.stack([X, X * 2], -1)),
    ("hstack", lambda: ops.hstack([X, X]), lambda: np.hstack([X, X])),
    ("hstack_1d", lambda: ops.hstack([X[0], X[1]]), lambda: np.hstack([X[0], X[1]])),
    ("vstack", lambda: ops.vstack([X[0], X]), lambda: np.vstack([X[0], X])),
    ("dstack", lambda: ops.dstack([X, X]), lambda: np.dstack([X, X])),
    ("split", lambda: ops.split(X, 2, axis=1)[1], lambda: np.split(X, 2, 1)[1]),
    ("split_indices", lambda: ops.split(X, [1, -1], axis=-1)[1], lambda: np.split(X, [1, -1], -1)[1]),
    ("array_split", lambda: ops.array_split(X, 3, axis=1)[0], lambda: np.array_split(X, 3, 1)[0]),
    ("hsplit", lambda: ops.hsplit(X, 2)[0], lambda: np.hsplit(X, 2)[0]),
    ("vsplit", lambda: ops.vsplit(C, [1])[1], lambda: np.vsplit(C, [1])[1]),
    ("dsplit", lambda: ops.dsplit(C, 2)[1], lambda: np.dsplit(C, 2)[1]),
    ("tile", lambda: ops.tile(X, (2, 1, 2)), lambda: np.tile(X, (2, 1, 2))),
    ("tile_int", lambda: ops.tile(I, 2), lambda: np.tile(I, 2)),
    ("repeat", lambda: ops.repeat(X, 2, axis=0), lambda: np.repeat(X, 2, 0)),
    ("repeat_flat", lambda: ops.repeat(I, 2), lambda: np.repeat(I, 2)),
    ("repeat_array", lambda: ops.repeat(X, [1, 0, 2, 1], axis=-1), lambda: np.repeat(X, [1, 0, 2, 1], -1)),
    ("flip", lambda: ops.flip(C), lambda: np.flip(C)),
    ("flip_axis", lambda: ops.flip(C, (0, -1)), lambda: np.flip(C, (0, -1))),
    ("fliplr", lambda: ops.fliplr(X), lambda: np.fliplr(X)),
    ("flipud", lambda: ops.flipud(B), lambda: np.flipud(B)),
    ("roll", lambda: ops.roll(X, 5), lambda: np.roll(X, 5)),
    ("roll_axes", lambda: ops.roll(X, (1, -2), (0, 1)), lambda: np.roll(X, (1, -2), (0, 1))),
    ("rot90", lambda: ops.rot90(X), lambda: np.rot90(X)),
    ("rot90_k", lambda: ops.rot90(C, -1, (1, 2)), lambda: np.rot90(C, -1, (1, 2))),
    ("rot90_k2", lambda: ops.rot90(X, 2), lambda: np.rot90(X, 2)),
    ("moveaxis", lambda: ops.moveaxis(C, 0, -1), lambda: np.moveaxis(C, 0, -1)),
    ("moveaxis_multi", lambda: ops.moveaxis(C, (0, 1), (2, 0)), lambda: np.moveaxis(C, (0, 1), (2, 0))),
    ("swapaxes", lambda: ops.swapaxes(C, 0, -1), lambda: np.swapaxes(C, 0, -1)),
    ("broadcast_to", lambda: ops.broadcast_to(X[:, :1], (2, 3, 4)), lambda: np.broadcast_to(X[:, :1], (2, 3, 4))),
    ("ravel", lambda: ops.ravel(C), lambda: C.ravel()),
    ("pad_int", lambda: ops.pad(X, 1), lambda: np.pad(X, 1)),
    ("pad_pairs", lambda: ops.pad(X, ((1, 0), (2, 3)), constant_values=-1), lambda: np.pad(X, ((1, 0), (2, 3)), constant_values=-1)),
    ("pad_bool", lambda: ops.pad(B, 1), lambda: np.pad(B, 1)),
    ("pad_reflect", lambda: ops.pad(X, ((1, 2), (3, 1)), "reflect"), lambda: np.pad(X, ((1, 2), (3, 1)), "reflect")),
    ("pad_symmetric", lambda: ops.pad(X, 2, "symmetric"), lambda: np.pad(X, 2, "symmetric")),
    ("pad_edge", lambda: ops.pad(I, (1, 2), "edge"), lambda: np.pad(I, (1, 2), "edge")),
    ("pad_wrap", lambda: ops.pad(X, 2, "wrap"), lambda: np.pad(X, 2, "wrap")),
    ("pad_circular", lambda: ops.pad(X, 1, "circular"), lambda: np.pad(X, 1, "wrap")),
    ("append", lambda: ops.append(X, I), lambda: np.append(X, I).astype("float32")),
    ("append_axis", lambda: ops.append(X, X[:1], axis=0), lambda: np.append(X, X[:1], 0)),
    ("diff", lambda: ops.diff(X * X), lambda: np.diff(X * X)),
    ("diff_n_axis", lambda: ops.diff(I, n=2, axis=0), lambda: np.diff(I, 2, 0)),
    ("diff_bool", lambda: ops.diff(B), lambda: np.diff(B)),
    ("copy", lambda: ops.copy(I), lambda: I),
    ("size", lambda: ops.size(C), lambda: np.array(24, "int32")),
    ("view_same_size", lambda: ops.view(X, "int32"), lambda: X.view("int32")),
    ("view_smaller", lambda: ops.view(X, "int16"), lambda: X.view("int16")),
    ("view_larger", lambda: ops.view(I.astype("int16"), "float32"), lambda: I.astype("int16").view("float32")),
    ("get_item_int", lambda: ops.get_item(X, 1), lambda: X[1]),
    ("get_item_neg", lambda: ops.get_item(X, (-1, slice(None, None, 2))), lambda: X[-1, ::2]),
    ("get_item_newaxis", lambda: ops.get_item(C, (None, Ellipsis, 1)), lambda: C[None, ..., 1]),
    ("get_item_neg_step", lambda: ops.get_item(X, (slice(None, None, -1), slice(3, 0, -2))), lambda: X[::-1, 3:0:-2]),
    ("get_item_int_tensor", lambda: ops.get_item(X, np.array([2, 0, 2])), lambda: X[[2, 0, 2]]),
    ("get_item_mixed", lambda: ops.get_item(C, (slice(None), np.array([0, 2]), 1)), lambda: C[:, [0, 2], 1]),
    ("get_item_mask", lambda: ops.get_item(X, X > 0), lambda: X[X > 0]),
    ("unravel_index", lambda: ops.unravel_index(np.array([0, 5, 11]), (3, 4))[0],
     lambda: np.unravel_index([0, 5, 11], (3, 4))[0].astype("int32")),
    ("rearrange_transpose", lambda: ops.rearrange(C, "b h w -> w b h"), lambda: C.transpose(2, 0, 1)),
    ("rearrange_merge", lambda: ops.rearrange(C, "b h w -> b (w h)"), lambda: C.transpose(0, 2, 1).reshape(2, 12)),
    ("rearrange_split", lambda: ops.rearrange(C, "b h (w1 w) -> (b w1) h w", w1=2),
     lambda: C.reshape(2, 3, 2, 2).transpose(0, 2, 1, 3).reshape(4, 3, 2)),
    ("rearrange_ellipsis", lambda: ops.rearrange(C, "b ... -> ... b"), lambda: C.transpose(1, 2, 0)),
]


@pytest.mark.parametrize("call,oracle", [c[1:] for c in VALUE_CASES], ids=[c[0] for c in VALUE_CASES])
def test_values(call, oracle):
    out, expected = call(), np.asarray(oracle())
    dtype = _narrow(kc.dtypes.standardize_dtype(expected.dtype.name))
    assert_close(out, expected, dtype=dtype)


def test_split_returns_list_of_pieces():
    pieces = ops.array_split(np.arange(5), 3)
    assert [to_numpy(p).tolist() for p in pieces] == [[0, 1], [2, 3], [4]]


def test_ndim_is_int():
    assert ops.ndim(C) == 3 and isinstance(ops.ndim(kc.backend.convert_to_tensor(X)), int)
    assert ops.ndim(kc.KerasTensor((None, 3))) == 2


def test_keras_tensor_getitem():
    x = kc.KerasTensor((None, 3, 4))
    assert x[:, 0].shape == (None, 4)
    assert x[..., None, 1:3].shape == (None, 3, 1, 2)


# (input dtypes, op, expected result dtype): Keras 3 promotes the joined tensors.
DTYPE_CASES = [
    (("int8", "float16"), "concatenate", "float16"),
    (("int8", "uint8"), "concatenate", "int16"),
    (("bool", "int8"), "stack", "int8"),
    (("int32", "float32"), "append", "float32"),
    (("uint8", "uint16"), "hstack", "uint16"),
    (("bfloat16", "float16"), "vstack", "float32"),
    (("int64", "int64"), "concatenate", "int64"),
]


@pytest.mark.parametrize("dtypes_,name,expected", DTYPE_CASES, ids=[f"{c[1]}-{'-'.join(c[0])}" for c in DTYPE_CASES])
def test_join_dtypes(dtypes_, name, expected):
    xs = [np.ones((2, 2), dtype=kc.backend.result_type(d) if d != "bfloat16" else "float32") for d in dtypes_]
    xs = [kc.backend.convert_to_tensor(x, d) for x, d in zip(xs, dtypes_)]
    out = getattr(ops, name)(xs) if name != "append" else ops.append(*xs)
    assert dtype_name(out) == _narrow(expected)
    sym = getattr(ops, name)([kc.KerasTensor((2, 2), d) for d in dtypes_]) if name != "append" else ops.append(
        *[kc.KerasTensor((2, 2), d) for d in dtypes_])
    assert sym.dtype == expected


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int32", "float16", "bfloat16", "float32"])
def test_dtype_kept(dtype):
    x = kc.backend.convert_to_tensor(np.ones((2, 3), "float32"), dtype)
    for out in (ops.reshape(x, (3, 2)), ops.transpose(x), ops.flip(x), ops.pad(x, 1), ops.tile(x, 2),
                ops.get_item(x, (0, slice(1, None))), ops.repeat(x, 2), ops.roll(x, 1)):
        assert dtype_name(out) == dtype


# (id, symbolic call, eager call on a concrete batch of 2): shapes must agree except at None.
SYMBOLIC_CASES = [
    ("reshape", lambda x: ops.reshape(x, (-1, 2))),
    ("transpose", lambda x: ops.transpose(x)),
    ("expand_dims", lambda x: ops.expand_dims(x, 1)),
    ("squeeze", lambda x: ops.squeeze(ops.expand_dims(x, -1), -1)),
    ("concatenate", lambda x: ops.concatenate([x, x], axis=-1)),
    ("stack", lambda x: ops.stack([x, x], axis=1)),
    ("hstack", lambda x: ops.hstack([x, x])),
    ("vstack", lambda x: ops.vstack([x, x])),
    ("dstack", lambda x: ops.dstack([x, x])),
    ("split", lambda x: ops.split(x, 2, axis=-1)[0]),
    ("array_split", lambda x: ops.array_split(x, 3, axis=1)[2]),
    ("tile", lambda x: ops.tile(x, (1, 2))),
    ("repeat", lambda x: ops.repeat(x, 3, axis=1)),
    ("repeat_flat", lambda x: ops.repeat(x, 2)),
    ("flip", lambda x: ops.flip(x, 0)),
    ("roll", lambda x: ops.roll(x, 1, 1)),
    ("rot90", lambda x: ops.rot90(x)),
    ("moveaxis", lambda x: ops.moveaxis(x, 0, 1)),
    ("swapaxes", lambda x: ops.swapaxes(x, 0, 1)),
    ("broadcast_to", lambda x: ops.broadcast_to(x[:1], (3, 2, 4))),
    ("ravel", lambda x: ops.ravel(x)),
    ("pad", lambda x: ops.pad(x, ((1, 1), (0, 2)))),
    ("append", lambda x: ops.append(x, x, axis=0)),
    ("diff", lambda x: ops.diff(x, 2)),
    ("copy", lambda x: ops.copy(x)),
    ("size", lambda x: ops.size(x)),
    ("view", lambda x: ops.view(x, "int16")),
    ("get_item", lambda x: ops.get_item(x, (slice(None), None, slice(1, 3)))),
    ("get_item_int", lambda x: ops.get_item(x, (Ellipsis, 0))),
    ("unravel_index", lambda x: ops.unravel_index(x, (4, 4))[0], "int32"),
    ("rearrange", lambda x: ops.rearrange(x, "b (h w) -> b w h", h=2)),
]


@pytest.mark.parametrize("call,dtype", [(c[1], c[2] if len(c) > 2 else "float32") for c in SYMBOLIC_CASES],
                         ids=[c[0] for c in SYMBOLIC_CASES])
def test_symbolic_matches_eager(call, dtype):
    concrete = np.arange(8).reshape(2, 4).astype(dtype)
    eager = call(concrete)
    spec = call(kc.KerasTensor((None, 4), dtype))
    assert isinstance(spec, kc.KerasTensor)
    assert len(spec.shape) == len(eager.shape)
    assert all(s is None or s == e for s, e in zip(spec.shape, eager.shape)), (spec.shape, eager.shape)
    assert spec.dtype == dtype_name(eager)


def test_symbolic_none_propagates():
    assert ops.reshape(kc.KerasTensor((None, 4)), (-1, 2)).shape == (None, 2)
    assert ops.concatenate([kc.KerasTensor((None, 4)), kc.KerasTensor((3, 4), "int8")]).shape == (None, 4)
    assert [t.shape for t in ops.split(kc.KerasTensor((None, 4)), [1, 3], axis=1)] == [(None, 1), (None, 2), (None, 1)]
    assert ops.get_item(kc.KerasTensor((3, 4)), kc.KerasTensor((3, 4), "bool")).shape == (None,)
    assert ops.rearrange(kc.KerasTensor((None, 6, 4)), "b (h1 h) w -> (b h1) h w", h1=2).shape == (None, 3, 4)


# (id, call, error type, words the message must contain)
ERROR_CASES = [
    ("concat_shapes", lambda: ops.concatenate([X, np.ones((1, 5))]), ValueError, "concatenate"),
    ("concat_rank", lambda: ops.concatenate([X, np.ones(4)]), ValueError, "rank"),
    ("reshape_size", lambda: ops.reshape(X, (5, -1)), ValueError, "reshape"),
    ("reshape_two_unknown", lambda: ops.reshape(X, (-1, -1)), ValueError, "-1"),
    ("expand_dims_axis", lambda: ops.expand_dims(X, 3), ValueError, "axis 3"),
    ("squeeze_not_one", lambda: ops.squeeze(X, 0), ValueError, "squeeze"),
    ("transpose_perm", lambda: ops.transpose(X, (0, 0)), ValueError, "permutation"),
    ("stack_shapes", lambda: ops.stack([X, X[:2]]), ValueError, "stack"),
    ("split_uneven", lambda: ops.split(X, 3, axis=1), ValueError, "split"),
    ("flip_axis", lambda: ops.flip(X, 2), ValueError, "flip: axis 2"),
    ("swapaxes_axis", lambda: ops.swapaxes(X, 0, -3), ValueError, "swapaxes"),
    ("diff_axis", lambda: ops.diff(X, axis=2), ValueError, "diff"),
    ("broadcast_to", lambda: ops.broadcast_to(X, (2, 3)), ValueError, "broadcast_to"),
    ("pad_mode", lambda: ops.pad(X, 1, "bogus"), ValueError, "mode"),
    ("pad_constant_values", lambda: ops.pad(X, 1, "reflect", constant_values=1), ValueError, "constant_values"),
    ("vsplit_rank", lambda: ops.vsplit(X[0], 2), ValueError, "vsplit"),
    ("get_item_float_key", lambda: ops.get_item(X, np.array([0.0])), TypeError, "int or bool"),
    ("rearrange_axes", lambda: ops.rearrange(C, "a b -> b a"), ValueError, "rearrange"),
    ("symbolic_concat", lambda: ops.concatenate([kc.KerasTensor((None, 3)), kc.KerasTensor((2, 4))]),
     ValueError, "concatenate"),
    ("symbolic_reshape", lambda: ops.reshape(kc.KerasTensor((3, 4)), (5, -1)), ValueError, "reshape"),
]


@pytest.mark.parametrize("call,error,words", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words.replace("-", r"\-")):
        call()


def test_compiled_sample():
    def fn(x):
        y = ops.concatenate([ops.reshape(x, (-1, 2)), ops.flip(ops.reshape(x, (-1, 2)), 0)], axis=1)
        y = ops.pad(ops.transpose(y), ((0, 1), (1, 0)), "reflect")
        return ops.get_item(ops.moveaxis(ops.expand_dims(y, 0), 0, -1), (slice(None, None, -1), 1))

    expected = to_numpy(fn(X))
    assert_close(compiled(fn)(kc.backend.convert_to_tensor(X)), expected)


def _weights(shape):
    return np.linspace(-1.0, 2.0, int(np.prod(shape))).reshape(shape).astype("float32")


GRAD_CASES = [
    ("reshape", lambda x: ops.reshape(x, (2, -1))),
    ("transpose", lambda x: ops.transpose(x)),
    ("concatenate", lambda x: ops.concatenate([x, x[:1] * 2.0], axis=0)),
    ("get_item", lambda x: ops.get_item(x, (slice(None, None, -1), np.array([0, 2])))),
    ("pad_reflect", lambda x: ops.pad(x, 1, "reflect")),
    ("repeat", lambda x: ops.repeat(x, 2, axis=1)),
]


@pytest.mark.grad
@pytest.mark.parametrize("fn", [c[1] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradients(fn):
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "float32")
    w = _weights(to_numpy(fn(x)).shape)
    np.testing.assert_allclose(backend_gradient(fn, x, w), numeric_gradient(fn, x, w, eps=1e-2),
                               rtol=1e-2, atol=1e-2)


def test_broadcast_to_a_dynamic_shape_inside_a_graph():
    # ops.shape of an unknown dimension in a tf.function is a tensor; broadcast_to accepts it.
    if BACKEND != "tensorflow":
        pytest.skip("dynamic graph shapes are a tensorflow case")
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec((None, 3))], reduce_retracing=True)
    def fill(v):
        return kc.ops.broadcast_to(kc.ops.ones((1, 3)), kc.ops.shape(v))

    np.testing.assert_array_equal(fill(tf.zeros((5, 3))).numpy(), np.ones((5, 3)))
