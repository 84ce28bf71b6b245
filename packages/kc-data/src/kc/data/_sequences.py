"""`pad_sequences`: a list of variable-length sequences to one padded array."""

from __future__ import annotations

import numpy as np


def pad_sequences(sequences, maxlen: int | None = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value=0.0) -> np.ndarray:
    """Pad (or truncate) sequences to a common length.

    Args:
        sequences: list of sequences (each an iterable; items may be arrays of a
            common shape).
        maxlen: output length; default the length of the longest sequence.
        dtype: output dtype; use ``object`` for variable-length strings.
        padding: ``"pre"`` or ``"post"``: pad before or after each sequence.
        truncating: ``"pre"`` or ``"post"``: drop values from the start or the end
            of sequences longer than ``maxlen``.
        value: padding value (float or string).

    Returns:
        NumPy array of shape ``(len(sequences), maxlen) + item_shape``.

    Example:
        >>> kc.utils.pad_sequences([[1, 2, 3], [4]], maxlen=2)
        array([[2, 3],
               [0, 4]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences: `sequences` must be a list of iterables, got "
                         f"{type(sequences).__name__}.")
    if padding not in ("pre", "post"):
        raise ValueError(f'pad_sequences: `padding` must be "pre" or "post", got {padding!r}.')
    if truncating not in ("pre", "post"):
        raise ValueError(f'pad_sequences: `truncating` must be "pre" or "post", got '
                         f"{truncating!r}.")
    lengths = []
    sample_shape = ()
    found_shape = False
    for i, seq in enumerate(sequences):
        try:
            lengths.append(len(seq))
        except TypeError as e:
            raise ValueError(f"pad_sequences: `sequences` must be a list of iterables; item {i} "
                             f"is {type(seq).__name__}: {seq!r}.") from e
        if not found_shape and len(seq):
            sample_shape = np.asarray(seq).shape[1:]
            found_shape = True
    if maxlen is None:
        if not lengths:
            raise ValueError("pad_sequences: `sequences` is empty; pass `maxlen` to get an "
                             "empty (0, maxlen) array.")
        maxlen = int(np.max(lengths))
    is_str = np.issubdtype(np.dtype(dtype), np.str_) if dtype is not object else False
    if isinstance(value, str) and dtype is not object and not is_str:
        raise ValueError(f"pad_sequences: `dtype`={dtype!r} cannot hold the string `value`="
                         f"{value!r}; pass dtype=object for variable-length strings.")
    out = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    if maxlen == 0:
        return out
    for i, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(f"pad_sequences: the items of sequence {i} have shape "
                             f"{kept.shape[1:]}, expected {sample_shape} (the items' shape "
                             "in the first non-empty sequence).")
        if padding == "post":
            out[i, :len(kept)] = kept
        else:
            out[i, -len(kept):] = kept
    return out
