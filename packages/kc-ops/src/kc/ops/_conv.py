"""Convolution, pooling and attention ops: conv, conv_transpose, pools, attention, im2col.

Each declaration's body is its shape/dtype rule; the computation is
``kc.backend.<active>.conv``. The backends share the geometry helpers here
(`conv_geometry`, `transpose_geometry`, `pool_geometry`, ...), so "same"
padding, output sizes and argument checks are computed once:

* "same" padding is TensorFlow's: ``total = max((ceil(n / s) - 1) * s + dk - n, 0)``
  with the odd element at the end (``dk`` the dilated kernel extent).
* `conv_transpose` follows Keras 3: output element ``o`` collects
  ``x[i] * kernel[k]`` for ``o = i * s + k * d - offset`` (see `transpose_geometry`).
* "same" `average_pool` divides by the number of real (unpadded) elements.

Dtypes: the conv family gives ``result_type(inputs, kernel)``; `max_pool` keeps
the input dtype; `average_pool`, the adaptive pools and `dot_product_attention`
keep float dtypes and give floatx for integers.
"""

from __future__ import annotations

from typing import NamedTuple

from kc import config, dtypes
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op
from kc.ops._rules import dtype_of, shape_of

__all__ = [
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "conv", "conv_transpose",
    "depth_to_space", "depthwise_conv", "dot_product_attention", "fold", "max_pool",
    "separable_conv", "space_to_depth", "unfold",
]


# --- argument checks shared with the backends -----------------------------------------


def data_format_of(data_format, op: str) -> str:
    """``data_format`` validated; None gives `kc.config.image_data_format()`."""
    if data_format is None:
        return config.image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"{op}: data_format must be 'channels_last' or 'channels_first', "
                         f"got {data_format!r}.")
    return value


def padding_of(padding, op: str) -> str:
    value = str(padding).lower()
    if value not in ("valid", "same"):
        raise ValueError(f"{op}: padding must be 'valid' or 'same', got {padding!r}.")
    return value


def int_tuple(value, n: int, name: str, op: str) -> tuple:
    """An int or a length-``n`` sequence of positive ints, as a tuple."""
    values = (value,) * n if isinstance(value, int) else tuple(value)
    if len(values) != n or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0
                                   for v in values):
        raise ValueError(f"{op}: {name} must be a positive int or {n} positive ints, got {value!r}.")
    return values


def spatial_rank(shape: tuple, op: str, ranks=(3, 4, 5), name: str = "inputs") -> int:
    if len(shape) not in ranks:
        raise ValueError(f"{op}: {name} must have rank {' or '.join(map(str, ranks))}, "
                         f"got shape {tuple(shape)}.")
    return len(shape) - 2


def split_channels(shape: tuple, data_format: str) -> tuple:
    """(channels, spatial sizes) of a batched tensor's shape."""
    if data_format == "channels_last":
        return shape[-1], tuple(shape[1:-1])
    return shape[1], tuple(shape[2:])


def join_channels(batch, spatial: tuple, channels, data_format: str) -> tuple:
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


