"""`Bidirectional`: an RNN run forwards and backwards, outputs merged.

Example:
    >>> layer = kc.layers.Bidirectional(kc.layers.LSTM(4, return_sequences=True))
    >>> layer(np.ones((2, 5, 3), "float32")).shape
    (2, 5, 8)
"""

from __future__ import annotations

import copy

from kc import ops, tree
from kc.layers._layer import Layer

MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


def _clone(layer, name: str, **overrides):
    config = copy.deepcopy(layer.get_config())
    config["name"] = name
    config.update(overrides)
    return type(layer).from_config(config)


class Bidirectional(Layer):
    """Runs ``layer`` forwards and a copy of it backwards over the time axis.

    Args:
        layer: an `RNN` layer (or any layer with ``return_sequences``,
            ``return_state`` and ``go_backwards``); it is copied from its config
            as ``forward_<name>``.
        merge_mode: how outputs are combined: "concat" (default), "sum", "mul",
            "ave", or None for a list ``[forward, backward]``.
        weights: optional initial weights, forward layer's first.
        backward_layer: optional layer for the backward direction (default: a
            copy of ``layer`` with ``go_backwards`` flipped, ``backward_<name>``).

    The backward output sequence is reversed back into time order before merging.
    With ``return_state``, the result is ``[output, *forward_states, *backward_states]``.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        where = f"Bidirectional '{self.name}'"
        if not isinstance(layer, Layer):
            raise ValueError(f"{where}: layer must be a Layer instance, got {layer!r}.")
        for attr in ("return_sequences", "return_state", "go_backwards"):
            if not hasattr(layer, attr):
                raise ValueError(f"{where}: layer must be a recurrent layer with `{attr}`, got {layer!r}.")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"{where}: backward_layer must be a Layer instance, got {backward_layer!r}.")
        if merge_mode not in MERGE_MODES:
            raise ValueError(
                f"{where}: invalid merge_mode {merge_mode!r}; expected one of {list(MERGE_MODES)}."
            )
        self.forward_layer = _clone(layer, "forward_" + _strip(layer.name, "forward_"))
        if backward_layer is None:
            self.backward_layer = _clone(layer, "backward_" + _strip(layer.name, "backward_"),
                                         go_backwards=not layer.go_backwards)
        else:
            self.backward_layer = backward_layer
        for attr in ("return_sequences", "return_state", "stateful"):
            fwd = getattr(self.forward_layer, attr, None)
            bwd = getattr(self.backward_layer, attr, None)
            if fwd != bwd:
                raise ValueError(
                    f"{where}: forward and backward layers must agree on {attr}; got {fwd} for "
                    f"the forward layer and {bwd} for the backward layer."
                )
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError(
                f"{where}: backward_layer.go_backwards must differ from layer.go_backwards, both "
                f"are {self.forward_layer.go_backwards}."
            )
        self.merge_mode = merge_mode
        self.return_sequences = self.forward_layer.return_sequences
        self.return_state = self.forward_layer.return_state
        self.stateful = getattr(self.forward_layer, "stateful", False)
        if self.return_sequences:
            for sub in (self.forward_layer, self.backward_layer):
                if hasattr(sub, "zero_output_for_mask"):
                    sub.zero_output_for_mask = True
        self._kc_initial_weights = weights
        self.supports_masking = True

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(sequences_shape)
        if self._kc_initial_weights is not None:
            weights = list(self._kc_initial_weights)
            half = len(weights) // 2
            self.forward_layer.set_weights(weights[:half])
            self.backward_layer.set_weights(weights[half:])
            self._kc_initial_weights = None

    def build_from_config(self, config) -> None:
        # A one-input build config is written as {"input_shape": ...} (as Keras).
        if config and "input_shape" in config:
            config = {"shapes_dict": {"sequences_shape": config["input_shape"]}}
        super().build_from_config(config)

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return ops.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return ops.add(y, y_rev)
        if self.merge_mode == "ave":
            return ops.multiply(ops.add(y, y_rev), 0.5)
        if self.merge_mode == "mul":
            return ops.multiply(y, y_rev)
        return [y, y_rev]

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if mask is not None:
            kwargs["mask"] = mask
        if training is not None:
            kwargs["training"] = training
        forward_state = backward_state = None
        if initial_state is not None:
            states = tree.flatten(initial_state)
            half = len(states) // 2
            forward_state, backward_state = states[:half], states[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        output = self._merge(y, y_rev)
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def reset_states(self) -> None:
        """Reset the states of both directions (stateful layers)."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def reset_state(self) -> None:
        self.reset_states()

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        out = self.forward_layer.compute_output_shape(sequences_shape)
        states = []
        if self.return_state:
            out, states = out[0], list(out[1:])
            states = states + list(self.backward_layer.compute_output_shape(sequences_shape)[1:])
        out = tuple(out)
        if self.merge_mode == "concat":
            last = None if out[-1] is None else out[-1] * 2
            merged = out[:-1] + (last,)
        elif self.merge_mode is None:
            merged = [out, out]
        else:
            merged = out
        if self.return_state:
            return (merged if isinstance(merged, list) else [merged]) + states
        return merged

    def compute_mask(self, inputs, previous_mask):
        if isinstance(previous_mask, (list, tuple)):
            previous_mask = previous_mask[0]
        output_mask = previous_mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            return masks + [None] * (self._kc_state_count() * 2)
        return masks if self.merge_mode is None else output_mask

    def _kc_state_count(self) -> int:
        cell = getattr(self.forward_layer, "cell", None)
        if cell is None:
            return 0
        sizes = cell.state_size
        return len(tree.flatten(sizes)) if tree.is_nested(sizes) else 1

    def get_config(self) -> dict:
        from kc.serialization import serialize_keras_object

        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize_keras_object(self.forward_layer),
            "backward_layer": serialize_keras_object(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from kc.layers.recurrent._rnn import deserialize_sublayer

        config = dict(config)
        config["layer"] = deserialize_sublayer(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_sublayer(config["backward_layer"], custom_objects)
        return super().from_config(config)
