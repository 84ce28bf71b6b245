"""What the built-in cells (SimpleRNNCell, LSTMCell, GRUCell) share: argument
checking, weights' initializers/regularizers/constraints, config, initial state,
and the pass-through properties of the layers built on them."""

from __future__ import annotations

from kc import activations, constraints, initializers, ops, random, regularizers
from kc.layers._layer import Layer
from kc.layers.recurrent._dropout import DropoutRNNCell, check_rate, check_units

_WEIGHT_KEYS = (
    "kernel_initializer", "recurrent_initializer", "bias_initializer",
    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
    "kernel_constraint", "recurrent_constraint", "bias_constraint",
)
_GETTERS = {"initializer": initializers, "regularizer": regularizers, "constraint": constraints}


def first_shape(input_shape) -> tuple:
    """The input's shape when ``build`` received the shapes of (inputs, states) together."""
    input_shape = tuple(input_shape)
    if input_shape and isinstance(input_shape[0], (tuple, list)):
        return tuple(input_shape[0])
    return input_shape


class CellBase(Layer, DropoutRNNCell):
    """Common part of the built-in cells; ``call(inputs, states, training=False)``."""

    def _init_cell(self, units, activation, use_bias, weight_args: dict, dropout,
                   recurrent_dropout, seed, recurrent_activation=None) -> None:
        self.units = check_units(self, units)
        self.activation = activations.get(activation)
        if recurrent_activation is not None:
            self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        for key in _WEIGHT_KEYS:
            getter = _GETTERS[key.rsplit("_", 1)[1]]
            setattr(self, key, getter.get(weight_args[key]))
        self.dropout = min(1.0, max(0.0, check_rate(self, "dropout", dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, check_rate(self, "recurrent_dropout",
                                                             recurrent_dropout)))
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed=seed)

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _weight(self, name: str, shape: tuple, initializer=None):
        kind = "recurrent" if name == "recurrent_kernel" else name
        return self.add_weight(
            name=name, shape=shape,
            initializer=initializer or getattr(self, f"{kind}_initializer"),
            regularizer=getattr(self, f"{kind}_regularizer"),
            constraint=getattr(self, f"{kind}_constraint"))

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [ops.zeros((batch_size, s), dtype=self.compute_dtype) for s in sizes]

    def _dropped(self, inputs, h, training):
        """``inputs`` and previous output ``h`` with this cell's dropout masks applied."""
        if training and 0.0 < self.dropout < 1.0:
            inputs = ops.multiply(inputs, self.get_dropout_mask(inputs))
        if training and 0.0 < self.recurrent_dropout < 1.0:
            h = ops.multiply(h, self.get_recurrent_dropout_mask(h))
        return inputs, h

    def _cell_config(self, keys) -> dict:
        """Serialized values of ``keys`` (constructor argument names) in that order."""
        out = {}
        for key in keys:
            value = getattr(self, key)
            if key.endswith("activation"):
                value = activations.serialize(value)
            elif key.endswith(("_initializer", "_regularizer", "_constraint")):
                value = _GETTERS[key.rsplit("_", 1)[1]].serialize(value)
            out[key] = value
        return out


def add_cell_properties(layer_cls, names) -> None:
    """Give an RNN layer class read-only properties forwarding to its cell (``layer.units``)."""
    for name in names:
        setattr(layer_cls, name, property(lambda self, n=name: getattr(self.cell, n)))


def layer_config(layer, keys) -> dict:
    """SimpleRNN/LSTM/GRU config: the RNN keys, then the cell's keys (plus activity_regularizer)."""
    config = layer._rnn_config()
    cell_config = layer.cell._cell_config([k for k in keys if k != "activity_regularizer"])
    for key in keys:
        if key == "activity_regularizer":
            config[key] = regularizers.serialize(layer.activity_regularizer)
        else:
            config[key] = cell_config[key]
    return config


def split_cell_kwargs(kwargs: dict) -> dict:
    """The base-layer keyword arguments a wrapping layer passes on to its cell."""
    return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}
