"""Element-wise binary ops: arithmetic, comparisons, logic, bitwise, maximum/minimum, clip.

Every op broadcasts its inputs like NumPy. Dtypes follow `kc.dtypes.result_type`
(Python scalars are weak: ``float16_tensor + 1.0`` stays float16) with each op's
Keras 3 rule on top, in ``kc.ops._rules.binary_dtype``: divisions and
transcendental ops give floats (ints -> floatx), comparisons and logical ops
give bool, bitwise ops and gcd/lcm take only ints and bools.
"""

from __future__ import annotations

from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op

__all__ = [
    "add", "subtract", "multiply", "divide", "true_divide", "divide_no_nan", "floor_divide",
    "mod", "fmod", "power", "maximum", "minimum", "fmax", "fmin", "hypot", "arctan2",
    "logaddexp", "logaddexp2", "heaviside", "nextafter", "ldexp", "gcd", "lcm",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "isclose", "allclose",
    "logical_and", "logical_or", "logical_xor", "logical_not",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert",
    "bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift", "clip",
]


def _shape(name: str, *xs) -> tuple:
    return rules.broadcast_shapes(*(rules.shape_of(x) for x in xs), op=name)


def _elementwise(name: str):
    """Shape/dtype rule of the binary op ``name``: broadcast shapes, `binary_output_dtype`."""

    def rule(x1, x2, *args, **kwargs) -> KerasTensor:
        return KerasTensor(_shape(name, x1, x2), rules.binary_output_dtype(name, x1, x2))

    rule.__name__ = f"{name}_rule"
    return rule


def _bitwise_unary(x) -> KerasTensor:
    dtype = rules.dtype_of(x)
    if dtype != "bool" and not dtype.startswith(("int", "uint")):
        raise TypeError(f"bitwise_invert: x must be an integer or bool tensor, got dtype {dtype}.")
    return KerasTensor(rules.shape_of(x), dtype)


# --- arithmetic -------------------------------------------------------------------------


@op(rule=_elementwise("add"))
def add(x1, x2):
    """Add arguments element-wise.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        The element-wise sum; dtype from `kc.dtypes.result_type` (bool + bool is logical or).

    Example:
        >>> kc.ops.add([1, 2], [3, 4])
        array([4, 6], dtype=int32)
    """


@op(rule=_elementwise("subtract"))
def subtract(x1, x2):
    """Subtract ``x2`` from ``x1`` element-wise.

    Args:
        x1: first tensor.
        x2: second tensor. Two bool tensors raise TypeError (use `logical_xor`).

    Returns:
        The element-wise difference; dtype from `kc.dtypes.result_type`.

    Example:
        >>> kc.ops.subtract([3, 4], 1)
        array([2, 3], dtype=int32)
    """


@op(rule=_elementwise("multiply"))
def multiply(x1, x2):
    """Multiply arguments element-wise.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        The element-wise product; dtype from `kc.dtypes.result_type`.

    Example:
        >>> kc.ops.multiply([1.0, 2.0], 3.0)
        array([3., 6.], dtype=float32)
    """


@op(rule=_elementwise("divide"))
def divide(x1, x2):
    """Divide ``x1`` by ``x2`` element-wise (true division).

    Args:
        x1: dividend tensor.
        x2: divisor tensor.

    Returns:
        The quotient; integer and bool inputs give floatx, float16 stays float16.

    Example:
        >>> kc.ops.divide([1, 2], 2)
        array([0.5, 1. ], dtype=float32)
    """


@op(rule=_elementwise("true_divide"))
def true_divide(x1, x2):
    """Divide ``x1`` by ``x2`` element-wise; the same as `divide`.

    Args:
        x1: dividend tensor.
        x2: divisor tensor.

    Returns:
        The quotient; integer and bool inputs give floatx.

    Example:
        >>> kc.ops.true_divide([3], [2])
        array([1.5], dtype=float32)
    """


