"""Tests for kc.tree.

Two kinds of rows: comparison rows run the same call through kc.tree and
Keras 3's keras.tree (NumPy backend, i.e. its optree implementation) and
require equal results, or the same exception type with kc's message starting
with Keras's (kc appends where the structures differ); closed-form rows state
the expected value and run without Keras.
"""

import ast
import collections
import subprocess
import sys
import warnings

import numpy as np
import pytest
from kc_testing import keras_oracle

from kc import tree

Point = collections.namedtuple("Point", ["y", "x"])
OtherPoint = collections.namedtuple("OtherPoint", ["y", "x"])
OD = collections.OrderedDict


def _defaultdict(items):
    return collections.defaultdict(list, items)


# Structures every single-structure function is run on.
STRUCTURES = {
    "int": 3,
    "none": None,
    "str": "abc",
    "array": np.arange(3),
    "set": {1, 2},
    "empty_list": [],
    "empty_tuple": (),
    "empty_dict": {},
    "list": [1, [2, 3]],
    "tuple": (1, (2,), "x"),
    "nested_none": [None, (None, 1), {"a": None}],
    "dict_unsorted": {"b": 1, "a": [2, None], "c": (3, 4)},
    "int_keys": {3: "c", 1: "a", 2: "b"},
    "ordered_dict": OD([("b", 1), ("a", [2, 3])]),
    "defaultdict": _defaultdict({"b": 1, "a": 2}),
    "namedtuple": Point(1, [2, (3, None)]),
    "deque": collections.deque([1, [2]]),
    "shapes": [(None, 3), [4], {"s": (2, None, 1)}, ()],
    "mixed": {"z": [Point((1, 2), None), OD(q=3, p=[4])], "y": ((5,), {"k": np.ones(2)})},
}


def _traverse(t, structure, top_down, prune):
    """Runs t.traverse recording visits; `prune` replaces tuples and maps ints > 2 to None."""
    visited = []

    def visit(x):
        visited.append(x)
        if prune:
            if isinstance(x, tuple) and not hasattr(x, "_fields"):
                return "T"
            if isinstance(x, int) and x > 2:
                return t.MAP_TO_NONE
        return None

    return t.traverse(visit, structure, top_down=top_down), visited


def _pack_numbered(t, structure):
    return t.pack_sequence_as(structure, [f"v{i}" for i in range(len(t.flatten(structure)))])


# name -> f(tree_module, structure); each is called on every STRUCTURES entry.
SINGLE_OPS = {
    "flatten": lambda t, s: t.flatten(s),
    "flatten_with_path": lambda t, s: t.flatten_with_path(s),
    "is_nested": lambda t, s: t.is_nested(s),
    "map_structure": lambda t, s: t.map_structure(lambda x: ("leaf", x), s),
    "map_structure_none_is_node": lambda t, s: t.map_structure(lambda x: ("leaf", x), s, none_is_leaf=False),
    "map_structure_self_pair": lambda t, s: t.map_structure(lambda x, y: (x, y), s, s),
    "map_shape_structure": lambda t, s: t.map_shape_structure(lambda x: ("shape", x), s),
    "lists_to_tuples": lambda t, s: t.lists_to_tuples(s),
    "traverse_top_down": lambda t, s: _traverse(t, s, True, False),
    "traverse_bottom_up": lambda t, s: _traverse(t, s, False, False),
    "traverse_top_down_prune": lambda t, s: _traverse(t, s, True, True),
    "traverse_bottom_up_prune": lambda t, s: _traverse(t, s, False, True),
    "pack_sequence_as": _pack_numbered,
    "assert_same_structure_self": lambda t, s: t.assert_same_structure(s, s),
    "assert_same_paths_self": lambda t, s: t.assert_same_paths(s, s),
}

