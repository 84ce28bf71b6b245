"""Neural-network ops of the TensorFlow backend (activations, softmax, losses, normalization, CTC).

Half floats are computed in float32 and cast back. Everything works in graph
mode (`tf.function`) with unknown batch sizes.
"""

from __future__ import annotations

import math

import tensorflow as tf

from kc import config, dtypes
from kc.backend.common import nn_ops
from kc.backend.tensorflow.core import convert_to_tensor, to_native_dtype
from kc.ops import _rules as rules

_HALF = (tf.float16, tf.bfloat16)


def _float_in(x, dtype: str | None = None):
    """``x`` as a float tensor of the result dtype (ints and bools: floatx)."""
    x = convert_to_tensor(x)
    return tf.cast(x, to_native_dtype(dtype or rules.float_dtype(x.dtype)))


def _unary(fn):
    """Lift a float formula into an op with kc's activation dtype rule (half floats in float32)."""
    return nn_ops.float_activation(fn, _float_in, _HALF, tf.cast, tf.float32)


def _int_keeping(fn):
    """Like `_unary`, but integer inputs are computed and returned in their own dtype."""

    def op(x, *args, **kwargs):
        x = convert_to_tensor(x)
        if x.dtype == tf.bool:
            x = _float_in(x)
        if x.dtype.is_unsigned or x.dtype in (tf.int8, tf.int16):
            return tf.cast(fn(tf.cast(x, tf.int64), *args, **kwargs), x.dtype)
        return fn(x, *args, **kwargs)

    return nn_ops.named_after(op, fn)


def _const(value, dtype):
    """A Python number or tensor as ``dtype``, without a float32 round trip for float64."""
    if tf.is_tensor(value):
        return tf.cast(value, dtype)
    try:
        return tf.constant(value, dtype)
    except (TypeError, ValueError):  # e.g. 0.5 for an int dtype: truncate like NumPy's astype
        return tf.cast(tf.constant(value), dtype)


def _clip(x, lo, hi):
    return tf.minimum(tf.maximum(x, _const(lo, x.dtype)), _const(hi, x.dtype))


# --- activations ------------------------------------------------------------------------

relu = _int_keeping(lambda x: tf.maximum(x, tf.zeros((), x.dtype)))
relu.native = tf.nn.relu
relu.native_dtypes = (tf.float32, tf.float64, tf.float16, tf.bfloat16)
relu6 = _int_keeping(lambda x: _clip(x, 0, 6))
hard_tanh = _int_keeping(lambda x: _clip(x, -1, 1))  # unsigned and small ints run in int64
sigmoid = _unary(tf.sigmoid)
sparse_sigmoid = _unary(lambda x: _clip((x + 1) / 2, 0, 1))
softplus = _unary(tf.nn.softplus)
softsign = _unary(tf.nn.softsign)
silu = _unary(tf.nn.silu)
swish = silu
log_sigmoid = _unary(tf.math.log_sigmoid)
leaky_relu = _unary(lambda x, negative_slope=0.2: tf.where(x >= 0, x, negative_slope * x))
hard_sigmoid = _unary(lambda x: _clip(x / 6 + 0.5, 0, 1))
hard_silu = _unary(lambda x: x * _clip(x / 6 + 0.5, 0, 1))
hard_swish = hard_silu
elu = _unary(lambda x, alpha=1.0: tf.where(x > 0, x, alpha * tf.math.expm1(tf.minimum(x, 0))))
selu = _unary(tf.nn.selu)


@_unary
def gelu(x, approximate=True):
    # tf.nn.gelu rounds its constants to float32; written out to stay exact in float64
    if approximate:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)
        return 0.5 * x * (1 + tf.tanh(inner))
    return 0.5 * x * (1 + tf.math.erf(x / math.sqrt(2)))



celu = _unary(lambda x, alpha=1.0: tf.maximum(x, 0) + alpha * tf.math.expm1(tf.minimum(x, 0) / alpha))
tanh_shrink = _unary(lambda x: x - tf.tanh(x))
squareplus = _unary(lambda x, b=4: (x + tf.sqrt(x * x + b)) / 2)
sparse_plus = _unary(lambda x: tf.where(x <= -1, tf.zeros_like(x), tf.where(x >= 1, x, (x + 1) ** 2 / 4)))
hard_shrink = _unary(lambda x, threshold=0.5: tf.where(tf.abs(x) > threshold, x, tf.zeros_like(x)))
soft_shrink = _unary(lambda x, threshold=0.5: tf.sign(x) * tf.maximum(tf.abs(x) - threshold, 0))


