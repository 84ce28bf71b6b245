"""Where each layer's and optimizer's state lives inside a weights file.

Keras 3 addresses state by object paths built from the model's structure, not
from layer names (names are auto-generated and differ between two instances of
the same model). kc writes the same paths, so files move between kc and Keras:

* the root object is "" (its own variables in "/vars");
* Sequential and functional models list their ``layers`` first, under
  "layers/<snake_case class name>", a counter added for repeats
  ("layers/dense", "layers/dense_1");
* then every attribute holding a layer or an optimizer, public names first,
  each sorted: "optimizer", "lstm/cell", "bidirectional/forward_layer"; a list,
  tuple or dict attribute is a container like ``layers`` ("blocks/dense_1");
* an object reached twice is saved once, at its first path.

Example:
    >>> [path for path, _ in saveables(model)]
    ['', 'layers/dense', 'layers/dense_1', 'optimizer']
"""

from __future__ import annotations

from kc.backend.common.naming import to_snake_case

# Attributes that never hold saveable state of their own (tracking bookkeeping,
# the compile config, which refers to the optimizer already saved as "optimizer").
_SKIP = frozenset({"_compile_config", "_inbound_nodes", "_outbound_nodes", "_modules",
                   "_parameters", "_buffers", "history"})


def _kinds():
    from kc.layers import Layer
    from kc.optimizers import Optimizer

    return Layer, Optimizer


def is_saveable(obj) -> bool:
    """Whether `obj` has state of its own in a weights file (a layer, model or optimizer)."""
    layer_cls, optimizer_cls = _kinds()
    return isinstance(obj, (layer_cls, optimizer_cls))


def _attributes(obj) -> list:
    """(name, value) of `obj`'s attributes, in the Keras walk order."""
    names = set(vars(obj))
    modules = obj.__dict__.get("_modules")  # torch: sublayers live in nn.Module._modules
    if isinstance(modules, dict):
        names.update(modules)
    out = []
    for name in sorted(names, key=lambda n: (n.startswith("_"), n)):
        if name.startswith("_kc") or name.startswith("__") or name in _SKIP:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # noqa: BLE001 - a failing property is simply not state
            continue
        out.append((name, value))
    return out


def _children(obj) -> list:
    from kc.models import Functional, Model, Sequential

    out = []
    if isinstance(obj, (Sequential, Functional)):
        out.append(("layers", obj.layers))
    attributes = _attributes(obj)
    if isinstance(obj, Model) and not isinstance(obj, (Sequential, Functional)):
        # A subclassed model's `layers` property is walked in its sorted place.
        attributes.append(("layers", obj.layers))
        attributes.sort(key=lambda item: (item[0].startswith("_"), item[0]))
    return out + attributes


def join(*parts: str) -> str:
    return "/".join(p for p in parts if p)


def saveables(root) -> list:
    """``[(path, object)]`` for every object with state, in walk order (root first)."""
    out, visited = [], set()
    _walk(root, "", out, visited)
    return out


def _walk(obj, path: str, out: list, visited: set) -> None:
    if id(obj) in visited:
        return
    visited.add(id(obj))
    out.append((path, obj))
    for name, child in _children(obj):
        if is_saveable(child):
            _walk(child, join(path, name), out, visited)
        elif isinstance(child, (list, tuple, dict)):
            _walk_container(child, join(path, name), out, visited)


def _walk_container(container, path: str, out: list, visited: set) -> None:
    items = container.values() if isinstance(container, dict) else container
    used: dict = {}
    for item in items:
        if not is_saveable(item):
            continue
        name = to_snake_case(type(item).__name__)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        _walk(item, join(path, name), out, visited)


def own_variables(obj) -> list:
    """The variables `obj` writes under its own "vars" group, in order."""
    layer_cls, _ = _kinds()
    if isinstance(obj, layer_cls):
        return list(obj._kc_trainable_vars) + list(obj._kc_non_trainable_vars)
    return list(obj.variables)


def has_default_state_io(obj) -> bool:
    """Whether `obj` uses the stock save/load_own_variables (so kc can stage its values)."""
    from kc.layers._layer_state import LayerStateMixin
    from kc.optimizers._base import Optimizer

    base = LayerStateMixin if isinstance(obj, LayerStateMixin) else Optimizer
    cls = type(obj)
    return (getattr(cls, "load_own_variables", None) is base.load_own_variables
            and getattr(cls, "save_own_variables", None) is base.save_own_variables)
