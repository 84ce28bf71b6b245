"""Tensor products shared by the NumPy and JAX backends."""

from __future__ import annotations

from types import ModuleType
from typing import Callable


def _p():
    """Rules of kc.ops._products (imported late: it imports the backends)."""
    from kc.ops import _products

    return _products


def cross_op(xp: ModuleType, promote: Callable) -> Callable:
    """Return ``cross`` over array module ``xp``; ``promote`` is the backend's ``core.promote``."""

    def _to3(v):
        """2-component vectors get a zero z component."""
        return xp.concatenate([v, xp.zeros_like(v[..., :1])], -1) if v.shape[-1] == 2 else v

    def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
        x1, x2 = promote(x1, x2)
        p = _p()
        p.check_cross_dtype(x1, x2)
        p.cross_shape(x1.shape, x2.shape, axisa, axisb, axisc, axis)
        a, b, c = p.cross_axes(x1.ndim, x2.ndim, axisa, axisb, axisc, axis)
        x1, x2 = xp.moveaxis(x1, a, -1), xp.moveaxis(x2, b, -1)
        planar = x1.shape[-1] == 2 and x2.shape[-1] == 2
        out = xp.cross(_to3(x1), _to3(x2))
        return out[..., 2] if planar else xp.moveaxis(out, -1, c)

    return cross
