"""`Input` and `InputLayer`: the entry points of functional models.

Example:
    >>> x = kc.Input(shape=(784,), name="pixels")
    >>> x.shape
    (None, 784)
"""

from __future__ import annotations

from kc import backend
from kc.layers._layer import Layer
from kc.ops import KerasTensor
from kc.ops._operation import Node


class InputLayer(Layer):
    """The layer behind `kc.Input`: it holds one symbolic input tensor.

    Args:
        shape: shape without the batch dimension, e.g. ``(32,)``.
        batch_size: optional fixed batch size.
        dtype: input dtype; default floatx.
        sparse, ragged: whether the input is sparse / ragged.
        batch_shape: full shape with the batch dimension (instead of shape).
        input_tensor: an existing KerasTensor to use as the input.
        optional: whether the input may be None.
        name: the layer's name (default "input_layer", "input_layer_1", ...).
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
                 batch_shape=None, input_tensor=None, optional=False, name=None, **kwargs):
        kwargs.pop("input_shape", None)
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "InputLayer: pass either `shape` or `batch_shape`, not both "
                f"(got shape={shape}, batch_shape={batch_shape})."
            )
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(
                    f"InputLayer '{self.name}': input_tensor must be a KerasTensor, "
                    f"got {type(input_tensor).__name__}."
                )
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype
            sparse = input_tensor.sparse if sparse is None else sparse
        if batch_shape is None:
            if shape is None:
                raise ValueError(f"InputLayer '{self.name}': you must pass a `shape` argument.")
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self._dtype = backend.standardize_dtype(dtype or backend.floatx())
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = bool(optional)
        self.built = True
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._dtype, sparse=self.sparse,
                                       ragged=self.ragged, name=self.name)
        self._input_tensor = input_tensor
        Node(self, call_args=(), call_kwargs={}, outputs=input_tensor)

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    @property
    def dtype(self) -> str:
        return self._dtype

    def call(self):
        return None

    def get_config(self) -> dict:
        return {"batch_shape": self._batch_shape, "dtype": self._dtype, "sparse": self.sparse,
                "ragged": self.ragged, "name": self.name, "optional": self.optional}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
          name=None, tensor=None, optional=False) -> KerasTensor:
    """A symbolic input tensor for a functional model.

    Args:
        shape: shape without the batch dimension, e.g. ``(32,)``; None
            entries are sizes unknown until data arrives.
        batch_size: optional fixed batch size.
        dtype: dtype name; default floatx.
        sparse, ragged: whether the input is sparse / ragged.
        batch_shape: full shape including the batch dimension.
        name: the input layer's name (also the input's key in dict inputs).
        tensor: an existing KerasTensor to wrap.
        optional: whether the input may be None.

    Example:
        >>> inputs = kc.Input(shape=(28, 28, 1))
        >>> outputs = kc.layers.Flatten()(inputs)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       ragged=ragged, batch_shape=batch_shape, input_tensor=tensor,
                       optional=optional, name=name)
    return layer.output


def get_source_inputs(tensor) -> list:
    """The `Input` tensors that a symbolic tensor is computed from, in graph order.

    Example:
        >>> a, b = kc.Input((2,)), kc.Input((2,))
        >>> out = kc.layers.Add()([a, kc.layers.Dense(2)(b)])
        >>> kc.utils.get_source_inputs(out) == [a, b]
        True
    """
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return [tensor]  # not produced by a layer or op: its own source
    sources, seen = [], set()
    stack = [tensor]
    while stack:
        current = stack.pop()
        op, node_index, _ = current._keras_history
        node = op._inbound_nodes[node_index]
        if node.is_input or not node.input_tensors:
            if id(current) not in seen:
                seen.add(id(current))
                sources.append(current)
            continue
        stack.extend(reversed([t for t in node.input_tensors
                               if getattr(t, "_keras_history", None) is not None]))
    return sources
