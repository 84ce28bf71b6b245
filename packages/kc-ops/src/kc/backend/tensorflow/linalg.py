"""Linear algebra of the TensorFlow backend (rules in kc.ops._linalg)."""

from __future__ import annotations

import tensorflow as tf

from kc import dtypes
from kc.backend.tensorflow.core import convert_to_tensor, promote, to_native_dtype


def _r():
    """Rules of kc.ops._linalg (imported late: it imports this module)."""
    from kc.ops import _linalg

    return _linalg


def _name(x) -> str:
    return dtypes.standardize_dtype(x.dtype)


def _shape(x) -> tuple:
    return tuple(x.shape.as_list()) if x.shape.rank is not None else ()


def _matrix(x, op: str, square: bool = True):
    """(x in its compute dtype, output dtype name), after checking x is a (batch of) matrix."""
    x = convert_to_tensor(x)
    _r().check_matrix(_shape(x), op, square=square)
    out = _r().linalg_dtype(_name(x))
    return tf.cast(x, to_native_dtype(_r().compute_dtype(out))), out


def _operands(a, b):
    a, b = promote(a, b)
    out = _r().linalg_dtype(_name(a))
    compute = to_native_dtype(_r().compute_dtype(out))
    return tf.cast(a, compute), tf.cast(b, compute), out


def _cast(x, out: str):
    return tf.cast(x, to_native_dtype(out))


def _eye_like(x):
    n = tf.shape(x)[-1]
    return tf.broadcast_to(tf.eye(n, dtype=x.dtype), tf.shape(x))


def _scaled_eps(x, out: str):
    """10 * max(M, N) * eps for the matrices of x, as a tensor (dynamic shapes allowed)."""
    size = tf.cast(tf.reduce_max(tf.shape(x)[-2:]), _real(x).dtype)
    return size * _r().default_rcond((1, 1), out)


def _real(x):
    return tf.math.real(x) if x.dtype.is_complex else x


def cholesky(x, upper=False):
    x, out = _matrix(x, "cholesky")
    lower = tf.linalg.cholesky(x)
    return _cast(tf.linalg.adjoint(lower) if upper else lower, out)


def cholesky_inverse(x, upper=False):
    x, out = _matrix(x, "cholesky_inverse")
    lower = tf.linalg.adjoint(x) if upper else x
    return _cast(tf.linalg.cholesky_solve(lower, _eye_like(x)), out)


def det(x):
    x, out = _matrix(x, "det")
    return _cast(tf.linalg.det(x), out)


def eig(x):
    x, out = _matrix(x, "eig")
    w, v = tf.linalg.eig(x)
    cdt = _r().complex_dtype(out)
    return _cast(w, cdt), _cast(v, cdt)


def eigh(x):
    x, out = _matrix(x, "eigh")
    w, v = tf.linalg.eigh(x)
    return _cast(w, _r().real_dtype(out)), _cast(v, out)


def inv(x):
    x, out = _matrix(x, "inv")
    return _cast(tf.linalg.inv(x), out)


def jvp(fun, primals, tangents, has_aux=False):
    primals = [convert_to_tensor(p) for p in primals]
    tangents = [tf.cast(convert_to_tensor(t), p.dtype) for t, p in zip(tangents, primals)]
    with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
        out = fun(*primals)
        aux = None
        if has_aux:
            out, aux = out
    tangents_out = tf.nest.map_structure(
        lambda o: acc.jvp(o, unconnected_gradients=tf.UnconnectedGradients.ZERO), out)
    return (out, tangents_out, aux) if has_aux else (out, tangents_out)


def _pinv(x, rcond, out):
    rcond = _scaled_eps(x, out) if rcond is None else rcond
    return tf.linalg.pinv(x, rcond=rcond)


def lstsq(a, b, rcond=None):
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    _r().check_lstsq(_shape(a), _shape(b))
    a, b, out = _operands(a, b)
    pa = _pinv(a, rcond, out)
    x = tf.linalg.matvec(pa, b) if b.shape.rank == 1 else pa @ b
    return _cast(x, out)


def _pivots(perm):
    """LAPACK pivots from tf.linalg.lu's row permutation (batched, static size)."""
    n = perm.shape[-1]
    current = tf.broadcast_to(tf.range(n, dtype=perm.dtype), tf.shape(perm))
    pivots = []
    for i in range(n):
        j = tf.argmax(tf.cast(tf.equal(current, perm[..., i:i + 1]), tf.int32), axis=-1,
                      output_type=perm.dtype)
        pivots.append(j)
        ci = current[..., i]
        cj = tf.gather(current, j, batch_dims=len(perm.shape) - 1)
        swap = (tf.one_hot(i, n, dtype=perm.dtype) * (cj - ci)[..., None]
                + tf.one_hot(j, n, dtype=perm.dtype) * (ci - cj)[..., None])
        current = current + swap
    return tf.cast(tf.stack(pivots, axis=-1), tf.int32)


