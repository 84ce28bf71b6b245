"""Neural-network ops of the PyTorch backend (activations, softmax, losses, normalization, CTC).

Half floats without CPU kernels are computed in float32 and cast back.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from kc import config, dtypes
from kc.backend.common import nn_ops
from kc.backend.torch.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules

_HALF = (torch.float16, torch.bfloat16)
_NEG = -1e30  # log(0) for the CTC recursion, finite so that gradients stay NaN-free


def _float_in(x, dtype: str | None = None):
    """``x`` as a float tensor of the result dtype (ints and bools: floatx)."""
    x = convert_to_tensor(x)
    return x.to(to_native_dtype(dtype or rules.float_dtype(x.dtype)))


def _unary(fn):
    """Lift a float formula into an op with kc's activation dtype rule (half floats in float32)."""
    return nn_ops.float_activation(fn, _float_in, _HALF, lambda x, dtype: x.to(dtype), torch.float32)


def _int_keeping(fn):
    """Like `_unary`, but integer inputs are computed and returned in their own dtype."""

    def op(x, *args, **kwargs):
        x = convert_to_tensor(x)
        if x.dtype == torch.bool:
            x = _float_in(x)
        return fn(x, *args, **kwargs).to(x.dtype)

    return nn_ops.named_after(op, fn)


# --- activations ------------------------------------------------------------------------

def _bounded(x, lo, hi):
    """clip(x, lo, hi) in x's dtype; a bound an integer dtype cannot hold is skipped (unsigned)."""
    if x.dtype in (torch.uint8, torch.uint16, torch.uint32, torch.uint64):
        lo = None
    if x.dtype in (torch.uint16, torch.uint32, torch.uint64):  # few kernels: compute in int64
        return _bounded(x.to(torch.int64), lo, hi).to(x.dtype)
    return torch.clamp(x, lo, hi) if lo is not None or hi is not None else x


relu = _int_keeping(lambda x: _bounded(x, 0, None))
relu.native = torch.relu
relu.native_dtypes = (torch.float32, torch.float64, torch.float16, torch.bfloat16)
relu6 = _int_keeping(lambda x: _bounded(x, 0, 6))
hard_tanh = _int_keeping(lambda x: _bounded(x, -1, 1))
sigmoid = _unary(torch.sigmoid)
sparse_sigmoid = _unary(lambda x: torch.clamp((x + 1) / 2, 0, 1))
softplus = _unary(F.softplus)
softsign = _unary(F.softsign)
silu = _unary(F.silu)
swish = silu
log_sigmoid = _unary(F.logsigmoid)
leaky_relu = _unary(lambda x, negative_slope=0.2: F.leaky_relu(x, negative_slope))
hard_sigmoid = _unary(lambda x: torch.clamp(x / 6 + 0.5, 0, 1))
hard_silu = _unary(lambda x: x * torch.clamp(x / 6 + 0.5, 0, 1))
hard_swish = hard_silu
elu = _unary(lambda x, alpha=1.0: F.elu(x, alpha))
selu = _unary(F.selu)
gelu = _unary(lambda x, approximate=True: F.gelu(x, approximate="tanh" if approximate else "none"))
celu = _unary(lambda x, alpha=1.0: F.celu(x, alpha))
tanh_shrink = _unary(lambda x: x - torch.tanh(x))
squareplus = _unary(lambda x, b=4: (x + torch.sqrt(x * x + b)) / 2)
sparse_plus = _unary(lambda x: torch.where(x <= -1, torch.zeros_like(x),
                                           torch.where(x >= 1, x, (x + 1) ** 2 / 4)))
hard_shrink = _unary(lambda x, threshold=0.5: torch.where(x.abs() > threshold, x, torch.zeros_like(x)))
soft_shrink = _unary(lambda x, threshold=0.5: torch.sign(x) * torch.clamp(x.abs() - threshold, min=0))


