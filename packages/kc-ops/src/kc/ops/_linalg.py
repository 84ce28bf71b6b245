"""Linear algebra (`keras.ops.linalg`): decompositions, solvers, inverses, norms, jvp.

Each declaration's body is its shape/dtype rule; the computation is
``kc.backend.<active>.linalg``. Matrix arguments may carry leading batch axes.

Dtype rules (the same on every backend): float and complex inputs keep their
dtype, ints and bools become floatx. float16 and bfloat16 are computed in
float32 and cast back (no framework has half-precision LAPACK kernels).
`eig` always returns complex eigenpairs (complex64, or complex128 for float64
input); `lu_factor` pivots and `matrix_rank` are int32. Unlike Keras 3's NumPy
backend, float64 stays float64.
"""

from __future__ import annotations

import math

from kc import config, dtypes
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op
from kc.ops._rules import dtype_of, shape_of

__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq", "lu_factor",
    "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular", "svd",
]


# --- rules shared with the backends ---------------------------------------------------


def linalg_dtype(dtype) -> str:
    """Output dtype of a linear-algebra op: floats and complex keep theirs, else floatx."""
    name = dtypes.standardize_dtype(dtype)
    if dtypes.is_float_dtype(name) or name.startswith("complex"):
        return name
    return config.floatx()


def compute_dtype(out: str) -> str:
    """dtype the kernels run in for output dtype ``out`` (half precisions widen to float32)."""
    return "float32" if out in ("float16", "bfloat16") else out


def complex_dtype(out: str) -> str:
    """Complex dtype matching a real output dtype (eig)."""
    return "complex128" if out in ("float64", "complex128") else "complex64"


def real_dtype(dtype: str) -> str:
    """Real counterpart of a complex dtype (singular values, eigh eigenvalues, norms)."""
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def check_matrix(shape: tuple, op: str, arg: str = "x", square: bool = True) -> None:
    """ValueError unless ``shape`` is a (batch of) matrix, square when asked."""
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError(f"{op}: {arg} must be a matrix or a batch of matrices (rank >= 2), "
                         f"got shape {shape}.")
    if square and shape[-1] is not None and shape[-2] is not None and shape[-1] != shape[-2]:
        raise ValueError(f"{op}: {arg} must be square in its last two axes, got shape {shape}.")


def solve_shapes(a_shape: tuple, b_shape: tuple, op: str) -> tuple:
    """Output shape of solving ``a @ x = b``; ``b`` of rank 1 is one right-hand side."""
    check_matrix(a_shape, op, "a")
    n = a_shape[-1]
    if len(b_shape) == 1:
        rows, tail = b_shape[0], ()
    elif len(b_shape) >= 2:
        rows, tail = b_shape[-2], b_shape[-1:]
    else:
        raise ValueError(f"{op}: b must have rank >= 1, got shape {tuple(b_shape)}.")
    if n is not None and rows is not None and n != rows:
        raise ValueError(f"{op}: b must have {n} rows to match a of shape {tuple(a_shape)}, "
                         f"got shape {tuple(b_shape)}.")
    if len(b_shape) == 1:
        return tuple(a_shape[:-2]) + (n,)
    batch = rules.broadcast_shapes(tuple(a_shape[:-2]), tuple(b_shape[:-2]), op=op)
    return batch + (n,) + tail


def check_qr_mode(mode) -> None:
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', got {mode!r}.")


_MATRIX_ORDS = (None, "fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)


def norm_plan(ndim: int, ord=None, axis=None) -> tuple:
    """(kind, axes) of a norm: kind 'flat' (all entries), 'vector' or 'matrix'.

    Raises ValueError naming `norm` for an unsupported order or axis.
    """
    if axis is None:
        if ord is None:
            return "flat", tuple(range(ndim))
        if ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} with axis=None needs a tensor of rank 1 or 2, "
                             f"got rank {ndim}.")
        axis = tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    axes = tuple(rules.canonical_axis(a, ndim, "norm") for a in axes)
    if len(axes) == 1:
        if isinstance(ord, str):
            raise ValueError(f"norm: ord={ord!r} is a matrix order; vector norms take a number.")
        return "vector", axes
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError(f"norm: axis must be an int or a pair of distinct ints, got {axis!r}.")
    if ord not in _MATRIX_ORDS:
        raise ValueError(f"norm: matrix norms take ord in {_MATRIX_ORDS}, got {ord!r}.")
    return "matrix", axes


