"""Element-wise unary math: abs, exp/log, trigonometry, rounding, float tests, complex parts.

Dtype rules (Keras 3's, checked against Keras on its NumPy backend, except that
kc keeps 64-bit floats):

* ``same``: the input's dtype (negative, sign, round, trunc, conj,
  nan_to_num; abs of real inputs). ``square`` of bool gives int32.
* ``float``: ints and bools become ``floatx()``, floats and complex keep their
  dtype (exp, sqrt, sin, ceil, floor, fabs, i0, ...).
* ``bool``: isnan, isinf, isfinite, isneginf, isposinf, isreal, signbit.
* ``real part``: abs, real, imag and angle of complex64 give float32, of
  complex128 float64.

Ops that NumPy defines for real numbers only (cbrt, ceil, floor, trunc, fabs,
i0, rad2deg, deg2rad, signbit, isneginf, isposinf) raise `TypeError` for a
complex input; every op raises `TypeError` for a string input.
"""

from __future__ import annotations

from kc import config, dtypes
from kc.ops import _rules as rules
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op

__all__ = [
    "abs", "absolute", "negative", "sign", "square", "sqrt", "cbrt", "reciprocal",
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    "ceil", "floor", "round", "trunc", "rad2deg", "deg2rad", "sinc", "i0", "fabs",
    "signbit", "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal",
    "nan_to_num", "real", "imag", "conj", "conjugate", "angle",
]

_COMPLEX_PART = {"complex64": "float32", "complex128": "float64"}


def _input_dtype(x, name: str, real: bool, allow_bool: bool) -> str:
    """The dtype of ``x``, with the family's input checks."""
    dtype = rules.dtype_of(x)
    if dtype == "string":
        raise TypeError(f"{name}: x must be a numeric or bool tensor, got dtype string.")
    if real and dtypes.is_complex_dtype(dtype):
        raise TypeError(f"{name}: x must be real, got dtype {dtype}.")
    if not allow_bool and dtype == "bool":
        raise TypeError(f"{name}: x must not be bool (use logical_not), got dtype bool.")
    return dtype


def _float_dtype(dtype: str) -> str:
    if dtypes.is_float_dtype(dtype) or dtypes.is_complex_dtype(dtype):
        return dtype
    return config.floatx()


_DTYPE_RULES = {
    "same": lambda d: d,
    "float": _float_dtype,
    "bool": lambda d: "bool",
    "real_part": lambda d: _COMPLEX_PART.get(d, d),
    "float_real_part": lambda d: _COMPLEX_PART.get(d, _float_dtype(d)),
    "square": lambda d: "int32" if d == "bool" else d,
}


def _rule(name: str, kind: str, real: bool = False, allow_bool: bool = True):
    """Shape/dtype rule of an element-wise unary op: same shape, dtype per ``kind``."""
    to_dtype = _DTYPE_RULES[kind]

    def rule(x, *args, **kwargs) -> KerasTensor:
        return KerasTensor(rules.shape_of(x), to_dtype(_input_dtype(x, name, real, allow_bool)))

    return rule


_RETURNS = {
    "same": "A tensor of the same shape and dtype as `x`.",
    "float": "A tensor of the same shape; ints and bools give `floatx()`, floats keep their dtype.",
    "bool": "A bool tensor of the same shape.",
    "real_part": "A tensor of the same shape; complex inputs give their real float dtype.",
    "float_real_part": ("A float tensor of the same shape: complex inputs give their real float "
                        "dtype, ints and bools `floatx()`."),
    "square": "A tensor of the same shape and dtype as `x` (bool gives int32).",
}


def _unary(name: str, summary: str, example: str, output: str, kind: str = "float",
           real: bool = False, allow_bool: bool = True):
    """Declare the one-argument op ``name(x)``; ``example``/``output``: its docstring example."""

    def declaration(x):
        pass

    declaration.__name__ = declaration.__qualname__ = name
    real_note = " Complex inputs raise `TypeError`." if real else ""
    declaration.__doc__ = (
        f"{summary}\n\n"
        f"    Args:\n        x: input tensor.{real_note}\n\n"
        f"    Returns:\n        {_RETURNS[kind]}\n\n"
        f"    Example:\n        >>> kc.ops.{name}({example})\n        {output}\n"
    )
    return op(declaration, rule=_rule(name, kind, real, allow_bool))


abs = _unary("abs", "Absolute value, element-wise (the modulus of complex numbers).",
             "[-1.5, 2.0]",
             "array([1.5, 2. ], dtype=float32)", "real_part")
