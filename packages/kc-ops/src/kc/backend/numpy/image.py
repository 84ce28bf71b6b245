"""Image ops of the numpy backend: the shared implementation on kc.ops primitives
(`kc.backend.common.image`), with numpy's own linear solver for homographies."""

from __future__ import annotations

import numpy as np

from kc.backend.common.image import *  # noqa: F401,F403  (the shared ops, common.image.SHARED_OPS)
from kc.backend.common.image import perspective_transform_with

perspective_transform = perspective_transform_with(np.linalg.solve)
