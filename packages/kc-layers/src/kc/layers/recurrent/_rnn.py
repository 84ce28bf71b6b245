"""`RNN`: runs a cell over the time axis of a sequence.

A cell is a layer with ``call(inputs, states[, training])`` returning
``(output, new_states)`` and a ``state_size`` (an int, or a list for several
states); optional ``output_size`` and ``get_initial_state(batch_size)``.

Example:
    >>> layer = kc.layers.RNN(kc.layers.LSTMCell(8), return_sequences=True)
    >>> layer(np.ones((2, 5, 3), "float32")).shape
    (2, 5, 8)
"""

from __future__ import annotations

import inspect

from kc import backend, ops, tree
from kc.layers._input_spec import InputSpec
from kc.layers._layer import Layer
from kc.layers.recurrent._dropout import DropoutRNNCell
from kc.layers.recurrent._loop import run_rnn


def deserialize_sublayer(config, custom_objects=None):
    """A sublayer from its config, left unbuilt: the owner builds it inside its own name
    scope (so weight paths read "owner/sublayer/kernel", as when first built)."""
    from kc.serialization import deserialize_keras_object

    if isinstance(config, dict) and "build_config" in config:
        config = {k: v for k, v in config.items() if k != "build_config"}
    return deserialize_keras_object(config, custom_objects=custom_objects)


def _accepts_training(fn) -> bool:
    try:
        return "training" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _flat_state_sizes(cell) -> list:
    size = cell.state_size
    return tree.flatten(size) if tree.is_nested(size) else [size]


def state_structure(cell) -> list:
    """The sizes of a cell's states in the structure its states are passed in:
    ``[units]`` for one state, ``[units, units]`` for LSTM, one list per stacked cell."""
    inner = getattr(cell, "cells", None)
    if isinstance(inner, (list, tuple)):
        return [state_structure(c) for c in inner]
    size = cell.state_size
    return list(size) if tree.is_nested(size) else [size]


def output_size_of(cell):
    """The size of a cell's output: ``output_size``, else its first state's size (as Keras)."""
    size = getattr(cell, "output_size", None)
    return size if size is not None else _flat_state_sizes(cell)[0]


def _size_tuple(size) -> tuple:
    return tuple(size) if isinstance(size, (tuple, list)) else (size,)


def _iter_dropout_cells(cell, step_input_shape_dim, batch):
    """(cell, input width) for each DropoutRNNCell in ``cell`` (recursing into stacks)."""
    inner = getattr(cell, "cells", None)
    if inner is not None and isinstance(inner, (list, tuple)):
        width = step_input_shape_dim
        for c in inner:
            yield from _iter_dropout_cells(c, width, batch)
            width = output_size_of(c)
    elif isinstance(cell, DropoutRNNCell):
        yield cell, step_input_shape_dim