# Pairs (a, b) for the two-structure functions; most differ somewhere.
PAIRS = {
    "same": ([1, (2, 3)], [4, (5, 6)]),
    "list_vs_tuple": ([1, 2], (3, 4)),
    "list_length": ([1, 2], [3]),
    "list_vs_leaf": ([1, 2], 3),
    "leaf_vs_list": (3, [1, 2]),
    "leaf_vs_empty_list": (1, []),
    "empty_list_vs_tuple": ([], ()),
    "dict_keys": ({"a": 1}, {"b": 1}),
    "dict_extra_key": ({"a": 1}, {"a": 1, "b": 2}),
    "dict_vs_ordered_dict": ({"a": 1, "b": 2}, OD([("b", 3), ("a", 4)])),
    "ordered_dict_vs_dict": (OD([("b", 3), ("a", 4)]), {"a": 1, "b": 2}),
    "ordered_dicts_other_order": (OD([("b", 1), ("a", 2)]), OD([("a", 3), ("b", 4)])),
    "dict_vs_defaultdict": ({"a": 1, "b": 2}, _defaultdict({"b": 3, "a": 4})),
    "dict_insertion_order": ({"b": 1, "a": 2}, {"a": 3, "b": 4}),
    "namedtuple_classes": (Point(1, 2), OtherPoint(1, 2)),
    "namedtuple_vs_tuple": (Point(1, 2), (1, 2)),
    "deque_vs_list": (collections.deque([1]), [1]),
    "deque_maxlen": (collections.deque([1], maxlen=3), collections.deque([2])),
    "none_vs_leaf": (None, 1),
    "leaf_vs_none": (1, None),
    "none_vs_list": (None, [1]),
    "list_vs_none": ([1], None),
    "nested_none": ([None, 1], [2, 3]),
    "second_deeper": ([1, 2], [3, [4]]),
    "second_deeper_dict": ({"a": 1}, {"a": {"b": 2}}),
    "first_deeper": ([1, [2]], [3, 4]),
    "deep_arity": ({"a": [1, (2, 3)]}, {"a": [1, (2, 3, 4)]}),
    "array_vs_list": (np.zeros(2), [1]),
    "arrays": (np.zeros(2), np.zeros(3)),
    "string_vs_list": ("ab", ["a"]),
}

PAIR_OPS = {
    "assert_same_structure": lambda t, a, b: t.assert_same_structure(a, b),
    "map_structure": lambda t, a, b: t.map_structure(lambda x, y: (x, y), a, b),
    "map_structure_none_is_node": lambda t, a, b: t.map_structure(lambda x, y: (x, y), a, b, none_is_leaf=False),
    "map_structure_three": lambda t, a, b: t.map_structure(lambda x, y, z: (x, y, z), a, a, b),
}


def _outcome(fn):
    try:
        return "ok", fn()
    except Exception as exc:  # noqa: BLE001 - comparing whatever each library raises
        return "raised", exc


def _assert_same_outcome(got, want):
    """kc's outcome `got` equals Keras's `want`: same value, or same exception with a message extending Keras's."""
    assert got[0] == want[0], f"kc {got[0]}: {got[1]!r}; keras {want[0]}: {want[1]!r}"
    if got[0] == "ok":
        assert repr(got[1]) == repr(want[1])
    else:
        assert type(got[1]) is type(want[1])
        assert str(got[1]).startswith(str(want[1])), f"kc: {got[1]}\nkeras: {want[1]}"


@pytest.fixture(scope="module")
def keras_tree():
    """keras.tree from Keras 3 on the NumPy backend (optree implementation).

    Keras on torch uses another implementation with other messages: skipped.
    """
    keras = keras_oracle()
    if keras.backend.backend() == "torch":
        pytest.skip("Keras on torch uses torch's pytree, not the optree oracle")
    return keras.tree


# --- comparison rows (need Keras) ---------------------------------------------


def test_public_names_match_keras(keras_tree):
    public = {name for name in dir(keras_tree) if not name.startswith("_")}
    assert {name for name in dir(tree) if not name.startswith("_")} == public


@pytest.mark.parametrize("op", SINGLE_OPS)
@pytest.mark.parametrize("name", STRUCTURES)
def test_single_structure_ops_match_keras(keras_tree, op, name):
    fn, structure = SINGLE_OPS[op], STRUCTURES[name]
    _assert_same_outcome(_outcome(lambda: fn(tree, structure)), _outcome(lambda: fn(keras_tree, structure)))


@pytest.mark.parametrize("op", PAIR_OPS)
@pytest.mark.parametrize("pair", PAIRS)
def test_pair_ops_match_keras(keras_tree, op, pair):
    fn, (a, b) = PAIR_OPS[op], PAIRS[pair]
    _assert_same_outcome(_outcome(lambda: fn(tree, a, b)), _outcome(lambda: fn(keras_tree, a, b)))


