"""The PyTorch backend: torch.Tensor tensors, on CUDA when available."""

import torch

NAME = "torch"
TENSOR_TYPE = torch.Tensor

from kc.backend.torch import core  # noqa: E402,F401
