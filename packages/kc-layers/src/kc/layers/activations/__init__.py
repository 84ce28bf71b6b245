"""Activation layers: Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax."""

from kc.layers.activations._activations import ELU as ELU
from kc.layers.activations._activations import Activation as Activation
from kc.layers.activations._activations import LeakyReLU as LeakyReLU
from kc.layers.activations._activations import PReLU as PReLU
from kc.layers.activations._activations import ReLU as ReLU
from kc.layers.activations._activations import Softmax as Softmax
