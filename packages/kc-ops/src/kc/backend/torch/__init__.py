"""The PyTorch backend: torch.Tensor tensors, on CUDA when available."""

import torch

NAME = "torch"
TENSOR_TYPE = torch.Tensor
# Types the native fast path of kc.ops takes as they are (a kc Variable holds a Parameter).
NATIVE_TYPES = (torch.Tensor, torch.nn.Parameter)

from kc.backend.torch import core  # noqa: E402,F401
