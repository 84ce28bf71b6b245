"""Image ops (`keras.ops.image`): resizing, warping, filters, colour spaces, patches.

Each declaration's body is its shape/dtype rule; the computation is
``kc.backend.<active>.image``, written once in `kc.backend.common.image` on kc
primitives. Images have rank 3 (one image) or 4 (a batch); ``data_format``
None means `kc.config.image_data_format()`. Outputs keep the input dtype
(integer images are computed in floatx, then rounded and saturated back);
`ssim` returns floats, and `rgb_to_hsv`/`hsv_to_rgb` take float images only.
Unlike Keras 3, float64 images stay float64.
"""

from __future__ import annotations

from kc import config, dtypes
from kc.backend.common import image as _c
from kc.ops._keras_tensor import KerasTensor
from kc.ops._op import op
from kc.ops._rules import dtype_of, shape_of

__all__ = [
    "affine_transform", "crop_images", "elastic_transform", "extract_patches", "extract_patches_3d",
    "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images", "perspective_transform",
    "resize", "rgb_to_grayscale", "rgb_to_hsv", "scale_and_translate", "sobel_edges", "ssim",
]


def _with_spatial(shape: tuple, fmt: str, sizes: tuple, n: int = 2) -> tuple:
    out = list(shape)
    for axis, size in zip(_c.spatial_axes(len(shape), fmt, n), sizes):
        out[axis] = size
    return tuple(out)


def _same_image(images, op: str, data_format) -> KerasTensor:
    shape = shape_of(images)
    _c.data_format_of(data_format, op)
    _c.check_rank(shape, op)
    return KerasTensor(shape, dtype_of(images))


@op(tensors=("images",))
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resize images to ``size`` with half-pixel centres (as ``jax.image.resize``).

    Args:
        images: rank-3 or rank-4 image tensor.
        size: (height, width) of the output.
        interpolation: "bilinear", "nearest", "bicubic" (Keys, a=-0.5), "lanczos3" or "lanczos5".
        antialias: widen the kernel when downsampling.
        crop_to_aspect_ratio: first crop the centre to the output's aspect ratio.
        pad_to_aspect_ratio: first pad (with ``fill_value``) to the output's aspect ratio.
        fill_mode: padding mode; only "constant".
        fill_value: padding value.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        The resized images, in the input dtype.

    Example:
        >>> kc.ops.image.resize(kc.ops.ones((4, 4, 3)), (2, 2)).shape
        (2, 2, 3)
    """
    shape = shape_of(images)
    fmt = _c.data_format_of(data_format, "resize")
    size = _c.check_resize_args(shape, size, interpolation, crop_to_aspect_ratio,
                                pad_to_aspect_ratio, fill_mode)
    return KerasTensor(_with_spatial(shape, fmt, size), dtype_of(images))


@op(tensors=("images", "transform"))
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Warp images by projective transforms [a0, a1, a2, b0, b1, b2, c0, c1].

    The output pixel (x, y) reads the input at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)
    with k = c0 x + c1 y + 1.

    Args:
        images: rank-3 or rank-4 image tensor.
        transform: shape (8,) or (batch, 8).
        interpolation: "nearest" or "bilinear".
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect" (outside the input).
        fill_value: value outside the input for "constant".
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        The warped images, in the input dtype.

    Example:
        >>> shift = [1, 0, -1, 0, 1, 0, 0, 0]  # one pixel to the right
        >>> kc.ops.image.affine_transform(kc.ops.ones((4, 4, 1)), shift).shape
        (4, 4, 1)
    """
    _c.check_transform(shape_of(images), shape_of(transform))
    _c.check_choice(interpolation, _c.SAMPLING_ORDERS, "affine_transform", "interpolation")
    _c.check_choice(fill_mode, _c.FILL_MODES, "affine_transform", "fill_mode")
    return _same_image(images, "affine_transform", data_format)


