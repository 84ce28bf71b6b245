"""kc.layers: the `Layer` base class, `Input`, `InputSpec`, and the built-in layers.

Example:
    >>> inputs = kc.Input((8,))
    >>> outputs = kc.layers.Dense(4, activation="relu")(inputs)
"""

from kc.layers._layer import Layer as Layer
from kc.layers._input_spec import InputSpec as InputSpec
from kc.layers._input_layer import Input as Input, InputLayer as InputLayer
from kc.layers._dense import Dense as Dense

# --- layer set part C ---
from kc.layers.recurrent import Bidirectional as Bidirectional
from kc.layers.recurrent import ConvLSTM1D as ConvLSTM1D, ConvLSTM2D as ConvLSTM2D, ConvLSTM3D as ConvLSTM3D
from kc.layers.recurrent import GRU as GRU, GRUCell as GRUCell
from kc.layers.recurrent import LSTM as LSTM, LSTMCell as LSTMCell
from kc.layers.recurrent import RNN as RNN
from kc.layers.recurrent import SimpleRNN as SimpleRNN, SimpleRNNCell as SimpleRNNCell
from kc.layers.recurrent import StackedRNNCells as StackedRNNCells
from kc.layers.wrappers import TimeDistributed as TimeDistributed, Wrapper as Wrapper
# --- end layer set part C ---

# --- layer set part B ---
from kc.layers.core import EinsumDense as EinsumDense, Embedding as Embedding
from kc.layers.core import Identity as Identity, Lambda as Lambda, Masking as Masking
from kc.layers.core import ReversibleEmbedding as ReversibleEmbedding
from kc.layers.normalization import BatchNormalization as BatchNormalization
from kc.layers.normalization import GroupNormalization as GroupNormalization
from kc.layers.normalization import LayerNormalization as LayerNormalization
from kc.layers.normalization import RMSNormalization as RMSNormalization
from kc.layers.normalization import SpectralNormalization as SpectralNormalization
from kc.layers.normalization import UnitNormalization as UnitNormalization
from kc.layers.regularization import ActivityRegularization as ActivityRegularization
from kc.layers.regularization import AlphaDropout as AlphaDropout, Dropout as Dropout
from kc.layers.regularization import GaussianDropout as GaussianDropout
from kc.layers.regularization import GaussianNoise as GaussianNoise
from kc.layers.regularization import SpatialDropout1D as SpatialDropout1D
from kc.layers.regularization import SpatialDropout2D as SpatialDropout2D
from kc.layers.regularization import SpatialDropout3D as SpatialDropout3D
from kc.layers.attention import AdditiveAttention as AdditiveAttention, Attention as Attention
from kc.layers.attention import GroupedQueryAttention as GroupedQueryAttention
from kc.layers.attention import GroupQueryAttention as GroupQueryAttention
from kc.layers.attention import MultiHeadAttention as MultiHeadAttention
# --- end layer set part B ---

# --- layer set part A: convolution, pooling, reshaping, merging, activation layers ---
from kc.layers.activations import Activation as Activation
from kc.layers.activations import ELU as ELU
from kc.layers.activations import LeakyReLU as LeakyReLU
from kc.layers.activations import PReLU as PReLU
from kc.layers.activations import ReLU as ReLU
from kc.layers.activations import Softmax as Softmax
from kc.layers.convolutional import Conv1D as Conv1D
from kc.layers.convolutional import Conv1DTranspose as Conv1DTranspose
from kc.layers.convolutional import Conv2D as Conv2D
from kc.layers.convolutional import Conv2DTranspose as Conv2DTranspose
from kc.layers.convolutional import Conv3D as Conv3D
from kc.layers.convolutional import Conv3DTranspose as Conv3DTranspose
from kc.layers.convolutional import DepthwiseConv1D as DepthwiseConv1D
from kc.layers.convolutional import DepthwiseConv2D as DepthwiseConv2D
from kc.layers.convolutional import SeparableConv1D as SeparableConv1D
from kc.layers.convolutional import SeparableConv2D as SeparableConv2D
from kc.layers.merging import Add as Add
from kc.layers.merging import Average as Average
from kc.layers.merging import Concatenate as Concatenate
from kc.layers.merging import Dot as Dot
from kc.layers.merging import Maximum as Maximum
from kc.layers.merging import Minimum as Minimum
from kc.layers.merging import Multiply as Multiply
from kc.layers.merging import Subtract as Subtract
from kc.layers.merging import add as add
from kc.layers.merging import average as average
from kc.layers.merging import concatenate as concatenate
from kc.layers.merging import dot as dot
from kc.layers.merging import maximum as maximum
from kc.layers.merging import minimum as minimum
from kc.layers.merging import multiply as multiply
from kc.layers.merging import subtract as subtract
from kc.layers.pooling import AdaptiveAveragePooling1D as AdaptiveAveragePooling1D
from kc.layers.pooling import AdaptiveAveragePooling2D as AdaptiveAveragePooling2D
from kc.layers.pooling import AdaptiveAveragePooling3D as AdaptiveAveragePooling3D
from kc.layers.pooling import AdaptiveMaxPooling1D as AdaptiveMaxPooling1D
from kc.layers.pooling import AdaptiveMaxPooling2D as AdaptiveMaxPooling2D
from kc.layers.pooling import AdaptiveMaxPooling3D as AdaptiveMaxPooling3D
from kc.layers.pooling import AveragePooling1D as AveragePooling1D
from kc.layers.pooling import AveragePooling2D as AveragePooling2D
from kc.layers.pooling import AveragePooling3D as AveragePooling3D
from kc.layers.pooling import GlobalAveragePooling1D as GlobalAveragePooling1D
from kc.layers.pooling import GlobalAveragePooling2D as GlobalAveragePooling2D
from kc.layers.pooling import GlobalAveragePooling3D as GlobalAveragePooling3D
from kc.layers.pooling import GlobalMaxPooling1D as GlobalMaxPooling1D
from kc.layers.pooling import GlobalMaxPooling2D as GlobalMaxPooling2D
from kc.layers.pooling import GlobalMaxPooling3D as GlobalMaxPooling3D
from kc.layers.pooling import MaxPooling1D as MaxPooling1D
from kc.layers.pooling import MaxPooling2D as MaxPooling2D
from kc.layers.pooling import MaxPooling3D as MaxPooling3D
from kc.layers.reshaping import Cropping1D as Cropping1D
from kc.layers.reshaping import Cropping2D as Cropping2D
from kc.layers.reshaping import Cropping3D as Cropping3D
from kc.layers.reshaping import Flatten as Flatten
from kc.layers.reshaping import Permute as Permute
from kc.layers.reshaping import RepeatVector as RepeatVector
from kc.layers.reshaping import Reshape as Reshape
from kc.layers.reshaping import UpSampling1D as UpSampling1D
from kc.layers.reshaping import UpSampling2D as UpSampling2D
from kc.layers.reshaping import UpSampling3D as UpSampling3D
from kc.layers.reshaping import ZeroPadding1D as ZeroPadding1D
from kc.layers.reshaping import ZeroPadding2D as ZeroPadding2D
from kc.layers.reshaping import ZeroPadding3D as ZeroPadding3D

# Keras's alternative spellings
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution1DTranspose, Convolution2DTranspose = Conv1DTranspose, Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
