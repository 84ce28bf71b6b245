"""Element-wise merging layers: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`.

Inputs of lower rank get size-1 axes inserted after the batch axis; the
non-batch dimensions then broadcast (aligned on the right).

Example:
    >>> a, b = np.ones((2, 3), "float32"), np.full((2, 3), 2.0, "float32")
    >>> kc.layers.Add()([a, b])[0]
    array([3., 3., 3.], dtype=float32)
"""

from __future__ import annotations

from kc import ops
from kc.layers._layer import Layer


def _where(layer) -> str:
    return f"{type(layer).__name__} '{layer.name}'"


class Merge(Layer):
    """Base of the merging layers: a list of tensors in, one tensor out.

    Subclasses implement ``_merge_function(inputs)``. Masks: the output mask is the
    element-wise OR of the input masks (None when any input has no mask).
    """

    _exact_inputs: int | None = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_list(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(
                input_shape[0], (list, tuple)):
            raise ValueError(f"{_where(self)}: a merge layer must be called on a list of inputs, "
                             f"got input shape {input_shape!r} (not a list of shapes).")
        if self._exact_inputs is not None and len(input_shape) != self._exact_inputs:
            raise ValueError(f"{_where(self)}: expects exactly {self._exact_inputs} inputs, got "
                             f"{len(input_shape)} inputs of shapes {list(map(tuple, input_shape))}.")

    def build(self, input_shape):
        self._check_list(input_shape)
        self.compute_output_shape(input_shape)

    def _broadcast(self, a: tuple, b: tuple) -> tuple:
        """Right-aligned broadcast of two non-batch shapes (None: unknown)."""
        if len(a) < len(b):
            a, b = b, a
        out = list(a[:len(a) - len(b)])
        for i, j in zip(a[len(a) - len(b):], b):
            if i is None or j is None:
                out.append(None)
            elif i == 1 or j == 1 or i == j:
                out.append(j if i == 1 else i)
            else:
                raise ValueError(f"{_where(self)}: inputs have incompatible shapes; got non-batch "
                                 f"shapes {a} and {b}.")
        return tuple(out)

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        shapes = [tuple(s) for s in input_shape]
        batch = next((s[0] for s in shapes if s and s[0] is not None), None)
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = self._broadcast(out, s[1:])
        return (batch,) + out

    def call(self, inputs):
        inputs = list(inputs)
        rank = max(len(x.shape) for x in inputs)
        aligned = []
        for x in inputs:
            while len(x.shape) < rank:
                x = ops.expand_dims(x, 1)
            aligned.append(x)
        return self._merge_function(aligned)

    def _merge_function(self, inputs):
        raise NotImplementedError

    def compute_mask(self, inputs, previous_mask):
        if previous_mask is None:
            return None
        if not isinstance(previous_mask, (list, tuple)):
            raise ValueError(f"{_where(self)}: `mask` must be a list with one mask per input, got "
                             f"{type(previous_mask).__name__}.")
        if not isinstance(inputs, (list, tuple)) or len(inputs) != len(previous_mask):
            raise ValueError(f"{_where(self)}: `mask` must hold one mask per input; got "
                             f"{len(previous_mask)} masks.")
        if any(m is None for m in previous_mask):
            return None
        out = previous_mask[0]
        for m in previous_mask[1:]:
            out = ops.logical_or(out, m)
        return out


class Add(Merge):
    """Element-wise sum of a list of inputs.

    Example:
        >>> kc.layers.Add()([np.ones((2, 3)), np.ones((2, 3))]).shape
        (2, 3)
    """

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


class Subtract(Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs).

    Example:
        >>> kc.layers.Subtract()([np.ones((2, 3)), np.ones((2, 3))]).shape
        (2, 3)
    """

    _exact_inputs = 2

    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"{_where(self)}: expects exactly 2 inputs, got {len(inputs)}.")
        return super().call(inputs)

    def _merge_function(self, inputs):
        return ops.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """Element-wise product of a list of inputs.

    Example:
        >>> kc.layers.Multiply()([np.ones((2, 3)), np.ones((2, 3))]).shape
        (2, 3)
    """

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.multiply(out, x)
        return out


class Average(Merge):
    """Element-wise mean of a list of inputs.

    Example:
        >>> kc.layers.Average()([np.ones((2, 3)), np.zeros((2, 3))])[0, 0]
        0.5
    """

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return ops.divide(out, len(inputs))


class Maximum(Merge):
    """Element-wise maximum of a list of inputs.

    Example:
        >>> kc.layers.Maximum()([np.ones((2, 3)), np.zeros((2, 3))]).shape
        (2, 3)
    """

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.maximum(out, x)
        return out


class Minimum(Merge):
    """Element-wise minimum of a list of inputs.

    Example:
        >>> kc.layers.Minimum()([np.ones((2, 3)), np.zeros((2, 3))]).shape
        (2, 3)
    """

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.minimum(out, x)
        return out


def add(inputs, **kwargs):
    """Functional form of `Add`: ``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`: ``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`: ``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of `Average`: ``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`: ``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`: ``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)
