"""`MultiHeadAttention` (Vaswani et al., 2017) over any attention axes.

Example:
    >>> mha = kc.layers.MultiHeadAttention(num_heads=2, key_dim=8)
    >>> mha(np.ones((1, 3, 16), "float32"), np.ones((1, 5, 16), "float32")).shape
    (1, 3, 16)
"""

from __future__ import annotations

import math
import string

from kc import ops
from kc.backend.common.masking import get_keras_mask
from kc.layers._layer import Layer
from kc.layers.attention._attention import causal_mask, large_negative
from kc.layers.core._einsum_dense import EinsumDense
from kc.layers.core._weight_args import set_weight_args, weight_args_config
from kc.layers.regularization._dropout import Dropout, check_rate

_LETTERS = string.ascii_lowercase


def projection_equation(free: int, bound: int, out: int):
    """Einsum for a dense over the last ``bound`` axes of a rank ``free + bound`` input,
    giving ``out`` new axes: (equation, bias_axes, output rank)."""
    i = _LETTERS[:free]
    b = _LETTERS[free:free + bound]
    o = _LETTERS[free + bound:free + bound + out]
    return f"{i}{b},{b}{o}->{i}{o}", o, free + out


def attention_equations(rank: int, attn_axes: tuple):
    """(scores equation ``key,query->scores``, combine equation ``scores,value->out``, scores rank)
    for projected tensors of ``rank`` (``(batch, ..., heads, dim)``)."""
    q = list(_LETTERS[:rank])
    k = list(q)
    extra = iter(_LETTERS[rank:])
    for a in attn_axes:
        k[a] = next(extra)
    batch = [q[i] for i in range(rank - 1) if i not in attn_axes]
    scores = batch + [q[a] for a in attn_axes] + [k[a] for a in attn_axes]
    q_s, k_s, sc = "".join(q), "".join(k), "".join(scores)
    return f"{k_s},{q_s}->{sc}", f"{sc},{k_s}->{q_s}", len(scores)


def masked_softmax(scores, mask, axes: tuple):
    """Softmax over ``axes``; masked-out entries (mask False) get weight 0, fully
    masked rows are all 0."""
    if mask is not None:
        scores = ops.add(scores, ops.multiply(
            ops.cast(ops.logical_not(mask), scores.dtype), large_negative(scores.dtype)))
    if len(axes) == 1:
        probs = ops.softmax(scores, axis=axes[0])
    else:
        shifted = ops.subtract(scores, ops.stop_gradient(ops.max(scores, axis=axes, keepdims=True)))
        e = ops.exp(shifted)
        probs = ops.divide(e, ops.sum(e, axis=axes, keepdims=True))
    if mask is not None:
        probs = ops.multiply(probs, ops.cast(mask, probs.dtype))
    return probs


def window_mask(q_len, k_len, window, causal: bool):
    """Bool ``(1, q_len, k_len)``: key j is within ``window`` steps of query i."""
    rows = ops.expand_dims(ops.arange(q_len), -1)
    cols = ops.expand_dims(ops.arange(k_len), 0)
    distance = ops.subtract(rows, cols)
    if causal:
        mask = ops.less(distance, window)
    else:
        mask = ops.less(ops.abs(distance), window)
    return ops.expand_dims(mask, 0)


def einsum_projection(layer, equation, output_shape, bias_axes, name, activation=None,
                      private: bool = False) -> EinsumDense:
    """An `EinsumDense` sub-layer of an attention ``layer``: its ``use_bias`` and weight
    arguments (fresh copies of the initializers), its dtype policy. ``private``: the layer
    keeps them as ``_use_bias``, ``_kernel_initializer``, ... (as `MultiHeadAttention`)."""
    def arg(key):
        return getattr(layer, f"_{key}" if private else key)

    def fresh(initializer):
        return initializer.__class__.from_config(initializer.get_config())

    return EinsumDense(
        equation, output_shape=output_shape, bias_axes=bias_axes if arg("use_bias") else None,
        activation=activation, kernel_initializer=fresh(arg("kernel_initializer")),
        bias_initializer=fresh(arg("bias_initializer")),
        kernel_regularizer=arg("kernel_regularizer"), bias_regularizer=arg("bias_regularizer"),
        kernel_constraint=arg("kernel_constraint"), bias_constraint=arg("bias_constraint"),
        dtype=layer.dtype_policy, name=name)


