"""Tests of kc.ops convolution, pooling and attention against NumPy references written here."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from kc_testing import BACKEND, assert_close, backend_gradient, numeric_gradient, to_numpy

import kc
from kc import ops

RNG = np.random.default_rng(0)


def rand(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


# --- NumPy references ---------------------------------------------------------------------------


def to_last(x, df):
    return np.moveaxis(x, 1, -1) if df == "channels_first" else x


def from_last(x, df):
    return np.moveaxis(x, -1, 1) if df == "channels_first" else x


def tf_same_pads(size, k, s, d):
    extent = (k - 1) * d + 1
    total = max((-(-size // s) - 1) * s + extent - size, 0)
    return total // 2, total - total // 2


def ref_conv(x, k, s=1, padding="valid", df="channels_last", d=1):
    """Direct convolution: for each kernel offset, a strided slice times the kernel tap, per group."""
    x = to_last(x.astype(np.float64), df)
    n = x.ndim - 2
    ks = k.shape[:n]
    pads = [tf_same_pads(i, kk, s, d) if padding == "same" else (0, 0) for i, kk in zip(x.shape[1:-1], ks)]
    xp = np.pad(x, [(0, 0), *pads, (0, 0)])
    out = [(i - (kk - 1) * d - 1) // s + 1 for i, kk in zip(xp.shape[1:-1], ks)]
    cg, o = k.shape[-2], k.shape[-1]
    groups = x.shape[-1] // cg
    og = o // groups
    y = np.zeros((x.shape[0], *out, o))
    for pos in itertools.product(*map(range, ks)):
        patch = xp[(slice(None), *[slice(p * d, p * d + (m - 1) * s + 1, s) for p, m in zip(pos, out)])]
        for g in range(groups):
            y[..., g * og:(g + 1) * og] += patch[..., g * cg:(g + 1) * cg] @ k[pos][:, g * og:(g + 1) * og]
    return from_last(y, df)


def ref_depthwise(x, k, s=1, padding="valid", df="channels_last", d=1):
    return ref_conv(x, k.reshape(*k.shape[:-2], 1, -1), s, padding, df, d)


def ref_conv_transpose(x, k, s=1, padding="valid", output_padding=None, df="channels_last", d=1):
    """The scatter formula: y[i * s + j * d - offset] += x[i] @ k[j].T, with Keras 3's lengths."""
    x = to_last(x.astype(np.float64), df)
    n = x.ndim - 2
    ks = k.shape[:n]
    lengths, offsets = [], []
    for i, kk in zip(x.shape[1:-1], ks):
        dk = (kk - 1) * d + 1
        if output_padding is None:
            length = i * s if padding == "same" else i * s + max(dk - s, 0)
        else:
            length = (i - 1) * s + dk - 2 * (dk // 2 if padding == "same" else 0) + output_padding
        lengths.append(length)
        if padding == "valid":
            offsets.append(0)
        else:
            total = s + dk - 2 if output_padding is None else dk + dk % 2 - 2 + output_padding
            offsets.append(dk - 1 - min(total // 2 + total % 2, dk - 1))
    y = np.zeros((x.shape[0], *lengths, k.shape[-2]))
    for idx in itertools.product(*map(range, x.shape[1:-1])):
        for pos in itertools.product(*map(range, ks)):
            o = [i * s + p * d - off for i, p, off in zip(idx, pos, offsets)]
            if all(0 <= a < m for a, m in zip(o, lengths)):
                y[(slice(None), *o)] += x[(slice(None), *idx)] @ k[pos].T
    return from_last(y, df)


def ref_pool(x, pool, s=None, padding="valid", df="channels_last", kind="max"):
    x = to_last(x.astype(np.float64), df)
    n = x.ndim - 2
    pool, s = (pool,) * n, ((s or pool),) * n
    pads = [tf_same_pads(i, p, st, 1) if padding == "same" else (0, 0) for i, p, st in zip(x.shape[1:-1], pool, s)]
    xp = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=np.nan)
    out = [(i - p) // st + 1 for i, p, st in zip(xp.shape[1:-1], pool, s)]
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    for idx in itertools.product(*map(range, out)):
        win = xp[(slice(None), *[slice(i * st, i * st + p) for i, st, p in zip(idx, s, pool)])]
        win = win.reshape(x.shape[0], -1, x.shape[-1])
        y[(slice(None), *idx)] = np.nanmax(win, 1) if kind == "max" else np.nanmean(win, 1)
    return from_last(y, df)


def ref_adaptive(x, out, df="channels_last", kind="avg"):
    x = to_last(x.astype(np.float64), df)
    n = x.ndim - 2
    out = (out,) * n if isinstance(out, int) else out
    bins = [[(int(np.floor(i * m / o)), int(np.ceil((i + 1) * m / o))) for i in range(o)]
            for m, o in zip(x.shape[1:-1], out)]
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    for idx in itertools.product(*map(range, out)):
        win = x[(slice(None), *[slice(*bins[a][i]) for a, i in enumerate(idx)])].reshape(x.shape[0], -1, x.shape[-1])
        y[(slice(None), *idx)] = win.max(1) if kind == "max" else win.mean(1)
    return from_last(y, df)


def ref_attention(q, k, v, bias=None, mask=None, scale=None, is_causal=False, cap=None):
    q, k, v = (t.astype(np.float64) for t in (q, k, v))
    rep = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, rep, axis=2), np.repeat(v, rep, axis=2)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    if cap is not None:
        logits = cap * np.tanh(logits / cap)
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep = keep & mask
    if is_causal:
        keep = keep & np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e30)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", p, v)


def ref_depth_to_space(x, b, df):
    if df == "channels_first":
        n, c, h, w = x.shape
        y = np.zeros((n, c // (b * b), h * b, w * b), x.dtype)
        for ci, i, j in itertools.product(range(c // (b * b)), range(b), range(b)):
            y[:, ci, i::b, j::b] = x[:, ci * b * b + i * b + j]
        return y
    n, h, w, c = x.shape
    co = c // (b * b)
    y = np.zeros((n, h * b, w * b, co), x.dtype)
    for ci, i, j in itertools.product(range(co), range(b), range(b)):
        y[:, i::b, j::b, ci] = x[..., (i * b + j) * co + ci]
    return y


def ref_unfold(x, k, d=1, p=0, s=1):
    n, c, h, w = x.shape
    xp = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)])
    oh, ow = (h + 2 * p - d * (k - 1) - 1) // s + 1, (w + 2 * p - d * (k - 1) - 1) // s + 1
    y = np.zeros((n, c * k * k, oh * ow), x.dtype)
    for ci, ki, kj, oi, oj in itertools.product(range(c), range(k), range(k), range(oh), range(ow)):
        y[:, ci * k * k + ki * k + kj, oi * ow + oj] = xp[:, ci, oi * s + ki * d, oj * s + kj * d]
    return y


def ref_fold(cols, size, k, d=1, p=0, s=1):
    n, ck, _ = cols.shape
    c, (h, w) = ck // (k * k), size
    oh, ow = (h + 2 * p - d * (k - 1) - 1) // s + 1, (w + 2 * p - d * (k - 1) - 1) // s + 1
    y = np.zeros((n, c, h + 2 * p, w + 2 * p), cols.dtype)
    for ci, ki, kj, oi, oj in itertools.product(range(c), range(k), range(k), range(oh), range(ow)):
        y[:, ci, oi * s + ki * d, oj * s + kj * d] += cols[:, ci * k * k + ki * k + kj, oi * ow + oj]
    return y[:, :, p:p + h, p:p + w]


def make_input(nd, df, channels, batch=2):
    spatial = (7, 6, 5)[:nd]
    return rand(batch, *spatial, channels) if df == "channels_last" else rand(batch, channels, *spatial)


# --- value tables -------------------------------------------------------------------------------

CONV_CASES = [  # (nd, data_format, padding, strides, dilation, groups)
    (1, "channels_last", "valid", 1, 1, 1), (1, "channels_last", "same", 2, 1, 1),
    (1, "channels_first", "same", 1, 2, 2), (2, "channels_last", "same", 2, 1, 1),
    (2, "channels_last", "valid", 1, 2, 2), (2, "channels_first", "same", 2, 2, 1),
    (2, "channels_first", "valid", 2, 1, 2), (3, "channels_last", "same", 2, 1, 2),
    (3, "channels_first", "valid", 1, 1, 1), (3, "channels_last", "same", 1, 2, 1),
]
CONV_IDS = [f"{nd}d-{df[9:]}-{p}-s{s}-d{d}-g{g}" for nd, df, p, s, d, g in CONV_CASES]


@pytest.mark.parametrize("nd,df,padding,s,d,groups", CONV_CASES, ids=CONV_IDS)
def test_conv(nd, df, padding, s, d, groups):
    x = make_input(nd, df, 4)
    k = rand(*(3, 2, 2)[:nd], 4 // groups, 6)
    assert_close(ops.conv(x, k, s, padding, df, d), ref_conv(x, k, s, padding, df, d), "float32",
                 rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("nd,df,padding,s,d,_", CONV_CASES, ids=CONV_IDS)
def test_depthwise_conv(nd, df, padding, s, d, _):
    x = make_input(nd, df, 3)
    k = rand(*(3, 2, 2)[:nd], 3, 2)
    assert_close(ops.depthwise_conv(x, k, s, padding, df, d), ref_depthwise(x, k, s, padding, df, d),
                 "float32", rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("df", ["channels_last", "channels_first"])
def test_separable_conv(df):
    x = make_input(2, df, 3)
    dk, pk = rand(3, 3, 3, 2), rand(1, 1, 6, 4)
    want = ref_conv(ref_depthwise(x, dk, 1, "same", df), pk, 1, "valid", df)
    assert_close(ops.separable_conv(x, dk, pk, 1, "same", df), want, "float32", rtol=1e-5, atol=1e-5)


TRANSPOSE_CASES = [  # (nd, data_format, padding, strides, output_padding, dilation)
    (1, "channels_last", "valid", 2, None, 1), (1, "channels_last", "same", 2, 1, 1),
    (1, "channels_first", "same", 3, None, 2), (2, "channels_last", "same", 2, None, 1),
    (2, "channels_first", "valid", 2, 1, 1), (2, "channels_last", "same", 1, 0, 2),
    (2, "channels_last", "valid", 1, None, 2), (3, "channels_first", "same", 2, None, 1),
    (3, "channels_last", "valid", 2, 1, 1),
]


@pytest.mark.parametrize("nd,df,padding,s,op_,d", TRANSPOSE_CASES,
                         ids=[f"{c[0]}d-{c[1][9:]}-{c[2]}-s{c[3]}-op{c[4]}-d{c[5]}" for c in TRANSPOSE_CASES])
def test_conv_transpose(nd, df, padding, s, op_, d):
    x = make_input(nd, df, 3, batch=1)
    k = rand(*(3, 2, 3)[:nd], 5, 3)
    want = ref_conv_transpose(x, k, s, padding, op_, df, d)
    assert_close(ops.conv_transpose(x, k, s, padding, op_, df, d), want, "float32", rtol=1e-5, atol=1e-5)


POOL_CASES = [  # (nd, data_format, pool, strides, padding)
    (1, "channels_last", 2, None, "valid"), (1, "channels_first", 3, 2, "same"),
    (2, "channels_last", 2, 1, "same"), (2, "channels_first", 3, 2, "valid"),
    (2, "channels_last", 3, 2, "same"), (3, "channels_last", 2, None, "same"),
    (3, "channels_first", 2, 1, "valid"),
]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("nd,df,pool,s,padding", POOL_CASES, ids=[f"{c[0]}d-{c[1][9:]}-p{c[2]}-s{c[3]}-{c[4]}"
                                                                  for c in POOL_CASES])
def test_pool(kind, nd, df, pool, s, padding):
    x = make_input(nd, df, 2)
    fn = ops.max_pool if kind == "max" else ops.average_pool
    assert_close(fn(x, pool, s, padding, df), ref_pool(x, pool, s, padding, df, kind), "float32")


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("nd,df,out", [(1, "channels_last", 3), (2, "channels_first", (4, 4)),
                                       (2, "channels_last", (3, 2)), (3, "channels_last", (2, 4, 3))])
def test_adaptive_pool(kind, nd, df, out):
    x = make_input(nd, df, 2)
    fn = ops.adaptive_max_pool if kind == "max" else ops.adaptive_average_pool
    assert_close(fn(x, out, df), ref_adaptive(x, out, df, kind), "float32")


def test_pool_dtypes():
    x = np.arange(24, dtype="int32").reshape(1, 4, 3, 2)
    assert_close(ops.max_pool(x, 2, padding="same"), ref_pool(x, 2, None, "same").astype("int32"), "int32")
    assert_close(ops.average_pool(x, 2), ref_pool(x, 2, kind="avg"), kc.config.floatx())
    assert_close(ops.adaptive_max_pool(x, 2), ref_adaptive(x, 2, kind="max").astype("int32"), "int32")


def test_conv_dtypes():
    x, k = np.arange(10, dtype="int32").reshape(1, 5, 2), np.ones((2, 2, 3), "int32")
    assert_close(ops.conv(x, k), ref_conv(x, k).astype("int32"), "int32")
    y = ops.conv(make_input(1, "channels_last", 2).astype("float16"), rand(2, 2, 3, dtype="float16"))
    assert kc.dtypes.standardize_dtype(y.dtype) == "float16"


Q, K, V = rand(2, 3, 4, 8), rand(2, 5, 2, 8), rand(2, 5, 2, 8)
MASK = RNG.random((2, 1, 3, 5)) > 0.3
BIAS = rand(1, 4, 3, 5)
ATTENTION_CASES = {
    "plain": {}, "mask": {"mask": MASK}, "causal": {"is_causal": True}, "scale": {"scale": 0.3},
    "bias": {"bias": BIAS}, "mask_2d": {"mask": MASK[0, 0]}, "bias_2d": {"bias": BIAS[0, 0]},
    "all": {"bias": BIAS, "mask": MASK, "is_causal": True, "scale": 0.2},
    "soft_cap": {"attn_logits_soft_cap": 1.5, "is_causal": True},
}


@pytest.mark.parametrize("case", list(ATTENTION_CASES))
@pytest.mark.parametrize("kv_heads", [2, 4], ids=["gqa", "mha"])
def test_dot_product_attention(case, kv_heads):
    kw = ATTENTION_CASES[case]
    k, v = (np.repeat(t, 2, axis=2) if kv_heads == 4 else t for t in (K, V))
    kw_ref = {("cap" if n == "attn_logits_soft_cap" else n): a for n, a in kw.items()}
    assert_close(ops.dot_product_attention(Q, k, v, **kw), ref_attention(Q, k, v, **kw_ref), "float32",
                 rtol=1e-4, atol=1e-5)


def test_attention_fully_masked_row_averages_value():
    mask = np.ones((1, 1, 3, 5), bool)
    mask[..., 1, :] = False
    out = to_numpy(ops.dot_product_attention(Q[:1], K[:1], V[:1], mask=mask))
    np.testing.assert_allclose(out[0, 1], np.repeat(V[0].mean(0), 2, axis=0), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("df", ["channels_last", "channels_first"])
def test_depth_to_space_round_trip(df):
    x = rand(2, 3, 2, 8) if df == "channels_last" else rand(2, 8, 3, 2)
    y = ops.depth_to_space(x, 2, df)
    assert_close(y, ref_depth_to_space(x, 2, df), "float32")
    assert_close(ops.space_to_depth(y, 2, df), x, "float32")


@pytest.mark.parametrize("k,d,p,s", [(2, 1, 0, 2), (3, 1, 1, 1), (2, 2, 1, 2)])
def test_unfold_fold(k, d, p, s):
    x = rand(2, 3, 6, 5)
    cols = ref_unfold(x, k, d, p, s)
    assert_close(ops.unfold(x, k, d, p, s), cols, "float32")
    assert_close(ops.fold(cols, (6, 5), k, d, p, s), ref_fold(cols, (6, 5), k, d, p, s), "float32",
                 rtol=1e-5, atol=1e-5)


# --- symbolic shapes ----------------------------------------------------------------------------

SYMBOLIC = [
    ("conv", lambda x: ops.conv(x, rand(3, 3, 2, 4), 2, "same"), (None, 5, 6, 2)),
    ("conv_first", lambda x: ops.conv(x, rand(3, 1, 4), 1, "valid", "channels_first", 2), (None, 2, 9)),
    ("depthwise_conv", lambda x: ops.depthwise_conv(x, rand(2, 2, 2, 3), 1, "valid"), (None, 5, 6, 2)),
    ("separable_conv", lambda x: ops.separable_conv(x, rand(3, 2, 2), rand(1, 4, 3), 1, "same"), (None, 7, 2)),
    ("conv_transpose", lambda x: ops.conv_transpose(x, rand(3, 3, 5, 2), 2, "valid", 1), (None, 5, 6, 2)),
    ("max_pool", lambda x: ops.max_pool(x, 2, 1, "same"), (None, 5, 6, 2)),
    ("average_pool", lambda x: ops.average_pool(x, 3, 2), (None, 4, 5, 6, 2)),
    ("adaptive_average_pool", lambda x: ops.adaptive_average_pool(x, (2, 3)), (None, 5, 6, 2)),
    ("adaptive_max_pool", lambda x: ops.adaptive_max_pool(x, 2), (None, 7, 3)),
    ("attention", lambda q: ops.dot_product_attention(q, q, q, is_causal=True), (None, 3, 4, 8)),
    ("depth_to_space", lambda x: ops.depth_to_space(x, 2), (None, 2, 3, 8)),
    ("space_to_depth", lambda x: ops.space_to_depth(x, 2, "channels_first"), (None, 2, 4, 6)),
    ("unfold", lambda x: ops.unfold(x, 2, padding=1), (None, 2, 4, 5)),
    ("fold", lambda x: ops.fold(x, (4, 5), 2, stride=1), (None, 8, 12)),
]


@pytest.mark.parametrize("name,fn,shape", SYMBOLIC, ids=[s[0] for s in SYMBOLIC])
def test_symbolic_shape(name, fn, shape):
    sym = fn(kc.KerasTensor(shape, "float32"))
    eager = fn(rand(2, *shape[1:]))
    assert sym.shape == (None, *to_numpy(eager).shape[1:])
    assert sym.dtype == kc.dtypes.standardize_dtype(eager.dtype)


# --- compiled -----------------------------------------------------------------------------------


def test_inside_compiled_function():
    x, k = make_input(2, "channels_last", 2), rand(3, 3, 2, 3)
    fn = lambda a: ops.max_pool(ops.conv(a, k, 1, "same"), 2)  # noqa: E731
    if BACKEND == "jax":
        import jax

        fn = jax.jit(fn)
    elif BACKEND == "tensorflow":
        import tensorflow as tf

        fn = tf.function(fn)
    else:
        pytest.skip("no compiled mode to check on this backend")
    assert_close(fn(x), ref_pool(ref_conv(x, k, 1, "same"), 2), "float32", rtol=1e-5, atol=1e-5)


# --- gradients ----------------------------------------------------------------------------------


GK, GKT = rand(2, 2, 3), rand(3, 2, 2)
GRADS = [
    ("conv", lambda x: ops.conv(x, GK, 2, "same"), lambda x: ref_conv(x, GK, 2, "same")),
    ("conv_kernel", lambda k: ops.conv(Q[0, :, :2, :2], k, 1, "same"),
     lambda k: ref_conv(Q[0, :, :2, :2], k, 1, "same")),
    ("conv_transpose", lambda x: ops.conv_transpose(x, GKT, 2, "same", 1),
     lambda x: ref_conv_transpose(x, GKT, 2, "same", 1)),
    ("max_pool", lambda x: ops.max_pool(x, 2, 1, "same"), lambda x: ref_pool(x, 2, 1, "same")),
    ("average_pool", lambda x: ops.average_pool(x, 2, 1, "same"), lambda x: ref_pool(x, 2, 1, "same", kind="avg")),
    ("attention", lambda q: ops.dot_product_attention(q, K[:1, :, :1], V[:1, :, :1], is_causal=True),
     lambda q: ref_attention(q, K[:1, :, :1], V[:1, :, :1], is_causal=True)),
]


@pytest.mark.grad
@pytest.mark.parametrize("name,fn,ref", GRADS, ids=[g[0] for g in GRADS])
def test_gradient(name, fn, ref):
    x = {"conv_kernel": GK, "attention": Q[:1, :, :1]}.get(name, rand(1, 4, 2))
    out = ref(x)
    w = np.linspace(-1, 1, out.size).reshape(out.shape)
    np.testing.assert_allclose(backend_gradient(fn, x.astype("float32"), w.astype("float32")),
                               numeric_gradient(ref, x.astype(np.float64), w, eps=1e-6), rtol=1e-3, atol=1e-4)



@pytest.mark.grad
@pytest.mark.parametrize("name", ["max_pool", "average_pool"])
def test_pool_gradient_under_compilation(name):
    """Pooling differentiates inside jax.jit / tf.function (a Sequential convnet's fit does this)."""
    fn, ref = {g[0]: g[1:] for g in GRADS}[name]
    x = rand(1, 4, 2).astype("float32")
    w = np.linspace(-1, 1, ref(x).size).reshape(ref(x).shape).astype("float32")
    if BACKEND == "jax":
        import jax

        grad = jax.jit(jax.grad(lambda v: (fn(v) * w).sum()))
    elif BACKEND == "tensorflow":
        import tensorflow as tf

        @tf.function
        def grad(v):
            with tf.GradientTape() as tape:
                tape.watch(v)
                y = tf.reduce_sum(fn(v) * w)
            return tape.gradient(y, v)

        x = tf.constant(x)
    else:
        pytest.skip("compiled gradients are checked on jax and tensorflow")
    np.testing.assert_allclose(to_numpy(grad(x)), backend_gradient(fn, to_numpy(x), w), rtol=1e-6, atol=1e-6)

# --- errors -------------------------------------------------------------------------------------

ERRORS = [
    ("kernel rank", lambda: ops.conv(rand(1, 5, 2), rand(3, 3, 2, 4)), r"conv: kernel must have rank 3"),
    ("channels", lambda: ops.conv(rand(1, 5, 3), rand(3, 2, 4)), r"conv: inputs channels must be a multiple"),
    ("padding", lambda: ops.conv(rand(1, 5, 2), rand(3, 2, 4), padding="full"),
     r"conv: padding must be 'valid' or 'same', got 'full'"),
    ("data_format", lambda: ops.max_pool(rand(1, 5, 2), 2, data_format="NHWC"),
     r"max_pool: data_format must be 'channels_last' or 'channels_first', got 'NHWC'"),
    ("depthwise channels", lambda: ops.depthwise_conv(rand(1, 5, 2), rand(3, 3, 1)),
     r"depthwise_conv: kernel shape\[-2\] must equal the inputs channels \(2"),
    ("transpose channels", lambda: ops.conv_transpose(rand(1, 5, 2), rand(3, 4, 3)),
     r"conv_transpose: kernel shape\[-1\]"),
    ("pool rank", lambda: ops.average_pool(rand(5, 2), 2), r"average_pool: inputs must have rank 3 or 4 or 5"),
    ("attention heads", lambda: ops.dot_product_attention(Q, rand(2, 5, 3, 8), rand(2, 5, 3, 8)),
     r"dot_product_attention: query heads \(4\) must be a multiple of key/value heads \(3\)"),
    ("block size", lambda: ops.depth_to_space(rand(1, 2, 2, 6), 2), r"depth_to_space: channels must be a multiple"),
    ("empty output", lambda: ops.conv(rand(1, 2, 2), rand(3, 2, 4)), r"conv: the output would be empty"),
]


@pytest.mark.parametrize("name,fn,match", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, fn, match):
    with pytest.raises(ValueError, match=match):
        fn()


@pytest.mark.parametrize("name,fn,match", ERRORS[:4], ids=[e[0] for e in ERRORS[:4]])
def test_errors_symbolic(name, fn, match):
    """The same checks run on symbolic inputs (the declaration's rule)."""
    with pytest.raises(ValueError, match=match):
        with_symbolic = {
            "kernel rank": lambda: ops.conv(kc.KerasTensor((None, 5, 2)), rand(3, 3, 2, 4)),
            "channels": lambda: ops.conv(kc.KerasTensor((None, 5, 3)), rand(3, 2, 4)),
            "padding": lambda: ops.conv(kc.KerasTensor((None, 5, 2)), rand(3, 2, 4), padding="full"),
            "data_format": lambda: ops.max_pool(kc.KerasTensor((None, 5, 2)), 2, data_format="NHWC"),
        }
        with_symbolic[name]()
