"""`EinsumDense`: a dense layer whose contraction is any einsum equation.

Example:
    >>> layer = kc.layers.EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")
    >>> layer(np.ones((2, 5, 3), "float32")).shape
    (2, 5, 8)
"""

from __future__ import annotations

import re
import string

from kc import activations, ops
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.core._lora import add_lora, lora_config, lora_delta
from kc.layers.core._weight_args import add_weight_with_args, set_weight_args, weight_args_config

_EQUATION = re.compile(r"^([a-zA-Z.]+),([a-zA-Z]+)->([a-zA-Z.]+)$")


def analyze_einsum(equation: str, bias_axes, input_shape, output_shape, where: str):
    """Kernel shape, bias shape and full output shape of an `EinsumDense`.

    ``output_shape`` gives the output sizes without the batch axis and without
    the axes an ellipsis stands for; None entries are taken from the input.
    """
    match = _EQUATION.match(equation.replace(" ", ""))
    if match is None:
        raise ValueError(
            f"{where}: equation must look like 'ab,bc->ac' (input,kernel->output, letters and an "
            f"optional '...' in input and output), got {equation!r}."
        )
    inp, kernel, out = match.groups()
    if ("..." in inp) != ("..." in out) or inp.replace("...", "").count(".") or \
            out.replace("...", "").count("."):
        raise ValueError(
            f"{where}: equation {equation!r} must use '...' in both input and output or in neither."
        )
    input_shape = tuple(input_shape)
    free = [c for c in string.ascii_letters if c not in equation]
    n_elided = len(input_shape) - len(inp.replace("...", ""))
    if "..." in inp:
        if n_elided < 0:
            raise ValueError(f"{where}: input of shape {input_shape} has too few axes for {equation!r}.")
        fill = "".join(free[:n_elided])
        inp_full, out_full = inp.replace("...", fill), out.replace("...", fill)
    else:
        if n_elided != 0:
            raise ValueError(
                f"{where}: equation {equation!r} expects inputs of rank {len(inp)}, "
                f"got input shape {input_shape}."
            )
        fill, inp_full, out_full = "", inp, out
    sizes = dict(zip(inp_full, input_shape))
    explicit = [c for c in out_full if c not in fill]
    if not out.startswith("..."):
        explicit = explicit[1:]  # the first output axis is the batch axis
    partial = list(output_shape) if isinstance(output_shape, (list, tuple)) else [output_shape]
    if len(partial) != len(explicit):
        raise ValueError(
            f"{where}: output_shape {tuple(partial)} must give {len(explicit)} sizes (output axes "
            f"{''.join(explicit)!r} of {equation!r} besides the batch and '...' axes)."
        )
    for c, size in zip(explicit, partial):
        if size is None:
            continue
        if c in sizes and sizes[c] is not None and sizes[c] != size:
            raise ValueError(
                f"{where}: output_shape gives {size} for axis {c!r}, but the input shape "
                f"{input_shape} has {sizes[c]} there."
            )
        sizes.setdefault(c, size)
        if sizes[c] is None:
            sizes[c] = size
    for c in out_full:
        if c not in inp_full and c not in kernel:
            raise ValueError(f"{where}: output axis {c!r} of {equation!r} is in neither input nor kernel.")
    for c in kernel:
        if sizes.get(c) is None:
            raise ValueError(
                f"{where}: the size of kernel axis {c!r} of {equation!r} is not known from the "
                f"input shape {input_shape} or output_shape."
            )
    kernel_shape = tuple(sizes[c] for c in kernel)
    full_output = tuple(sizes.get(c) for c in out_full)
    bias_shape = None
    if bias_axes:
        for c in bias_axes:
            if c not in out_full:
                raise ValueError(
                    f"{where}: bias axis {c!r} is not an output axis of {equation!r}."
                )
        start = min(out_full.index(c) for c in bias_axes)
        bias_shape = tuple(sizes[c] if c in bias_axes else 1 for c in out_full[start:])
    return kernel_shape, bias_shape, full_output


def _input_spec(equation: str, input_shape) -> InputSpec:
    """Rank and contracted-axis sizes an input must keep after the layer is built."""
    inp, kernel, _ = _EQUATION.match(equation.replace(" ", "")).groups()
    if "..." not in inp:
        return InputSpec(ndim=len(input_shape), axes={
            i: input_shape[i] for i, c in enumerate(inp) if c in kernel})
    head, tail = inp.split("...")
    axes = {i: input_shape[i] for i, c in enumerate(head) if c in kernel}
    axes.update({i - len(tail): input_shape[i - len(tail)] for i, c in enumerate(tail) if c in kernel})
    return InputSpec(min_ndim=len(head) + len(tail), axes=axes)


