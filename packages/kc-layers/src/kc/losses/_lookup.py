"""`get`, `serialize` and `deserialize` of kc.losses, on top of kc.serialization."""

from __future__ import annotations

from typing import Any

from kc.losses import _circle, _ctc, _hinge, _probabilistic, _regression, _segmentation
from kc.losses._base import Loss, LossFunctionWrapper

_MODULES = (_regression, _probabilistic, _hinge, _segmentation, _circle, _ctc)

_CLASS_NAMES = (
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "CosineSimilarity", "Huber", "LogCosh",
    "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy", "SparseCategoricalCrossentropy", "KLDivergence", "Poisson",
    "CategoricalGeneralizedCrossEntropy", "Hinge", "SquaredHinge", "CategoricalHinge", "Dice",
    "Tversky", "Circle", "CTC",
)
_FUNCTION_NAMES = (
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "cosine_similarity", "huber", "log_cosh",
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
    "categorical_focal_crossentropy", "sparse_categorical_crossentropy", "kl_divergence",
    "poisson", "categorical_generalized_cross_entropy", "hinge", "squared_hinge",
    "categorical_hinge", "dice", "tversky", "circle", "ctc",
)


def _find(name: str):
    for module in _MODULES:
        if hasattr(module, name):
            return getattr(module, name)
    raise AssertionError(name)


# Every string Keras 3.15's `keras.losses.get` accepts (plus the generalized cross-entropy,
# which Keras exports but leaves out of its lookup table).
ALL_OBJECTS: dict[str, Any] = {"Loss": Loss, "LossFunctionWrapper": LossFunctionWrapper}
ALL_OBJECTS.update({name: _find(name) for name in _CLASS_NAMES + _FUNCTION_NAMES})
ALL_OBJECTS.update({
    "bce": _probabilistic.binary_crossentropy,
    "BCE": _probabilistic.binary_crossentropy,
    "kld": _probabilistic.kl_divergence,
    "KLD": _probabilistic.kl_divergence,
    "mae": _regression.mean_absolute_error,
    "MAE": _regression.mean_absolute_error,
    "mape": _regression.mean_absolute_percentage_error,
    "MAPE": _regression.mean_absolute_percentage_error,
    "mse": _regression.mean_squared_error,
    "MSE": _regression.mean_squared_error,
    "msle": _regression.mean_squared_logarithmic_error,
    "MSLE": _regression.mean_squared_logarithmic_error,
})


def _valid_names() -> str:
    return ", ".join(sorted(ALL_OBJECTS))


def _lookup(name: str, custom_objects: dict | None, where: str):
    from kc.serialization._registry import lookup_object

    return lookup_object(name, ALL_OBJECTS, "loss", f"kc.losses.{where}", custom_objects)


def serialize(loss) -> Any:
    """The config of a loss: a Keras-shaped dict (a string or None passes through).

    Example:
        >>> kc.losses.serialize(kc.losses.MeanSquaredError())["class_name"]
        'MeanSquaredError'
        >>> kc.losses.serialize(kc.losses.mean_squared_error)["config"]
        'mean_squared_error'
    """
    from kc.serialization import serialize_keras_object

    return serialize_keras_object(loss)


def deserialize(name, custom_objects: dict | None = None):
    """A loss from a name or a config dict written by `serialize`.

    A function name (``"mse"``) gives the function; a class name
    (``"MeanSquaredError"``) gives an instance with default arguments. (Keras 3.15's
    `deserialize` fails on the upper-case aliases and class names; its `get` accepts them.)

    Args:
        name: a name or a config dict.
        custom_objects: optional ``{name: class_or_function}`` of custom losses.

    Example:
        >>> kc.losses.deserialize("mse") is kc.losses.mean_squared_error
        True
    """
    if isinstance(name, str):
        obj = _lookup(name, custom_objects, "deserialize")
        return obj() if isinstance(obj, type) else obj
    if isinstance(name, dict):
        from kc.serialization import deserialize_keras_object

        return deserialize_keras_object(name, custom_objects=custom_objects,
                                        module_objects=ALL_OBJECTS)
    raise TypeError(
        "kc.losses.deserialize: `name` must be a loss name or a config dict, got "
        f"{type(name).__name__}: {name!r}."
    )


def get(identifier):
    """A loss from a name, a config dict or a callable.

    Args:
        identifier: None (returned), a name (``"mse"`` gives the function,
            ``"MeanSquaredError"`` an instance), a config dict, or a callable (a `Loss` or
            a function, returned as is).

    Returns:
        The loss function or `Loss` instance, or None.

    Example:
        >>> kc.losses.get("mse") is kc.losses.mean_squared_error
        True
        >>> type(kc.losses.get("MeanSquaredError")).__name__
        'MeanSquaredError'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        obj = deserialize(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(
        f"kc.losses.get: could not interpret loss identifier {identifier!r}: expected None, a "
        f"name ({_valid_names()}), a config dict or a callable."
    )