def glu(x, axis=-1):
    x = _float_in(x)
    ax = rules.canonical_axis(axis, x.ndim, "glu")
    if x.shape[ax] % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even, got shape {tuple(x.shape)}.")
    return _unary(lambda v: F.glu(v, dim=ax))(x)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = _float_in(x)
    return torch.where(x > threshold, x, torch.tensor(default_value, device=x.device).to(x.dtype))


# --- softmax family -------------------------------------------------------------------------


def _over_axes(fn, x, axis, name):
    """Apply a last-axis function over one axis or several axes jointly."""
    axes = rules.canonical_axes(axis, x.ndim, name)
    if len(axes) == 1:
        return fn(x, axes[0])
    rest = [i for i in range(x.ndim) if i not in axes]
    moved = x.permute(*rest, *axes)
    y = fn(moved.reshape(*moved.shape[:len(rest)], -1), -1).reshape(moved.shape)
    return y.permute(*sorted(range(x.ndim), key=(rest + list(axes)).index))


def softmax(x, axis=-1):
    return _unary(lambda v: _over_axes(lambda u, a: torch.softmax(u, a), v, axis, "softmax"))(x)


def log_softmax(x, axis=-1):
    return _unary(lambda v: _over_axes(lambda u, a: torch.log_softmax(u, a), v, axis, "log_softmax"))(x)


def sparsemax(x, axis=-1):
    x = _float_in(x)
    ax = rules.canonical_axis(axis, x.ndim, "sparsemax")

    def last_axis(z):
        zs = torch.sort(z, dim=-1, descending=True).values
        k = torch.arange(1, z.shape[-1] + 1, dtype=z.dtype, device=z.device)
        cums = torch.cumsum(zs, dim=-1)
        k_z = torch.sum(1 + k * zs > cums, dim=-1, keepdim=True)
        tau = (torch.gather(cums, -1, torch.clamp(k_z - 1, min=0)) - 1) / torch.clamp(k_z, min=1)
        return torch.clamp(z - tau, min=0)

    return _unary(lambda v: last_axis(v.movedim(ax, -1)).movedim(-1, ax))(x)


# --- one-hot encodings ------------------------------------------------------------------------


def _check_dense(sparse, name):
    if sparse:
        raise NotImplementedError(f"kc.ops.{name}: sparse=True is not available on the torch backend.")


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    _check_dense(sparse, "one_hot")
    x = convert_to_tensor(x)
    rules.check_int_dtype(x.dtype, "one_hot", "x")
    ax = rules.canonical_axis(axis, x.ndim + 1, "one_hot")
    hot = x.unsqueeze(-1) == torch.arange(num_classes, device=x.device)
    return hot.movedim(-1, ax).to(to_native_dtype(dtype or config.floatx()))


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes = rules.nn_multi_hot_classes(num_classes, kwargs)
    _check_dense(sparse, "multi_hot")
    x = convert_to_tensor(inputs).to(torch.int32)
    hot = one_hot(x, num_classes, axis=axis, dtype="bool")
    return torch.any(hot, dim=1 if x.ndim > 1 else 0).to(to_native_dtype(dtype or config.floatx()))


# --- losses ------------------------------------------------------------------------------------


def _clip_probs(p):
    eps = config.epsilon()
    return torch.clamp(p, eps, 1 - eps)


def binary_crossentropy(target, output, from_logits=False):
    output = _float_in(output)
    target = convert_to_tensor(target).to(output.dtype)
    rules.check_same_shape(tuple(target.shape), tuple(output.shape), "binary_crossentropy")
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    p = _clip_probs(output)
    return -(target * torch.log(p) + (1 - target) * torch.log(1 - p))


