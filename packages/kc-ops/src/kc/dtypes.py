"""Dtype names, standardization and the kc type promotion lattice.

kc names dtypes with strings (``"float32"``, ``"bfloat16"``, ``"int8"``,
...). :func:`standardize_dtype` turns any dtype-like object (a name, a Python
type, a NumPy / ml_dtypes dtype, or a JAX, PyTorch or TensorFlow dtype) into
such a name, and :func:`result_type` is the one promotion rule that every op
on every backend follows. This module imports only NumPy and ml_dtypes.

Promotion happens in three steps.

1. Each argument becomes a node. Dtypes are strong nodes. The Python types
   ``int`` and ``float`` (and Python ``int`` / ``float`` values) are the weak
   nodes ``i*`` and ``f*``: they take the dtype of the other side when they
   can. ``bool`` and ``complex`` are strong (``"bool"``, ``"complex64"``).
2. The result is the least upper bound (join) of the nodes in this lattice,
   where ``a -> b`` means ``a`` promotes to ``b``::

       bool -> i*
       i*   -> uint8, int8, complex64
       uint8 -> int16, uint16     uint16 -> int32, uint32
       uint32 -> int64, uint64    uint64 -> f*
       int8 -> int16 -> int32 -> int64 -> f*
       f*   -> bfloat16, float16
       bfloat16 -> float32        float16 -> float32
       float32 -> float64, complex64
       float64 -> complex128      complex64 -> complex128

   Inputs that are all the same dtype give that dtype, so ``"string"``
   joins only with itself.
3. A weak result becomes concrete at the precision of ``floatx()`` (``i*``
   -> ``int32``, ``f*`` -> ``float32`` by default; ``int16`` / ``float16``
   when floatx is 16-bit).

This is ``keras.backend.result_type`` of Keras 3 except in one point: Keras
narrows every 64-bit result to 32 bits (``float64 + float64 -> float32``)
in that function, while its ops on torch and TensorFlow keep float64. kc
keeps 64-bit types on every backend, like NumPy, torch and TensorFlow (JAX
itself narrows them unless ``JAX_ENABLE_X64`` is set).

Pairwise results with the default floatx ``"float32"`` (symmetric; ``i*``
and ``f*`` are the weak Python ``int`` and ``float``)::

          b   u8  u16 u32 u64 i8  i16 i32 i64 bf  f16 f32 f64 c64 c128
    b     b   u8  u16 u32 u64 i8  i16 i32 i64 bf  f16 f32 f64 c64 c128
    u8    u8  u8  u16 u32 u64 i16 i16 i32 i64 bf  f16 f32 f64 c64 c128
    u16   u16 u16 u16 u32 u64 i32 i32 i32 i64 bf  f16 f32 f64 c64 c128
    u32   u32 u32 u32 u32 u64 i64 i64 i64 i64 bf  f16 f32 f64 c64 c128
    u64   u64 u64 u64 u64 u64 f32 f32 f32 f32 bf  f16 f32 f64 c64 c128
    i8    i8  i16 i32 i64 f32 i8  i16 i32 i64 bf  f16 f32 f64 c64 c128
    i16   i16 i16 i32 i64 f32 i16 i16 i32 i64 bf  f16 f32 f64 c64 c128
    i32   i32 i32 i32 i64 f32 i32 i32 i32 i64 bf  f16 f32 f64 c64 c128
    i64   i64 i64 i64 i64 f32 i64 i64 i64 i64 bf  f16 f32 f64 c64 c128
    bf    bf  bf  bf  bf  bf  bf  bf  bf  bf  bf  f32 f32 f64 c64 c128
    f16   f16 f16 f16 f16 f16 f16 f16 f16 f16 f32 f16 f32 f64 c64 c128
    f32   f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f64 c64 c128
    f64   f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 c128 c128
    c64   c64 c64 c64 c64 c64 c64 c64 c64 c64 c64 c64 c64 c128 c64 c128
    c128  c128 c128 c128 c128 c128 c128 c128 c128 c128 c128 c128 c128 c128 c128 c128
    i*    i32 u8  u16 u32 u64 i8  i16 i32 i64 bf  f16 f32 f64 c64 c128
    f*    f32 f32 f32 f32 f32 f32 f32 f32 f32 bf  f16 f32 f64 c64 c128

Non-obvious cells: ``uint64`` with any signed int is ``f*`` (so
``float32``); any int with ``float16`` / ``bfloat16`` stays 16-bit;
``float16`` with ``bfloat16`` is ``float32``; ``uint32`` with ``int32``
is ``int64``.
"""

import functools
import importlib

import numpy as np

__all__ = [
    "ALLOWED_DTYPES",
    "PYTHON_DTYPES_MAP",
    "dtype_size",
    "is_complex_dtype",
    "is_float_dtype",
    "is_int_dtype",
    "result_type",
    "standardize_dtype",
]