class MultiHeadAttention(Layer):
    """Multi-head attention: project query/key/value into ``num_heads`` heads,
    attend with scaled dot products, and project the heads back.

    Weights (Keras's names and shapes): sublayers ``query``, ``key``,
    ``value`` (and ``gate`` with ``use_gate``) and ``attention_output``, each
    an `EinsumDense`; e.g. for rank-3 inputs query kernel ``(dim, heads, key_dim)``,
    output kernel ``(heads, value_dim, out_dim)``.

    Args:
        num_heads: number of heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value; default ``key_dim``.
        dropout: dropout rate on the attention probabilities.
        use_bias: whether the projections have biases.
        output_shape: output size(s) without batch and attention axes;
            default the query's last dimension.
        attention_axes: axes attention runs over (default all but batch,
            heads and features).
        sliding_window: if set, each query attends only to keys less than
            this many steps away (only earlier ones with a causal mask).
        flash_attention: accepted for Keras compatibility; kc picks the
            computation itself.
        kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint,
            bias_constraint: for the projections.
        use_gate: multiply each head's output by ``sigmoid(gate(query))``.
        seed: int seed of the dropout.

    Call arguments:
        query, value, key: ``(batch, Tq, dim)``, ``(batch, Tv, dim)``, key
            defaults to value.
        query_mask, value_mask, key_mask: bool ``(batch, T)`` padding masks;
            default the inputs' own masks.
        attention_mask: bool ``(batch, Tq, Tv)``; True means "attend".
        return_attention_scores: also return the ``(batch, heads, Tq, Tv)`` probabilities.
        training: whether dropout applies.
        use_causal_mask: query i attends only to keys j <= i.

    Example:
        >>> x = np.ones((2, 4, 8), "float32")
        >>> out, scores = kc.layers.MultiHeadAttention(2, 4)(x, x, return_attention_scores=True)
        >>> scores.shape
        (2, 2, 4, 4)
    """

    _keras_module = "keras.layers"

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = f"{type(self).__name__} '{self.name}'"
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim), ("value_dim", value_dim)):
            if value is None and arg == "value_dim":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{where}: {arg} must be a positive int, got {value!r}.")
        if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError(f"{where}: sliding_window must be a positive int or None, got {sliding_window!r}.")
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim is not None else key_dim
        self._dropout = check_rate(self, dropout, "dropout")
        self._use_bias = bool(use_bias)
        self._output_shape = output_shape
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None:
            attention_axes = tuple(attention_axes)
        self._attention_axes = attention_axes
        self._sliding_window = sliding_window
        self._flash_attention = flash_attention
        set_weight_args(self, locals(), "kernel", "bias", private=True)
        self._use_gate = bool(use_gate)
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    def _dense(self, equation, output_shape, bias_axes, name, activation=None):
        return einsum_projection(self, equation, output_shape, bias_axes, name, activation,
                                 private=True)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        where = f"{type(self).__name__} '{self.name}'"
        if len(query_shape) < 3:
            raise ValueError(f"{where}: query must have rank >= 3 (batch, steps..., features), got "
                             f"shape {tuple(query_shape)}.")
        if tuple(key_shape[:-1])[1:] != tuple(value_shape[:-1])[1:] and key_shape is not value_shape:
            raise ValueError(f"{where}: key and value must have the same shape except the last "
                             f"axis, got key {tuple(key_shape)} and value {tuple(value_shape)}.")
        q_rank = len(query_shape)
        eq, bias, rank = projection_equation(q_rank - 1, 1, 2)
        self._query_dense = self._dense(eq, [None] * (rank - 3) + [self._num_heads, self._key_dim],
                                        bias, "query")
        self._query_dense.build(query_shape)
        eq_k, bias_k, rank_k = projection_equation(len(key_shape) - 1, 1, 2)
        self._key_dense = self._dense(eq_k, [None] * (rank_k - 3) + [self._num_heads, self._key_dim],
                                      bias_k, "key")
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._dense(
                eq, [None] * (rank - 3) + [self._num_heads, self._value_dim], bias, "gate",
                activation="sigmoid")
            self._gate_dense.build(query_shape)
        eq_v, bias_v, rank_v = projection_equation(len(value_shape) - 1, 1, 2)
        self._value_dense = self._dense(
            eq_v, [None] * (rank_v - 3) + [self._num_heads, self._value_dim], bias_v, "value")
        self._value_dense.build(value_shape)

        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a % (rank - 1) if a < 0 else a for a in self._attention_axes)
        self._dot_product_equation, self._combine_equation, scores_rank = attention_equations(
            rank, self._attention_axes)
        n = len(self._attention_axes)
        self._softmax_axes = tuple(range(scores_rank - n, scores_rank))
        self._dropout_layer = Dropout(rate=self._dropout, seed=self.seed, dtype=self.dtype_policy)

        if self._output_shape is None:
            out_dims = [query_shape[-1]]
        elif isinstance(self._output_shape, int):
            out_dims = [self._output_shape]
        else:
            out_dims = list(self._output_shape)
        free = q_rank - 1
        i, o = _LETTERS[:free], _LETTERS[free + 2:free + 2 + len(out_dims)]
        hv = _LETTERS[free:free + 2]
        self._output_dense = self._dense(
            f"{i}{hv},{hv}{o}->{i}{o}", [None] * (free - 1) + out_dims, o, "attention_output")
        projected = tuple(query_shape[:-1]) + (self._num_heads, self._value_dim)
        self._output_dense.build(projected)

    @property
    def query_dense(self):
        return self._query_dense

    @property
    def key_dense(self):
        return self._key_dense

    @property
    def value_dense(self):
        return self._value_dense

    @property
    def output_dense(self):
        return self._output_dense

    def _compute_attention_mask(self, query, value, query_mask, value_mask, key_mask,
                                attention_mask, use_causal_mask):
        auto = None
        if query_mask is not None:
            auto = ops.expand_dims(ops.cast(query_mask, "bool"), -1)  # (B, T, 1)
        for m in (value_mask, key_mask):
            if m is not None:
                m = ops.expand_dims(ops.cast(m, "bool"), -2)  # (B, 1, S)
                auto = m if auto is None else ops.logical_and(auto, m)
        q_len, v_len = ops.shape(query)[1], ops.shape(value)[1]
        if use_causal_mask:
            c = causal_mask(q_len, v_len)
            auto = c if auto is None else ops.logical_and(auto, c)
        if self._sliding_window is not None:
            w = window_mask(q_len, v_len, self._sliding_window, use_causal_mask)
            auto = w if auto is None else ops.logical_and(auto, w)
        if auto is not None:
            attention_mask = auto if attention_mask is None else ops.logical_and(
                ops.cast(attention_mask, "bool"), auto)
        return attention_mask

    def _compute_attention(self, query, key, value, attention_mask=None, training=None):
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, key, query)
        mask = None
        if attention_mask is not None:
            mask = ops.cast(attention_mask, "bool")
            axis = -len(self._attention_axes) * 2 - 1
            for _ in range(len(scores.shape) - len(mask.shape)):
                mask = ops.expand_dims(mask, axis)
        probs = masked_softmax(scores, mask, self._softmax_axes)
        dropped = self._dropout_layer(probs, training=training) if self._dropout > 0 else probs
        return ops.einsum(self._combine_equation, dropped, value), probs

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        key, attention_mask = call_mask(self, query, value, key, query_mask, value_mask, key_mask,
                                        attention_mask, use_causal_mask)
        q = self._query_dense(query)
        k = self._key_dense(key)
        v = self._value_dense(value)
        out, probs = self._compute_attention(q, k, v, attention_mask, training)
        if self._use_gate:
            out = ops.multiply(out, self._gate_dense(query))
        out = self._output_dense(out)
        if return_attention_scores:
            return out, probs
        return out

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        if self._output_shape is None:
            out_dims = (query_shape[-1],)
        elif isinstance(self._output_shape, int):
            out_dims = (self._output_shape,)
        else:
            out_dims = tuple(self._output_shape)
        return tuple(query_shape[:-1]) + out_dims

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None,
                            key_mask=None, attention_mask=None, return_attention_scores=False,
                            training=None, use_causal_mask=False):
        from kc.ops import KerasTensor

        key = value if key is None else key
        out = KerasTensor(self.compute_output_shape(query.shape, value.shape, key.shape),
                          dtype=self.compute_dtype)
        if not return_attention_scores:
            return out
        q, k = tuple(query.shape), tuple(key.shape)
        axes = self._attention_axes or tuple(range(1, len(q) - 1))
        projected = q[:-1] + (self._num_heads,)
        batch = tuple(projected[i] for i in range(len(projected)) if i not in axes)
        scores = batch + tuple(q[a] for a in axes) + tuple(k[a] for a in axes)
        return out, KerasTensor(scores, dtype=self.compute_dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            **weight_args_config(self, "kernel", "bias", private=True),
            "seed": self.seed,
        }


def call_mask(layer, query, value, key, query_mask, value_mask, key_mask, attention_mask,
              use_causal_mask) -> tuple:
    """``(key, mask)`` for a call of an attention ``layer``: ``key`` defaults to ``value``;
    masks not given are read from the inputs' Keras masks, then combined with
    ``attention_mask`` and the causal mask by `MultiHeadAttention._compute_attention_mask`."""
    if key is None:
        key = value
    query_mask = get_keras_mask(query) if query_mask is None else query_mask
    value_mask = get_keras_mask(value) if value_mask is None else value_mask
    if key_mask is None and key is not value:
        key_mask = get_keras_mask(key)
    return key, MultiHeadAttention._compute_attention_mask(
        layer, query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
