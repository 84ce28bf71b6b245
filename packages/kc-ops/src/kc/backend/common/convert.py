"""Dtype inference for Python data given to `convert_to_tensor`."""

from __future__ import annotations

from kc import dtypes


def _leaves(x, out):
    if isinstance(x, (list, tuple)):
        for item in x:
            _leaves(item, out)
    else:
        out.append(x)
    return out


def python_data_dtype(x) -> str:
    """kc dtype of Python data: bool -> bool, int -> int32, float -> floatx,
    complex -> complex64; nested lists join their elements' dtypes.

    Example:
        >>> python_data_dtype([1, 2.5])
        'float32'
    """
    leaves = _leaves(x, [])
    if not leaves:
        from kc import config

        return config.floatx()
    kinds = []
    for leaf in leaves:
        dtype = getattr(leaf, "dtype", None)
        kinds.append(dtypes.standardize_dtype(dtype) if dtype is not None else type(leaf))
    return dtypes.result_type(*kinds)
