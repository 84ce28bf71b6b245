"""`GeneratorDataAdapter`: Python generators and iterators yielding batches; structure checks."""

from __future__ import annotations

from kc.data._adapter import DataAdapter, map_closing
from kc.data._convert import batch_to_numpy
from kc.data._packing import apply_class_weight, list_to_tuple


def structure_of(batch):
    """A hashable description of a batch's nesting (containers and keys; leaves as '*')."""
    if isinstance(batch, (tuple, list)):
        return (type(batch).__name__, tuple(structure_of(b) for b in batch))
    if isinstance(batch, dict):
        return ("dict", tuple((k, structure_of(batch[k])) for k in sorted(batch, key=str)))
    return "*"


def first_difference(expected, got, path: str = "batch") -> str:
    """Where two batch structures first differ, in words (``batch[1]['a']: ...``)."""
    if isinstance(expected, (tuple, list)) and isinstance(got, (tuple, list)) and \
            type(expected) is type(got):
        if len(expected) != len(got):
            return (f"{path} has {len(got)} elements, expected {len(expected)}"
                    + (f" (first extra: {path}[{len(expected)}])" if len(got) > len(expected)
                       else f" (missing: {path}[{len(got)}])"))
        for i, (e, g) in enumerate(zip(expected, got)):
            d = first_difference(e, g, f"{path}[{i}]")
            if d:
                return d
        return ""
    if isinstance(expected, dict) and isinstance(got, dict):
        missing = sorted(set(expected) - set(got), key=str)
        extra = sorted(set(got) - set(expected), key=str)
        if missing or extra:
            return (f"{path} has keys {sorted(got, key=str)}, expected {sorted(expected, key=str)}"
                    f" (missing {missing}, unexpected {extra})")
        for k in sorted(expected, key=str):
            d = first_difference(expected[k], got[k], f"{path}[{k!r}]")
            if d:
                return d
        return ""
    e_leaf = not isinstance(expected, (tuple, list, dict))
    g_leaf = not isinstance(got, (tuple, list, dict))
    if e_leaf and g_leaf:
        return ""
    kind = lambda v: "a tensor/array" if not isinstance(v, (tuple, list, dict)) else \
        f"a {type(v).__name__}"  # noqa: E731
    return f"{path} is {kind(got)}, expected {kind(expected)}"


class StructureChecker:
    """Remembers the first batch's structure; raises when a later batch differs."""

    def __init__(self, where: str):
        self.where = where
        self._first = None
        self._signature = None

    def __call__(self, batch, index: int):
        sig = structure_of(batch)
        if self._signature is None:
            self._signature, self._first = sig, batch
        elif sig != self._signature:
            raise ValueError(f"{self.where}: batch {index} has a different structure from the "
                             f"first batch: {first_difference(self._first, batch)}.")
        return batch


class GeneratorDataAdapter(DataAdapter):
    """Batches from a Python generator or iterator.

    Each item must be a tuple ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``
    (a list is read as a tuple), as Keras 3 requires; every batch must keep the
    first batch's structure. The generator is consumed once: each epoch
    continues where the last stopped (pass ``steps_per_epoch`` for an
    infinite generator). Leaves may be NumPy arrays or any backend's tensors.

    Example:
        >>> def gen():
        ...     while True:
        ...         yield np.zeros((4, 2)), np.ones(4)
        >>> batches = GeneratorDataAdapter(gen()).get_numpy_iterator()
    """

    def __init__(self, generator, class_weight=None):
        self._generator = iter(generator)
        self._class_weight = class_weight
        self._check = StructureChecker("GeneratorDataAdapter")
        self._index = 0
        try:
            first = next(self._generator)
        except StopIteration:
            raise ValueError("GeneratorDataAdapter: the generator yielded no batch (it is empty); "
                             "it must yield at least one.") from None
        first = list_to_tuple(first)
        if not isinstance(first, tuple):
            raise ValueError("GeneratorDataAdapter: a generator must yield tuples `(x,)`, `(x, y)` "
                             "or `(x, y, sample_weight)`; its first item is a "
                             f"{type(first).__name__}: {first!r:.100}")
        self._pending = [first]

    def _native_batches(self):
        cw = self._class_weight
        while True:
            if self._pending:
                batch = self._pending.pop()
            else:
                try:
                    batch = next(self._generator)
                except StopIteration:
                    return
            batch = self._check(list_to_tuple(batch), self._index)
            self._index += 1
            if cw is not None:
                batch = apply_class_weight(batch_to_numpy(batch), cw)
            yield batch

    def _peek_numpy(self):
        if not self._pending:
            try:
                self._pending.append(next(self._generator))
            except StopIteration:
                return None
        return batch_to_numpy(list_to_tuple(self._pending[-1]))

    def get_numpy_iterator(self):
        return map_closing(batch_to_numpy, self._native_batches())