def glu(x, axis=-1):
    x = _float_in(x)
    ax = rules.canonical_axis(axis, x.shape.rank, "glu")
    size = x.shape[ax]
    if size is not None and size % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even, got shape {tuple(x.shape)}.")

    def fn(v):
        a, b = tf.split(v, 2, axis=ax)
        return a * tf.sigmoid(b)

    return _unary(fn)(x)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        x = _float_in(x)
    above = (tf.cast(x, tf.float64) if x.dtype.is_integer else x) > threshold
    return tf.where(above, x, _const(default_value, x.dtype))


# --- softmax family -------------------------------------------------------------------------


def _over_axes(fn, x, axis, name):
    """Apply a last-axis function over one axis or several axes jointly."""
    rank = x.shape.rank
    axes = rules.canonical_axes(axis, rank, name)
    if len(axes) == 1:
        return fn(x, axes[0])
    rest = [i for i in range(rank) if i not in axes]
    moved = tf.transpose(x, rest + list(axes))
    shape = tf.shape(moved)
    flat = tf.reshape(moved, tf.concat([shape[:len(rest)], [-1]], axis=0))
    y = tf.reshape(fn(flat, -1), shape)
    return tf.transpose(y, sorted(range(rank), key=(rest + list(axes)).index))


def softmax(x, axis=-1):
    return _unary(lambda v: _over_axes(lambda u, a: tf.nn.softmax(u, axis=a), v, axis, "softmax"))(x)


def log_softmax(x, axis=-1):
    return _unary(lambda v: _over_axes(lambda u, a: tf.nn.log_softmax(u, axis=a), v, axis, "log_softmax"))(x)


def _last_axis_sparsemax(z):
    zs = tf.sort(z, axis=-1, direction="DESCENDING")
    k = tf.cast(tf.range(1, tf.shape(z)[-1] + 1), z.dtype)
    cums = tf.cumsum(zs, axis=-1)
    k_z = tf.reduce_sum(tf.cast(1 + k * zs > cums, tf.int32), axis=-1, keepdims=True)
    tau = (tf.gather(cums, tf.maximum(k_z - 1, 0), batch_dims=z.shape.rank - 1) - 1)
    tau = tau / tf.cast(tf.maximum(k_z, 1), z.dtype)
    return tf.maximum(z - tau, 0)


def sparsemax(x, axis=-1):
    x = _float_in(x)
    rank = x.shape.rank
    ax = rules.canonical_axis(axis, rank, "sparsemax")
    perm = [i for i in range(rank) if i != ax] + [ax]
    inverse = sorted(range(rank), key=perm.index)
    return _unary(lambda v: tf.transpose(_last_axis_sparsemax(tf.transpose(v, perm)), inverse))(x)


# --- one-hot encodings ------------------------------------------------------------------------


def _maybe_sparse(x, sparse):
    return tf.sparse.from_dense(x) if sparse else x


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(x)
    rules.check_int_dtype(x.dtype, "one_hot", "x")
    rank = x.shape.rank
    ax = rules.canonical_axis(axis, rank + 1, "one_hot")
    hot = tf.equal(tf.cast(x, tf.int64)[..., None], tf.range(num_classes, dtype=tf.int64))
    if ax != rank:
        hot = tf.transpose(hot, list(range(ax)) + [rank] + list(range(ax, rank)))
    return _maybe_sparse(tf.cast(hot, to_native_dtype(dtype or config.floatx())), sparse)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes = rules.nn_multi_hot_classes(num_classes, kwargs)
    x = tf.cast(convert_to_tensor(inputs), tf.int32)
    hot = one_hot(x, num_classes, axis=axis, dtype="bool")
    out = tf.reduce_any(hot, axis=1 if x.shape.rank > 1 else 0)
    return _maybe_sparse(tf.cast(out, to_native_dtype(dtype or config.floatx())), sparse)


# --- losses ------------------------------------------------------------------------------------


def _clip_probs(p):
    eps = config.epsilon()
    return _clip(p, eps, 1 - eps)


def _shape(x) -> tuple:
    return tuple(x.shape.as_list())


def binary_crossentropy(target, output, from_logits=False):
    output = _float_in(output)
    target = tf.cast(convert_to_tensor(target), output.dtype)
    rules.check_same_shape(_shape(target), _shape(output), "binary_crossentropy")
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    p = _clip_probs(output)
    return -(target * tf.math.log(p) + (1 - target) * tf.math.log(1 - p))


