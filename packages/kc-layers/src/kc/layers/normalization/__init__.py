"""Normalization layers: Batch, Layer, Group, Unit, RMS and Spectral normalization.

Example:
    >>> kc.layers.BatchNormalization()(np.ones((4, 3), "float32")).shape
    (4, 3)
"""

from kc.layers.normalization._batch_normalization import BatchNormalization as BatchNormalization
from kc.layers.normalization._group_normalization import GroupNormalization as GroupNormalization
from kc.layers.normalization._layer_normalization import LayerNormalization as LayerNormalization
from kc.layers.normalization._layer_normalization import RMSNormalization as RMSNormalization
from kc.layers.normalization._layer_normalization import UnitNormalization as UnitNormalization
from kc.layers.normalization._spectral_normalization import (
    SpectralNormalization as SpectralNormalization,
)
