"""Nested-structure utilities (`kc.tree`), built on optree.

A structure is a leaf or a container of structures. Containers are `list`,
`tuple`, namedtuples, `dict` (flattened in sorted-key order),
`collections.OrderedDict` (insertion order), `collections.defaultdict`,
`collections.deque`, plus any type registered with
`register_tree_node_class`. Everything else is a leaf: numbers, strings,
`None` (by default), sets, NumPy/JAX/torch/TF tensors and kc symbolic tensors.

Every call passes the same fixed optree options (`none_is_leaf` and the
`"kc"` registry namespace), so a hot-path `flatten` or `map_structure` is one
optree call plus one Python frame.
"""

import reprlib
import warnings
from collections import OrderedDict, defaultdict

import optree

_NS = "kc"
# dict, OrderedDict and defaultdict match each other key by key.
_DICT_TYPES = (dict, OrderedDict, defaultdict)
_short = reprlib.Repr()
_short.maxstring = _short.maxother = 80


class MAP_TO_NONE:
    """Sentinel for `traverse`: return this class to put `None` in the output."""


def register_tree_node_class(cls):
    """Registers `cls` as a container in kc's tree namespace (not part of Keras's public API).

    `cls` must define `tree_flatten(self) -> (children, metadata[, entries])`
    and the classmethod `tree_unflatten(metadata, children)`, as for
    `optree.register_pytree_node_class`. Returns `cls`, so it works as a
    decorator.
    """
    return optree.register_pytree_node_class(cls, namespace=_NS)


def is_nested(structure):
    """Returns whether `structure` is a container (list, tuple, dict, ...) rather than a leaf.

    `None`, strings and tensors are not nested; an empty list is.

    Example:
    >>> kc.tree.is_nested({"a": 1}), kc.tree.is_nested(None)
    (True, False)
    """
    return not optree.tree_is_leaf(structure, none_is_leaf=True, namespace=_NS)


def flatten(structure):
    """Returns the leaves of `structure` as a list, depth first.

    Plain dicts contribute their values in sorted-key order, `OrderedDict`s
    in insertion order. `None` is a leaf. A leaf `x` flattens to `[x]`.

    Example:
    >>> kc.tree.flatten({"b": [1, None], "a": 2})
    [2, 1, None]
    """
    return optree.tree_leaves(structure, none_is_leaf=True, namespace=_NS)


def flatten_with_path(structure):
    """Returns `[(path, leaf), ...]` where `path` is the tuple of keys/indices that reaches the leaf.

    Namedtuple fields are addressed by index, dict entries by key.

    Example:
    >>> kc.tree.flatten_with_path([{"foo": 42}])
    [((0, 'foo'), 42)]
    """
    paths, leaves, _ = optree.tree_flatten_with_path(structure, none_is_leaf=True, namespace=_NS)
    return list(zip(paths, leaves))


def pack_sequence_as(structure, flat_sequence):
    """Returns the items of `flat_sequence` arranged like the leaves of `structure`.

    The inverse of `flatten`: `pack_sequence_as(s, flatten(s))` rebuilds `s`
    (dict keys keep their insertion order). If `structure` is a leaf,
    `flat_sequence` must hold exactly one item, which is returned.

    Args:
        structure: The template structure; its leaves' values are ignored.
        flat_sequence: An iterable with one item per leaf of `structure`.

    Returns:
        A structure of the same layout as `structure`.

    Raises:
        TypeError: If `flat_sequence` is not iterable.
        ValueError: If `flat_sequence` has too few or too many items.

    Example:
    >>> kc.tree.pack_sequence_as({"b": 0, "a": (0, 0)}, [1, 2, 3])
    {'b': 3, 'a': (1, 2)}
    """
    treedef = optree.tree_structure(structure, none_is_leaf=True, namespace=_NS)
    try:
        return treedef.unflatten(flat_sequence)
    except TypeError as exc:
        try:
            iter(flat_sequence)
        except TypeError:
            raise TypeError(
                "pack_sequence_as: `flat_sequence` must be an iterable with one item per leaf "
                f"of `structure`, got {type(flat_sequence).__name__}: {_short.repr(flat_sequence)}."
            ) from exc
        raise
    except ValueError as exc:
        got = f" {len(flat_sequence)}" if hasattr(flat_sequence, "__len__") else ""
        raise ValueError(
            f"{exc} pack_sequence_as: `structure` has {treedef.num_leaves} leaves but "
            f"`flat_sequence` has{got or ' a different number of'} items."
        ) from exc


