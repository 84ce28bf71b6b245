"""kc.activations: activation functions (as `keras.activations`).

Example:
    >>> kc.activations.get("relu")([-1.0, 2.0])
    array([0., 2.], dtype=float32)
"""

from kc.activations._functions import celu as celu
from kc.activations._functions import elu as elu
from kc.activations._functions import exponential as exponential
from kc.activations._functions import gelu as gelu
from kc.activations._functions import glu as glu
from kc.activations._functions import hard_shrink as hard_shrink
from kc.activations._functions import hard_sigmoid as hard_sigmoid
from kc.activations._functions import hard_silu as hard_silu
from kc.activations._functions import hard_swish as hard_swish
from kc.activations._functions import hard_tanh as hard_tanh
from kc.activations._functions import leaky_relu as leaky_relu
from kc.activations._functions import linear as linear
from kc.activations._functions import log_sigmoid as log_sigmoid
from kc.activations._functions import log_softmax as log_softmax
from kc.activations._functions import mish as mish
from kc.activations._functions import relu as relu
from kc.activations._functions import relu6 as relu6
from kc.activations._functions import selu as selu
from kc.activations._functions import sigmoid as sigmoid
from kc.activations._functions import silu as silu
from kc.activations._functions import soft_shrink as soft_shrink
from kc.activations._functions import softmax as softmax
from kc.activations._functions import softplus as softplus
from kc.activations._functions import softsign as softsign
from kc.activations._functions import sparse_plus as sparse_plus
from kc.activations._functions import sparse_sigmoid as sparse_sigmoid
from kc.activations._functions import sparsemax as sparsemax
from kc.activations._functions import squareplus as squareplus
from kc.activations._functions import swish as swish
from kc.activations._functions import tanh as tanh
from kc.activations._functions import tanh_shrink as tanh_shrink
from kc.activations._functions import threshold as threshold
from kc.activations._lookup import deserialize as deserialize
from kc.activations._lookup import get as get
from kc.activations._lookup import serialize as serialize
