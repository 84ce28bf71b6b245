"""`kc.losses`: the Keras 3 losses, as `Loss` classes and as functions of per-sample values.

Example:
    >>> import kc
    >>> kc.losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])
    array(0.5, dtype=float32)
    >>> kc.losses.get("mse")([[0.0, 1.0]], [[1.0, 1.0]])
    array([0.5], dtype=float32)
"""

from kc.losses._base import Loss as Loss
from kc.losses._base import LossFunctionWrapper as LossFunctionWrapper
from kc.losses._base import reduce_weighted_values as reduce_weighted_values
from kc.losses._circle import Circle as Circle
from kc.losses._circle import circle as circle
from kc.losses._ctc import CTC as CTC
from kc.losses._ctc import ctc as ctc
from kc.losses._hinge import CategoricalHinge as CategoricalHinge
from kc.losses._hinge import Hinge as Hinge
from kc.losses._hinge import SquaredHinge as SquaredHinge
from kc.losses._hinge import categorical_hinge as categorical_hinge
from kc.losses._hinge import hinge as hinge
from kc.losses._hinge import squared_hinge as squared_hinge
from kc.losses._lookup import deserialize as deserialize
from kc.losses._lookup import get as get
from kc.losses._lookup import serialize as serialize
from kc.losses._probabilistic import BinaryCrossentropy as BinaryCrossentropy
from kc.losses._probabilistic import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from kc.losses._probabilistic import CategoricalCrossentropy as CategoricalCrossentropy
from kc.losses._probabilistic import CategoricalFocalCrossentropy as CategoricalFocalCrossentropy
from kc.losses._probabilistic import (
    CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy,
)
from kc.losses._probabilistic import KLDivergence as KLDivergence
from kc.losses._probabilistic import Poisson as Poisson
from kc.losses._probabilistic import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from kc.losses._probabilistic import binary_crossentropy as binary_crossentropy
from kc.losses._probabilistic import binary_focal_crossentropy as binary_focal_crossentropy
from kc.losses._probabilistic import categorical_crossentropy as categorical_crossentropy
from kc.losses._probabilistic import (
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from kc.losses._probabilistic import (
    categorical_generalized_cross_entropy as categorical_generalized_cross_entropy,
)
from kc.losses._probabilistic import kl_divergence as kl_divergence
from kc.losses._probabilistic import poisson as poisson
from kc.losses._probabilistic import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from kc.losses._regression import CosineSimilarity as CosineSimilarity
from kc.losses._regression import Huber as Huber
from kc.losses._regression import LogCosh as LogCosh
from kc.losses._regression import MeanAbsoluteError as MeanAbsoluteError
from kc.losses._regression import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from kc.losses._regression import MeanSquaredError as MeanSquaredError
from kc.losses._regression import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from kc.losses._regression import cosine_similarity as cosine_similarity
from kc.losses._regression import huber as huber
from kc.losses._regression import log_cosh as log_cosh
from kc.losses._regression import mean_absolute_error as mean_absolute_error
from kc.losses._regression import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from kc.losses._regression import mean_squared_error as mean_squared_error
from kc.losses._regression import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from kc.losses._segmentation import Dice as Dice
from kc.losses._segmentation import Tversky as Tversky
from kc.losses._segmentation import dice as dice
from kc.losses._segmentation import tversky as tversky

__all__ = [
    "BinaryCrossentropy", "BinaryFocalCrossentropy", "CTC", "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy", "CategoricalGeneralizedCrossEntropy", "CategoricalHinge",
    "Circle", "CosineSimilarity", "Dice", "Hinge", "Huber", "KLDivergence", "LogCosh", "Loss",
    "LossFunctionWrapper", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredError", "MeanSquaredLogarithmicError", "Poisson",
    "SparseCategoricalCrossentropy", "SquaredHinge", "Tversky", "binary_crossentropy",
    "binary_focal_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy", "categorical_hinge", "circle", "cosine_similarity",
    "ctc", "deserialize", "dice", "get", "hinge", "huber", "kl_divergence", "log_cosh",
    "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
    "mean_squared_logarithmic_error", "poisson", "reduce_weighted_values", "serialize",
    "sparse_categorical_crossentropy", "squared_hinge", "tversky",
]
