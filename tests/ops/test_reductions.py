"""kc.ops reductions and statistics against NumPy, on the active backend.

Tables: VALUE_CASES (values vs NumPy), DTYPE_CASES (output dtypes, Keras 3's
rules), SYMBOLIC_CASES (KerasTensor shape/dtype vs the eager result),
GRAD_CASES (gradients vs central finite differences), ERROR_CASES.
"""

from __future__ import annotations

import numpy as np
import pytest

import kc
from kc_testing import BACKEND, assert_close, backend_gradient, compiled, dtype_name, numeric_gradient, to_numpy

ops = kc.ops
NAN = np.nan

X = np.array([[1.5, -2.0, 3.0, 0.5], [4.0, 0.0, -1.0, 2.5], [0.5, 2.25, 2.0, -3.0]], np.float32)
X3 = (np.arange(24, dtype=np.float32).reshape(2, 3, 4) * 0.7) % 5 - 2
XN = np.array([[1.0, NAN, 3.0], [NAN, NAN, NAN], [2.0, -1.0, NAN]], np.float32)
XNP = np.array([[1.0, NAN, 3.0, 0.5], [4.0, 2.0, NAN, -1.0]], np.float32)  # no all-NaN slice
XI = np.array([[3, -1, 4], [1, 5, -9]], np.int32)
XB = np.array([[True, False, True], [False, False, True]])
EMPTY = np.zeros((0, 3), np.float32)
V = np.array([1.0, 2.5, -0.5, 4.0, 3.0], np.float32)


def _quiet(np_fn):
    def oracle(*args, **kwargs):
        import warnings

        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return np_fn(*args, **kwargs)

    return oracle


def _bincount_2d(x, weights=None, minlength=0):
    length = max(int(x.max()) + 1, minlength)
    rows = [np.bincount(r, None if weights is None else w, minlength=length)
            for r, w in zip(x, weights if weights is not None else [None] * len(x))]
    return np.stack(rows)


