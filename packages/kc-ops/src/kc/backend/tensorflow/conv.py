"""Convolution, pooling and attention on TensorFlow (`tf.nn.convolution`, `tf.nn.conv_transpose`,
`tf.nn.pool`).

TensorFlow's CPU kernels take only channels-last data, so "channels_first"
inputs are transposed. Where TensorFlow lacks a combination (strides and
dilation > 1 together, dilated transposed convs, grouped 3D convs on the CPU)
the kernel is dilated explicitly or the groups run one by one.
"""

from __future__ import annotations

import itertools

import tensorflow as tf

from kc.backend.tensorflow.core import convert_to_tensor, promote, to_native_dtype


def _g():
    """Geometry and rules of kc.ops._conv (imported late: it imports this module)."""
    from kc.ops import _conv

    return _conv


def _to_last(x, data_format: str):
    if data_format == "channels_last":
        return x
    return tf.transpose(x, (0, *range(2, x.shape.rank), 1))


def _from_last(x, data_format: str):
    if data_format == "channels_last":
        return x
    return tf.transpose(x, (0, x.shape.rank - 1, *range(1, x.shape.rank - 1)))


def _computable(x):
    """(tensor TensorFlow can convolve, dtype to cast the result back to or None)."""
    if x.dtype.is_floating:
        return x, None
    return tf.cast(x, tf.float64), x.dtype


def _cast_back(y, dtype):
    return y if dtype is None else tf.cast(tf.round(y), dtype)


def _dilate(x, axes, rates):
    """Insert ``rate - 1`` zeros between the elements along each axis."""
    for axis, rate in zip(axes, rates):
        if rate == 1:
            continue
        size = x.shape[axis]
        parts = tf.stack([x] + [tf.zeros_like(x)] * (rate - 1), axis=axis + 1)
        shape = tf.concat([tf.shape(x)[:axis], [size * rate], tf.shape(x)[axis + 1:]], 0)
        x = tf.gather(tf.reshape(parts, shape), tf.range((size - 1) * rate + 1), axis=axis)
    return x


def _conv_last(x, kernel, geo, groups: int):
    """Channels-last convolution."""
    n = len(geo.kernel)
    dilation = geo.dilation
    if max(geo.strides) > 1 and max(dilation) > 1:  # tf.nn.convolution refuses both
        kernel, dilation = _dilate(kernel, range(n), dilation), (1,) * n
    padding = "VALID" if all(p == (0, 0) for p in geo.pads) else "SAME"
    if groups > 1 and n == 3:  # no grouped 3D conv kernel on the CPU
        outs = [tf.nn.convolution(xg, kg, geo.strides, padding, dilations=dilation)
                for xg, kg in zip(tf.split(x, groups, axis=-1), tf.split(kernel, groups, axis=-1))]
        return tf.concat(outs, axis=-1)
    return tf.nn.convolution(x, kernel, geo.strides, padding, dilations=dilation)


def _run_conv(x, kernel, geo, groups: int):
    x, back = _computable(x)
    y = _conv_last(_to_last(x, geo.data_format), tf.cast(kernel, x.dtype), geo, groups)
    return _cast_back(_from_last(y, geo.data_format), back)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, groups, _ = _g().conv_geometry("conv", tuple(x.shape), tuple(k.shape), strides, padding,
                                        data_format, dilation_rate)
    return _run_conv(x, k, geo, groups)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, _ = _g().depthwise_geometry("depthwise_conv", tuple(x.shape), tuple(k.shape), strides,
                                     padding, data_format, dilation_rate)
    channels = k.shape[-2]
    return _run_conv(x, tf.reshape(k, (*k.shape[:-2], 1, -1)), geo, channels)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    x, dk, pk = promote(inputs, depthwise_kernel, pointwise_kernel)
    _g().separable_conv.rule(x, dk, pk, strides, padding, data_format, dilation_rate)
    y = depthwise_conv(x, dk, strides, padding, data_format, dilation_rate)
    return conv(y, pk, 1, "valid", data_format)


def _crop(y, axes, pads):
    """Read ``length`` elements from ``offset`` along each axis; zeros past the end."""
    for axis, (offset, length) in zip(axes, pads):
        short = offset + length - y.shape[axis]
        if short > 0:
            width = [(0, 0)] * y.shape.rank
            width[axis] = (0, short)
            y = tf.pad(y, width)
        y = tf.gather(y, tf.range(offset, offset + length), axis=axis)
    return y


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, out_ch = _g().transpose_geometry("conv_transpose", tuple(x.shape), tuple(k.shape), strides,
                                          padding, output_padding, data_format, dilation_rate)
    x, back = _computable(x)
    x, k = _to_last(x, geo.data_format), tf.cast(k, x.dtype)
    n = len(geo.kernel)
    k = _dilate(k, range(n), geo.dilation)  # no dilated transposed conv kernel on the CPU
    full = [(i - 1) * s + kk for i, s, kk in zip(x.shape[1:-1], geo.strides, k.shape[:n])]
    shape = tf.concat([tf.shape(x)[:1], full, [out_ch]], 0)
    y = tf.nn.conv_transpose(x, k, shape, geo.strides, "VALID")
    y = _crop(y, range(1, n + 1), geo.pads)
    return _cast_back(_from_last(y, geo.data_format), back)


