"""Pooling layers: max/average, global max/average (with keepdims) and adaptive pooling."""

from kc.layers.pooling._adaptive_pooling import AdaptiveAveragePooling1D as AdaptiveAveragePooling1D
from kc.layers.pooling._adaptive_pooling import AdaptiveAveragePooling2D as AdaptiveAveragePooling2D
from kc.layers.pooling._adaptive_pooling import AdaptiveAveragePooling3D as AdaptiveAveragePooling3D
from kc.layers.pooling._adaptive_pooling import AdaptiveMaxPooling1D as AdaptiveMaxPooling1D
from kc.layers.pooling._adaptive_pooling import AdaptiveMaxPooling2D as AdaptiveMaxPooling2D
from kc.layers.pooling._adaptive_pooling import AdaptiveMaxPooling3D as AdaptiveMaxPooling3D
from kc.layers.pooling._global_pooling import GlobalAveragePooling1D as GlobalAveragePooling1D
from kc.layers.pooling._global_pooling import GlobalAveragePooling2D as GlobalAveragePooling2D
from kc.layers.pooling._global_pooling import GlobalAveragePooling3D as GlobalAveragePooling3D
from kc.layers.pooling._global_pooling import GlobalMaxPooling1D as GlobalMaxPooling1D
from kc.layers.pooling._global_pooling import GlobalMaxPooling2D as GlobalMaxPooling2D
from kc.layers.pooling._global_pooling import GlobalMaxPooling3D as GlobalMaxPooling3D
from kc.layers.pooling._pooling import AveragePooling1D as AveragePooling1D
from kc.layers.pooling._pooling import AveragePooling2D as AveragePooling2D
from kc.layers.pooling._pooling import AveragePooling3D as AveragePooling3D
from kc.layers.pooling._pooling import MaxPooling1D as MaxPooling1D
from kc.layers.pooling._pooling import MaxPooling2D as MaxPooling2D
from kc.layers.pooling._pooling import MaxPooling3D as MaxPooling3D