class EinsumDense(Layer):
    """A dense layer computing ``einsum(equation, inputs, kernel) + bias``.

    Args:
        equation: ``"input,kernel->output"`` in einsum notation, e.g.
            ``"abc,cd->abd"``; ``...`` stands for leading or trailing axes.
        output_shape: output size(s) without the batch axis (and without
            the axes of ``...``); None entries are taken from the input.
        activation: activation function or name; None means linear.
        bias_axes: output letters the bias spans, or None for no bias.
        kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, kernel_constraint, bias_constraint: as for `Dense`.
        lora_rank: if set, LoRA is enabled at build time (see `enable_lora`).
        lora_alpha: LoRA scale numerator; default ``lora_rank``.
        gptq_unpacked_column_size, quantization_config: quantized layers are not
            supported in kc; must be None.

    Example:
        >>> kc.layers.EinsumDense("ab,bc->ac", output_shape=4)(np.ones((2, 3), "float32")).shape
        (2, 4)
    """

    _keras_module = "keras.layers"

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None,
                 gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(equation, str) or _EQUATION.match(equation.replace(" ", "")) is None:
            raise ValueError(
                f"EinsumDense '{self.name}': equation must look like 'ab,bc->ac', got {equation!r}."
            )
        if gptq_unpacked_column_size is not None or quantization_config is not None:
            raise NotImplementedError(
                f"EinsumDense '{self.name}': gptq_unpacked_column_size and quantization_config are "
                f"not supported in kc (quantized layers are not implemented); got "
                f"gptq_unpacked_column_size={gptq_unpacked_column_size!r}, "
                f"quantization_config={quantization_config!r}."
            )
        self.equation = equation
        self.partial_output_shape = (tuple(output_shape) if isinstance(output_shape, (list, tuple))
                                     else (output_shape,))
        self.activation = activations.get(activation)
        self.bias_axes = bias_axes
        set_weight_args(self, locals(), "kernel", "bias")
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.full_output_shape = None

    def build(self, input_shape):
        kernel_shape, bias_shape, full = analyze_einsum(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape,
            f"EinsumDense '{self.name}'")
        self.full_output_shape = full
        self.input_spec = _input_spec(self.equation, input_shape)
        self._kernel = add_weight_with_args(self, "kernel", kernel_shape)
        self.bias = None if bias_shape is None else add_weight_with_args(self, "bias", bias_shape)
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def kernel(self):
        """The kernel: its variable, or with LoRA the tensor ``kernel + (alpha / rank) * a @ b``."""
        if not self.lora_enabled:
            return self._kernel
        return ops.add(self._kernel.value, lora_delta(self, self.lora_kernel_a, self.lora_kernel_b))

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze ``kernel`` and learn a rank-``rank`` update of it instead.

        Adds ``lora_kernel_a`` (kernel.shape[:-1] + (rank,)) and ``lora_kernel_b``
        (rank, kernel.shape[-1]); the kernel used is ``kernel + (lora_alpha / rank) * a @ b``
        (``@`` contracting the last axis of ``a``).

        Example:
            >>> layer = kc.layers.EinsumDense("ab,bc->ac", output_shape=4)
            >>> layer.build((2, 3))
            >>> layer.enable_lora(2)
            >>> [tuple(w.shape) for w in layer.trainable_weights]
            [(3, 2), (2, 4)]
        """
        self.lora_kernel_a, self.lora_kernel_b = add_lora(
            self, "_kernel", "lora_kernel", rank, lora_alpha, a_initializer, b_initializer,
            self.kernel_regularizer, self.kernel_constraint, "kernel_constraint")

    def quantize(self, mode=None, **kwargs):
        raise NotImplementedError(
            f"EinsumDense '{self.name}': quantize(mode={mode!r}) is not supported in kc "
            "(quantized layers are not implemented).")

    def call(self, inputs, training=None):
        kernel = self.kernel
        x = ops.einsum(self.equation, inputs, kernel.value if kernel is self._kernel else kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias.value)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        _, _, full = analyze_einsum(self.equation, self.bias_axes, input_shape,
                                    self.partial_output_shape, f"EinsumDense '{self.name}'")
        return full

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            **weight_args_config(self, "kernel", "bias"),
            "quantization_config": None,
            **lora_config(self),
        }