def map_structure(func, *structures, none_is_leaf=True):
    """Applies `func` to the corresponding leaves of `structures`; returns the first one's layout.

    With several structures they must match as `assert_same_structure`
    requires (dicts are matched by key; the output keeps the first
    structure's container types and key order).

    Args:
        func: Callable taking one argument per structure.
        *structures: One or more structures of the same layout.
        none_is_leaf: If True, `None` leaves are passed to `func`; if False,
            `None` stays `None` in the output and `func` never sees it.

    Returns:
        A structure shaped like `structures[0]` holding `func`'s results.

    Raises:
        ValueError: If no structure is given or the structures differ; the
            message names the mismatch and its path.

    Example:
    >>> kc.tree.map_structure(lambda x, y: x + y, {"a": [1, 2]}, {"a": [10, 20]})
    {'a': [11, 22]}
    """
    if len(structures) == 1:
        return optree.tree_map(func, structures[0], none_is_leaf=none_is_leaf, namespace=_NS)
    if not structures:
        raise ValueError("Must provide at least one structure to map_structure(func, *structures).")
    first = structures[0]
    leaves, treedef = optree.tree_flatten(first, none_is_leaf=none_is_leaf, namespace=_NS)
    columns = [leaves]
    for i, other in enumerate(structures[1:], 1):
        other_leaves, other_def = optree.tree_flatten(other, none_is_leaf=none_is_leaf, namespace=_NS)
        if other_def != treedef:  # rare: a mismatch, or dict vs OrderedDict
            other_leaves = _leaves_matching(
                treedef, first, other, none_is_leaf, "structures[0]", f"structures[{i}]"
            )
        columns.append(other_leaves)
    return treedef.unflatten(map(func, *columns))


def map_structure_up_to(shallow_structure, func, *structures):
    """Maps `func` over `structures` only as deep as `shallow_structure` goes.

    Each leaf of `shallow_structure` (`None` included) selects a whole
    sub-structure of every item of `structures`, which `func` receives as is.

    Args:
        shallow_structure: The layout to map over; its leaf values are ignored.
        func: Callable taking one argument per structure.
        *structures: Structures whose top levels match `shallow_structure`;
            they may be nested deeper below its leaves.

    Returns:
        A structure shaped like `shallow_structure` holding `func`'s results.

    Raises:
        ValueError: If no structure is given, or one of them is shallower
            than or differs from `shallow_structure`.

    kc differs from Keras 3.15 (NumPy/JAX/TF backends) in accepting `None`
    leaves in `shallow_structure`, as Keras documents; Keras raises there.

    Example:
    >>> kc.tree.map_structure_up_to([None, None], len, [[1, 1], [2, 2, 2]])
    [2, 3]
    """
    if not structures:
        raise ValueError(
            "Must provide at least one structure to "
            "map_structure_up_to(shallow_structure, func, *structures)."
        )
    treedef = optree.tree_structure(shallow_structure, none_is_leaf=True, namespace=_NS)
    columns = []
    for i, structure in enumerate(structures):
        try:
            columns.append(treedef.flatten_up_to(structure))
        except ValueError as exc:
            raise _with_path(exc, shallow_structure, structure, True, "shallow_structure", f"structures[{i}]") from exc
    return treedef.unflatten(map(func, *columns))


def map_shape_structure(func, structure):
    """Like `map_structure`, but a list or tuple of ints and `None`s is a leaf (a shape).

    Example:
    >>> kc.tree.map_shape_structure(len, {"x": (None, 3), "y": [(2,), (4, 5)]})
    {'x': 2, 'y': [1, 2]}
    """
    return optree.tree_map(func, structure, is_leaf=_is_shape, none_is_leaf=True, namespace=_NS)