@op(tensors=("images", "start_points", "end_points"))
def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """Warp images so that each of the four ``start_points`` lands on its ``end_points``.

    Args:
        images: rank-3 or rank-4 image tensor.
        start_points: (x, y) corners in the input, shape (4, 2) or (batch, 4, 2).
        end_points: where they go in the output, same shape.
        interpolation: "nearest" or "bilinear".
        fill_value: value of output pixels that come from outside the input.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        The warped images, in the input dtype.

    Example:
        >>> pts = [[0, 0], [3, 0], [0, 3], [3, 3]]
        >>> kc.ops.image.perspective_transform(kc.ops.ones((4, 4, 1)), pts, pts).shape
        (4, 4, 1)
    """
    _c.check_points(shape_of(images), shape_of(start_points), shape_of(end_points))
    _c.check_choice(interpolation, _c.SAMPLING_ORDERS, "perspective_transform", "interpolation")
    return _same_image(images, "perspective_transform", data_format)


@op(tensors=("inputs", "coordinates"))
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Sample ``inputs`` at fractional ``coordinates`` (as ``jax.scipy.ndimage.map_coordinates``).

    Args:
        inputs: tensor of any rank.
        coordinates: shape (inputs.ndim, ...): one coordinate array per axis of ``inputs``.
        order: 0 (nearest) or 1 (linear).
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect".
        fill_value: value outside ``inputs`` for "constant".

    Returns:
        Tensor of shape ``coordinates.shape[1:]`` in the dtype of ``inputs``.

    Example:
        >>> kc.ops.image.map_coordinates(kc.ops.arange(4.0), [[0.5, 2.0]], order=1)
        array([0.5, 2. ], dtype=float32)
    """
    coords_shape = (shape_of(coordinates) if not isinstance(coordinates, (list, tuple))
                    else (len(coordinates),) + shape_of(coordinates[0]))
    _c.check_map_coordinates(shape_of(inputs), coords_shape, order, fill_mode)
    return KerasTensor(coords_shape[1:], dtype_of(inputs))


def _box_spec(images, op: str, data_format, top, left, bottom, right, target_h, target_w):
    shape = shape_of(images)
    fmt = _c.data_format_of(data_format, op)
    _c.check_rank(shape, op)
    rows, cols = _c.box(shape, fmt, op, top, left, bottom, right, target_h, target_w)
    sign = -1 if op == "crop_images" else 1
    sizes = []
    for axis, (before, after), target in zip(_c.spatial_axes(len(shape), fmt), (rows, cols),
                                             (target_h, target_w)):
        size = shape[axis]
        sizes.append(target if target is not None else None if size is None
                     else size + sign * (before + after))
    return KerasTensor(_with_spatial(shape, fmt, tuple(sizes)), dtype_of(images))


@op(tensors=("images",))
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Crop images; give exactly two of top/bottom/target_height and of left/right/target_width.

    Args:
        images: rank-3 or rank-4 image tensor.
        top_cropping, left_cropping, bottom_cropping, right_cropping: pixels removed per side.
        target_height, target_width: output size.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        The cropped images.

    Example:
        >>> kc.ops.image.crop_images(kc.ops.ones((5, 5, 3)), 1, 1, target_height=2,
        ...                          target_width=3).shape
        (2, 3, 3)
    """
    return _box_spec(images, "crop_images", data_format, top_cropping, left_cropping,
                     bottom_cropping, right_cropping, target_height, target_width)


@op(tensors=("images",))
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    """Zero-pad images; give exactly two of top/bottom/target_height and of left/right/target_width.

    Args:
        images: rank-3 or rank-4 image tensor.
        top_padding, left_padding, bottom_padding, right_padding: zeros added per side.
        target_height, target_width: output size.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        The padded images.

    Example:
        >>> kc.ops.image.pad_images(kc.ops.ones((2, 2, 3)), 1, 1, target_height=4,
        ...                         target_width=4).shape
        (4, 4, 3)
    """
    return _box_spec(images, "pad_images", data_format, top_padding, left_padding,
                     bottom_padding, right_padding, target_height, target_width)


@op(tensors=("images",))
def rgb_to_grayscale(images, data_format=None):
    """Luma 0.2989 R + 0.5870 G + 0.1140 B (one-channel images pass through).

    Args:
        images: rank-3 or rank-4 image tensor with 3 (or 1) channels.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        Images with one channel, in the input dtype.

    Example:
        >>> kc.ops.image.rgb_to_grayscale(kc.ops.ones((2, 2, 3))).shape
        (2, 2, 1)
    """
    shape = shape_of(images)
    fmt = _c.data_format_of(data_format, "rgb_to_grayscale")
    _c.check_rank(shape, "rgb_to_grayscale")
    _c.check_channels(shape, fmt, "rgb_to_grayscale", (1, 3))
    out = list(shape)
    out[_c.channel_axis(len(shape), fmt)] = 1
    return KerasTensor(tuple(out), dtype_of(images))


