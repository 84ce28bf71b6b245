"""`TimeDistributed`: apply a layer to every timestep of a sequence.

Example:
    >>> layer = kc.layers.TimeDistributed(kc.layers.Dense(2))
    >>> layer(np.ones((4, 10, 3), "float32")).shape
    (4, 10, 2)
"""

from __future__ import annotations

import inspect

from kc import ops
from kc.layers.wrappers._wrapper import Wrapper


class TimeDistributed(Wrapper):
    """Applies ``layer`` to each slice ``inputs[:, t]`` along axis 1, with shared weights.

    Args:
        layer: the layer to apply; it receives inputs of shape ``(batch, ...)``.

    The timesteps are folded into the batch (one call on ``(batch * time, ...)``),
    which gives the same result as one call per timestep for every layer whose
    samples do not interact. kc differs from Keras 3 (one call per timestep) for
    layers that do mix samples in training, e.g. BatchNormalization's batch
    statistics are taken over all timesteps together.

    Input ``(batch, time, *inner)`` gives ``(batch, time, *layer_output[1:])``;
    a ``(batch, time)`` mask passes through.
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True
        try:
            self._kc_inner_mask = "mask" in inspect.signature(layer.call).parameters
        except (TypeError, ValueError):
            self._kc_inner_mask = False

    def _check_shape(self, input_shape) -> tuple:
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError(
                f"TimeDistributed '{self.name}': input must have rank >= 3, (batch, time, ...), "
                f"got input of shape {input_shape}."
            )
        return input_shape

    def build(self, input_shape):
        input_shape = self._check_shape(input_shape)
        if not self.layer.built:
            self.layer.build((None,) + input_shape[2:])

    def compute_output_shape(self, input_shape):
        input_shape = self._check_shape(input_shape)
        inner = tuple(self.layer.compute_output_shape((input_shape[0],) + input_shape[2:]))
        return (inner[0], input_shape[1]) + inner[1:]

    def call(self, inputs, training=None, mask=None):
        self._check_shape(inputs.shape)
        inner_shape = tuple(inputs.shape[2:])
        if any(d is None for d in inner_shape):
            raise ValueError(
                f"TimeDistributed '{self.name}': the dimensions after the time axis must be known, "
                f"got input of shape {tuple(inputs.shape)}."
            )
        dynamic = ops.shape(inputs)
        batch, steps = dynamic[0], dynamic[1]
        folded = ops.reshape(inputs, (-1,) + inner_shape)
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None and self._kc_inner_mask:
            kwargs["mask"] = ops.reshape(mask, (-1,) + tuple(mask.shape[2:]))
        outputs = self.layer(folded, **kwargs)
        steps = inputs.shape[1] if inputs.shape[1] is not None else steps
        return ops.reshape(outputs, (-1, steps) + tuple(outputs.shape[1:]))
