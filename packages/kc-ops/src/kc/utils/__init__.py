"""`kc.utils`: Keras's grab-bag of helpers, each served by the package that owns it.

Names resolve on first use; a name whose distribution is not installed raises
ImportError saying which one to install.
"""

from kc import _lazy

_OPS, _LAYERS, _DATA, _TRAIN, _IO = "kc-ops", "kc-layers", "kc-data", "kc-train", "kc-io"

_NAMES: dict = {
    # Names arrive here as their packages implement them:
    # "to_categorical": ("kc.data", "to_categorical", _DATA),
}


def __getattr__(name: str):
    value = _lazy.resolve(_NAMES, "kc.utils", name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_NAMES))
