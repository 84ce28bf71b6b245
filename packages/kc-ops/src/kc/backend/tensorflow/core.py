"""Core ops of the TensorFlow backend: conversion, casting, control flow, devices."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from tensorflow.python.eager import context, record
from tensorflow.python.ops import gen_resource_variable_ops, resource_variable_ops

from kc import dtypes
from kc.backend.common.convert import python_data_dtype
from kc.backend.common.core_ops import (
    check_convertible,
    check_reduction,
    checked_dtype,
    conversion_error,
    make_promote,
    native_dtype_of,
    saturation_args,
    scatter_flat_indices,
    unwrap_variable,
)

_TF_DTYPES = {name: tf.as_dtype(name) for name in dtypes.ALLOWED_DTYPES}
RESOURCE_VARIABLE = resource_variable_ops.ResourceVariable


def read_resource(variable):
    """The value of a plain ``tf.Variable``: eagerly, one ReadVariableOp at about half the
    Python cost of ``variable.value()`` (the tape still records the access); in a graph,
    ``variable.value()``."""
    if context.executing_eagerly():
        if record.could_possibly_record():
            resource_variable_ops.variable_accessed(variable)
        return gen_resource_variable_ops.read_variable_op(variable.handle, variable.dtype)
    return variable.value()


def reading_variables(fn):
    """``fn(x1, x2)`` that first reads plain ``tf.Variable`` arguments with `read_resource`
    (kc Variables hand ops their ``tf.Variable``; the raw kernels take tensors)."""
    def native(x1, x2):
        if type(x1) is RESOURCE_VARIABLE:
            x1 = read_resource(x1)
        if type(x2) is RESOURCE_VARIABLE:
            x2 = read_resource(x2)
        return fn(x1, x2)

    native.__name__ = getattr(fn, "__name__", "native")
    return native


def to_native_dtype(dtype) -> tf.DType:
    """kc dtype name (or anything standardize_dtype takes) -> tf.DType."""
    return _TF_DTYPES[dtypes.standardize_dtype(dtype)]


def is_tensor(x) -> bool:
    return tf.is_tensor(x)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    x = unwrap_variable(x)
    dtype = native_dtype_of(dtype, to_native_dtype, "tensorflow")
    if isinstance(x, tf.Variable):  # a kc Variable's storage: read it, ops expect a tensor
        value = read_resource(x) if type(x) is RESOURCE_VARIABLE else x.read_value()
        return value if dtype is None or x.dtype == dtype else tf.cast(value, dtype)
    if tf.is_tensor(x):
        if isinstance(x, tf.SparseTensor) and sparse is False:
            x = tf.sparse.to_dense(x)
        elif isinstance(x, tf.RaggedTensor) and ragged is False:
            x = x.to_tensor()
        return x if dtype is None or x.dtype == dtype else tf.cast(x, dtype)
    check_convertible(x)
    try:
        return _convert_data(x, dtype)
    except (TypeError, ValueError, tf.errors.OpError) as e:
        raise conversion_error(x, e) from e


def _convert_data(x, dtype):
    if dtype is None and not hasattr(x, "dtype") and not hasattr(x, "__array__"):
        dtype = to_native_dtype(python_data_dtype(x))
    if isinstance(x, np.ndarray) and x.dtype.name == "bfloat16":
        return tf.cast(tf.convert_to_tensor(x.astype(np.float32)), dtype or tf.bfloat16)
    try:
        return tf.convert_to_tensor(x, dtype=dtype)
    except (TypeError, ValueError):
        if dtype is None:
            raise
        # tf refuses e.g. [1.7] as int32; NumPy converts and tf casts, as on the other backends.
        return tf.cast(tf.convert_to_tensor(np.asarray(x)), dtype)


def convert_to_numpy(x) -> np.ndarray:
    x = unwrap_variable(x)
    if isinstance(x, tf.SparseTensor):
        x = tf.sparse.to_dense(x)
    elif isinstance(x, tf.RaggedTensor):
        x = x.to_tensor()
    return np.asarray(x)


def device_scope(kind: str, index: int):
    return tf.device(f"/{kind.upper()}:{index}")


from kc.backend.tensorflow.variables import Variable  # noqa: E402,F401  (uses core lazily: no cycle)


promote = make_promote(convert_to_tensor, is_tensor)


def shape(x) -> tuple:
    if not tf.is_tensor(x):
        x = convert_to_tensor(x)
    static = x.shape.as_list()
    if None not in static:
        return tuple(static)
    dynamic = tf.shape(x)
    return tuple(dynamic[i] if d is None else d for i, d in enumerate(static))


def cast(x, dtype):
    return convert_to_tensor(x, checked_dtype(dtype, "cast"))


def saturate_cast(x, dtype):
    x, dtype, bounds = saturation_args(x, dtype, convert_to_tensor)
    if bounds is not None:
        if x.dtype.is_floating and dtypes.is_int_dtype(dtype):
            x = tf.where(tf.math.is_nan(x), tf.zeros((), x.dtype), x)
        lo, hi = (tf.constant(b, x.dtype) for b in bounds)
        x = tf.minimum(tf.maximum(x, lo), hi)
    return tf.cast(x, to_native_dtype(dtype))


def stop_gradient(variable):
    return tf.stop_gradient(convert_to_tensor(variable))


def custom_gradient(f):
    return tf.custom_gradient(f)


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    size = x.shape[axis]
    if num is not None and size is not None and num != size:
        raise ValueError(f"unstack: num={num} does not match the size {size} of axis {axis}.")
    return tf.unstack(x, num=num, axis=axis)


def _clamped_starts(start_indices, upper):
    """Start indices as int32, clamped to [0, upper] (upper = input size - block size)."""
    starts = tf.cast(convert_to_tensor(start_indices), tf.int32)
    return tf.clip_by_value(starts, 0, upper)


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    sizes = tf.constant([int(n) for n in shape], tf.int32)
    return tf.slice(inputs, _clamped_starts(start_indices, tf.shape(inputs) - sizes), sizes)


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    room = tf.shape(inputs) - tf.shape(updates)
    starts = _clamped_starts(start_indices, room)
    paddings = tf.stack([starts, room - starts], axis=1)
    mask = tf.pad(tf.ones(tf.shape(updates), tf.bool), paddings)
    return tf.where(mask, tf.pad(updates, paddings), inputs)


def _indices(indices):
    indices = convert_to_tensor(indices)
    return tf.cast(indices, tf.int32) if indices.dtype not in (tf.int32, tf.int64) else indices


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    return tf.scatter_nd(_indices(indices), values, [int(n) for n in shape])


_TENSOR_SCATTER = {
    None: tf.tensor_scatter_nd_update,
    "add": tf.tensor_scatter_nd_add,
    "max": tf.tensor_scatter_nd_max,
    "min": tf.tensor_scatter_nd_min,
}


def scatter_update(inputs, indices, updates, reduction=None):
    check_reduction(reduction)
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    indices = _indices(indices)
    if reduction != "mul":
        return _TENSOR_SCATTER[reduction](inputs, indices, updates)
    k = indices.shape[-1]
    shape = tuple(inputs.shape)
    flat = scatter_flat_indices([indices[:, j] for j in range(k)], shape, k)
    factors = tf.math.unsorted_segment_prod(updates, flat, int(np.prod(shape[:k], dtype=np.int64)))
    return inputs * tf.reshape(factors, tf.shape(inputs))


from kc.backend.tensorflow.control_flow import (  # noqa: E402
    associative_scan,
    cond,
    fori_loop,
    map,
    scan,
    switch,
    vectorized_map,
    while_loop,
)
