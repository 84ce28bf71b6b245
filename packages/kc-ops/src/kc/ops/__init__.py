"""kc.ops: the NumPy API and the neural-network ops of Keras 3, on every backend.

Each op is declared once in a family module (``_elementwise``, ``_reductions``,
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
from kc.ops._products import *  # noqa: E402,F401,F403
