"""Reductions and statistics of the NumPy backend (see kc/ops/_reductions.py for dtypes).

The bodies shared with JAX live in kc/backend/common/numpy_like/reductions.py.
"""

from __future__ import annotations

import builtins
import functools
import warnings

import numpy as np

from kc.backend.common.numpy_like.reductions import float_compute, reduction_ops
from kc.backend.numpy import core
from kc.backend.numpy.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules


def _quiet(fn):
    """Silence NumPy's RuntimeWarnings (all-NaN slices, empty means): results carry NaN instead."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return wrapper


globals().update(reduction_ops(np, core, as_array=np.asarray, quiet=_quiet, q_dtype=lambda x: np.float64))


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise NotImplementedError("bincount: sparse=True is not supported by kc on the numpy backend.")
    x = convert_to_tensor(x)
    _check_bincount(x)
    weights = None if weights is None else convert_to_tensor(weights)
    out = to_native_dtype(rules.bincount_dtype(None if weights is None else weights.dtype))
    length = builtins.max(int(x.max()) + 1 if x.size else 0, minlength)
    x = x.astype(np.int64)
    if x.ndim == 1:
        return np.bincount(x, weights=weights, minlength=length).astype(out)
    weights = [None] * len(x) if weights is None else weights
    return np.stack([np.bincount(row, w, minlength=length) for row, w in zip(x, weights)]).astype(out)


def _check_bincount(x):
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: x must be 1-D or 2-D (a batch of 1-D), got shape {x.shape}.")
    rules.check_bincount_dtype(x.dtype)
    if x.size and x.min() < 0:
        raise ValueError(f"bincount: x must hold non-negative values, got minimum {x.min()}.")


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    if x.ndim != 1:
        raise ValueError(f"histogram: x must be 1-D, got shape {x.shape}.")
    x, out = float_compute(x, to_native_dtype)
    counts, edges = np.histogram(x, bins=bins, range=range)
    return counts.astype(np.int32), edges.astype(out)
