"""`DropoutRNNCell`: input and recurrent dropout masks shared by every timestep.

A recurrent cell drops the same units at every step of a sequence (Gal and
Ghahramani's variational dropout, as Keras). The masks are drawn once and
cached on the cell; `RNN` draws them before its loop (so the loop body stays
free of random draws and traces under ``jax.jit``) and clears them after it.
A cell called directly keeps its masks until `reset_dropout_mask` and
`reset_recurrent_dropout_mask`, as in Keras.
"""

from __future__ import annotations

from kc import ops, random


class DropoutRNNCell:
    """Mixin of cells with ``dropout``, ``recurrent_dropout`` and ``seed_generator``."""

    def get_dropout_mask(self, step_input):
        """The input dropout mask (values 0 or ``1 / (1 - dropout)``) like ``step_input``, or None."""
        if not self.dropout > 0:
            return None
        mask = self.__dict__.get("_kc_dropout_mask")
        if mask is None:
            mask = random.dropout(ops.ones_like(step_input), rate=self.dropout,
                                  seed=self.seed_generator)
            self.__dict__["_kc_dropout_mask"] = mask
        return mask

    def get_recurrent_dropout_mask(self, step_input):
        """The recurrent dropout mask like the state ``step_input``, or None."""
        if not self.recurrent_dropout > 0:
            return None
        mask = self.__dict__.get("_kc_recurrent_dropout_mask")
        if mask is None:
            mask = random.dropout(ops.ones_like(step_input), rate=self.recurrent_dropout,
                                  seed=self.seed_generator)
            self.__dict__["_kc_recurrent_dropout_mask"] = mask
        return mask

    def reset_dropout_mask(self) -> None:
        self.__dict__["_kc_dropout_mask"] = None

    def reset_recurrent_dropout_mask(self) -> None:
        self.__dict__["_kc_recurrent_dropout_mask"] = None


def check_rate(layer, name: str, value) -> float:
    """``value`` as a float in [0, 1], else a ValueError naming the layer and argument."""
    try:
        rate = float(value)
    except (TypeError, ValueError) as e:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': {name} must be a float in [0, 1], got {value!r}."
        ) from e
    if not 0.0 <= rate <= 1.0:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': {name} must be a float in [0, 1], got {value!r}."
        )
    return rate


def check_units(layer, units) -> int:
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': units must be a positive int, got {units!r}."
        )
    return units