# (id, op name, args, kwargs, oracle or None for numpy's function of the same name)
VALUE_CASES = [
    ("sum_all", "sum", (X,), {}, None),
    ("sum_axis0", "sum", (X,), {"axis": 0}, None),
    ("sum_neg_axis_keepdims", "sum", (X,), {"axis": -1, "keepdims": True}, None),
    ("sum_tuple_axes", "sum", (X3,), {"axis": (0, 2)}, None),
    ("sum_tuple_neg_keepdims", "sum", (X3,), {"axis": (-1, 0), "keepdims": True}, None),
    ("sum_empty", "sum", (EMPTY,), {"axis": 0}, None),
    ("sum_int", "sum", (XI,), {"axis": 1}, None),
    ("sum_bool", "sum", (XB,), {"axis": 0}, None),
    ("prod", "prod", (X,), {"axis": 1}, None),
    ("prod_tuple", "prod", (X3,), {"axis": (0, 1), "keepdims": True}, None),
    ("prod_dtype", "prod", (XI,), {"dtype": "float32"}, None),
    ("prod_empty", "prod", (EMPTY,), {}, None),
    ("mean", "mean", (X,), {"axis": 0}, None),
    ("mean_int", "mean", (XI,), {}, None),
    ("mean_keepdims_tuple", "mean", (X3,), {"axis": (1, 2), "keepdims": True}, None),
    ("median_even", "median", (X,), {"axis": 1}, None),
    ("median_all", "median", (X3,), {}, None),
    ("median_tuple_keepdims", "median", (X3,), {"axis": (0, -1), "keepdims": True}, None),
    ("std", "std", (X,), {"axis": -1}, None),
    ("std_int", "std", (XI,), {}, None),
    ("var", "var", (X3,), {"axis": (0, 2), "keepdims": True}, None),
    ("average_plain", "average", (X,), {"axis": 1}, None),
    ("average_1d_weights", "average", (X,), {"axis": 1, "weights": np.array([1.0, 2.0, 0.5, 1.0], np.float32)},
     None),
    ("average_full_weights", "average", (X,), {"weights": np.abs(X) + 1}, None),
    ("max_all", "max", (X,), {}, None),
    ("max_axis_keepdims", "max", (X3,), {"axis": -2, "keepdims": True}, None),
    ("max_initial", "max", (X,), {"axis": 0, "initial": 2.0}, None),
    ("max_empty_initial", "max", (EMPTY,), {"axis": 0, "initial": -1.0}, None),
    ("max_bool", "max", (XB,), {"axis": 1}, None),
    ("min_int", "min", (XI,), {"axis": 0}, None),
    ("min_initial", "min", (XI,), {"initial": -20}, None),
    ("min_bool", "min", (XB,), {"axis": 0}, None),
    ("amax", "amax", (X3,), {"axis": (0, 1)}, None),
    ("amin", "amin", (X,), {"axis": -1, "keepdims": True}, None),
    ("any", "any", (XB,), {"axis": 1}, None),
    ("any_float", "any", (X,), {"axis": 0, "keepdims": True}, None),
    ("all", "all", (XB,), {"axis": 0}, None),
    ("all_int", "all", (XI,), {}, None),
    ("all_empty", "all", (EMPTY,), {"axis": 0}, None),
    ("count_nonzero", "count_nonzero", (X,), {"axis": 0}, None),
    ("count_nonzero_all", "count_nonzero", (XB,), {}, None),
    ("count_nonzero_tuple", "count_nonzero", (X3,), {"axis": (0, 2)}, None),
    ("argmax_all", "argmax", (X,), {}, None),
    ("argmax_axis", "argmax", (X,), {"axis": 0}, None),
    ("argmax_keepdims", "argmax", (X3,), {"axis": -1, "keepdims": True}, None),
    ("argmax_none_keepdims", "argmax", (X,), {"keepdims": True}, None),
    ("argmax_ties", "argmax", (np.array([1, 3, 3, 0], np.int32),), {}, None),
    ("argmax_bool", "argmax", (XB,), {"axis": 1}, None),
    ("argmin", "argmin", (XI,), {"axis": 1}, None),
    ("cumsum_flat", "cumsum", (X,), {}, None),
    ("cumsum_axis", "cumsum", (X3,), {"axis": -2}, None),
    ("cumsum_bool", "cumsum", (XB,), {"axis": 1}, None),
    ("cumsum_dtype", "cumsum", (XI,), {"axis": 0, "dtype": "float32"}, None),
    ("cumprod", "cumprod", (X,), {"axis": 1}, None),
    ("cumprod_int", "cumprod", (XI,), {}, None),
    ("ptp", "ptp", (X,), {"axis": 0}, None),
    ("ptp_int_keepdims", "ptp", (XI,), {"axis": -1, "keepdims": True}, None),
    ("quantile_linear", "quantile", (X, 0.3), {"axis": 1}, None),
    ("quantile_vector_q", "quantile", (X, np.array([0.0, 0.25, 0.6, 1.0])), {}, None),
    ("quantile_lower", "quantile", (V, [0.3, 0.5]), {"method": "lower"}, None),
    ("quantile_higher", "quantile", (V, [0.3, 0.5]), {"method": "higher"}, None),
    ("quantile_midpoint", "quantile", (V, [0.3, 0.5]), {"method": "midpoint"}, None),
    ("quantile_nearest", "quantile", (V, [0.3, 0.5, 0.625]), {"method": "nearest"}, None),
    ("quantile_keepdims", "quantile", (X3, [0.2, 0.9]), {"axis": (0, 2), "keepdims": True}, None),
    ("quantile_int", "quantile", (XI, 0.5), {"axis": 0}, None),
    ("quantile_nan", "quantile", (XNP, 0.5), {"axis": 1}, None),
    ("percentile", "percentile", (X, [10, 50, 90]), {"axis": 0}, None),
    ("nansum", "nansum", (XN,), {"axis": 1}, None),
    ("nansum_int", "nansum", (XI,), {}, None),
    ("nanprod", "nanprod", (XN,), {"axis": 0}, None),
    ("nanmean", "nanmean", (XNP,), {"axis": 1}, None),
    ("nanmean_all_nan_row", "nanmean", (XN,), {"axis": 1}, _quiet(np.nanmean)),
    ("nanmedian", "nanmedian", (XNP,), {"axis": -1, "keepdims": True}, None),
    ("nanmin", "nanmin", (XNP,), {"axis": 0}, None),
    ("nanmax_all_nan_row", "nanmax", (XN,), {"axis": 1}, _quiet(np.nanmax)),
    ("nanmax_int", "nanmax", (XI,), {"axis": 1}, None),
    ("nanstd", "nanstd", (XNP,), {"axis": 1}, None),
    ("nanvar", "nanvar", (XNP,), {"axis": 0, "keepdims": True}, None),
    ("nanargmax", "nanargmax", (XNP,), {"axis": 1}, None),
    ("nanargmin_all_nan_row", "nanargmin", (XN,), {"axis": 1},
     lambda x, axis: np.array([0, -1, 1])),
    ("nanargmax_all_nan", "nanargmax", (np.array([NAN, NAN], np.float32),), {}, lambda x: np.array(-1)),
    ("nancumsum", "nancumsum", (XN,), {"axis": 1}, None),
    ("nancumprod_flat", "nancumprod", (XN,), {}, None),
    ("nanquantile", "nanquantile", (XNP, [0.25, 0.5]), {"axis": 1}, None),
    ("nanquantile_all_nan_row", "nanquantile", (XN, 0.5), {"axis": 1}, _quiet(np.nanquantile)),
    ("nanpercentile", "nanpercentile", (XNP, 40), {"axis": 0, "method": "lower"}, None),
    ("trapezoid", "trapezoid", (X,), {}, None),
    ("trapezoid_dx_axis", "trapezoid", (X3,), {"dx": 0.5, "axis": 1}, None),
    ("trapezoid_x", "trapezoid", (X,), {"x": np.array([0.0, 1.0, 3.0, 3.5], np.float32)}, None),
    ("trapezoid_int", "trapezoid", (XI,), {"axis": 0}, None),
    ("bincount", "bincount", (np.array([0, 1, 1, 4], np.int32),), {}, None),
    ("bincount_minlength", "bincount", (np.array([0, 2, 2], np.int32),), {"minlength": 5}, None),
    ("bincount_weights", "bincount", (np.array([0, 1, 1, 3], np.int32),),
     {"weights": np.array([0.5, 1.0, 2.0, -1.0], np.float32)}, None),
    ("bincount_2d", "bincount", (np.array([[0, 1, 1], [2, 2, 0]], np.int32),), {"minlength": 4}, _bincount_2d),
    ("histogram", "histogram", (V,), {}, None),
    ("histogram_bins_range", "histogram", (V,), {"bins": 3, "range": (-1.0, 5.0)}, None),
    ("histogram_outside_range", "histogram", (V,), {"bins": 4, "range": (0.0, 3.5)}, None),
    ("corrcoef", "corrcoef", (X,), {}, None),
    ("corrcoef_1d", "corrcoef", (V,), {}, None),
    ("correlate_valid", "correlate", (V, np.array([1.0, -0.5, 2.0], np.float32)), {}, None),
    ("correlate_same", "correlate", (V, np.array([1.0, -0.5], np.float32)), {"mode": "same"}, None),
    ("correlate_full", "correlate", (V, np.array([1.0, -0.5, 2.0], np.float32)), {"mode": "full"}, None),
    ("correlate_short_first", "correlate", (np.array([1.0, 2.0], np.float32), V), {"mode": "same"}, None),
    ("correlate_int", "correlate", (np.array([1, 2, 3], np.int32), np.array([1, 1], np.int32)), {}, None),
]


