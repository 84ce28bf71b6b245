"""Attention layers: Attention, AdditiveAttention, MultiHeadAttention, GroupQueryAttention.

Example:
    >>> x = np.ones((1, 3, 8), "float32")
    >>> kc.layers.MultiHeadAttention(2, 4)(x, x).shape
    (1, 3, 8)
"""

from kc.layers.attention._attention import AdditiveAttention as AdditiveAttention
from kc.layers.attention._attention import Attention as Attention
from kc.layers.attention._grouped_query_attention import GroupedQueryAttention as GroupedQueryAttention
from kc.layers.attention._grouped_query_attention import GroupQueryAttention as GroupQueryAttention
from kc.layers.attention._multi_head_attention import MultiHeadAttention as MultiHeadAttention