def _log_probs(output, from_logits, ax):
    if from_logits:
        return torch.log_softmax(output, dim=ax)
    return torch.log(_clip_probs(output / torch.sum(output, dim=ax, keepdim=True)))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float_in(output)
    target = convert_to_tensor(target).to(output.dtype)
    rules.check_same_shape(tuple(target.shape), tuple(output.shape), "categorical_crossentropy")
    if output.ndim < 1:
        raise ValueError("categorical_crossentropy: target and output must have rank >= 1, got scalars.")
    ax = rules.canonical_axis(axis, output.ndim, "categorical_crossentropy")
    return -torch.sum(target * _log_probs(output, from_logits, ax), dim=ax)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float_in(output)
    if output.ndim < 1:
        raise ValueError("sparse_categorical_crossentropy: output must have rank >= 1, got a scalar.")
    ax = rules.canonical_axis(axis, output.ndim, "sparse_categorical_crossentropy")
    target = convert_to_tensor(target)
    target = target.reshape(rules.nn_sparse_target_shape(tuple(target.shape), tuple(output.shape)))
    rest = tuple(output.shape[:ax] + output.shape[ax + 1:])
    rules.check_same_shape(tuple(target.shape), rest, "sparse_categorical_crossentropy",
                           ("target", "output without its class axis"))
    hot = one_hot(target.to(torch.int64), output.shape[ax], axis=ax, dtype=output.dtype)
    return -torch.sum(hot * _log_probs(output, from_logits, ax), dim=ax)


# --- statistics and normalization ----------------------------------------------------------------


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float_in(x)
    axes = rules.canonical_axes(axes, x.ndim, "moments")
    xc = x.float() if x.dtype in _HALF else x
    mean = torch.mean(xc, dim=axes, keepdim=True)
    var = torch.mean(torch.square(xc - mean), dim=axes, keepdim=True)
    if not keepdims:
        mean, var = mean.squeeze(axes) if axes else mean, var.squeeze(axes) if axes else var
    return mean.to(x.dtype), var.to(x.dtype)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _float_in(x)
    ax = rules.canonical_axis(axis, x.ndim, "batch_normalization")
    shape = [1] * x.ndim
    shape[ax] = x.shape[ax]

    def vec(v, name):
        v = convert_to_tensor(v).to(x.dtype)
        rules.check_same_shape(tuple(v.shape), (x.shape[ax],), "batch_normalization",
                               (name, f"x.shape[{axis}]"))
        return v.reshape(shape)

    inv = torch.rsqrt(vec(variance, "variance") + epsilon)
    if scale is not None:
        inv = inv * vec(scale, "scale")
    y = (x - vec(mean, "mean")) * inv
    if offset is not None:
        y = y + vec(offset, "offset")
    return y


def _stat_in(x):
    """Input of layer/rms normalization: computed in >= float32, returned in its own dtype."""
    x = convert_to_tensor(x)
    name = dtypes.standardize_dtype(x.dtype)
    return x.to(to_native_dtype(dtypes.result_type(name, "float32"))), x.dtype


