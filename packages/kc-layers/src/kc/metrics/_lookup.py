"""`get`, `serialize` and `deserialize` of kc.metrics, on top of kc.serialization."""

from __future__ import annotations

from typing import Any

from kc.metrics import (
    _accuracy,
    _auc,
    _base,
    _confusion,
    _correlation,
    _f_score,
    _hinge,
    _iou,
    _probabilistic,
    _r2,
    _reduction,
    _regression,
)
from kc.backend.common.naming import to_snake_case

_CLASSES = (
    _base.Metric, _reduction.Mean, _reduction.Sum, _reduction.MeanMetricWrapper,
    _accuracy.Accuracy, _accuracy.BinaryAccuracy, _accuracy.CategoricalAccuracy,
    _accuracy.SparseCategoricalAccuracy, _accuracy.TopKCategoricalAccuracy,
    _accuracy.SparseTopKCategoricalAccuracy, _auc.AUC, _confusion.TruePositives,
    _confusion.FalsePositives, _confusion.TrueNegatives, _confusion.FalseNegatives,
    _confusion.Precision, _confusion.Recall, _confusion.SensitivityAtSpecificity,
    _confusion.SpecificityAtSensitivity, _confusion.PrecisionAtRecall,
    _confusion.RecallAtPrecision, _iou.IoU, _iou.MeanIoU, _iou.BinaryIoU, _iou.OneHotIoU,
    _iou.OneHotMeanIoU, _f_score.FBetaScore, _f_score.F1Score, _r2.R2Score,
    _regression.MeanSquaredError, _regression.MeanAbsoluteError,
    _regression.MeanAbsolutePercentageError, _regression.MeanSquaredLogarithmicError,
    _regression.LogCoshError, _regression.CosineSimilarity, _regression.RootMeanSquaredError,
    _probabilistic.BinaryCrossentropy, _probabilistic.CategoricalCrossentropy,
    _probabilistic.SparseCategoricalCrossentropy, _probabilistic.KLDivergence,
    _probabilistic.Poisson, _hinge.Hinge, _hinge.SquaredHinge, _hinge.CategoricalHinge,
    _correlation.PearsonCorrelation, _correlation.ConcordanceCorrelation,
)

# Every string Keras 3.15's `keras.metrics.get` accepts: class names, their snake-case
# names, and the short aliases. Each names a class (`get` returns an instance).
ALL_OBJECTS: dict[str, Any] = {}
for _cls in _CLASSES:
    ALL_OBJECTS[_cls.__name__] = _cls
    ALL_OBJECTS[to_snake_case(_cls.__name__)] = _cls
ALL_OBJECTS.update({
    "mse": _regression.MeanSquaredError, "MSE": _regression.MeanSquaredError,
    "mae": _regression.MeanAbsoluteError, "MAE": _regression.MeanAbsoluteError,
    "mape": _regression.MeanAbsolutePercentageError,
    "MAPE": _regression.MeanAbsolutePercentageError,
    "msle": _regression.MeanSquaredLogarithmicError,
    "MSLE": _regression.MeanSquaredLogarithmicError,
    "bce": _probabilistic.BinaryCrossentropy, "BCE": _probabilistic.BinaryCrossentropy,
})

# The metric functions, by name (for `MeanMetricWrapper` configs that name their ``fn``).
FUNCTIONS: dict[str, Any] = {
    fn.__name__: fn for fn in (
        _accuracy.accuracy, _accuracy.binary_accuracy, _accuracy.categorical_accuracy,
        _accuracy.sparse_categorical_accuracy, _accuracy.top_k_categorical_accuracy,
        _accuracy.sparse_top_k_categorical_accuracy, _regression.cosine_similarity,
        _correlation.pearson_correlation, _correlation.concordance_correlation,
        _regression.mean_squared_error, _regression.mean_absolute_error,
        _regression.mean_absolute_percentage_error, _regression.mean_squared_logarithmic_error,
        _regression.log_cosh, _probabilistic.binary_crossentropy,
        _probabilistic.binary_focal_crossentropy, _probabilistic.categorical_crossentropy,
        _probabilistic.categorical_focal_crossentropy,
        _probabilistic.sparse_categorical_crossentropy, _probabilistic.kl_divergence,
        _probabilistic.poisson, _hinge.hinge, _hinge.squared_hinge, _hinge.categorical_hinge,
    )
}


def _valid_names() -> str:
    return ", ".join(sorted(ALL_OBJECTS))


def serialize(metric) -> Any:
    """The config of a metric (or metric function): a Keras-shaped dict.

    Example:
        >>> kc.metrics.serialize(kc.metrics.AUC())["class_name"]
        'AUC'
    """
    from kc.serialization import serialize_keras_object

    return serialize_keras_object(metric)


def deserialize(config, custom_objects: dict | None = None):
    """A metric from a name or a config dict written by `serialize`.

    A name gives an instance with default arguments (``"mse"`` gives
    ``MeanSquaredError()``, as in Keras); a function config gives the function.

    Args:
        config: a name or a config dict.
        custom_objects: optional ``{name: class_or_function}`` of custom metrics.

    Example:
        >>> type(kc.metrics.deserialize("auc")).__name__
        'AUC'
    """
    from kc.serialization import deserialize_keras_object
    from kc.serialization._registry import lookup_object

    if isinstance(config, str):
        obj = lookup_object(config, ALL_OBJECTS, "metric", "kc.metrics.deserialize",
                            custom_objects)
        return obj() if isinstance(obj, type) else obj
    if isinstance(config, dict):
        obj = deserialize_keras_object(config, custom_objects=custom_objects,
                                       module_objects={**FUNCTIONS, **ALL_OBJECTS})
        return obj() if isinstance(obj, type) else obj
    raise TypeError(
        "kc.metrics.deserialize: `config` must be a metric name or a config dict, got "
        f"{type(config).__name__}: {config!r}."
    )


def get(identifier):
    """A metric from a name, a config dict or a callable.

    Args:
        identifier: None (returned), a name (``"auc"``, ``"AUC"``, ``"mse"``: an instance
            with default arguments), a config dict, or a callable (a `Metric` or a
            function, returned as is).

    Returns:
        The metric (or function), or None.

    Example:
        >>> kc.metrics.get("accuracy")
        <Accuracy name=accuracy>
    """
    if identifier is None:
        return None
    obj = deserialize(identifier) if isinstance(identifier, (str, dict)) else identifier
    if callable(obj):
        return obj
    raise ValueError(
        f"kc.metrics.get: could not interpret metric identifier {identifier!r}: expected None, "
        f"a name ({_valid_names()}), a config dict or a callable."
    )
