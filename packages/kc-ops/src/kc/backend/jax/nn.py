"""Neural-network ops of the JAX backend (activations, softmax, losses, normalization, CTC)."""

from __future__ import annotations

import functools
import inspect

import jax
import jax.numpy as jnp
from jax import lax

from kc import config, dtypes
from kc.backend.common import nn_ops
from kc.backend.common.numpy_like.nn import param_broadcaster
from kc.backend.jax.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules

_NEG = -1e30  # log(0) for the CTC recursion, finite so that gradients stay NaN-free


def _float_in(x, dtype: str | None = None):
    """``x`` as a float array of the result dtype (ints and bools: floatx)."""
    x = convert_to_tensor(x)
    return x.astype(to_native_dtype(dtype or rules.float_dtype(x.dtype)))


def _jit(fn):
    """jax.jit with every parameter after ``x`` static (one XLA compile instead of one per primitive)."""
    names = tuple(inspect.signature(fn).parameters)[1:]
    return jax.jit(fn, static_argnames=names)


def _unary(fn):
    """Lift a float formula ``fn(x, **kw)`` into an op with kc's activation dtype rule."""
    compiled = _jit(fn)

    def op(x, *args, **kwargs):
        x = _float_in(x)
        return compiled(x, *args, **kwargs).astype(x.dtype)

    op.__name__ = fn.__name__
    return op


def _int_keeping(fn):
    """Like `_unary`, but integer inputs are computed and returned in their own dtype."""
    compiled = _jit(fn)

    def op(x, *args, **kwargs):
        x = convert_to_tensor(x)
        if x.dtype == jnp.bool_:
            x = _float_in(x)
        return compiled(x, *args, **kwargs).astype(x.dtype)

    op.__name__ = fn.__name__
    return op


# --- activations ------------------------------------------------------------------------

def _bounded(x, lo, hi):
    """clip(x, lo, hi) in x's dtype; a bound an integer dtype cannot hold is skipped (unsigned)."""
    info = jnp.iinfo(x.dtype) if jnp.issubdtype(x.dtype, jnp.integer) else None
    if lo is not None and (info is None or info.min <= lo):
        x = jnp.maximum(x, jnp.asarray(lo, x.dtype))
    if hi is not None:
        x = jnp.minimum(x, jnp.asarray(hi, x.dtype))
    return x


relu = _int_keeping(lambda x: _bounded(x, 0, None))
relu.native = jax.jit(jax.nn.relu)  # jitted: an eager custom_jvp call costs ~15x more
relu.native_dtypes = (jnp.dtype("float32"), jnp.dtype("float64"), jnp.dtype("float16"), jnp.dtype("bfloat16"))
relu6 = _int_keeping(lambda x: _bounded(x, 0, 6))
hard_tanh = _int_keeping(lambda x: _bounded(x, -1, 1))
sigmoid = _unary(jax.nn.sigmoid)
sparse_sigmoid = _unary(lambda x: jnp.clip((x + 1) / 2, 0, 1))
softplus = _unary(jax.nn.softplus)
softsign = _unary(lambda x: x / (1 + jnp.abs(x)))
silu = _unary(lambda x: x * jax.nn.sigmoid(x))
swish = silu
log_sigmoid = _unary(jax.nn.log_sigmoid)
leaky_relu = _unary(lambda x, negative_slope=0.2: jnp.where(x >= 0, x, negative_slope * x))
hard_sigmoid = _unary(lambda x: jnp.clip(x / 6 + 0.5, 0, 1))
hard_silu = _unary(lambda x: x * jnp.clip(x / 6 + 0.5, 0, 1))
hard_swish = hard_silu
elu = _unary(lambda x, alpha=1.0: jnp.where(x > 0, x, alpha * jnp.expm1(jnp.minimum(x, 0))))
tanh_shrink = _unary(lambda x: x - jnp.tanh(x))
squareplus = _unary(lambda x, b=4: (x + jnp.sqrt(x * x + b)) / 2)
sparse_plus = _unary(lambda x: jnp.where(x <= -1, 0, jnp.where(x >= 1, x, (x + 1) ** 2 / 4)))
hard_shrink = _unary(lambda x, threshold=0.5: jnp.where(jnp.abs(x) > threshold, x, 0))
soft_shrink = _unary(
    lambda x, threshold=0.5: jnp.where(x > threshold, x - threshold,
                                       jnp.where(x < -threshold, x + threshold, 0)))