def lu_factor(x):
    x, out = _matrix(x, "lu_factor")
    if x.shape[-1] is None:
        raise NotImplementedError("kc.ops.linalg.lu_factor on the tensorflow backend needs a "
                                  "static matrix size.")
    lu, perm = tf.linalg.lu(x)
    return _cast(lu, out), _pivots(perm)


def _svdvals(x):
    return tf.linalg.svd(x, compute_uv=False)


def matrix_rank(x, tol=None):
    x, out = _matrix(x, "matrix_rank", square=False)
    s = _svdvals(x)
    if tol is None:
        top = tf.reduce_max(tf.concat([s, tf.zeros_like(s[..., :1])], axis=-1), axis=-1, keepdims=True)
        tol = top * _scaled_eps(x, out) / 10.0
    return tf.reduce_sum(tf.cast(s > tol, tf.int32), axis=-1)


def _vector_norm(a, ord, axis: int):
    """Vector norm of the absolute values ``a`` along ``axis`` (kept with size 1)."""
    if ord is None or ord == 2:
        return tf.sqrt(tf.reduce_sum(a * a, axis=axis, keepdims=True))
    if ord == float("inf"):
        return tf.reduce_max(a, axis=axis, keepdims=True)
    if ord == -float("inf"):
        return tf.reduce_min(a, axis=axis, keepdims=True)
    if ord == 0:
        return tf.reduce_sum(tf.cast(a != 0, a.dtype), axis=axis, keepdims=True)
    if ord == 1:
        return tf.reduce_sum(a, axis=axis, keepdims=True)
    return tf.reduce_sum(a ** ord, axis=axis, keepdims=True) ** (1.0 / ord)


def _matrix_norm(x, a, ord, axes: tuple):
    """Matrix norm over ``axes`` = (rows, cols), both kept with size 1."""
    row, col = axes
    if ord in (None, "fro"):
        return tf.sqrt(tf.reduce_sum(a * a, axis=axes, keepdims=True))
    if ord in (1, -1, float("inf"), -float("inf")):
        inner, outer = (row, col) if abs(ord) == 1 else (col, row)
        sums = tf.reduce_sum(a, axis=inner, keepdims=True)
        return (tf.reduce_max if ord > 0 else tf.reduce_min)(sums, axis=outer, keepdims=True)
    rest = [i for i in range(a.shape.rank) if i not in axes]
    s = _svdvals(tf.transpose(x, rest + [row, col]))
    s = {"nuc": tf.reduce_sum, 2: tf.reduce_max, -2: tf.reduce_min}[ord](s, axis=-1)
    for axis in sorted(axes):
        s = tf.expand_dims(s, axis)
    return s


def norm(x, ord=None, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    kind, axes = _r().norm_plan(x.shape.rank, ord, axis)
    out = _r().linalg_dtype(_name(x))
    x = tf.cast(x, to_native_dtype(_r().compute_dtype(out)))
    a = tf.abs(x)
    if kind == "flat":
        r = tf.sqrt(tf.reduce_sum(a * a, keepdims=keepdims))
        return _cast(r, _r().real_dtype(out))
    r = _vector_norm(a, ord, axes[0]) if kind == "vector" else _matrix_norm(x, a, ord, axes)
    if not keepdims:
        r = tf.squeeze(r, axis=list(axes))
    return _cast(r, _r().real_dtype(out))


def pinv(x, rcond=None):
    x, out = _matrix(x, "pinv", square=False)
    return _cast(_pinv(x, rcond, out), out)


def qr(x, mode="reduced"):
    _r().check_qr_mode(mode)
    x, out = _matrix(x, "qr", square=False)
    q, r = tf.linalg.qr(x, full_matrices=mode == "complete")
    return _cast(q, out), _cast(r, out)


def _solve(a, b, solver):
    if b.shape.rank == 1:
        return _solve(a, b[:, None], solver)[..., 0]
    batch = tf.broadcast_dynamic_shape(tf.shape(a)[:-2], tf.shape(b)[:-2])
    a = tf.broadcast_to(a, tf.concat([batch, tf.shape(a)[-2:]], 0))
    b = tf.broadcast_to(b, tf.concat([batch, tf.shape(b)[-2:]], 0))
    return solver(a, b)


def solve(a, b):
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    _r().solve_shapes(_shape(a), _shape(b), "solve")
    a, b, out = _operands(a, b)
    return _cast(_solve(a, b, tf.linalg.solve), out)


def solve_triangular(a, b, lower=False):
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    _r().solve_shapes(_shape(a), _shape(b), "solve_triangular")
    a, b, out = _operands(a, b)
    return _cast(_solve(a, b, lambda m, r: tf.linalg.triangular_solve(m, r, lower=lower)), out)


def svd(x, full_matrices=True, compute_uv=True):
    x, out = _matrix(x, "svd", square=False)
    if not compute_uv:
        return _cast(_svdvals(x), _r().real_dtype(out))
    s, u, v = tf.linalg.svd(x, full_matrices=full_matrices, compute_uv=True)
    return _cast(u, out), _cast(s, _r().real_dtype(out)), _cast(tf.linalg.adjoint(v), out)
