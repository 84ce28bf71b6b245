"""Neural-network ops of the NumPy backend (activations, softmax, losses, normalization, CTC).

Half-precision inputs are computed in float32 and cast back.
"""

from __future__ import annotations

import math

import numpy as np

from kc import config, dtypes
from kc.backend.common.numpy_like.nn import param_broadcaster
from kc.backend.numpy.core import convert_to_tensor, to_native_dtype
from kc.backend.common import nn_ops
from kc.ops import _rules as rules

_HALF = ("float16", "bfloat16")
_NEG = -1e30  # log(0) for the CTC recursions, finite so that no NaN appears


def _float_in(x, dtype: str | None = None):
    """``x`` as an array to compute with, and the dtype of the result."""
    x = convert_to_tensor(x)
    out = dtype or rules.float_dtype(x.dtype)
    return x.astype("float32" if out in _HALF else to_native_dtype(out)), out


def _out(y, dtype: str):
    return np.asarray(y).astype(to_native_dtype(dtype), copy=False)


def _unary(fn):
    """Lift a float formula ``fn(x, **kw)`` into an op with kc's activation dtype rule."""

    def op(x, *args, **kwargs):
        xc, out = _float_in(x)
        return _out(fn(xc, *args, **kwargs), out)

    op.__name__ = fn.__name__
    return op


def _int_keeping(fn):
    """Like `_unary`, but integer inputs are computed and returned in their own dtype."""

    def op(x, *args, **kwargs):
        x = convert_to_tensor(x)
        if dtypes.is_int_dtype(x.dtype) and x.dtype != np.bool_:
            return fn(x, *args, **kwargs).astype(x.dtype, copy=False)
        xc, out = _float_in(x)
        return _out(fn(xc, *args, **kwargs), out)

    op.__name__ = fn.__name__
    return op


def _sigmoid(x):
    return np.exp(-np.logaddexp(0, -x)).astype(x.dtype)


def _softplus(x):
    return np.logaddexp(x, 0).astype(x.dtype)


# --- activations ------------------------------------------------------------------------

def _bounded(x, lo, hi):
    """clip(x, lo, hi) in x's dtype; a bound an integer dtype cannot hold is skipped (unsigned)."""
    info = np.iinfo(x.dtype) if x.dtype.kind in "iu" else None
    if lo is not None and (info is None or info.min <= lo):
        x = np.maximum(x, np.asarray(lo, x.dtype))
    if hi is not None:
        x = np.minimum(x, np.asarray(hi, x.dtype))
    return x


relu = _int_keeping(lambda x: _bounded(x, 0, None))
relu.native = lambda x: np.maximum(x, 0)  # float inputs: same dtype, no conversions
relu.native_dtypes = (np.dtype("float32"), np.dtype("float64"))
relu6 = _int_keeping(lambda x: _bounded(x, 0, 6))
hard_tanh = _int_keeping(lambda x: _bounded(x, -1, 1))
sigmoid = _unary(_sigmoid)
sparse_sigmoid = _unary(lambda x: np.clip((x + 1) / 2, 0, 1))
softplus = _unary(_softplus)
softsign = _unary(lambda x: x / (1 + np.abs(x)))
silu = _unary(lambda x: x * _sigmoid(x))
swish = silu
log_sigmoid = _unary(lambda x: -_softplus(-x))
leaky_relu = _unary(lambda x, negative_slope=0.2: np.where(x >= 0, x, negative_slope * x))
hard_sigmoid = _unary(lambda x: np.clip(x / 6 + 0.5, 0, 1))
hard_silu = _unary(lambda x: x * np.clip(x / 6 + 0.5, 0, 1))
hard_swish = hard_silu
elu = _unary(lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))))
tanh_shrink = _unary(lambda x: x - np.tanh(x))
squareplus = _unary(lambda x, b=4: (x + np.sqrt(x * x + b)) / 2)
sparse_plus = _unary(lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)))
hard_shrink = _unary(lambda x, threshold=0.5: np.where(np.abs(x) > threshold, x, 0))
soft_shrink = _unary(
    lambda x, threshold=0.5: np.where(x > threshold, x - threshold,
                                      np.where(x < -threshold, x + threshold, 0)))

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@_unary
def selu(x):
    return _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(np.minimum(x, 0)))


@_unary
def gelu(x, approximate=True):
    if approximate:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)
        return 0.5 * x * (1 + np.tanh(inner))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _erf(x):
    erf = np.frompyfunc(math.erf, 1, 1)
    return erf(x).astype(x.dtype)


@_unary
def celu(x, alpha=1.0):
    return np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0) / alpha)