@pytest.mark.parametrize("name,args,kwargs,oracle", [c[1:] for c in VALUE_CASES],
                         ids=[c[0] for c in VALUE_CASES])
def test_values(name, args, kwargs, oracle):
    got = getattr(ops, name)(*args, **kwargs)
    expected = (oracle or getattr(np, name))(*[np.asarray(a) for a in args], **kwargs)
    if isinstance(expected, tuple):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_close(g, e)
    else:
        assert_close(got, expected)


# Keras 3's dtype rules. Columns: input dtype -> output dtype.
_IN = ("bool", "int8", "uint8", "int16", "int32", "float16", "bfloat16", "float32")
_SUM = dict(zip(_IN, ("int32", "int32", "uint32", "int32", "int32", "float16", "bfloat16", "float32")))
_FLOAT = dict(zip(_IN, ("float32",) * 5 + ("float16", "bfloat16", "float32")))
_SAME = {d: d for d in _IN}
_CUM = dict(_SAME, bool="int32")
_BOOL = {d: "bool" for d in _IN}
_INT32 = {d: "int32" for d in _IN}

DTYPE_RULES = {
    "sum": _SUM, "prod": _SUM, "nansum": _SUM, "nanprod": _SUM,
    "mean": _FLOAT, "median": _FLOAT, "std": _FLOAT, "var": _FLOAT, "nanmean": _FLOAT,
    "nanmedian": _FLOAT, "nanstd": _FLOAT, "nanvar": _FLOAT, "average": _FLOAT, "trapezoid": _FLOAT,
    "corrcoef": _FLOAT,
    "max": _SAME, "min": _SAME, "amax": _SAME, "amin": _SAME, "nanmax": _SAME, "nanmin": _SAME,
    "ptp": {d: d for d in _IN if d != "bool"},
    "any": _BOOL, "all": _BOOL,
    "count_nonzero": _INT32, "argmax": _INT32, "argmin": _INT32, "nanargmax": _INT32, "nanargmin": _INT32,
    "cumsum": _CUM, "cumprod": _CUM, "nancumsum": _CUM, "nancumprod": _CUM,
    "quantile": _FLOAT, "nanquantile": _FLOAT,
}
_EXTRA_ARGS = {"quantile": (0.5,), "nanquantile": (0.5,)}
DTYPE_CASES = [(op, d, out) for op, table in DTYPE_RULES.items() for d, out in table.items()]

