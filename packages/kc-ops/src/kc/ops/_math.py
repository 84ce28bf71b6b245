"""Math ops of `keras.ops` outside the NumPy API: segments, top-k, logsumexp, erf, FFTs, STFT.

Each declaration's body is its shape/dtype rule; the computation is
``kc.backend.<active>.math``.

Dtype rules (the same on every backend):

* segment reductions, `top_k` values and `extract_sequences` keep the input dtype;
  `top_k` indices are int32, `in_top_k` is bool. Bool data reduce as any/all.
  Empty segments hold the reduction's identity: 0 (sum), 1 (prod), -inf / +inf
  (max / min of floats) or the integer dtype's lowest / highest value.
* `erf`, `erfc`, `erfinv`, `rsqrt`, `logsumexp`, `logdet`, `cdist`, `rfft`, `stft`:
  float inputs keep their dtype, ints and bools give floatx (Keras 3's NumPy
  backend keeps ints for some of them; kc does not).
* FFTs take and return ``(real, imag)`` pairs of float tensors.
"""

from __future__ import annotations

from kc import config, dtypes
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._linalg import check_matrix, linalg_dtype
from kc.ops._op import op
from kc.ops._rules import dtype_of, shape_of

__all__ = [
    "cdist", "erf", "erfc", "erfinv", "extract_sequences", "fft", "fft2", "ifft2", "in_top_k",
    "irfft", "istft", "logdet", "logsumexp", "rfft", "rsqrt", "segment_max", "segment_min",
    "segment_prod", "segment_sum", "stft", "top_k", "view_as_complex", "view_as_real",
]


# --- rules shared with the backends ---------------------------------------------------


def float_dtype(dtype) -> str:
    """Float dtypes stay, everything else becomes floatx."""
    name = dtypes.standardize_dtype(dtype)
    return name if dtypes.is_float_dtype(name) else config.floatx()


def check_segments(data_shape: tuple, ids_shape: tuple, op: str) -> None:
    """ValueError unless ``segment_ids`` is 1-D with one id per row of ``data``."""
    if not data_shape:
        raise ValueError(f"{op}: data must have rank >= 1, got a scalar.")
    n = data_shape[0]
    if len(ids_shape) != 1 or (n is not None and ids_shape[0] is not None and ids_shape[0] != n):
        raise ValueError(f"{op}: segment_ids must be 1-D with data.shape[0]={n} entries, got "
                         f"segment_ids.shape={tuple(ids_shape)} for data.shape={tuple(data_shape)}.")


def segment_compute_dtype(dtype: str) -> str:
    """Bool data reduce as int32 (then compare with 0): sum/max are any, prod/min are all."""
    return "int32" if dtype == "bool" else dtype


def segment_fill(reduction: str, dtype: str):
    """The value of an empty segment for ``reduction`` in the output ``dtype``."""
    if reduction == "sum":
        return 0
    if reduction == "prod":
        return 1
    low = reduction == "max"
    if dtype == "bool":
        return 0 if low else 1
    if dtypes.is_float_dtype(dtype):
        return -float("inf") if low else float("inf")
    import numpy as np

    info = np.iinfo(dtype)
    return int(info.min if low else info.max)


def check_top_k(shape: tuple, k: int, op: str = "top_k") -> None:
    if not shape:
        raise ValueError(f"{op}: x must have rank >= 1, got a scalar.")
    if not isinstance(k, int) or isinstance(k, bool) or k < 0:
        raise ValueError(f"{op}: k must be a non-negative int, got {k!r}.")
    if shape[-1] is not None and k > shape[-1]:
        raise ValueError(f"{op}: k={k} is larger than the last axis of x (shape {tuple(shape)}).")


def check_in_top_k(targets_shape: tuple, predictions_shape: tuple) -> None:
    if len(predictions_shape) != 2 or len(targets_shape) != 1:
        raise ValueError(f"in_top_k: predictions must be 2-D (batch, classes) and targets 1-D (batch,), "
                         f"got shapes {tuple(predictions_shape)} and {tuple(targets_shape)}.")
    rules.check_same_shape(targets_shape, predictions_shape[:1], "in_top_k",
                           ("targets", "predictions[:, 0]"))