class RNN(Layer):
    """Base class for recurrent layers: a cell run over the time axis.

    Args:
        cell: an RNN cell (a layer with ``call(inputs, states)`` and
            ``state_size``), or a list of cells (stacked with `StackedRNNCells`).
        return_sequences: return the output of every timestep, else the last one.
        return_state: also return the final states (``[output, *states]``).
        go_backwards: process the sequence from the end; returned sequences
            are in processing order.
        stateful: the final states of a batch are the initial states of the
            next one (needs a static batch size); reset with `reset_states`.
        unroll: unroll the loop in Python (faster for short sequences, more
            memory); otherwise `kc.ops.scan` is used.
        zero_output_for_mask: output zeros at masked timesteps instead of
            repeating the last valid output.

    Call arguments: ``sequences`` of shape ``(batch, time, ...)``, optional
    ``initial_state`` (a list of tensors), ``mask`` of shape ``(batch, time)``
    and ``training``.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            from kc.layers.recurrent._stacked import StackedRNNCells

            cell = StackedRNNCells(cell)
        for attr in ("call", "state_size"):
            if not hasattr(cell, attr):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': argument cell must have a `{attr}` "
                    f"attribute (an RNN cell), got {cell!r} of type {type(cell).__name__}."
                )
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        self._kc_state_vars = None
        self._kc_cell_training = _accepts_training(cell.call)

    # State ------------------------------------------------------------------------------
    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def states(self):
        """The state variables of a stateful layer (None otherwise, or before build)."""
        return self._kc_state_vars

    def get_initial_state(self, batch_size):
        """The initial states (zeros unless the cell says otherwise), in the states' structure."""
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
        else:
            dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
            states = tree.map_structure(lambda s: ops.zeros((batch_size, s), dtype=dtype),
                                        state_structure(self.cell))
        return states if tree.is_nested(states) else [states]

    def reset_state(self, states=None) -> None:
        """Set a stateful layer's states to zeros, or to ``states`` (a list of arrays)."""
        if not self.stateful:
            raise AttributeError(f"{type(self).__name__} '{self.name}': the layer is not stateful.")
        if self._kc_state_vars is None:
            return
        variables = tree.flatten(self._kc_state_vars)
        if states is None:
            values = [ops.zeros(v.shape, dtype=v.dtype) for v in variables]
        else:
            values = tree.flatten(states)
            if len(values) != len(variables):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': reset_state expects {len(variables)} "
                    f"state arrays, got {len(values)}."
                )
        for v, value in zip(variables, values):
            v.assign(value)

    def reset_states(self, states=None) -> None:
        """Alias of `reset_state`."""
        self.reset_state(states)

    # Building ---------------------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) < 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': input must have shape (batch, time, "
                f"features...), got input of shape {sequences_shape}."
            )
        step_shape = (sequences_shape[0],) + sequences_shape[2:]
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
        if sequences_shape[-1] is not None:
            self.input_spec = InputSpec(ndim=len(sequences_shape), axes={-1: sequences_shape[-1]})
        if self.stateful:
            if sequences_shape[0] is None:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': stateful=True needs a static batch size "
                    f"(e.g. Input(batch_size=...)), got input shape {sequences_shape}."
                )
            with backend.name_scope(self.name, caller=self):
                self._kc_state_vars = tree.map_structure(
                    lambda s: backend.Variable(s, trainable=False, name="rnn_state"),
                    self.get_initial_state(sequences_shape[0]))

    def build_from_config(self, config) -> None:
        # A one-input build config is written as {"input_shape": ...} (as Keras).
        if config and "input_shape" in config:
            config = {"shapes_dict": {"sequences_shape": config["input_shape"]}}
        super().build_from_config(config)

    # Calling ----------------------------------------------------------------------------
    def _initial_states(self, sequences, initial_state):
        batch = ops.shape(sequences)[0]
        if initial_state is None:
            if self.stateful and self._kc_state_vars is not None:
                return tree.map_structure(lambda v: v.value, self._kc_state_vars)
            return self.get_initial_state(batch)
        template = self.get_initial_state(batch)
        given = tree.flatten(initial_state)
        if len(given) != len(tree.flatten(template)):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': initial_state must hold "
                f"{len(tree.flatten(template))} tensor(s) (one per state), got {len(given)}."
            )
        return tree.pack_sequence_as(template, [ops.convert_to_tensor(s) for s in given])

    def _prepare_dropout(self, sequences, states, training) -> list:
        """Draw every dropout mask before the loop; returns the cells to reset after it."""
        if not training:
            return []
        cells = list(_iter_dropout_cells(self.cell, sequences.shape[-1], None))
        if not cells:
            return []
        step_input = sequences[:, 0]
        batch = ops.shape(sequences)[0]
        first_state = tree.flatten(states)[0]
        for i, (cell, width) in enumerate(cells):
            x = step_input if i == 0 else ops.zeros((batch,) + _size_tuple(width), step_input.dtype)
            if cell.dropout > 0:
                cell.get_dropout_mask(x)
            if cell.recurrent_dropout > 0:
                h = first_state if i == 0 else ops.zeros(
                    (batch,) + _size_tuple(_flat_state_sizes(cell)[0]), first_state.dtype)
                cell.get_recurrent_dropout_mask(h)
        return [c for c, _ in cells]

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Run the cell over ``sequences``; returns ``(last_output, outputs, states)``."""
        cell_call = self.cell.call
        kwargs = {"training": training} if self._kc_cell_training else {}

        def step(x, states):
            output, new_states = cell_call(x, states, **kwargs)
            if not tree.is_nested(new_states):
                new_states = [new_states]
            return output, tree.pack_sequence_as(states, tree.flatten(new_states))

        return run_rnn(step, sequences, initial_state, mask=mask, go_backwards=self.go_backwards,
                       unroll=self.unroll, zero_output_for_mask=self.zero_output_for_mask)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        states = self._initial_states(sequences, initial_state)
        dropout_cells = self._prepare_dropout(sequences, states, training)
        try:
            last_output, outputs, states = self.inner_loop(sequences, states, mask, training)
        finally:
            for cell in dropout_cells:
                cell.reset_dropout_mask()
                cell.reset_recurrent_dropout_mask()
        if self.stateful:
            for v, value in zip(tree.flatten(self._kc_state_vars), tree.flatten(states)):
                v.assign(value)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return [output] + list(states)
        return output

    # Shapes and masks ---------------------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        batch = sequences_shape[0]
        out = _size_tuple(output_size_of(self.cell))
        output_shape = (batch, sequences_shape[1]) + out if self.return_sequences else (batch,) + out
        if not self.return_state:
            return output_shape
        states = tree.map_structure(lambda s: (batch, s), state_structure(self.cell))
        return [output_shape] + list(states)

    def compute_mask(self, inputs, previous_mask):
        if isinstance(previous_mask, (list, tuple)):
            previous_mask = previous_mask[0]
        output_mask = previous_mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(_flat_state_sizes(self.cell))
        return output_mask

    # Config -------------------------------------------------------------------------------
    def _rnn_config(self) -> dict:
        """The base layer's keys plus the RNN's own (what SimpleRNN/LSTM/GRU build on)."""
        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }

    def get_config(self) -> dict:
        from kc.serialization import serialize_keras_object

        return {**self._rnn_config(), "cell": serialize_keras_object(self.cell)}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("cell"), dict):
            config["cell"] = deserialize_sublayer(config["cell"], custom_objects)
        return super().from_config(config)