def _colour_spec(images, op: str, data_format) -> KerasTensor:
    spec = _same_image(images, op, data_format)
    _c.check_float(spec.dtype, op)
    _c.check_channels(spec.shape, _c.data_format_of(data_format, op), op)
    return spec


@op(tensors=("images",))
def rgb_to_hsv(images, data_format=None):
    """Convert float RGB images (values in [0, 1]) to HSV (hue in [0, 1)).

    Args:
        images: rank-3 or rank-4 float image tensor with 3 channels.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        HSV images of the same shape and dtype.

    Example:
        >>> kc.ops.image.rgb_to_hsv([[[1.0, 0.0, 0.0]]])
        array([[[0., 1., 1.]]], dtype=float32)
    """
    return _colour_spec(images, "rgb_to_hsv", data_format)


@op(tensors=("images",))
def hsv_to_rgb(images, data_format=None):
    """Convert float HSV images (all channels in [0, 1]) to RGB.

    Args:
        images: rank-3 or rank-4 float image tensor with 3 channels.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        RGB images of the same shape and dtype.

    Example:
        >>> kc.ops.image.hsv_to_rgb([[[0.0, 1.0, 1.0]]])
        array([[[1., 0., 0.]]], dtype=float32)
    """
    return _colour_spec(images, "hsv_to_rgb", data_format)


def _patches_spec(x, n: int, size, strides, dilation_rate, padding, data_format, op: str,
                  arg: str) -> KerasTensor:
    shape = shape_of(x)
    fmt = _c.data_format_of(data_format, op)
    _c.check_rank(shape, op, arg, (n + 1, n + 2))
    axes = _c.spatial_axes(len(shape), fmt, n)
    outs, *_, size, _, _ = _c.patch_geometry(tuple(shape[a] for a in axes), size, strides,
                                             dilation_rate, padding, op)
    channels = shape[_c.channel_axis(len(shape), fmt, n)]
    depth = None if channels is None else channels * _prod(size)
    out = list(_with_spatial(shape, fmt, outs, n))
    out[_c.channel_axis(len(shape), fmt, n)] = depth
    return KerasTensor(tuple(out), dtype_of(x))


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


@op(tensors=("images",))
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Extract patches of ``size`` into the channel axis (ordered row, column, channel).

    Args:
        images: rank-3 or rank-4 image tensor.
        size: patch (height, width), or an int for square patches.
        strides: step between patches (default: ``size``, no overlap).
        dilation_rate: spacing of the pixels inside a patch.
        padding: "valid" or "same" (zero padding).
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        Tensor (batch, rows, cols, size_h * size_w * channels) for channels_last.

    Example:
        >>> kc.ops.image.extract_patches(kc.ops.ones((4, 4, 3)), 2).shape
        (2, 2, 12)
    """
    return _patches_spec(images, 2, size, strides, dilation_rate, padding, data_format,
                         "extract_patches", "images")


@op(tensors=("volumes",))
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """Extract 3-D patches of ``size`` from volumes into the channel axis.

    Args:
        volumes: rank-4 or rank-5 tensor (depth, height, width and channels, optionally batched).
        size: patch (depth, height, width), or an int for cubes.
        strides: step between patches (default: ``size``).
        dilation_rate: spacing of the voxels inside a patch.
        padding: "valid" or "same" (zero padding).
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        Tensor (batch, d, h, w, size_d * size_h * size_w * channels) for channels_last.

    Example:
        >>> kc.ops.image.extract_patches_3d(kc.ops.ones((4, 4, 4, 1)), 2).shape
        (2, 2, 2, 8)
    """
    return _patches_spec(volumes, 3, size, strides, dilation_rate, padding, data_format,
                         "extract_patches_3d", "volumes")


@op(tensors=("images",))
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blur images with a Gaussian kernel (zero padding, "same" size).

    As in Keras, ``kernel_size[0]``/``sigma[0]`` act along the width and ``[1]`` along the height.

    Args:
        images: rank-3 or rank-4 image tensor.
        kernel_size: (width, height) of the kernel.
        sigma: (width, height) standard deviations.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        The blurred images, in the input dtype.

    Example:
        >>> kc.ops.image.gaussian_blur(kc.ops.ones((4, 4, 1))).shape
        (4, 4, 1)
    """
    _c.int_tuple(kernel_size, 2, "gaussian_blur", "kernel_size")
    return _same_image(images, "gaussian_blur", data_format)


