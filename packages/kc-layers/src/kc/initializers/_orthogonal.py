"""The Orthogonal initializer: a random orthogonal matrix from the QR decomposition of a normal one."""

from __future__ import annotations

import math

from kc import ops, random
from kc.initializers._base import standardize_float_dtype, standardize_shape
from kc.initializers._random import RandomInitializer


class Orthogonal(RandomInitializer):
    """Initializer of a random orthogonal matrix, times ``gain``.

    A weight of shape ``(d0, ..., dk)`` is drawn as a matrix of shape
    ``(d0 * ... * d(k-1), dk)`` and reshaped. The matrix is the ``Q`` of the
    QR decomposition of a standard normal matrix (signs fixed by ``R``'s
    diagonal, so ``Q`` is uniformly distributed): with at least as many rows
    as columns its columns are orthonormal (``Q^T Q = gain^2 I``), otherwise
    its rows are.

    Args:
        gain: factor applied to the orthogonal matrix.
        seed: None, an int, or a `kc.random.SeedGenerator`.

    Example:
        >>> w = kc.initializers.Orthogonal(seed=1)((4, 3))
        >>> kc.ops.matmul(kc.ops.transpose(w), w)  # ~ identity (3, 3)
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape, "Orthogonal")
        dtype = standardize_float_dtype(dtype, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal: the weight must have rank >= 2, got shape={shape} of rank {len(shape)}."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        work = "float64" if dtype == "float64" else "float32"  # QR needs single or double precision
        if rows == 0 or cols == 0:
            return ops.zeros(shape, dtype=dtype)
        tall = (max(rows, cols), min(rows, cols))
        a = random.normal(tall, dtype=work, seed=self.seed)
        q, r = ops.qr(a, mode="reduced")
        q = ops.multiply(q, ops.sign(ops.diagonal(r)))
        if rows < cols:
            q = ops.transpose(q)
        return ops.cast(ops.multiply(ops.reshape(q, shape), self.gain), dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "gain": self.gain}
