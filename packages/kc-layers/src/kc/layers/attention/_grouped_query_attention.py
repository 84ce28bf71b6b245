"""`GroupedQueryAttention` (`GroupQueryAttention`): attention where groups of query
heads share one key/value head (Ainslie et al., 2023).

Example:
    >>> gqa = kc.layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
    >>> gqa(np.ones((1, 3, 8), "float32"), np.ones((1, 5, 8), "float32")).shape
    (1, 3, 8)
"""

from __future__ import annotations

import math

from kc import ops
from kc.layers._layer import Layer
from kc.layers.attention._multi_head_attention import (
    call_mask, einsum_projection, masked_softmax)
from kc.layers.core._weight_args import set_weight_args, weight_args_config
from kc.layers.regularization._dropout import Dropout, check_rate


class GroupedQueryAttention(Layer):
    """Grouped-query attention on ``(batch, steps, features)`` inputs.

    ``num_query_heads`` query heads of size ``head_dim``; key and value have
    ``num_key_value_heads`` heads, each shared by
    ``num_query_heads // num_key_value_heads`` query heads. With equal counts
    this is multi-head attention, with one key/value head multi-query attention.

    Args:
        head_dim: size of each head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key/value heads; must divide ``num_query_heads``.
        dropout: dropout rate on the attention probabilities.
        use_bias: whether the projections have biases.
        sliding_window: if set, each query attends only to keys less than this
            many steps away.
        flash_attention: accepted for Keras compatibility.
        kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint,
            bias_constraint: for the projections.
        use_gate: multiply each head's output by ``sigmoid(gate(query))``.
        seed: int seed of the dropout.

    Call arguments: as for `MultiHeadAttention`.

    Example:
        >>> x = np.ones((2, 4, 8), "float32")
        >>> kc.layers.GroupQueryAttention(4, 4, 1)(x, x).shape
        (2, 4, 8)
    """

    _keras_module = "keras.layers"

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0,
                 use_bias=True, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = f"GroupedQueryAttention '{self.name}'"
        for arg, value in (("head_dim", head_dim), ("num_query_heads", num_query_heads),
                           ("num_key_value_heads", num_key_value_heads)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{where}: {arg} must be a positive int, got {value!r}.")
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                f"{where}: num_query_heads ({num_query_heads}) must be a multiple of "
                f"num_key_value_heads ({num_key_value_heads})."
            )
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = check_rate(self, dropout, "dropout")
        self.use_bias = bool(use_bias)
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention
        set_weight_args(self, locals(), "kernel", "bias")
        self.use_gate = bool(use_gate)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))

    def _dense(self, equation, output_shape, bias_axes, name, activation=None):
        return einsum_projection(self, equation, output_shape, bias_axes, name, activation)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"GroupedQueryAttention '{self.name}': {what} must have rank 3 "
                    f"(batch, steps, features), got shape {tuple(shape)}."
                )
        self.feature_dim = query_shape[-1]
        self._query_dense = self._dense("bqm,muh->bquh", (None, self.num_query_heads, self.head_dim),
                                        "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._dense("bkm,mvh->bkvh", (None, self.num_key_value_heads, self.head_dim),
                                      "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._dense(
                "bqm,muh->bquh", (None, self.num_query_heads, self.head_dim), "uh", "gate",
                activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._dense("bkm,mvh->bkvh", (None, self.num_key_value_heads, self.head_dim),
                                        "vh", "value")
        self._value_dense.build(value_shape)
        self._dropout_layer = Dropout(rate=self.dropout, seed=self.seed, dtype=self.dtype_policy)
        self._output_dense = self._dense("bquh,uhm->bqm", (None, self.feature_dim), "m",
                                         "attention_output")
        self._output_dense.build((query_shape[0], query_shape[1], self.num_query_heads, self.head_dim))

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        key, attention_mask = call_mask(self, query, value, key, query_mask, value_mask, key_mask,
                                        attention_mask, use_causal_mask)
        q = self._query_dense(query)
        k = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        v = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        q = ops.multiply(q, ops.cast(self._inverse_sqrt_head_dim, q.dtype))
        scores = ops.einsum("bquh,bkuh->buqk", q, k)
        mask = None
        if attention_mask is not None:
            mask = ops.expand_dims(ops.cast(attention_mask, "bool"), 1)
        probs = masked_softmax(scores, mask, (-1,))
        dropped = self._dropout_layer(probs, training=training) if self.dropout > 0 else probs
        out = ops.einsum("buqk,bkuh->bquh", dropped, v)
        if self.use_gate:
            out = ops.multiply(out, self._gate_dense(query))
        out = self._output_dense(out)
        if return_attention_scores:
            return out, probs
        return out

    @property
    def _sliding_window(self):
        return self.sliding_window

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        return tuple(query_shape)

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None,
                            key_mask=None, attention_mask=None, return_attention_scores=False,
                            training=None, use_causal_mask=False):
        from kc.ops import KerasTensor

        key = value if key is None else key
        out = KerasTensor(tuple(query.shape), dtype=self.compute_dtype)
        if not return_attention_scores:
            return out
        scores = (query.shape[0], self.num_query_heads, query.shape[1], key.shape[1])
        return out, KerasTensor(scores, dtype=self.compute_dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            **weight_args_config(self, "kernel", "bias"),
            "seed": self.seed,
        }


GroupQueryAttention = GroupedQueryAttention
