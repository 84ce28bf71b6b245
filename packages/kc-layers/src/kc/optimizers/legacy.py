"""`kc.optimizers.legacy`: the TF1-style optimizers, which Keras 3 (and kc) do not support.

Each name exists, as in Keras 3, and constructing it raises ImportError
pointing at the supported optimizer of the same name in `kc.optimizers`.

Example:
    >>> kc.optimizers.legacy.Adam()   # ImportError: use kc.optimizers.Adam
"""

from __future__ import annotations


def _unsupported(name: str):
    class Legacy:
        def __init__(self, *args, **kwargs):
            raise ImportError(
                f"kc.optimizers.legacy.{name} is not supported: legacy (tf.keras 2) optimizers are "
                f"not part of Keras 3 or kc. Use kc.optimizers.{name if name != 'Optimizer' else 'Adam'} "
                "instead."
            )

    Legacy.__name__ = Legacy.__qualname__ = name
    return Legacy


Adagrad = _unsupported("Adagrad")
Adam = _unsupported("Adam")
Ftrl = _unsupported("Ftrl")
Optimizer = _unsupported("Optimizer")
RMSprop = _unsupported("RMSprop")
SGD = _unsupported("SGD")
