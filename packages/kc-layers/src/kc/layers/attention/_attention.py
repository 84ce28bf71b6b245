"""Dot-product (Luong) and additive (Bahdanau) attention: `Attention`, `AdditiveAttention`.

Example:
    >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
    >>> kc.layers.Attention()([q, v]).shape
    (2, 3, 4)
"""

from __future__ import annotations

from kc import dtypes, ops, random
from kc.layers._layer import Layer
from kc.layers.regularization._dropout import check_rate

_SCORE_MODES = ("dot", "concat")


def causal_mask(q_len, k_len):
    """Bool ``(1, q_len, k_len)``: query step i sees key steps j <= i."""
    rows = ops.expand_dims(ops.arange(q_len), -1)
    cols = ops.expand_dims(ops.arange(k_len), 0)
    return ops.expand_dims(ops.greater_equal(rows, cols), 0)


def large_negative(dtype) -> float:
    return -65504.0 if dtypes.standardize_dtype(dtype) == "float16" else -1.0e9


class Attention(Layer):
    """Dot-product attention: ``softmax(query @ key.T) @ value``.

    Called on ``[query, value]`` or ``[query, value, key]`` (key defaults to
    value), with shapes ``(batch, Tq, dim)``, ``(batch, Tv, dim)``.

    Args:
        use_scale: learn a scalar ``scale`` multiplying the scores.
        score_mode: "dot" (``q @ k.T``) or "concat"
            (``concat_score_weight * sum(tanh(scale * (q + k)), -1)``).
        dropout: dropout rate on the attention weights (training only).
        seed: int seed of the dropout.

    Call arguments:
        inputs: ``[query, value]`` or ``[query, value, key]``.
        mask: ``[query_mask, value_mask]`` (bool, ``(batch, Tq)`` and
            ``(batch, Tv)``); taken from the inputs' masks when not given.
        training: whether dropout applies.
        return_attention_scores: also return the attention weights.
        use_causal_mask: query step i attends only to value steps <= i.

    Example:
        >>> q = np.ones((1, 2, 4), "float32")
        >>> out, scores = kc.layers.Attention()([q, q], return_attention_scores=True)
    """

    _keras_module = "keras.layers"

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in _SCORE_MODES:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': score_mode must be one of {_SCORE_MODES}, "
                f"got {score_mode!r}."
            )
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = check_rate(self, dropout, "dropout")
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.scale = None
        self.concat_score_weight = None
        self.supports_masking = True

    def build(self, input_shape):
        self._check_shapes(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight", shape=(), initializer="ones")

    def _check_shapes(self, input_shape):
        where = f"{type(self).__name__} '{self.name}'"
        if not isinstance(input_shape, (list, tuple)) or not input_shape or \
                not isinstance(input_shape[0], (list, tuple)) or len(input_shape) not in (2, 3):
            raise ValueError(
                f"{where}: must be called on a list [query, value] or [query, value, key], "
                f"got input shape(s) {input_shape!r}."
            )
        q, v = input_shape[0], input_shape[1]
        k = input_shape[2] if len(input_shape) == 3 else v
        if q[-1] is not None and k[-1] is not None and q[-1] != k[-1]:
            raise ValueError(
                f"{where}: query and key must have the same last dimension, got query shape "
                f"{tuple(q)} and key shape {tuple(k)}."
            )

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -1, -2))
            if self.scale is not None:
                scores = ops.multiply(scores, self.scale.value)
            return scores
        summed = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if self.scale is not None:
            summed = ops.multiply(summed, self.scale.value)
        return ops.multiply(self.concat_score_weight.value, ops.sum(ops.tanh(summed), axis=-1))

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': must be called on a list [query, value] or "
                f"[query, value, key], got {type(inputs).__name__}."
            )
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        q_mask = mask[0] if mask is not None else None
        v_mask = mask[1] if mask is not None and len(mask) > 1 else None
        scores = self._calculate_scores(query, key)
        score_mask = None
        if v_mask is not None:
            score_mask = ops.expand_dims(ops.cast(v_mask, "bool"), -2)
        if use_causal_mask:
            causal = causal_mask(ops.shape(scores)[-2], ops.shape(scores)[-1])
            score_mask = causal if score_mask is None else ops.logical_and(score_mask, causal)
        if score_mask is not None:
            scores = ops.add(scores, ops.multiply(
                ops.cast(ops.logical_not(score_mask), scores.dtype), large_negative(scores.dtype)))
        weights = ops.softmax(scores, axis=-1)
        dropped = weights
        if training and self.dropout > 0:
            dropped = random.dropout(weights, self.dropout, seed=self.seed_generator)
        result = ops.matmul(dropped, value)
        if q_mask is not None:
            result = ops.multiply(result, ops.expand_dims(ops.cast(q_mask, result.dtype), -1))
        if return_attention_scores:
            return result, weights
        return result

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape):
        self._check_shapes(input_shape)
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def compute_output_spec(self, inputs, mask=None, training=False, return_attention_scores=False,
                            use_causal_mask=False):
        from kc.ops import KerasTensor

        shapes = [tuple(x.shape) for x in inputs]
        out = KerasTensor(self.compute_output_shape(shapes), dtype=self.compute_dtype)
        if return_attention_scores:
            q, v = shapes[0], shapes[1]
            k = shapes[2] if len(shapes) == 3 else v
            return out, KerasTensor(q[:-1] + (k[-2],), dtype=self.compute_dtype)
        return out

    def get_config(self) -> dict:
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention: scores ``sum(scale * tanh(q + k), -1)``.

    Called like `Attention`.

    Args:
        use_scale: learn a per-dimension ``scale`` vector (default True).
        dropout: dropout rate on the attention weights.
        seed: int seed of the dropout.

    Example:
        >>> q = np.ones((1, 2, 4), "float32")
        >>> kc.layers.AdditiveAttention()([q, q]).shape
        (1, 2, 4)
    """

    _keras_module = "keras.layers"

    def __init__(self, use_scale=True, dropout=0.0, seed=None, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shape):
        self._check_shapes(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(input_shape[0][-1],),
                                         initializer="glorot_uniform")

    def _calculate_scores(self, query, key):
        summed = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.scale is not None:
            summed = ops.multiply(summed, self.scale.value)
        return ops.sum(summed, axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
