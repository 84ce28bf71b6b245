"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, cropping, up-sampling, zero padding."""

from kc.layers.reshaping._cropping import Cropping1D as Cropping1D
from kc.layers.reshaping._cropping import Cropping2D as Cropping2D
from kc.layers.reshaping._cropping import Cropping3D as Cropping3D
from kc.layers.reshaping._padding import UpSampling1D as UpSampling1D
from kc.layers.reshaping._padding import UpSampling2D as UpSampling2D
from kc.layers.reshaping._padding import UpSampling3D as UpSampling3D
from kc.layers.reshaping._padding import ZeroPadding1D as ZeroPadding1D
from kc.layers.reshaping._padding import ZeroPadding2D as ZeroPadding2D
from kc.layers.reshaping._padding import ZeroPadding3D as ZeroPadding3D
from kc.layers.reshaping._reshape import Flatten as Flatten
from kc.layers.reshaping._reshape import Permute as Permute
from kc.layers.reshaping._reshape import RepeatVector as RepeatVector
from kc.layers.reshaping._reshape import Reshape as Reshape