def glu(x, axis=-1):
    xc, out = _float_in(x)
    ax = rules.canonical_axis(axis, xc.ndim, "glu")
    if xc.shape[ax] % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even, got shape {xc.shape}.")
    a, b = np.split(xc, 2, axis=ax)
    return _out(a * _sigmoid(b), out)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    if x.dtype == np.bool_:
        x = x.astype(to_native_dtype(config.floatx()))
    return np.where(x > threshold, x, np.asarray(default_value).astype(x.dtype))


# --- softmax family -------------------------------------------------------------------------


def _axes(x, axis, name):
    return rules.canonical_axes(axis, x.ndim, name)


def softmax(x, axis=-1):
    xc, out = _float_in(x)
    axes = _axes(xc, axis, "softmax")
    e = np.exp(xc - np.max(xc, axis=axes, keepdims=True))
    return _out(e / np.sum(e, axis=axes, keepdims=True), out)


def _log_softmax(x, axes):
    shifted = x - np.max(x, axis=axes, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axes, keepdims=True))


def log_softmax(x, axis=-1):
    xc, out = _float_in(x)
    return _out(_log_softmax(xc, _axes(xc, axis, "log_softmax")), out)


def sparsemax(x, axis=-1):
    xc, out = _float_in(x)
    ax = rules.canonical_axis(axis, xc.ndim, "sparsemax")
    z = np.moveaxis(xc, ax, -1)
    zs = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cums = np.cumsum(zs, axis=-1)
    support = 1 + k * zs > cums
    k_z = np.sum(support, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cums, np.maximum(k_z - 1, 0), axis=-1) - 1) / np.maximum(k_z, 1)
    return _out(np.moveaxis(np.maximum(z - tau, 0), -1, ax), out)


# --- one-hot encodings ------------------------------------------------------------------------


def _check_dense(sparse, name):
    if sparse:
        raise NotImplementedError(f"kc.ops.{name}: sparse=True is not available on the numpy backend.")


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    _check_dense(sparse, "one_hot")
    x = convert_to_tensor(x)
    rules.check_int_dtype(x.dtype, "one_hot", "x")
    ax = rules.canonical_axis(axis, x.ndim + 1, "one_hot")
    hot = x[..., None] == np.arange(num_classes)
    return np.moveaxis(hot, -1, ax).astype(to_native_dtype(dtype or config.floatx()))


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes = rules.nn_multi_hot_classes(num_classes, kwargs)
    _check_dense(sparse, "multi_hot")
    x = convert_to_tensor(inputs).astype(np.int32)
    hot = one_hot(x, num_classes, axis=axis, dtype="bool")
    return np.any(hot, axis=1 if x.ndim > 1 else 0).astype(to_native_dtype(dtype or config.floatx()))


# --- losses ------------------------------------------------------------------------------------


def _clip_probs(p):
    eps = config.epsilon()
    return np.clip(p, eps, 1 - eps)


def binary_crossentropy(target, output, from_logits=False):
    output, out = _float_in(output)
    target = convert_to_tensor(target).astype(output.dtype)
    rules.check_same_shape(target.shape, output.shape, "binary_crossentropy")
    if from_logits:
        loss = np.maximum(output, 0) - output * target + np.log1p(np.exp(-np.abs(output)))
    else:
        p = _clip_probs(output)
        loss = -(target * np.log(p) + (1 - target) * np.log(1 - p))
    return _out(loss, out)


def _log_probs(output, from_logits, ax):
    if from_logits:
        return _log_softmax(output, (ax,))
    return np.log(_clip_probs(output / np.sum(output, axis=ax, keepdims=True)))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output, out = _float_in(output)
    target = convert_to_tensor(target).astype(output.dtype)
    rules.check_same_shape(target.shape, output.shape, "categorical_crossentropy")
    if output.ndim < 1:
        raise ValueError("categorical_crossentropy: target and output must have rank >= 1, got scalars.")
    ax = rules.canonical_axis(axis, output.ndim, "categorical_crossentropy")
    return _out(-np.sum(target * _log_probs(output, from_logits, ax), axis=ax), out)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output, out = _float_in(output)
    if output.ndim < 1:
        raise ValueError("sparse_categorical_crossentropy: output must have rank >= 1, got a scalar.")
    ax = rules.canonical_axis(axis, output.ndim, "sparse_categorical_crossentropy")
    target = convert_to_tensor(target)
    target = target.reshape(rules.nn_sparse_target_shape(target.shape, output.shape)).astype(np.int32)
    rest = output.shape[:ax] + output.shape[ax + 1:]
    rules.check_same_shape(target.shape, rest, "sparse_categorical_crossentropy",
                           ("target", "output without its class axis"))
    hot = one_hot(target, output.shape[ax], axis=ax, dtype=str(output.dtype))
    return _out(-np.sum(hot * _log_probs(output, from_logits, ax), axis=ax), out)


# --- statistics and normalization ----------------------------------------------------------------