def _paths_report(exc):
    """(first line, [set of paths per section]) of an assert_same_paths message (set order may differ)."""
    lines = str(exc).split("\n")
    return lines[0], [(head, ast.literal_eval(body)) for head, body in zip(lines[1::2], lines[2::2])]


@pytest.mark.parametrize("pair", PAIRS)
def test_assert_same_paths_matches_keras(keras_tree, pair):
    a, b = PAIRS[pair]
    got = _outcome(lambda: tree.assert_same_paths(a, b))
    want = _outcome(lambda: keras_tree.assert_same_paths(a, b))
    assert got[0] == want[0]
    if got[0] == "raised":
        assert type(got[1]) is type(want[1]) is ValueError
        assert _paths_report(got[1]) == _paths_report(want[1])


@pytest.mark.parametrize("pair", [p for p in PAIRS if not any(x is None for x in tree.flatten(PAIRS[p][0]))])
def test_map_structure_up_to_matches_keras(keras_tree, pair):
    # Keras 3.15 (optree) rejects any None leaf in shallow_structure, against its
    # own docstring; kc accepts it (closed-form rows below), so such rows are left out.
    a, b = PAIRS[pair]
    fn = lambda t: t.map_structure_up_to(a, lambda x, y: (x, y), a, b)  # noqa: E731
    _assert_same_outcome(_outcome(lambda: fn(tree)), _outcome(lambda: fn(keras_tree)))


@pytest.mark.parametrize("shallow, structures", [
    ([0, 0], ([[1, 1], [2]],)),
    ([0, [0, 0]], ([[1, 1], [2, 3]], [4, (5, 6)])),
    ({"a": 0, "b": 0}, (OD([("b", [1]), ("a", (2,))]),)),
    (OD([("b", 0), ("a", 0)]), ({"a": [1], "b": (2,)},)),
    ([0, [0, 0]], ([1, 2],)),
    ([0, 0], ([1, 2], [1, 2, 3])),
    ((0, 0), (Point(1, 2),)),
    (0, ([1, [2]],)),
    ([], ([],)),
])
def test_map_structure_up_to_more_rows_match_keras(keras_tree, shallow, structures):
    fn = lambda t: t.map_structure_up_to(shallow, lambda *xs: xs, *structures)  # noqa: E731
    _assert_same_outcome(_outcome(lambda: fn(tree)), _outcome(lambda: fn(keras_tree)))


@pytest.mark.parametrize("structure, make_flat", [
    ([1, 2], lambda: ["a"]),
    ([1, 2], lambda: ["a", "b", "c"]),
    (1, lambda: []),
    (1, lambda: ["a", "b"]),
    ([1, 2], lambda: (x for x in "ab")),
    ([1, 2], lambda: "ab"),
    ([1, 2], lambda: np.array([5, 6])),
    ({"b": 0, "a": 0}, lambda: ("A", "B")),
    ([None, (None,)], lambda: [1, 2]),
])
def test_pack_sequence_as_matches_keras(keras_tree, structure, make_flat):
    _assert_same_outcome(_outcome(lambda: tree.pack_sequence_as(structure, make_flat())),
                         _outcome(lambda: keras_tree.pack_sequence_as(structure, make_flat())))


def test_check_types_warns_like_keras(keras_tree):
    for check_types in (True, False):
        for t in (tree, keras_tree):
            with pytest.warns(DeprecationWarning, match="check_types"):
                t.assert_same_structure([1], [2], check_types=check_types)


# --- closed-form rows (no Keras) ----------------------------------------------


@pytest.mark.parametrize("structure, leaves, paths", [
    (None, [None], [()]),
    (5, [5], [()]),
    ([], [], []),
    ({"b": [1, None], "a": 2}, [2, 1, None], [("a",), ("b", 0), ("b", 1)]),
    (OD([("b", 1), ("a", 2)]), [1, 2], [("b",), ("a",)]),
    (_defaultdict({"b": 1, "a": 2}), [2, 1], [("a",), ("b",)]),
    (Point(1, [2]), [1, 2], [(0,), (1, 0)]),
    ({3: "c", 1: "a"}, ["a", "c"], [(1,), (3,)]),
    ([{"foo": 42}], [42], [(0, "foo")]),
    (collections.deque([1, (2,)]), [1, 2], [(0,), (1, 0)]),
    ("abc", ["abc"], [()]),
    ({1, 2}, [{1, 2}], [()]),
])
def test_flatten_rows(structure, leaves, paths):
    assert tree.flatten(structure) == leaves
    assert tree.flatten_with_path(structure) == list(zip(paths, leaves))
    assert tree.pack_sequence_as(structure, leaves) == structure


