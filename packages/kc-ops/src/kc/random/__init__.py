"""kc.random: random draws that are reproducible per seed on each backend.

Example:
    >>> import kc
    >>> gen = kc.random.SeedGenerator(42)
    >>> x = kc.random.normal((2, 3), seed=gen)
    >>> y = kc.random.dropout(x, rate=0.5, seed=7)
"""

from kc.random._seed_generator import SeedGenerator as SeedGenerator
from kc.random._random import (
    beta as beta,
    binomial as binomial,
    categorical as categorical,
    dropout as dropout,
    gamma as gamma,
    normal as normal,
    randint as randint,
    shuffle as shuffle,
    truncated_normal as truncated_normal,
    uniform as uniform,
)