def same_padding(size: int, k: int, s: int, d: int) -> tuple:
    """(before, after) of TensorFlow-style "same" padding; the odd element goes after."""
    extent = (k - 1) * d + 1
    total = max((-(-size // s) - 1) * s + extent - size, 0)
    return total // 2, total - total // 2


def window_output_size(size, k: int, s: int, d: int, padding: str):
    if size is None:
        return None
    if padding == "same":
        return -(-size // s)
    return max((size - (k - 1) * d - 1) // s + 1, 0)


class Geometry(NamedTuple):
    """Where a sliding window goes, per spatial axis (None for unknown sizes)."""

    data_format: str
    kernel: tuple      # window sizes
    strides: tuple
    dilation: tuple
    pads: tuple        # (before, after) per axis; for conv_transpose see transpose_geometry
    out_spatial: tuple


def window_geometry(op: str, spatial: tuple, kernel: tuple, strides, padding, data_format: str,
                    dilation_rate=1) -> Geometry:
    n = len(spatial)
    strides = int_tuple(strides, n, "strides", op)
    dilation = int_tuple(dilation_rate, n, "dilation_rate", op)
    padding = padding_of(padding, op)
    pads = tuple((0, 0) if padding == "valid" or size is None else same_padding(size, k, s, d)
                 for size, k, s, d in zip(spatial, kernel, strides, dilation))
    out = tuple(window_output_size(size, k, s, d, padding)
                for size, k, s, d in zip(spatial, kernel, strides, dilation))
    if 0 in out:
        raise ValueError(f"{op}: the output would be empty: window {tuple(kernel)} with dilation "
                         f"{dilation} is larger than the input's spatial size {tuple(spatial)} "
                         f"(padding={padding!r}).")
    return Geometry(data_format, tuple(kernel), strides, dilation, pads, out)


def _check_kernel_rank(op: str, x_shape: tuple, k_shape: tuple, name: str = "kernel") -> None:
    if len(k_shape) != len(x_shape):
        raise ValueError(f"{op}: {name} must have rank {len(x_shape)} (spatial dims + 2, like inputs "
                         f"of shape {tuple(x_shape)}), got shape {tuple(k_shape)}.")


def conv_geometry(op: str, x_shape: tuple, k_shape: tuple, strides, padding, data_format,
                  dilation_rate) -> tuple:
    """Checks `conv` arguments; returns (Geometry, groups, out channels)."""
    spatial_rank(x_shape, op)
    _check_kernel_rank(op, x_shape, k_shape)
    data_format = data_format_of(data_format, op)
    channels, spatial = split_channels(x_shape, data_format)
    k_in, k_out = k_shape[-2], k_shape[-1]
    groups = 1
    if channels is not None and k_in is not None:
        if channels % k_in or k_out is not None and k_out % (channels // k_in):
            raise ValueError(
                f"{op}: inputs channels must be a multiple of kernel in-channels (kernel shape[-2]) "
                f"and the groups must divide the kernel out-channels; got inputs of shape "
                f"{tuple(x_shape)} ({channels} channels, {data_format}) and kernel of shape {tuple(k_shape)}.")
        groups = channels // k_in
    geo = window_geometry(op, spatial, tuple(k_shape[:-2]), strides, padding, data_format, dilation_rate)
    return geo, groups, k_out


def depthwise_geometry(op: str, x_shape: tuple, k_shape: tuple, strides, padding, data_format,
                       dilation_rate) -> tuple:
    """Checks `depthwise_conv` arguments; returns (Geometry, out channels)."""
    spatial_rank(x_shape, op)
    _check_kernel_rank(op, x_shape, k_shape)
    data_format = data_format_of(data_format, op)
    channels, spatial = split_channels(x_shape, data_format)
    if channels is not None and k_shape[-2] is not None and channels != k_shape[-2]:
        raise ValueError(f"{op}: kernel shape[-2] must equal the inputs channels ({channels}, "
                         f"{data_format}), got kernel of shape {tuple(k_shape)}.")
    geo = window_geometry(op, spatial, tuple(k_shape[:-2]), strides, padding, data_format, dilation_rate)
    out = None if channels is None or k_shape[-1] is None else channels * k_shape[-1]
    return geo, out


def transpose_length(size, k: int, s: int, d: int, padding: str, output_padding):
    """(output length, offset) of conv_transpose along one axis (Keras 3's rule)."""
    extent = (k - 1) * d + 1
    if padding == "valid":
        left = extent - 1
        extra = max(extent, s) - extent if output_padding is None else output_padding
        right = extent - 1 + extra
    else:
        total = s + extent - 2 if output_padding is None else extent + extent % 2 - 2 + output_padding
        left = min(total // 2 + total % 2, extent - 1)
        right = total - left
    offset = extent - 1 - left
    length = None if size is None else (size - 1) * s + left + right - extent + 2
    return length, offset


def transpose_geometry(op: str, x_shape: tuple, k_shape: tuple, strides, padding, output_padding,
                       data_format, dilation_rate) -> tuple:
    """Checks `conv_transpose` arguments; returns (Geometry, out channels).

    ``pads[i]`` is ``(offset, length)``: the result is the full scatter
    ``y[i * s + k * d] += x[i] * kernel[k]`` (length ``(n - 1) * s + dk``),
    read from ``offset`` for ``length`` elements (zeros past its end).
    """
    spatial_rank(x_shape, op)
    _check_kernel_rank(op, x_shape, k_shape)
    data_format = data_format_of(data_format, op)
    channels, spatial = split_channels(x_shape, data_format)
    if channels is not None and k_shape[-1] is not None and channels != k_shape[-1]:
        raise ValueError(f"{op}: kernel shape[-1] (in-channels; the kernel is spatial + (out, in)) "
                         f"must equal the inputs channels ({channels}, {data_format}), got kernel of "
                         f"shape {tuple(k_shape)}.")
    n = len(spatial)
    strides = int_tuple(strides, n, "strides", op)
    dilation = int_tuple(dilation_rate, n, "dilation_rate", op)
    padding = padding_of(padding, op)
    if output_padding is None:
        extra = (None,) * n
    else:
        extra = (output_padding,) * n if isinstance(output_padding, int) else tuple(output_padding)
        if len(extra) != n or not all(isinstance(e, int) and e >= 0 for e in extra):
            raise ValueError(f"{op}: output_padding must be None, a non-negative int or {n} of them, "
                             f"got {output_padding!r}.")
    kernel = tuple(k_shape[:-2])
    geoms = [transpose_length(size, k, s, d, padding, e)
             for size, k, s, d, e in zip(spatial, kernel, strides, dilation, extra)]
    pads = tuple((offset, length) for length, offset in geoms)
    out = tuple(length for length, _ in geoms)
    return Geometry(data_format, kernel, strides, dilation, pads, out), k_shape[-2]


def pool_geometry(op: str, x_shape: tuple, pool_size, strides, padding, data_format) -> Geometry:
    n = spatial_rank(x_shape, op)
    data_format = data_format_of(data_format, op)
    pool = int_tuple(pool_size, n, "pool_size", op)
    strides = pool if strides is None else strides
    return window_geometry(op, split_channels(x_shape, data_format)[1], pool, strides, padding,
                           data_format)


def adaptive_bins(size: int, out: int) -> list:
    """[(start, end)] of adaptive pooling: ``floor(i * n / out)`` to ``ceil((i + 1) * n / out)``."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def adaptive_output_size(op: str, x_shape: tuple, output_size, data_format) -> tuple:
    n = spatial_rank(x_shape, op)
    data_format = data_format_of(data_format, op)
    return int_tuple(output_size, n, "output_size", op), data_format


def float_dtype(*xs) -> str:
    """Promoted dtype, with integers and bools giving floatx."""
    dtype = dtypes.result_type(*xs)
    return dtype if dtypes.is_float_dtype(dtype) else config.floatx()


def conv_dtype(*xs) -> str:
    return dtypes.result_type(*xs)


def attention_shapes(q: tuple, k: tuple, v: tuple) -> tuple:
    """Checks (B, T, N, H) query and (B, S, K, H) key/value; returns the output shape."""
    op = "dot_product_attention"
    for name, s in (("query", q), ("key", k), ("value", v)):
        if len(s) != 4:
            raise ValueError(f"{op}: {name} must have rank 4 (batch, length, heads, head_dim), "
                             f"got shape {tuple(s)}.")
    if k[1:3] != v[1:3] and None not in k[1:3] + v[1:3]:
        raise ValueError(f"{op}: key and value must agree in length and heads, got shapes "
                         f"{tuple(k)} and {tuple(v)}.")
    if q[3] is not None and k[3] is not None and q[3] != k[3]:
        raise ValueError(f"{op}: query and key head_dim must agree, got shapes {tuple(q)} and {tuple(k)}.")
    if q[2] is not None and k[2] is not None and q[2] % k[2]:
        raise ValueError(f"{op}: query heads ({q[2]}) must be a multiple of key/value heads ({k[2]}).")
    return (q[0], q[1], q[2], v[3])


def block_shape(op: str, x_shape: tuple, block_size: int, data_format: str, inverse: bool) -> tuple:
    """Output shape of depth_to_space (inverse=False) or space_to_depth (inverse=True)."""
    spatial_rank(x_shape, op, ranks=(4,), name="x")
    data_format = data_format_of(data_format, op)
    (b,) = int_tuple(block_size, 1, "block_size", op)
    channels, (h, w) = split_channels(x_shape, data_format)
    if inverse:
        for size in (h, w):
            if size is not None and size % b:
                raise ValueError(f"{op}: height and width must be multiples of block_size={b}, "
                                 f"got x of shape {tuple(x_shape)}.")
        out = (_div(h, b), _div(w, b)), _mul(channels, b * b)
    else:
        if channels is not None and channels % (b * b):
            raise ValueError(f"{op}: channels must be a multiple of block_size**2={b * b}, got x of "
                             f"shape {tuple(x_shape)}.")
        out = (_mul(h, b), _mul(w, b)), _div(channels, b * b)
    return join_channels(x_shape[0], out[0], out[1], data_format)


def _mul(a, b):
    return None if a is None else a * b


def _div(a, b):
    return None if a is None else a // b


def patch_geometry(op: str, kernel_size, dilation, padding, stride) -> tuple:
    """(kernel, dilation, padding, stride) pairs of unfold/fold (torch's im2col)."""
    kernel = int_tuple(kernel_size, 2, "kernel_size", op)
    dilation = int_tuple(dilation, 2, "dilation", op)
    stride = int_tuple(stride, 2, "stride", op)
    pads = (padding,) * 2 if isinstance(padding, int) else tuple(padding)
    if len(pads) != 2 or not all(isinstance(p, int) and p >= 0 for p in pads):
        raise ValueError(f"{op}: padding must be a non-negative int or 2 of them, got {padding!r}.")
    return kernel, dilation, pads, stride


def patch_counts(op: str, spatial: tuple, kernel_size, dilation, padding, stride) -> tuple:
    kernel, dilation, pads, stride = patch_geometry(op, kernel_size, dilation, padding, stride)
    return tuple(None if n is None else (n + 2 * p - d * (k - 1) - 1) // s + 1
                 for n, k, d, p, s in zip(spatial, kernel, dilation, pads, stride))


# --- declarations -----------------------------------------------------------------------


@op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1D, 2D or 3D, from the rank of ``inputs``).

    Groups are inferred: ``inputs`` channels / ``kernel.shape[-2]``.

    Args:
        inputs: (batch, *spatial, channels) for "channels_last", else (batch, channels, *spatial).
        kernel: (*kernel_size, in_channels // groups, out_channels).
        strides: int or one int per spatial axis.
        padding: "valid" or "same" (TensorFlow's: the odd padding element goes at the end).
        data_format: "channels_last" or "channels_first"; None means `kc.config.image_data_format()`.
        dilation_rate: int or one int per spatial axis.

    Returns:
        The convolution, of dtype ``result_type(inputs, kernel)``.

    Example:
        >>> kc.ops.conv(kc.ops.ones((1, 5, 5, 2)), kc.ops.ones((3, 3, 2, 4)), padding="same").shape
        (1, 5, 5, 4)
    """
    x_shape = shape_of(inputs)
    geo, _, out_ch = conv_geometry("conv", x_shape, shape_of(kernel), strides, padding, data_format,
                                   dilation_rate)
    return KerasTensor(join_channels(x_shape[0], geo.out_spatial, out_ch, geo.data_format),
                       conv_dtype(inputs, kernel))


@op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: each input channel convolved with its own ``depth_multiplier`` filters.

    Args:
        inputs: (batch, *spatial, channels) or (batch, channels, *spatial).
        kernel: (*kernel_size, in_channels, depth_multiplier).
        strides, padding, data_format, dilation_rate: as in `conv`.

    Returns:
        A tensor with ``in_channels * depth_multiplier`` channels (channel ``c * m + j``
        is input channel ``c`` with filter ``j``).

    Example:
        >>> kc.ops.depthwise_conv(kc.ops.ones((1, 5, 2)), kc.ops.ones((3, 2, 2))).shape
        (1, 3, 4)
    """
    x_shape = shape_of(inputs)
    geo, out_ch = depthwise_geometry("depthwise_conv", x_shape, shape_of(kernel), strides, padding,
                                     data_format, dilation_rate)
    return KerasTensor(join_channels(x_shape[0], geo.out_spatial, out_ch, geo.data_format),
                       conv_dtype(inputs, kernel))


@op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """Depthwise convolution followed by a pointwise (1x1) convolution.

    Args:
        inputs: (batch, *spatial, channels) or (batch, channels, *spatial).
        depthwise_kernel: (*kernel_size, in_channels, depth_multiplier).
        pointwise_kernel: (1, ..., 1, in_channels * depth_multiplier, out_channels).
        strides, padding, data_format, dilation_rate: as in `conv` (of the depthwise step).

    Returns:
        The output of the pointwise convolution.

    Example:
        >>> kc.ops.separable_conv(kc.ops.ones((1, 5, 2)), kc.ops.ones((3, 2, 2)),
        ...                       kc.ops.ones((1, 4, 3))).shape
        (1, 3, 3)
    """
    op_name = "separable_conv"
    x_shape = shape_of(inputs)
    geo, mid = depthwise_geometry(op_name, x_shape, shape_of(depthwise_kernel), strides, padding,
                                  data_format, dilation_rate)
    p_shape = shape_of(pointwise_kernel)
    _check_kernel_rank(op_name, x_shape, p_shape, "pointwise_kernel")
    if any(k not in (1, None) for k in p_shape[:-2]) or None not in (mid, p_shape[-2]) and mid != p_shape[-2]:
        raise ValueError(f"{op_name}: pointwise_kernel must have shape (1, ..., 1, {mid}, out_channels) "
                         f"(in_channels * depth_multiplier in-channels), got {tuple(p_shape)}.")
    return KerasTensor(join_channels(x_shape[0], geo.out_spatial, p_shape[-1], geo.data_format),
                       conv_dtype(inputs, depthwise_kernel, pointwise_kernel))


@op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """Transposed convolution (the gradient of `conv` with respect to its input).

    Output size per axis, as Keras 3: without ``output_padding``, ``n * s`` for
    "same" and ``n * s + max(dk - s, 0)`` for "valid"; with it,
    ``(n - 1) * s + dk - 2 * pad + output_padding`` (``pad = dk // 2`` for "same").

    Args:
        inputs: (batch, *spatial, channels) or (batch, channels, *spatial).
        kernel: (*kernel_size, out_channels, in_channels).
        strides, padding, data_format, dilation_rate: as in `conv`.
        output_padding: None, or an int or one int per spatial axis added at the end.

    Returns:
        A tensor with ``kernel.shape[-2]`` channels.

    Example:
        >>> kc.ops.conv_transpose(kc.ops.ones((1, 4, 2)), kc.ops.ones((3, 5, 2)), 2, "same").shape
        (1, 8, 5)
    """
    x_shape = shape_of(inputs)
    geo, out_ch = transpose_geometry("conv_transpose", x_shape, shape_of(kernel), strides, padding,
                                     output_padding, data_format, dilation_rate)
    return KerasTensor(join_channels(x_shape[0], geo.out_spatial, out_ch, geo.data_format),
                       conv_dtype(inputs, kernel))


def _pool_rule(op_name: str, dtype_rule):
    def rule(inputs, pool_size, strides=None, padding="valid", data_format=None) -> KerasTensor:
        x_shape = shape_of(inputs)
        geo = pool_geometry(op_name, x_shape, pool_size, strides, padding, data_format)
        channels = split_channels(x_shape, geo.data_format)[0]
        return KerasTensor(join_channels(x_shape[0], geo.out_spatial, channels, geo.data_format),
                           dtype_rule(inputs))

    return rule


@op(rule=_pool_rule("max_pool", dtype_of))
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over 1, 2 or 3 spatial axes (from the rank of ``inputs``).

    Args:
        inputs: (batch, *spatial, channels) or (batch, channels, *spatial).
        pool_size: int or one int per spatial axis.
        strides: int, one per axis, or None for ``pool_size``.
        padding: "valid" or "same" (padding never wins the max).
        data_format: as in `conv`.

    Returns:
        The pooled tensor, of the input's dtype.

    Example:
        >>> kc.ops.max_pool(kc.ops.ones((1, 4, 4, 2)), 2).shape
        (1, 2, 2, 2)
    """


@op(rule=_pool_rule("average_pool", float_dtype))
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over 1, 2 or 3 spatial axes; "same" padding is left out of each mean.

    Args:
        inputs: (batch, *spatial, channels) or (batch, channels, *spatial).
        pool_size, strides, padding, data_format: as in `max_pool`.

    Returns:
        The pooled tensor (floats keep their dtype, integers give floatx).

    Example:
        >>> kc.ops.average_pool(kc.ops.ones((1, 5, 2)), 2, padding="same").shape
        (1, 3, 2)
    """


def _adaptive_rule(op_name: str, dtype_rule):
    def rule(inputs, output_size, data_format=None) -> KerasTensor:
        x_shape = shape_of(inputs)
        out, data_format = adaptive_output_size(op_name, x_shape, output_size, data_format)
        channels = split_channels(x_shape, data_format)[0]
        return KerasTensor(join_channels(x_shape[0], out, channels, data_format), dtype_rule(inputs))

    return rule


@op(rule=_adaptive_rule("adaptive_average_pool", float_dtype))
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed output size (1D, 2D or 3D).

    Bin ``i`` of an axis of size ``n`` covers ``floor(i * n / out)`` to
    ``ceil((i + 1) * n / out)`` (PyTorch's and Keras 3's rule).

    Args:
        inputs: (batch, *spatial, channels) or (batch, channels, *spatial).
        output_size: int or one int per spatial axis.
        data_format: as in `conv`.

    Returns:
        The pooled tensor (floats keep their dtype, integers give floatx).

    Example:
        >>> kc.ops.adaptive_average_pool(kc.ops.ones((1, 7, 5, 3)), 2).shape
        (1, 2, 2, 3)
    """


@op(rule=_adaptive_rule("adaptive_max_pool", dtype_of))
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed output size (1D, 2D or 3D); bins as `adaptive_average_pool`.

    Args:
        inputs: (batch, *spatial, channels) or (batch, channels, *spatial).
        output_size: int or one int per spatial axis.
        data_format: as in `conv`.

    Returns:
        The pooled tensor, of the input's dtype.

    Example:
        >>> kc.ops.adaptive_max_pool(kc.ops.ones((1, 7, 3)), 3).shape
        (1, 3, 3)
    """


@op(tensors=("query", "key", "value", "bias", "mask"))
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention, ``softmax(q k^T * scale + bias) v`` per head.

    Grouped-query attention: ``key``/``value`` may have fewer heads than
    ``query`` (a divisor of them); query head ``n`` uses kv head ``n // (N // K)``.
    The softmax runs in at least float32 (torch's fused kernel: in the input
    dtype). A fully masked row gives the mean of ``value`` (as jax).
    ``flash_attention`` is only a hint here (Keras 3 raises where it is
    unavailable); ``attn_logits_soft_cap`` is applied on every backend (Keras 3
    uses it only on TPU).

    Args:
        query: (batch, T, N, head_dim).
        key: (batch, S, K, head_dim).
        value: (batch, S, K, value_dim).
        bias: added to the logits; broadcastable to (batch, N, T, S).
        mask: bool, broadcastable to (batch, N, T, S); False positions are left out.
        scale: logits multiplier; None means ``1 / sqrt(head_dim)``.
        is_causal: query ``t`` sees keys ``s <= t`` (top-left aligned).
        flash_attention: None, True or False (a hint, see above).
        attn_logits_soft_cap: if set, logits become ``cap * tanh(logits / cap)``.

    Returns:
        (batch, T, N, value_dim), of dtype ``result_type(query, key, value)`` (floatx for ints).

    Example:
        >>> q = kc.ops.ones((2, 3, 4, 8))
        >>> kc.ops.dot_product_attention(q, q, q).shape
        (2, 3, 4, 8)
    """
    shape = attention_shapes(shape_of(query), shape_of(key), shape_of(value))
    return KerasTensor(shape, float_dtype(query, key, value))


@op
def depth_to_space(x, block_size, data_format="channels_last"):
    """Move channel blocks into space (pixel shuffle): (N, H, W, C*b*b) -> (N, H*b, W*b, C).

    Channel order, as Keras 3: "channels_last" reads channel ``(i * b + j) * C + c``
    (TensorFlow's), "channels_first" channel ``c * b * b + i * b + j`` (PyTorch's).

    Args:
        x: a rank-4 tensor.
        block_size: int, the block side ``b``.
        data_format: "channels_last" (the default here, as Keras) or "channels_first".

    Returns:
        The rearranged tensor, same dtype.

    Example:
        >>> kc.ops.depth_to_space(kc.ops.ones((1, 2, 2, 8)), 2).shape
        (1, 4, 4, 2)
    """
    return KerasTensor(block_shape("depth_to_space", shape_of(x), block_size, data_format, False),
                       dtype_of(x))


@op
def space_to_depth(x, block_size, data_format="channels_last"):
    """Move spatial blocks into channels, the inverse of `depth_to_space`.

    Args:
        x: a rank-4 tensor with height and width multiples of ``block_size``.
        block_size: int.
        data_format: "channels_last" (default) or "channels_first".

    Returns:
        The rearranged tensor, same dtype.

    Example:
        >>> kc.ops.space_to_depth(kc.ops.ones((1, 4, 4, 2)), 2).shape
        (1, 2, 2, 8)
    """
    return KerasTensor(block_shape("space_to_depth", shape_of(x), block_size, data_format, True),
                       dtype_of(x))


@op
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding patches (im2col, as ``torch.nn.functional.unfold``).

    Args:
        x: (N, C, H, W), channels first.
        kernel_size: int or (kh, kw).
        dilation: int or pair.
        padding: int or pair of zero padding on both sides.
        stride: int or pair.

    Returns:
        (N, C * kh * kw, L) with rows ordered (channel, kernel row, kernel column)
        and ``L`` patches in row-major order.

    Example:
        >>> kc.ops.unfold(kc.ops.ones((1, 2, 4, 4)), 2, stride=2).shape
        (1, 8, 4)
    """
    shape = shape_of(x)
    spatial_rank(shape, "unfold", ranks=(4,), name="x")
    counts = patch_counts("unfold", shape[2:], kernel_size, dilation, padding, stride)
    kernel = int_tuple(kernel_size, 2, "kernel_size", "unfold")
    length = None if None in counts else counts[0] * counts[1]
    return KerasTensor((shape[0], _mul(shape[1], kernel[0] * kernel[1]), length), dtype_of(x))


@op
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding patches back into an image (col2im, the adjoint of `unfold`).

    Args:
        x: (N, C * kh * kw, L) as `unfold` returns.
        output_size: int or (H, W) of the image.
        kernel_size, dilation, padding, stride: as in `unfold`.

    Returns:
        (N, C, H, W); overlapping patch entries add up.

    Example:
        >>> kc.ops.fold(kc.ops.ones((1, 8, 4)), 4, 2, stride=2).shape
        (1, 2, 4, 4)
    """
    return KerasTensor(fold_shape(shape_of(x), output_size, kernel_size, dilation, padding, stride),
                       dtype_of(x))


def fold_shape(shape: tuple, output_size, kernel_size, dilation, padding, stride) -> tuple:
    op_name = "fold"
    spatial_rank(shape, op_name, ranks=(3,), name="x")
    out = int_tuple(output_size, 2, "output_size", op_name)
    kernel = int_tuple(kernel_size, 2, "kernel_size", op_name)
    counts = patch_counts(op_name, out, kernel_size, dilation, padding, stride)
    k = kernel[0] * kernel[1]
    if shape[1] is not None and shape[1] % k:
        raise ValueError(f"{op_name}: x.shape[1] must be a multiple of kh * kw = {k}, got x of shape "
                         f"{tuple(shape)}.")
    if shape[2] is not None and shape[2] != counts[0] * counts[1]:
        raise ValueError(f"{op_name}: x.shape[2] must be the number of patches {counts[0] * counts[1]} "
                         f"for output_size {out}, got x of shape {tuple(shape)}.")
    return (shape[0], _div(shape[1], k), *out)



def block_plan(shape: tuple, block_size: int, data_format: str, inverse: bool) -> tuple:
    """(reshape, permutation, reshape) that implement depth_to_space / space_to_depth."""
    b = block_size
    n, *rest = shape
    if data_format == "channels_last":
        h, w, c = rest
        if inverse:
            return (n, h // b, b, w // b, b, c), (0, 1, 3, 2, 4, 5), (n, h // b, w // b, b * b * c)
        return (n, h, w, b, b, c // (b * b)), (0, 1, 3, 2, 4, 5), (n, h * b, w * b, c // (b * b))
    c, h, w = rest
    if inverse:
        return (n, c, h // b, b, w // b, b), (0, 1, 3, 5, 2, 4), (n, c * b * b, h // b, w // b)
    return (n, c // (b * b), b, b, h, w), (0, 1, 4, 2, 5, 3), (n, c // (b * b), h * b, w * b)
