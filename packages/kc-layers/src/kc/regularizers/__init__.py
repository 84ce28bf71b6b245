"""kc.regularizers: weight penalties (as `keras.regularizers`).

Example:
    >>> layer = kc.layers.Dense(4, kernel_regularizer=kc.regularizers.L2(1e-4))
"""

from kc.regularizers._lookup import deserialize as deserialize
from kc.regularizers._lookup import get as get
from kc.regularizers._lookup import serialize as serialize
from kc.regularizers._regularizers import L1 as L1
from kc.regularizers._regularizers import L1L2 as L1L2
from kc.regularizers._regularizers import L2 as L2
from kc.regularizers._regularizers import OrthogonalRegularizer as OrthogonalRegularizer
from kc.regularizers._regularizers import Regularizer as Regularizer
from kc.regularizers._regularizers import l1 as l1
from kc.regularizers._regularizers import l1_l2 as l1_l2
from kc.regularizers._regularizers import l2 as l2
from kc.regularizers._regularizers import orthogonal_regularizer as orthogonal_regularizer