def assert_same_structure(a, b, check_types=None):
    """Raises `ValueError` unless `a` and `b` are nested the same way.

    Containers must have the same types (`list`, `tuple`, `deque` and each
    namedtuple class differ; `dict`, `OrderedDict` and `defaultdict` match
    by keys), lengths and keys; leaves may be anything, `None` included.

    Args:
        a: A structure.
        b: A structure.
        check_types: Deprecated and ignored (a `DeprecationWarning` says so).
            For a check that ignores container types use `assert_same_paths`.

    Raises:
        ValueError: Naming what differs and the path where it does.

    Example:
    >>> kc.tree.assert_same_structure([(0, 1)], [(2, None)])
    """
    if check_types is not None:
        warnings.warn(
            "assert_same_structure: `check_types` is deprecated and has no effect; "
            + ("remove it." if check_types else "use kc.tree.assert_same_paths() for a check "
               "that treats list, tuple, namedtuple and deque alike."),
            DeprecationWarning,
            stacklevel=2,
        )
    treedef = optree.tree_structure(a, none_is_leaf=True, namespace=_NS)
    if optree.tree_structure(b, none_is_leaf=True, namespace=_NS) != treedef:
        _leaves_matching(treedef, a, b, True, "`a`", "`b`")


def assert_same_paths(a, b):
    """Raises `ValueError` unless `a` and `b` have the same set of leaf paths.

    Looser than `assert_same_structure`: container types are ignored, so
    `[1, 2]`, `(3, 4)` and a namedtuple of two fields all have the paths
    `(0,)` and `(1,)`.

    Raises:
        ValueError: Listing the paths found in only one of the structures.

    Example:
    >>> kc.tree.assert_same_paths([0, 1], (2, 3))
    """
    a_paths = optree.tree_paths(a, none_is_leaf=True, namespace=_NS)
    b_paths = optree.tree_paths(b, none_is_leaf=True, namespace=_NS)
    if a_paths == b_paths:
        return
    a_set, b_set = set(a_paths), set(b_paths)
    if a_set == b_set:
        return
    message = "`a` and `b` don't have the same paths."
    only_a = [p for p in a_paths if p not in b_set]
    only_b = [p for p in b_paths if p not in a_set]
    if only_a:
        message += "\nPaths in `a` missing in `b`:\n{" + ", ".join(map(repr, only_a)) + "}"
    if only_b:
        message += "\nPaths in `b` missing in `a`:\n{" + ", ".join(map(repr, only_b)) + "}"
    raise ValueError(message)


def lists_to_tuples(structure):
    """Returns `structure` with every list, at any depth, turned into a tuple.

    Example:
    >>> kc.tree.lists_to_tuples({"a": [1, [2]]})
    {'a': (1, (2,))}
    """
    return traverse(_list_to_tuple, structure, top_down=False)


def traverse(func, structure, top_down=True):
    """Calls `func` on every sub-structure of `structure` (itself, containers and leaves), depth first.

    A non-`None` return value replaces that sub-structure in the output;
    return the class `MAP_TO_NONE` to put `None` there. Top-down (the
    default) visits a container before its children and does not descend
    into a replaced one. Bottom-up visits children first, so `func` sees a
    container already rebuilt from its children's results. Containers are
    rebuilt with their own types and key order.

    Args:
        func: Callable taking one sub-structure.
        structure: The structure to traverse.
        top_down: Visit parents before (True) or after (False) children.

    Returns:
        The rebuilt structure.

    Example:
    >>> seen = []
    >>> kc.tree.traverse(seen.append, [(1, 2), {"a": 3}])
    [(1, 2), {'a': 3}]
    >>> seen
    [[(1, 2), {'a': 3}], (1, 2), 1, 2, {'a': 3}, 3]
    """
    if top_down:
        return _traverse_top_down(func, structure)
    return _traverse_bottom_up(func, structure)


# --- helpers ---------------------------------------------------------------


