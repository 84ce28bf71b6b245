"""`kc.metrics`: the Keras 3 metrics, as stateful `Metric` classes and as functions.

Every metric keeps its state in variables (`Metric.variables`) and has stateless twins of
its methods (`stateless_update_state`, `stateless_result`, `stateless_reset_state`) for
use inside ``jax.jit`` and other pure loops.

Example:
    >>> import kc
    >>> m = kc.metrics.BinaryAccuracy()
    >>> m.update_state([[1], [0]], [[0.9], [0.6]])
    >>> m.result()
    array(0.5, dtype=float32)
    >>> kc.metrics.get("auc")
    <AUC name=auc>
"""

from kc.metrics._accuracy import Accuracy as Accuracy
from kc.metrics._accuracy import BinaryAccuracy as BinaryAccuracy
from kc.metrics._accuracy import CategoricalAccuracy as CategoricalAccuracy
from kc.metrics._accuracy import SparseCategoricalAccuracy as SparseCategoricalAccuracy
from kc.metrics._accuracy import SparseTopKCategoricalAccuracy as SparseTopKCategoricalAccuracy
from kc.metrics._accuracy import TopKCategoricalAccuracy as TopKCategoricalAccuracy
from kc.metrics._accuracy import binary_accuracy as binary_accuracy
from kc.metrics._accuracy import categorical_accuracy as categorical_accuracy
from kc.metrics._accuracy import sparse_categorical_accuracy as sparse_categorical_accuracy
from kc.metrics._accuracy import (
    sparse_top_k_categorical_accuracy as sparse_top_k_categorical_accuracy,
)
from kc.metrics._accuracy import top_k_categorical_accuracy as top_k_categorical_accuracy
from kc.metrics._auc import AUC as AUC
from kc.metrics._base import Metric as Metric
from kc.metrics._confusion import FalseNegatives as FalseNegatives
from kc.metrics._confusion import FalsePositives as FalsePositives
from kc.metrics._confusion import Precision as Precision
from kc.metrics._confusion import PrecisionAtRecall as PrecisionAtRecall
from kc.metrics._confusion import Recall as Recall
from kc.metrics._confusion import RecallAtPrecision as RecallAtPrecision
from kc.metrics._confusion import SensitivityAtSpecificity as SensitivityAtSpecificity
from kc.metrics._confusion import SpecificityAtSensitivity as SpecificityAtSensitivity
from kc.metrics._confusion import TrueNegatives as TrueNegatives
from kc.metrics._confusion import TruePositives as TruePositives
from kc.metrics._correlation import ConcordanceCorrelation as ConcordanceCorrelation
from kc.metrics._correlation import PearsonCorrelation as PearsonCorrelation
from kc.metrics._correlation import concordance_correlation as concordance_correlation
from kc.metrics._correlation import pearson_correlation as pearson_correlation
from kc.metrics._f_score import F1Score as F1Score
from kc.metrics._f_score import FBetaScore as FBetaScore
from kc.metrics._hinge import CategoricalHinge as CategoricalHinge
from kc.metrics._hinge import Hinge as Hinge
from kc.metrics._hinge import SquaredHinge as SquaredHinge
from kc.metrics._hinge import categorical_hinge as categorical_hinge
from kc.metrics._hinge import hinge as hinge
from kc.metrics._hinge import squared_hinge as squared_hinge
from kc.metrics._iou import BinaryIoU as BinaryIoU
from kc.metrics._iou import IoU as IoU
from kc.metrics._iou import MeanIoU as MeanIoU
from kc.metrics._iou import OneHotIoU as OneHotIoU
from kc.metrics._iou import OneHotMeanIoU as OneHotMeanIoU
from kc.metrics._lookup import deserialize as deserialize
from kc.metrics._lookup import get as get
from kc.metrics._lookup import serialize as serialize
from kc.metrics._probabilistic import BinaryCrossentropy as BinaryCrossentropy
from kc.metrics._probabilistic import CategoricalCrossentropy as CategoricalCrossentropy
from kc.metrics._probabilistic import KLDivergence as KLDivergence
from kc.metrics._probabilistic import Poisson as Poisson
from kc.metrics._probabilistic import (
    SparseCategoricalCrossentropy as SparseCategoricalCrossentropy,
)
from kc.metrics._probabilistic import binary_crossentropy as binary_crossentropy
from kc.metrics._probabilistic import binary_focal_crossentropy as binary_focal_crossentropy
from kc.metrics._probabilistic import categorical_crossentropy as categorical_crossentropy
from kc.metrics._probabilistic import (
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from kc.metrics._probabilistic import kl_divergence as kl_divergence
from kc.metrics._probabilistic import poisson as poisson
from kc.metrics._probabilistic import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from kc.metrics._r2 import R2Score as R2Score
from kc.metrics._reduction import Mean as Mean
from kc.metrics._reduction import MeanMetricWrapper as MeanMetricWrapper
from kc.metrics._reduction import Sum as Sum
from kc.metrics._regression import CosineSimilarity as CosineSimilarity
from kc.metrics._regression import LogCoshError as LogCoshError
from kc.metrics._regression import MeanAbsoluteError as MeanAbsoluteError
from kc.metrics._regression import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from kc.metrics._regression import MeanSquaredError as MeanSquaredError
from kc.metrics._regression import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from kc.metrics._regression import RootMeanSquaredError as RootMeanSquaredError
from kc.metrics._regression import huber as huber
from kc.metrics._regression import log_cosh as log_cosh
from kc.metrics._regression import mean_absolute_error as mean_absolute_error
from kc.metrics._regression import mean_absolute_percentage_error as mean_absolute_percentage_error
from kc.metrics._regression import mean_squared_error as mean_squared_error
from kc.metrics._regression import mean_squared_logarithmic_error as mean_squared_logarithmic_error

__all__ = [
    "AUC", "Accuracy", "BinaryAccuracy", "BinaryCrossentropy", "BinaryIoU",
    "CategoricalAccuracy", "CategoricalCrossentropy", "CategoricalHinge",
    "ConcordanceCorrelation", "CosineSimilarity", "F1Score", "FBetaScore", "FalseNegatives",
    "FalsePositives", "Hinge", "IoU", "KLDivergence", "LogCoshError", "Mean",
    "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanIoU", "MeanMetricWrapper",
    "MeanSquaredError", "MeanSquaredLogarithmicError", "Metric", "OneHotIoU", "OneHotMeanIoU",
    "PearsonCorrelation", "Poisson", "Precision", "PrecisionAtRecall", "R2Score", "Recall",
    "RecallAtPrecision", "RootMeanSquaredError", "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy", "SpecificityAtSensitivity", "SquaredHinge", "Sum",
    "TopKCategoricalAccuracy", "TrueNegatives", "TruePositives", "binary_accuracy",
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_accuracy",
    "categorical_crossentropy", "categorical_focal_crossentropy", "categorical_hinge",
    "concordance_correlation", "deserialize", "get", "hinge", "huber", "kl_divergence",
    "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
    "mean_squared_logarithmic_error", "pearson_correlation", "poisson", "serialize",
    "sparse_categorical_accuracy", "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy", "squared_hinge", "top_k_categorical_accuracy",
]
