"""Core ops of the PyTorch backend: conversion, casting, control flow, devices."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import torch

from kc import dtypes
from kc.backend.common import scopes
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

_TORCH_DTYPES = {
    "bool": torch.bool, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32,
    "int64": torch.int64, "uint8": torch.uint8, "uint16": torch.uint16, "uint32": torch.uint32,
    "uint64": torch.uint64, "bfloat16": torch.bfloat16, "float16": torch.float16,
    "float32": torch.float32, "float64": torch.float64, "complex64": torch.complex64,
    "complex128": torch.complex128,
}

DEFAULT_DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


def to_native_dtype(dtype) -> torch.dtype:
    """kc dtype name (or anything standardize_dtype takes) -> torch dtype."""
    name = dtypes.standardize_dtype(dtype)
    try:
        return _TORCH_DTYPES[name]
    except KeyError:
        raise ValueError(f"the torch backend has no dtype {name!r}.") from None


def get_device() -> str:
    """The device new tensors go to: the innermost kc.device scope, else CUDA if present."""
    scope = scopes.current("device")
    if scope is None:
        return DEFAULT_DEVICE
    return "cpu" if scope.kind == "cpu" else f"cuda:{scope.index}"


def is_tensor(x) -> bool:
    return torch.is_tensor(x)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if ragged:
        raise ValueError("convert_to_tensor: the torch backend has no ragged tensors (ragged=True).")
    x = unwrap_variable(x)
    dtype = native_dtype_of(dtype, to_native_dtype, "torch")
    if isinstance(x, torch.Tensor):
        if dtype is not None and x.dtype != dtype:
            x = x.to(dtype)
        return x
    check_convertible(x)
    try:
        return _convert_data(x, dtype)
    except (TypeError, ValueError, RuntimeError) as e:
        raise conversion_error(x, e) from e


def _convert_data(x, dtype):
    device = get_device()
    if isinstance(x, np.ndarray) or hasattr(x, "__array__") and not isinstance(x, (list, tuple)):
        x = np.asarray(x)
        if x.dtype.name == "bfloat16":
            return torch.from_numpy(x.astype(np.float32)).to(device=device, dtype=dtype or torch.bfloat16)
        if dtype is None and x.dtype.kind == "U":
            raise TypeError("convert_to_tensor: the torch backend cannot hold strings.")
        return torch.as_tensor(x, dtype=dtype, device=device)
    if dtype is None:
        dtype = to_native_dtype(python_data_dtype(x))
    if isinstance(x, (list, tuple)) and any(isinstance(t, torch.Tensor) for t in x):
        return torch.stack([convert_to_tensor(t, dtype) for t in x])
    return torch.as_tensor(x, dtype=dtype, device=device)


def convert_to_numpy(x) -> np.ndarray:
    x = unwrap_variable(x)
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            import ml_dtypes

            return x.float().cpu().numpy().astype(ml_dtypes.bfloat16)
        # A copy, as Keras: an array sharing a CPU tensor's memory would change with training.
        return x.numpy().copy() if x.device.type == "cpu" else x.cpu().numpy()
    return np.asarray(x)


def device_scope(kind: str, index: int):
    if kind == "gpu" and not torch.cuda.is_available():
        raise ValueError(f"device: no CUDA device is available for gpu:{index}.")
    if kind == "tpu":
        raise ValueError("device: the torch backend has no TPU support.")
    return contextlib.nullcontext()  # get_device() reads the kc scope stack


from kc.backend.torch.variables import Variable  # noqa: E402,F401  (uses core lazily: no cycle)


promote = make_promote(convert_to_tensor, is_tensor)


def shape(x) -> tuple:
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


def cast(x, dtype):
    return convert_to_tensor(x, checked_dtype(dtype, "cast"))


def saturate_cast(x, dtype):
    x, dtype, bounds = saturation_args(x, dtype, convert_to_tensor)
    if bounds is not None:
        if x.dtype.is_floating_point and dtypes.is_int_dtype(dtype):
            x = torch.nan_to_num(x, nan=0.0, posinf=bounds[1], neginf=bounds[0])
        x = torch.clamp(x, bounds[0], bounds[1])
    return x.to(to_native_dtype(dtype))


def stop_gradient(variable):
    return convert_to_tensor(variable).detach()


class _CustomGradient(torch.autograd.Function):
    """Runs ``f(*args) -> (output, grad_fn)``; backward calls ``grad_fn(*args, upstream=...)``."""

    @staticmethod
    def forward(ctx, f, kwargs, *args):
        output, grad_fn = f(*args, **kwargs)
        ctx.grad_fn = grad_fn
        ctx.args = args
        return output

    @staticmethod
    def backward(ctx, *upstream):
        grads = ctx.grad_fn(*ctx.args, upstream=upstream[0] if len(upstream) == 1 else upstream)
        grads = tuple(grads) if isinstance(grads, (list, tuple)) else (grads,)
        return (None, None) + grads


def custom_gradient(f):
    def with_custom_gradient(*args, **kwargs):
        return _CustomGradient.apply(f, kwargs, *args)

    return with_custom_gradient


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"unstack: num={num} does not match the size {x.shape[axis]} of axis {axis}.")
    return list(torch.unbind(x, axis))


def _block(x, start_indices, sizes):
    """The view of ``x`` at the clamped start indices (narrow along each axis)."""
    if torch.is_tensor(start_indices):
        start_indices = start_indices.tolist()
    for axis, (start, size) in enumerate(zip(start_indices, sizes)):
        start = min(max(int(start), 0), x.shape[axis] - size)
        x = x.narrow(axis, start, size)
    return x


def slice(inputs, start_indices, shape):
    return _block(convert_to_tensor(inputs), start_indices, [int(n) for n in shape])


def slice_update(inputs, start_indices, updates):
    out = convert_to_tensor(inputs).clone()
    updates = convert_to_tensor(updates, out.dtype)
    _block(out, start_indices, updates.shape).copy_(updates)
    return out


def _index_columns(indices) -> tuple:
    indices = convert_to_tensor(indices).to(torch.int64)
    indices = indices.reshape(-1, indices.shape[-1])
    return tuple(indices.unbind(1))


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    zeros = torch.zeros(tuple(int(n) for n in shape), dtype=values.dtype, device=values.device)
    return zeros.index_put(_index_columns(indices), values, accumulate=True)


_INDEX_REDUCE = {"max": "amax", "min": "amin", "mul": "prod"}


def scatter_update(inputs, indices, updates, reduction=None):
    check_reduction(reduction)
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    columns = _index_columns(indices)
    if reduction in (None, "add"):
        return inputs.index_put(columns, updates, accumulate=reduction == "add")
    k = len(columns)
    rows = int(np.prod(inputs.shape[:k], dtype=np.int64))
    flat = scatter_flat_indices(columns, tuple(inputs.shape), k)
    with warnings.catch_warnings():  # "index_reduce() is in beta"
        warnings.simplefilter("ignore", UserWarning)
        out = inputs.reshape((rows,) + tuple(inputs.shape[k:])).index_reduce(
            0, flat, updates.reshape((-1,) + tuple(inputs.shape[k:])), _INDEX_REDUCE[reduction],
            include_self=True,
        )
    return out.reshape(inputs.shape)


from kc.backend.torch.control_flow import (  # noqa: E402
    associative_scan,
    cond,
    fori_loop,
    map,
    scan,
    switch,
    vectorized_map,
    while_loop,
)
