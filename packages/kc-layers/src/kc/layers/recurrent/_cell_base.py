"""What the built-in cells (SimpleRNNCell, LSTMCell, GRUCell) share: argument
checking, weights' initializers/regularizers/constraints, config, initial state,
and the pass-through properties of the layers built on them."""

from __future__ import annotations

from kc import activations, constraints, initializers, ops, random, regularizers
from kc.layers._layer import Layer
from kc.layers.core._weight_args import set_weight_args
from kc.layers.recurrent._dropout import DropoutRNNCell, check_rate, check_units

# Config keys the built-in cells and layers share, in Keras's order.
INITIALIZER_KEYS = ("kernel_initializer", "recurrent_initializer", "bias_initializer")
REGULARIZER_KEYS = ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer")
CONSTRAINT_KEYS = ("kernel_constraint", "recurrent_constraint", "bias_constraint")
DROPOUT_KEYS = ("dropout", "recurrent_dropout")
_GETTERS = {"initializer": initializers, "regularizer": regularizers, "constraint": constraints}


def first_shape(input_shape) -> tuple:
    """The input's shape when ``build`` received the shapes of (inputs, states) together."""
    input_shape = tuple(input_shape)
    if input_shape and isinstance(input_shape[0], (tuple, list)):
        return tuple(input_shape[0])
    return input_shape


class CellBase(Layer, DropoutRNNCell):
    """Common part of the built-in cells; ``call(inputs, states, training=False)``."""

    def _init_cell(self, args: dict) -> None:
        """Check and store the cell arguments from the constructor's ``args`` (its ``locals()``);
        ``units`` may come as ``filters``, ``recurrent_activation`` is optional."""
        self.units = check_units(self, args["units"] if "units" in args else args["filters"])
        self.activation = activations.get(args["activation"])
        if "recurrent_activation" in args:
            self.recurrent_activation = activations.get(args["recurrent_activation"])
        self.use_bias = bool(args["use_bias"])
        set_weight_args(self, args, "kernel", "recurrent", "bias")
        self.dropout = min(1.0, max(0.0, check_rate(self, "dropout", args["dropout"])))
        self.recurrent_dropout = min(1.0, max(0.0, check_rate(self, "recurrent_dropout",
                                                             args["recurrent_dropout"])))
        self.seed = args["seed"]
        self.seed_generator = random.SeedGenerator(seed=self.seed)

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


def with_activity_regularizer(keys) -> tuple:
    """A cell's config ``keys`` with "activity_regularizer" after "bias_regularizer", as the
    layer wrapping the cell writes them."""
    i = keys.index("bias_regularizer") + 1
    return (*keys[:i], "activity_regularizer", *keys[i:])


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


_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "activity_regularizer")


def wrap_cell(cell_cls, cell_name: str, args: dict, cell_keys, *cell_args) -> tuple:
    """For a layer that is `RNN` over one built-in cell (SimpleRNN, LSTM, GRU, ConvLSTM): the
    cell, built from the layer constructor's ``args`` (its ``locals()``) named ``cell_keys``,
    and the keyword arguments of the layer's `RNN.__init__`."""
    kwargs = args["kwargs"]
    cell = cell_cls(*cell_args, **{k: args[k] for k in cell_keys}, name=cell_name,
                    **split_cell_kwargs(kwargs))
    return cell, {**{k: args[k] for k in _RNN_ARGS if k in args}, **kwargs}