_SMALL = np.array([[1, 0, 2], [3, 1, 1]])


def _cast(values, dtype):
    return kc.backend.convert_to_tensor(values.astype(np.float32), dtype=dtype)


@pytest.mark.parametrize("name,in_dtype,out_dtype", DTYPE_CASES, ids=[f"{c[0]}-{c[1]}" for c in DTYPE_CASES])
def test_dtype(name, in_dtype, out_dtype):
    x = _cast(_SMALL, in_dtype)
    got = getattr(ops, name)(x, *_EXTRA_ARGS.get(name, ()))
    assert dtype_name(got) == out_dtype
    symbolic = getattr(ops, name)(kc.KerasTensor((None, 3), in_dtype), *_EXTRA_ARGS.get(name, ()))
    assert symbolic.dtype == out_dtype


@pytest.mark.parametrize("name,in_dtype,out_dtype", [
    ("sum", "int64", "int64"), ("mean", "float64", "float64"), ("max", "int64", "int64"),
    ("cumsum", "float64", "float64"), ("std", "float64", "float64"), ("prod", "uint32", "uint32"),
    ("mean", "int64", "float32"), ("argmax", "float64", "int32"),
])
def test_dtype_64bit_kept(name, in_dtype, out_dtype):
    if BACKEND == "jax" and "64" in in_dtype:
        import jax

        if not jax.config.jax_enable_x64:
            pytest.skip("jax without x64 narrows 64-bit inputs itself")
    got = getattr(ops, name)(_cast(_SMALL, in_dtype))
    assert dtype_name(got) == out_dtype


def test_dtype_arguments():
    assert dtype_name(ops.prod(XI, dtype="float32")) == "float32"
    assert dtype_name(ops.cumsum(XB, dtype="int8")) == "int8"
    assert dtype_name(ops.bincount(np.array([0, 1], np.int32), weights=np.array([1, 2], np.int8))) == "int32"
    assert dtype_name(ops.histogram(np.array([1, 2, 3], np.int32))[1]) == "float32"
    assert dtype_name(ops.histogram(V)[0]) == "int32"
    assert dtype_name(ops.average(XI, axis=0, weights=np.array([1.0, 2.0], np.float16))) == "float16"