@op(tensors=("images",))
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                      fill_value=0.0, seed=None, data_format=None):
    """Distort images by a smooth random displacement field.

    Displacements are Gaussian noise blurred with ``sigma`` and scaled by ``alpha``; one field
    per image, shared by its channels. Streams differ between backends for a given seed.

    Args:
        images: rank-3 or rank-4 image tensor.
        alpha: displacement scale in pixels.
        sigma: smoothness of the displacement field.
        interpolation: "nearest" or "bilinear".
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect".
        fill_value: value outside the input for "constant".
        seed: int or `kc.random.SeedGenerator`.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        The distorted images, in the input dtype.

    Example:
        >>> kc.ops.image.elastic_transform(kc.ops.ones((4, 4, 1)), seed=1).shape
        (4, 4, 1)
    """
    _c.check_choice(interpolation, _c.SAMPLING_ORDERS, "elastic_transform", "interpolation")
    _c.check_choice(fill_mode, _c.FILL_MODES, "elastic_transform", "fill_mode")
    return _same_image(images, "elastic_transform", data_format)


@op(tensors=("images", "scale", "translation"))
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    """Scale and translate ``spatial_dims`` of ``images`` (as ``jax.image.scale_and_translate``).

    Args:
        images: tensor of any rank.
        output_shape: the full output shape.
        scale: one scale per spatial dim.
        translation: one translation (in output pixels) per spatial dim.
        spatial_dims: the axes to resample.
        method: "linear"/"bilinear"/"trilinear"/"triangle", "cubic"/"bicubic"/"tricubic"/
            "keyscubic", "lanczos3" or "lanczos5".
        antialias: widen the kernel when downsampling.

    Returns:
        Tensor of ``output_shape`` in the input dtype.

    Example:
        >>> kc.ops.image.scale_and_translate(kc.ops.ones((4, 4)), (2, 2), [0.5, 0.5],
        ...                                  [0.0, 0.0], (0, 1), "linear").shape
        (2, 2)
    """
    _c.check_scale_and_translate(shape_of(images), tuple(output_shape), spatial_dims, method)
    return KerasTensor(tuple(output_shape), dtype_of(images))


@op(tensors=("images",))
def sobel_edges(images, data_format=None):
    """Sobel gradients (edge padding), stacked as [d/dy, d/dx] on a new last axis.

    Args:
        images: rank-3 or rank-4 image tensor.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        Tensor of shape ``images.shape + (2,)`` in the input dtype.

    Example:
        >>> kc.ops.image.sobel_edges(kc.ops.ones((4, 4, 1))).shape
        (4, 4, 1, 2)
    """
    spec = _same_image(images, "sobel_edges", data_format)
    return KerasTensor(spec.shape + (2,), spec.dtype)


@op(tensors=("image1", "image2"))
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    """Structural similarity of two images (Gaussian window, no padding), one value per image.

    Args:
        image1, image2: rank-3 or rank-4 image tensors of the same shape.
        max_val: the dynamic range of the pixel values.
        filter_size: Gaussian window size (clipped to the image size).
        filter_sigma: Gaussian window standard deviation.
        k1, k2: the SSIM stabilising constants.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Returns:
        Shape (batch,) for batched images, a scalar otherwise; floatx for integer images.

    Example:
        >>> x = kc.ops.ones((8, 8, 1))
        >>> float(kc.ops.image.ssim(x, x))
        1.0
    """
    shape = shape_of(image1)
    _c.data_format_of(data_format, "ssim")
    _c.check_ssim(shape, shape_of(image2))
    dtype = dtypes.result_type(dtype_of(image1), dtype_of(image2))
    dtype = dtype if dtypes.is_float_dtype(dtype) else config.floatx()
    return KerasTensor(shape[:1] if len(shape) == 4 else (), dtype)
