"""The time loop shared by the recurrent layers: `run_rnn`.

One function runs any step function over the time axis with masking,
``go_backwards`` and ``unroll``. It loops with `kc.ops.scan` (a `lax.scan`
under JAX, a `tf.while_loop` under TensorFlow, an eager loop on NumPy and
torch), so it traces under ``jax.jit``; ``unroll=True`` writes a Python loop
over the (static) number of steps instead.

Example:
    >>> step = lambda x, states: (x + states[0], [x + states[0]])
    >>> last, outputs, states = run_rnn(step, ops.ones((2, 4, 3)), [ops.zeros((2, 3))])
    >>> outputs.shape, to_numpy(last)[0]
    ((2, 4, 3), array([4., 4., 4.], dtype=float32))
"""

from __future__ import annotations

from kc import ops, tree


def _time_major(x):
    return ops.moveaxis(x, 1, 0)


def _where_mask(m, new, old):
    """``new`` where the per-sample mask ``m`` (shape (batch,)) holds, else ``old``."""
    shape = (-1,) + (1,) * (len(new.shape) - 1)
    return ops.where(ops.reshape(m, shape), new, old)


def _loop(fn, carry, xs, unroll: bool):
    if not unroll:
        return ops.scan(fn, carry, xs)
    steps = tree.flatten(xs)[0].shape[0]
    if steps is None:
        raise ValueError(
            "RNN: unroll=True needs a static number of timesteps, got an input with an "
            "unknown time dimension."
        )
    ys = []
    for t in range(steps):
        carry, y = fn(carry, tree.map_structure(lambda a: a[t], xs))
        ys.append(y)
    return carry, ops.stack(ys, axis=0)


def run_rnn(step, inputs, initial_states, mask=None, go_backwards: bool = False,
            unroll: bool = False, zero_output_for_mask: bool = False):
    """Run ``step`` over axis 1 of ``inputs``.

    Args:
        step: ``(x_t, states) -> (output_t, new_states)``; ``new_states`` keeps
            the structure of ``states``.
        inputs: tensor of shape ``(batch, time, ...)``.
        initial_states: structure of state tensors, each with a leading batch axis.
        mask: optional ``(batch, time)`` bool tensor; a masked step keeps the
            previous states and repeats the previous output (or outputs zeros
            when ``zero_output_for_mask``).
        go_backwards: process the sequence from the end; the outputs stay in
            processing order (as Keras).
        unroll: use a Python loop over the timesteps instead of `ops.scan`.
        zero_output_for_mask: output zeros at masked steps.

    Returns:
        ``(last_output, outputs, final_states)``; ``outputs`` has shape
        ``(batch, time, ...)``.
    """
    xs = _time_major(inputs)
    ms = None if mask is None else _time_major(ops.cast(mask, "bool"))
    if go_backwards:
        xs = ops.flip(xs, axis=0)
        ms = None if ms is None else ops.flip(ms, axis=0)

    def plain(states, x):
        output, new_states = step(x, states)
        return new_states, output

    if ms is None:
        states, outputs = _loop(plain, initial_states, xs, unroll)
    elif zero_output_for_mask:
        def zeroed(states, inp):
            x, m = inp
            output, new_states = step(x, states)
            new_states = tree.map_structure(lambda n, o: _where_mask(m, n, o), new_states, states)
            return new_states, _where_mask(m, output, ops.zeros_like(output))

        states, outputs = _loop(zeroed, initial_states, (xs, ms), unroll)
    else:
        def carried(carry, inp):
            states, previous = carry
            x, m = inp
            output, new_states = step(x, states)
            new_states = tree.map_structure(lambda n, o: _where_mask(m, n, o), new_states, states)
            output = _where_mask(m, output, previous)
            return (new_states, output), output

        # The first step runs outside the loop: it gives the output's shape for the
        # "previous output" carried through masked steps (zeros before any valid step).
        first_out, first_states = step(xs[0], initial_states)
        m0 = ms[0]
        first_states = tree.map_structure(
            lambda n, o: _where_mask(m0, n, o), first_states, initial_states)
        first_out = _where_mask(m0, first_out, ops.zeros_like(first_out))
        if xs.shape[0] == 1:
            states, outputs = first_states, ops.expand_dims(first_out, 0)
        else:
            (states, _), rest = _loop(carried, (first_states, first_out), (xs[1:], ms[1:]), unroll)
            outputs = ops.concatenate([ops.expand_dims(first_out, 0), rest], axis=0)
    last_output = outputs[-1]
    return last_output, ops.moveaxis(outputs, 0, 1), states
