"""Image ops of the tensorflow backend: the shared implementation on kc.ops primitives
(`kc.backend.common.image`), with tensorflow's own linear solver for homographies."""

from __future__ import annotations

import tensorflow as tf

from kc.backend.common.image import *  # noqa: F401,F403  (the shared ops, common.image.SHARED_OPS)
from kc.backend.common.image import perspective_transform_with

perspective_transform = perspective_transform_with(tf.linalg.solve)
