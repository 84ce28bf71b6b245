"""Automatic tracking of a layer's state: sublayers, variables, seed generators, metrics.

Assigning one of these to a layer attribute — directly, or inside a list,
tuple or dict — registers it with the layer. Lists and dicts are wrapped in
`TrackedList`/`TrackedDict`, so items appended later are tracked too (the
Keras behaviour users rely on when they write ``self.blocks = []`` and append).

Example:
    >>> class Block(kc.layers.Layer):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.dense = []
    ...         self.dense.append(kc.layers.Dense(3))
    >>> len(Block()._kc_layers)
    1
"""

from __future__ import annotations

from kc.backend import Variable
from kc.random import SeedGenerator

# Bumped whenever any layer tracks or untracks a sublayer, variable, seed generator or
# metric (`changed`). Caches of walks over the layer tree (``Model.metrics``) are keyed on it.
VERSION = 0


def changed() -> None:
    """Note that some layer's tracked state changed (invalidates `VERSION`-keyed caches)."""
    global VERSION
    VERSION += 1


def kind_of(value) -> str | None:
    """"layer", "variable", "seed_generator", "metric", "container" or None."""
    if isinstance(value, Variable):
        return "variable"
    kind = getattr(type(value), "_kc_tracked_as", None)  # Layer: "layer", Metric: "metric"
    if kind is not None:
        return kind
    if isinstance(value, SeedGenerator):
        return "seed_generator"
    if isinstance(value, (list, tuple, dict)):
        return "container"
    return None


def track(owner, value, key: str | None = None):
    """Register ``value`` (and what it contains) with ``owner``; return what to store."""
    kind = kind_of(value)
    if kind is None:
        return value
    if kind == "container":
        if isinstance(value, TrackedList | TrackedDict) and value._owner is owner:
            return value
        if isinstance(value, dict):
            return TrackedDict(owner, value, key)
        if isinstance(value, list):
            return TrackedList(owner, value, key)
        for item in value:  # tuple (or namedtuple): immutable, track the items only
            track(owner, item, key)
        return value
    owner._kc_track_one(kind, value, key)
    return value


def untrack(owner, value) -> None:
    kind = kind_of(value)
    if kind == "container":
        for item in (value.values() if isinstance(value, dict) else value):
            untrack(owner, item)
    elif kind is not None:
        owner._kc_untrack_one(kind, value)


class TrackedList(list):
    """A list whose items are tracked by the layer that holds it."""

    def __init__(self, owner, values=(), key=None):
        self._owner, self._key = owner, key
        super().__init__(track(owner, v, key) for v in values)

    def append(self, value):
        super().append(track(self._owner, value, self._key))

    def insert(self, index, value):
        super().insert(index, track(self._owner, value, self._key))

    def extend(self, values):
        super().extend(track(self._owner, v, self._key) for v in values)

    def __iadd__(self, values):
        self.extend(values)
        return self

    def __setitem__(self, index, value):
        old = self[index]
        if isinstance(index, slice):
            for v in old:
                untrack(self._owner, v)
            value = [track(self._owner, v, self._key) for v in value]
        else:
            untrack(self._owner, old)
            value = track(self._owner, value, self._key)
        super().__setitem__(index, value)

    def __delitem__(self, index):
        old = self[index]
        for v in (old if isinstance(index, slice) else [old]):
            untrack(self._owner, v)
        super().__delitem__(index)

    def pop(self, index=-1):
        value = super().pop(index)
        untrack(self._owner, value)
        return value

    def remove(self, value):
        super().remove(value)
        untrack(self._owner, value)

    def clear(self):
        for v in self:
            untrack(self._owner, v)
        super().clear()

    def __reduce__(self):
        return (list, (list(self),))


class TrackedDict(dict):
    """A dict whose values are tracked by the layer that holds it."""

    def __init__(self, owner, values=(), key=None):
        self._owner, self._key = owner, key
        super().__init__((k, track(owner, v, key)) for k, v in dict(values).items())

    def __setitem__(self, k, value):
        if k in self:
            untrack(self._owner, self[k])
        super().__setitem__(k, track(self._owner, value, self._key))

    def update(self, *args, **kwargs):
        for k, v in dict(*args, **kwargs).items():
            self[k] = v

    def setdefault(self, k, default=None):
        if k not in self:
            self[k] = default
        return self[k]

    def __delitem__(self, k):
        untrack(self._owner, self[k])
        super().__delitem__(k)

    def pop(self, k, *default):
        if k in self:
            untrack(self._owner, self[k])
        return super().pop(k, *default)

    def popitem(self):
        k, v = super().popitem()
        untrack(self._owner, v)
        return k, v

    def clear(self):
        for v in self.values():
            untrack(self._owner, v)
        super().clear()

    def __reduce__(self):
        return (dict, (dict(self),))
