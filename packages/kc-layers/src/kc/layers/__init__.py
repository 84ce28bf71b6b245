"""kc.layers: the `Layer` base class, `Input`, `InputSpec`, and the built-in layers.

Example:
    >>> inputs = kc.Input((8,))
    >>> outputs = kc.layers.Dense(4, activation="relu")(inputs)
"""

from kc.layers._layer import Layer as Layer
from kc.layers._input_spec import InputSpec as InputSpec
from kc.layers._input_layer import Input as Input, InputLayer as InputLayer
from kc.layers._dense import Dense as Dense
