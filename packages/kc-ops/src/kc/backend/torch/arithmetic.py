"""Element-wise binary ops (arithmetic, comparison, logic, bitwise) of the PyTorch backend."""

from __future__ import annotations

import torch

from kc.backend.torch.core import promote


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.add(x1, x2)


add.native = torch.add
