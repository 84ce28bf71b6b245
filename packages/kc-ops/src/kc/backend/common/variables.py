"""`Variable`: mutable, named state, the same API on every backend.

This module holds everything backend-independent: construction, naming,
validation, stateless reads and writes, operators. Each backend subclasses
`Variable` in ``kc/backend/<name>/variables.py`` and provides four hooks:

* ``_convert(value)``: a native tensor of the variable's dtype;
* ``_initialize(tensor)``: store the first value (a jax array, a
  ``torch.nn.Parameter``, a ``tf.Variable`` or a NumPy array);
* ``_read()``: the stored native value;
* ``_write(tensor)``: replace the stored value.
"""

from __future__ import annotations

import contextlib
import threading

from kc import config, dtypes
from kc.backend.common import scopes
from kc.backend.common.naming import auto_name

_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")
_SYNCHRONIZATIONS = ("none", "on_read", "on_write", "auto")


def _check_choice(value, choices: tuple, argument: str) -> str:
    value = "none" if value is None else value
    if value not in choices:
        raise ValueError(
            f"Variable: {argument} must be one of None, {', '.join(repr(c) for c in choices)}; "
            f"got {value!r}."
        )
    return value


def _check_name(name) -> str:
    if name is None:
        return auto_name("variable")
    if not isinstance(name, str) or "/" in name:
        raise ValueError(f"Variable: name must be a str without '/', got {name!r}.")
    return name


_deferral = threading.local()


@contextlib.contextmanager
def deferred_initialization():
    """Variables made inside start as zeros and keep their callable initializer for later.

    For a load that overwrites every variable: drawing 100 MB of random initial
    values only to replace them costs more than reading the file. Yields the
    list of ``(variable, initializer)`` made; pass it to `initialize_pending`
    afterwards, which runs the initializers of the variables never assigned.

    Example:
        >>> with deferred_initialization() as pending:
        ...     model = make_model()
        >>> load_weights_into(model)
        >>> initialize_pending(pending)
    """
    previous = getattr(_deferral, "pending", None)
    _deferral.pending = pending = []
    try:
        yield pending
    finally:
        _deferral.pending = previous


def initialize_pending(pending: list) -> None:
    """Run the deferred initializers of the variables that no `assign` has set since."""
    for variable, initializer in pending:
        if variable._kc_init_pending:
            variable._kc_init_pending = False
            variable._write(variable._convert(initializer(variable.shape, dtype=variable.dtype)))