def _param(v, x, axes):
    v = convert_to_tensor(v).to(x.dtype)
    if v.ndim not in (0, x.ndim):
        v = v.reshape([x.shape[i] if i in axes else 1 for i in range(x.ndim)])
    return v


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    rms_scaling = rules.nn_layer_norm_rms_scaling(kwargs)
    xc, out = _stat_in(x)
    axes = rules.canonical_axes(axis, xc.ndim, "layer_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    mean = torch.mean(xc, dim=axes, keepdim=True)
    var = torch.mean(torch.square(xc - mean), dim=axes, keepdim=True)
    y = (xc if rms_scaling else xc - mean) * torch.rsqrt(var + eps)
    if gamma is not None:
        y = y * _param(gamma, xc, axes)
    if beta is not None and not rms_scaling:
        y = y + _param(beta, xc, axes)
    return y.to(out)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    xc, out = _stat_in(x)
    axes = rules.canonical_axes(axis, xc.ndim, "rms_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    y = xc * torch.rsqrt(torch.mean(torch.square(xc), dim=axes, keepdim=True) + eps)
    if scale is not None:
        y = y * _param(scale, xc, axes)
    return y.to(out)


def normalize(x, axis=-1, order=2, epsilon=None):
    rules.nn_check_norm_order(order)
    x = _float_in(x)
    x = x.reshape(tuple(x.shape) or (1,))
    axes = rules.canonical_axes(axis, x.ndim, "normalize")
    eps = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = torch.rsqrt(torch.sum(torch.square(x), dim=axes, keepdim=True))
        return x * torch.clamp(inv, max=1 / eps)
    norm = torch.sum(x.abs() ** order, dim=axes, keepdim=True) ** (1 / order)
    return x / torch.clamp(norm, min=eps)


# --- complex, images -------------------------------------------------------------------------


def polar(abs_, angle):
    abs_, angle = convert_to_tensor(abs_), convert_to_tensor(angle)
    dtype = rules.nn_polar_dtype(abs_.dtype, angle.dtype)
    real = torch.float64 if dtype == "complex128" else torch.float32
    abs_, angle = torch.broadcast_tensors(abs_.to(real), angle.to(real))
    return torch.polar(abs_, angle)


def psnr(x1, x2, max_val):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    rules.check_same_shape(tuple(x1.shape), tuple(x2.shape), "psnr", ("x1", "x2"))
    out = rules.float_dtype(dtypes.result_type(x1.dtype, x2.dtype))
    a, b = _float_in(x1, out), _float_in(x2, out)
    mse = torch.mean(torch.square(a - b))
    return 20 * torch.log10(torch.tensor(max_val, dtype=a.dtype, device=a.device)) - 10 * torch.log10(mse)


# --- CTC -------------------------------------------------------------------------------------------


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output = convert_to_tensor(output)
    logits = _float_in(output, rules.nn_ctc_dtype(output.dtype))
    logp = torch.log_softmax(logits, dim=-1).transpose(0, 1)  # (T, B, C)
    target = convert_to_tensor(target).to(torch.int64)
    target_length = convert_to_tensor(target_length).to(torch.int64)
    output_length = convert_to_tensor(output_length).to(torch.int64)
    loss = F.ctc_loss(logp, target, output_length, target_length, blank=mask_index,
                      reduction="none", zero_infinity=False)
    impossible = output_length < _ctc_min_steps(target, target_length)
    return torch.where(impossible, torch.full_like(loss, math.inf), loss)


def _ctc_min_steps(target, target_length):
    """Shortest output that can emit the labels: one step each, plus a blank between repeats."""
    inside = torch.arange(1, target.shape[1], device=target.device) < target_length[:, None]
    return target_length + torch.sum((target[:, 1:] == target[:, :-1]) & inside, dim=1)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    rules.nn_check_ctc_strategy(strategy)
    inputs = convert_to_tensor(inputs)
    x = _float_in(inputs, rules.nn_ctc_dtype(inputs.dtype))
    lengths = convert_to_tensor(sequence_lengths).to(x.device)
    if mask_index is None:
        mask_index = x.shape[-1] - 1
    if strategy == "beam_search":
        blank = nn_ops.ctc_blank_index(mask_index, x.shape[-1])
        return _beam_search_decode(x, lengths, int(beam_width), int(top_paths), blank)
    t = x.shape[1]
    steps = torch.arange(t, device=x.device)
    valid = steps[None, :] < lengths[:, None]
    top, best = torch.max(x, dim=-1)
    best = torch.where(valid, best, torch.full_like(best, mask_index))
    scores = -torch.sum(torch.where(valid, top, torch.zeros_like(top)), dim=1, keepdim=True)
    keep = best != mask_index
    if merge_repeated:
        first = torch.ones_like(best[:, :1], dtype=torch.bool)
        keep &= torch.cat([first, best[:, 1:] != best[:, :-1]], dim=1)
    order = torch.sort(torch.where(keep, steps, torch.full_like(steps, t)), dim=1, stable=True).indices
    paths = torch.gather(torch.where(keep, best, torch.full_like(best, -1)), 1, order)
    return paths[None].to(torch.int32), scores


def _beam_search_decode(x, lengths, beam_width, top_paths, blank):
    """CTC prefix beam search with a fixed-size beam per batch row, in batched torch ops.

    Each beam holds a label prefix (padded with -1), its length and two log-probabilities:
    the prefix's alignments ending in a blank and ending in a label. A step scores every beam
    kept as is (in the blank's column) and every beam extended by each label, merges an
    extension into the beam that already holds that prefix, and keeps the ``beam_width`` best.
    Rows stop moving once ``t >= sequence_lengths``.
    """
    b, t, c = x.shape
    w, dev = beam_width, x.device
    neg = torch.tensor(-math.inf, dtype=x.dtype, device=dev)
    classes, steps, rows = (torch.arange(n, device=dev) for n in (c, t, b))
    prefix = torch.full((b, w, t), -1, dtype=torch.int64, device=dev)
    size = torch.zeros((b, w), dtype=torch.int64, device=dev)
    pb = torch.where(torch.arange(w, device=dev) == 0, 0.0, neg).expand(b, w)
    pnb = neg.expand(b, w)
    logp = torch.log_softmax(x, dim=-1)
    lengths = lengths.to(torch.int64)
    for now in range(min(t, int(lengths.max())) if b else 0):
        lp = logp[:, now]
        total = torch.logaddexp(pb, pnb)
        live = total > -math.inf
        last = torch.gather(prefix, 2, (size - 1).clamp(min=0)[..., None])[..., 0]
        last = torch.where(size > 0, last, -1)
        grow = torch.where(classes == last[..., None], pb[..., None], total[..., None]) + lp[:, None, :]
        grow = torch.where(classes == blank, neg, grow).reshape(b, w * c)
        stay_b = total + lp[:, blank, None]
        stay_nb = pnb + torch.where(size > 0, torch.gather(lp, 1, last.clamp(min=0)), neg)
        # beam j whose prefix is beam i's plus last_j absorbs the extension (i, last_j)
        cut = torch.where(steps == (size - 1)[..., None], -1, prefix)[..., :now + 1]
        parent_of = torch.all(prefix[:, :, None, :now + 1] == cut[:, None], dim=-1)
        parent_of &= live[:, :, None] & (live & (size > 0))[:, None, :]
        found = parent_of.any(dim=1)
        parent = torch.sum(parent_of * torch.arange(w, device=dev)[:, None], dim=1)  # at most one match
        grow = torch.cat([grow, neg.expand(b, 1)], dim=1)  # a last column for beams without a parent
        slot = torch.where(found, parent * c + last, w * c)
        stay_nb = torch.logaddexp(stay_nb, torch.gather(grow, 1, slot))
        grow = grow.scatter(1, slot, neg.expand(b, w))[:, :-1].reshape(b, w, c)
        cand_b = torch.where(classes == blank, stay_b[..., None], neg).reshape(b, w * c)
        cand_nb = torch.where(classes == blank, stay_nb[..., None], grow).reshape(b, w * c)
        top = torch.topk(torch.logaddexp(cand_b, cand_nb), w, dim=1, sorted=True).indices
        src, label = top // c, top % c
        new_size = torch.gather(size, 1, src)
        new_prefix = torch.gather(prefix, 1, src[..., None].expand(b, w, t))
        extended = (label != blank)[..., None] & (steps == new_size[..., None])
        running = (now < lengths)[:, None]
        prefix = torch.where(running[..., None], torch.where(extended, label[..., None], new_prefix), prefix)
        size = torch.where(running, new_size + (label != blank), size)
        pb = torch.where(running, torch.gather(cand_b, 1, top), pb)
        pnb = torch.where(running, torch.gather(cand_nb, 1, top), pnb)
    scores, order = torch.topk(torch.logaddexp(pb, pnb), min(top_paths, w), dim=1, sorted=True)
    paths = torch.gather(prefix, 1, order[..., None].expand(-1, -1, t))
    paths = torch.where((scores > -math.inf)[..., None], paths, -1)
    if top_paths > w:
        paths = F.pad(paths, (0, 0, 0, top_paths - w), value=-1)
        scores = F.pad(scores, (0, top_paths - w), value=-math.inf)
    return paths.transpose(0, 1).to(torch.int32), scores