def moments(x, axes, keepdims=False, synchronized=False):
    xc, out = _float_in(x)
    axes = rules.canonical_axes(axes, xc.ndim, "moments")
    mean = np.mean(xc, axis=axes, keepdims=True)
    var = np.mean(np.square(xc - mean), axis=axes, keepdims=True)
    if not keepdims:
        mean, var = np.squeeze(mean, axes), np.squeeze(var, axes)
    return _out(mean, out), _out(var, out)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    xc, out = _float_in(x)
    ax = rules.canonical_axis(axis, xc.ndim, "batch_normalization")
    shape = [1] * xc.ndim
    shape[ax] = xc.shape[ax]

    def vec(v, name):
        v = convert_to_tensor(v).astype(xc.dtype)
        rules.check_same_shape(v.shape, (xc.shape[ax],), "batch_normalization", (name, f"x.shape[{axis}]"))
        return v.reshape(shape)

    inv = 1 / np.sqrt(vec(variance, "variance") + epsilon)
    if scale is not None:
        inv = inv * vec(scale, "scale")
    y = (xc - vec(mean, "mean")) * inv
    if offset is not None:
        y = y + vec(offset, "offset")
    return _out(y, out)


def _stat_in(x):
    """Input of layer/rms normalization: computed in >= float32, returned in its own dtype."""
    x = convert_to_tensor(x)
    name = dtypes.standardize_dtype(x.dtype)
    return x.astype(to_native_dtype(dtypes.result_type(name, "float32"))), name


_param = param_broadcaster(convert_to_tensor)  # shared with JAX: common/numpy_like/nn.py


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    rms_scaling = rules.nn_layer_norm_rms_scaling(kwargs)
    xc, out = _stat_in(x)
    axes = rules.canonical_axes(axis, xc.ndim, "layer_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    var = np.var(xc, axis=axes, keepdims=True)
    centered = xc if rms_scaling else xc - np.mean(xc, axis=axes, keepdims=True)
    y = centered / np.sqrt(var + eps)
    if gamma is not None:
        y = y * _param(gamma, xc, axes)
    if beta is not None and not rms_scaling:
        y = y + _param(beta, xc, axes)
    return _out(y, out)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    xc, out = _stat_in(x)
    axes = rules.canonical_axes(axis, xc.ndim, "rms_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    y = xc / np.sqrt(np.mean(np.square(xc), axis=axes, keepdims=True) + eps)
    if scale is not None:
        y = y * _param(scale, xc, axes)
    return _out(y, out)


def normalize(x, axis=-1, order=2, epsilon=None):
    rules.nn_check_norm_order(order)
    xc, out = _float_in(x)
    xc = xc.reshape(xc.shape or (1,))
    axes = rules.canonical_axes(axis, xc.ndim, "normalize")
    eps = config.epsilon() if epsilon is None else epsilon
    norm = np.sum(np.abs(xc) ** order, axis=axes, keepdims=True) ** (1 / order)
    return _out(xc / np.maximum(norm, eps), out)


# --- complex, images -------------------------------------------------------------------------


def polar(abs_, angle):
    abs_, angle = convert_to_tensor(abs_), convert_to_tensor(angle)
    dtype = rules.nn_polar_dtype(abs_.dtype, angle.dtype)
    real = "float64" if dtype == "complex128" else "float32"
    r, a = abs_.astype(real), angle.astype(real)
    return (r * np.cos(a) + 1j * (r * np.sin(a))).astype(dtype)


def psnr(x1, x2, max_val):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    rules.check_same_shape(x1.shape, x2.shape, "psnr", ("x1", "x2"))
    out = rules.float_dtype(dtypes.result_type(x1.dtype, x2.dtype))
    a, _ = _float_in(x1, out)
    b, _ = _float_in(x2, out)
    mse = np.mean(np.square(a - b))
    return _out(20 * np.log10(np.asarray(max_val, a.dtype)) - 10 * np.log10(mse), out)


# --- CTC -------------------------------------------------------------------------------------------


def _logsumexp3(a, b, c):
    m = np.maximum(np.maximum(a, b), c)
    return m + np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m))


def _ctc_extended(target, mask_index):
    """Blank-interleaved labels ``(B, 2L+1)`` and where a skip over a blank is allowed."""
    b, n = target.shape
    ext = np.full((b, 2 * n + 1), mask_index, dtype=target.dtype)
    ext[:, 1::2] = target
    prev2 = np.concatenate([np.full((b, 2), mask_index, target.dtype), ext[:, :-2]], axis=1)
    skip = (ext != mask_index) & (ext != prev2)
    return ext, skip


