"""kc.constraints: projections applied to weights after each update (as `keras.constraints`).

Example:
    >>> layer = kc.layers.Dense(4, kernel_constraint=kc.constraints.MaxNorm(2.0))
"""

from kc.constraints._constraints import Constraint as Constraint
from kc.constraints._constraints import MaxNorm as MaxNorm
from kc.constraints._constraints import MinMaxNorm as MinMaxNorm
from kc.constraints._constraints import NonNeg as NonNeg
from kc.constraints._constraints import UnitNorm as UnitNorm
from kc.constraints._constraints import max_norm as max_norm
from kc.constraints._constraints import min_max_norm as min_max_norm
from kc.constraints._constraints import non_neg as non_neg
from kc.constraints._constraints import unit_norm as unit_norm
from kc.constraints._lookup import deserialize as deserialize
from kc.constraints._lookup import get as get
from kc.constraints._lookup import serialize as serialize
