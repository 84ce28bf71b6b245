"""kc: the Keras 3 API on JAX, PyTorch, TensorFlow and NumPy.

Change ``import keras`` to ``import kc as keras``::

    import kc as keras
    x = keras.ops.ones((2, 3))
    y = keras.ops.sum(x, axis=-1)

This root module belongs to the kc-ops distribution. The other distributions
(kc-layers, kc-data, kc-train, kc-io) add subpackages to the same ``kc``
namespace; top-level names such as ``kc.Model`` or ``kc.layers`` are imported
on first use, and a name whose distribution is missing raises ImportError
saying what to install. Importing kc imports no deep-learning framework except
the selected backend's, and that only when ``kc.ops`` or ``kc.backend`` is used.
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
__version__ = "0.1.0"

from kc import _lazy  # noqa: E402

_OPS, _LAYERS, _DATA, _TRAIN, _IO = "kc-ops", "kc-layers", "kc-data", "kc-train", "kc-io"

_NAMES = {
    # kc-ops
    "backend": ("kc.backend", None, _OPS),
    "config": ("kc.config", None, _OPS),
    "dtypes": ("kc.dtypes", None, _OPS),
    "ops": ("kc.ops", None, _OPS),
    "random": ("kc.random", None, _OPS),
    "tree": ("kc.tree", None, _OPS),
    "KerasTensor": ("kc.ops", "KerasTensor", _OPS),
    "Operation": ("kc.ops", "Operation", _OPS),
    "Function": ("kc.ops", "Function", _OPS),
    "Variable": ("kc.backend", "Variable", _OPS),
    "StatelessScope": ("kc.backend", "StatelessScope", _OPS),
    "SymbolicScope": ("kc.backend", "SymbolicScope", _OPS),
    "name_scope": ("kc.backend", "name_scope", _OPS),
    "device": ("kc.backend", "device", _OPS),
    # kc-layers
    "layers": ("kc.layers", None, _LAYERS),
    "models": ("kc.models", None, _LAYERS),
    "losses": ("kc.losses", None, _LAYERS),
    "metrics": ("kc.metrics", None, _LAYERS),
    "optimizers": ("kc.optimizers", None, _LAYERS),
    "activations": ("kc.activations", None, _LAYERS),
    "initializers": ("kc.initializers", None, _LAYERS),
    "regularizers": ("kc.regularizers", None, _LAYERS),
    "constraints": ("kc.constraints", None, _LAYERS),
    "dtype_policies": ("kc.dtype_policies", None, _LAYERS),
    "mixed_precision": ("kc.mixed_precision", None, _LAYERS),
    "quantizers": ("kc.quantizers", None, _LAYERS),
    "Layer": ("kc.layers", "Layer", _LAYERS),
    "Model": ("kc.models", "Model", _LAYERS),
    "Sequential": ("kc.models", "Sequential", _LAYERS),
    "Input": ("kc.layers", "Input", _LAYERS),
    "InputSpec": ("kc.layers", "InputSpec", _LAYERS),
    "Loss": ("kc.losses", "Loss", _LAYERS),
    "Metric": ("kc.metrics", "Metric", _LAYERS),
    "Optimizer": ("kc.optimizers", "Optimizer", _LAYERS),
    "Initializer": ("kc.initializers", "Initializer", _LAYERS),
    "Regularizer": ("kc.regularizers", "Regularizer", _LAYERS),
    "Quantizer": ("kc.quantizers", "Quantizer", _LAYERS),
    "DTypePolicy": ("kc.dtype_policies", "DTypePolicy", _LAYERS),
    "FloatDTypePolicy": ("kc.dtype_policies", "FloatDTypePolicy", _LAYERS),
    "RematScope": ("kc.layers", "RematScope", _LAYERS),
    "remat": ("kc.layers", "remat", _LAYERS),
    # kc-data
    "preprocessing": ("kc.preprocessing", None, _DATA),
    "data": ("kc.data", None, _DATA),
    # kc-train
    "callbacks": ("kc.callbacks", None, _TRAIN),
    "distribution": ("kc.distribution", None, _TRAIN),
    "train": ("kc.train", None, _TRAIN),
    # kc-io
    "saving": ("kc.saving", None, _IO),
    "export": ("kc.export", None, _IO),
    # grab-bag, served name by name
    "utils": ("kc.utils", None, _OPS),
}


def version() -> str:
    """The kc version string."""
    return __version__


def __getattr__(name: str):
    value = _lazy.resolve(_NAMES, "kc", name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_NAMES))