def _pool(op_name: str, kind: str, inputs, pool_size, strides, padding, data_format, float_out):
    x = convert_to_tensor(inputs)
    geo = _g().pool_geometry(op_name, tuple(x.shape), pool_size, strides, padding, data_format)
    if float_out:
        x = tf.cast(x, to_native_dtype(_g().float_dtype(x)))
    y = tf.nn.pool(_to_last(x, geo.data_format), geo.kernel, kind, geo.strides,
                   "VALID" if all(p == (0, 0) for p in geo.pads) else "SAME")
    return _from_last(y, geo.data_format)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool("max_pool", "MAX", inputs, pool_size, strides, padding, data_format, False)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool("average_pool", "AVG", inputs, pool_size, strides, padding, data_format, True)


def _adaptive(op_name: str, inputs, output_size, data_format, reduce, float_out: bool):
    x = convert_to_tensor(inputs)
    out, data_format = _g().adaptive_output_size(op_name, tuple(x.shape), output_size, data_format)
    if float_out:
        x = tf.cast(x, to_native_dtype(_g().float_dtype(x)))
    first = 1 if data_format == "channels_last" else 2
    for axis, size in zip(range(first, first + len(out)), out):
        bins = _g().adaptive_bins(x.shape[axis], size)
        x = tf.concat([reduce(tf.gather(x, tf.range(a, b), axis=axis), axis=axis, keepdims=True)
                       for a, b in bins], axis=axis)
    return x


def adaptive_average_pool(inputs, output_size, data_format=None):
    return _adaptive("adaptive_average_pool", inputs, output_size, data_format, tf.reduce_mean, True)


def adaptive_max_pool(inputs, output_size, data_format=None):
    return _adaptive("adaptive_max_pool", inputs, output_size, data_format, tf.reduce_max, False)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    g = _g()
    dtype = to_native_dtype(g.float_dtype(query, key, value))
    q, k, v = (tf.cast(convert_to_tensor(t), dtype) for t in (query, key, value))
    g.attention_shapes(tuple(q.shape), tuple(k.shape), tuple(v.shape))
    _, t, heads, h = q.shape
    s, kv_heads = k.shape[1], k.shape[2]
    scale = h ** -0.5 if scale is None else scale
    compute = tf.float64 if dtype == tf.float64 else tf.float32
    q = tf.reshape(tf.cast(q, compute), (-1, t, kv_heads, heads // kv_heads, h))
    logits = tf.einsum("btkgh,bskh->bkgts", q, tf.cast(k, compute))
    logits = tf.reshape(logits, (-1, heads, t, s)) * tf.cast(scale, compute)
    if bias is not None:
        logits = logits + tf.cast(convert_to_tensor(bias), compute)
    if attn_logits_soft_cap is not None:
        cap = tf.cast(attn_logits_soft_cap, compute)
        logits = cap * tf.tanh(logits / cap)
    keep = None if mask is None else tf.cast(convert_to_tensor(mask), tf.bool)
    if is_causal:
        causal = tf.linalg.band_part(tf.ones((t, s), tf.bool), -1, 0)
        keep = causal if keep is None else tf.logical_and(keep, causal)
    if keep is not None:
        logits = tf.where(keep, logits, compute.min)
    probs = tf.reshape(tf.nn.softmax(logits, axis=-1), (-1, kv_heads, heads // kv_heads, t, s))
    out = tf.einsum("bkgts,bskh->btkgh", probs, tf.cast(v, compute))
    return tf.cast(tf.reshape(out, (-1, t, heads, v.shape[-1])), dtype)


def _rearrange(x, block_size, data_format, inverse: bool, op_name: str):
    x = convert_to_tensor(x)
    _g().block_shape(op_name, tuple(x.shape), block_size, data_format, inverse)
    first, perm, last = _g().block_plan((-1, *x.shape[1:]), block_size, data_format, inverse)
    return tf.reshape(tf.transpose(tf.reshape(x, (-1, *first[1:])), perm), (-1, *last[1:]))


def depth_to_space(x, block_size, data_format="channels_last"):
    return _rearrange(x, block_size, data_format, False, "depth_to_space")


def space_to_depth(x, block_size, data_format="channels_last"):
    return _rearrange(x, block_size, data_format, True, "space_to_depth")


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    _, c, length = _g().unfold.rule(x, kernel_size, dilation, padding, stride).shape
    kernel, dil, pads, strides = _g().patch_geometry("unfold", kernel_size, dilation, padding, stride)
    x = tf.pad(_to_last(x, "channels_first"), [(0, 0), (pads[0],) * 2, (pads[1],) * 2, (0, 0)])
    patches = tf.image.extract_patches(x, (1, *kernel, 1), (1, *strides, 1), (1, *dil, 1), "VALID")
    patches = tf.reshape(patches, (-1, length, *kernel, x.shape[-1]))  # (n, L, kh, kw, C)
    return tf.reshape(tf.transpose(patches, (0, 4, 2, 3, 1)), (-1, c, length))


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    g = _g()
    _, c, h, w = g.fold_shape(tuple(x.shape), output_size, kernel_size, dilation, padding, stride)
    kernel, dil, pads, strides = g.patch_geometry("fold", kernel_size, dilation, padding, stride)
    oh, ow = g.patch_counts("fold", (h, w), kernel_size, dilation, padding, stride)
    blocks = _dilate(tf.reshape(x, (-1, c, *kernel, oh, ow)), (4, 5), strides)
    rows, cols = blocks.shape[4:]
    y = 0
    for i, j in itertools.product(range(kernel[0]), range(kernel[1])):
        top, left = i * dil[0], j * dil[1]
        y = y + tf.pad(blocks[:, :, i, j], [(0, 0), (0, 0), (top, h + 2 * pads[0] - top - rows),
                                            (left, w + 2 * pads[1] - left - cols)])
    return y[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + w]