@op(rule=_elementwise("divide_no_nan"))
def divide_no_nan(x1, x2):
    """Divide element-wise, giving 0 wherever ``x2`` is 0.

    Args:
        x1: dividend tensor.
        x2: divisor tensor.

    Returns:
        ``x1 / x2`` with 0 where ``x2 == 0``; integer and bool inputs give floatx.

    Example:
        >>> kc.ops.divide_no_nan([1.0, 2.0], [0.0, 4.0])
        array([0. , 0.5], dtype=float32)
    """


@op(rule=_elementwise("floor_divide"))
def floor_divide(x1, x2):
    """Largest integer not above ``x1 / x2``, element-wise (Python's ``//``).

    Args:
        x1: dividend tensor.
        x2: divisor tensor.

    Returns:
        The floored quotient in the inputs' promoted dtype (bool // bool gives int8).

    Example:
        >>> kc.ops.floor_divide([-7, 7], 2)
        array([-4,  3], dtype=int32)
    """


@op(rule=_elementwise("mod"))
def mod(x1, x2):
    """Remainder of floor division, with the sign of the divisor (Python's ``%``).

    Args:
        x1: dividend tensor.
        x2: divisor tensor.

    Returns:
        The remainder in the promoted dtype (bool % bool gives int32, as in Keras).

    Example:
        >>> kc.ops.mod([-7, 7], 3)
        array([2, 1], dtype=int32)
    """


@op(rule=_elementwise("fmod"))
def fmod(x1, x2):
    """Remainder of truncated division, with the sign of the dividend (C's ``fmod``).

    Args:
        x1: dividend tensor.
        x2: divisor tensor.

    Returns:
        The remainder in the promoted dtype (bool with bool gives int32).

    Example:
        >>> kc.ops.fmod([-7, 7], 3)
        array([-1,  1], dtype=int32)
    """


@op(rule=_elementwise("power"))
def power(x1, x2):
    """``x1`` to the power ``x2``, element-wise.

    Integer negative powers truncate toward zero (``2 ** -1 == 0``, ``(-1) ** -1 == -1``)
    on every backend, where NumPy raises.

    Args:
        x1: base tensor.
        x2: exponent tensor.

    Returns:
        The power in the promoted dtype (bool ** bool gives int8).

    Example:
        >>> kc.ops.power([2, 3], 2)
        array([4, 9], dtype=int32)
    """


@op(rule=_elementwise("maximum"))
def maximum(x1, x2):
    """Element-wise maximum; NaN wins.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        The larger of each pair; a Python scalar keeps the tensor's dtype.

    Example:
        >>> kc.ops.maximum([1, 5], 3)
        array([3, 5], dtype=int32)
    """


@op(rule=_elementwise("minimum"))
def minimum(x1, x2):
    """Element-wise minimum; NaN wins.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        The smaller of each pair; a Python scalar keeps the tensor's dtype.

    Example:
        >>> kc.ops.minimum([1, 5], 3)
        array([1, 3], dtype=int32)
    """


@op(rule=_elementwise("fmax"))
def fmax(x1, x2):
    """Element-wise maximum that ignores NaN (NaN only where both are NaN).

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        The larger of each pair, preferring the non-NaN value.

    Example:
        >>> kc.ops.fmax([np.nan, 1.0], [2.0, np.nan])
        array([2., 1.], dtype=float32)
    """


@op(rule=_elementwise("fmin"))
def fmin(x1, x2):
    """Element-wise minimum that ignores NaN (NaN only where both are NaN).

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        The smaller of each pair, preferring the non-NaN value.

    Example:
        >>> kc.ops.fmin([np.nan, 1.0], [2.0, np.nan])
        array([2., 1.], dtype=float32)
    """


