"""kc.optimizers.schedules: learning rates as functions of the step (as `keras.optimizers.schedules`).

Example:
    >>> s = kc.optimizers.schedules.CosineDecay(0.1, decay_steps=1000)
    >>> opt = kc.optimizers.Adam(learning_rate=s)
"""

from kc.optimizers.schedules._base import LearningRateSchedule as LearningRateSchedule
from kc.optimizers.schedules._base import deserialize as deserialize
from kc.optimizers.schedules._base import serialize as serialize
from kc.optimizers.schedules._decay import CosineDecay as CosineDecay
from kc.optimizers.schedules._decay import CosineDecayRestarts as CosineDecayRestarts
from kc.optimizers.schedules._decay import ExponentialDecay as ExponentialDecay
from kc.optimizers.schedules._decay import InverseTimeDecay as InverseTimeDecay
from kc.optimizers.schedules._decay import PiecewiseConstantDecay as PiecewiseConstantDecay
from kc.optimizers.schedules._decay import PolynomialDecay as PolynomialDecay

__all__ = [
    "CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay",
    "LearningRateSchedule", "PiecewiseConstantDecay", "PolynomialDecay", "deserialize",
    "serialize",
]
