"""kc.models: `Model`, `Sequential`, `clone_model`, and (from kc-io) loading and saving.

Example:
    >>> model = kc.models.Sequential([kc.Input((4,)), kc.layers.Dense(2)])
"""

from kc import _lazy
from kc.models._cloning import clone_model as clone_model
from kc.models._functional import Functional as Functional
from kc.models._model import Model as Model
from kc.models._sequential import Sequential as Sequential

_IO = {  # served by kc-io
    "load_model": ("kc.saving", "load_model", "kc-io"),
    "save_model": ("kc.saving", "save_model", "kc-io"),
    "model_from_json": ("kc.saving", "model_from_json", "kc-io"),
}


def __getattr__(name: str):
    value = _lazy.resolve(_IO, "kc.models", name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_IO))
