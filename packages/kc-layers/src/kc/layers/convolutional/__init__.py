"""Convolution layers: Conv1D/2D/3D, their transposes, separable and depthwise convolutions."""

from kc.layers.convolutional._base_conv import BaseConv as BaseConv
from kc.layers.convolutional._base_conv import Conv1D as Conv1D
from kc.layers.convolutional._base_conv import Conv2D as Conv2D
from kc.layers.convolutional._base_conv import Conv3D as Conv3D
from kc.layers.convolutional._conv_transpose import Conv1DTranspose as Conv1DTranspose
from kc.layers.convolutional._conv_transpose import Conv2DTranspose as Conv2DTranspose
from kc.layers.convolutional._conv_transpose import Conv3DTranspose as Conv3DTranspose
from kc.layers.convolutional._depthwise import DepthwiseConv1D as DepthwiseConv1D
from kc.layers.convolutional._depthwise import DepthwiseConv2D as DepthwiseConv2D
from kc.layers.convolutional._separable import SeparableConv1D as SeparableConv1D
from kc.layers.convolutional._separable import SeparableConv2D as SeparableConv2D