# (id, op, symbolic input shape, dtype, extra args, kwargs)
SYMBOLIC_CASES = [
    ("sum_axis1", "sum", (None, 3, 4), "float32", (), {"axis": 1}),
    ("sum_keepdims", "sum", (None, 3, 4), "int8", (), {"axis": (1, -1), "keepdims": True}),
    ("mean_all", "mean", (None, 3), "int32", (), {}),
    ("max_neg", "max", (None, 3, 4), "float16", (), {"axis": -1}),
    ("argmax_keepdims", "argmax", (None, 3), "float32", (), {"axis": 1, "keepdims": True}),
    ("cumsum_axis", "cumsum", (None, 3), "bool", (), {"axis": 1}),
    ("cumsum_flat", "cumsum", (2, 3), "float32", (), {}),
    ("quantile_vector_q", "quantile", (None, 3, 4), "float32", (np.array([0.1, 0.5]),), {"axis": 2}),
    ("any", "any", (None, 3), "float32", (), {"axis": 0}),
    ("count_nonzero", "count_nonzero", (None, 3, 4), "float32", (), {"axis": (0, 2)}),
    ("ptp", "ptp", (None, 3), "int32", (), {"axis": 1, "keepdims": True}),
    ("nanvar", "nanvar", (None, 3), "float32", (), {"axis": 1}),
    ("average_weights", "average", (None, 4), "float32", (), {"axis": 1, "weights": np.ones(4, np.float32)}),
    ("trapezoid", "trapezoid", (None, 3, 4), "float32", (), {"axis": 1}),
    ("corrcoef", "corrcoef", (3, 4), "int32", (), {}),
    ("correlate", "correlate", (5,), "float32", (np.ones(3, np.float32),), {"mode": "same"}),
]


@pytest.mark.parametrize("name,shape,dtype,extra,kwargs", [c[1:] for c in SYMBOLIC_CASES],
                         ids=[c[0] for c in SYMBOLIC_CASES])
def test_symbolic_matches_eager(name, shape, dtype, extra, kwargs):
    symbolic = getattr(ops, name)(kc.KerasTensor(shape, dtype), *extra, **kwargs)
    concrete = tuple(2 if d is None else d for d in shape)
    values = np.arange(int(np.prod(concrete)), dtype=np.float32).reshape(concrete) % 3
    eager = getattr(ops, name)(_cast(values, dtype), *extra, **kwargs)
    assert symbolic.dtype == dtype_name(eager)
    eager_shape = to_numpy(eager).shape
    assert len(symbolic.shape) == len(eager_shape)
    for s, e in zip(symbolic.shape, eager_shape):
        assert s is None or s == e, (symbolic.shape, eager_shape)


def test_symbolic_histogram():
    counts, edges = ops.histogram(kc.KerasTensor((None,), "int32"), bins=4)
    assert (counts.shape, counts.dtype, edges.shape, edges.dtype) == ((4,), "int32", (5,), "float32")


COMPILED_CASES = [
    ("sum", lambda x: ops.sum(x, axis=(0, -1), keepdims=True)),
    ("mean_std", lambda x: ops.mean(x, axis=1) + ops.std(x, axis=1)),
    ("max", lambda x: ops.max(x, axis=0, initial=0.0)),
    ("argmax", lambda x: ops.argmax(x, axis=-1)),
    ("cumsum", lambda x: ops.cumsum(x, axis=1)),
    ("quantile", lambda x: ops.quantile(x, np.array([0.25, 0.5], np.float32), axis=1)),
    ("nanmean", lambda x: ops.nanmean(x, axis=0)),
    ("median", lambda x: ops.median(x)),
]


@pytest.mark.parametrize("fn", [c[1] for c in COMPILED_CASES], ids=[c[0] for c in COMPILED_CASES])
def test_compiled_matches_eager(fn):
    compiled_fn = compiled(fn)
    x = kc.backend.convert_to_tensor(X3)
    assert_close(compiled_fn(x), to_numpy(fn(x)))


