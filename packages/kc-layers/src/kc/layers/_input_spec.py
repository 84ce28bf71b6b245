"""`InputSpec`: what a layer accepts, checked on every call.

Example:
    >>> spec = kc.InputSpec(ndim=2, axes={-1: 4})
    >>> assert_input_compatibility(spec, kc.KerasTensor((None, 4)), "dense")   # passes
"""

from __future__ import annotations

from kc import tree
from kc.dtypes import standardize_dtype


class InputSpec:
    """Rank, dtype and shape constraints on one input of a layer.

    Args:
        dtype: expected dtype name, or None.
        shape: expected shape (None entries match any size), or None.
        ndim: expected rank, or None.
        max_ndim: largest rank accepted, or None.
        min_ndim: smallest rank accepted, or None.
        axes: ``{axis: size}`` of dimensions that must have a given size.
        allow_last_axis_squeeze: accept an input whose last axis of size 1 is
            missing (or one extra such axis).
        name: the input's name, for the functional API.
        optional: whether the input may be None.

    Example:
        >>> kc.InputSpec(min_ndim=2, axes={-1: 8})
        InputSpec(min_ndim=2, axes={-1: 8})
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = standardize_dtype(dtype) if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            self.axes = {int(k): v for k, v in (axes or {}).items()}
        except (ValueError, TypeError) as e:
            raise TypeError(f"InputSpec: axes keys must be ints, got {axes!r}.") from e
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            bound = self.ndim if self.ndim is not None else self.max_ndim
            if max(self.axes) > bound - 1:
                raise ValueError(
                    f"InputSpec: axis {max(self.axes)} is out of range for rank {bound}."
                )

    def __repr__(self):
        fields = [f"{k}={v!r}" for k, v in (
            ("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
            ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
            ("axes", self.axes or None)) if v is not None]
        return f"InputSpec({', '.join(fields)})"

    def get_config(self) -> dict:
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config: dict) -> "InputSpec":
        return cls(**config)


def _shape_of(x) -> tuple | None:
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    return tuple(shape)


def assert_input_compatibility(input_spec, inputs, layer_name: str) -> None:
    """Raise ValueError naming the layer, the spec and the received shape on a mismatch."""
    if not input_spec:
        return
    specs = tree.flatten(input_spec)
    flat = tree.flatten(inputs) if not hasattr(inputs, "shape") else [inputs]
    if len(flat) != len(specs):
        raise ValueError(
            f"Layer '{layer_name}' expects {len(specs)} input(s), but it received "
            f"{len(flat)} input tensors."
        )
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None:
            continue
        if x is None:
            if spec.optional:
                continue
            raise ValueError(f"Layer '{layer_name}': input {index} is None but is not optional.")
        shape = _shape_of(x)
        if shape is None:
            raise ValueError(
                f"Layer '{layer_name}': input {index} must be a tensor with a shape, got {type(x).__name__}."
            )
        _check_one(spec, shape, x, index, layer_name)


def _fail(layer_name: str, index: int, spec: InputSpec, shape: tuple, what: str):
    raise ValueError(
        f"Input {index} of layer '{layer_name}' is incompatible with the layer: {what}. "
        f"Expected {spec}, received input with shape {shape}."
    )


def _check_one(spec: InputSpec, shape: tuple, x, index: int, layer_name: str) -> None:
    ndim = len(shape)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        _fail(layer_name, index, spec, shape, f"expected ndim={spec.ndim}, found ndim={ndim}")
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        _fail(layer_name, index, spec, shape, f"expected max_ndim={spec.max_ndim}, found ndim={ndim}")
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        _fail(layer_name, index, spec, shape, f"expected min_ndim={spec.min_ndim}, found ndim={ndim}")
    if spec.dtype is not None:
        dtype = getattr(x, "dtype", None)
        if dtype is not None and standardize_dtype(dtype) != spec.dtype:
            _fail(layer_name, index, spec, shape,
                  f"expected dtype={spec.dtype}, found dtype={standardize_dtype(dtype)}")
    for axis, value in spec.axes.items():
        if value is None:
            continue
        if not -ndim <= axis < ndim:
            _fail(layer_name, index, spec, shape, f"expected axis {axis} to exist")
        if shape[axis] not in (value, None):
            _fail(layer_name, index, spec, shape,
                  f"expected axis {axis} of input shape to have value {value}, "
                  f"but received input with shape {shape}")
    if spec.shape is not None:
        expected = spec.shape
        if spec.allow_last_axis_squeeze:
            if shape and shape[-1] == 1:
                shape = shape[:-1]
            if expected and expected[-1] == 1:
                expected = expected[:-1]
        if len(shape) != len(expected) or any(
                e is not None and s is not None and e != s for s, e in zip(shape, expected)):
            _fail(layer_name, index, spec, shape, f"expected shape={spec.shape}, found shape={shape}")