def _log_probs(output, from_logits, ax):
    if from_logits:
        return tf.nn.log_softmax(output, axis=ax)
    return tf.math.log(_clip_probs(output / tf.reduce_sum(output, axis=ax, keepdims=True)))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float_in(output)
    target = tf.cast(convert_to_tensor(target), output.dtype)
    rules.check_same_shape(_shape(target), _shape(output), "categorical_crossentropy")
    if output.shape.rank < 1:
        raise ValueError("categorical_crossentropy: target and output must have rank >= 1, got scalars.")
    ax = rules.canonical_axis(axis, output.shape.rank, "categorical_crossentropy")
    return -tf.reduce_sum(target * _log_probs(output, from_logits, ax), axis=ax)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float_in(output)
    rank = output.shape.rank
    if rank < 1:
        raise ValueError("sparse_categorical_crossentropy: output must have rank >= 1, got a scalar.")
    ax = rules.canonical_axis(axis, rank, "sparse_categorical_crossentropy")
    target = convert_to_tensor(target)
    want = rules.nn_sparse_target_shape(_shape(target), _shape(output))
    if len(want) != target.shape.rank:
        target = tf.squeeze(target, axis=-1)
    rest = _shape(output)[:ax] + _shape(output)[ax + 1:]
    rules.check_same_shape(_shape(target), rest, "sparse_categorical_crossentropy",
                           ("target", "output without its class axis"))
    hot = one_hot(tf.cast(target, tf.int32), output.shape[ax], axis=ax, dtype=output.dtype)
    return -tf.reduce_sum(hot * _log_probs(output, from_logits, ax), axis=ax)


# --- statistics and normalization ----------------------------------------------------------------


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float_in(x)
    axes = list(rules.canonical_axes(axes, x.shape.rank, "moments"))
    xc = tf.cast(x, tf.float32) if x.dtype in _HALF else x
    mean = tf.reduce_mean(xc, axis=axes, keepdims=True)
    var = tf.reduce_mean(tf.square(xc - mean), axis=axes, keepdims=True)
    if not keepdims:
        mean, var = tf.squeeze(mean, axes), tf.squeeze(var, axes)
    return tf.cast(mean, x.dtype), tf.cast(var, x.dtype)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _float_in(x)
    rank = x.shape.rank
    ax = rules.canonical_axis(axis, rank, "batch_normalization")
    shape = [1] * rank
    shape[ax] = -1

    def vec(v, name):
        v = tf.cast(convert_to_tensor(v), x.dtype)
        rules.check_same_shape(_shape(v), (x.shape[ax],), "batch_normalization", (name, f"x.shape[{axis}]"))
        return tf.reshape(v, shape)

    inv = tf.math.rsqrt(vec(variance, "variance") + epsilon)
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
    return tf.cast(x, to_native_dtype(dtypes.result_type(name, "float32"))), x.dtype


