"""kc.initializers: how layer weights get their first values (as `keras.initializers`).

Example:
    >>> import kc
    >>> init = kc.initializers.get("glorot_uniform")
    >>> w = init((64, 32))
    >>> kc.initializers.serialize(kc.initializers.HeNormal(seed=1))["class_name"]
    'HeNormal'
"""

from kc.initializers._base import Initializer as Initializer
from kc.initializers._constant import (
    Constant as Constant,
    Identity as Identity,
    Ones as Ones,
    Zeros as Zeros,
)
from kc.initializers._lookup import (
    deserialize as deserialize,
    get as get,
    serialize as serialize,
)
from kc.initializers._orthogonal import Orthogonal as Orthogonal
from kc.initializers._random import (
    GlorotNormal as GlorotNormal,
    GlorotUniform as GlorotUniform,
    HeNormal as HeNormal,
    HeUniform as HeUniform,
    LecunNormal as LecunNormal,
    LecunUniform as LecunUniform,
    RandomNormal as RandomNormal,
    RandomUniform as RandomUniform,
    TruncatedNormal as TruncatedNormal,
    VarianceScaling as VarianceScaling,
)
from kc.initializers._stft import STFT as STFT

# Aliases, as Keras exports them.
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
STFTInitializer = STFT
constant = Constant
zeros = Zeros
ones = Ones
identity = Identity
orthogonal = Orthogonal
stft = STFT
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