selu = _unary(jax.nn.selu)
gelu = _unary(lambda x, approximate=True: jax.nn.gelu(x, approximate=approximate))
celu = _unary(lambda x, alpha=1.0: jnp.maximum(x, 0) + alpha * jnp.expm1(jnp.minimum(x, 0) / alpha))


def glu(x, axis=-1):
    x = _float_in(x)
    ax = rules.canonical_axis(axis, x.ndim, "glu")
    if x.shape[ax] % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even, got shape {x.shape}.")
    a, b = jnp.split(x, 2, axis=ax)
    return a * jax.nn.sigmoid(b)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    if x.dtype == jnp.bool_:
        x = _float_in(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value).astype(x.dtype))


# --- softmax family -------------------------------------------------------------------------


def softmax(x, axis=-1):
    x = _float_in(x)
    return jax.nn.softmax(x, axis=rules.canonical_axes(axis, x.ndim, "softmax"))


def log_softmax(x, axis=-1):
    x = _float_in(x)
    return jax.nn.log_softmax(x, axis=rules.canonical_axes(axis, x.ndim, "log_softmax"))


def sparsemax(x, axis=-1):
    x = _float_in(x)
    return _sparsemax(x, rules.canonical_axis(axis, x.ndim, "sparsemax"))


@functools.partial(jax.jit, static_argnames="ax")
def _sparsemax(x, ax):
    z = jnp.moveaxis(x, ax, -1)
    zs = -jnp.sort(-z, axis=-1)
    k = jnp.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cums = jnp.cumsum(zs, axis=-1)
    k_z = jnp.sum(1 + k * zs > cums, axis=-1, keepdims=True)
    tau = (jnp.take_along_axis(cums, jnp.maximum(k_z - 1, 0), axis=-1) - 1) / jnp.maximum(k_z, 1)
    return jnp.moveaxis(jnp.maximum(z - tau.astype(z.dtype), 0), -1, ax)


# --- one-hot encodings ------------------------------------------------------------------------


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(x)
    rules.check_int_dtype(x.dtype, "one_hot", "x")
    ax = rules.canonical_axis(axis, x.ndim + 1, "one_hot")
    hot = jnp.moveaxis(x[..., None] == jnp.arange(num_classes), -1, ax)
    return _maybe_sparse(hot.astype(to_native_dtype(dtype or config.floatx())), sparse)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes = rules.nn_multi_hot_classes(num_classes, kwargs)
    x = convert_to_tensor(inputs).astype(jnp.int32)
    hot = one_hot(x, num_classes, axis=axis, dtype="bool")
    out = jnp.any(hot, axis=1 if x.ndim > 1 else 0).astype(to_native_dtype(dtype or config.floatx()))
    return _maybe_sparse(out, sparse)


def _maybe_sparse(x, sparse):
    if not sparse:
        return x
    from jax.experimental import sparse as jax_sparse

    return jax_sparse.BCOO.fromdense(x)


# --- losses ------------------------------------------------------------------------------------


def _clip_probs(p):
    eps = config.epsilon()
    return jnp.clip(p, eps, 1 - eps)


def binary_crossentropy(target, output, from_logits=False):
    output = _float_in(output)
    target = convert_to_tensor(target).astype(output.dtype)
    rules.check_same_shape(target.shape, output.shape, "binary_crossentropy")
    if from_logits:
        return jnp.maximum(output, 0) - output * target + jnp.log1p(jnp.exp(-jnp.abs(output)))
    p = _clip_probs(output)
    return -(target * jnp.log(p) + (1 - target) * jnp.log(1 - p))


def _log_probs(output, from_logits, ax):
    if from_logits:
        return jax.nn.log_softmax(output, axis=ax)
    return jnp.log(_clip_probs(output / jnp.sum(output, axis=ax, keepdims=True)))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float_in(output)
    target = convert_to_tensor(target).astype(output.dtype)
    rules.check_same_shape(target.shape, output.shape, "categorical_crossentropy")
    if output.ndim < 1:
        raise ValueError("categorical_crossentropy: target and output must have rank >= 1, got scalars.")
    ax = rules.canonical_axis(axis, output.ndim, "categorical_crossentropy")
    return -jnp.sum(target * _log_probs(output, from_logits, ax), axis=ax)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float_in(output)
    if output.ndim < 1:
        raise ValueError("sparse_categorical_crossentropy: output must have rank >= 1, got a scalar.")
    ax = rules.canonical_axis(axis, output.ndim, "sparse_categorical_crossentropy")
    target = convert_to_tensor(target)
    target = target.reshape(rules.nn_sparse_target_shape(target.shape, output.shape)).astype(jnp.int32)
    rest = output.shape[:ax] + output.shape[ax + 1:]
    rules.check_same_shape(target.shape, rest, "sparse_categorical_crossentropy",
                           ("target", "output without its class axis"))
    hot = one_hot(target, output.shape[ax], axis=ax, dtype=output.dtype)
    return -jnp.sum(hot * _log_probs(output, from_logits, ax), axis=ax)


