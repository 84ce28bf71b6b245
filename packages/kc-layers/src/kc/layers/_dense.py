"""`Dense`: ``activation(inputs @ kernel + bias)``, with optional LoRA.

Example:
    >>> layer = kc.layers.Dense(4, activation="relu")
    >>> layer(np.ones((2, 3), "float32")).shape
    (2, 4)
"""

from __future__ import annotations

from kc import activations, ops
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.core._lora import lora_config
from kc.layers.core._weight_args import add_weight_with_args, set_weight_args, weight_args_config


class Dense(Layer):
    """A densely connected layer on the last axis of its input.

    Args:
        units: output size.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers for the weights.
        kernel_regularizer, bias_regularizer: optional weight regularizers.
        activity_regularizer: optional regularizer of the output.
        kernel_constraint, bias_constraint: optional weight constraints.
        lora_rank: if set, the kernel is frozen and a trainable low-rank
            update ``(lora_alpha / lora_rank) * a @ b`` is learned.
        lora_alpha: LoRA scale numerator; default ``lora_rank``.
        quantization_config: quantized Dense is not supported yet; must be None.

    Input shape ``(..., input_dim)`` gives output shape ``(..., units)``.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Dense '{self.name}': units must be a positive int, got {units!r}.")
        if quantization_config is not None:
            raise NotImplementedError(
                f"Dense '{self.name}': quantization_config is not supported yet in kc."
            )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_args(self, locals(), "kernel", "bias")
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Dense '{self.name}': the last dimension of the input must be known, "
                f"got input shape {tuple(input_shape)}."
            )
        self._kernel = add_weight_with_args(self, "kernel", (input_dim, self.units))
        self.bias = add_weight_with_args(self, "bias", (self.units,)) if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def kernel(self):
        """The kernel, including the LoRA update when LoRA is enabled."""
        if not self.lora_enabled:
            return self._kernel
        scale = self.lora_alpha / self.lora_rank
        return ops.add(self._kernel, ops.multiply(
            ops.matmul(self.lora_kernel_a, self.lora_kernel_b), scale))

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze the kernel and learn a rank-``rank`` update of it instead."""
        if not self.built:
            raise ValueError(f"Dense '{self.name}': build the layer before enable_lora().")
        if self.lora_enabled:
            raise ValueError(f"Dense '{self.name}': LoRA is already enabled.")
        self._kernel.trainable = False
        self.lora_kernel_a = self.add_weight(
            name="lora_kernel_a", shape=(self._kernel.shape[0], rank), initializer=a_initializer,
            regularizer=self.kernel_regularizer)
        self.lora_kernel_b = self.add_weight(
            name="lora_kernel_b", shape=(rank, self.units), initializer=b_initializer,
            regularizer=self.kernel_regularizer)
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank
        self.lora_enabled = True

    def call(self, inputs):
        kernel = self.kernel
        x = ops.matmul(inputs, kernel.value if kernel is self._kernel else kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias.value)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:-1] + (self.units,)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_args_config(self, "kernel", "bias", activity=False),
            "quantization_config": None,
            **lora_config(self),
        }
