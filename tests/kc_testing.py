"""Helpers for kc's tests: the active backend, NumPy conversion, tolerances per dtype.

Usage in a test module::

    from kc_testing import BACKEND, assert_close, to_numpy
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

import kc

BACKEND = kc.config.backend()
GRAD_BACKENDS = ("jax", "torch", "tensorflow")

# (rtol, atol) per dtype of the result.
TOLERANCES = {
    "float16": (1e-2, 1e-2),
    "bfloat16": (5e-2, 5e-2),
    "float32": (1e-5, 1e-6),
    "float64": (1e-12, 1e-12),
    "complex64": (1e-5, 1e-6),
    "complex128": (1e-12, 1e-12),
}


def to_numpy(x) -> np.ndarray:
    """Any backend tensor (or structure leaf) as a NumPy array."""
    return kc.ops.convert_to_numpy(x) if hasattr(kc.ops, "convert_to_numpy") else np.asarray(x)


def dtype_name(x) -> str:
    """kc dtype name of a tensor."""
    return kc.dtypes.standardize_dtype(x.dtype)


def tolerance(dtype) -> tuple[float, float]:
    """(rtol, atol) for results of ``dtype``; exact for ints and bools."""
    return TOLERANCES.get(kc.dtypes.standardize_dtype(dtype), (0.0, 0.0))


def assert_close(actual, expected, dtype=None, rtol=None, atol=None, check_dtype=True):
    """Compare a backend result with a NumPy oracle, with the result dtype's tolerance.

    ``dtype`` is the expected kc dtype name; when given (and check_dtype), the
    result's dtype must equal it. Tolerances default to `tolerance(dtype)`.
    """
    got_dtype = dtype_name(actual) if hasattr(actual, "dtype") else None
    if dtype is not None and check_dtype and got_dtype is not None:
        assert got_dtype == dtype, f"dtype: got {got_dtype}, expected {dtype}"
    dtype = dtype or got_dtype or "float32"
    rt, at = tolerance(dtype)
    rtol = rt if rtol is None else rtol
    atol = at if atol is None else atol
    a = to_numpy(actual)
    e = to_numpy(expected) if kc.backend.is_tensor(expected) or isinstance(expected, kc.Variable) \
        else np.asarray(expected)
    assert a.shape == e.shape, f"shape: got {a.shape}, expected {e.shape}"
    if _is_inexact(a) or _is_inexact(e):
        np.testing.assert_allclose(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64),
                                   e.astype(np.complex128 if e.dtype.kind == "c" else np.float64),
                                   rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(a, e)


def _is_inexact(a: np.ndarray) -> bool:
    # ml_dtypes' bfloat16 has NumPy kind "V", not "f".
    return a.dtype.kind in "fc" or a.dtype.name == "bfloat16"


def compiled(fn):
    """``fn`` under jax.jit or tf.function; skips the calling test on the other backends."""
    if BACKEND == "jax":
        import jax

        return jax.jit(fn)
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.function(fn)
    pytest.skip("compiled samples run on jax and tensorflow")


def backend_gradient(fn, x, w=None) -> np.ndarray:
    """Gradient of ``sum(fn(x) * w)`` at the NumPy array ``x`` with the active backend's autodiff.

    ``w`` (a NumPy array, or None for all ones) weights the outputs. Returns a NumPy array.
    """
    t = kc.backend.convert_to_tensor(x)
    if BACKEND == "jax":
        import jax

        return np.asarray(jax.grad(lambda v: _weighted(fn(v), w).sum())(t))
    if BACKEND == "torch":
        t = t.clone().requires_grad_(True)
        _weighted(fn(t), None if w is None else kc.backend.convert_to_tensor(w)).sum().backward()
        return t.grad.detach().cpu().numpy()
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(t)
        total = tf.reduce_sum(_weighted(fn(t), w))
    return tf.convert_to_tensor(tape.gradient(total, t)).numpy()


def numeric_gradient(fn, x, w=None, eps=1e-3) -> np.ndarray:
    """Central finite-difference gradient of ``sum(fn(x) * w)`` at the NumPy array ``x``, in float64.

    ``fn`` may return a backend tensor or a NumPy array; ``w`` as in `backend_gradient`.
    """
    g = np.zeros(x.shape, "float64")
    for i in np.ndindex(x.shape):
        hi, lo = x.copy(), x.copy()
        hi[i] += eps
        lo[i] -= eps
        g[i] = _weighted(to_numpy(fn(hi)).astype("float64") - to_numpy(fn(lo)), w).sum() / (2 * eps)
    return g


def _weighted(y, w):
    return y if w is None else y * w


def keras_oracle():
    """Keras 3 (the behaviour oracle), imported with KERAS_BACKEND=numpy; skips the test when absent.

    KERAS_BACKEND is set only while Keras imports, since kc also reads it.
    """
    if "keras" not in sys.modules:
        old = os.environ.get("KERAS_BACKEND")
        os.environ["KERAS_BACKEND"] = "numpy"
        try:
            pytest.importorskip("keras")
        finally:
            if old is None:
                del os.environ["KERAS_BACKEND"]
            else:
                os.environ["KERAS_BACKEND"] = old
    return sys.modules["keras"]
