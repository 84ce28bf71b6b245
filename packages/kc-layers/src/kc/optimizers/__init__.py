"""kc.optimizers: update rules for training (as `keras.optimizers`).

Each optimizer has a stateful API (`apply`, `apply_gradients`) and a pure one
(`stateless_apply`) that share one implementation.

Example:
    >>> opt = kc.optimizers.get("adam")
    >>> opt = kc.optimizers.AdamW(learning_rate=kc.optimizers.schedules.CosineDecay(1e-3, 1000))
"""

from kc.optimizers import schedules as schedules
from kc.optimizers._adafactor import Adafactor as Adafactor
from kc.optimizers._adam import Adam as Adam
from kc.optimizers._adam import Adamax as Adamax
from kc.optimizers._adam import AdamW as AdamW
from kc.optimizers._adam import Lamb as Lamb
from kc.optimizers._adam import Nadam as Nadam
from kc.optimizers._adaptive import Adadelta as Adadelta
from kc.optimizers._adaptive import Adagrad as Adagrad
from kc.optimizers._adaptive import Ftrl as Ftrl
from kc.optimizers._adaptive import Lion as Lion
from kc.optimizers._adaptive import RMSprop as RMSprop
from kc.optimizers._base import Optimizer as Optimizer
from kc.optimizers._loss_scale import LossScaleOptimizer as LossScaleOptimizer
from kc.optimizers._lookup import deserialize as deserialize
from kc.optimizers._lookup import get as get
from kc.optimizers._lookup import serialize as serialize
from kc.optimizers._multi import MultiOptimizer as MultiOptimizer
from kc.optimizers._multi import OptimizerMap as OptimizerMap
from kc.optimizers._muon import Muon as Muon
from kc.optimizers._schedule_free import ScheduleFreeAdamW as ScheduleFreeAdamW
from kc.optimizers._sgd import SGD as SGD
from kc.optimizers import legacy as legacy

__all__ = [
    "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lamb", "Lion",
    "LossScaleOptimizer", "MultiOptimizer", "Muon", "Nadam", "Optimizer", "OptimizerMap",
    "RMSprop", "SGD", "ScheduleFreeAdamW", "deserialize", "get", "legacy", "schedules", "serialize",
]
