"""`Concatenate` and `Dot` merging layers, and their functional forms.

Example:
    >>> kc.layers.Concatenate()([np.ones((2, 3)), np.ones((2, 4))]).shape
    (2, 7)
    >>> kc.layers.Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 1)
"""

from __future__ import annotations

import math

from kc import ops
from kc.layers.merging._merge import Merge, _where


class Concatenate(Merge):
    """Concatenates a list of inputs along ``axis``.

    Args:
        axis: the concatenation axis; the other dimensions must agree.

    Masks: inputs without a mask count as all-True; the output mask is the
    concatenated input masks (broadcast to the input shapes), reduced with OR over
    the last axis, as in Keras 3.

    Example:
        >>> kc.layers.Concatenate(axis=1)([np.ones((2, 3, 4)), np.ones((2, 1, 4))]).shape
        (2, 4, 4)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes) or not -rank <= self.axis < rank:
            raise ValueError(f"{_where(self)}: inputs must have the same rank and axis {self.axis} "
                             f"must exist; got input shapes {shapes}.")
        axis = self.axis % rank
        out = list(shapes[0])
        for s in shapes[1:]:
            for i, (a, b) in enumerate(zip(out, s)):
                if i == axis:
                    out[i] = None if a is None or b is None else a + b
                elif a is None:
                    out[i] = b
                elif b is not None and a != b:
                    raise ValueError(
                        f"{_where(self)}: inputs must have matching shapes except on the "
                        f"concatenation axis {self.axis}; got input shapes {shapes}.")
        return tuple(out)

    def call(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, previous_mask):
        if previous_mask is None:
            return None
        if not isinstance(previous_mask, (list, tuple)) or len(previous_mask) != len(inputs):
            raise ValueError(f"{_where(self)}: `mask` must be a list with one mask per input.")
        if all(m is None for m in previous_mask):
            return None
        masks = []
        for x, m in zip(inputs, previous_mask):
            if m is None:
                masks.append(ops.ones_like(x, dtype="bool"))
                continue
            while len(m.shape) < len(x.shape):
                m = ops.expand_dims(m, -1)
            masks.append(ops.broadcast_to(m, x.shape))
        return ops.any(ops.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """Batched dot product of two inputs over the given axes.

    Args:
        axes: an int, or a pair of ints (one axis per input); axis 0 is the batch.
        normalize: L2-normalize both inputs along their dot axes first, giving the
            cosine similarity.

    A result with no axis left besides the batch gets a trailing axis of size 1:
    (batch, n) . (batch, n) gives (batch, 1).

    Example:
        >>> kc.layers.Dot(axes=(2, 1))([np.ones((2, 3, 4)), np.ones((2, 4, 5))]).shape
        (2, 3, 5)
    """

    _exact_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, int) and not isinstance(axes, bool):
            pass
        elif not (isinstance(axes, (list, tuple)) and len(axes) == 2
                  and all(isinstance(a, int) for a in axes)):
            raise TypeError(f"{_where(self)}: `axes` must be an int or a list/tuple of two ints, "
                            f"got axes={axes!r}.")
        self.axes = axes
        self.normalize = bool(normalize)

    def _pair(self, rank_a: int, rank_b: int) -> tuple:
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        return axes[0] % rank_a, axes[1] % rank_b

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        a, b = (tuple(s) for s in input_shape)
        ax, bx = self._pair(len(a), len(b))
        if a[ax] is not None and b[bx] is not None and a[ax] != b[bx]:
            raise ValueError(f"{_where(self)}: the dot axes must have equal sizes; got {a[ax]} (axis "
                             f"{ax} of {a}) and {b[bx]} (axis {bx} of {b}).")
        rest = a[1:ax] + a[ax + 1:] + b[1:bx] + b[bx + 1:]
        return (a[0] if a[0] is not None else b[0],) + (rest or (1,))

    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"{_where(self)}: expects exactly 2 inputs, got {len(inputs)}.")
        x, y = inputs
        ax, bx = self._pair(len(x.shape), len(y.shape))
        if self.normalize:
            x = ops.normalize(x, axis=ax)
            y = ops.normalize(y, axis=bx)
        x = ops.moveaxis(x, ax, -1)       # (batch, *x_rest, k)
        y = ops.moveaxis(y, bx, 1)        # (batch, k, *y_rest)
        x_rest, y_rest = tuple(x.shape[1:-1]), tuple(y.shape[2:])
        k = x.shape[-1]
        x = ops.reshape(x, (-1, math.prod(x_rest), k))
        y = ops.reshape(y, (-1, k, math.prod(y_rest)))
        out = ops.matmul(x, y)
        return ops.reshape(out, (-1,) + (x_rest + y_rest or (1,)))

    def compute_mask(self, inputs, previous_mask):
        return None

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: ``Concatenate(axis=axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """Functional form of `Dot`: ``Dot(axes=axes, **kwargs)(inputs)``."""
    return Dot(axes=axes, **kwargs)(inputs)
