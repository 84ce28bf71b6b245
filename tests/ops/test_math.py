"""Math ops of keras.ops outside the NumPy API (kc.ops._math) against NumPy, on the active backend."""

from __future__ import annotations

import math

import numpy as np
import pytest
from kc_testing import BACKEND, assert_close, backend_gradient, compiled, dtype_name, numeric_gradient, to_numpy

import kc
from kc import ops

_rng = np.random.default_rng(5)
X = _rng.normal(size=(3, 4)).astype("float32")
D = _rng.normal(size=(5, 2)).astype("float32")
IDS = np.array([0, 2, 0, 2, 1], "int32")
I32 = np.array([[3, -1, 4, 1], [5, 9, -2, 6]], "int32")
SIG = _rng.normal(size=(2, 19)).astype("float32")
PREC = {"rtol": 1e-4, "atol": 1e-5}


def _narrow(dtype):
    return ({"float64": "float32", "int64": "int32", "complex128": "complex64"}.get(dtype, dtype)
            if BACKEND == "jax" else dtype)


def _np_segment(ufunc, data, ids, n, fill):
    out = np.full((n,) + data.shape[1:], fill, data.dtype)
    keep = (ids >= 0) & (ids < n)
    ufunc.at(out, ids[keep], data[keep])
    return out


def _np_logsumexp(x, axis=None, keepdims=False):
    top = np.max(x, axis=axis, keepdims=True)
    r = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return r if keepdims else np.squeeze(r, axis=axis)


def _np_frames(x, size, stride):
    count = 1 + (x.shape[-1] - size) // stride
    return np.stack([x[..., i * stride:i * stride + size] for i in range(count)], axis=-2)


def _np_stft(x, length, stride, fft, window="hann", center=True):
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft // 2, fft // 2)], mode="reflect")
    frames = _np_frames(x, fft, stride)
    if window is not None:
        n = np.arange(length)
        alpha = 0.5 if window == "hann" else 0.54
        win = alpha - (1 - alpha) * np.cos(2 * np.pi * n / length)
        left = (fft - length) // 2
        frames = frames * np.pad(win, (left, fft - length - left))
    c = np.fft.rfft(frames, n=fft, axis=-1)
    return c.real, c.imag


_erf = np.vectorize(math.erf)
_erfc = np.vectorize(math.erfc)

