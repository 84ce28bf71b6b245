"""Helpers for kc's tests: the active backend, NumPy conversion, tolerances per dtype.

Usage in a test module::

    from kc_testing import BACKEND, assert_close, to_numpy
"""

from __future__ import annotations

import numpy as np

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
    e = np.asarray(expected)
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
