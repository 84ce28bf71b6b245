"""Image ops of the jax backend: the shared implementation on kc.ops primitives
(`kc.backend.common.image`), with jax's own linear solver for homographies."""

from __future__ import annotations

import jax.numpy as jnp

from kc.backend.common import image as _common
from kc.backend.common.image import (  # noqa: F401
    affine_transform,
    crop_images,
    elastic_transform,
    extract_patches,
    extract_patches_3d,
    gaussian_blur,
    hsv_to_rgb,
    map_coordinates,
    pad_images,
    resize,
    rgb_to_grayscale,
    rgb_to_hsv,
    scale_and_translate,
    sobel_edges,
    ssim,
)


def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    return _common.perspective_transform(images, start_points, end_points, interpolation,
                                         fill_value, data_format, solve=jnp.linalg.solve)
