"""Core ops of the JAX backend: conversion, casting, control flow, devices.

JAX runs without 64-bit types unless ``JAX_ENABLE_X64=1`` (as in Keras 3):
int64/uint64/float64/complex128 tensors become their 32-bit forms.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from kc import dtypes
from kc.backend.common.convert import python_data_dtype
from kc.backend.common.core_ops import (
    SCATTER_REDUCTIONS,
    check_convertible,
    check_reduction,
    checked_dtype,
    conversion_error,
    dtype_error,
    saturation_bounds,
)

_JAX_DTYPES = {name: jnp.dtype(name) for name in dtypes.ALLOWED_DTYPES if name != "string"}


def to_native_dtype(dtype):
    """kc dtype name (or anything standardize_dtype takes) -> jax dtype."""
    return _JAX_DTYPES[dtypes.standardize_dtype(dtype)]


def is_tensor(x) -> bool:
    return isinstance(x, jax.Array)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if ragged:
        raise ValueError("convert_to_tensor: the jax backend has no ragged tensors (ragged=True).")
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    if dtype is not None:
        try:
            dtype = to_native_dtype(dtype)
        except (KeyError, ValueError) as e:
            raise dtype_error(dtype, "convert_to_tensor", "jax") from e
    if isinstance(x, jax.Array):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    check_convertible(x)
    try:
        if dtype is None and not hasattr(x, "dtype") and not hasattr(x, "__array__"):
            dtype = to_native_dtype(python_data_dtype(x))
        return jnp.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as e:
        raise conversion_error(x, e) from e


def convert_to_numpy(x) -> np.ndarray:
    if hasattr(x, "_kc_variable_value"):
        x = x._kc_variable_value()
    return np.asarray(x)


def device_scope(kind: str, index: int):
    try:
        dev = jax.devices(kind)[index]
    except (RuntimeError, IndexError) as e:
        raise ValueError(f"device: jax has no device {kind}:{index} ({e}).") from e
    return jax.default_device(dev)


from kc.backend.jax.variables import Variable  # noqa: E402,F401  (uses core lazily: no cycle)


_SCALARS = (bool, int, float, complex)


def promote(*xs, dtype=None):
    """Convert ``xs`` to tensors of their kc result dtype (or ``dtype``).

    Python scalars are weak: ``promote(float16_tensor, 1.0)`` stays float16.
    """
    xs = [x if isinstance(x, _SCALARS) or is_tensor(x) else convert_to_tensor(x) for x in xs]
    if dtype is None:
        dtype = dtypes.result_type(*xs)
    return [convert_to_tensor(x, dtype) for x in xs]


def shape(x) -> tuple:
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


def cast(x, dtype):
    return convert_to_tensor(x, checked_dtype(dtype, "cast"))


def saturate_cast(x, dtype):
    dtype = checked_dtype(dtype, "saturate_cast")
    x = convert_to_tensor(x)
    bounds = saturation_bounds(dtypes.standardize_dtype(x.dtype), dtype)
    if bounds is not None:
        if jnp.issubdtype(x.dtype, jnp.floating) and dtypes.is_int_dtype(dtype):
            x = jnp.where(jnp.isnan(x), jnp.zeros((), x.dtype), x)
        x = jnp.clip(x, jnp.asarray(bounds[0], x.dtype), jnp.asarray(bounds[1], x.dtype))
    return x.astype(to_native_dtype(dtype))


def stop_gradient(variable):
    return jax.lax.stop_gradient(convert_to_tensor(variable))


def custom_gradient(f):
    return jax.custom_gradient(f)


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"unstack: num={num} does not match the size {x.shape[axis]} of axis {axis}.")
    return [jax.lax.index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis])]


def _starts(start_indices, ndim: int) -> list:
    if isinstance(start_indices, (list, tuple)):
        return [jnp.asarray(s) if not isinstance(s, int) else s for s in start_indices]
    starts = convert_to_tensor(start_indices)
    return [starts[i] for i in range(ndim)]


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    return jax.lax.dynamic_slice(inputs, _starts(start_indices, inputs.ndim), tuple(int(n) for n in shape))


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    return jax.lax.dynamic_update_slice(inputs, updates, _starts(start_indices, inputs.ndim))


def _index_tuple(indices) -> tuple:
    indices = convert_to_tensor(indices)
    indices = indices.reshape(-1, indices.shape[-1])
    return tuple(indices[:, j] for j in range(indices.shape[1]))


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    zeros = jnp.zeros(tuple(int(n) for n in shape), values.dtype)
    return zeros.at[_index_tuple(indices)].add(values)


_AT_METHODS = dict(zip(SCATTER_REDUCTIONS, ("set", "add", "max", "min", "multiply")))


def scatter_update(inputs, indices, updates, reduction=None):
    check_reduction(reduction)
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    return getattr(inputs.at[_index_tuple(indices)], _AT_METHODS[reduction])(updates)


from kc.backend.jax.control_flow import (  # noqa: E402
    associative_scan,
    cond,
    fori_loop,
    map,
    scan,
    switch,
    vectorized_map,
    while_loop,
)
