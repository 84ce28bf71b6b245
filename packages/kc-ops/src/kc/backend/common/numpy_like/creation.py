"""Tensor creation shared by the NumPy and JAX backends (see kc/ops/_creation.py for dtypes)."""

from __future__ import annotations

from types import ModuleType
from typing import Callable

from kc import config, dtypes
from kc.ops import _rules as rules


def creation_ops(xp: ModuleType, core: ModuleType, compute_dtype: Callable[[str], str],
                 uninitialised: Callable, own: Callable) -> dict[str, Callable]:
    """Return the creation ops over array module ``xp``, keyed by name.

    Args:
        xp: ``numpy`` or ``jax.numpy``.
        core: The backend's ``core`` module.
        compute_dtype: ``compute_dtype(out)`` names the float dtype linspace/logspace/
            geomspace compute in for output dtype name ``out``.
        uninitialised: ``uninitialised(shape, dtype=...)`` for ``empty`` (XLA has no
            uninitialised buffers: JAX passes ``jnp.zeros``).
        own: Turns a read-only view (``broadcast_to``, ``diag``) into the result
            (NumPy copies it; JAX arrays are immutable, so JAX passes identity).

    Returns:
        The public creation functions, keyed by name.
    """
    _t, _native = core.convert_to_tensor, core.to_native_dtype

    def _new(dtype):
        return _native(rules.creation_dtype(dtype))

    def _like_dtype(x, dtype):
        return x.dtype if dtype is None else _native(dtype)

    def zeros(shape, dtype=None):
        return xp.zeros(shape, dtype=_new(dtype))

    def ones(shape, dtype=None):
        return xp.ones(shape, dtype=_new(dtype))

    def empty(shape, dtype=None):
        return uninitialised(shape, dtype=_new(dtype))

    def full(shape, fill_value, dtype=None):
        fill_value = _t(fill_value, rules.creation_dtype(dtype))
        return own(xp.broadcast_to(fill_value, shape))

    def zeros_like(x, dtype=None):
        x = _t(x)
        return xp.zeros(x.shape, dtype=_like_dtype(x, dtype))

    def ones_like(x, dtype=None):
        x = _t(x)
        return xp.ones(x.shape, dtype=_like_dtype(x, dtype))

    def empty_like(x, dtype=None):
        x = _t(x)
        return uninitialised(x.shape, dtype=_like_dtype(x, dtype))

    def full_like(x, fill_value, dtype=None):
        x = _t(x)
        fill_value = _t(fill_value).astype(_like_dtype(x, dtype))
        return own(xp.broadcast_to(fill_value, x.shape))

    def eye(N, M=None, k=0, dtype=None):
        return xp.eye(N, M, k=k, dtype=_new(dtype))

    def identity(n, dtype=None):
        return xp.identity(n, dtype=_new(dtype))

    def tri(N, M=None, k=0, dtype=None):
        return xp.tri(N, M, k=k, dtype=_new(dtype))

    def arange(start, stop=None, step=None, dtype=None):
        out = _native(rules.arange_dtype(start, stop, step, dtype))
        if stop is None:
            start, stop = 0, start
        return xp.arange(start, stop, 1 if step is None else step).astype(out)

    def _cast_values(values, dtype):
        """Cast computed float values to ``dtype``; integer dtypes round down as NumPy's linspace."""
        if not dtypes.is_float_dtype(dtype) and dtype != "bool" and not dtype.startswith("complex"):
            values = xp.floor(values)
        return values.astype(_native(dtype))

    def _check_axis(start, stop, axis, name):
        rank = max(_t(start).ndim, _t(stop).ndim)
        rules.canonical_axis(axis, rank + 1, name)

    def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
        _check_axis(start, stop, axis, "linspace")
        out = rules.linspace_dtype(start, stop, dtype)
        compute = _native(compute_dtype(out))
        values, step = xp.linspace(_t(start).astype(compute), _t(stop).astype(compute),
                                   num, endpoint=endpoint, retstep=True, axis=axis)
        values = _cast_values(values, out)
        return (values, xp.asarray(step, values.dtype)) if retstep else values

    def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
        _check_axis(start, stop, axis, "logspace")
        out = rules.linspace_dtype(start, stop, dtype)
        compute = _native(compute_dtype(out))
        exponents = xp.linspace(_t(start).astype(compute), _t(stop).astype(compute),
                                num, endpoint=endpoint, axis=axis)
        return _cast_values(xp.power(xp.asarray(base, compute), exponents), out)

    def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
        _check_axis(start, stop, axis, "geomspace")
        out = rules.linspace_dtype(start, stop, dtype)
        compute = _native(compute_dtype(out))
        values = xp.geomspace(_t(start).astype(compute), _t(stop).astype(compute),
                              num, endpoint=endpoint, axis=axis)
        return _cast_values(values, out)

    def _check_matrix(x, name):
        if x.ndim < 2:
            raise ValueError(f"{name}: x must have rank >= 2, got shape {x.shape}.")

    def tril(x, k=0):
        x = _t(x)
        _check_matrix(x, "tril")
        return xp.tril(x, k)

    def triu(x, k=0):
        x = _t(x)
        _check_matrix(x, "triu")
        return xp.triu(x, k)

    def diag(x, k=0):
        x = _t(x)
        if x.ndim not in (1, 2):
            raise ValueError(f"diag: x must be 1-D or 2-D, got shape {x.shape}.")
        return own(xp.diag(x, k))

    def diagflat(x, k=0):
        return xp.diagflat(_t(x), k)

    def vander(x, N=None, increasing=False):
        x = _t(x)
        if x.ndim != 1:
            raise ValueError(f"vander: x must be 1-D, got shape {x.shape}.")
        return xp.vander(x, N, increasing=increasing).astype(x.dtype)

    def meshgrid(*x, indexing="xy"):
        if indexing not in ("xy", "ij"):
            raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}.")
        return list(xp.meshgrid(*(_t(t) for t in x), indexing=indexing))

    def array(x, dtype=None):
        return _t(x, dtype)

    def _window(xp_fn, name):
        def window(x):
            return xp_fn(rules.window_length(x, name)).astype(_native(config.floatx()))

        window.__name__ = name
        return window

    def kaiser(x, beta):
        return xp.kaiser(rules.window_length(x, "kaiser"), beta).astype(_native(config.floatx()))

    ops = {name: f for name, f in locals().items() if callable(f) and not name.startswith("_")}
    for param in ("compute_dtype", "uninitialised", "own"):
        ops.pop(param)
    windows = {name: _window(getattr(xp, name), name) for name in ("bartlett", "blackman", "hamming", "hanning")}
    return {**ops, **windows}