# (id, kc call, NumPy oracle, expected dtype or None for the oracle's)
VALUE_CASES = [
    ("segment_sum", lambda: ops.segment_sum(D, IDS), lambda: _np_segment(np.add, D, IDS, 3, 0), None),
    ("segment_sum_num_dropped", lambda: ops.segment_sum(D, np.array([0, 3, -1, 1, 1]), num_segments=3),
     lambda: _np_segment(np.add, D, np.array([0, 3, -1, 1, 1]), 3, 0), None),
    ("segment_sum_sorted", lambda: ops.segment_sum(D, np.sort(IDS), sorted=True),
     lambda: _np_segment(np.add, D, np.sort(IDS), 3, 0), None),
    ("segment_prod", lambda: ops.segment_prod(D, IDS, num_segments=4), lambda: _np_segment(np.multiply, D, IDS, 4, 1),
     None),
    ("segment_max", lambda: ops.segment_max(D, IDS, num_segments=4),
     lambda: _np_segment(np.maximum, D, IDS, 4, -np.inf), None),
    ("segment_min", lambda: ops.segment_min(D, IDS, num_segments=4), lambda: _np_segment(np.minimum, D, IDS, 4, np.inf),
     None),
    ("segment_max_int", lambda: ops.segment_max(I32[0], np.array([1, 1, 0, 0]), num_segments=3),
     lambda: np.array([4, 3, np.iinfo("int32").min], "int32"), None),
    ("segment_sum_int", lambda: ops.segment_sum(I32.T, np.array([1, 1, 0, 0])), lambda: np.array([[5, 4], [2, 14]]),
     "int32"),
    ("segment_sum_bool", lambda: ops.segment_sum(np.array([True, False, False]), np.array([0, 1, 1]), num_segments=3),
     lambda: np.array([True, False, False]), None),
    ("segment_min_bool", lambda: ops.segment_min(np.array([True, False, True]), np.array([0, 1, 1]), num_segments=3),
     lambda: np.array([True, False, True]), None),
    ("top_k", lambda: ops.top_k(X, 2)[0], lambda: -np.sort(-X, axis=-1)[:, :2], None),
    ("top_k_indices", lambda: ops.top_k(X, 3)[1], lambda: np.argsort(-X, axis=-1)[:, :3].astype("int32"), None),
    ("top_k_int_ties", lambda: ops.top_k(np.array([1, 3, 3, 2], "int32"), 3)[1], lambda: np.array([1, 2, 3], "int32"),
     None),
    ("top_k_values_int", lambda: ops.top_k(I32, 1)[0], lambda: I32.max(axis=-1, keepdims=True), None),
    ("in_top_k", lambda: ops.in_top_k(np.array([0, 1, 3]), X, 2),
     lambda: np.array([X[i, t] >= np.sort(X[i])[-2] for i, t in enumerate([0, 1, 3])]), None),
    ("in_top_k_ties", lambda: ops.in_top_k(np.array([0, 1]), np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0]]), 1),
     lambda: np.array([True, True]), None),
    ("logsumexp", lambda: ops.logsumexp(X), lambda: _np_logsumexp(X), None),
    ("logsumexp_axis", lambda: ops.logsumexp(X * 100, axis=-1), lambda: _np_logsumexp(X.astype("float64") * 100, -1),
     "float32"),
    ("logsumexp_keepdims", lambda: ops.logsumexp(X, axis=(0, 1), keepdims=True),
     lambda: _np_logsumexp(X, (0, 1), True), None),
    ("logsumexp_neg_inf", lambda: ops.logsumexp(np.array([[-np.inf, -np.inf], [0.0, 0.0]], "float32"), axis=1),
     lambda: np.array([-np.inf, np.log(2.0)], "float32"), None),
    ("logsumexp_int", lambda: ops.logsumexp(I32, axis=0), lambda: _np_logsumexp(I32.astype("float64"), 0), "float32"),
    ("erf", lambda: ops.erf(X), lambda: _erf(X.astype("float64")), "float32"),
    ("erf_int", lambda: ops.erf(I32), lambda: _erf(I32), "float32"),
    ("erfc", lambda: ops.erfc(X * 3), lambda: _erfc(X.astype("float64") * 3), "float32"),
    ("erfinv", lambda: ops.erfinv(np.array([-0.99, -0.5, 0.0, 0.3, 0.9], "float32")),
     lambda: np.array([-1.8213864, -0.4769363, 0.0, 0.2724627, 1.1630871]), "float32"),
    ("erfinv_round_trip", lambda: ops.erf(ops.erfinv(np.tanh(X))), lambda: np.tanh(X), None),
    ("rsqrt", lambda: ops.rsqrt(np.abs(X) + 0.1), lambda: 1 / np.sqrt(np.abs(X) + 0.1), None),
    ("rsqrt_int", lambda: ops.rsqrt(np.array([1, 4, 16])), lambda: np.array([1.0, 0.5, 0.25]), "float32"),
    ("logdet", lambda: ops.logdet(np.eye(3, dtype="float32") * 2 + 0.1 * X[:, :3]),
     lambda: np.linalg.slogdet(np.eye(3) * 2 + 0.1 * X[:, :3].astype("float64"))[1], "float32"),
    ("cdist", lambda: ops.cdist(X, X[:2]), lambda: np.sqrt(((X[:, None] - X[None, :2]) ** 2).sum(-1)), None),
    ("cdist_batched", lambda: ops.cdist(np.stack([X, -X]), X[:2]),
     lambda: np.sqrt(((np.stack([X, -X])[:, :, None] - X[None, None, :2]) ** 2).sum(-1)), None),
    ("cdist_int", lambda: ops.cdist(np.array([[0, 0]]), np.array([[3, 4]])), lambda: np.array([[5.0]]), "float32"),
    ("view_as_complex", lambda: ops.view_as_complex(X[:, :2]), lambda: X[:, 0] + 1j * X[:, 1], "complex64"),
    ("view_as_real", lambda: ops.view_as_real((X[:, 0] + 1j * X[:, 1]).astype("complex64")), lambda: X[:, :2], None),
    ("view_as_real_float", lambda: ops.view_as_real(X[0]), lambda: np.stack([X[0], 0 * X[0]], -1), None),
    ("extract_sequences", lambda: ops.extract_sequences(np.arange(6), 3, 2), lambda: np.array([[0, 1, 2], [2, 3, 4]]),
     _narrow("int64")),
    ("extract_sequences_batch", lambda: ops.extract_sequences(X, 2, 1), lambda: _np_frames(X, 2, 1), None),
]