def _shift(a, k):
    return np.concatenate([np.full(a.shape[:-1] + (k,), _NEG, a.dtype), a[..., :-k]], axis=-1)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    out = rules.nn_ctc_dtype(convert_to_tensor(output).dtype)
    logits, _ = _float_in(output, out)
    target = convert_to_tensor(target).astype(np.int32)
    target_length = convert_to_tensor(target_length).astype(np.int32)
    output_length = convert_to_tensor(output_length).astype(np.int32)
    logp = _log_softmax(logits, (2,))
    ext, skip = _ctc_extended(target, mask_index)
    emit = np.take_along_axis(logp, np.broadcast_to(ext[:, None, :], logp.shape[:2] + ext.shape[1:]), axis=2)
    s = ext.shape[1]
    alpha = np.where(np.arange(s) < 2, emit[:, 0], _NEG).astype(logp.dtype)
    for t in range(1, logp.shape[1]):
        nxt = _logsumexp3(alpha, _shift(alpha, 1), np.where(skip, _shift(alpha, 2), _NEG)) + emit[:, t]
        alpha = np.where((t < output_length)[:, None], nxt, alpha)
    end = 2 * target_length
    last = np.take_along_axis(alpha, end[:, None], axis=1)[:, 0]
    before = np.take_along_axis(alpha, np.maximum(end - 1, 0)[:, None], axis=1)[:, 0]
    before = np.where(target_length > 0, before, _NEG)
    loss = np.where(output_length < _ctc_min_steps(target, target_length), np.inf, -np.logaddexp(last, before))
    return _out(loss, out)


def _ctc_min_steps(target, target_length):
    """Shortest output that can emit the labels: one step each, plus a blank between repeats."""
    inside = np.arange(1, target.shape[1]) < target_length[:, None]
    return target_length + np.sum((target[:, 1:] == target[:, :-1]) & inside, axis=1)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    rules.nn_check_ctc_strategy(strategy)
    out = rules.nn_ctc_dtype(convert_to_tensor(inputs).dtype)
    x, _ = _float_in(inputs, out)
    lengths = convert_to_tensor(sequence_lengths).astype(np.int32)
    mask_index = nn_ops.ctc_blank_index(mask_index, x.shape[-1])
    if strategy == "greedy":
        paths, scores = _greedy_decode(x, lengths, merge_repeated, mask_index)
    else:
        paths, scores = _beam_search_decode(_log_softmax(x, (2,)), lengths, beam_width, top_paths, mask_index)
    return paths, _out(scores, out)


def _greedy_decode(x, lengths, merge_repeated, mask_index):
    t = x.shape[1]
    valid = np.arange(t)[None, :] < lengths[:, None]
    best = np.where(valid, np.argmax(x, axis=-1), mask_index).astype(np.int32)
    scores = -np.sum(np.where(valid, np.max(x, axis=-1), 0), axis=1, keepdims=True)
    keep = best != mask_index
    if merge_repeated:
        keep &= np.concatenate([np.ones_like(best[:, :1], bool), best[:, 1:] != best[:, :-1]], axis=1)
    order = np.argsort(np.where(keep, np.arange(t), t), axis=1, kind="stable")
    paths = np.take_along_axis(np.where(keep, best, -1), order, axis=1)
    return paths[None].astype(np.int32), scores


def _beam_search_decode(logp, lengths, beam_width, top_paths, mask_index):
    b, t, _ = logp.shape
    paths = np.full((top_paths, b, t), -1, np.int32)
    scores = np.full((b, top_paths), -np.inf, logp.dtype)
    for i in range(b):
        beams = _prefix_beam_search(logp[i, :lengths[i]], beam_width, mask_index)
        for k, (prefix, score) in enumerate(beams[:top_paths]):
            paths[k, i, :len(prefix)] = prefix
            scores[i, k] = score
    return paths, scores


def _prefix_beam_search(logp, beam_width, blank):
    """CTC prefix beam search on one sequence; returns [(prefix, log-probability)] best first."""
    beams = {(): (0.0, -np.inf)}  # prefix -> (log P(ends in blank), log P(ends in a label))
    for step in logp:
        nxt = {}

        def add(prefix, pb=-np.inf, pnb=-np.inf):
            ob, onb = nxt.get(prefix, (-np.inf, -np.inf))
            nxt[prefix] = (np.logaddexp(ob, pb), np.logaddexp(onb, pnb))

        for prefix, (pb, pnb) in beams.items():
            total = np.logaddexp(pb, pnb)
            for c, lp in enumerate(step):
                lp = float(lp)
                if c == blank:
                    add(prefix, pb=total + lp)
                elif prefix and prefix[-1] == c:
                    add(prefix, pnb=pnb + lp)  # repeat without a blank between: same prefix
                    add(prefix + (c,), pnb=pb + lp)
                else:
                    add(prefix + (c,), pnb=total + lp)
        ranked = sorted(nxt.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        beams = dict(ranked[:beam_width])
    return [(list(p), float(np.logaddexp(*v))) for p, v in
            sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))]
