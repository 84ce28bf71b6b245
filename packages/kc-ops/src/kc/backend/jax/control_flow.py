"""Control flow of the JAX backend: `jax.lax` primitives, so it traces under jit."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from kc import tree
from kc.backend.common import core_ops
from kc.backend.jax.core import convert_to_tensor


def _tensors(structure):
    return tree.map_structure(lambda x: None if x is None else convert_to_tensor(x), structure)


def _like(new, old):
    """``new`` cast leaf by leaf to the dtypes of ``old`` (lax loops need fixed carry types)."""
    return tree.map_structure(lambda n, o: jnp.asarray(n, o.dtype), new, old)


def cond(pred, true_fn, false_fn):
    if isinstance(pred, (bool, int)):
        return true_fn() if pred else false_fn()
    return jax.lax.cond(pred, true_fn, false_fn)


def switch(index, branches, *operands):
    if isinstance(index, int):
        return branches[core_ops.clamp_index(index, len(branches))](*operands)
    return jax.lax.switch(index, branches, *operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    state, call, normalize = core_ops.loop_protocol(loop_vars)
    state = _tensors(state)

    def step(s):
        return _like(normalize(call(body, s)), s)

    if maximum_iterations is None:  # lax.while_loop: no reverse-mode gradients (JAX limitation)
        return jax.lax.while_loop(lambda s: call(cond, s), step, state)

    # Bounded: a scan of maximum_iterations masked steps, which reverse-mode can differentiate.
    # The body also runs (masked) after cond turns false.
    def masked_step(carry, _):
        running, s = carry
        running = jnp.logical_and(running, call(cond, s))
        new = step(s)
        return (running, tree.map_structure(lambda n, o: jnp.where(running, n, o), new, s)), None

    (_, state), _ = jax.lax.scan(masked_step, (jnp.asarray(True), state), None, length=int(maximum_iterations))
    return state


def fori_loop(lower, upper, body_fun, init_val):
    init_val = _tensors(init_val)
    return jax.lax.fori_loop(lower, upper, lambda i, v: _like(body_fun(i, v), v), init_val)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    init = _tensors(init)

    def step(carry, x):
        new_carry, y = f(carry, x)
        return _like(new_carry, carry), y

    return jax.lax.scan(step, init, _tensors(xs), length=length, reverse=reverse, unroll=unroll)


def associative_scan(f, elems, reverse=False, axis=0):
    elems = _tensors(elems)
    ndim = tree.flatten(elems)[0].ndim
    if not -ndim <= axis < ndim:
        raise ValueError(f"associative_scan: axis {axis} is out of range for a tensor of rank {ndim}.")
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)


def map(f, xs):
    return jax.lax.map(f, _tensors(xs))


def vectorized_map(function, elements):
    return jax.vmap(function)(_tensors(elements))
