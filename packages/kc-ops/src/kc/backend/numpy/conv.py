"""Convolution, pooling and attention on NumPy: sliding-window views (im2col) and einsum.

Correct rather than fast; every op computes in the kc result dtype.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kc import dtypes
from kc.backend.numpy.core import convert_to_tensor, promote, to_native_dtype


def _g():
    """Geometry and rules of kc.ops._conv (imported late: it imports this module)."""
    from kc.ops import _conv

    return _conv


def _to_last(x, data_format: str):
    return np.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def _from_last(x, data_format: str):
    return np.moveaxis(x, -1, 1) if data_format == "channels_first" else x


def _windows(x, axes: tuple, kernel, strides, dilation, pads, fill=0):
    """Strided, dilated windows over ``axes``: positions stay in place, window dims go last."""
    extent = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
    width = [(0, 0)] * x.ndim
    positions = []
    for axis, (before, after), e in zip(axes, pads, extent):
        size = x.shape[axis] + before + after
        positions.append(max(size - e + 1, 0))
        width[axis] = (before, after + max(e - size, 0))  # windows larger than the input: no output
    if any(w != (0, 0) for w in width):
        x = np.pad(x, width, constant_values=fill)
    view = sliding_window_view(x, extent, axis=axes)
    index = [slice(None)] * view.ndim
    for axis, s, j, d, count in zip(axes, strides, range(x.ndim, view.ndim), dilation, positions):
        index[axis], index[j] = slice(0, count, s), slice(None, None, d)
    return view[tuple(index)]


def _spatial_axes(n: int) -> tuple:
    """Spatial axes of a channels-last (batch, *spatial, channels) tensor."""
    return tuple(range(1, n + 1))


def _grouped_conv(x, kernel, geo, groups: int):
    """Channels-last convolution with ``groups`` groups."""
    n = len(geo.kernel)
    win = _windows(x, _spatial_axes(n), geo.kernel, geo.strides, geo.dilation, geo.pads)
    win = win.reshape(*win.shape[:n + 1], groups, x.shape[-1] // groups, *geo.kernel)
    k = kernel.reshape(*geo.kernel, kernel.shape[-2], groups, -1)
    ks = "xyz"[:n]
    out = np.einsum(f"n...gc{ks},{ks}cgo->n...go", win, k, optimize=True)
    return out.reshape(*out.shape[:-2], kernel.shape[-1]).astype(x.dtype, copy=False)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, groups, _ = _g().conv_geometry("conv", x.shape, k.shape, strides, padding, data_format,
                                        dilation_rate)
    return _from_last(_grouped_conv(_to_last(x, geo.data_format), k, geo, groups), geo.data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, _ = _g().depthwise_geometry("depthwise_conv", x.shape, k.shape, strides, padding,
                                     data_format, dilation_rate)
    channels = k.shape[-2]
    k = k.reshape(*k.shape[:-2], 1, -1)
    return _from_last(_grouped_conv(_to_last(x, geo.data_format), k, geo, channels), geo.data_format)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    x, dk, pk = promote(inputs, depthwise_kernel, pointwise_kernel)
    _g().separable_conv.rule(x, dk, pk, strides, padding, data_format, dilation_rate)
    y = depthwise_conv(x, dk, strides, padding, data_format, dilation_rate)
    return conv(y, pk, 1, "valid", data_format)


def _crop(y, axes: tuple, pads: tuple):
    """Read ``length`` elements from ``offset`` along each axis; zeros past the end."""
    for axis, (offset, length) in zip(axes, pads):
        short = offset + length - y.shape[axis]
        if short > 0:
            width = [(0, 0)] * y.ndim
            width[axis] = (0, short)
            y = np.pad(y, width)
        y = np.take(y, range(offset, offset + length), axis=axis)
    return y


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, out_ch = _g().transpose_geometry("conv_transpose", x.shape, k.shape, strides, padding,
                                          output_padding, data_format, dilation_rate)
    x = _to_last(x, geo.data_format)
    n = len(geo.kernel)
    spatial = x.shape[1:-1]
    full = [(i - 1) * s + (kk - 1) * d + 1
            for i, s, kk, d in zip(spatial, geo.strides, geo.kernel, geo.dilation)]
    y = np.zeros((x.shape[0], *full, out_ch), x.dtype)
    for pos in itertools.product(*(range(kk) for kk in geo.kernel)):
        where = tuple(slice(p * d, p * d + (i - 1) * s + 1, s)
                      for p, d, i, s in zip(pos, geo.dilation, spatial, geo.strides))
        y[(slice(None), *where)] += np.einsum("n...c,oc->n...o", x, k[pos])
    return _from_last(_crop(y, _spatial_axes(n), geo.pads), geo.data_format)


def _lowest(dtype):
    return -np.inf if dtype.kind in "fc" or dtype.name == "bfloat16" else np.iinfo(dtype).min


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = convert_to_tensor(inputs)
    geo = _g().pool_geometry("max_pool", x.shape, pool_size, strides, padding, data_format)
    x = _to_last(x, geo.data_format)
    n = len(geo.kernel)
    win = _windows(x, _spatial_axes(n), geo.kernel, geo.strides, geo.dilation, geo.pads,
                   _lowest(x.dtype))
    return _from_last(win.max(axis=tuple(range(-n, 0))), geo.data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = convert_to_tensor(inputs)
    geo = _g().pool_geometry("average_pool", x.shape, pool_size, strides, padding, data_format)
    x = _to_last(x, geo.data_format).astype(to_native_dtype(_g().float_dtype(x)), copy=False)
    n = len(geo.kernel)
    axes, window = _spatial_axes(n), tuple(range(-n, 0))
    total = _windows(x, axes, geo.kernel, geo.strides, geo.dilation, geo.pads).sum(axis=window)
    ones = np.ones((1, *x.shape[1:-1], 1), x.dtype)
    count = _windows(ones, axes, geo.kernel, geo.strides, geo.dilation, geo.pads).sum(axis=window)
    return _from_last((total / count).astype(x.dtype, copy=False), geo.data_format)


def _adaptive(op_name: str, inputs, output_size, data_format, reduce, dtype):
    x = convert_to_tensor(inputs)
    out, data_format = _g().adaptive_output_size(op_name, x.shape, output_size, data_format)
    x = _to_last(x, data_format).astype(dtype(x), copy=False)
    for axis, size in zip(_spatial_axes(len(out)), out):
        bins = _g().adaptive_bins(x.shape[axis], size)
        x = np.concatenate([reduce(np.take(x, range(a, b), axis=axis), axis=axis, keepdims=True)
                            for a, b in bins], axis=axis)
    return _from_last(x, data_format)


def adaptive_average_pool(inputs, output_size, data_format=None):
    return _adaptive("adaptive_average_pool", inputs, output_size, data_format, np.mean,
                     lambda x: to_native_dtype(_g().float_dtype(x)))


def adaptive_max_pool(inputs, output_size, data_format=None):
    return _adaptive("adaptive_max_pool", inputs, output_size, data_format, np.max, lambda x: x.dtype)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    g = _g()
    dtype = to_native_dtype(g.float_dtype(query, key, value))
    q, k, v = (convert_to_tensor(t).astype(dtype, copy=False) for t in (query, key, value))
    g.attention_shapes(q.shape, k.shape, v.shape)
    compute = to_native_dtype(dtypes.result_type(g.float_dtype(q), "float32"))
    b, t, heads, h = q.shape
    s, kv_heads = k.shape[1], k.shape[2]
    scale = 1.0 / np.sqrt(h) if scale is None else scale
    q = q.reshape(b, t, kv_heads, heads // kv_heads, h).astype(compute)
    logits = np.einsum("btkgh,bskh->bkgts", q, k.astype(compute)).reshape(b, heads, t, s) * scale
    if bias is not None:
        logits = logits + convert_to_tensor(bias).astype(compute)
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * np.tanh(logits / attn_logits_soft_cap)
    keep = None if mask is None else convert_to_tensor(mask).astype(bool)
    if is_causal:
        causal = np.tril(np.ones((t, s), bool))
        keep = causal if keep is None else keep & causal
    if keep is not None:
        logits = np.where(keep, logits, np.finfo(compute).min)
    probs = _softmax(logits).reshape(b, kv_heads, heads // kv_heads, t, s)
    out = np.einsum("bkgts,bskh->btkgh", probs, v.astype(compute))
    return out.reshape(b, t, heads, v.shape[-1]).astype(dtype)


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
    win = _windows(x, (2, 3), kernel, strides, dil, [(p, p) for p in pads])
    n, c, oh, ow = win.shape[:4]
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kernel[0] * kernel[1], oh * ow)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    g = _g()
    n, c, h, w = g.fold_shape(x.shape, output_size, kernel_size, dilation, padding, stride)
    kernel, dil, pads, strides = g.patch_geometry("fold", kernel_size, dilation, padding, stride)
    oh, ow = g.patch_counts("fold", (h, w), kernel_size, dilation, padding, stride)
    blocks = x.reshape(n, c, *kernel, oh, ow)
    y = np.zeros((n, c, h + 2 * pads[0], w + 2 * pads[1]), x.dtype)
    for i, j in itertools.product(range(kernel[0]), range(kernel[1])):
        rows = slice(i * dil[0], i * dil[0] + (oh - 1) * strides[0] + 1, strides[0])
        cols = slice(j * dil[1], j * dil[1] + (ow - 1) * strides[1] + 1, strides[1])
        y[:, :, rows, cols] += blocks[:, :, i, j]
    return y[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + w]