def _fft_cases():
    c = X + 1j * X[::-1]

    def parts(z):
        return np.stack([z.real, z.imag]).astype("float32")

    def kc_parts(pair):
        return np.stack([to_numpy(t) for t in pair])

    rows = [
        ("fft", lambda: kc_parts(ops.fft((X, X[::-1].copy()))), lambda: parts(np.fft.fft(c))),
        ("fft2", lambda: kc_parts(ops.fft2((X, X[::-1].copy()))), lambda: parts(np.fft.fft2(c))),
        ("ifft2", lambda: kc_parts(ops.ifft2((X, X[::-1].copy()))), lambda: parts(np.fft.ifft2(c))),
        ("rfft", lambda: kc_parts(ops.rfft(X)), lambda: parts(np.fft.rfft(X))),
        ("rfft_length", lambda: kc_parts(ops.rfft(X, fft_length=6)), lambda: parts(np.fft.rfft(X, n=6))),
        ("rfft_int", lambda: kc_parts(ops.rfft(I32)), lambda: parts(np.fft.rfft(I32))),
        ("irfft", lambda: ops.irfft((X, X[::-1].copy())), lambda: np.fft.irfft(c).astype("float32")),
        ("irfft_length", lambda: ops.irfft((X, X[::-1].copy()), fft_length=5),
         lambda: np.fft.irfft(c, n=5).astype("float32")),
        ("stft", lambda: kc_parts(ops.stft(SIG, 8, 4, 8)), lambda: np.stack(_np_stft(SIG, 8, 4, 8)).astype("float32")),
        ("stft_hamming_padded", lambda: kc_parts(ops.stft(SIG, 5, 3, 8, window="hamming", center=False)),
         lambda: np.stack(_np_stft(SIG, 5, 3, 8, "hamming", False)).astype("float32")),
        ("stft_no_window", lambda: kc_parts(ops.stft(SIG, 6, 2, 6, window=None)),
         lambda: np.stack(_np_stft(SIG, 6, 2, 6, None)).astype("float32")),
        ("stft_tensor_window", lambda: kc_parts(ops.stft(SIG, 4, 2, 6, window=np.ones(4, "float32"))),
         lambda: np.stack(_np_stft_rect(SIG, 4, 2, 6)).astype("float32")),
        ("istft_round_trip", lambda: ops.istft(ops.stft(SIG, 8, 2, 8), 8, 2, 8), lambda: SIG[:, :18]),
        ("istft_round_trip_hamming", lambda: ops.istft(ops.stft(SIG, 6, 3, 8, window="hamming"), 6, 3, 8,
                                                       window="hamming")[:, :18], lambda: SIG[:, :18]),
        ("istft_pad_length", lambda: ops.istft(ops.stft(SIG, 8, 2, 8), 8, 2, 8, length=21)[:, 19:],
         lambda: np.zeros((2, 2), "float32")),
    ]
    return [(name, call, oracle, None) for name, call, oracle in rows]