def default_rcond(shape: tuple, dtype: str) -> float:
    """Relative singular-value cutoff when none is given: 10 * max(m, n) * eps."""
    eps = {"float64": 2.220446049250313e-16, "complex128": 2.220446049250313e-16}.get(dtype, 1.1920929e-07)
    return 10.0 * max(shape[-2], shape[-1]) * eps


def rank_tol(shape: tuple, dtype: str) -> float:
    """Relative tolerance of matrix_rank when tol is None: max(m, n) * eps (NumPy's rule)."""
    return default_rcond(shape, dtype) / 10.0


def lu_pivots_from_permutation(perm) -> list:
    """LAPACK-style pivots (row i swapped with row p[i]) of a row permutation (1-D, Python)."""
    current = list(range(len(perm)))
    where = {r: i for i, r in enumerate(current)}
    pivots = []
    for i, row in enumerate(perm):
        j = where[row]
        pivots.append(j)
        where[current[i]], where[row] = j, i
        current[i], current[j] = current[j], current[i]
    return pivots


def _spec(shape, dtype) -> KerasTensor:
    return KerasTensor(tuple(shape), dtype)


def _square(x, name: str) -> tuple:
    shape = shape_of(x)
    check_matrix(shape, name)
    return shape, linalg_dtype(dtype_of(x))


# --- declarations ----------------------------------------------------------------------


@op
def cholesky(x, upper=False):
    """Cholesky factor of a symmetric (Hermitian) positive-definite matrix.

    Args:
        x: Tensor of shape `(..., M, M)`.
        upper: return the upper factor `U` (`x = U^H U`) instead of the lower `L` (`x = L L^H`).

    Returns:
        The triangular factor, shape `(..., M, M)`.

    Example:
        >>> kc.ops.linalg.cholesky([[4.0, 2.0], [2.0, 5.0]])  # [[2, 0], [1, 2]]
    """
    shape, dtype = _square(x, "cholesky")
    return _spec(shape, dtype)


@op
def cholesky_inverse(x, upper=False):
    """Inverse of a positive-definite matrix given its Cholesky factor.

    Args:
        x: the factor, shape `(..., M, M)`: lower `L` (`A = L L^H`), or upper `U` when `upper`.
        upper: whether `x` is the upper factor.

    Returns:
        `inv(A)`, shape `(..., M, M)`.

    Example:
        >>> kc.ops.linalg.cholesky_inverse([[2.0, 0.0], [1.0, 2.0]])
    """
    shape, dtype = _square(x, "cholesky_inverse")
    return _spec(shape, dtype)


@op
def det(x):
    """Determinant of square matrices.

    Args:
        x: Tensor of shape `(..., M, M)`.

    Returns:
        Tensor of shape `(...)`; ints and bools give floatx.

    Example:
        >>> kc.ops.linalg.det([[1, 2], [3, 4]])  # -2.0 (float32)
    """
    shape, dtype = _square(x, "det")
    return _spec(shape[:-2], dtype)


@op
def eig(x):
    """Eigenvalues and right eigenvectors of a general square matrix (complex).

    Args:
        x: Tensor of shape `(..., M, M)`.

    Returns:
        `(w, v)`: `w` of shape `(..., M)` and `v` of shape `(..., M, M)` with `x @ v = v * w`;
        complex64 (complex128 for 64-bit input). Order and vector phases are backend-specific.

    Example:
        >>> w, v = kc.ops.linalg.eig([[2.0, 0.0], [0.0, 3.0]])
    """
    shape, dtype = _square(x, "eig")
    cdt = complex_dtype(dtype)
    return _spec(shape[:-1], cdt), _spec(shape, cdt)


