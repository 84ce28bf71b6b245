"""`kc.ops.numpy`: the NumPy API of Keras 3 (the same functions are on `kc.ops`)."""

from kc.ops._arithmetic import *  # noqa: F401,F403
from kc.ops._creation import *  # noqa: F401,F403
from kc.ops._indexing import *  # noqa: F401,F403
from kc.ops._manipulation import *  # noqa: F401,F403
from kc.ops._products import *  # noqa: F401,F403
from kc.ops._reductions import *  # noqa: F401,F403
from kc.ops._unary_math import *  # noqa: F401,F403