ALLOWED_DTYPES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bfloat16",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "string",
)

# Python types as dtypes (the same mapping on every backend).
PYTHON_DTYPES_MAP = {
    bool: "bool",
    int: "int32",
    float: "float32",
    complex: "complex64",
    str: "string",
}

# Names accepted besides ALLOWED_DTYPES (Keras accepts the string "int": int64 on the
# tensorflow backend, int32 elsewhere; see `_int_name`).
_NAME_ALIASES = {"int": "int32"}

_FLOAT_DTYPES = frozenset({"bfloat16", "float16", "float32", "float64"})
_INT_DTYPES = frozenset(
    f"{sign}int{bits}" for sign in ("", "u") for bits in (8, 16, 32, 64)
)
_COMPLEX_DTYPES = frozenset({"complex64", "complex128"})

_DTYPE_BITS = {
    "bool": 1,  # as Keras counts it, for comparing precisions
    **{f"int{bits}": bits for bits in (8, 16, 32, 64)},
    **{f"uint{bits}": bits for bits in (8, 16, 32, 64)},
    "bfloat16": 16,
    "float16": 16,
    "float32": 32,
    "float64": 64,
    "complex64": 64,
    "complex128": 128,
}


_config = None  # kc.config, imported on first use (it imports this module)


def _loaded_config():
    """``kc.config``, or None while it is still being imported (it imports this module)."""
    global _config
    if _config is None:
        try:
            _config = importlib.import_module("kc.config")
        except ModuleNotFoundError as e:
            if e.name != "kc.config":
                raise
    return _config


def _floatx():
    """Returns ``kc.config.floatx()``, or ``"float32"`` before it exists."""
    config = _loaded_config()
    return "float32" if config is None else config.floatx()


def _int_name():
    """The dtype the name "int" stands for: "int64" on tensorflow, "int32" elsewhere (as Keras)."""
    config = _loaded_config()
    return "int64" if config is not None and config.backend() == "tensorflow" else "int32"


def _invalid(dtype):
    return ValueError(
        f"Invalid dtype: {dtype!r}. Expected one of: "
        f"{', '.join(ALLOWED_DTYPES)}."
    )


def _name_of(dtype):
    """Extracts a candidate dtype name from `dtype` (uncached)."""
    if isinstance(dtype, str):
        return _int_name() if dtype == "int" else _NAME_ALIASES.get(dtype, dtype)
    if type(dtype) is type and dtype in PYTHON_DTYPES_MAP:
        return PYTHON_DTYPES_MAP[dtype]
    if isinstance(dtype, np.dtype):
        return dtype.name
    if isinstance(dtype, type):
        if issubclass(dtype, np.generic):  # np.float32, ml_dtypes.bfloat16
            return np.dtype(dtype).name
        inner = getattr(dtype, "dtype", None)  # jnp.float32 and friends
        if isinstance(inner, np.dtype):
            return inner.name
        return None
    if type(dtype).__module__ == "torch":  # torch.float32 -> "torch.float32"
        return str(dtype).rpartition(".")[2]
    name = getattr(dtype, "name", None)  # tf.DType and other named dtypes
    return name if isinstance(name, str) else None


_STANDARDIZED = {}


def standardize_dtype(dtype):
    """Returns the kc name of a dtype-like object.

    Accepts kc dtype names, Python types (``float`` -> ``"float32"``,
    ``int`` -> ``"int32"``, ``complex`` -> ``"complex64"``, ``str`` ->
    ``"string"``), NumPy dtypes and scalar types, ``ml_dtypes.bfloat16``,
    and JAX, PyTorch and TensorFlow dtypes (without importing those
    frameworks). Python values and arrays are not dtypes and are rejected.

    Args:
        dtype: A dtype-like object, or None for ``kc.config.floatx()``.

    Returns:
        A name from ``ALLOWED_DTYPES``.

    Raises:
        ValueError: If `dtype` is not a dtype kc supports.

    Example:
        >>> import numpy as np
        >>> standardize_dtype(np.float16)
        'float16'
        >>> standardize_dtype(int)
        'int32'
    """
    if dtype is None:
        return _floatx()
    # Key by type too: np.dtype("float64") == float, tf.float32 == "float32".
    key = dtype if type(dtype) is str else (type(dtype), dtype)
    try:
        return _STANDARDIZED[key]
    except KeyError:
        pass
    except TypeError:  # unhashable: no caching
        key = None
    name = _name_of(dtype)
    if name not in ALLOWED_DTYPES:
        raise _invalid(dtype)
    if key is not None and key != "int":  # ("int" follows the backend)
        _STANDARDIZED[key] = name
    return name


# --- The promotion lattice ------------------------------------------------

