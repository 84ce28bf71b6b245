"""Recurrent layers: `RNN` and its cells, `SimpleRNN`, `LSTM`, `GRU`, `StackedRNNCells`,
`Bidirectional`, `ConvLSTM1D/2D/3D`. Exported by `kc.layers`."""

from kc.layers.recurrent._bidirectional import Bidirectional as Bidirectional
from kc.layers.recurrent._conv_lstm import (
    ConvLSTM1D as ConvLSTM1D, ConvLSTM2D as ConvLSTM2D, ConvLSTM3D as ConvLSTM3D)
from kc.layers.recurrent._gru import GRU as GRU, GRUCell as GRUCell
from kc.layers.recurrent._lstm import LSTM as LSTM, LSTMCell as LSTMCell
from kc.layers.recurrent._rnn import RNN as RNN
from kc.layers.recurrent._simple_rnn import SimpleRNN as SimpleRNN, SimpleRNNCell as SimpleRNNCell
from kc.layers.recurrent._stacked import StackedRNNCells as StackedRNNCells

__all__ = ["Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "GRU", "GRUCell", "LSTM",
           "LSTMCell", "RNN", "SimpleRNN", "SimpleRNNCell", "StackedRNNCells"]

# Keras writes these classes' module as "keras.layers" in configs.
for _cls in (Bidirectional, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, GRU, GRUCell, LSTM, LSTMCell, RNN,
             SimpleRNN, SimpleRNNCell, StackedRNNCells):
    _cls._keras_module = "keras.layers"
del _cls
