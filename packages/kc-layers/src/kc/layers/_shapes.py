"""Shapes for building layers and inferring their outputs.

`build_arguments` turns a call's arguments into the ``{name}_shape`` values
passed to ``build``; `output_spec_by_running` infers output specs by running
``call`` on small zero tensors when symbolic tracing cannot go through it.
"""

from __future__ import annotations

from kc import backend, tree
from kc.backend import StatelessScope
from kc.ops import KerasTensor

# Stand-ins for unknown sizes: two runs with different sizes tell which output
# dimensions follow the unknown input ones.
_PROBE_SIZES = (3, 5)


def shape_of(x):
    """``x.shape`` as a tuple (None for unknown sizes); non-tensors pass through."""
    shape = getattr(x, "shape", None)
    if shape is None or isinstance(x, (int, float, str, bool)):
        return x
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    return tuple(None if d is None else int(d) for d in shape)


def _is_tensor_like(x) -> bool:
    return isinstance(x, KerasTensor) or backend.is_tensor(x) or (
        hasattr(x, "shape") and hasattr(x, "dtype"))


def build_arguments(sig, args: tuple, kwargs: dict) -> dict:
    """``{"<arg>_shape": shape}`` for the call arguments that hold tensors."""
    values = dict(zip(sig.names, args))
    values.update(kwargs)
    shapes = {}
    for name, value in values.items():
        if name in ("training", "mask") or value is None:
            continue
        flat = tree.flatten(value)
        if flat and all(_is_tensor_like(v) for v in flat):
            shapes[f"{name}_shape"] = tree.map_structure(shape_of, value)
    return shapes


def symbolic_copy(x):
    """A KerasTensor like ``x`` that records no graph history."""
    if isinstance(x, KerasTensor):
        return KerasTensor(x.shape, x.dtype, sparse=x.sparse, record_history=False)
    return x


def _probe(x, size: int):
    if isinstance(x, KerasTensor):
        from kc import ops

        shape = tuple(size if d is None else d for d in x.shape)
        return ops.zeros(shape, dtype=x.dtype)
    return x


def output_spec_by_running(fn, args, kwargs):
    """Output KerasTensors of ``fn`` inferred by running it on zeros (state untouched)."""
    runs = []
    for size in _PROBE_SIZES:
        a, k = tree.map_structure(lambda x: _probe(x, size), (args, kwargs))
        with StatelessScope():
            runs.append(fn(*a, **k))
    first, second = runs

    def spec(x, y):
        if x is None:
            return None
        s1, s2 = shape_of(x), shape_of(y)
        shape = tuple(d1 if d1 == d2 else None for d1, d2 in zip(s1, s2))
        return KerasTensor(shape, backend.standardize_dtype(x.dtype))

    return tree.map_structure(spec, first, second)