def _param(v, x, axes):
    v = tf.cast(convert_to_tensor(v), x.dtype)
    rank = x.shape.rank
    if v.shape.rank not in (0, rank):
        v = tf.reshape(v, [-1 if i == axes[0] else (x.shape[i] if i in axes else 1) for i in range(rank)])
    return v


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    rms_scaling = rules.nn_layer_norm_rms_scaling(kwargs)
    xc, out = _stat_in(x)
    axes = rules.canonical_axes(axis, xc.shape.rank, "layer_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    mean = tf.reduce_mean(xc, axis=axes, keepdims=True)
    var = tf.reduce_mean(tf.square(xc - mean), axis=axes, keepdims=True)
    y = (xc if rms_scaling else xc - mean) * tf.math.rsqrt(var + eps)
    if gamma is not None:
        y = y * _param(gamma, xc, axes)
    if beta is not None and not rms_scaling:
        y = y + _param(beta, xc, axes)
    return tf.cast(y, out)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    xc, out = _stat_in(x)
    axes = rules.canonical_axes(axis, xc.shape.rank, "rms_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    y = xc * tf.math.rsqrt(tf.reduce_mean(tf.square(xc), axis=axes, keepdims=True) + eps)
    if scale is not None:
        y = y * _param(scale, xc, axes)
    return tf.cast(y, out)


def normalize(x, axis=-1, order=2, epsilon=None):
    rules.nn_check_norm_order(order)
    x = _float_in(x)
    if x.shape.rank == 0:
        x = tf.reshape(x, (1,))
    axes = rules.canonical_axes(axis, x.shape.rank, "normalize")
    eps = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = tf.math.rsqrt(tf.reduce_sum(tf.square(x), axis=axes, keepdims=True))
        return x * tf.minimum(inv, _const(1 / eps, x.dtype))
    norm = tf.reduce_sum(tf.abs(x) ** order, axis=axes, keepdims=True) ** (1 / order)
    return x / tf.maximum(norm, _const(eps, x.dtype))


# --- complex, images -------------------------------------------------------------------------


def polar(abs_, angle):
    abs_, angle = convert_to_tensor(abs_), convert_to_tensor(angle)
    dtype = rules.nn_polar_dtype(abs_.dtype, angle.dtype)
    real = tf.float64 if dtype == "complex128" else tf.float32
    r, a = tf.cast(abs_, real), tf.cast(angle, real)
    return tf.complex(r * tf.cos(a), r * tf.sin(a))


def psnr(x1, x2, max_val):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    rules.check_same_shape(_shape(x1), _shape(x2), "psnr", ("x1", "x2"))
    out = rules.float_dtype(dtypes.result_type(x1.dtype, x2.dtype))
    a, b = _float_in(x1, out), _float_in(x2, out)
    mse = tf.reduce_mean(tf.square(a - b))
    log10 = math.log(10.0)
    return 20 * tf.math.log(_const(max_val, a.dtype)) / log10 - 10 * tf.math.log(mse) / log10


# --- CTC -------------------------------------------------------------------------------------------


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """tf.nn.ctc_loss runs in float32 only: a float64 loss is computed in float32 and cast."""
    output = convert_to_tensor(output)
    dtype = to_native_dtype(rules.nn_ctc_dtype(output.dtype))
    target, target_length, output_length = (tf.cast(convert_to_tensor(v), tf.int32)
                                            for v in (target, target_length, output_length))
    loss = tf.nn.ctc_loss(
        labels=target,
        logits=tf.nn.log_softmax(_float_in(output, "float32"), axis=-1),
        label_length=target_length,
        logit_length=output_length,
        logits_time_major=False,
        blank_index=mask_index,
    )
    impossible = output_length < _ctc_min_steps(target, target_length)
    return tf.cast(tf.where(impossible, tf.constant(math.inf, loss.dtype), loss), dtype)


def _ctc_min_steps(target, target_length):
    """Shortest output that can emit the labels: one step each, plus a blank between repeats."""
    inside = tf.range(1, tf.shape(target)[1]) < target_length[:, None]
    repeats = tf.cast((target[:, 1:] == target[:, :-1]) & inside, tf.int32)
    return target_length + tf.reduce_sum(repeats, axis=1)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    rules.nn_check_ctc_strategy(strategy)
    inputs = convert_to_tensor(inputs)
    x = _float_in(inputs, rules.nn_ctc_dtype(inputs.dtype))
    lengths = tf.cast(convert_to_tensor(sequence_lengths), tf.int32)
    mask_index = nn_ops.ctc_blank_index(mask_index, x.shape[-1])
    if strategy == "greedy":
        return _greedy_decode(x, lengths, merge_repeated, mask_index)
    return _beam_search_decode(x, lengths, beam_width, top_paths, mask_index)


def _greedy_decode(x, lengths, merge_repeated, mask_index):
    t = tf.shape(x)[1]
    steps = tf.range(t)
    valid = steps[None, :] < lengths[:, None]
    best = tf.where(valid, tf.argmax(x, axis=-1, output_type=tf.int32), mask_index)
    scores = -tf.reduce_sum(tf.where(valid, tf.reduce_max(x, axis=-1), tf.zeros((), x.dtype)),
                            axis=1, keepdims=True)
    keep = best != mask_index
    if merge_repeated:
        first = tf.ones_like(best[:, :1], dtype=tf.bool)
        keep = keep & tf.concat([first, best[:, 1:] != best[:, :-1]], axis=1)
    order = tf.argsort(tf.where(keep, steps[None, :], t), axis=1, stable=True)
    paths = tf.gather(tf.where(keep, best, -1), order, batch_dims=1)
    return paths[None], scores


def _beam_search_decode(x, lengths, beam_width, top_paths, mask_index):
    """TensorFlow's decoder, whose blank is the last class: rotate ``mask_index`` there and back."""
    num_classes = x.shape[-1]
    logp = tf.nn.log_softmax(x, axis=-1)
    order = [c for c in range(num_classes) if c != mask_index] + [mask_index]
    logp = tf.gather(logp, order, axis=-1)
    kept = min(top_paths, beam_width)  # TF refuses more paths than beams; pad the rest as Keras
    decoded, log_probs = tf.nn.ctc_beam_search_decoder(
        tf.transpose(logp, (1, 0, 2)), lengths, beam_width=beam_width, top_paths=kept)
    t = tf.shape(x)[1]
    paths = []
    for sp in decoded:
        dense = tf.sparse.to_dense(sp, default_value=-1)
        dense = tf.pad(dense, [[0, 0], [0, t - tf.shape(dense)[1]]], constant_values=-1)
        paths.append(tf.cast(tf.where(dense >= mask_index, dense + 1, dense), tf.int32))
    paths, log_probs = tf.stack(paths), tf.cast(log_probs, x.dtype)
    if top_paths > kept:
        batch = tf.shape(x)[0]
        paths = tf.concat([paths, -tf.ones((top_paths - kept, batch, t), tf.int32)], axis=0)
        log_probs = tf.concat([log_probs, tf.fill((batch, top_paths - kept),
                                                  tf.constant(-float("inf"), x.dtype))], axis=1)
    return paths, log_probs
