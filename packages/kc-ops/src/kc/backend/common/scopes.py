"""Context scopes: stateless execution, symbolic execution, name scopes, device, autocast.

All scopes keep their stack per thread.
"""

from __future__ import annotations

import threading

_state = threading.local()


def _stack(kind: str) -> list:
    stack = getattr(_state, kind, None)
    if stack is None:
        stack = []
        setattr(_state, kind, stack)
    return stack


def current(kind: str):
    """Innermost active scope of this kind, or None."""
    stack = getattr(_state, kind, None)
    return stack[-1] if stack else None


class _Scope:
    _kind = ""

    def __enter__(self):
        _stack(self._kind).append(self)
        return self

    def __exit__(self, *exc):
        _stack(self._kind).pop()
        return False


# Number of StatelessScopes and AutocastScopes open in all threads. While it is 0,
# `Variable.value` reads the stored value after one module-attribute check.
_value_scopes_open = 0
_count_lock = threading.Lock()


def _count_value_scope(delta: int) -> None:
    global _value_scopes_open
    with _count_lock:
        _value_scopes_open += delta


class _ValueScope(_Scope):
    """A scope that changes what `Variable.value` returns."""

    def __enter__(self):
        _count_value_scope(1)
        return super().__enter__()

    def __exit__(self, *exc):
        try:
            return super().__exit__(*exc)
        finally:
            _count_value_scope(-1)


class StatelessScope(_ValueScope):
    """Run code without touching variables: reads come from ``state_mapping``,
    writes are collected in the scope.

    Args:
        state_mapping: list of ``(variable, value)`` pairs to read from.
        collect_losses: whether layers should collect `add_loss` values here.
        initialize_variables: whether variables made inside may initialize.

    Example:
        >>> v = kc.Variable(1.0)
        >>> with kc.StatelessScope([(v, 5.0)]) as scope:
        ...     v.assign(v + 1)
        >>> scope.get_current_value(v), v.numpy()
        (6.0, 1.0)
    """

    _kind = "stateless"

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        from kc.backend import convert_to_tensor

        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses = []
        self.state_mapping = {}
        for variable, value in state_mapping or ():
            value = convert_to_tensor(value, dtype=variable.dtype)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"StatelessScope: value for variable {variable.path!r} must have shape "
                    f"{tuple(variable.shape)}, got {tuple(value.shape)}."
                )
            self.state_mapping[id(variable)] = value

    def add_loss(self, loss) -> None:
        self.losses.append(loss)

    def add_update(self, update) -> None:
        variable, value = update
        self.state_mapping[id(variable)] = value

    def get_current_value(self, variable):
        return self.state_mapping.get(id(variable))


class SymbolicScope(_Scope):
    """Marks code that runs on symbolic tensors only (shape inference)."""

    _kind = "symbolic"


# Number of AutocastScopes open in all threads. `Variable.value` reads only this
# module attribute when it is 0, so reading variables outside mixed-precision
# layers costs one attribute lookup more than without autocast support.
_autocast_depth = 0
_autocast_lock = threading.Lock()


class AutocastScope(_ValueScope):
    """Read autocast variables in ``dtype`` inside the scope (mixed precision).

    Inside the scope, reading a float variable whose ``autocast`` is True and
    whose dtype is not ``dtype`` gives its value cast to ``dtype``; the stored
    variable keeps its dtype, and ``assign`` still writes in that dtype.
    Layers with a mixed policy enter ``AutocastScope(policy.compute_dtype)``
    in ``call``. ``dtype=None`` turns casting off (for a float32 layer nested
    in a mixed one).

    Args:
        dtype: a float dtype name, or None for no casting.

    Example:
        >>> v = kc.Variable([1.0, 2.0])
        >>> with kc.backend.AutocastScope("float16"):
        ...     v.value.dtype
        dtype('float16')
        >>> v.dtype
        'float32'
    """

    _kind = "autocast"

    def __init__(self, dtype):
        if dtype is not None:
            from kc import dtypes

            dtype = dtypes.standardize_dtype(dtype)
            if not dtypes.is_float_dtype(dtype):
                raise ValueError(
                    f"AutocastScope: dtype must be a float dtype (such as 'float16' or "
                    f"'bfloat16') or None, got {dtype!r}."
                )
        self.dtype = dtype

    def maybe_cast(self, value):
        """``value`` cast to the scope's dtype if it is a float tensor, else unchanged."""
        from kc import dtypes, ops

        if self.dtype is not None and dtypes.is_float_dtype(value.dtype):
            return ops.cast(value, self.dtype)
        return value

    def __enter__(self):
        global _autocast_depth
        with _autocast_lock:
            _autocast_depth += 1
        return super().__enter__()

    def __exit__(self, *exc):
        global _autocast_depth
        try:
            return super().__exit__(*exc)
        finally:
            with _autocast_lock:
                _autocast_depth -= 1


def get_autocast_scope() -> AutocastScope | None:
    """The innermost active `AutocastScope` of this thread, or None."""
    return current("autocast")


def in_stateless_scope() -> bool:
    return current("stateless") is not None


def in_symbolic_scope() -> bool:
    return current("symbolic") is not None


class name_scope(_Scope):
    """Prefix the paths of variables created inside with ``name/``.

    Example:
        >>> with kc.name_scope("block1"):
        ...     v = kc.Variable(1.0, name="w")
        >>> v.path
        'block1/w'
    """

    _kind = "name"

    def __init__(self, name: str, caller=None, deduplicate: bool = True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"name_scope: name must be a str without '/', got {name!r}.")
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        self._pushed = False

    def __enter__(self):
        parent = current("name")
        if self.deduplicate and parent is not None and parent.name == self.name:
            return self  # Keras-style: re-entering the same scope does not nest
        self._pushed = True
        return super().__enter__()

    def __exit__(self, *exc):
        if self._pushed:
            self._pushed = False
            return super().__exit__(*exc)
        return False


def current_path() -> str:
    """The "/"-joined names of the active name scopes."""
    stack = getattr(_state, "name", None)
    if not stack:
        return ""
    parts = []
    for scope in stack:
        if scope.override_parent is not None:
            parts = [p for p in scope.override_parent.split("/") if p]
        parts.append(scope.name)
    return "/".join(parts)


class device(_Scope):
    """Place new tensors and variables on a device: ``"cpu"``, ``"gpu:0"``, ``"cuda:1"``.

    Example:
        >>> with kc.device("cpu"):
        ...     x = kc.ops.ones((2,))
    """

    _kind = "device"

    def __init__(self, device_name: str):
        if not isinstance(device_name, str):
            raise TypeError(f"device: device_name must be a str like 'cpu' or 'gpu:0', got {device_name!r}.")
        name = device_name.lower().replace("/device:", "").replace("/", "")
        kind, _, index = name.partition(":")
        if kind == "cuda":
            kind = "gpu"
        if kind not in ("cpu", "gpu", "tpu") or (index and not index.isdigit()):
            raise ValueError(f"device: expected 'cpu', 'gpu' or 'gpu:N', got {device_name!r}.")
        self.kind, self.index = kind, int(index or 0)
        self._native = None

    def __enter__(self):
        from kc.backend import _active

        self._native = _active.core.device_scope(self.kind, self.index)
        self._native.__enter__()
        return super().__enter__()

    def __exit__(self, *exc):
        super().__exit__(*exc)
        return self._native.__exit__(*exc)