def complex_pair(x, op: str) -> tuple:
    """(shape, dtype) of a ``(real, imag)`` pair; ValueError unless two float tensors of one shape."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{op}: x must be a tuple (real, imag) of two tensors, got {type(x).__name__}.")
    (s1, s2), (d1, d2) = (shape_of(t) for t in x), (dtype_of(t) for t in x)
    if not (dtypes.is_float_dtype(d1) and dtypes.is_float_dtype(d2)):
        raise ValueError(f"{op}: the real and imaginary parts must be float tensors, got {d1} and {d2}.")
    rules.check_same_shape(s1, s2, op, ("real", "imag"))
    return s1, dtypes.result_type(d1, d2)


def check_fft_rank(shape: tuple, rank: int, op: str) -> None:
    if len(shape) < rank:
        raise ValueError(f"{op}: x must have rank >= {rank}, got shape {tuple(shape)}.")


def num_sequences(length, sequence_length: int, sequence_stride: int, op: str):
    """Number of windows of ``sequence_length`` every ``sequence_stride`` in ``length`` (None: unknown)."""
    if sequence_length < 1 or sequence_stride < 1:
        raise ValueError(f"{op}: sequence_length and sequence_stride must be >= 1, got "
                         f"{sequence_length} and {sequence_stride}.")
    if length is None:
        return None
    if length < sequence_length:
        raise ValueError(f"{op}: the last axis ({length}) is shorter than sequence_length={sequence_length}.")
    return 1 + (length - sequence_length) // sequence_stride


def check_stft_args(sequence_length: int, fft_length: int, window, op: str) -> None:
    if fft_length < sequence_length:
        raise ValueError(f"{op}: fft_length ({fft_length}) must be >= sequence_length ({sequence_length}).")
    if isinstance(window, str) and window not in ("hann", "hamming"):
        raise ValueError(f"{op}: window must be 'hann', 'hamming', None or a tensor, got {window!r}.")
    if window is not None and not isinstance(window, str):
        shape = shape_of(window)
        if len(shape) != 1 or shape[0] not in (None, sequence_length):
            raise ValueError(f"{op}: a window tensor must have shape ({sequence_length},), got {shape}.")


def window_values(window: str, sequence_length: int, fft_length: int):
    """A named window ('hann' or 'hamming') as a NumPy float64 array of length ``fft_length``.

    The window is periodic (the DFT-even form) of length ``sequence_length``, zero-padded
    on both sides (left: half the padding, floored; see `window_padding`).
    """
    import numpy as np

    n = np.arange(sequence_length)
    alpha = 0.5 if window == "hann" else 0.54
    w = alpha - (1 - alpha) * np.cos(2 * np.pi * n / sequence_length)
    return np.pad(w, window_padding(sequence_length, fft_length))


def window_padding(sequence_length: int, fft_length: int) -> tuple:
    left = (fft_length - sequence_length) // 2
    return left, fft_length - sequence_length - left


def _spec(shape, dtype) -> KerasTensor:
    return KerasTensor(tuple(shape), dtype)


# --- segments, top-k ---------------------------------------------------------------------


def _segment_rule(name):
    def rule(data, segment_ids, num_segments=None, sorted=False) -> KerasTensor:
        shape = shape_of(data)
        check_segments(shape, shape_of(segment_ids), name)
        return _spec((num_segments,) + tuple(shape[1:]), dtype_of(data))

    return rule


_SEGMENT_DOC = """Segment-wise {what} of ``data`` along its first axis.

    Args:
        data: Tensor of shape `(N, ...)`.
        segment_ids: int tensor of shape `(N,)`: the segment of each row; ids outside
            `[0, num_segments)` are dropped.
        num_segments: number of segments; None: `max(segment_ids) + 1` (needs concrete ids,
            so pass it under jit).
        sorted: whether the ids are sorted (a hint; the result does not depend on it).

    Returns:
        Tensor of shape `(num_segments, ...)` and data's dtype; empty segments hold {empty}.

    Example:
        >>> kc.ops.{name}([1.0, 2.0, 3.0], [0, 0, 1], num_segments=2)
    """


def _segment_op(name: str, what: str, empty: str):
    def declaration(data, segment_ids, num_segments=None, sorted=False):
        pass

    declaration.__name__ = declaration.__qualname__ = name
    declaration.__module__ = __name__
    declaration.__doc__ = _SEGMENT_DOC.format(what=what, empty=empty, name=name)
    return op(declaration, rule=_segment_rule(name))


segment_sum = _segment_op("segment_sum", "sum", "0")
segment_prod = _segment_op("segment_prod", "product", "1")
segment_max = _segment_op("segment_max", "maximum", "-inf (floats) or the dtype's lowest value")
segment_min = _segment_op("segment_min", "minimum", "+inf (floats) or the dtype's highest value")


@op
def top_k(x, k, sorted=True):
    """The ``k`` largest entries along the last axis, and their indices.

    Args:
        x: Tensor of shape `(..., N)`.
        k: number of entries, `0 <= k <= N`.
        sorted: accepted for Keras compatibility; kc always returns them in descending order
            (ties: lower index first).

    Returns:
        `(values, indices)` of shape `(..., k)`; values keep x's dtype, indices are int32.

    Example:
        >>> values, indices = kc.ops.top_k([5, 2, 7, 1], 2)  # [7, 5], [2, 0]
    """
    shape = shape_of(x)
    check_top_k(shape, k)
    out = tuple(shape[:-1]) + (k,)
    return _spec(out, dtype_of(x)), _spec(out, "int32")


@op
def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` highest predictions of its row.

    Args:
        targets: int tensor of shape `(batch,)`.
        predictions: Tensor of shape `(batch, classes)`.
        k: number of top classes; ties with the k-th value count as in the top k.

    Returns:
        bool tensor of shape `(batch,)`.

    Example:
        >>> kc.ops.in_top_k([1], [[0.1, 0.7, 0.2]], 1)  # [True]
    """
    ts, ps = shape_of(targets), shape_of(predictions)
    check_in_top_k(ts, ps)
    return _spec(ts, "bool")