@op
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of a symmetric (Hermitian) matrix.

    Args:
        x: Tensor of shape `(..., M, M)`; only its lower triangle is read.

    Returns:
        `(w, v)`: real `w` of shape `(..., M)`, `v` of shape `(..., M, M)` with orthonormal columns.

    Example:
        >>> w, v = kc.ops.linalg.eigh([[2.0, 1.0], [1.0, 2.0]])  # w = [1, 3]
    """
    shape, dtype = _square(x, "eigh")
    return _spec(shape[:-1], real_dtype(dtype)), _spec(shape, dtype)


@op
def inv(x):
    """Inverse of square matrices.

    Args:
        x: Tensor of shape `(..., M, M)`.

    Returns:
        Tensor of shape `(..., M, M)`.

    Example:
        >>> kc.ops.linalg.inv([[2.0, 0.0], [0.0, 4.0]])  # [[0.5, 0], [0, 0.25]]
    """
    shape, dtype = _square(x, "inv")
    return _spec(shape, dtype)


def _jvp_rule(fun, primals, tangents, has_aux=False):
    out = fun(*primals)
    if has_aux:
        out, aux = out
        return out, out, aux
    return out, out


@op(rule=_jvp_rule, tensors=("primals", "tangents"))
def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode Jacobian-vector product of ``fun`` at ``primals`` along ``tangents``.

    Args:
        fun: callable taking ``len(primals)`` positional tensors (or nested structures).
        primals: tuple or list of the arguments of ``fun``.
        tangents: tuple or list with the structure and shapes of ``primals``.
        has_aux: ``fun`` returns ``(output, aux)``; ``aux`` is returned untouched.

    Returns:
        ``(primals_out, tangents_out)``, or ``(primals_out, tangents_out, aux)`` with has_aux.
        The NumPy backend has no autodiff and raises NotImplementedError.

    Example:
        >>> y, dy = kc.ops.linalg.jvp(kc.ops.sin, (0.1,), (1.0,))  # dy = cos(0.1)
    """


@op
def lstsq(a, b, rcond=None):
    """Least-squares (minimum-norm) solution of ``a @ x = b``.

    Args:
        a: Tensor of shape `(M, N)`.
        b: Tensor of shape `(M,)` or `(M, K)`.
        rcond: relative cutoff of small singular values of ``a``; None: 10 * max(M, N) * eps.

    Returns:
        ``x`` of shape `(N,)` or `(N, K)`.

    Example:
        >>> kc.ops.linalg.lstsq([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 3.0])  # [1, 2]
    """
    sa, sb = shape_of(a), shape_of(b)
    check_lstsq(sa, sb)
    dtype = linalg_dtype(dtypes.result_type(dtype_of(a), dtype_of(b)))
    return _spec((sa[1],) + tuple(sb[1:]), dtype)


def check_lstsq(sa: tuple, sb: tuple) -> None:
    if len(sa) != 2:
        raise ValueError(f"lstsq: a must be a matrix (rank 2), got shape {tuple(sa)}.")
    if len(sb) not in (1, 2) or (sb[0] is not None and sa[0] is not None and sb[0] != sa[0]):
        raise ValueError(f"lstsq: b must have shape ({sa[0]},) or ({sa[0]}, K) for a of shape "
                         f"{tuple(sa)}, got {tuple(sb)}.")


@op
def lu_factor(x):
    """LU decomposition with partial pivoting, in LAPACK's packed form.

    Args:
        x: Tensor of shape `(..., M, M)`.

    Returns:
        `(lu, pivots)`: `lu` holds `U` and the strictly lower part of the unit-diagonal `L`;
        int32 `pivots` of shape `(..., M)` (0-based: row i was swapped with row pivots[i]).

    Example:
        >>> lu, piv = kc.ops.linalg.lu_factor([[1.0, 2.0], [3.0, 4.0]])  # piv = [1, 1]
    """
    shape, dtype = _square(x, "lu_factor")
    return _spec(shape, dtype), _spec(shape[:-1], "int32")


@op
def matrix_rank(x, tol=None):
    """Rank of matrices: the number of singular values above a threshold.

    Args:
        x: Tensor of shape `(..., M, N)`.
        tol: absolute threshold; None: largest singular value * max(M, N) * eps.

    Returns:
        int32 tensor of shape `(...)`.

    Example:
        >>> kc.ops.linalg.matrix_rank([[1.0, 2.0], [2.0, 4.0]])  # 1
    """
    shape = shape_of(x)
    check_matrix(shape, "matrix_rank", square=False)
    return _spec(shape[:-2], "int32")