def _is_shape(x):
    return isinstance(x, (list, tuple)) and all(e is None or isinstance(e, int) for e in x)


def _list_to_tuple(x):
    return tuple(x) if isinstance(x, list) else None


def _one_level(node):
    """(children, treespec) of a container, flattened one level, keeping its key order."""
    return optree.tree_flatten(node, is_leaf=lambda child: child is not node, none_is_leaf=True, namespace=_NS)


def _traverse_top_down(func, structure):
    result = func(structure)
    if result is not None:
        return None if result is MAP_TO_NONE else result
    if optree.tree_is_leaf(structure, none_is_leaf=True, namespace=_NS):
        return structure
    children, treespec = _one_level(structure)
    return treespec.unflatten([_traverse_top_down(func, child) for child in children])


def _traverse_bottom_up(func, structure):
    if not optree.tree_is_leaf(structure, none_is_leaf=True, namespace=_NS):
        children, treespec = _one_level(structure)
        structure = treespec.unflatten([_traverse_bottom_up(func, child) for child in children])
    result = func(structure)
    if result is None:
        return structure
    return None if result is MAP_TO_NONE else result


def _leaves_matching(treedef, a, b, none_is_leaf, a_name, b_name):
    """Leaves of `b` in `a`'s leaf order, or ValueError naming where `b` differs from `a`.

    `b` matches when optree can flatten it up to `treedef` (same container
    types, lengths and keys; dicts match by key) and every part lying at a
    leaf of `a` is itself a leaf.
    """
    try:
        b_leaves = treedef.flatten_up_to(b)
    except ValueError as exc:
        raise _with_path(exc, a, b, none_is_leaf, a_name, b_name) from exc
    for index, leaf in enumerate(b_leaves):
        if not optree.tree_is_leaf(leaf, none_is_leaf=none_is_leaf, namespace=_NS):
            path = treedef.paths()[index]
            a_leaf = optree.tree_leaves(a, none_is_leaf=none_is_leaf, namespace=_NS)[index]
            raise ValueError(
                f"Structures don't have the same nested structure. {_where(path)}, {a_name} has "
                f"the leaf {_short.repr(a_leaf)} but {b_name} has the nested {_short.repr(leaf)}."
            )
    return b_leaves


def _with_path(exc, a, b, none_is_leaf, a_name, b_name):
    """A ValueError repeating optree's message `exc` and adding where `b` leaves `a`'s layout."""
    path = _mismatch_path(a, b, none_is_leaf)
    where = "" if path is None else " " + _where(path, capital=False)
    return ValueError(f"{exc} ({b_name} does not match the structure of {a_name}{where}.)")


def _where(path, capital=True):
    where = f"at path {path}" if path else "at the top level"
    return where[0].upper() + where[1:] if capital else where


def _mismatch_path(a, b, none_is_leaf):
    """Path of the first container of `a` that `b` does not reproduce, or None if none is found.

    Mirrors optree's prefix rules: below a leaf of `a` anything goes.
    """
    if optree.tree_is_leaf(a, none_is_leaf=none_is_leaf, namespace=_NS):
        return None
    if optree.tree_is_leaf(b, none_is_leaf=none_is_leaf, namespace=_NS):
        return ()
    a_children, _, a_entries, _ = optree.tree_flatten_one_level(a, none_is_leaf=none_is_leaf, namespace=_NS)
    b_children, _, b_entries, _ = optree.tree_flatten_one_level(b, none_is_leaf=none_is_leaf, namespace=_NS)
    if type(a) in _DICT_TYPES and type(b) in _DICT_TYPES:
        if set(a_entries) != set(b_entries):
            return ()
        b_by_key = dict(zip(b_entries, b_children))
        b_children = [b_by_key[key] for key in a_entries]
    elif type(a) is not type(b) or len(a_children) != len(b_children):
        return ()
    for entry, a_child, b_child in zip(a_entries, a_children, b_children):
        sub_path = _mismatch_path(a_child, b_child, none_is_leaf)
        if sub_path is not None:
            return (entry, *sub_path)
    return None