@op
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed without overflow.

    Args:
        x: input tensor.
        axis: int, tuple of ints, or None (all axes).
        keepdims: keep reduced axes with size 1.

    Returns:
        The reduction; ints and bools give floatx.

    Example:
        >>> kc.ops.logsumexp([0.0, 0.0])  # log(2)
    """
    shape = shape_of(x)
    axes = rules.reduction_axes(axis, len(shape), "logsumexp")
    return _spec(rules.reduce_shape(shape, axes, keepdims, "logsumexp"), float_dtype(dtype_of(x)))


# --- special functions -----------------------------------------------------------------


@op(rule=rules.unary_float)
def erf(x):
    """Error function, element-wise.

    Args:
        x: input tensor.

    Returns:
        `erf(x)`; ints and bools give floatx.

    Example:
        >>> kc.ops.erf([0.0, 1.0])  # [0, 0.8427]
    """


@op(rule=rules.unary_float)
def erfc(x):
    """Complementary error function ``1 - erf(x)``, element-wise (accurate for large x).

    Args:
        x: input tensor.

    Returns:
        `erfc(x)`; ints and bools give floatx.

    Example:
        >>> kc.ops.erfc([0.0, 3.0])  # [1, 2.2e-05]
    """


@op(rule=rules.unary_float)
def erfinv(x):
    """Inverse error function, element-wise (±inf at ±1, nan outside [-1, 1]).

    Args:
        x: input tensor.

    Returns:
        `erfinv(x)`; ints and bools give floatx.

    Example:
        >>> kc.ops.erfinv([0.0, 0.5])  # [0, 0.4769]
    """


@op(rule=rules.unary_float)
def rsqrt(x):
    """Reciprocal square root ``1 / sqrt(x)``, element-wise.

    Args:
        x: input tensor.

    Returns:
        `1 / sqrt(x)`; ints and bools give floatx.

    Example:
        >>> kc.ops.rsqrt([4.0, 16.0])  # [0.5, 0.25]
    """


@op
def logdet(x):
    """Log of the absolute determinant of square matrices (``slogdet(x)[1]``).

    Args:
        x: Tensor of shape `(..., M, M)`.

    Returns:
        Tensor of shape `(...)`; ints and bools give floatx.

    Example:
        >>> kc.ops.logdet([[2.0, 0.0], [0.0, 3.0]])  # log(6)
    """
    shape = shape_of(x)
    check_matrix(shape, "logdet")
    return _spec(shape[:-2], linalg_dtype(dtype_of(x)))


@op
def cdist(x, y):
    """Euclidean distances between every row vector of ``x`` and every row vector of ``y``.

    Args:
        x: Tensor of shape `(..., M, D)`.
        y: Tensor of shape `(..., N, D)`.

    Returns:
        Tensor of shape `(..., M, N)`; ints and bools give floatx.

    Example:
        >>> kc.ops.cdist([[0.0, 0.0]], [[3.0, 4.0]])  # [[5.0]]
    """
    sx, sy = shape_of(x), shape_of(y)
    check_cdist(sx, sy)
    batch = rules.broadcast_shapes(tuple(sx[:-2]), tuple(sy[:-2]), op="cdist")
    return _spec(batch + (sx[-2], sy[-2]), float_dtype(dtypes.result_type(dtype_of(x), dtype_of(y))))


def check_cdist(sx: tuple, sy: tuple) -> None:
    if len(sx) < 2 or len(sy) < 2:
        raise ValueError(f"cdist: x and y must have rank >= 2, got shapes {tuple(sx)} and {tuple(sy)}.")
    if sx[-1] is not None and sy[-1] is not None and sx[-1] != sy[-1]:
        raise ValueError(f"cdist: x and y must have the same last dimension, got shapes "
                         f"{tuple(sx)} and {tuple(sy)}.")


# --- complex views and FFTs ------------------------------------------------------------


@op
def view_as_complex(x):
    """Complex tensor from a real tensor whose last axis holds (real, imag).

    Args:
        x: float tensor of shape `(..., 2)`.

    Returns:
        complex64 tensor of shape `(...)` (complex128 for float64 input).

    Example:
        >>> kc.ops.view_as_complex([[1.0, 2.0]])  # [1+2j]
    """
    shape = shape_of(x)
    if not shape or shape[-1] not in (None, 2):
        raise ValueError(f"view_as_complex: the last axis of x must have size 2, got shape {tuple(shape)}.")
    return _spec(shape[:-1], view_as_complex_dtype(dtype_of(x)))


def view_as_complex_dtype(dtype: str) -> str:
    return "complex128" if dtype == "float64" else "complex64"


@op
def view_as_real(x):
    """Real tensor holding (real, imag) of a complex tensor in a new last axis.

    Args:
        x: complex tensor (real tensors are taken with a zero imaginary part).

    Returns:
        float tensor of shape `(..., 2)`: float32 for complex64, float64 for complex128.

    Example:
        >>> kc.ops.view_as_real(kc.ops.view_as_complex([[1.0, 2.0]]))  # [[1, 2]]
    """
    return _spec(tuple(shape_of(x)) + (2,), view_as_real_dtype(dtype_of(x)))


def view_as_real_dtype(dtype: str) -> str:
    return {"complex64": "float32", "complex128": "float64"}.get(dtype) or float_dtype(dtype)


def _pair_rule(name: str, rank: int):
    def rule(x) -> tuple:
        shape, dtype = complex_pair(x, name)
        check_fft_rank(shape, rank, name)
        return _spec(shape, dtype), _spec(shape, dtype)

    return rule


@op(rule=_pair_rule("fft", 1))
def fft(x):
    """Discrete Fourier transform along the last axis.

    Args:
        x: `(real, imag)` pair of float tensors of one shape.

    Returns:
        `(real, imag)` of the transform, same shape and dtype.

    Example:
        >>> re, im = kc.ops.fft(([1.0, 0.0], [0.0, 0.0]))  # ([1, 1], [0, 0])
    """


@op(rule=_pair_rule("fft2", 2))
def fft2(x):
    """Two-dimensional discrete Fourier transform over the last two axes.

    Args:
        x: `(real, imag)` pair of float tensors of one shape (rank >= 2).

    Returns:
        `(real, imag)` of the transform, same shape and dtype.

    Example:
        >>> re, im = kc.ops.fft2(([[1.0, 0.0]], [[0.0, 0.0]]))
    """


@op(rule=_pair_rule("ifft2", 2))
def ifft2(x):
    """Inverse two-dimensional discrete Fourier transform over the last two axes.

    Args:
        x: `(real, imag)` pair of float tensors of one shape (rank >= 2).

    Returns:
        `(real, imag)` of the inverse transform, same shape and dtype.

    Example:
        >>> re, im = kc.ops.ifft2(([[2.0, 0.0]], [[0.0, 0.0]]))  # ([[1, 1]], [[0, 0]])
    """


def rfft_length(n, fft_length):
    return n if fft_length is None else fft_length


@op
def rfft(x, fft_length=None):
    """Discrete Fourier transform of a real signal along the last axis (non-negative frequencies).

    Args:
        x: real tensor of shape `(..., N)`.
        fft_length: transform length (the signal is cropped or zero-padded); None: N.

    Returns:
        `(real, imag)` of shape `(..., fft_length // 2 + 1)`; ints and bools give floatx.

    Example:
        >>> re, im = kc.ops.rfft([1.0, 1.0, 1.0, 1.0])  # ([4, 0, 0], [0, 0, 0])
    """
    shape = shape_of(x)
    check_fft_rank(shape, 1, "rfft")
    n = rfft_length(shape[-1], fft_length)
    out = tuple(shape[:-1]) + (None if n is None else n // 2 + 1,)
    dtype = float_dtype(dtype_of(x))
    return _spec(out, dtype), _spec(out, dtype)


def irfft_length(m, fft_length):
    if fft_length is not None:
        return fft_length
    return None if m is None else 2 * (m - 1)


@op
def irfft(x, fft_length=None):
    """Inverse of `rfft`: a real signal from its non-negative frequency bins.

    Args:
        x: `(real, imag)` pair of shape `(..., M)`.
        fft_length: output length; None: `2 * (M - 1)`.

    Returns:
        Real tensor of shape `(..., fft_length)`.

    Example:
        >>> kc.ops.irfft(([4.0, 0.0, 0.0], [0.0, 0.0, 0.0]))  # [1, 1, 1, 1]
    """
    shape, dtype = complex_pair(x, "irfft")
    check_fft_rank(shape, 1, "irfft")
    return _spec(tuple(shape[:-1]) + (irfft_length(shape[-1], fft_length),), dtype)


@op
def extract_sequences(x, sequence_length, sequence_stride):
    """Windows of ``sequence_length`` every ``sequence_stride`` along the last axis.

    Args:
        x: Tensor of shape `(..., N)`.
        sequence_length: window length.
        sequence_stride: step between window starts.

    Returns:
        Tensor of shape `(..., 1 + (N - sequence_length) // sequence_stride, sequence_length)`.

    Example:
        >>> kc.ops.extract_sequences([1, 2, 3, 4, 5, 6], 3, 2)  # [[1, 2, 3], [3, 4, 5]]
    """
    shape = shape_of(x)
    check_fft_rank(shape, 1, "extract_sequences")
    num = num_sequences(shape[-1], sequence_length, sequence_stride, "extract_sequences")
    return _spec(tuple(shape[:-1]) + (num, sequence_length), dtype_of(x))


def stft_frames(length, sequence_stride: int, fft_length: int, center: bool):
    """Number of STFT frames of a signal of ``length`` (None: unknown)."""
    if length is None:
        return None
    padded = length + 2 * (fft_length // 2) if center else length
    return num_sequences(padded, fft_length, sequence_stride, "stft")


@op(tensors=("x", "window"))
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis.

    Frames of ``fft_length`` samples every ``sequence_stride`` (after reflect-padding
    ``fft_length // 2`` on both sides when ``center``) are multiplied by the window
    (of ``sequence_length``, zero-padded to ``fft_length`` on both sides) and transformed
    with `rfft`.

    Args:
        x: real tensor of shape `(..., T)`.
        sequence_length: window length.
        sequence_stride: hop between frames.
        fft_length: FFT size (>= sequence_length).
        window: 'hann', 'hamming' (periodic), a tensor of shape `(sequence_length,)`, or None.
        center: pad the signal so that frame t is centred on sample t * sequence_stride.

    Returns:
        `(real, imag)` of shape `(..., frames, fft_length // 2 + 1)`; ints and bools give floatx.

    Example:
        >>> re, im = kc.ops.stft(kc.ops.ones((16,)), 8, 4, 8)
    """
    shape = shape_of(x)
    check_fft_rank(shape, 1, "stft")
    check_stft_args(sequence_length, fft_length, window, "stft")
    frames = stft_frames(shape[-1], sequence_stride, fft_length, center)
    out = tuple(shape[:-1]) + (frames, fft_length // 2 + 1)
    dtype = float_dtype(dtype_of(x))
    return _spec(out, dtype), _spec(out, dtype)


def istft_length(frames, sequence_stride: int, fft_length: int, length, center: bool):
    """Output length of `istft`."""
    if length is not None:
        return length
    if frames is None:
        return None
    total = fft_length + sequence_stride * (frames - 1)
    return total - 2 * (fft_length // 2) if center else total


@op(tensors=("x", "window"))
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of `stft`: overlap-add of the windowed inverse FFTs, normalised by the squared window.

    Args:
        x: `(real, imag)` pair of shape `(..., frames, fft_length // 2 + 1)`.
        sequence_length: window length.
        sequence_stride: hop between frames.
        fft_length: FFT size used by `stft`.
        length: crop or zero-pad the output to this length; None: all samples.
        window: the `stft` window ('hann', 'hamming', a tensor, or None).
        center: whether `stft` padded the signal (the padding is removed).

    Returns:
        Real tensor of shape `(..., length)`.

    Example:
        >>> x = kc.ops.ones((16,))
        >>> kc.ops.istft(kc.ops.stft(x, 8, 4, 8), 8, 4, 8)  # ~x
    """
    shape, dtype = complex_pair(x, "istft")
    check_fft_rank(shape, 2, "istft")
    check_stft_args(sequence_length, fft_length, window, "istft")
    n = istft_length(shape[-2], sequence_stride, fft_length, length, center)
    return _spec(tuple(shape[:-2]) + (n,), dtype)
