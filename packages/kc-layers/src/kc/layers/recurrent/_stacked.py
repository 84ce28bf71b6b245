"""`StackedRNNCells`: several cells run as one, each feeding the next.

Example:
    >>> cells = [kc.layers.LSTMCell(8), kc.layers.GRUCell(4)]
    >>> kc.layers.RNN(kc.layers.StackedRNNCells(cells))(np.ones((2, 5, 3), "float32")).shape
    (2, 4)
"""

from __future__ import annotations

import inspect

from kc import tree
from kc.layers._layer import Layer
from kc.layers.recurrent._cell_base import first_shape
from kc.layers.recurrent._rnn import output_size_of


class StackedRNNCells(Layer):
    """A cell made of ``cells`` applied in order at each timestep.

    Its states are one entry per cell (that cell's list of states); its
    output is the last cell's output.

    Args:
        cells: a list of RNN cells.

    Example:
        >>> stack = kc.layers.StackedRNNCells([kc.layers.SimpleRNNCell(3) for _ in range(2)])
        >>> stack.state_size
        [3, 3]
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells) if isinstance(cells, (list, tuple)) else None
        if not cells:
            raise ValueError(
                f"StackedRNNCells '{self.name}': cells must be a non-empty list of RNN cells, "
                f"got {cells!r}."
            )
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(
                    f"StackedRNNCells '{self.name}': every cell needs `call` and `state_size`, "
                    f"got {cell!r}."
                )
        self.cells = cells
        self._kc_training = [_accepts_training(c.call) for c in cells]

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return output_size_of(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        from kc.layers.recurrent._rnn import state_structure
        from kc import ops

        out = []
        for cell in self.cells:
            make = getattr(cell, "get_initial_state", None)
            if make is not None:
                states = make(batch_size=batch_size)
                out.append(states if tree.is_nested(states) else [states])
            else:
                out.append(tree.map_structure(
                    lambda s: ops.zeros((batch_size, s), dtype=self.compute_dtype),
                    state_structure(cell)))
        return out

    def build(self, input_shape):
        shape = first_shape(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
            shape = (shape[0], output_size_of(cell))

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states, has_training in zip(self.cells, states, self._kc_training):
            kwargs = {"training": training} if has_training else {}
            inputs, updated = cell.call(inputs, cell_states, **kwargs)
            if not tree.is_nested(updated):
                updated = [updated]
            new_states.append(updated)
        return inputs, new_states

    def get_config(self) -> dict:
        from kc.serialization import serialize_keras_object

        return {**super().get_config(), "cells": [serialize_keras_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from kc.layers.recurrent._rnn import deserialize_sublayer

        config = dict(config)
        config["cells"] = [deserialize_sublayer(c, custom_objects) for c in config["cells"]]
        return super().from_config(config)


def _accepts_training(fn) -> bool:
    try:
        return "training" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
