"""kc.ops: the NumPy API and the neural-network ops of Keras 3, on every backend.

Each op is declared once in a family module (``_arithmetic``, ``_reductions``,
...) and computed by the active backend. Called on `KerasTensor`s, ops return
symbolic outputs and record the graph for functional models.

Example:
    >>> import kc
    >>> kc.ops.add(kc.ops.ones((2,)), 1.0)
"""

from kc.ops._function import Function as Function
from kc.ops._keras_tensor import KerasTensor as KerasTensor
from kc.ops._operation import Node as Node
from kc.ops._operation import Operation as Operation

from kc.ops._arithmetic import *  # noqa: E402,F401,F403
from kc.ops._core import *  # noqa: E402,F401,F403
from kc.ops._products import *  # noqa: E402,F401,F403
from kc.ops._reductions import *  # noqa: E402,F401,F403
from kc.ops._creation import *  # noqa: E402,F401,F403
from kc.ops._unary_math import *  # noqa: E402,F401,F403
from kc.ops._manipulation import *  # noqa: E402,F401,F403
from kc.ops._indexing import *  # noqa: E402,F401,F403
from kc.ops._nn import *  # noqa: E402,F401,F403
from kc.ops._linalg import *  # noqa: E402,F401,F403
from kc.ops._math import *  # noqa: E402,F401,F403
from kc.ops._conv import *  # noqa: E402,F401,F403

# The Keras sub-namespaces: kc.ops.numpy, kc.ops.nn, kc.ops.linalg, kc.ops.image.
from kc.ops import image, linalg, nn, numpy  # noqa: E402,F401