absolute = abs
negative = _unary("negative", "Numerical negative, element-wise. Bool inputs raise `TypeError`.",
                  "[1, -2]",
                  "array([-1, 2], dtype=int32)", "same", allow_bool=False)
sign = _unary("sign", "Sign (-1, 0 or 1; nan for nan; x/|x| for complex), element-wise.",
              "[-3.0, 0.0, 2.0]",
              "array([-1., 0., 1.], dtype=float32)", "same")
square = _unary("square", "Square, element-wise.", "[2, -3]",
                "array([4, 9], dtype=int32)", "square")
sqrt = _unary("sqrt", "Non-negative square root, element-wise (nan for negative reals).",
              "[4.0, 9.0]",
              "array([2., 3.], dtype=float32)")
cbrt = _unary("cbrt", "Cube root, element-wise.", "[8.0, -27.0]",
              "array([ 2., -3.], dtype=float32)", real=True)
reciprocal = _unary("reciprocal", "Reciprocal 1/x, element-wise.", "[2.0, 4.0]",
                    "array([0.5 , 0.25], dtype=float32)")
exp = _unary("exp", "Exponential e**x, element-wise.", "[0.0, 1.0]",
             "array([1. , 2.718282], dtype=float32)")
exp2 = _unary("exp2", "Base-2 exponential 2**x, element-wise.", "[3.0, -1.0]",
              "array([8. , 0.5], dtype=float32)")
expm1 = _unary("expm1", "exp(x) - 1, accurate for small x, element-wise.", "[1e-6, 1.0]",
               "array([1.0000005e-06, 1.7182817e+00], dtype=float32)")
log = _unary("log", "Natural logarithm, element-wise (nan for negative reals).", "[1.0, 10.0]",
             "array([0. , 2.3025851], dtype=float32)")
log2 = _unary("log2", "Base-2 logarithm, element-wise.", "[8.0, 0.5]",
              "array([ 3., -1.], dtype=float32)")
log10 = _unary("log10", "Base-10 logarithm, element-wise.", "[100.0, 0.1]",
               "array([ 2., -1.], dtype=float32)")
log1p = _unary("log1p", "log(1 + x), accurate for small x, element-wise.", "[1e-6, 1.0]",
               "array([9.999995e-07, 6.931472e-01], dtype=float32)")
sin = _unary("sin", "Sine, element-wise (radians).", "[0.0, 1.5707964]",
             "array([0., 1.], dtype=float32)")
cos = _unary("cos", "Cosine, element-wise (radians).", "[0.0, 3.1415927]",
             "array([ 1., -1.], dtype=float32)")
tan = _unary("tan", "Tangent, element-wise (radians).", "[0.0, 0.7853982]",
             "array([0., 1.], dtype=float32)")
arcsin = _unary("arcsin", "Inverse sine, element-wise.", "[0.0, 1.0]",
                "array([0. , 1.5707964], dtype=float32)")
arccos = _unary("arccos", "Inverse cosine, element-wise.", "[1.0, -1.0]",
                "array([0. , 3.1415927], dtype=float32)")
arctan = _unary("arctan", "Inverse tangent, element-wise.", "[0.0, 1.0]",
                "array([0. , 0.7853982], dtype=float32)")
sinh = _unary("sinh", "Hyperbolic sine, element-wise.", "[0.0, 1.0]",
              "array([0. , 1.1752012], dtype=float32)")
cosh = _unary("cosh", "Hyperbolic cosine, element-wise.", "[0.0, 1.0]",
              "array([1. , 1.5430806], dtype=float32)")
tanh = _unary("tanh", "Hyperbolic tangent, element-wise.", "[0.0, 1.0]",
              "array([0. , 0.7615942], dtype=float32)")
arcsinh = _unary("arcsinh", "Inverse hyperbolic sine, element-wise.", "[0.0, 1.0]",
                 "array([0. , 0.8813736], dtype=float32)")
arccosh = _unary("arccosh", "Inverse hyperbolic cosine, element-wise.", "[1.0, 2.0]",
                 "array([0. , 1.316958], dtype=float32)")
arctanh = _unary("arctanh", "Inverse hyperbolic tangent, element-wise.", "[0.0, 0.5]",
                 "array([0. , 0.54930615], dtype=float32)")
ceil = _unary("ceil", "Ceiling, element-wise.", "[1.2, -1.5]",
              "array([ 2., -1.], dtype=float32)", real=True)
