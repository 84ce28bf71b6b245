"""Core layers: Embedding, EinsumDense, Identity, Lambda, Masking, ReversibleEmbedding
(`Wrapper` lives in kc.layers.wrappers).

Example:
    >>> kc.layers.Embedding(10, 4)(np.array([[1, 2]])).shape
    (1, 2, 4)
"""

from kc.layers.core._einsum_dense import EinsumDense as EinsumDense
from kc.layers.core._embedding import Embedding as Embedding
from kc.layers.core._embedding import ReversibleEmbedding as ReversibleEmbedding
from kc.layers.core._lambda import Lambda as Lambda
from kc.layers.core._simple import Identity as Identity
from kc.layers.core._simple import Masking as Masking