@pytest.mark.parametrize("structure, nested", [
    (None, False), (1, False), ("s", False), (np.zeros(2), False), ({1}, False),
    ([], True), ((), True), ({}, True), (Point(1, 2), True), (OD(), True), (collections.deque(), True),
])
def test_is_nested_rows(structure, nested):
    assert tree.is_nested(structure) is nested


@pytest.mark.parametrize("structures, none_is_leaf, expected", [
    (([[1], [2], [3]],), True, [[2], [4], [6]]),
    (([1, None],), True, [2, "None!"]),
    (([1, None],), False, [2, None]),
    (({"b": 1, "a": 2}, {"a": 10, "b": 20}), True, {"b": 21, "a": 12}),
    ((OD([("b", 1), ("a", 2)]), {"a": 10, "b": 20}), True, OD([("b", 21), ("a", 12)])),
    ((Point(1, 2), Point(3, 4)), True, Point(4, 6)),
    (([1, 2], [3, 4], [5, 6]), True, [9, 12]),
])
def test_map_structure_rows(structures, none_is_leaf, expected):
    def func(*xs):
        return "None!" if xs[0] is None else sum(xs) if len(xs) > 1 else xs[0] * 2

    result = tree.map_structure(func, *structures, none_is_leaf=none_is_leaf)
    assert result == expected and type(result) is type(expected)
    assert list(result) == list(expected)  # key order too


