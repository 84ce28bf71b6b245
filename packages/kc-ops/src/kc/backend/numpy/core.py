"""Core ops of the NumPy backend: conversion, casting, control flow."""

from __future__ import annotations

import builtins
import contextlib

import ml_dtypes  # noqa: F401  (registers bfloat16 with NumPy)
import numpy as np

from kc import dtypes
from kc.backend.common.core_ops import (
    check_reduction,
    checked_dtype,
    convert_array_like,
    make_promote,
    native_dtype_of,
    saturation_args,
    unwrap_variable,
)

_NP_DTYPES = {name: np.dtype(ml_dtypes.bfloat16 if name == "bfloat16" else name)
              for name in dtypes.ALLOWED_DTYPES if name != "string"}


def to_native_dtype(dtype) -> np.dtype:
    """kc dtype name (or anything standardize_dtype takes) -> numpy dtype."""
    return _NP_DTYPES[dtypes.standardize_dtype(dtype)]


def is_tensor(x) -> bool:
    return isinstance(x, np.ndarray)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if sparse:
        raise ValueError("convert_to_tensor: the numpy backend has no sparse tensors (sparse=True).")
    if ragged:
        raise ValueError("convert_to_tensor: the numpy backend has no ragged tensors (ragged=True).")
    dtype = native_dtype_of(dtype, to_native_dtype, "numpy")
    x = unwrap_variable(x)
    return convert_array_like(x, dtype, np.ndarray, np.asarray, to_native_dtype)


def convert_to_numpy(x) -> np.ndarray:
    # A copy, as Keras: an array sharing a variable's buffer would change as it is assigned.
    return np.array(unwrap_variable(x))


def device_scope(kind: str, index: int):
    if kind != "cpu":
        raise ValueError(f"device: the numpy backend runs on the CPU only, got {kind}:{index}.")
    return contextlib.nullcontext()


from kc.backend.numpy.variables import Variable  # noqa: E402,F401  (uses core lazily: no cycle)


promote = make_promote(convert_to_tensor, is_tensor)


def shape(x) -> tuple:
    return np.shape(x) if not isinstance(x, np.ndarray) else x.shape


def cast(x, dtype):
    return convert_to_tensor(x, checked_dtype(dtype, "cast"))


def saturate_cast(x, dtype):
    x, dtype, bounds = saturation_args(x, dtype, convert_to_tensor)
    if bounds is not None:
        if x.dtype.kind == "f" and dtypes.is_int_dtype(dtype):
            x = np.where(np.isnan(x), 0, x)
        x = np.clip(x, np.array(bounds[0], x.dtype), np.array(bounds[1], x.dtype))
    return x.astype(to_native_dtype(dtype))


def stop_gradient(variable):
    return convert_to_tensor(variable)


def custom_gradient(f):
    def forward(*args, **kwargs):
        return f(*args, **kwargs)[0]

    return forward


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"unstack: num={num} does not match the size {x.shape[axis]} of axis {axis}.")
    return list(np.moveaxis(x, axis, 0))


def _block(inputs, start_indices, sizes):
    """Index tuple of the block at the clamped start indices."""
    starts = np.asarray(convert_to_numpy(start_indices)).reshape(-1)
    return tuple(
        builtins.slice(s, s + n)
        for s, n in zip(np.clip(starts, 0, np.subtract(inputs.shape, sizes)).tolist(), sizes)
    )


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    return inputs[_block(inputs, start_indices, tuple(int(n) for n in shape))].copy()


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    out = inputs.copy()
    out[_block(inputs, start_indices, updates.shape)] = updates
    return out


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    out = np.zeros(tuple(int(n) for n in shape), values.dtype)
    np.add.at(out, _index_tuple(indices), values)
    return out


_UFUNCS = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


def scatter_update(inputs, indices, updates, reduction=None):
    check_reduction(reduction)
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    out = inputs.copy()
    if reduction is None:
        out[_index_tuple(indices)] = updates
    else:
        _UFUNCS[reduction].at(out, _index_tuple(indices), updates)
    return out


def _index_tuple(indices) -> tuple:
    indices = np.asarray(convert_to_numpy(indices))
    return tuple(indices.reshape(-1, indices.shape[-1]).T)


from kc.backend.numpy.control_flow import (  # noqa: E402
    associative_scan,
    cond,
    fori_loop,
    map,
    scan,
    switch,
    vectorized_map,
    while_loop,
)
