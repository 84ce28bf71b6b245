"""`Embedding` and `ReversibleEmbedding`: integer indices to dense vectors (and back).

Example:
    >>> layer = kc.layers.Embedding(10, 4, mask_zero=True)
    >>> layer(np.array([[1, 0]])).shape
    (1, 2, 4)
"""

from __future__ import annotations

from kc import constraints, dtypes, initializers, ops, regularizers
from kc.layers._layer import Layer
from kc.layers.core._lora import add_lora, lora_config, lora_delta


def _positive_int(layer_name: str, cls: str, arg: str, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{cls} '{layer_name}': {arg} must be a positive int, got {value!r}.")
    return value


def _read(variable):
    """The variable's value as a tensor (on TensorFlow `.value` is the tf.Variable itself,
    which kc.ops.take/transpose do not accept yet)."""
    value = variable.value
    if not hasattr(value, "ndim"):
        value = ops.reshape(value, tuple(value.shape))
    return value


class Embedding(Layer):
    """Turns non-negative integer indices into dense vectors of size ``output_dim``.

    Args:
        input_dim: vocabulary size (largest index + 1).
        output_dim: size of each embedding vector.
        embeddings_initializer: initializer of the ``embeddings`` matrix.
        embeddings_regularizer: optional regularizer of the matrix.
        embeddings_constraint: optional constraint of the matrix.
        mask_zero: whether index 0 is padding; the output then carries the
            mask ``inputs != 0``.
        weights: optional initial value of the matrix, ``(input_dim, output_dim)``.
        lora_rank: if set, LoRA is enabled at build time (see `enable_lora`).
        lora_alpha: LoRA scale numerator; default ``lora_rank``. (Keras 3.15 drops
            a ``lora_alpha`` given with ``lora_rank`` and scales by 1; kc uses it.)
        quantization_config: quantized embeddings are not supported in kc; must be None.

    Input shape ``(...)`` of ints gives output shape ``(..., output_dim)``.

    Example:
        >>> kc.layers.Embedding(10, 4)(np.array([[1, 2, 3]])).shape
        (1, 3, 4)
    """

    _keras_module = "keras.layers"

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 **kwargs):
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        self.input_dim = _positive_int(self.name, cls, "input_dim", input_dim)
        self.output_dim = _positive_int(self.name, cls, "output_dim", output_dim)
        if quantization_config is not None:
            raise NotImplementedError(
                f"{cls} '{self.name}': quantization_config is not supported in kc (quantized "
                f"layers are not implemented); got {quantization_config!r}."
            )
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self._initial_weights = weights

    def build(self, input_shape=None):
        self._embeddings = self.add_weight(
            name="embeddings", shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer, regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights if isinstance(self._initial_weights, list)
                             else [self._initial_weights])
            self._initial_weights = None
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def embeddings(self):
        """The embedding matrix: its variable, or with LoRA the tensor ``embeddings + a @ b * scale``."""
        if not self.lora_enabled:
            return self._embeddings
        return self._table()

    def _table(self):
        table = _read(self._embeddings)
        if self.lora_enabled:
            table = ops.add(table, lora_delta(self, self.lora_embeddings_a, self.lora_embeddings_b))
        return table

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze ``embeddings`` and learn a rank-``rank`` update of it instead.

        Adds ``lora_embeddings_a`` (input_dim, rank) and ``lora_embeddings_b``
        (rank, output_dim); the table used is ``embeddings + (lora_alpha / rank) * a @ b``.

        Example:
            >>> layer = kc.layers.Embedding(10, 4)
            >>> layer.build()
            >>> layer.enable_lora(2)
            >>> [w.path for w in layer.trainable_weights]
            ['embedding/lora_embeddings_a', 'embedding/lora_embeddings_b']
        """
        self.lora_embeddings_a, self.lora_embeddings_b = add_lora(
            self, "_embeddings", "lora_embeddings", rank, lora_alpha, a_initializer,
            b_initializer, self.embeddings_regularizer, self.embeddings_constraint,
            "embeddings_constraint")

    def quantize(self, mode=None, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__} '{self.name}': quantize(mode={mode!r}) is not supported in kc "
            "(quantized layers are not implemented).")

    def call(self, inputs):
        if not dtypes.standardize_dtype(inputs.dtype).startswith(("int", "uint")):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self._table(), inputs, axis=0)
        return ops.cast(outputs, self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
            **lora_config(self),
        }


class ReversibleEmbedding(Embedding):
    """An `Embedding` that can also map vectors back to vocabulary logits.

    ``layer(ids)`` embeds; ``layer(vectors, reverse=True)`` returns
    ``vectors @ embeddings.T`` (or ``@ reverse_embeddings`` when
    ``tie_weights=False``), of shape ``(..., input_dim)``.

    Args:
        input_dim, output_dim, embeddings_initializer, embeddings_regularizer,
            embeddings_constraint, mask_zero: as for `Embedding`.
        tie_weights: reuse the embedding matrix for the reverse projection;
            if False a separate ``reverse_embeddings`` weight
            ``(output_dim, input_dim)`` is learned.
        reverse_dtype: dtype of the reverse matmul (e.g. "float32" under a
            mixed policy); default: the compute dtype.
        logit_soft_cap: if set, logits become ``tanh(logits / cap) * cap``.

    Example:
        >>> layer = kc.layers.ReversibleEmbedding(10, 4)
        >>> layer(layer(np.array([[1, 2]])), reverse=True).shape
        (1, 2, 10)
    """

    _keras_module = "keras.layers"

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 reverse_dtype=None, logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero,
                         **kwargs)
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = dtypes.standardize_dtype(reverse_dtype) if reverse_dtype else None
        self.logit_soft_cap = logit_soft_cap

    def build(self, inputs_shape=None):
        super().build(inputs_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                name="reverse_embeddings", shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer, regularizer=self.embeddings_regularizer,
                constraint=self.embeddings_constraint)

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        if self.tie_weights:
            kernel = ops.transpose(self._table())
        else:
            kernel = self.reverse_embeddings.value
        if self.reverse_dtype is not None:
            inputs = ops.cast(inputs, self.reverse_dtype)
            kernel = ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            cap = self.logit_soft_cap
            logits = ops.multiply(ops.tanh(ops.divide(logits, cap)), cap)
        return logits

    def compute_mask(self, inputs, mask=None):
        return super().compute_mask(inputs, mask)

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape)[:-1] + (self.input_dim,)
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }
