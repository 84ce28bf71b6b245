"""Neural-network ops: activations, softmax family, one-hot, losses, normalizations, CTC.

Dtype rules (the same on every backend):

* activations and the softmax family: float inputs keep their dtype, ints and
  bools give floatx. ``relu``, ``relu6``, ``hard_tanh`` and ``threshold`` keep
  integer dtypes too (they are exact on integers); bools give floatx.
* losses follow ``output`` (made float); ``ctc_loss`` computes in at least float32.
* ``layer_normalization`` and ``rms_normalization`` compute in at least float32
  and return the input's dtype, as Keras 3 does.

Convolution, pooling and attention live in ``_conv.py``.
"""

from __future__ import annotations

from kc import config, dtypes
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op

__all__ = [
    "relu", "relu6", "sigmoid", "sparse_sigmoid", "softplus", "softsign", "silu", "swish",
    "log_sigmoid", "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu",
    "gelu", "celu", "glu", "hard_tanh", "hard_shrink", "soft_shrink", "tanh_shrink",
    "threshold", "squareplus", "sparse_plus", "softmax", "log_softmax", "sparsemax",
    "one_hot", "multi_hot", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "moments", "batch_normalization",
    "layer_normalization", "rms_normalization", "normalize", "polar", "psnr",
    "ctc_loss", "ctc_decode",
]


# --- shape/dtype rules of this family -------------------------------------------------


def _int_keeping(x, *args, **kwargs) -> KerasTensor:
    """Same shape; floats and ints keep their dtype, bools give floatx."""
    dtype = rules.dtype_of(x)
    return KerasTensor(rules.shape_of(x), config.floatx() if dtype == "bool" else dtype)


def _float_along_axis(name):
    def rule(x, axis=-1, *args, **kwargs) -> KerasTensor:
        shape = rules.shape_of(x)
        rules.canonical_axes(axis, len(shape), name)
        return rules.unary_float(x)

    return rule


def _hot_shape(shape: tuple, num_classes: int, axis: int, name: str) -> list:
    out = list(shape)
    out.insert(rules.canonical_axis(axis, len(shape) + 1, name), num_classes)
    return out


def _hot_dtype(dtype) -> str:
    return dtypes.standardize_dtype(dtype) if dtype is not None else config.floatx()


def _without_class_axis(shape: tuple, axis: int) -> tuple:
    if not shape:
        raise ValueError("sparse_categorical_crossentropy: output must have rank >= 1, got a scalar.")
    ax = rules.canonical_axis(axis, len(shape), "sparse_categorical_crossentropy")
    return shape[:ax] + shape[ax + 1:]


def _loss_dtype(output) -> str:
    return rules.float_dtype(rules.dtype_of(output))


def _moments_spec(x, axes, keepdims):
    shape = rules.reduce_shape(rules.shape_of(x), tuple(axes) if isinstance(axes, list) else axes,
                               keepdims, "moments")
    dtype = rules.float_dtype(rules.dtype_of(x))
    return KerasTensor(shape, dtype), KerasTensor(shape, dtype)


# --- activations -----------------------------------------------------------------------


@op(rule=_int_keeping)
def relu(x):
    """Rectified linear unit, ``max(x, 0)``.

    Example:
        >>> kc.ops.relu([-1.0, 0.5])
        array([0. , 0.5], dtype=float32)
    """


@op(rule=_int_keeping)
def relu6(x):
    """ReLU capped at 6, ``min(max(x, 0), 6)``.

    Example:
        >>> kc.ops.relu6([-1.0, 7.0])
        array([0., 6.], dtype=float32)
    """


@op(rule=rules.unary_float)
def sigmoid(x):
    """Logistic sigmoid, ``1 / (1 + exp(-x))``.

    Example:
        >>> kc.ops.sigmoid([0.0])
        array([0.5], dtype=float32)
    """


@op(rule=rules.unary_float)
def sparse_sigmoid(x):
    """Piecewise-linear sigmoid: 0 below -1, 1 above 1, ``(x + 1) / 2`` between.

    Example:
        >>> kc.ops.sparse_sigmoid([-2.0, 0.0, 2.0])
        array([0. , 0.5, 1. ], dtype=float32)
    """


@op(rule=rules.unary_float)
def softplus(x):
    """Softplus, ``log(1 + exp(x))``, computed without overflow.

    Example:
        >>> kc.ops.softplus([0.0])
        array([0.6931472], dtype=float32)
    """


@op(rule=rules.unary_float)
def softsign(x):
    """Softsign, ``x / (1 + |x|)``.

    Example:
        >>> kc.ops.softsign([1.0])
        array([0.5], dtype=float32)
    """


@op(rule=rules.unary_float)
def silu(x):
    """Sigmoid linear unit (swish), ``x * sigmoid(x)``.

    Example:
        >>> kc.ops.silu([0.0, 1.0])
        array([0.       , 0.7310586], dtype=float32)
    """


swish = silu


@op(rule=rules.unary_float)
def log_sigmoid(x):
    """Logarithm of the sigmoid, ``-softplus(-x)``.

    Example:
        >>> kc.ops.log_sigmoid([0.0])
        array([-0.6931472], dtype=float32)
    """


@op(rule=rules.unary_float)
def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: ``x`` for positive inputs, ``negative_slope * x`` otherwise.

    Args:
        x: input tensor.
        negative_slope: slope for negative inputs.

    Example:
        >>> kc.ops.leaky_relu([-1.0, 2.0])
        array([-0.2,  2. ], dtype=float32)
    """


@op(rule=rules.unary_float)
def hard_sigmoid(x):
    """Hard sigmoid, ``clip(x / 6 + 1 / 2, 0, 1)``.

    Example:
        >>> kc.ops.hard_sigmoid([0.0, 3.0])
        array([0.5, 1. ], dtype=float32)
    """


@op(rule=rules.unary_float)
def hard_silu(x):
    """Hard SiLU (hard swish), ``x * hard_sigmoid(x)``.

    Example:
        >>> kc.ops.hard_silu([1.0])
        array([0.6666667], dtype=float32)
    """


hard_swish = hard_silu


@op(rule=rules.unary_float)
def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Example:
        >>> kc.ops.elu([-1.0, 1.0])
        array([-0.63212055,  1.        ], dtype=float32)
    """


@op(rule=rules.unary_float)
def selu(x):
    """Scaled ELU with the fixed constants of Klambauer et al. (2017).

    Example:
        >>> kc.ops.selu([1.0])
        array([1.050701], dtype=float32)
    """


@op(rule=rules.unary_float)
def gelu(x, approximate=True):
    """Gaussian error linear unit.

    Args:
        x: input tensor.
        approximate: use ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``
            instead of the exact ``x * Phi(x)``.

    Example:
        >>> kc.ops.gelu([1.0], approximate=False)
        array([0.8413447], dtype=float32)
    """


@op(rule=rules.unary_float)
def celu(x, alpha=1.0):
    """Continuously differentiable ELU, ``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``.

    Example:
        >>> kc.ops.celu([-1.0, 1.0])
        array([-0.63212055,  1.        ], dtype=float32)
    """


@op
def glu(x, axis=-1):
    """Gated linear unit: split ``x`` in halves ``a, b`` along ``axis``, return ``a * sigmoid(b)``.

    Args:
        x: input tensor; its size along ``axis`` must be even.
        axis: the axis to split.

    Example:
        >>> kc.ops.glu([1.0, 0.0])
        array([0.5], dtype=float32)
    """
    shape = list(rules.shape_of(x))
    ax = rules.canonical_axis(axis, len(shape), "glu")
    if shape[ax] is not None:
        if shape[ax] % 2:
            raise ValueError(f"glu: the size of axis {axis} must be even, got shape {tuple(shape)}.")
        shape[ax] //= 2
    return KerasTensor(tuple(shape), rules.float_dtype(rules.dtype_of(x)))


@op(rule=_int_keeping)
def hard_tanh(x):
    """Hard tanh, ``clip(x, -1, 1)``.

    Example:
        >>> kc.ops.hard_tanh([-2.0, 0.5])
        array([-1. ,  0.5], dtype=float32)
    """


@op(rule=rules.unary_float)
def hard_shrink(x, threshold=0.5):
    """Hard shrink: ``x`` where ``|x| > threshold``, else 0.

    Example:
        >>> kc.ops.hard_shrink([-1.0, 0.2])
        array([-1.,  0.], dtype=float32)
    """


@op(rule=rules.unary_float)
def soft_shrink(x, threshold=0.5):
    """Soft shrink: move ``x`` towards 0 by ``threshold``, 0 inside ``[-threshold, threshold]``.

    Example:
        >>> kc.ops.soft_shrink([-1.0, 0.2])
        array([-0.5,  0. ], dtype=float32)
    """


@op(rule=rules.unary_float)
def tanh_shrink(x):
    """Tanh shrink, ``x - tanh(x)``.

    Example:
        >>> kc.ops.tanh_shrink([0.0])
        array([0.], dtype=float32)
    """


@op(rule=_int_keeping)
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value`` (in ``x``'s dtype).

    Args:
        x: input tensor.
        threshold: the threshold (a number).
        default_value: the value for elements at or below the threshold.

    Example:
        >>> kc.ops.threshold([0.5, 2.0], 1.0, 0.0)
        array([0., 2.], dtype=float32)
    """


@op(rule=rules.unary_float)
def squareplus(x, b=4):
    """Squareplus, ``(x + sqrt(x^2 + b)) / 2``.

    Example:
        >>> kc.ops.squareplus([0.0])
        array([1.], dtype=float32)
    """


@op(rule=rules.unary_float)
def sparse_plus(x):
    """Sparse plus: 0 below -1, ``(x + 1)^2 / 4`` on ``(-1, 1)``, ``x`` above.

    Example:
        >>> kc.ops.sparse_plus([-2.0, 0.0, 2.0])
        array([0.  , 0.25, 2.  ], dtype=float32)
    """


# --- softmax family ------------------------------------------------------------------------


@op(rule=_float_along_axis("softmax"))
def softmax(x, axis=-1):
    """Softmax along ``axis`` (an int or a tuple of axes, normalized jointly).

    Example:
        >>> kc.ops.softmax([0.0, 0.0])
        array([0.5, 0.5], dtype=float32)
    """


@op(rule=_float_along_axis("log_softmax"))
def log_softmax(x, axis=-1):
    """Log of the softmax along ``axis``, ``x - logsumexp(x)``.

    Example:
        >>> kc.ops.log_softmax([0.0, 0.0])
        array([-0.6931472, -0.6931472], dtype=float32)
    """


@op(rule=_float_along_axis("sparsemax"))
def sparsemax(x, axis=-1):
    """Sparsemax (Martins & Astudillo, 2016): Euclidean projection onto the simplex.

    Example:
        >>> kc.ops.sparsemax([0.0, 2.0])
        array([0., 1.], dtype=float32)
    """


# --- one-hot encodings --------------------------------------------------------------------


@op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encode integer indices; negative or out-of-range indices give a row of zeros.

    Args:
        x: integer tensor of class indices.
        num_classes: number of classes (size of the new axis).
        axis: position of the new axis in the output.
        dtype: output dtype (default floatx).
        sparse: return a sparse tensor (tensorflow and jax only).

    Returns:
        Tensor of shape ``x.shape`` with ``num_classes`` inserted at ``axis``.

    Example:
        >>> kc.ops.one_hot([1, -1], 3)
        array([[0., 1., 0.],
               [0., 0., 0.]], dtype=float32)
    """
    rules.check_int_dtype(rules.dtype_of(x), "one_hot", "x")
    return KerasTensor(_hot_shape(rules.shape_of(x), num_classes, axis, "one_hot"),
                       _hot_dtype(dtype), sparse=sparse)


@op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encode: for each row of indices, 1 at every index it contains.

    A 1-D ``inputs`` gives one vector of ``num_classes``; a batch ``(B, L)`` gives
    ``(B, num_classes)``. Indices are cast to int32 as in Keras 3; negative or
    out-of-range indices are ignored.

    Args:
        inputs: tensor of class indices.
        num_classes: number of classes (``num_tokens=`` is accepted as an alias).
        axis: position of the class axis in the per-index one-hot encoding.
        dtype: output dtype (default floatx).
        sparse: return a sparse tensor (tensorflow and jax only).

    Example:
        >>> kc.ops.multi_hot([0, 2], 4)
        array([1., 0., 1., 0.], dtype=float32)
    """
    num_classes = rules.nn_multi_hot_classes(num_classes, kwargs)
    shape = _hot_shape(rules.shape_of(inputs), num_classes, axis, "multi_hot")
    shape = shape[1:] if len(shape) == 2 else shape[:1] + shape[2:]
    return KerasTensor(shape, _hot_dtype(dtype), sparse=sparse)


# --- losses -----------------------------------------------------------------------------------


@op
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy; probabilities are clipped to ``[eps, 1 - eps]``.

    Args:
        target: targets in ``[0, 1]``, the shape of ``output``.
        output: probabilities, or logits when ``from_logits``.
        from_logits: whether ``output`` holds logits.

    Example:
        >>> kc.ops.binary_crossentropy([1.0], [0.5])
        array([0.6931472], dtype=float32)
    """
    rules.check_same_shape(rules.shape_of(target), rules.shape_of(output), "binary_crossentropy")
    return KerasTensor(rules.shape_of(output), _loss_dtype(output))


@op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) targets and class probabilities along ``axis``.

    Probabilities are renormalized to sum to 1 and clipped to ``[eps, 1 - eps]``.

    Example:
        >>> kc.ops.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """
    t, o = rules.shape_of(target), rules.shape_of(output)
    rules.check_same_shape(t, o, "categorical_crossentropy")
    if not o:
        raise ValueError("categorical_crossentropy: target and output must have rank >= 1, got scalars.")
    ax = rules.canonical_axis(axis, len(o), "categorical_crossentropy")
    return KerasTensor(o[:ax] + o[ax + 1:], _loss_dtype(output))


@op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between integer class targets and class probabilities along ``axis``.

    Example:
        >>> kc.ops.sparse_categorical_crossentropy([1], [[0.5, 0.5]])
        array([0.6931472], dtype=float32)
    """
    o = rules.shape_of(output)
    rules.check_same_shape(rules.nn_sparse_target_shape(rules.shape_of(target), o),
                           _without_class_axis(o, axis),
                           "sparse_categorical_crossentropy",
                           ("target", "output without its class axis"))
    return KerasTensor(_without_class_axis(o, axis), _loss_dtype(output))


# --- statistics and normalization --------------------------------------------------------------


@op
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of ``x`` over ``axes``.

    Half-precision inputs are reduced in float32 and cast back.
    ``synchronized`` (cross-replica statistics) is accepted; kc computes the
    statistics of the local tensor.

    Returns:
        ``(mean, variance)``; ints give floatx.

    Example:
        >>> kc.ops.moments([1.0, 3.0], axes=[0])
        (array(2., dtype=float32), array(1., dtype=float32))
    """
    return _moments_spec(x, axes, keepdims)


@op(tensors=("x", "mean", "variance", "offset", "scale"))
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, statistics along ``axis``.

    Args:
        x: input tensor.
        mean, variance: 1-D tensors of size ``x.shape[axis]``.
        axis: the feature axis.
        offset, scale: optional 1-D tensors of the same size.
        epsilon: added to the variance.

    Example:
        >>> kc.ops.batch_normalization([[1.0, 2.0]], [1.0, 1.0], [1.0, 1.0], axis=-1, epsilon=0.0)
        array([[0., 1.]], dtype=float32)
    """
    shape = rules.shape_of(x)
    size = shape[rules.canonical_axis(axis, len(shape), "batch_normalization")]
    for name, v in (("mean", mean), ("variance", variance), ("offset", offset), ("scale", scale)):
        if v is not None:
            rules.check_same_shape(rules.shape_of(v), (size,), "batch_normalization",
                                   (name, f"x.shape[{axis}]"))
    return KerasTensor(shape, rules.float_dtype(rules.dtype_of(x)))


@op(tensors=("x", "gamma", "beta"))
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalize ``x`` to zero mean and unit variance over ``axis``, then scale and shift.

    Computes in at least float32 and returns ``x``'s dtype, as Keras 3 does.

    Args:
        x: input tensor.
        gamma: optional scale, broadcast over the normalized axes.
        beta: optional offset.
        axis: int or tuple of axes to normalize over.
        epsilon: added to the variance (default `kc.config.epsilon()`).
        **kwargs: ``rms_scaling=True`` (deprecated in Keras 3) divides by the
            standard deviation without centering.

    Example:
        >>> kc.ops.layer_normalization([1.0, 3.0], epsilon=0.0)
        array([-1.,  1.], dtype=float32)
    """
    rules.nn_layer_norm_rms_scaling(kwargs)
    rules.canonical_axes(axis, len(rules.shape_of(x)), "layer_normalization")
    return rules.same_as_input(x)


@op(tensors=("x", "scale"))
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """Divide ``x`` by its root mean square over ``axis``, then multiply by ``scale``.

    Computes in at least float32 and returns ``x``'s dtype, as Keras 3 does.

    Example:
        >>> kc.ops.rms_normalization([3.0, 4.0], epsilon=0.0)
        array([0.8485281, 1.1313709], dtype=float32)
    """
    rules.canonical_axes(axis, len(rules.shape_of(x)), "rms_normalization")
    return rules.same_as_input(x)


@op
def normalize(x, axis=-1, order=2, epsilon=None):
    """Divide ``x`` by its ``order``-norm over ``axis`` (norm at least ``epsilon``).

    Args:
        x: input tensor (a scalar is treated as shape ``(1,)``, as in Keras 3).
        axis: int or tuple of axes.
        order: an int >= 1.
        epsilon: lower bound of the norm (default `kc.config.epsilon()`).

    Example:
        >>> kc.ops.normalize([3.0, 4.0])
        array([0.6, 0.8], dtype=float32)
    """
    rules.nn_check_norm_order(order)
    shape = rules.shape_of(x) or (1,)
    rules.canonical_axes(axis, len(shape), "normalize")
    return KerasTensor(shape, rules.float_dtype(rules.dtype_of(x)))


# --- complex, images -------------------------------------------------------------------------


@op
def polar(abs_, angle):
    """Complex tensor ``abs_ * (cos(angle) + 1j * sin(angle))``.

    Returns:
        complex64 (complex128 when an input is float64).

    Example:
        >>> kc.ops.polar([2.0], [0.0])
        array([2.+0.j], dtype=complex64)
    """
    shape = rules.broadcast_shapes(rules.shape_of(abs_), rules.shape_of(angle), op="polar")
    return KerasTensor(shape, rules.nn_polar_dtype(rules.dtype_of(abs_), rules.dtype_of(angle)))


@op
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio, ``20 log10(max_val) - 10 log10(mean((x1 - x2)^2))``.

    Args:
        x1, x2: tensors of the same shape.
        max_val: the largest possible value of the signal.

    Returns:
        A scalar.

    Example:
        >>> kc.ops.psnr([0.0, 1.0], [0.0, 0.9], 1.0)
        array(23.010298, dtype=float32)
    """
    rules.check_same_shape(rules.shape_of(x1), rules.shape_of(x2), "psnr", ("x1", "x2"))
    return KerasTensor((), rules.float_dtype(dtypes.result_type(rules.dtype_of(x1), rules.dtype_of(x2))))


# --- CTC ------------------------------------------------------------------------------------------


@op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist temporal classification loss per batch element.

    Args:
        target: int tensor ``(batch, max_label_length)`` of labels, padded.
        output: logits ``(batch, max_time, num_classes)`` (log-softmax is applied).
        target_length: int tensor ``(batch,)`` of label lengths.
        output_length: int tensor ``(batch,)`` of sequence lengths.
        mask_index: index of the blank class.

    Returns:
        ``(batch,)`` negative log-likelihoods, in ``result_type(output, float32)``.

    Example:
        >>> kc.ops.ctc_loss([[1]], np.zeros((1, 2, 2)), [1], [2]).shape
        (1,)
    """
    t, o = rules.shape_of(target), rules.shape_of(output)
    if len(t) != 2 or len(o) != 3:
        raise ValueError(f"ctc_loss: target must have rank 2 and output rank 3, got shapes {t} and {o}.")
    return KerasTensor((o[0],), rules.nn_ctc_dtype(rules.dtype_of(output)))


@op
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Decode CTC outputs by best path (``"greedy"``) or prefix beam search (``"beam_search"``).

    Args:
        inputs: ``(batch, max_time, num_classes)`` logits or probabilities.
        sequence_lengths: ``(batch,)`` int lengths.
        strategy: ``"greedy"`` or ``"beam_search"``.
        beam_width: beams kept per step (beam search).
        top_paths: number of paths returned (beam search; greedy returns 1).
        merge_repeated: merge repeated labels (greedy).
        mask_index: index of the blank class.

    Returns:
        ``(decoded, scores)``: int32 ``(top_paths, batch, max_time)`` labels padded
        with -1, and ``(batch, top_paths)`` scores (greedy: minus the sum of the
        per-step maxima of ``inputs``; beam search: log-probabilities).

    Example:
        >>> kc.ops.ctc_decode(np.eye(3)[None], [3])[0]
        array([[[1, 2, -1]]], dtype=int32)
    """
    rules.nn_check_ctc_strategy(strategy)
    shape = rules.shape_of(inputs)
    if len(shape) != 3:
        raise ValueError(f"ctc_decode: inputs must have rank 3, got shape {shape}.")
    paths = 1 if strategy == "greedy" else top_paths
    return (KerasTensor((paths, shape[0], shape[1]), "int32"),
            KerasTensor((shape[0], paths), rules.nn_ctc_dtype(rules.dtype_of(inputs))))