# --- statistics and normalization ----------------------------------------------------------------


def _compute_dtype(x):
    """Half floats are reduced in float32."""
    return jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float_in(x)
    axes = rules.canonical_axes(axes, x.ndim, "moments")
    xc = x.astype(_compute_dtype(x))
    mean = jnp.mean(xc, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(xc - mean), axis=axes, keepdims=True)
    if not keepdims:
        mean, var = jnp.squeeze(mean, axes), jnp.squeeze(var, axes)
    return mean.astype(x.dtype), var.astype(x.dtype)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _float_in(x)
    ax = rules.canonical_axis(axis, x.ndim, "batch_normalization")
    shape = [1] * x.ndim
    shape[ax] = x.shape[ax]

    def vec(v, name):
        v = convert_to_tensor(v).astype(x.dtype)
        rules.check_same_shape(v.shape, (x.shape[ax],), "batch_normalization", (name, f"x.shape[{axis}]"))
        return v.reshape(shape)

    inv = lax.rsqrt(vec(variance, "variance") + epsilon)
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
    return x.astype(to_native_dtype(dtypes.result_type(name, "float32"))), to_native_dtype(name)


_param = param_broadcaster(convert_to_tensor)  # shared with NumPy: common/numpy_like/nn.py


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    rms_scaling = rules.nn_layer_norm_rms_scaling(kwargs)
    xc, out = _stat_in(x)
    axes = rules.canonical_axes(axis, xc.ndim, "layer_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    mean = jnp.mean(xc, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(xc - mean), axis=axes, keepdims=True)
    y = (xc if rms_scaling else xc - mean) * lax.rsqrt(var + eps)
    if gamma is not None:
        y = y * _param(gamma, xc, axes)
    if beta is not None and not rms_scaling:
        y = y + _param(beta, xc, axes)
    return y.astype(out)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    xc, out = _stat_in(x)
    axes = rules.canonical_axes(axis, xc.ndim, "rms_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    y = xc * lax.rsqrt(jnp.mean(jnp.square(xc), axis=axes, keepdims=True) + eps)
    if scale is not None:
        y = y * _param(scale, xc, axes)
    return y.astype(out)


def normalize(x, axis=-1, order=2, epsilon=None):
    rules.nn_check_norm_order(order)
    x = _float_in(x)
    x = x.reshape(x.shape or (1,))
    axes = rules.canonical_axes(axis, x.ndim, "normalize")
    eps = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = lax.rsqrt(jnp.sum(jnp.square(x), axis=axes, keepdims=True))
        return x * jnp.minimum(inv, 1 / eps).astype(x.dtype)
    norm = jnp.sum(jnp.abs(x) ** order, axis=axes, keepdims=True) ** (1 / order)
    return x / jnp.maximum(norm, eps).astype(x.dtype)


# --- complex, images -------------------------------------------------------------------------


def polar(abs_, angle):
    abs_, angle = convert_to_tensor(abs_), convert_to_tensor(angle)
    dtype = to_native_dtype(rules.nn_polar_dtype(abs_.dtype, angle.dtype))
    real = jnp.float64 if dtype == jnp.complex128 else jnp.float32
    r, a = abs_.astype(real), angle.astype(real)
    return lax.complex(r * jnp.cos(a), r * jnp.sin(a)).astype(dtype)


def psnr(x1, x2, max_val):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    rules.check_same_shape(x1.shape, x2.shape, "psnr", ("x1", "x2"))
    out = rules.float_dtype(dtypes.result_type(x1.dtype, x2.dtype))
    a, b = _float_in(x1, out), _float_in(x2, out)
    mse = jnp.mean(jnp.square(a - b))
    return (20 * jnp.log10(jnp.asarray(max_val, a.dtype)) - 10 * jnp.log10(mse)).astype(a.dtype)


# --- CTC -------------------------------------------------------------------------------------------


def _shift(a, k):
    pad = jnp.full(a.shape[:-1] + (k,), _NEG, a.dtype)
    return jnp.concatenate([pad, a[..., :-k]], axis=-1)


def _ctc_extended(target, mask_index):
    """Blank-interleaved labels ``(B, 2L+1)`` and where a skip over a blank is allowed."""
    b, n = target.shape
    blank = jnp.full((b, n), mask_index, target.dtype)
    ext = jnp.concatenate([jnp.stack([blank, target], axis=-1).reshape(b, 2 * n),
                           blank[:, :1]], axis=1)
    prev2 = jnp.concatenate([jnp.full((b, 2), mask_index, target.dtype), ext[:, :-2]], axis=1)
    return ext, (ext != mask_index) & (ext != prev2)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output = convert_to_tensor(output)
    logits = _float_in(output, rules.nn_ctc_dtype(output.dtype))
    ints = [convert_to_tensor(v).astype(jnp.int32) for v in (target, target_length, output_length)]
    return _ctc_loss(logits, *ints, mask_index=mask_index)


@functools.partial(jax.jit, static_argnames="mask_index")
def _ctc_loss(logits, target, target_length, output_length, mask_index):
    """Forward (alpha) recursion over the blank-interleaved labels, in log space."""
    logp = jax.nn.log_softmax(logits, axis=-1)
    ext, skip = _ctc_extended(target, mask_index)
    emit = jnp.take_along_axis(logp, jnp.broadcast_to(ext[:, None, :], logp.shape[:2] + ext.shape[1:]), axis=2)
    emit = jnp.moveaxis(emit, 1, 0)  # (T, B, S)
    neg = jnp.asarray(_NEG, logp.dtype)
    alpha0 = jnp.where(jnp.arange(ext.shape[1]) < 2, emit[0], neg)

    def step(alpha, inputs):
        emit_t, t = inputs
        stacked = jnp.stack([alpha, _shift(alpha, 1), jnp.where(skip, _shift(alpha, 2), neg)])
        nxt = jax.nn.logsumexp(stacked, axis=0) + emit_t
        return jnp.where((t < output_length)[:, None], nxt, alpha), None

    alpha, _ = lax.scan(step, alpha0, (emit[1:], jnp.arange(1, emit.shape[0])))
    end = 2 * target_length
    last = jnp.take_along_axis(alpha, end[:, None], axis=1)[:, 0]
    before = jnp.take_along_axis(alpha, jnp.maximum(end - 1, 0)[:, None], axis=1)[:, 0]
    before = jnp.where(target_length > 0, before, neg)
    impossible = output_length < _ctc_min_steps(target, target_length)
    return jnp.where(impossible, jnp.inf, -jnp.logaddexp(last, before))


def _ctc_min_steps(target, target_length):
    """Shortest output that can emit the labels: one step each, plus a blank between repeats."""
    inside = jnp.arange(1, target.shape[1]) < target_length[:, None]
    return target_length + jnp.sum((target[:, 1:] == target[:, :-1]) & inside, axis=1)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    rules.nn_check_ctc_strategy(strategy)
    inputs = convert_to_tensor(inputs)
    x = _float_in(inputs, rules.nn_ctc_dtype(inputs.dtype))
    lengths = convert_to_tensor(sequence_lengths).astype(jnp.int32)
    if mask_index is None:
        mask_index = x.shape[-1] - 1
    if strategy == "beam_search":
        blank = nn_ops.ctc_blank_index(mask_index, x.shape[-1])
        return _beam_search_decode(x, lengths, beam_width=int(beam_width), top_paths=int(top_paths), blank=blank)
    return _greedy_decode(x, lengths, merge_repeated=merge_repeated, mask_index=mask_index)


@functools.partial(jax.jit, static_argnames=("merge_repeated", "mask_index"))
def _greedy_decode(x, lengths, merge_repeated, mask_index):
    t = x.shape[1]
    valid = jnp.arange(t)[None, :] < lengths[:, None]
    best = jnp.where(valid, jnp.argmax(x, axis=-1), mask_index).astype(jnp.int32)
    scores = -jnp.sum(jnp.where(valid, jnp.max(x, axis=-1), 0), axis=1, keepdims=True)
    keep = best != mask_index
    if merge_repeated:
        keep &= jnp.concatenate([jnp.ones_like(best[:, :1], bool), best[:, 1:] != best[:, :-1]], axis=1)
    order = jnp.argsort(jnp.where(keep, jnp.arange(t), t), axis=1, stable=True)
    paths = jnp.take_along_axis(jnp.where(keep, best, -1), order, axis=1)
    return paths[None].astype(jnp.int32), scores.astype(x.dtype)


@functools.partial(jax.jit, static_argnames=("beam_width", "top_paths", "blank"))
def _beam_search_decode(x, lengths, beam_width, top_paths, blank):
    """CTC prefix beam search, jit-able: a fixed-size beam per batch row, ``lax.scan`` over time.

    Each beam holds a label prefix (padded with -1), its length and two log-probabilities:
    the prefix's alignments ending in a blank and ending in a label. A step scores every beam
    kept as is (in the blank's column) and every beam extended by each label, merges an
    extension into the beam that already holds that prefix, and keeps the ``beam_width`` best.
    Rows stop moving once ``t >= sequence_lengths``.
    """
    b, t, c = x.shape
    w = beam_width
    neg = jnp.array(-jnp.inf, x.dtype)
    classes, steps = jnp.arange(c), jnp.arange(t)
    rows = jnp.arange(b)[:, None]
    init = (jnp.full((b, w, t), -1, jnp.int32),                            # prefixes
            jnp.zeros((b, w), jnp.int32),                                   # prefix lengths
            jnp.broadcast_to(jnp.where(jnp.arange(w) == 0, 0, neg), (b, w)),  # log P(.., ends in blank)
            jnp.full((b, w), neg))                                          # log P(.., ends in a label)

    def step(state, inputs):
        prefix, size, pb, pnb = state
        lp, now = inputs
        total = jnp.logaddexp(pb, pnb)
        live = total > -jnp.inf
        last = jnp.take_along_axis(prefix, jnp.maximum(size - 1, 0)[..., None], axis=2)[..., 0]
        last = jnp.where(size > 0, last, -1)
        grow = jnp.where(classes == last[..., None], pb[..., None], total[..., None]) + lp[:, None, :]
        grow = jnp.where(classes == blank, neg, grow).reshape(b, w * c)
        stay_b = total + lp[:, blank, None]
        stay_nb = pnb + jnp.where(size > 0, jnp.take_along_axis(lp, jnp.maximum(last, 0), axis=1), neg)
        # beam j whose prefix is beam i's plus last_j absorbs the extension (i, last_j)
        cut = jnp.where(steps == (size - 1)[..., None], -1, prefix)
        parent_of = jnp.all(prefix[:, :, None, :] == cut[:, None, :, :], axis=-1)
        parent_of &= live[:, :, None] & (live & (size > 0))[:, None, :]
        parent = jnp.sum(jnp.where(parent_of, jnp.arange(w)[:, None], 0), axis=1)  # at most one match
        slot = jnp.where(jnp.any(parent_of, axis=1), parent * c + last, w * c)
        stay_nb = jnp.logaddexp(stay_nb, grow.at[rows, slot].get(mode="fill", fill_value=-jnp.inf))
        grow = grow.at[rows, slot].set(neg, mode="drop").reshape(b, w, c)
        cand_b = jnp.where(classes == blank, stay_b[..., None], neg).reshape(b, w * c)
        cand_nb = jnp.where(classes == blank, stay_nb[..., None], grow).reshape(b, w * c)
        _, top = lax.top_k(jnp.logaddexp(cand_b, cand_nb), w)
        src, label = top // c, top % c
        new_size = jnp.take_along_axis(size, src, axis=1)
        new_prefix = jnp.take_along_axis(prefix, src[..., None], axis=1)
        extended = (label != blank)[..., None] & (steps == new_size[..., None])
        new = (jnp.where(extended, label[..., None], new_prefix), new_size + (label != blank),
               jnp.take_along_axis(cand_b, top, axis=1), jnp.take_along_axis(cand_nb, top, axis=1))
        running = (now < lengths)[:, None]
        return tuple(jnp.where(running[..., None] if n.ndim == 3 else running, n, o)
                     for n, o in zip(new, state)), None

    logp = jnp.swapaxes(jax.nn.log_softmax(x, axis=-1), 0, 1)
    # the barrier keeps XLA from constant-folding the first step from the constant initial beam
    (prefix, _, pb, pnb), _ = lax.scan(step, lax.optimization_barrier(init), (logp, steps))
    scores, order = lax.top_k(jnp.logaddexp(pb, pnb), min(top_paths, w))
    paths = jnp.take_along_axis(prefix, order[..., None], axis=1)
    paths = jnp.where((scores > -jnp.inf)[..., None], paths, -1)
    if top_paths > w:
        paths = jnp.pad(paths, ((0, 0), (0, top_paths - w), (0, 0)), constant_values=-1)
        scores = jnp.pad(scores, ((0, 0), (0, top_paths - w)), constant_values=-jnp.inf)
    return jnp.swapaxes(paths, 0, 1), scores
