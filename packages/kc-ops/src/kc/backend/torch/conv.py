"""Convolution, pooling and attention on PyTorch (`torch.nn.functional`).

Torch wants channels first: a channels-last input is permuted once per call
(a view; for 2D the permuted tensor is in torch's channels_last memory format,
which its conv kernels take without a copy) and the result permuted back.
TensorFlow-style asymmetric "same" padding is applied with `F.pad` only
when the two sides differ. Integer inputs run in float64 and are cast back.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kc.backend.torch.core import convert_to_tensor, promote, to_native_dtype

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_ADAPTIVE_AVG = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
_ADAPTIVE_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}


def _g():
    """Geometry and rules of kc.ops._conv (imported late: it imports this module)."""
    from kc.ops import _conv

    return _conv


def _to_first(x, data_format: str):
    if data_format == "channels_first":
        return x
    return x.permute(0, x.ndim - 1, *range(1, x.ndim - 1))


def _from_first(x, data_format: str):
    if data_format == "channels_first":
        return x
    return x.permute(0, *range(2, x.ndim), 1)


def _torch_kernel(kernel):
    """Keras conv kernel (*spatial, in // groups, out) -> torch weight (out, in // groups, *spatial)."""
    n = kernel.ndim - 2
    return kernel.permute(n + 1, n, *range(n))


def _pad_arg(pads: tuple) -> list:
    """F.pad's argument (last axis first) for per-axis (before, after) pads."""
    return [p for before_after in reversed(pads) for p in before_after]


def _symmetric_or_pad(x, pads: tuple, value=0.0):
    """(x, padding for torch): symmetric pads go to torch; asymmetric ones through F.pad."""
    if all(before == after for before, after in pads):
        return x, tuple(before for before, _ in pads)
    return F.pad(x, _pad_arg(pads), value=value), 0


def _computable(x):
    """(tensor torch can convolve/pool, dtype to cast the result back to or None)."""
    if x.is_floating_point():
        return x, None
    return x.to(torch.float64), x.dtype


def _cast_back(y, dtype):
    return y if dtype is None else torch.round(y).to(dtype)


def _conv(x, weight, geo, groups: int):
    """Channels-first convolution with a torch-layout weight."""
    x, padding = _symmetric_or_pad(x, geo.pads)
    return _CONV[len(geo.kernel)](x, weight, None, geo.strides, padding, geo.dilation, groups)


def _run_conv(x, weight, geo, groups: int):
    x, back = _computable(x)
    y = _conv(_to_first(x, geo.data_format), weight.to(x.dtype), geo, groups)
    return _cast_back(_from_first(y, geo.data_format), back)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, groups, _ = _g().conv_geometry("conv", tuple(x.shape), tuple(k.shape), strides, padding,
                                        data_format, dilation_rate)
    return _run_conv(x, _torch_kernel(k), geo, groups)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, _ = _g().depthwise_geometry("depthwise_conv", tuple(x.shape), tuple(k.shape), strides,
                                     padding, data_format, dilation_rate)
    channels = k.shape[-2]
    return _run_conv(x, _torch_kernel(k.reshape(*k.shape[:-2], 1, -1)), geo, channels)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    x, dk, pk = promote(inputs, depthwise_kernel, pointwise_kernel)
    _g().separable_conv.rule(x, dk, pk, strides, padding, data_format, dilation_rate)
    y = depthwise_conv(x, dk, strides, padding, data_format, dilation_rate)
    return conv(y, pk, 1, "valid", data_format)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    x, k = promote(inputs, kernel)
    geo, _ = _g().transpose_geometry("conv_transpose", tuple(x.shape), tuple(k.shape), strides,
                                     padding, output_padding, data_format, dilation_rate)
    x, back = _computable(x)
    x = _to_first(x, geo.data_format)
    n = len(geo.kernel)
    extra, fix = [], []
    for (offset, length), i, kk, s, d in zip(geo.pads, x.shape[2:], geo.kernel, geo.strides,
                                             geo.dilation):
        diff = length - ((i - 1) * s - 2 * offset + (kk - 1) * d + 1)
        ok = 0 <= diff < max(s, d)
        extra.append(diff if ok else 0)
        fix.append((0, 0 if ok else diff))  # crop (negative) or zeros past the scatter's reach
    weight = k.permute(n + 1, n, *range(n)).to(x.dtype)  # (in, out, *spatial)
    y = _CONV_T[n](x, weight, None, geo.strides, tuple(o for o, _ in geo.pads), tuple(extra), 1,
                   geo.dilation)
    if any(f != (0, 0) for f in fix):
        y = F.pad(y, _pad_arg(tuple(fix)))
    return _cast_back(_from_first(y, geo.data_format), back)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = convert_to_tensor(inputs)
    geo = _g().pool_geometry("max_pool", tuple(x.shape), pool_size, strides, padding, data_format)
    x, back = _computable(x)
    x = _to_first(x, geo.data_format)
    if any(p != (0, 0) for p in geo.pads):
        x = F.pad(x, _pad_arg(geo.pads), value=-float("inf"))
    y = _MAX[len(geo.kernel)](x, geo.kernel, geo.strides)
    return _cast_back(_from_first(y, geo.data_format), back)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x = convert_to_tensor(inputs)
    geo = _g().pool_geometry("average_pool", tuple(x.shape), pool_size, strides, padding, data_format)
    x = _to_first(x.to(to_native_dtype(_g().float_dtype(x))), geo.data_format)
    pool = _AVG[len(geo.kernel)]
    if all(before == after and 2 * before <= k for (before, after), k in zip(geo.pads, geo.kernel)):
        y = pool(x, geo.kernel, geo.strides, tuple(b for b, _ in geo.pads), count_include_pad=False)
    else:  # asymmetric "same": sum over real elements / their count
        ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
        pads = _pad_arg(geo.pads)
        y = pool(F.pad(x, pads), geo.kernel, geo.strides) / pool(F.pad(ones, pads), geo.kernel,
                                                                 geo.strides)
    return _from_first(y, geo.data_format)


def _adaptive(op_name: str, inputs, output_size, data_format, pools: dict, float_out: bool):
    x = convert_to_tensor(inputs)
    out, data_format = _g().adaptive_output_size(op_name, tuple(x.shape), output_size, data_format)
    back = None
    if float_out:
        x = x.to(to_native_dtype(_g().float_dtype(x)))
    else:
        x, back = _computable(x)
    y = pools[len(out)](_to_first(x, data_format), out)
    return _cast_back(_from_first(y, data_format), back)


def adaptive_average_pool(inputs, output_size, data_format=None):
    return _adaptive("adaptive_average_pool", inputs, output_size, data_format, _ADAPTIVE_AVG, True)


def adaptive_max_pool(inputs, output_size, data_format=None):
    return _adaptive("adaptive_max_pool", inputs, output_size, data_format, _ADAPTIVE_MAX, False)


def _keep_mask(mask, is_causal: bool, t: int, s: int, device):
    keep = None if mask is None else convert_to_tensor(mask).to(torch.bool)
    if is_causal:
        causal = torch.ones((t, s), dtype=torch.bool, device=device).tril()
        keep = causal if keep is None else keep & causal
    return keep


def _attention_plain(q, k, v, bias, keep, scale, soft_cap):
    """softmax(q k^T * scale + bias) v in at least float32, with grouped kv heads."""
    b, t, heads, h = q.shape
    s, kv_heads = k.shape[1], k.shape[2]
    compute = torch.promote_types(q.dtype, torch.float32)
    q = q.reshape(b, t, kv_heads, heads // kv_heads, h).to(compute)
    logits = torch.einsum("btkgh,bskh->bkgts", q, k.to(compute)).reshape(b, heads, t, s) * scale
    if bias is not None:
        logits = logits + bias.to(compute)
    if soft_cap is not None:
        logits = soft_cap * torch.tanh(logits / soft_cap)
    if keep is not None:
        logits = logits.masked_fill(~keep, torch.finfo(compute).min)
    probs = torch.softmax(logits, dim=-1).reshape(b, kv_heads, heads // kv_heads, t, s)
    out = torch.einsum("bkgts,bskh->btkgh", probs, v.to(compute))
    return out.reshape(b, t, heads, v.shape[-1]).to(v.dtype)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    g = _g()
    dtype = to_native_dtype(g.float_dtype(query, key, value))
    q, k, v = (convert_to_tensor(t).to(dtype) for t in (query, key, value))
    g.attention_shapes(tuple(q.shape), tuple(k.shape), tuple(v.shape))
    scale = q.shape[-1] ** -0.5 if scale is None else scale
    bias = None if bias is None else convert_to_tensor(bias)
    keep = _keep_mask(mask, is_causal and (mask is not None or bias is not None), q.shape[1],
                      k.shape[1], q.device)
    if attn_logits_soft_cap is not None:
        if is_causal and keep is None:
            keep = _keep_mask(None, True, q.shape[1], k.shape[1], q.device)
        return _attention_plain(q, k, v, bias, keep, scale, attn_logits_soft_cap)
    attn = None if bias is None else bias.to(dtype)
    if keep is not None:  # finite "minus infinity": a fully masked row averages value, as jax
        low = torch.finfo(dtype).min
        attn = torch.where(keep, attn if attn is not None else torch.zeros((), dtype=dtype,
                                                                           device=q.device), low)
    out = F.scaled_dot_product_attention(
        q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=attn,
        is_causal=is_causal and keep is None and attn is None, scale=scale,
        enable_gqa=k.shape[2] != q.shape[2])
    return out.transpose(1, 2)


def _rearrange(x, block_size, data_format, inverse: bool, op_name: str):
    x = convert_to_tensor(x)
    _g().block_shape(op_name, tuple(x.shape), block_size, data_format, inverse)
    first, perm, last = _g().block_plan(tuple(x.shape), block_size, data_format, inverse)
    return x.reshape(first).permute(perm).reshape(last)


def depth_to_space(x, block_size, data_format="channels_last"):
    return _rearrange(x, block_size, data_format, False, "depth_to_space")


def space_to_depth(x, block_size, data_format="channels_last"):
    return _rearrange(x, block_size, data_format, True, "space_to_depth")


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    _g().unfold.rule(x, kernel_size, dilation, padding, stride)
    x, back = _computable(x)
    return _cast_back(F.unfold(x, kernel_size, dilation, padding, stride), back)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    _g().fold_shape(tuple(x.shape), output_size, kernel_size, dilation, padding, stride)
    x, back = _computable(x)
    return _cast_back(F.fold(x, output_size, kernel_size, dilation, padding, stride), back)