class Variable:
    """A mutable tensor with a name, a path, and a trainable flag.

    Args:
        initializer: the initial value (array, tensor, Python number or list),
            or a callable ``initializer(shape, dtype=dtype)`` such as a
            `kc.initializers` object (then ``shape`` is required).
        shape: the variable's shape; required with a callable initializer.
        dtype: dtype name; default: the value's dtype, or floatx for a
            callable initializer.
        trainable: whether optimizers should train it.
        autocast: whether mixed-precision layers may cast it when reading.
        aggregation: how distributed updates combine: "none", "mean", "sum",
            "only_first_replica".
        synchronization: "auto", "none", "on_read", "on_write".
        name: name without "/"; default "variable", "variable_1", ...
        layout: optional distribution layout, kept for the distribution API.

    Example:
        >>> v = kc.Variable([1.0, 2.0], name="w")
        >>> _ = v.assign_add([1.0, 1.0])
        >>> v
        <Variable path=w, shape=(2,), dtype=float32, value=[2. 3.]>

    ``assign``/``assign_add``/``assign_sub`` return the new value, as in
    Keras 3. Inside a `kc.StatelessScope` reads come from the scope and writes
    are recorded in it, leaving the variable untouched.
    """

    _kc_init_pending = False  # True while a deferred initializer (see above) has not run

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None, layout=None):
        self._name = _check_name(name)
        parent = scopes.current_path()
        self._path = f"{parent}/{self._name}" if parent else self._name
        self._aggregation = _check_choice(aggregation, _AGGREGATIONS, "aggregation")
        self._synchronization = _check_choice(synchronization, _SYNCHRONIZATIONS, "synchronization")
        self._autocast = bool(autocast)
        self._layout = layout
        self._trainable = bool(trainable)
        self.constraint = None
        self.regularizer = None
        self.overwrite_with_gradient = False
        value = self._initial_value(initializer, shape, dtype)
        self._shape = tuple(int(d) for d in value.shape)
        self._initialize(value)

    def _initial_value(self, initializer, shape, dtype):
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    f"Variable {self._path!r}: shape is required with a callable initializer "
                    f"({initializer!r})."
                )
            self._dtype = dtypes.standardize_dtype(dtype or config.floatx())
            pending = getattr(_deferral, "pending", None)
            if pending is not None:
                import numpy as np

                value = self._convert(np.zeros(tuple(shape), "float32"))
                self._kc_init_pending = True
                pending.append((self, initializer))
            else:
                value = self._convert(initializer(tuple(shape), dtype=self._dtype))
        else:
            self._dtype = None if dtype is None else dtypes.standardize_dtype(dtype)
            value = self._convert(initializer)
            self._dtype = dtypes.standardize_dtype(value.dtype)
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"Variable {self._path!r}: initial value has shape {tuple(value.shape)}, "
                f"expected shape {tuple(shape)}."
            )
        return value

    # Backend hooks -------------------------------------------------------
    def _convert(self, value):
        raise NotImplementedError

    def _initialize(self, value) -> None:
        raise NotImplementedError

    def _read(self):
        raise NotImplementedError

    def _write(self, value) -> None:
        raise NotImplementedError

    def _snapshot(self):
        """The current value as a tensor that later assigns will not change."""
        return self.value

    # Properties ----------------------------------------------------------
    @property
    def value(self):
        """The current value: the StatelessScope's one if it has it, else the stored one.

        Inside a `kc.backend.AutocastScope` with a float dtype, the value of a
        float variable with ``autocast=True`` comes cast to the scope's dtype.
        """
        if not scopes._value_scopes_open:  # no stateless or autocast scope anywhere: the hot path
            return self._read()
        scope = scopes.current("stateless")
        if scope is not None:
            value = scope.get_current_value(self)
            if value is not None:
                return self._autocast_cast(value) if scopes._autocast_depth else value
        if scopes._autocast_depth:  # 0 unless some thread is in an AutocastScope
            return self._autocast_cast(self._read())
        return self._read()

    def _autocast_cast(self, value):
        """``value`` cast to the active AutocastScope's dtype where this variable allows it."""
        scope = scopes.current("autocast")
        if (scope is None or scope.dtype is None or not self._autocast
                or self._dtype == scope.dtype or not dtypes.is_float_dtype(self._dtype)):
            return value
        from kc import ops

        return ops.cast(value, scope.dtype)

    def _kc_variable_value(self):
        return self.value

    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        return self._path

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def aggregation(self) -> str:
        return self._aggregation

    @property
    def synchronization(self) -> str:
        return self._synchronization

    @property
    def autocast(self) -> bool:
        return self._autocast

    # Updates -------------------------------------------------------------
    def assign(self, value):
        """Set the value (cast to the variable's dtype); return the new value."""
        if getattr(value, "_kc_symbolic", False):
            return value  # shape inference (a layer traced on KerasTensors) changes no state
        value = self._convert(value)
        shape = tuple(value.shape)
        if len(shape) != len(self._shape) or any(
                d is not None and d != s for d, s in zip(shape, self._shape)):
            raise ValueError(
                f"Variable {self._path!r}: assign expects shape {self._shape}, got {shape}."
            )
        scope = scopes.current("stateless")
        if scope is not None:
            scope.add_update((self, value))
        else:
            self._write(value)
            if self._kc_init_pending:
                self._kc_init_pending = False
        return value

    def _kc_take(self, array) -> None:
        """Set the value from a NumPy array that nobody else holds (fresh from a file).

        Backends whose variables live in host memory keep the array's memory
        instead of copying it; the others assign it.
        """
        self.assign(array)

    def _kc_can_take(self, array) -> bool:
        """Whether `array` can become this variable's storage as it is."""
        import numpy as np

        return (isinstance(array, np.ndarray) and array.shape == self._shape
                and array.flags.c_contiguous and array.flags.writeable
                and array.dtype.name == self._dtype and scopes.current("stateless") is None)

    def assign_add(self, value):
        """Add ``value`` to the variable; return the new value."""
        from kc import ops

        return self.assign(ops.add(self, value))

    def assign_sub(self, value):
        """Subtract ``value`` from the variable; return the new value."""
        from kc import ops

        return self.assign(ops.subtract(self, value))

    # Conversion ----------------------------------------------------------
    def numpy(self):
        """The value as a NumPy array."""
        from kc.backend import convert_to_numpy

        return convert_to_numpy(self.value)

    def __array__(self, dtype=None, copy=None):
        import numpy as np

        return np.asarray(self.numpy(), dtype=dtype)

    def __repr__(self):
        try:
            value = self.numpy()
        except Exception:  # a traced value (jax.jit, tf.function) has no NumPy form
            value = self.value
        return f"<Variable path={self._path}, shape={self._shape}, dtype={self._dtype}, value={value}>"

    def __len__(self):
        if not self._shape:
            raise TypeError(f"len() of variable {self._path!r} with shape () is undefined.")
        return self._shape[0]

    def __bool__(self):
        return bool(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __round__(self, ndigits=None):
        return round(self.numpy().item(), ndigits)

    __hash__ = object.__hash__

    # Operators, each one `kc.ops` call.
    def _op(self, name: str, *args):
        from kc import ops

        return getattr(ops, name)(*args)

    def __add__(self, other):
        return self._op("add", self, other)

    def __radd__(self, other):
        return self._op("add", other, self)

    def __sub__(self, other):
        return self._op("subtract", self, other)

    def __rsub__(self, other):
        return self._op("subtract", other, self)

    def __mul__(self, other):
        return self._op("multiply", self, other)

    def __rmul__(self, other):
        return self._op("multiply", other, self)

    def __truediv__(self, other):
        return self._op("true_divide", self, other)

    def __rtruediv__(self, other):
        return self._op("true_divide", other, self)

    def __floordiv__(self, other):
        return self._op("floor_divide", self, other)

    def __rfloordiv__(self, other):
        return self._op("floor_divide", other, self)

    def __mod__(self, other):
        return self._op("mod", self, other)

    def __rmod__(self, other):
        return self._op("mod", other, self)

    def __pow__(self, other):
        return self._op("power", self, other)

    def __rpow__(self, other):
        return self._op("power", other, self)

    def __matmul__(self, other):
        return self._op("matmul", self, other)

    def __rmatmul__(self, other):
        return self._op("matmul", other, self)

    def __neg__(self):
        return self._op("negative", self)

    def __pos__(self):
        return self.value

    def __abs__(self):
        return self._op("absolute", self)

    def __invert__(self):
        return self._op("logical_not" if self._dtype == "bool" else "bitwise_invert", self)

    def _logic(self, kind: str, x1, x2):
        return self._op(f"logical_{kind}" if self._dtype == "bool" else f"bitwise_{kind}", x1, x2)

    def __and__(self, other):
        return self._logic("and", self, other)

    def __rand__(self, other):
        return self._logic("and", other, self)

    def __or__(self, other):
        return self._logic("or", self, other)

    def __ror__(self, other):
        return self._logic("or", other, self)

    def __xor__(self, other):
        return self._logic("xor", self, other)

    def __rxor__(self, other):
        return self._logic("xor", other, self)

    def __lt__(self, other):
        return self._op("less", self, other)

    def __le__(self, other):
        return self._op("less_equal", self, other)

    def __gt__(self, other):
        return self._op("greater", self, other)

    def __ge__(self, other):
        return self._op("greater_equal", self, other)

    def __eq__(self, other):
        return self._op("equal", self, other)

    def __ne__(self, other):
        return self._op("not_equal", self, other)

    def __getitem__(self, key):
        return self._op("get_item", self, key)
