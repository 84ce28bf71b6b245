"""Control flow of the TensorFlow backend: tf.cond / tf.while_loop, so it works in tf.function graphs."""

from __future__ import annotations

from types import SimpleNamespace

import tensorflow as tf

from kc import tree
from kc.backend.common import core_ops
from kc.backend.tensorflow.core import convert_to_tensor


def _tensors(structure):
    return tree.map_structure(lambda x: None if x is None else convert_to_tensor(x), structure)


def _like(new, old):
    """``new`` cast leaf by leaf to the dtypes of ``old`` (tf loops need fixed carry types)."""
    return tree.map_structure(lambda n, o: tf.cast(n, o.dtype), new, old)


def cond(pred, true_fn, false_fn):
    if isinstance(pred, (bool, int)):
        return true_fn() if pred else false_fn()
    return tf.cond(pred, true_fn, false_fn)


def switch(index, branches, *operands):
    if isinstance(index, int):
        return branches[core_ops.clamp_index(index, len(branches))](*operands)
    index = tf.clip_by_value(tf.cast(index, tf.int32), 0, len(branches) - 1)
    return tf.switch_case(index, [lambda b=b: b(*operands) for b in branches])


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    state, call, normalize = core_ops.loop_protocol(loop_vars)
    (state,) = tf.while_loop(
        lambda s: call(cond, s),
        lambda s: (_like(normalize(call(body, s)), s),),
        (_tensors(state),),
        maximum_iterations=maximum_iterations,
    )
    return state


def fori_loop(lower, upper, body_fun, init_val):
    static = isinstance(lower, int) and isinstance(upper, int)
    _, val = tf.while_loop(
        lambda i, v: i < upper,
        lambda i, v: (i + 1, _like(body_fun(i, v), v)),
        (tf.cast(convert_to_tensor(lower), tf.int32), _tensors(init_val)),
        maximum_iterations=max(upper - lower, 0) if static else None,  # for XLA gradients
    )
    return val


def _steps(xs, length):
    """Number of scan steps: static when known, else a scalar tensor."""
    if xs is None:
        if length is None:
            raise ValueError("scan: give xs or length.")
        return length
    first = tree.flatten(xs)[0]
    static = first.shape[0]
    if static is not None and length is not None and static != length:
        raise ValueError(f"scan: length {length} does not match the leading size {static} of xs.")
    return static if static is not None else tf.shape(first)[0]


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    init, xs = _tensors(init), _tensors(xs)
    n = _steps(xs, length)
    if isinstance(n, int) and n == 0:
        raise ValueError("scan: zero iterations (length 0) give no output structure on this backend.")

    def position(i):
        return n - 1 - i if reverse else i

    def x_at(i):
        return None if xs is None else tree.map_structure(lambda t: t[i], xs)

    # The first step runs outside the loop: it gives the dtypes and shapes of the outputs.
    carry, y0 = f(init, x_at(position(0)))
    carry = _like(carry, init)
    y_leaves = tree.flatten(y0)
    slots = [i for i, y in enumerate(y_leaves) if y is not None]
    arrays = [
        tf.TensorArray(y_leaves[i].dtype, size=n, element_shape=y_leaves[i].shape).write(position(0), y_leaves[i])
        for i in slots
    ]

    def body(i, carry, arrays):
        new_carry, y = f(carry, x_at(position(i)))
        leaves = tree.flatten(y)
        arrays = [a.write(position(i), tf.cast(leaves[j], a.dtype)) for a, j in zip(arrays, slots)]
        return i + 1, _like(new_carry, carry), arrays

    # maximum_iterations bounds the loop for XLA: its gradient (the TensorArrays that keep each
    # step's values for the backward pass) cannot be compiled without it.
    _, carry, arrays = tf.while_loop(lambda i, c, a: i < n, body, (tf.constant(1), carry, arrays),
                                     maximum_iterations=n - 1)
    stacked = dict(zip(slots, (a.stack() for a in arrays)))
    return carry, tree.pack_sequence_as(y0, [stacked.get(i) for i in range(len(y_leaves))])


def map(f, xs):
    return scan(lambda carry, x: (carry, f(x)), (), xs)[1]


def vectorized_map(function, elements):
    return tf.vectorized_map(function, _tensors(elements))


def _moveaxis(x, source, destination):
    perm = list(range(x.shape.rank))
    perm.insert(destination, perm.pop(source))
    return tf.transpose(x, perm)


def _interleave(a, b):
    pairs = tf.stack([a, b], axis=1)
    return tf.reshape(pairs, tf.concat([[-1], tf.shape(a)[1:]], axis=0))


_XP = SimpleNamespace(
    moveaxis=_moveaxis,
    flip=lambda x: tf.reverse(x, [0]),
    concat=lambda xs: tf.concat(xs, axis=0),
    interleave=_interleave,
)


def associative_scan(f, elems, reverse=False, axis=0):
    return core_ops.associative_scan(f, _tensors(elems), reverse, axis, _XP)
