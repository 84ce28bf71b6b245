"""`KerasTensor`: a symbolic tensor with a shape (None for unknown dims) and a dtype.

Symbolic tensors flow through `kc.ops` and layers to build functional models;
each remembers the operation that made it (``_keras_history``).
"""

from __future__ import annotations

from kc.backend.common.naming import auto_name
from kc.dtypes import standardize_dtype


def _standardize_shape(shape) -> tuple:
    if shape is None:
        raise ValueError("KerasTensor: shape must be a tuple, got None.")
    if hasattr(shape, "as_list"):  # tf.TensorShape
        shape = shape.as_list()
    if isinstance(shape, int):
        shape = (shape,)
    out = []
    for d in shape:
        if d is None:
            out.append(None)
            continue
        if hasattr(d, "value"):  # tf Dimension
            d = d.value
        try:
            ok = int(d) == d and int(d) >= 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(
                f"KerasTensor: shape entries must be non-negative ints or None, got {tuple(shape)!r}."
            )
        out.append(int(d))
    return tuple(out)


class KerasTensor:
    """A symbolic tensor: shape and dtype, no values.

    Args:
        shape: tuple of ints or None (unknown size).
        dtype: dtype name, default "float32".
        sparse: whether it stands for a sparse tensor.
        ragged: whether it stands for a ragged tensor.
        record_history: whether ops on it are recorded in the graph.
        name: optional name.

    Example:
        >>> x = kc.KerasTensor((None, 3))
        >>> kc.ops.sum(x, axis=0).shape
        (3,)
    """

    __array_priority__ = 1000  # numpy scalars defer to our operators
    _kc_symbolic = True

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False,
                 record_history=True, name=None):
        self._shape = _standardize_shape(shape)
        self._dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.record_history = record_history
        self.name = name or auto_name("keras_tensor")
        self._keras_history = None  # (operation, node_index, tensor_index)

    @property
    def shape(self) -> tuple:
        return self._shape

    @shape.setter
    def shape(self, value):
        raise AttributeError(
            "KerasTensor.shape cannot be set; make a new tensor with kc.KerasTensor(shape, dtype)."
        )

    @property
    def dtype(self) -> str:
        return self._dtype

    @dtype.setter
    def dtype(self, value):
        raise AttributeError("KerasTensor.dtype cannot be set; use kc.ops.cast.")

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def __len__(self):
        if not self._shape or self._shape[0] is None:
            raise TypeError(f"len() of symbolic tensor {self.name!r} with shape {self._shape} is unknown.")
        return self._shape[0]

    def __repr__(self):
        return f"<KerasTensor shape={self._shape}, dtype={self._dtype}, sparse={self.sparse}, name={self.name}>"

    def __iter__(self):
        raise TypeError(
            f"Iterating over symbolic tensor {self.name!r} is not supported; use kc.ops.unstack."
        )

    def __bool__(self):
        raise TypeError(
            f"The truth value of symbolic tensor {self.name!r} is unknown; use kc.ops.cond or kc.ops.where."
        )

    def __array__(self, *args, **kwargs):
        raise TypeError(
            f"Symbolic tensor {self.name!r} has no values: it cannot become a NumPy array. "
            "Symbolic tensors are for building models (kc.Input, functional API); call the model on data "
            "to get values."
        )

    def __hash__(self):
        return id(self)

    # Operators, each one `kc.ops` call.
    def __add__(self, other):
        from kc import ops
        return ops.add(self, other)

    def __radd__(self, other):
        from kc import ops
        return ops.add(other, self)

    def __sub__(self, other):
        from kc import ops
        return ops.subtract(self, other)

    def __rsub__(self, other):
        from kc import ops
        return ops.subtract(other, self)

    def __mul__(self, other):
        from kc import ops
        return ops.multiply(self, other)

    def __rmul__(self, other):
        from kc import ops
        return ops.multiply(other, self)

    def __matmul__(self, other):
        from kc import ops
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        from kc import ops
        return ops.matmul(other, self)

    def __truediv__(self, other):
        from kc import ops
        return ops.true_divide(self, other)

    def __rtruediv__(self, other):
        from kc import ops
        return ops.true_divide(other, self)

    def __floordiv__(self, other):
        from kc import ops
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        from kc import ops
        return ops.floor_divide(other, self)

    def __mod__(self, other):
        from kc import ops
        return ops.mod(self, other)

    def __rmod__(self, other):
        from kc import ops
        return ops.mod(other, self)

    def __pow__(self, other):
        from kc import ops
        return ops.power(self, other)

    def __rpow__(self, other):
        from kc import ops
        return ops.power(other, self)

    def __neg__(self):
        from kc import ops
        return ops.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        from kc import ops
        return ops.absolute(self)

    def __invert__(self):
        from kc import ops
        return ops.logical_not(self) if self._dtype == "bool" else ops.bitwise_invert(self)

    def __and__(self, other):
        from kc import ops
        return ops.logical_and(self, other) if self._dtype == "bool" else ops.bitwise_and(self, other)

    def __rand__(self, other):
        return self.__and__(other)

    def __or__(self, other):
        from kc import ops
        return ops.logical_or(self, other) if self._dtype == "bool" else ops.bitwise_or(self, other)

    def __ror__(self, other):
        return self.__or__(other)

    def __xor__(self, other):
        from kc import ops
        return ops.logical_xor(self, other) if self._dtype == "bool" else ops.bitwise_xor(self, other)

    def __rxor__(self, other):
        return self.__xor__(other)

    def __lt__(self, other):
        from kc import ops
        return ops.less(self, other)

    def __le__(self, other):
        from kc import ops
        return ops.less_equal(self, other)

    def __gt__(self, other):
        from kc import ops
        return ops.greater(self, other)

    def __ge__(self, other):
        from kc import ops
        return ops.greater_equal(self, other)

    def __ne__(self, other):
        from kc import ops
        return ops.not_equal(self, other)

    def __eq__(self, other):
        from kc import ops
        return ops.equal(self, other)

    def __getitem__(self, key):
        from kc import ops
        return ops.get_item(self, key)

    @property
    def T(self):
        from kc import ops
        return ops.transpose(self)

    def reshape(self, newshape):
        from kc import ops
        return ops.reshape(self, newshape)

    def squeeze(self, axis=None):
        from kc import ops
        return ops.squeeze(self, axis=axis)

    def astype(self, dtype):
        from kc import ops
        return ops.cast(self, dtype)


def any_symbolic(*structures) -> bool:
    """True when any leaf of the given structures is a KerasTensor."""
    for s in structures:
        if isinstance(s, KerasTensor):
            return True
        if isinstance(s, (list, tuple)):
            if any_symbolic(*s):
                return True
        elif isinstance(s, dict):
            if any_symbolic(*s.values()):
                return True
    return False