_WEAK_INT, _WEAK_FLOAT = "i*", "f*"

_LATTICE = {
    "bool": (_WEAK_INT,),
    _WEAK_INT: ("uint8", "int8", "complex64"),
    "uint8": ("int16", "uint16"),
    "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"),
    "uint64": (_WEAK_FLOAT,),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": (_WEAK_FLOAT,),
    _WEAK_FLOAT: ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}


def _upper_bounds(node):
    """All nodes reachable from `node`, itself included."""
    seen, todo = {node}, [node]
    while todo:
        for up in _LATTICE[todo.pop()]:
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return frozenset(seen)


_UPPER = {node: _upper_bounds(node) for node in _LATTICE}

@functools.lru_cache(maxsize=1024)
def _join(nodes, precision):
    """Promotes a tuple of nodes to a kc dtype name (steps 2 and 3)."""
    first = nodes[0]
    if all(node == first for node in nodes):
        joined = first
    else:
        unknown = [node for node in nodes if node not in _UPPER]
        if unknown:
            raise ValueError(
                f"result_type: dtype {unknown[0]!r} promotes only with "
                f"itself, got dtypes {nodes}. Cast the inputs to one dtype "
                "first."
            )
        common = frozenset.intersection(*(_UPPER[node] for node in nodes))
        # The least common upper bound is the one every other bound is above.
        joined = max(common, key=lambda node: len(_UPPER[node]))
    if joined == _WEAK_INT:
        joined = f"int{precision}"
    elif joined == _WEAK_FLOAT:
        joined = f"float{precision}"
    return joined


# Python types and the type of Python values, as lattice nodes.
_PY_NODES = {
    int: _WEAK_INT,
    float: _WEAK_FLOAT,
    bool: "bool",
    complex: "complex64",
}


def _node(x):
    """Maps one `result_type` argument to a lattice node (step 1)."""
    kind = type(x)
    if kind is str:
        return standardize_dtype(x)
    if kind in _PY_NODES:  # a Python value
        return _PY_NODES[kind]
    if kind is type:  # a Python (or NumPy) type
        return _PY_NODES.get(x) or standardize_dtype(x)
    if x is None:
        return _floatx()
    if not isinstance(x, type) and hasattr(x, "dtype"):
        x = x.dtype  # a tensor or array
    return standardize_dtype(x)


def result_type(*dtypes):
    """Returns the dtype that mixing `dtypes` promotes to.

    Implements the lattice in this module's docstring. Matches
    ``keras.backend.result_type`` (Keras 3 on JAX, NumPy or PyTorch), and
    also accepts tensors (anything with a ``.dtype``) and Python scalars,
    which count like their types: ``1`` like ``int``, ``1.0`` like
    ``float`` (both weak).

    Args:
        *dtypes: Dtype-likes (see `standardize_dtype`), tensors, or Python
            scalars. None stands for ``floatx()``.

    Returns:
        A name from ``ALLOWED_DTYPES``; ``floatx()`` when `dtypes` is empty.

    Raises:
        ValueError: If an argument is not a dtype, or ``"string"`` is mixed
            with another dtype.

    Example:
        >>> result_type("int8", "uint8")
        'int16'
        >>> result_type("bfloat16", 2.0)
        'bfloat16'
    """
    floatx = _floatx()
    if not dtypes:
        return floatx
    return _join(tuple([_node(x) for x in dtypes]), floatx[-2:])


def is_float_dtype(dtype):
    """Returns whether `dtype` is a real floating dtype (bfloat16 included).

    Example:
        >>> is_float_dtype("bfloat16")
        True
    """
    return standardize_dtype(dtype) in _FLOAT_DTYPES


def is_int_dtype(dtype):
    """Returns whether `dtype` is a signed or unsigned integer (not bool).

    Example:
        >>> is_int_dtype("uint8"), is_int_dtype("bool")
        (True, False)
    """
    return standardize_dtype(dtype) in _INT_DTYPES


def is_complex_dtype(dtype):
    """Returns whether `dtype` is ``complex64`` or ``complex128``.

    Example:
        >>> is_complex_dtype(complex)
        True
    """
    return standardize_dtype(dtype) in _COMPLEX_DTYPES


def dtype_size(dtype):
    """Returns the size of `dtype` in bits.

    ``bool`` counts as 1 bit, as in Keras (it is stored in a byte). Unlike
    Keras, complex dtypes have a size too.

    Args:
        dtype: A dtype-like object.

    Returns:
        The number of bits.

    Raises:
        ValueError: For ``"string"``, which has no fixed size.

    Example:
        >>> dtype_size("bfloat16")
        16
    """
    name = standardize_dtype(dtype)
    if name not in _DTYPE_BITS:
        raise ValueError(f"dtype_size: dtype {name!r} has no fixed size.")
    return _DTYPE_BITS[name]
