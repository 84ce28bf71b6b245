"""Convolution, pooling and attention on JAX: `lax.conv_general_dilated` and `lax.reduce_window`.

The data format goes into ``dimension_numbers`` (no transposes).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kc.backend.jax.core import convert_to_tensor, promote, to_native_dtype


def _g():
    """Geometry and rules of kc.ops._conv (imported late: it imports this module)."""
    from kc.ops import _conv

    return _conv


def _dimension_numbers(n: int, data_format: str, kernel: str = "IO") -> tuple:
    spatial = "DHW"[3 - n:]
    lhs = f"N{spatial}C" if data_format == "channels_last" else f"NC{spatial}"
    return lhs, spatial + kernel, lhs


def _spatial_axes(n: int, data_format: str) -> tuple:
    return tuple(range(1, n + 1)) if data_format == "channels_last" else tuple(range(2, n + 2))


def _conv(x, kernel, geo, groups: int):
    return lax.conv_general_dilated(
        x, kernel, geo.strides, list(geo.pads), rhs_dilation=geo.dilation,
        dimension_numbers=_dimension_numbers(len(geo.kernel), geo.data_format),
        feature_group_count=groups)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, groups, _ = _g().conv_geometry("conv", x.shape, k.shape, strides, padding, data_format,
                                        dilation_rate)
    return _conv(x, k, geo, groups)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, _ = _g().depthwise_geometry("depthwise_conv", x.shape, k.shape, strides, padding,
                                     data_format, dilation_rate)
    channels = k.shape[-2]
    return _conv(x, k.reshape(*k.shape[:-2], 1, -1), geo, channels)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    x, dk, pk = promote(inputs, depthwise_kernel, pointwise_kernel)
    _g().separable_conv.rule(x, dk, pk, strides, padding, data_format, dilation_rate)
    y = depthwise_conv(x, dk, strides, padding, data_format, dilation_rate)
    return conv(y, pk, 1, "valid", data_format)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, _ = _g().transpose_geometry("conv_transpose", x.shape, k.shape, strides, padding,
                                     output_padding, data_format, dilation_rate)
    n = len(geo.kernel)
    spatial = [x.shape[a] for a in _spatial_axes(n, geo.data_format)]
    # The transpose is a conv of the stride-dilated input with the flipped kernel.
    pads = [((kk - 1) * d - offset, length + offset - (i - 1) * s - 1)
            for (offset, length), kk, d, i, s in zip(geo.pads, geo.kernel, geo.dilation, spatial,
                                                     geo.strides)]
    return lax.conv_general_dilated(
        x, jnp.flip(k, axis=tuple(range(n))), (1,) * n, pads, lhs_dilation=geo.strides,
        rhs_dilation=geo.dilation, dimension_numbers=_dimension_numbers(n, geo.data_format, "OI"))


def _window_shape(geo, values: tuple) -> tuple:
    """Per-spatial-axis values placed in a full shape, with 1 for batch and channels."""
    return (1, *values, 1) if geo.data_format == "channels_last" else (1, 1, *values)


def _pool(x, geo, init, reducer):
    pads = [(0, 0), *geo.pads, (0, 0)] if geo.data_format == "channels_last" else \
        [(0, 0), (0, 0), *geo.pads]
    return lax.reduce_window(x, init, reducer, _window_shape(geo, geo.kernel),
                             _window_shape(geo, geo.strides), pads)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = convert_to_tensor(inputs)
    geo = _g().pool_geometry("max_pool", x.shape, pool_size, strides, padding, data_format)
    init = -np.inf if jnp.issubdtype(x.dtype, jnp.inexact) else jnp.iinfo(x.dtype).min
    # A concrete NumPy init lets lax pick its differentiable max/add window primitives; a
    # jnp.array is a tracer under jit/grad and leaves only the generic, non-differentiable one.
    return _pool(x, geo, np.array(init, x.dtype), lax.max)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = convert_to_tensor(inputs)
    geo = _g().pool_geometry("average_pool", x.shape, pool_size, strides, padding, data_format)
    x = x.astype(to_native_dtype(_g().float_dtype(x)))
    zero = np.array(0, x.dtype)
    total = _pool(x, geo, zero, lax.add)
    spatial = [x.shape[a] for a in _spatial_axes(len(geo.kernel), geo.data_format)]
    count = _pool(jnp.ones(_window_shape(geo, tuple(spatial)), x.dtype), geo, zero, lax.add)
    return total / count


def _adaptive(op_name: str, inputs, output_size, data_format, reduce, float_out: bool):
    x = convert_to_tensor(inputs)
    out, data_format = _g().adaptive_output_size(op_name, x.shape, output_size, data_format)
    if float_out:
        x = x.astype(to_native_dtype(_g().float_dtype(x)))
    for axis, size in zip(_spatial_axes(len(out), data_format), out):
        bins = _g().adaptive_bins(x.shape[axis], size)
        x = jnp.concatenate([reduce(lax.slice_in_dim(x, a, b, axis=axis), axis=axis, keepdims=True)
                             for a, b in bins], axis=axis)
    return x


def adaptive_average_pool(inputs, output_size, data_format=None):
    return _adaptive("adaptive_average_pool", inputs, output_size, data_format, jnp.mean, True)


def adaptive_max_pool(inputs, output_size, data_format=None):
    return _adaptive("adaptive_max_pool", inputs, output_size, data_format, jnp.max, False)


def _attention_plain(q, k, v, bias, mask, scale, is_causal, soft_cap):
    """softmax(q k^T * scale + bias) v in at least float32, with grouped kv heads."""
    b, t, heads, h = q.shape
    s, kv_heads = k.shape[1], k.shape[2]
    compute = jnp.promote_types(q.dtype, jnp.float32)
    q = q.reshape(b, t, kv_heads, heads // kv_heads, h).astype(compute)
    logits = jnp.einsum("btkgh,bskh->bkgts", q, k.astype(compute)).reshape(b, heads, t, s) * scale
    if bias is not None:
        logits = logits + bias.astype(compute)
    if soft_cap is not None:
        logits = soft_cap * jnp.tanh(logits / soft_cap)
    keep = mask
    if is_causal:
        causal = jnp.tril(jnp.ones((t, s), bool))
        keep = causal if keep is None else keep & causal
    if keep is not None:
        logits = jnp.where(keep, logits, jnp.finfo(compute).min)
    probs = jax.nn.softmax(logits, axis=-1).reshape(b, kv_heads, heads // kv_heads, t, s)
    out = jnp.einsum("bkgts,bskh->btkgh", probs, v.astype(compute))
    return out.reshape(b, t, heads, v.shape[-1]).astype(v.dtype)


def _rank4(t):
    """jax.nn.dot_product_attention takes only rank-4 bias/mask: prepend unit axes."""
    return t.reshape((1,) * (4 - t.ndim) + t.shape)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    g = _g()
    dtype = to_native_dtype(g.float_dtype(query, key, value))
    q, k, v = (convert_to_tensor(t).astype(dtype) for t in (query, key, value))
    g.attention_shapes(q.shape, k.shape, v.shape)
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    bias = None if bias is None else convert_to_tensor(bias)
    mask = None if mask is None else convert_to_tensor(mask).astype(bool)
    if attn_logits_soft_cap is None and v.shape[-1] == q.shape[-1]:
        bias = None if bias is None else _rank4(bias.astype(dtype))
        mask = None if mask is None else _rank4(mask)
        return jax.nn.dot_product_attention(q, k, v, bias=bias, mask=mask, scale=scale,
                                            is_causal=is_causal)
    return _attention_plain(q, k, v, bias, mask, scale, is_causal, attn_logits_soft_cap)


def _rearrange(x, block_size, data_format, inverse: bool, op_name: str):
    x = convert_to_tensor(x)
    _g().block_shape(op_name, x.shape, block_size, data_format, inverse)
    first, perm, last = _g().block_plan(x.shape, block_size, data_format, inverse)
    return x.reshape(first).transpose(perm).reshape(last)


def depth_to_space(x, block_size, data_format="channels_last"):
    return _rearrange(x, block_size, data_format, False, "depth_to_space")


def space_to_depth(x, block_size, data_format="channels_last"):
    return _rearrange(x, block_size, data_format, True, "space_to_depth")


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    _g().unfold.rule(x, kernel_size, dilation, padding, stride)
    kernel, dil, pads, strides = _g().patch_geometry("unfold", kernel_size, dilation, padding, stride)
    patches = lax.conv_general_dilated_patches(
        x, kernel, strides, [(p, p) for p in pads], rhs_dilation=dil,
        dimension_numbers=("NCHW", "OIHW", "NCHW"))
    n, rows = patches.shape[:2]
    return patches.reshape(n, rows, -1)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of `unfold`: its vector-Jacobian product (integers run in float32)."""
    x = convert_to_tensor(x)
    n, c, h, w = _g().fold_shape(x.shape, output_size, kernel_size, dilation, padding, stride)
    compute = x.dtype if jnp.issubdtype(x.dtype, jnp.inexact) else jnp.float32
    _, pullback = jax.vjp(lambda image: unfold(image, kernel_size, dilation, padding, stride),
                          jnp.zeros((n, c, h, w), compute))
    (y,) = pullback(x.astype(compute))
    return y if compute == x.dtype else jnp.round(y).astype(x.dtype)