@op(rule=_elementwise("hypot"))
def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)`` element-wise.

    Args:
        x1: first leg.
        x2: second leg.

    Returns:
        The hypotenuse; integer and bool inputs give floatx.

    Example:
        >>> kc.ops.hypot([3.0], [4.0])
        array([5.], dtype=float32)
    """


@op(rule=_elementwise("arctan2"))
def arctan2(x1, x2):
    """Element-wise arc tangent of ``x1 / x2`` in the right quadrant, in radians.

    Args:
        x1: y-coordinates.
        x2: x-coordinates.

    Returns:
        Angles in ``[-pi, pi]``; integer and bool inputs give floatx.

    Example:
        >>> kc.ops.arctan2([1.0], [-1.0])
        array([2.3561945], dtype=float32)
    """


@op(rule=_elementwise("logaddexp"))
def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` element-wise, without overflow.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        The result; integer and bool inputs give floatx.

    Example:
        >>> kc.ops.logaddexp([0.0], [0.0])
        array([0.6931472], dtype=float32)
    """


@op(rule=_elementwise("logaddexp2"))
def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` element-wise, without overflow.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        The result; integer and bool inputs give floatx.

    Example:
        >>> kc.ops.logaddexp2([1.0], [1.0])
        array([2.], dtype=float32)
    """


@op(rule=_elementwise("heaviside"))
def heaviside(x1, x2):
    """Heaviside step: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``.

    Args:
        x1: input tensor (NaN gives NaN).
        x2: value at zero.

    Returns:
        The step function; integer and bool inputs give floatx (Keras's NumPy backend
        returns bool for two bools; kc gives floatx as its JAX backend does).

    Example:
        >>> kc.ops.heaviside([-1.0, 0.0, 2.0], 0.5)
        array([0. , 0.5, 1. ], dtype=float32)
    """


@op(rule=_elementwise("nextafter"))
def nextafter(x1, x2):
    """The next representable float after ``x1`` toward ``x2``, element-wise.

    Args:
        x1: start values.
        x2: directions.

    Returns:
        The next float in the promoted float dtype (ints give floatx).

    Example:
        >>> kc.ops.nextafter([1.0], [2.0])
        array([1.0000001], dtype=float32)
    """


def _ldexp_rule(x1, x2) -> KerasTensor:
    return KerasTensor(_shape("ldexp", x1, x2), rules.ldexp_dtype(x1, x2))


@op(rule=_ldexp_rule)
def ldexp(x1, x2):
    """``x1 * 2**x2`` element-wise.

    Args:
        x1: mantissas.
        x2: integer exponents (an integer tensor or Python int; else TypeError).

    Returns:
        The result in x1's float dtype (integer and bool x1 give floatx).

    Example:
        >>> kc.ops.ldexp([1.0, 3.0], [2, 1])
        array([4., 6.], dtype=float32)
    """


@op(rule=_elementwise("gcd"))
def gcd(x1, x2):
    """Greatest common divisor of ``|x1|`` and ``|x2|``, element-wise.

    Args:
        x1: integer tensor.
        x2: integer tensor (floats, or two bools, raise TypeError).

    Returns:
        The gcd in the promoted integer dtype; ``gcd(0, 0) == 0``.

    Example:
        >>> kc.ops.gcd([12, 7], [18, 0])
        array([6, 7], dtype=int32)
    """


@op(rule=_elementwise("lcm"))
def lcm(x1, x2):
    """Least common multiple of ``|x1|`` and ``|x2|``, element-wise.

    Args:
        x1: integer tensor.
        x2: integer tensor (floats, or two bools, raise TypeError).

    Returns:
        The lcm in the promoted integer dtype; 0 where either is 0.

    Example:
        >>> kc.ops.lcm([4, 3], [6, 0])
        array([12,  0], dtype=int32)
    """


# --- comparisons --------------------------------------------------------------------------


@op(rule=_elementwise("equal"))
def equal(x1, x2):
    """``x1 == x2`` element-wise, compared in the promoted dtype.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.equal([1, 2], 2)
        array([False,  True])
    """


@op(rule=_elementwise("not_equal"))
def not_equal(x1, x2):
    """``x1 != x2`` element-wise (NaN is not equal to anything).

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.not_equal([1, 2], 2)
        array([ True, False])
    """


@op(rule=_elementwise("less"))
def less(x1, x2):
    """``x1 < x2`` element-wise.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.less([1, 2], 2)
        array([ True, False])
    """


@op(rule=_elementwise("less_equal"))
def less_equal(x1, x2):
    """``x1 <= x2`` element-wise.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.less_equal([1, 3], 2)
        array([ True, False])
    """


@op(rule=_elementwise("greater"))
def greater(x1, x2):
    """``x1 > x2`` element-wise.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.greater([1, 3], 2)
        array([False,  True])
    """


@op(rule=_elementwise("greater_equal"))
def greater_equal(x1, x2):
    """``x1 >= x2`` element-wise.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.greater_equal([1, 2], 2)
        array([False,  True])
    """


@op(rule=_elementwise("isclose"), tensors=("x1", "x2"))
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``|x1 - x2| <= atol + rtol * |x2|`` element-wise (NumPy's test).

    Args:
        x1: first tensor.
        x2: second tensor.
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: whether two NaNs count as close.

    Returns:
        A bool tensor; equal infinities are close.

    Example:
        >>> kc.ops.isclose([1.0, 1.1], 1.0)
        array([ True, False])
    """


def _allclose_rule(x1, x2, *args, **kwargs) -> KerasTensor:
    _shape("allclose", x1, x2)
    return KerasTensor((), "bool")


@op(rule=_allclose_rule, tensors=("x1", "x2"))
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element pair is close in the sense of `isclose`.

    Args:
        x1: first tensor.
        x2: second tensor.
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: whether two NaNs count as close.

    Returns:
        A 0-d bool tensor (Keras on NumPy returns a Python bool).

    Example:
        >>> bool(kc.ops.allclose([1.0, 2.0], [1.0, 2.0 + 1e-9]))
        True
    """


# --- logic ---------------------------------------------------------------------------------


@op(rule=_elementwise("logical_and"))
def logical_and(x1, x2):
    """Element-wise logical AND; non-bool inputs count as ``x != 0``.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.logical_and([1, 0, 2], True)
        array([ True, False,  True])
    """


@op(rule=_elementwise("logical_or"))
def logical_or(x1, x2):
    """Element-wise logical OR; non-bool inputs count as ``x != 0``.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.logical_or([1, 0], [0, 0])
        array([ True, False])
    """


@op(rule=_elementwise("logical_xor"))
def logical_xor(x1, x2):
    """Element-wise logical XOR; non-bool inputs count as ``x != 0``.

    Args:
        x1: first tensor.
        x2: second tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.logical_xor([1, 0], [1, 1])
        array([False,  True])
    """


def _logical_not_rule(x) -> KerasTensor:
    return KerasTensor(rules.shape_of(x), "bool")


@op(rule=_logical_not_rule)
def logical_not(x):
    """Element-wise logical NOT; non-bool inputs count as ``x != 0``.

    Args:
        x: input tensor.

    Returns:
        A bool tensor.

    Example:
        >>> kc.ops.logical_not([0, 3])
        array([ True, False])
    """


# --- bitwise -------------------------------------------------------------------------------


@op(rule=_elementwise("bitwise_and"))
def bitwise_and(x, y):
    """Element-wise bitwise AND of integer or bool tensors.

    Args:
        x: integer or bool tensor.
        y: integer or bool tensor (floats raise TypeError).

    Returns:
        The result in the promoted dtype.

    Example:
        >>> kc.ops.bitwise_and([12, 10], 6)
        array([4, 2], dtype=int32)
    """


@op(rule=_elementwise("bitwise_or"))
def bitwise_or(x, y):
    """Element-wise bitwise OR of integer or bool tensors.

    Args:
        x: integer or bool tensor.
        y: integer or bool tensor (floats raise TypeError).

    Returns:
        The result in the promoted dtype.

    Example:
        >>> kc.ops.bitwise_or([12, 10], 6)
        array([14, 14], dtype=int32)
    """


@op(rule=_elementwise("bitwise_xor"))
def bitwise_xor(x, y):
    """Element-wise bitwise XOR of integer or bool tensors.

    Args:
        x: integer or bool tensor.
        y: integer or bool tensor (floats raise TypeError).

    Returns:
        The result in the promoted dtype.

    Example:
        >>> kc.ops.bitwise_xor([12, 10], 6)
        array([10, 12], dtype=int32)
    """


@op(rule=_bitwise_unary)
def bitwise_invert(x):
    """Element-wise bitwise NOT (``~x``) of an integer or bool tensor.

    Args:
        x: integer or bool tensor (floats raise TypeError).

    Returns:
        ``~x`` in x's dtype (logical NOT for bool).

    Example:
        >>> kc.ops.bitwise_invert(np.array([0, 5], "int8"))
        array([-1, -6], dtype=int8)
    """


@op(rule=_bitwise_unary, backend_name="bitwise_invert")
def bitwise_not(x):
    """Element-wise bitwise NOT; the same as `bitwise_invert`.

    Args:
        x: integer or bool tensor.

    Returns:
        ``~x`` in x's dtype.

    Example:
        >>> kc.ops.bitwise_not(np.array([0], "uint8"))
        array([255], dtype=uint8)
    """


@op(rule=_elementwise("bitwise_left_shift"))
def bitwise_left_shift(x, y):
    """Shift the bits of ``x`` left by ``y``, element-wise.

    Args:
        x: integer or bool tensor.
        y: shift amounts, in ``[0, bits)`` (larger shifts differ between frameworks).

    Returns:
        The result in the promoted dtype (bool with bool gives int8).

    Example:
        >>> kc.ops.bitwise_left_shift([1, 3], 2)
        array([ 4, 12], dtype=int32)
    """


@op(rule=_elementwise("bitwise_right_shift"))
def bitwise_right_shift(x, y):
    """Shift the bits of ``x`` right by ``y`` (arithmetic for signed ints), element-wise.

    Args:
        x: integer or bool tensor.
        y: shift amounts, in ``[0, bits)``.

    Returns:
        The result in the promoted dtype (bool with bool gives int8).

    Example:
        >>> kc.ops.bitwise_right_shift([-8, 8], 2)
        array([-2,  2], dtype=int32)
    """


@op(rule=_elementwise("left_shift"), backend_name="bitwise_left_shift")
def left_shift(x, y):
    """Shift the bits of ``x`` left by ``y``; the same as `bitwise_left_shift`.

    Args:
        x: integer or bool tensor.
        y: shift amounts.

    Returns:
        The result in the promoted dtype.

    Example:
        >>> kc.ops.left_shift([1], 3)
        array([8], dtype=int32)
    """


@op(rule=_elementwise("right_shift"), backend_name="bitwise_right_shift")
def right_shift(x, y):
    """Shift the bits of ``x`` right by ``y``; the same as `bitwise_right_shift`.

    Args:
        x: integer or bool tensor.
        y: shift amounts.

    Returns:
        The result in the promoted dtype.

    Example:
        >>> kc.ops.right_shift([8], 3)
        array([1], dtype=int32)
    """


# --- clip ----------------------------------------------------------------------------------


def _clip_rule(x, x_min, x_max) -> KerasTensor:
    bounds = [b for b in (x_min, x_max) if b is not None]
    return KerasTensor(_shape("clip", x, *bounds), rules.clip_dtypes(x, x_min, x_max)[0])


@op(rule=_clip_rule)
def clip(x, x_min, x_max):
    """Limit the values of ``x`` to ``[x_min, x_max]``, element-wise.

    Args:
        x: input tensor.
        x_min: lower bound (tensor or scalar; None for none).
        x_max: upper bound (tensor or scalar; None for none). Where ``x_min > x_max``
            the result is ``x_max``.

    Returns:
        The clipped tensor in x's dtype (bool gives int32, as in Keras); the bounds
        compare at their own dtype (``clip(uint8, -1, 2)`` keeps 0 and 1).

    Example:
        >>> kc.ops.clip([1, 5, 9], 2, 6)
        array([2, 5, 6], dtype=int32)
    """