@op
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (NumPy's ``ord`` semantics).

    Args:
        x: input tensor.
        ord: vector orders: None/2, inf, -inf, 0, any number p; matrix orders: None/'fro',
            'nuc', inf, -inf, 1, -1, 2, -2.
        axis: int (vector norms), pair of ints (matrix norms), or None (all entries when ord
            is None, else the whole rank-1 or rank-2 tensor).
        keepdims: keep reduced axes with size 1.

    Returns:
        The norms; ints and bools give floatx.

    Example:
        >>> kc.ops.linalg.norm([3.0, 4.0])  # 5.0
    """
    shape = shape_of(x)
    _, axes = norm_plan(len(shape), ord, axis)
    dtype = real_dtype(linalg_dtype(dtype_of(x)))
    return _spec(rules.reduce_shape(shape, axes, keepdims, "norm"), dtype)


@op
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse of matrices, via the SVD.

    Args:
        x: Tensor of shape `(..., M, N)`.
        rcond: singular values <= rcond * largest are dropped; None: 10 * max(M, N) * eps.

    Returns:
        Tensor of shape `(..., N, M)`.

    Example:
        >>> kc.ops.linalg.pinv([[1.0, 0.0], [0.0, 2.0]])  # [[1, 0], [0, 0.5]]
    """
    shape = shape_of(x)
    check_matrix(shape, "pinv", square=False)
    return _spec(shape[:-2] + (shape[-1], shape[-2]), linalg_dtype(dtype_of(x)))


@op
def qr(x, mode="reduced"):
    """QR decomposition.

    Args:
        x: Tensor of shape `(..., M, N)`.
        mode: 'reduced' (`q` of shape `(..., M, K)`, `r` of `(..., K, N)`, K = min(M, N)) or
            'complete' (`q` of `(..., M, M)`, `r` of `(..., M, N)`).

    Returns:
        `(q, r)` with `x = q @ r`.

    Example:
        >>> q, r = kc.ops.linalg.qr([[1.0, 2.0], [3.0, 4.0]])
    """
    check_qr_mode(mode)
    shape = shape_of(x)
    check_matrix(shape, "qr", square=False)
    m, n = shape[-2:]
    k = None if m is None or n is None else min(m, n)
    dtype = linalg_dtype(dtype_of(x))
    batch = shape[:-2]
    if mode == "complete":
        return _spec(batch + (m, m), dtype), _spec(batch + (m, n), dtype)
    return _spec(batch + (m, k), dtype), _spec(batch + (k, n), dtype)


@op
def solve(a, b):
    """Solve ``a @ x = b`` for square ``a``.

    Args:
        a: Tensor of shape `(..., M, M)`.
        b: Tensor of shape `(M,)` (one right-hand side) or `(..., M, K)`.

    Returns:
        ``x`` with the shape of ``b`` (batch axes broadcast).

    Example:
        >>> kc.ops.linalg.solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 2.0])  # [1, 0.5]
    """
    shape = solve_shapes(shape_of(a), shape_of(b), "solve")
    return _spec(shape, linalg_dtype(dtypes.result_type(dtype_of(a), dtype_of(b))))


@op
def solve_triangular(a, b, lower=False):
    """Solve ``a @ x = b`` for triangular ``a`` (only its ``lower`` or upper triangle is read).

    Args:
        a: Tensor of shape `(..., M, M)`.
        b: Tensor of shape `(M,)` or `(..., M, K)`.
        lower: use the lower triangle of ``a``; else the upper one.

    Returns:
        ``x`` with the shape of ``b`` (batch axes broadcast).

    Example:
        >>> kc.ops.linalg.solve_triangular([[2.0, 1.0], [0.0, 4.0]], [3.0, 4.0])  # [1, 1]
    """
    shape = solve_shapes(shape_of(a), shape_of(b), "solve_triangular")
    return _spec(shape, linalg_dtype(dtypes.result_type(dtype_of(a), dtype_of(b))))


@op
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``x = u @ diag(s) @ vh``.

    Args:
        x: Tensor of shape `(..., M, N)`.
        full_matrices: `u` of `(..., M, M)` and `vh` of `(..., N, N)`; else K = min(M, N) columns.
        compute_uv: return `(u, s, vh)`; else only `s`.

    Returns:
        `(u, s, vh)` or `s` (descending, shape `(..., K)`, real).

    Example:
        >>> s = kc.ops.linalg.svd([[3.0, 0.0], [0.0, 4.0]], compute_uv=False)  # [4, 3]
    """
    shape = shape_of(x)
    check_matrix(shape, "svd", square=False)
    m, n = shape[-2:]
    k = None if m is None or n is None else min(m, n)
    dtype = linalg_dtype(dtype_of(x))
    s = _spec(shape[:-2] + (k,), real_dtype(dtype))
    if not compute_uv:
        return s
    batch = shape[:-2]
    if full_matrices:
        return _spec(batch + (m, m), dtype), s, _spec(batch + (n, n), dtype)
    return _spec(batch + (m, k), dtype), s, _spec(batch + (k, n), dtype)