def _np_stft_rect(x, length, stride, fft):
    """stft with a window of ones of ``length``, zero-padded to ``fft`` on both sides."""
    x = np.pad(x, [(0, 0), (fft // 2, fft // 2)], mode="reflect")
    left = (fft - length) // 2
    frames = _np_frames(x, fft, stride) * np.pad(np.ones(length), (left, fft - length - left))
    c = np.fft.rfft(frames, n=fft, axis=-1)
    return c.real, c.imag


VALUE_CASES += _fft_cases()


@pytest.mark.parametrize("call,oracle,dtype", [c[1:] for c in VALUE_CASES], ids=[c[0] for c in VALUE_CASES])
def test_values(call, oracle, dtype):
    expected = np.asarray(oracle())
    dtype = _narrow(dtype or kc.dtypes.standardize_dtype(expected.dtype.name))
    tol = PREC if dtype in ("float32", "complex64") else {}
    got = call()
    assert_close(got, expected.astype(dtype), dtype=dtype if hasattr(got, "dtype") else None, **tol)


DTYPE_CASES = [
    ("segment_sum_float16", lambda: ops.segment_sum(D.astype("float16"), IDS), "float16"),
    ("segment_max_int8", lambda: ops.segment_max(I32[0].astype("int8"), IDS[:4]), "int8"),
    ("top_k_values_bool", lambda: ops.top_k(np.array([True, False]), 1)[0], "bool"),
    ("top_k_indices", lambda: ops.top_k(X, 1)[1], "int32"),
    ("in_top_k", lambda: ops.in_top_k(np.array([0, 1, 3]), X, 1), "bool"),
    ("logsumexp_float16", lambda: ops.logsumexp(X.astype("float16")), "float16"),
    ("logsumexp_float64", lambda: ops.logsumexp(X.astype("float64")), _narrow("float64")),
    ("erf_bool", lambda: ops.erf(np.array([True])), "float32"),
    ("erfinv_float16", lambda: ops.erfinv(np.array([0.5], "float16")), "float16"),
    ("rsqrt_float16", lambda: ops.rsqrt(np.array([4.0], "float16")), "float16"),
    ("logdet_int", lambda: ops.logdet(np.eye(2, dtype="int32")), "float32"),
    ("cdist_float64", lambda: ops.cdist(X.astype("float64"), X), _narrow("float64")),
    ("view_as_complex_float64", lambda: ops.view_as_complex(np.ones((2, 2))), _narrow("complex128")),
    ("view_as_real_complex128", lambda: ops.view_as_real(np.ones(2, "complex128")), _narrow("float64")),
    ("fft_float64", lambda: ops.fft((np.ones(2), np.zeros(2)))[0], _narrow("float64")),
    ("rfft_float16", lambda: ops.rfft(np.ones(4, "float16"))[0], "float16"),
    ("stft_int", lambda: ops.stft(np.arange(16), 8, 4, 8)[0], "float32"),
    ("extract_sequences_bool", lambda: ops.extract_sequences(np.ones(4, bool), 2, 2), "bool"),
]


@pytest.mark.parametrize("call,expected", [c[1:] for c in DTYPE_CASES], ids=[c[0] for c in DTYPE_CASES])
def test_dtypes(call, expected):
    assert dtype_name(call()) == expected


SYMBOLIC_CASES = [
    ("segment_sum", lambda x: ops.segment_sum(x, np.array([0, 1, 1, 0, 2]), num_segments=3)),
    ("segment_max", lambda x: ops.segment_max(x, np.array([0, 1, 1, 0, 2]), num_segments=4)),
    ("top_k", lambda x: ops.top_k(x, 2)),
    ("in_top_k", lambda x: ops.in_top_k(np.array([0, 1, 2, 0, 1]), x, 2)),
    ("logsumexp", lambda x: ops.logsumexp(x, axis=-1, keepdims=True)),
    ("logsumexp_all", lambda x: ops.logsumexp(x)),
    ("erf", lambda x: ops.erf(x)),
    ("erfc", lambda x: ops.erfc(x)),
    ("erfinv", lambda x: ops.erfinv(x)),
    ("rsqrt", lambda x: ops.rsqrt(x)),
    ("cdist", lambda x: ops.cdist(x, X[:2, :3])),
    ("logdet", lambda x: ops.logdet(ops.add(ops.expand_dims(x[:3], 0), 2 * np.eye(3, dtype="float32")))),
    ("view_as_complex", lambda x: ops.view_as_complex(x[:, :2])),
    ("view_as_real", lambda x: ops.view_as_real(x)),
    ("fft", lambda x: ops.fft((x, x))),
    ("fft2", lambda x: ops.fft2((x, x))),
    ("ifft2", lambda x: ops.ifft2((x, x))),
    ("rfft", lambda x: ops.rfft(x)),
    ("rfft_length", lambda x: ops.rfft(x, fft_length=8)),
    ("irfft", lambda x: ops.irfft((x, x))),
    ("extract_sequences", lambda x: ops.extract_sequences(x, 2, 1)),
    ("stft", lambda x: ops.stft(x, 2, 1, 2)),
    ("stft_no_center", lambda x: ops.stft(x, 2, 1, 3, center=False)),
    ("istft", lambda x: ops.istft((x, x), 4, 2, 4)),
    ("istft_length", lambda x: ops.istft((x, x), 4, 2, 4, length=3)),
]


@pytest.mark.parametrize("call", [c[1] for c in SYMBOLIC_CASES], ids=[c[0] for c in SYMBOLIC_CASES])
def test_symbolic_matches_eager(call):
    x = np.abs(_rng.normal(size=(5, 3)).astype("float32")) * 0.5
    eager = call(x)
    spec = call(kc.KerasTensor((None, 3)))
    eager, spec = (eager, spec) if isinstance(spec, tuple) else ((eager,), (spec,))
    for e, s in zip(eager, spec):
        assert len(s.shape) == len(e.shape) and all(d is None or d == g for d, g in zip(s.shape, e.shape)), (
            s.shape, e.shape)
        assert s.dtype == dtype_name(e)


def test_symbolic_unknown_segments():
    out = ops.segment_sum(kc.KerasTensor((None, 3)), kc.KerasTensor((None,), "int32"))
    assert out.shape == (None, 3)


ERROR_CASES = [
    ("segment_ids_length", lambda: ops.segment_sum(D, IDS[:4]), ValueError,
     r"segment_sum: segment_ids must be 1-D with data.shape\[0\]=5 entries"),
    ("segment_ids_rank", lambda: ops.segment_max(D, IDS[None]), ValueError, "segment_max: segment_ids"),
    ("segment_symbolic", lambda: ops.segment_min(kc.KerasTensor((4, 2)), kc.KerasTensor((3,), "int32")),
     ValueError, "segment_min"),
    ("top_k_large", lambda: ops.top_k(X, 5), ValueError, "top_k: k=5"),
    ("in_top_k_shapes", lambda: ops.in_top_k(np.array([0, 1]), X, 1), ValueError, "in_top_k"),
    ("fft_not_pair", lambda: ops.fft(X), ValueError, "fft: x must be a tuple"),
    ("fft_int_parts", lambda: ops.fft((I32, I32)), ValueError, "fft: the real and imaginary parts must be float"),
    ("fft_shapes", lambda: ops.fft((X, X[:2])), ValueError, "fft"),
    ("fft2_rank", lambda: ops.fft2((X[0], X[0])), ValueError, "fft2: x must have rank >= 2"),
    ("stft_fft_length", lambda: ops.stft(SIG, 8, 2, 4), ValueError, "stft: fft_length"),
    ("stft_window", lambda: ops.stft(SIG, 8, 2, 8, window="kaiser"), ValueError, "stft: window"),
    ("extract_sequences_long", lambda: ops.extract_sequences(X, 5, 1), ValueError, "extract_sequences"),
    ("view_as_complex_last", lambda: ops.view_as_complex(X), ValueError, "view_as_complex"),
    ("cdist_dims", lambda: ops.cdist(X, D), ValueError, "cdist"),
    ("logdet_square", lambda: ops.logdet(X), ValueError, "logdet"),
    ("logsumexp_axis", lambda: ops.logsumexp(X, axis=2), ValueError, "logsumexp: axis 2"),
]


@pytest.mark.parametrize("call,error,words", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_compiled_sample():
    def fn(x, data, ids):
        re, im = ops.stft(x, 8, 4, 8)
        return (ops.segment_sum(data, ids, num_segments=3), ops.segment_max(data, ids, num_segments=4),
                ops.top_k(data[:, 0], 2)[0], ops.logsumexp(x, axis=-1), ops.erfinv(ops.tanh(x)),
                ops.istft((re, im), 8, 4, 8, length=19), ops.rfft(x)[0], ops.fft2((data, data))[1],
                ops.in_top_k(ids // 2, data, 1), ops.cdist(data, data[:2]))

    expected = [to_numpy(t) for t in fn(SIG, D, IDS)]
    tensors = [kc.backend.convert_to_tensor(t) for t in (SIG, D, IDS)]
    got = compiled(fn)(*tensors)
    for g, e in zip(got, expected):
        assert_close(g, e, **PREC)


GRAD_CASES = [
    ("logsumexp", lambda x: ops.logsumexp(x, axis=-1)),
    ("segment_sum", lambda x: ops.segment_sum(x, np.array([1, 0]), num_segments=3)),
    ("segment_max", lambda x: ops.segment_max(x, np.array([1, 1]), num_segments=2)[1]),
    ("top_k_values", lambda x: ops.top_k(x, 2)[0]),
    ("erf", lambda x: ops.erf(x)),
    ("cdist", lambda x: ops.cdist(x, np.array([[0.0, 1.0, 0.5]], "float32"))),
    ("stft", lambda x: ops.stft(ops.reshape(x, (6,)), 4, 2, 4, center=False)[0]),
]


@pytest.mark.grad
@pytest.mark.parametrize("fn", [c[1] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradients(fn):
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "float32")
    out = to_numpy(fn(x))
    w = np.linspace(-1.0, 2.0, out.size).reshape(out.shape).astype("float32")
    np.testing.assert_allclose(backend_gradient(fn, x, w), numeric_gradient(fn, x, w, eps=1e-3), rtol=2e-2, atol=2e-2)
