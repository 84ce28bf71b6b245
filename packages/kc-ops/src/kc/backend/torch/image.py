"""Image ops of the torch backend: the shared implementation on kc.ops primitives
(`kc.backend.common.image`), with torch's own linear solver for homographies."""

from __future__ import annotations

import torch

from kc.backend.common.image import *  # noqa: F401,F403  (the shared ops, common.image.SHARED_OPS)
from kc.backend.common.image import perspective_transform_with

perspective_transform = perspective_transform_with(torch.linalg.solve)
