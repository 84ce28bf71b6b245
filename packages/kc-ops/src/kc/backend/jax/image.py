"""Image ops of the jax backend: the shared implementation on kc.ops primitives
(`kc.backend.common.image`), each compiled as one `jax.jit` function (eagerly, op-by-op
dispatch would compile dozens of tiny programs per image shape)."""

from __future__ import annotations

import functools
import inspect

import jax
import jax.numpy as jnp

from kc.backend.common import image as _common


def _jitted(fn, tensors: tuple):
    """``fn`` compiled with every argument but ``tensors`` static (lists made tuples)."""
    sig = inspect.signature(fn)
    static = [name for name in sig.parameters if name not in tensors]
    compiled = jax.jit(fn, static_argnames=static)

    @functools.wraps(fn)
    def call(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        for name, value in bound.arguments.items():
            if name in tensors:
                bound.arguments[name] = jnp.asarray(value) if not isinstance(value, jax.Array) else value
            elif isinstance(value, list):
                bound.arguments[name] = tuple(value)
        return compiled(**bound.arguments)

    return call


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                      fill_value=0.0, seed=None, data_format=None):
    images = jnp.asarray(images)
    noise = _common.elastic_noise(images, seed, data_format)  # seeds are stateful: not jitted
    return _elastic_warp(images, noise, alpha, sigma, interpolation, fill_mode, fill_value,
                         data_format)


_IMAGES = ("images",)
_elastic_warp = _jitted(_common.elastic_warp, ("images", "noise", "alpha"))
affine_transform = _jitted(_common.affine_transform, ("images", "transform"))
crop_images = _jitted(_common.crop_images, _IMAGES)
extract_patches = _jitted(_common.extract_patches, _IMAGES)
extract_patches_3d = _jitted(_common.extract_patches_3d, ("volumes",))
gaussian_blur = _jitted(_common.gaussian_blur, _IMAGES)
hsv_to_rgb = _jitted(_common.hsv_to_rgb, _IMAGES)
map_coordinates = _jitted(_common.map_coordinates, ("inputs", "coordinates"))
pad_images = _jitted(_common.pad_images, _IMAGES)
perspective_transform = _jitted(_common.perspective_transform_with(jnp.linalg.solve),
                                ("images", "start_points", "end_points"))
resize = _jitted(_common.resize, _IMAGES)
rgb_to_grayscale = _jitted(_common.rgb_to_grayscale, _IMAGES)
rgb_to_hsv = _jitted(_common.rgb_to_hsv, _IMAGES)
scale_and_translate = _jitted(_common.scale_and_translate, ("images", "scale", "translation"))
sobel_edges = _jitted(_common.sobel_edges, _IMAGES)
ssim = _jitted(_common.ssim, ("image1", "image2"))
