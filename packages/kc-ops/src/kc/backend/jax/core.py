"""Core ops of the JAX backend: conversion, casting, control flow, devices.

JAX runs without 64-bit types unless ``JAX_ENABLE_X64=1`` (as in Keras 3):
int64/uint64/float64/complex128 tensors become their 32-bit forms.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from kc import dtypes
from kc.backend.common.core_ops import (
    SCATTER_REDUCTIONS,
    check_reduction,
    checked_dtype,
    convert_array_like,
    make_promote,
    native_dtype_of,
    saturation_args,
    unwrap_variable,
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
    x = unwrap_variable(x)
    dtype = native_dtype_of(dtype, to_native_dtype, "jax")
    return convert_array_like(x, dtype, jax.Array, jnp.asarray, to_native_dtype)


def convert_to_numpy(x) -> np.ndarray:
    return np.asarray(unwrap_variable(x))


def device_scope(kind: str, index: int):
    try:
        dev = jax.devices(kind)[index]
    except (RuntimeError, IndexError) as e:
        raise ValueError(f"device: jax has no device {kind}:{index} ({e}).") from e
    return jax.default_device(dev)


from kc.backend.jax.variables import Variable  # noqa: E402,F401  (uses core lazily: no cycle)


promote = make_promote(convert_to_tensor, is_tensor)


def shape(x) -> tuple:
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


def cast(x, dtype):
    return convert_to_tensor(x, checked_dtype(dtype, "cast"))


def saturate_cast(x, dtype):
    x, dtype, bounds = saturation_args(x, dtype, convert_to_tensor)
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
