"""Regularization layers: Dropout and its spatial/alpha/Gaussian forms, GaussianNoise,
ActivityRegularization.

Example:
    >>> kc.layers.Dropout(0.5)(np.ones((2, 3), "float32"), training=True).shape
    (2, 3)
"""

from kc.layers.regularization._dropout import AlphaDropout as AlphaDropout
from kc.layers.regularization._dropout import Dropout as Dropout
from kc.layers.regularization._dropout import SpatialDropout1D as SpatialDropout1D
from kc.layers.regularization._dropout import SpatialDropout2D as SpatialDropout2D
from kc.layers.regularization._dropout import SpatialDropout3D as SpatialDropout3D
from kc.layers.regularization._noise import ActivityRegularization as ActivityRegularization
from kc.layers.regularization._noise import GaussianDropout as GaussianDropout
from kc.layers.regularization._noise import GaussianNoise as GaussianNoise