@pytest.mark.parametrize("call, error, match", [
    (lambda: tree.map_structure(lambda x: x), ValueError, "at least one structure"),
    (lambda: tree.map_structure(lambda x, y: x, [1, 2], (1, 2)),
     ValueError, r"Expected an instance of list, got \(1, 2\)\. .*structures\[1\].*top level"),
    (lambda: tree.map_structure(lambda x, y: x, {"a": [1, (2, 3)]}, {"a": [1, (2, 3, 4)]}),
     ValueError, r"tuple arity mismatch; expected: 2, got: 3.*at path \('a', 1\)"),
    (lambda: tree.map_structure(lambda x, y: x, [1, 2], [3, [4]]),
     ValueError, r"Structures don't have the same nested structure\. At path \(1,\), structures\[0\] has the leaf 2 "
                 r"but structures\[1\] has the nested \[4\]"),
    (lambda: tree.map_structure(lambda *x: x, [1], [1], {"k": 1}),
     ValueError, r"Expected an instance of list.*structures\[2\]"),
    (lambda: tree.map_structure(lambda x, y: x, [1, None], [1, 2], none_is_leaf=False),
     ValueError, r"Expected None, got 2.*at path \(1,\)"),
    (lambda: tree.assert_same_structure({"x": {"a": 1}}, {"x": {"b": 1}}),
     ValueError, r"dictionary key mismatch.*missing key\(s\): \['a'\], extra key\(s\): \['b'\].*at path \('x',\)"),
    (lambda: tree.assert_same_structure([Point(1, 2)], [OtherPoint(1, 2)]),
     ValueError, r"namedtuple type mismatch.*Point.*OtherPoint.*`b`.*`a` at path \(0,\)"),
    (lambda: tree.assert_same_structure(None, [1]), ValueError, r"`a` has the leaf None but `b` has the nested \[1\]"),
    (lambda: tree.assert_same_paths({"a": [1, 2], "c": 3}, {"a": [1], "b": 3}),
     ValueError, r"Paths in `a` missing in `b`:\n\{\('a', 1\), \('c',\)\}\nPaths in `b` missing in `a`:\n\{\('b',\)\}"),
    (lambda: tree.pack_sequence_as([1, 2, 3], ["a", "b"]), ValueError, r"Too few leaves.*3 leaves but `flat_sequence` has 2"),
    (lambda: tree.pack_sequence_as([1], 5), TypeError, r"`flat_sequence` must be an iterable.*got int: 5"),
    (lambda: tree.map_structure_up_to([0, [0]], lambda x: x, [1, 2]),
     ValueError, r"Expected an instance of list, got 2.*structures\[0\].*shallow_structure at path \(1,\)"),
    (lambda: tree.map_structure_up_to([0], lambda x: x), ValueError, "at least one structure"),
    (lambda: tree.traverse(3, [1]), TypeError, "not callable"),
])
def test_error_rows(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_error_keeps_optree_cause():
    with pytest.raises(ValueError) as info:
        tree.assert_same_structure([1, 2], (1, 2))
    assert isinstance(info.value.__cause__, ValueError)


@pytest.mark.parametrize("a, b", [
    ([1, None], [None, 2]),
    ({"a": 1, "b": 2}, OD([("b", 1), ("a", 2)])),
    (_defaultdict({"a": 1}), {"a": 2}),
    (collections.deque([1], maxlen=2), collections.deque([2])),
    (np.zeros(2), np.zeros(3)),
])
def test_assert_same_structure_accepts(a, b):
    tree.assert_same_structure(a, b)


@pytest.mark.parametrize("a, b", [
    ([0, 1], (2, 3)),
    (Point(0, 1), OtherPoint(2, 3)),
    (collections.deque([1]), [1]),
    ({"b": 1, "a": 2}, OD([("a", 1), ("b", 2)])),
])
def test_assert_same_paths_ignores_container_types(a, b):
    tree.assert_same_paths(a, b)


@pytest.mark.parametrize("shallow, structures, expected", [
    # None is a leaf of shallow_structure, as Keras documents (Keras 3.15 on optree raises).
    ([None, None], ([[1, 1], [2, 2, 2]],), [2, 3]),
    ([None, [None, None]], ([[1, 1], [2, 2]],), [2, [1, 1]]),
    (None, ([1, 2, 3],), 3),
    ([None, 0], ([None, [5]],), [0, 1]),
    ({"b": None, "a": 0}, (OD([("a", [1]), ("b", (2, 3))]),), {"b": 2, "a": 1}),
])
def test_map_structure_up_to_rows(shallow, structures, expected):
    def count(x):
        return 0 if x is None else len(x) if isinstance(x, (list, tuple)) else 1

    result = tree.map_structure_up_to(shallow, count, *structures)
    assert result == expected and type(result) is type(expected)


def test_map_structure_up_to_several_structures():
    result = tree.map_structure_up_to([0, 0], lambda a, b: (a, b), [[1], 2], [3, [4]])
    assert result == [([1], 3), (2, [4])]


@pytest.mark.parametrize("structure, expected", [
    ((None, 3), ("S", (None, 3))),
    ((), ("S", ())),
    ([4, None], ("S", [4, None])),
    ([(1, 2), {"a": (None,)}], [("S", (1, 2)), {"a": ("S", (None,))}]),
    ([[1], [None, 2]], [("S", [1]), ("S", [None, 2])]),
    ((1, "a"), (("S", 1), ("S", "a"))),
    ((np.int64(2), 3), (("S", np.int64(2)), ("S", 3))),
    (None, ("S", None)),
])
def test_map_shape_structure_rows(structure, expected):
    assert tree.map_shape_structure(lambda s: ("S", s), structure) == expected


def test_traverse_top_down_and_bottom_up():
    structure = [(1, 2), [3], {"a": 4}]
    seen = []
    assert tree.traverse(seen.append, structure) == structure
    assert seen == [structure, (1, 2), 1, 2, [3], 3, {"a": 4}, 4]
    seen = []
    assert tree.traverse(seen.append, structure, top_down=False) == structure
    assert seen == [1, 2, (1, 2), 3, [3], 4, {"a": 4}, structure]


def test_traverse_replacement_and_map_to_none():
    structure = {"b": [1, (2, 3)], "a": None}

    def replace(x):
        if isinstance(x, tuple):
            return "T"
        if x is None:
            return "was None"
        if x == 1:
            return tree.MAP_TO_NONE
        return None

    for top_down in (True, False):
        result = tree.traverse(replace, structure, top_down=top_down)
        assert result == {"b": [None, "T"], "a": "was None"}
        assert list(result) == ["b", "a"]
    assert tree.traverse(lambda x: tree.MAP_TO_NONE, [1]) is None


def test_traverse_top_down_does_not_enter_replaced_subtrees():
    seen = []

    def visit(x):
        seen.append(x)
        return "list" if isinstance(x, list) and x != [[1, 2], 3] else None

    assert tree.traverse(visit, [[1, 2], 3]) == ["list", 3]
    assert seen == [[[1, 2], 3], [1, 2], 3]


@pytest.mark.parametrize("structure, expected", [
    ([1, [2, (3, [4])]], (1, (2, (3, (4,))))),
    ({"b": [1], "a": Point([2], 3)}, {"b": (1,), "a": Point((2,), 3)}),
    (OD([("b", [1]), ("a", [])]), OD([("b", (1,)), ("a", ())])),
    (collections.deque([[1]]), collections.deque([(1,)])),
    (5, 5),
])
def test_lists_to_tuples_rows(structure, expected):
    result = tree.lists_to_tuples(structure)
    assert result == expected and type(result) is type(expected)
    assert repr(result) == repr(expected)


def test_pack_sequence_as_keeps_insertion_order_and_types():
    structure = {"key3": {"c": ("alpha", "beta"), "a": "gamma"}, "key1": {"e": "val1", "d": "val2"}}
    result = tree.pack_sequence_as(structure, ["val2", "val1", 3.0, 1.0, 2.0])
    assert result == {"key3": {"c": (1.0, 2.0), "a": 3.0}, "key1": {"e": "val1", "d": "val2"}}
    assert list(result) == ["key3", "key1"]
    assert tree.pack_sequence_as(1, ["only"]) == "only"
    assert tree.pack_sequence_as([None, 1], ["p", "q"]) == ["p", "q"]


# --- leaves: backend tensors and kc symbolic tensors ------------------------------


def _tensor(framework):
    """A tensor of `framework`; frameworks other than the active backend's run only if already imported."""
    import kc

    if framework in ("jax", "torch", "tensorflow") and framework != kc.config.backend() and framework not in sys.modules:
        pytest.skip(f"{framework} is not imported here; this row runs in the KC_BACKEND={framework} suite")
    if framework == "numpy":
        return np.ones((2, 2))
    if framework == "jax":
        return pytest.importorskip("jax.numpy").ones((2, 2))
    if framework == "torch":
        return pytest.importorskip("torch").ones(2, 2)
    if framework == "tensorflow":
        return pytest.importorskip("tensorflow").ones((2, 2))
    if framework == "symbolic":
        try:
            keras_tensor = kc.KerasTensor
        except Exception as exc:  # noqa: BLE001 - kc.ops may be mid-change; this row is about kc.tree
            pytest.skip(f"kc.KerasTensor is not importable: {exc!r}")
        return keras_tensor((None, 2))
    raise AssertionError(framework)


@pytest.mark.parametrize("framework", ["numpy", "jax", "torch", "tensorflow", "symbolic"])
def test_tensors_are_leaves(framework):
    x = _tensor(framework)
    structure = {"b": [x, None], "a": (x,)}
    assert not tree.is_nested(x)
    assert tree.flatten(x)[0] is x
    leaves = tree.flatten(structure)
    assert len(leaves) == 3 and leaves[0] is x and leaves[1] is x and leaves[2] is None
    assert tree.map_structure(id, structure) == {"b": [id(x), id(None)], "a": (id(x),)}
    assert tree.map_structure(lambda a, b: a is b, structure, structure) == {"b": [True, True], "a": (True,)}
    assert tree.pack_sequence_as(structure, leaves)["b"][0] is x
    assert tree.flatten_with_path([x])[0][1] is x
    assert tree.traverse(lambda t: None, [x])[0] is x
    assert tree.map_shape_structure(lambda t: t, [x])[0] is x
    tree.assert_same_structure(structure, structure)


def test_import_pulls_in_no_framework():
    code = (
        "import sys, kc.tree\n"
        "loaded = {'jax', 'torch', 'tensorflow'} & {m.split('.')[0] for m in sys.modules}\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_check_types_warning_text():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tree.assert_same_structure([1], [2], check_types=False)
    assert caught[0].category is DeprecationWarning
    assert "assert_same_paths" in str(caught[0].message)
