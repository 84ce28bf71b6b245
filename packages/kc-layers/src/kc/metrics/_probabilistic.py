"""Probabilistic metrics: cross-entropies, KL divergence and Poisson (running means).

The functions are kc.losses' (Keras exports the same objects in `keras.metrics`).
"""

from __future__ import annotations

from kc.losses import binary_crossentropy as binary_crossentropy
from kc.losses import binary_focal_crossentropy as binary_focal_crossentropy
from kc.losses import categorical_crossentropy as categorical_crossentropy
from kc.losses import categorical_focal_crossentropy as categorical_focal_crossentropy
from kc.losses import kl_divergence as kl_divergence
from kc.losses import poisson as poisson
from kc.losses import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from kc.metrics._reduction import _Wrapper


class BinaryCrossentropy(_Wrapper):
    """The mean binary cross-entropy between labels and predicted probabilities (or logits).

    Args:
        name: default "binary_crossentropy".
        dtype: the state and result dtype.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: squeeze labels towards 0.5 by this amount.

    Example:
        >>> kc.metrics.BinaryCrossentropy()([[1.0]], [[0.5]])
        array(0.6931472, dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(binary_crossentropy)
    _config_keys = ("from_logits", "label_smoothing")

    def __init__(self, name: str = "binary_crossentropy", dtype=None, from_logits: bool = False,
                 label_smoothing=0):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(_Wrapper):
    """The mean cross-entropy between one-hot labels and predicted distributions.

    Args:
        name: default "categorical_crossentropy".
        dtype: the state and result dtype.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: mix this much of the uniform distribution into the labels.
        axis: the class axis.

    Example:
        >>> kc.metrics.CategoricalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])
        array(0.6931472, dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(categorical_crossentropy)
    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name: str = "categorical_crossentropy", dtype=None,
                 from_logits: bool = False, label_smoothing=0, axis: int = -1):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(_Wrapper):
    """The mean cross-entropy between class ids and predicted distributions.

    Args:
        name: default "sparse_categorical_crossentropy".
        dtype: the state and result dtype.
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a class id whose samples are left out.
        axis: the class axis.

    Example:
        >>> kc.metrics.SparseCategoricalCrossentropy()([1], [[0.5, 0.5]])
        array(0.6931472, dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(sparse_categorical_crossentropy)
    _config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype=None,
                 from_logits: bool = False, ignore_class=None, axis: int = -1):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)


class KLDivergence(_Wrapper):
    """The mean Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``.

    Example:
        >>> kc.metrics.KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]])
        array(0., dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(kl_divergence)

    def __init__(self, name: str = "kl_divergence", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Poisson(_Wrapper):
    """The mean Poisson deviance term ``y_pred - y_true * log(y_pred)``.

    Example:
        >>> kc.metrics.Poisson()([[1.0]], [[1.0]])
        array(1., dtype=float32)
    """

    _direction = "down"

    _metric_fn = staticmethod(poisson)

    def __init__(self, name: str = "poisson", dtype=None):
        super().__init__(name=name, dtype=dtype)