def test_compiled_bincount_needs_static_length():
    compiled_fn = compiled(lambda x: ops.bincount(x, minlength=5))
    assert_close(compiled_fn(kc.backend.convert_to_tensor(np.array([0, 1, 1, 3], np.int32))),
                 np.array([1, 2, 0, 1, 0]))


GRAD_CASES = [
    ("sum", lambda x: ops.sum(x, axis=1), lambda x: np.sum(x, axis=1)),
    ("mean", lambda x: ops.mean(x, axis=0), lambda x: np.mean(x, axis=0)),
    ("max", lambda x: ops.max(x, axis=-1), lambda x: np.max(x, axis=-1)),
    ("prod", lambda x: ops.prod(x, axis=1), lambda x: np.prod(x, axis=1)),
    ("std", lambda x: ops.std(x, axis=1), lambda x: np.std(x, axis=1)),
    ("cumsum", lambda x: ops.cumsum(x, axis=1) ** 2, lambda x: np.cumsum(x, axis=1) ** 2),
    ("quantile", lambda x: ops.quantile(x, 0.4, axis=1), lambda x: np.quantile(x, 0.4, axis=1)),
    ("nanmean", lambda x: ops.nanmean(x, axis=1), lambda x: np.nanmean(x, axis=1)),
]


@pytest.mark.grad
@pytest.mark.parametrize("fn,np_fn", [c[1:] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradient_matches_finite_differences(fn, np_fn):
    np.testing.assert_allclose(backend_gradient(fn, X), numeric_gradient(np_fn, X.astype(np.float64), eps=1e-4),
                               rtol=1e-2, atol=1e-2)


# (id, call, error type, words the message must hold)
ERROR_CASES = [
    ("sum_axis", lambda: ops.sum(X, axis=2), ValueError, ("sum", "axis 2", "rank 2")),
    ("mean_neg_axis", lambda: ops.mean(X, axis=-3), ValueError, ("mean", "rank 2")),
    ("max_tuple_axis", lambda: ops.max(X3, axis=(0, 3)), ValueError, ("max", "rank 3")),
    ("argmax_axis", lambda: ops.argmax(X, axis=5), ValueError, ("argmax", "rank 2")),
    ("cumsum_axis", lambda: ops.cumsum(X, axis=2), ValueError, ("cumsum", "rank 2")),
    ("quantile_axis", lambda: ops.quantile(X, 0.5, axis=2), ValueError, ("quantile", "rank 2")),
    ("repeated_axis", lambda: ops.sum(X, axis=(0, -2)), ValueError, ("sum", "repeated")),
    ("max_empty", lambda: ops.max(EMPTY, axis=0), ValueError, ("max", "empty")),
    ("argmin_empty", lambda: ops.argmin(EMPTY), ValueError, ("argmin", "empty")),
    ("quantile_method", lambda: ops.quantile(X, 0.5, method="cubic"), ValueError, ("quantile", "method")),
    ("ptp_bool", lambda: ops.ptp(XB), TypeError, ("ptp", "bool")),
    ("bincount_float", lambda: ops.bincount(V), TypeError, ("bincount", "integer")),
    ("bincount_negative", lambda: ops.bincount(np.array([1, -1], np.int32)), ValueError, ("bincount",)),
    ("bincount_sparse", lambda: ops.bincount(np.array([1], np.int32), sparse=True), NotImplementedError,
     ("bincount", "sparse")),
    ("histogram_2d", lambda: ops.histogram(X), ValueError, ("histogram", "1-D")),
    ("correlate_mode", lambda: ops.correlate(V, V, mode="wide"), ValueError, ("correlate", "mode")),
    ("average_weights", lambda: ops.average(X, weights=np.ones(4)), ValueError, ("average", "weights")),
    ("symbolic_axis", lambda: ops.sum(kc.KerasTensor((None, 3)), axis=2), ValueError, ("sum", "rank 2")),
]


@pytest.mark.parametrize("call,error,words", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_errors(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value), str(info.value)
