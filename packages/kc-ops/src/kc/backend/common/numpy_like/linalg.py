"""Linear algebra shared by the NumPy and JAX backends (rules in kc.ops._linalg)."""

from __future__ import annotations

from types import ModuleType
from typing import Callable


def _r():
    """Rules of kc.ops._linalg (imported late: it imports the backends)."""
    from kc.ops import _linalg

    return _linalg


def linalg_ops(xp: ModuleType, core: ModuleType, cast: Callable) -> dict[str, Callable]:
    """Return the shared linalg ops over array module ``xp`` and their helpers, keyed by name.

    The helpers ``_r``, ``_matrix``, ``_operands`` and ``_adjoint`` are returned too
    (the backend's own ops use them). ``cast(x, out)`` casts a result to dtype name ``out``.
    """
    to_native_dtype, promote = core.to_native_dtype, core.promote

    def _matrix(x, op: str, square: bool = True):
        """(x in its compute dtype, output dtype name), after checking x is a (batch of) matrix."""
        x = core.convert_to_tensor(x)
        _r().check_matrix(x.shape, op, square=square)
        out = _r().linalg_dtype(x.dtype)
        return x.astype(to_native_dtype(_r().compute_dtype(out)), copy=False), out

    def _operands(a, b):
        a, b = promote(a, b)
        out = _r().linalg_dtype(a.dtype)
        compute = to_native_dtype(_r().compute_dtype(out))
        return a.astype(compute, copy=False), b.astype(compute, copy=False), out

    def _adjoint(x):
        return xp.conj(xp.swapaxes(x, -1, -2))

    def cholesky(x, upper=False):
        x, out = _matrix(x, "cholesky")
        lower = xp.linalg.cholesky(x)
        return cast(_adjoint(lower) if upper else lower, out)

    def cholesky_inverse(x, upper=False):
        x, out = _matrix(x, "cholesky_inverse")
        a = _adjoint(x) @ x if upper else x @ _adjoint(x)
        return cast(xp.linalg.inv(a), out)

    def det(x):
        x, out = _matrix(x, "det")
        return cast(xp.linalg.det(x), out)

    return {"_r": _r, "_matrix": _matrix, "_operands": _operands, "_adjoint": _adjoint,
            "cholesky": cholesky, "cholesky_inverse": cholesky_inverse, "det": det}