floor = _unary("floor", "Floor, element-wise.", "[1.7, -1.5]",
               "array([ 1., -2.], dtype=float32)", real=True)
trunc = _unary("trunc", "Round towards zero, element-wise (ints keep their value and dtype).",
               "[1.7, -1.7]",
               "array([ 1., -1.], dtype=float32)", "same", real=True)
rad2deg = _unary("rad2deg", "Convert angles from radians to degrees, element-wise.",
                 "[3.1415927]",
                 "array([180.], dtype=float32)", real=True)
deg2rad = _unary("deg2rad", "Convert angles from degrees to radians, element-wise.",
                 "[180.0]",
                 "array([3.1415927], dtype=float32)", real=True)
sinc = _unary("sinc", "Normalized sinc sin(pi x) / (pi x), 1 at x = 0, element-wise.",
              "[0.0, 0.5]",
              "array([1. , 0.63661975], dtype=float32)")
i0 = _unary("i0", "Modified Bessel function of the first kind, order 0, element-wise.",
            "[0.0, 1.0]",
            "array([1. , 1.2660658], dtype=float32)", real=True)
fabs = _unary("fabs", "Absolute value as a float, element-wise.", "[-1, 2]",
              "array([1., 2.], dtype=float32)", real=True)
signbit = _unary("signbit", "Whether the sign bit is set (True for -0.0), element-wise.",
                 "[-1.0, -0.0, 2.0]",
                 "array([ True, True, False])", "bool", real=True)
isfinite = _unary("isfinite", "Whether each element is finite (not inf or nan).",
                  "[1.0, float('inf'), float('nan')]",
                  "array([ True, False, False])", "bool")
isinf = _unary("isinf", "Whether each element is +inf or -inf.",
               "[1.0, float('-inf')]",
               "array([False, True])", "bool")
isnan = _unary("isnan", "Whether each element is nan.", "[1.0, float('nan')]",
               "array([False, True])", "bool")
isneginf = _unary("isneginf", "Whether each element is -inf.", "[float('-inf'), 1.0]",
                  "array([ True, False])", "bool", real=True)
isposinf = _unary("isposinf", "Whether each element is +inf.", "[float('inf'), 1.0]",
                  "array([ True, False])", "bool", real=True)
isreal = _unary("isreal", "Whether each element has a zero imaginary part.",
                "[1 + 0j, 1 + 2j]",
                "array([ True, False])", "bool")
real = _unary("real", "Real part, element-wise (real inputs are returned as they are).",
              "[1 + 2j]",
              "array([1.], dtype=float32)", "real_part")
imag = _unary("imag", "Imaginary part, element-wise (zeros for real inputs).",
              "[1 + 2j]",
              "array([2.], dtype=float32)", "real_part")
conj = _unary("conj", "Complex conjugate, element-wise (real inputs are returned as they are).",
              "[1 + 2j]",
              "array([1.-2.j], dtype=complex64)", "same")
conjugate = conj
angle = _unary("angle", "Counterclockwise angle from the positive real axis, in radians.",
               "[1j, -1.0]",
               "array([1.5707964, 3.1415927], dtype=float32)", "float_real_part")


_same_dtype_round = _rule("round", "same")


def _round_rule(x, decimals=0) -> KerasTensor:
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}.")
    return _same_dtype_round(x)


@op(rule=_round_rule)
def round(x, decimals=0):
    """Round to the given number of decimals, halves to even (like NumPy), element-wise.

    Args:
        x: input tensor.
        decimals: number of decimal places; negative values round to tens,
            hundreds, ... (also for integer inputs).

    Returns:
        A tensor of the same shape and dtype as `x`.

    Example:
        >>> kc.ops.round([0.5, 1.5, 2.675], decimals=0)
        array([0., 2., 3.], dtype=float32)
    """


@op(rule=_rule("nan_to_num", "same"))
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace nan and infinities with finite numbers, element-wise.

    Args:
        x: input tensor; ints and bools are returned as they are.
        nan: value for nan.
        posinf: value for +inf; None gives the largest finite value of the dtype.
        neginf: value for -inf; None gives the most negative finite value of the dtype.

    Returns:
        A tensor of the same shape and dtype as `x`; complex inputs are
        treated part by part.

    Example:
        >>> kc.ops.nan_to_num([float("nan"), float("inf"), 1.0], posinf=9.0)
        array([0., 9., 1.], dtype=float32)
    """
