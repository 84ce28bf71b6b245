"""`kc.preprocessing.sequence`: padding of variable-length sequences."""

from kc.data._sequences import pad_sequences as pad_sequences

__all__ = ["pad_sequences"]
