"""Layers that rearrange elements: `Flatten`, `Reshape`, `Permute`, `RepeatVector`.

Example:
    >>> kc.layers.Reshape((3, -1))(np.ones((2, 12), "float32")).shape
    (2, 3, 4)
"""

from __future__ import annotations

import math

from kc import ops
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.convolutional import _args


def _product(dims):
    return None if any(d is None for d in dims) else math.prod(dims)


class Flatten(Layer):
    """Flattens every dimension but the batch one.

    Args:
        data_format: "channels_first" inputs are moved to channels_last order first,
            so the flattened order matches a channels_last model; None means
            `kc.config.image_data_format()`.

    Example:
        >>> kc.layers.Flatten()(np.ones((2, 3, 4), "float32")).shape
        (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _args.data_format(data_format, _args.layer_where(self))
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        rank = len(inputs.shape)
        if self.data_format == "channels_first" and rank > 2:
            inputs = ops.transpose(inputs, (0, *range(2, rank), 1))
        size = _product(inputs.shape[1:])
        if size is not None:
            return ops.reshape(inputs, (-1, size))
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) == 1:
            return (input_shape[0], 1)
        return (input_shape[0], _product(input_shape[1:]))

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes the non-batch dimensions to ``target_shape``.

    Args:
        target_shape: tuple of ints without the batch dimension; one entry may be -1,
            inferred from the input size.

    Example:
        >>> kc.layers.Reshape((2, 6))(np.ones((3, 12), "float32")).shape
        (3, 2, 6)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        where = _args.layer_where(self)
        try:
            target = tuple(target_shape)
        except TypeError:
            target = None
        if target is None or not all(_args._is_int(d) and (d > 0 or d == -1) for d in target):
            raise ValueError(f"{where}: `target_shape` must be a tuple of positive ints (one may be "
                             f"-1), got target_shape={target_shape!r}.")
        if target.count(-1) > 1:
            raise ValueError(f"{where}: `target_shape` may hold at most one unknown dimension (-1), "
                             f"got target_shape={target}.")
        self.target_shape = target
        self.built = True  # no weights: built from the start, as in Keras

    def _resolve(self, input_shape) -> tuple:
        """``target_shape`` with -1 replaced by its size (None when the input size is unknown)."""
        input_shape = tuple(input_shape)
        size = _product(input_shape[1:])
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 not in self.target_shape:
            if size is not None and size != known:
                raise ValueError(
                    f"{_args.layer_where(self)}: cannot reshape an input of shape {input_shape} "
                    f"({size} elements per sample) to target_shape {self.target_shape} "
                    f"({known} elements).")
            return self.target_shape
        if size is None:
            return tuple(None if d == -1 else d for d in self.target_shape)
        if size % known:
            raise ValueError(
                f"{_args.layer_where(self)}: cannot reshape an input of shape {input_shape} "
                f"({size} elements per sample) to target_shape {self.target_shape}: {size} is not "
                f"a multiple of {known}.")
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs):
        target = self._resolve(inputs.shape)
        if None in target:
            return ops.reshape(inputs, (inputs.shape[0],) + self.target_shape)
        return ops.reshape(inputs, (-1,) + target)

    def compute_output_shape(self, input_shape):
        return (tuple(input_shape)[0],) + self._resolve(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the non-batch dimensions.

    Args:
        dims: a permutation of ``1..rank-1`` (the batch axis 0 stays first).

    Example:
        >>> kc.layers.Permute((2, 1))(np.ones((4, 3, 5), "float32")).shape
        (4, 5, 3)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            dims = tuple(dims)
        except TypeError:
            dims = (dims,)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"{_args.layer_where(self)}: `dims` must be a permutation of the "
                             f"non-batch axes 1..{len(dims)}, got dims={dims!r}.")
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats a (batch, features) input ``n`` times: output (batch, n, features).

    Args:
        n: the number of repetitions.

    Example:
        >>> kc.layers.RepeatVector(3)(np.ones((2, 4), "float32")).shape
        (2, 3, 4)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not _args._is_int(n) or n <= 0:
            raise ValueError(f"{_args.layer_where(self)}: `n` must be a positive int, got n={n!r}.")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}
