"""The image ops written once on `kc.ops` primitives; each backend's ``image`` module uses them.

Everything here runs on the active backend's native tensors through `kc.ops`
(so it works eagerly, inside ``jax.jit``/``tf.function`` and under autodiff).
Matrices that depend only on static sizes (filters, nearest indices) are built
in NumPy. Resampling follows ``jax.image.scale_and_translate`` (half-pixel
centres; a separable weight matrix per spatial axis) and sampling follows
``jax.scipy.ndimage.map_coordinates``, so all four backends give the same numbers.

Integer images are computed in floatx and rounded (half to even) and
saturated back to their dtype; float images keep their dtype (float64 stays
float64, unlike Keras, which narrows it to float32).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from kc import config, dtypes


class _LazyOps:
    """`kc.ops`, imported on first use (kc.ops imports the backends at load time)."""

    def __getattr__(self, name):
        import kc.ops

        value = getattr(kc.ops, name)
        setattr(self, name, value)
        return value


K = _LazyOps()

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")
SAMPLING_ORDERS = {"nearest": 0, "bilinear": 1}
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
_KERNEL_OF_METHOD = {
    **dict.fromkeys(("linear", "bilinear", "trilinear", "triangle"), "linear"),
    **dict.fromkeys(("cubic", "bicubic", "tricubic", "keyscubic"), "cubic"),
    "lanczos3": "lanczos3",
    "lanczos5": "lanczos5",
}
SCALE_METHODS = tuple(_KERNEL_OF_METHOD)


# --- argument checks (also used by the symbolic rules in kc/ops/_image.py) ---


def data_format_of(data_format, op: str) -> str:
    if data_format is None:
        return config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{op}: data_format must be 'channels_last' or 'channels_first', "
                         f"got {data_format!r}.")
    return data_format


def check_choice(value, choices, op: str, arg: str) -> None:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{op}: {arg} must be one of {tuple(choices)}, got {value!r}.")


def check_rank(shape: tuple, op: str, arg: str = "images", ranks=(3, 4)) -> None:
    if len(shape) not in ranks:
        what = " or ".join(str(r) for r in ranks)
        raise ValueError(f"{op}: {arg} must have rank {what} (unbatched or batched), "
                         f"got shape {tuple(shape)}.")


def int_tuple(value, n: int, op: str, arg: str) -> tuple:
    """An int (repeated ``n`` times) or a sequence of ``n`` ints."""
    values = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != n or not all(isinstance(v, (int, np.integer)) for v in values):
        raise ValueError(f"{op}: {arg} must be an int or a tuple of {n} ints, got {value!r}.")
    return tuple(int(v) for v in values)


def spatial_axes(ndim: int, data_format: str, n: int = 2) -> tuple:
    """Axes of the ``n`` spatial dims of a tensor of rank ``ndim``."""
    first = ndim - n - (0 if data_format == "channels_first" else 1)
    return tuple(range(first, first + n))


def channel_axis(ndim: int, data_format: str, n: int = 2) -> int:
    return ndim - n - 1 if data_format == "channels_first" else ndim - 1


# --- layout and dtype helpers ---


def _channels_last(x, data_format: str, n: int = 2):
    """``x`` (rank n+1 or n+2) as a batched channels-last tensor; returns (x, unbatched)."""
    unbatched = len(x.shape) == n + 1
    if unbatched:
        x = K.expand_dims(x, 0)
    if data_format == "channels_first":
        x = K.moveaxis(x, 1, -1)
    return x, unbatched


def _restore_layout(x, data_format: str, unbatched: bool, channel_dims: int = 1):
    """Undo `_channels_last` (``channel_dims`` trailing axes count as channels)."""
    if data_format == "channels_first":
        x = K.moveaxis(x, -channel_dims, 1)
    return K.squeeze(x, 0) if unbatched else x


def _compute_dtype(dtype: str) -> str:
    return dtype if dtypes.is_float_dtype(dtype) else config.floatx()


def _as_float(x):
    """(``x`` in its compute dtype, the original dtype name)."""
    dtype = dtypes.standardize_dtype(x.dtype)
    return K.cast(x, _compute_dtype(dtype)), dtype


def _restore_dtype(x, dtype: str):
    if dtypes.is_float_dtype(dtype):
        return K.cast(x, dtype)
    return K.saturate_cast(K.round(x), dtype)


def _tensor(x):
    return K.convert_to_tensor(x)


def _apply_matrix(x, axis: int, matrix):
    """Contract axis ``axis`` of ``x`` with the rows of ``matrix`` (in_size, out_size)."""
    matrix = K.cast(matrix, dtypes.standardize_dtype(x.dtype))
    return K.moveaxis(K.tensordot(x, matrix, axes=[[axis], [0]]), -1, axis)


# --- resampling weights (jax.image.scale_and_translate semantics) ---


def _sinc(x):
    pix = math.pi * x
    safe = K.where(x == 0, K.ones_like(pix), pix)
    return K.where(x == 0, K.ones_like(pix), K.sin(safe) / safe)


def _kernel(name: str, x):
    if name == "linear":
        return K.maximum(1.0 - x, 0.0)
    if name == "cubic":
        near = ((1.5 * x - 2.5) * x) * x + 1.0
        far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
        return K.where(x < 1.0, near, K.where(x < 2.0, far, K.zeros_like(x)))
    radius = {"lanczos3": 3.0, "lanczos5": 5.0}[name]
    return K.where(x < radius, _sinc(x) * _sinc(x / radius), K.zeros_like(x))


def weight_matrix(in_size: int, out_size: int, scale, translation, kernel: str, antialias: bool,
                  dtype: str):
    """(in_size, out_size) matrix taking an axis of ``in_size`` samples to ``out_size``."""
    scale = K.cast(scale, dtype)
    translation = K.cast(translation, dtype)
    inv_scale = 1.0 / scale
    kernel_scale = K.maximum(inv_scale, 1.0) if antialias else 1.0
    sample_f = ((K.arange(out_size, dtype=dtype) + 0.5) * inv_scale - translation * inv_scale - 0.5)
    grid = K.arange(in_size, dtype=dtype)
    weights = _kernel(kernel, K.abs(sample_f[None, :] - grid[:, None]) / kernel_scale)
    total = K.sum(weights, axis=0, keepdims=True)
    eps = float(np.finfo(np.float32).eps)
    safe_total = K.where(total != 0, total, K.ones_like(total))
    weights = K.where(K.abs(total) > 1000.0 * eps, weights / safe_total, K.zeros_like(weights))
    inside = K.logical_and(sample_f >= -0.5, sample_f <= in_size - 0.5)
    return K.where(inside[None, :], weights, K.zeros_like(weights))


def _nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    offsets = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * np.float32(in_size)
    offsets = offsets / np.float32(out_size)
    return np.minimum(np.floor(offsets).astype(np.int32), in_size - 1)


def _resample(x, axes, out_sizes, kernel: str, antialias: bool, scales=None, translations=None):
    """Resample float tensor ``x`` along ``axes`` to ``out_sizes``."""
    dtype = dtypes.standardize_dtype(x.dtype)
    weight_dtype = dtypes.result_type(dtype, "float32")
    for i, (axis, out_size) in enumerate(zip(axes, out_sizes)):
        in_size = int(x.shape[axis])
        scale = out_size / in_size if scales is None else scales[i]
        shift = 0.0 if translations is None else translations[i]
        if scales is None and in_size == out_size:
            continue
        w = weight_matrix(in_size, out_size, scale, shift, kernel, antialias, weight_dtype)
        x = _apply_matrix(x, axis, w)
    return x


# --- resize and friends ---


def _aspect_box(height: int, width: int, target_h: int, target_w: int, grow: bool):
    """(box_h, box_w, start_h, start_w): the centred box with the target aspect ratio."""
    box_h = int(float(width * target_h) / target_w)
    box_w = int(float(height * target_w) / target_h)
    if grow:
        box_h, box_w = max(height, box_h), max(width, box_w)
        return box_h, box_w, int(float(box_h - height) / 2), int(float(box_w - width) / 2)
    box_h, box_w = max(min(height, box_h), 1), max(min(width, box_w), 1)
    return box_h, box_w, int(float(height - box_h) / 2), int(float(width - box_w) / 2)


def check_resize_args(images_shape, size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio,
                      fill_mode) -> tuple:
    check_rank(images_shape, "resize")
    if (not isinstance(size, (list, tuple)) or len(size) != 2
            or not all(isinstance(v, (int, np.integer)) for v in size)):
        raise ValueError(f"resize: size must be a tuple of 2 ints (height, width), got {size!r}.")
    size = tuple(int(v) for v in size)
    check_choice(interpolation, RESIZE_INTERPOLATIONS, "resize", "interpolation")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be True.")
    if pad_to_aspect_ratio and fill_mode != "constant":
        raise ValueError(f"resize: fill_mode must be 'constant' with pad_to_aspect_ratio=True, "
                         f"got {fill_mode!r}.")
    return size


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    images = _tensor(images)
    fmt = data_format_of(data_format, "resize")
    size = check_resize_args(tuple(images.shape), size, interpolation, crop_to_aspect_ratio,
                             pad_to_aspect_ratio, fill_mode)
    x, unbatched = _channels_last(images, fmt)
    height, width = int(x.shape[1]), int(x.shape[2])
    if crop_to_aspect_ratio:
        box_h, box_w, top, left = _aspect_box(height, width, size[0], size[1], grow=False)
        x = x[:, top:top + box_h, left:left + box_w, :]
    elif pad_to_aspect_ratio:
        _, _, top, left = _aspect_box(height, width, size[0], size[1], grow=True)
        x = K.pad(x, [(0, 0), (top, top), (left, left), (0, 0)], constant_values=fill_value)
    if interpolation == "nearest":
        for axis, out_size in zip((1, 2), size):
            if int(x.shape[axis]) != out_size:
                x = K.take(x, _nearest_indices(int(x.shape[axis]), out_size), axis=axis)
    else:
        x, dtype = _as_float(x)
        kernel = _KERNEL_OF_METHOD[interpolation]
        x = _restore_dtype(_resample(x, (1, 2), size, kernel, antialias), dtype)
    return _restore_layout(x, fmt, unbatched)


def check_scale_and_translate(images_shape, output_shape, spatial_dims, method) -> None:
    check_choice(method, SCALE_METHODS, "scale_and_translate", "method")
    if len(output_shape) != len(images_shape):
        raise ValueError(f"scale_and_translate: output_shape must have one size per axis of images "
                         f"(rank {len(images_shape)}), got {tuple(output_shape)}.")


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    images = _tensor(images)
    output_shape = tuple(int(d) for d in output_shape)
    spatial_dims = tuple(int(d) % len(images.shape) for d in spatial_dims)
    check_scale_and_translate(tuple(images.shape), output_shape, spatial_dims, method)
    x, dtype = _as_float(images)
    scale, translation = _tensor(scale), _tensor(translation)
    scales = [scale[i] for i in range(len(spatial_dims))]
    shifts = [translation[i] for i in range(len(spatial_dims))]
    out_sizes = [output_shape[d] for d in spatial_dims]
    x = _resample(x, spatial_dims, out_sizes, _KERNEL_OF_METHOD[method], antialias, scales, shifts)
    return _restore_dtype(x, dtype)


# --- sampling (jax.scipy.ndimage.map_coordinates semantics) ---


def _fix_index(index, size: int, mode: str):
    if mode in ("constant", "nearest"):
        return K.clip(index, 0, size - 1)
    if mode == "wrap":
        return K.mod(index, size)
    if mode == "mirror":
        return _mirror(index, size)
    return K.floor_divide(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)


def _mirror(index, size: int):
    period = size - 1
    if period == 0:
        return K.zeros_like(index)
    return K.abs(K.mod(index + period, 2 * period) - period)


def _taps(coordinate, size: int, order: int, mode: str) -> list:
    """[(index, weight or None, valid or None)] for one axis: the samples a coordinate reads."""
    if order == 0:
        rounded = K.sign(coordinate) * K.floor(K.abs(coordinate) + 0.5)
        raw = [(K.cast(rounded, "int32"), None)]
    else:
        lower = K.floor(coordinate)
        upper_weight = coordinate - lower
        index = K.cast(lower, "int32")
        raw = [(index, 1.0 - upper_weight), (index + 1, upper_weight)]
    taps = []
    for index, weight in raw:
        valid = K.logical_and(index >= 0, index < size) if mode == "constant" else None
        taps.append((_fix_index(index, size, mode), weight, valid))
    return taps


def _interpolate(gather, taps_per_axis, fill_value):
    """Sum over every combination of taps of weight * gathered value (fill_value where invalid)."""
    out = None
    for combo in itertools.product(*taps_per_axis):
        values = gather([tap[0] for tap in combo])
        valid = None
        for tap in combo:
            if tap[2] is not None:
                valid = tap[2] if valid is None else K.logical_and(valid, tap[2])
        if valid is not None:
            values = K.where(valid, values, K.cast(fill_value, dtypes.standardize_dtype(values.dtype)))
        weight = None
        for tap in combo:
            if tap[1] is not None:
                weight = tap[1] if weight is None else weight * tap[1]
        term = values if weight is None else weight * values
        out = term if out is None else out + term
    return out


def check_map_coordinates(input_shape, coordinates_shape, order, fill_mode) -> None:
    if len(coordinates_shape) < 1 or coordinates_shape[0] != len(input_shape):
        raise ValueError(f"map_coordinates: coordinates must have shape (rank of inputs, ...) = "
                         f"({len(input_shape)}, ...), got shape {tuple(coordinates_shape)}.")
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: order must be 0 or 1, got {order!r}.")
    check_choice(fill_mode, FILL_MODES, "map_coordinates", "fill_mode")


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    inputs = _tensor(inputs)
    if isinstance(coordinates, (list, tuple)):
        coordinates = K.stack([_tensor(c) for c in coordinates])
    coordinates = _tensor(coordinates)
    check_map_coordinates(tuple(inputs.shape), tuple(coordinates.shape), order, fill_mode)
    shape = [int(d) for d in inputs.shape]
    if order == 0:
        x, dtype = inputs, None
        coordinates = K.cast(coordinates, _compute_dtype(dtypes.standardize_dtype(coordinates.dtype)))
    else:
        x, dtype = _as_float(inputs)
        coordinates = K.cast(coordinates, dtypes.standardize_dtype(x.dtype))
    strides = [int(np.prod(shape[i + 1:])) for i in range(len(shape))]
    flat = K.reshape(x, (-1,))

    def gather(indices):
        offset = sum(index * stride for index, stride in zip(indices, strides))
        return K.take(flat, offset)

    taps = [_taps(coordinates[i], size, order, fill_mode) for i, size in enumerate(shape)]
    out = _interpolate(gather, taps, fill_value)
    return out if dtype is None else _restore_dtype(out, dtype)


def _sample(images, ys, xs, order: int, fill_mode: str, fill_value):
    """Sample NHWC ``images`` at float positions ``ys``, ``xs`` of shape (N, H', W')."""
    n, height, width, channels = (int(d) for d in images.shape)
    out_h, out_w = int(ys.shape[1]), int(ys.shape[2])
    flat = K.reshape(images, (n, height * width, channels))

    def gather(indices):
        index = K.reshape(indices[0] * width + indices[1], (n, out_h * out_w, 1))
        index = K.broadcast_to(index, (n, out_h * out_w, channels))
        return K.reshape(K.take_along_axis(flat, index, axis=1), (n, out_h, out_w, channels))

    taps = [_taps(K.expand_dims(c, -1), size, order, fill_mode)
            for c, size in ((ys, height), (xs, width))]
    return _interpolate(gather, taps, fill_value)


def _sample_images(x, coords_fn, interpolation: str, fill_mode: str, fill_value):
    """Shared body of the warping ops: ``coords_fn(dtype)`` gives (ys, xs) for NHWC ``x``."""
    order = SAMPLING_ORDERS[interpolation]
    if order == 0:
        dtype = dtypes.standardize_dtype(x.dtype)
        ys, xs = coords_fn(_compute_dtype(dtype))
        return _sample(x, ys, xs, 0, fill_mode, fill_value)
    x, dtype = _as_float(x)
    ys, xs = coords_fn(dtypes.standardize_dtype(x.dtype))
    return _restore_dtype(_sample(x, ys, xs, 1, fill_mode, fill_value), dtype)


def _projective_coords(transform, n: int, height: int, width: int, dtype: str):
    """Input positions (ys, xs), shape (n, H, W), of the projective ``transform`` (n or 1, 8)."""
    transform = K.cast(transform, dtype)
    grid_y, grid_x = K.meshgrid(K.arange(height, dtype=dtype), K.arange(width, dtype=dtype),
                                indexing="ij")
    a0, a1, a2, b0, b1, b2, c0, c1 = (transform[:, i][:, None, None] for i in range(8))
    k = c0 * grid_x + c1 * grid_y + 1.0
    xs = (a0 * grid_x + a1 * grid_y + a2) / k
    ys = (b0 * grid_x + b1 * grid_y + b2) / k
    return K.broadcast_to(ys, (n, height, width)), K.broadcast_to(xs, (n, height, width))


def check_transform(images_shape, transform_shape) -> None:
    check_rank(images_shape, "affine_transform")
    if len(transform_shape) not in (1, 2) or transform_shape[-1] not in (8, None):
        raise ValueError(f"affine_transform: transform must have shape (8,) or (batch, 8), "
                         f"got {tuple(transform_shape)}.")


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    images, transform = _tensor(images), _tensor(transform)
    fmt = data_format_of(data_format, "affine_transform")
    check_transform(tuple(images.shape), tuple(transform.shape))
    check_choice(interpolation, SAMPLING_ORDERS, "affine_transform", "interpolation")
    check_choice(fill_mode, FILL_MODES, "affine_transform", "fill_mode")
    x, unbatched = _channels_last(images, fmt)
    if len(transform.shape) == 1:
        transform = transform[None, :]
    n, height, width = int(x.shape[0]), int(x.shape[1]), int(x.shape[2])

    def coords(dtype):
        return _projective_coords(transform, n, height, width, dtype)

    x = _sample_images(x, coords, interpolation, fill_mode, fill_value)
    return _restore_layout(x, fmt, unbatched)


def check_points(images_shape, start_shape, end_shape) -> None:
    check_rank(images_shape, "perspective_transform")
    for name, shape in (("start_points", start_shape), ("end_points", end_shape)):
        if len(shape) not in (2, 3) or tuple(shape[-2:]) != (4, 2):
            raise ValueError(f"perspective_transform: {name} must have shape (4, 2) or (batch, 4, 2), "
                             f"got {tuple(shape)}.")


def homography(start_points, end_points, solve, dtype: str):
    """(batch, 8) projective transforms taking each end point to its start point."""
    start, end = K.cast(start_points, dtype), K.cast(end_points, dtype)
    x, y = end[..., 0], end[..., 1]
    u, v = start[..., 0], start[..., 1]
    zeros, ones = K.zeros_like(x), K.ones_like(x)
    rows_u = K.stack([x, y, ones, zeros, zeros, zeros, -u * x, -u * y], axis=-1)
    rows_v = K.stack([zeros, zeros, zeros, x, y, ones, -v * x, -v * y], axis=-1)
    matrix = K.concatenate([rows_u, rows_v], axis=-2)
    rhs = K.concatenate([u, v], axis=-1)[..., None]
    return solve(matrix, rhs)[..., 0]


def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None, *, solve):
    images = _tensor(images)
    start_points, end_points = _tensor(start_points), _tensor(end_points)
    fmt = data_format_of(data_format, "perspective_transform")
    check_points(tuple(images.shape), tuple(start_points.shape), tuple(end_points.shape))
    check_choice(interpolation, SAMPLING_ORDERS, "perspective_transform", "interpolation")
    x, unbatched = _channels_last(images, fmt)
    if len(start_points.shape) == 2:
        start_points = start_points[None]
    if len(end_points.shape) == 2:
        end_points = end_points[None]
    n, height, width = int(x.shape[0]), int(x.shape[1]), int(x.shape[2])

    def coords(dtype):
        transform = homography(start_points, end_points, solve, dtypes.result_type(dtype, "float32"))
        return _projective_coords(transform, n, height, width, dtype)

    x = _sample_images(x, coords, interpolation, "constant", fill_value)
    return _restore_layout(x, fmt, unbatched)


# --- filters: separable convolutions as banded matrices ---


def _filter_matrix(size: int, taps: np.ndarray, padding: str) -> np.ndarray:
    """(size, size) matrix of a centred 1-D correlation with ``taps`` ("zeros" or "edge" padding)."""
    matrix = np.zeros((size, size), dtype=np.float64)
    half = (len(taps) - 1) // 2
    for out in range(size):
        for t, tap in enumerate(taps):
            src = out + t - half
            if padding == "edge":
                src = min(max(src, 0), size - 1)
            if 0 <= src < size:
                matrix[src, out] += tap
    return matrix


def _valid_matrix(size: int, taps: np.ndarray) -> np.ndarray:
    """(size, size - len(taps) + 1) matrix of a 1-D correlation without padding."""
    out_size = size - len(taps) + 1
    matrix = np.zeros((size, out_size), dtype=np.float64)
    for out in range(out_size):
        matrix[out:out + len(taps), out] = taps
    return matrix


def gaussian_taps(size: int, sigma: float) -> np.ndarray:
    offsets = np.arange(size, dtype=np.float64) - (size - 1) / 2
    taps = np.exp(-0.5 * (offsets / float(sigma)) ** 2)
    return taps / taps.sum()


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    images = _tensor(images)
    fmt = data_format_of(data_format, "gaussian_blur")
    check_rank(tuple(images.shape), "gaussian_blur")
    kernel_size = int_tuple(kernel_size, 2, "gaussian_blur", "kernel_size")
    sigma = (sigma, sigma) if isinstance(sigma, (int, float)) else tuple(sigma)
    x, unbatched = _channels_last(images, fmt)
    x, dtype = _as_float(x)
    # Keras's order: kernel_size[0] and sigma[0] act along the width, [1] along the height.
    for axis, size, s in ((2, kernel_size[0], sigma[0]), (1, kernel_size[1], sigma[1])):
        x = _apply_matrix(x, axis, _filter_matrix(int(x.shape[axis]), gaussian_taps(size, s), "zeros"))
    return _restore_layout(_restore_dtype(x, dtype), fmt, unbatched)


_SOBEL_SMOOTH = np.array([1.0, 2.0, 1.0])
_SOBEL_DIFF = np.array([-1.0, 0.0, 1.0])


def sobel_edges(images, data_format=None):
    images = _tensor(images)
    fmt = data_format_of(data_format, "sobel_edges")
    check_rank(tuple(images.shape), "sobel_edges")
    x, unbatched = _channels_last(images, fmt)
    x, dtype = _as_float(x)
    height, width = int(x.shape[1]), int(x.shape[2])

    def separable(taps_y, taps_x):
        y = _apply_matrix(x, 1, _filter_matrix(height, taps_y, "edge"))
        return _apply_matrix(y, 2, _filter_matrix(width, taps_x, "edge"))

    edges = K.stack([separable(_SOBEL_DIFF, _SOBEL_SMOOTH), separable(_SOBEL_SMOOTH, _SOBEL_DIFF)],
                    axis=-1)
    edges = _restore_dtype(edges, dtype)
    if fmt == "channels_first":
        edges = K.moveaxis(edges, 3, 1)
    return K.squeeze(edges, 0) if unbatched else edges


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    image1, image2 = _tensor(image1), _tensor(image2)
    fmt = data_format_of(data_format, "ssim")
    check_ssim(tuple(image1.shape), tuple(image2.shape))
    dtype = _compute_dtype(dtypes.result_type(image1.dtype, image2.dtype))
    x, unbatched = _channels_last(K.cast(image1, dtype), fmt)
    y, _ = _channels_last(K.cast(image2, dtype), fmt)
    height, width = int(x.shape[1]), int(x.shape[2])
    size = min(int(filter_size), height, width)
    taps = gaussian_taps(size, filter_sigma)
    rows, cols = _valid_matrix(height, taps), _valid_matrix(width, taps)

    def blur(t):
        return _apply_matrix(_apply_matrix(t, 1, rows), 2, cols)

    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mean_x, mean_y = blur(x), blur(y)
    num0 = 2.0 * mean_x * mean_y
    den0 = mean_x * mean_x + mean_y * mean_y
    luminance = (num0 + c1) / (den0 + c1)
    structure = (2.0 * blur(x * y) - num0 + c2) / (blur(x * x + y * y) - den0 + c2)
    values = K.mean(luminance * structure, axis=(1, 2, 3))
    return values[0] if unbatched else values


def check_ssim(shape1, shape2) -> None:
    check_rank(shape1, "ssim", "image1")
    if len(shape1) != len(shape2) or any(a is not None and b is not None and a != b
                                         for a, b in zip(shape1, shape2)):
        raise ValueError(f"ssim: image1 and image2 must have the same shape, got {tuple(shape1)} "
                         f"and {tuple(shape2)}.")


# --- colour spaces ---


def check_channels(shape, fmt: str, op: str, allowed=(3,)) -> None:
    channels = shape[channel_axis(len(shape), fmt)]
    if channels is not None and channels not in allowed:
        raise ValueError(f"{op}: images must have {' or '.join(map(str, allowed))} channels, "
                         f"got {channels} (shape {tuple(shape)}, {fmt}).")


def check_float(dtype, op: str) -> None:
    if not dtypes.is_float_dtype(dtypes.standardize_dtype(dtype)):
        raise ValueError(f"{op}: images must have a float dtype, got {dtypes.standardize_dtype(dtype)}.")


_GRAY_WEIGHTS = np.array([0.2989, 0.5870, 0.1140])


def rgb_to_grayscale(images, data_format=None):
    images = _tensor(images)
    fmt = data_format_of(data_format, "rgb_to_grayscale")
    check_rank(tuple(images.shape), "rgb_to_grayscale")
    check_channels(tuple(images.shape), fmt, "rgb_to_grayscale", (1, 3))
    axis = channel_axis(len(images.shape), fmt)
    if int(images.shape[axis]) == 1:
        return images
    x, dtype = _as_float(images)
    return _restore_dtype(_apply_matrix(x, axis, _GRAY_WEIGHTS[:, None]), dtype)


def _split_channels(images, op: str, data_format):
    images = _tensor(images)
    fmt = data_format_of(data_format, op)
    check_rank(tuple(images.shape), op)
    check_float(images.dtype, op)
    check_channels(tuple(images.shape), fmt, op)
    axis = channel_axis(len(images.shape), fmt)
    return [K.take(images, i, axis=axis) for i in range(3)], axis


def rgb_to_hsv(images, data_format=None):
    (red, green, blue), axis = _split_channels(images, "rgb_to_hsv", data_format)
    value = K.maximum(K.maximum(red, green), blue)
    spread = value - K.minimum(K.minimum(red, green), blue)
    safe_value = K.where(value > 0, value, K.ones_like(value))
    saturation = K.where(value > 0, spread / safe_value, K.zeros_like(value))
    norm = 1.0 / (6.0 * K.where(spread > 0, spread, K.ones_like(spread)))
    hue = K.where(value == green, norm * (blue - red) + 2.0 / 6.0, norm * (red - green) + 4.0 / 6.0)
    hue = K.where(value == red, norm * (green - blue), hue)
    hue = K.where(spread > 0, hue, K.zeros_like(hue))
    hue = K.where(hue < 0, hue + 1.0, hue)
    return K.stack([hue, saturation, value], axis=axis)


def hsv_to_rgb(images, data_format=None):
    (hue, saturation, value), axis = _split_channels(images, "hsv_to_rgb", data_format)
    sector = K.mod(hue, 1.0) * 6.0
    red = K.clip(K.abs(sector - 3.0) - 1.0, 0.0, 1.0)
    green = K.clip(2.0 - K.abs(sector - 2.0), 0.0, 1.0)
    blue = K.clip(2.0 - K.abs(sector - 4.0), 0.0, 1.0)
    grey = 1.0 - saturation
    return K.stack([value * (grey + saturation * c) for c in (red, green, blue)], axis=axis)


# --- cropping, padding, patches ---


def box_sides(size, before, after, target, op: str, names: tuple) -> tuple:
    """(before, after) from exactly two of before/after/target; checks they fit ``size``."""
    given = (before, after, target)
    if sum(v is None for v in given) != 1:
        raise ValueError(f"{op}: exactly two of {', '.join(names)} must be given, got "
                         f"{', '.join(f'{n}={v!r}' for n, v in zip(names, given))}.")
    for name, v in zip(names, given):
        if v is not None and (not isinstance(v, (int, np.integer)) or v < 0):
            raise ValueError(f"{op}: {name} must be a non-negative int, got {v!r}.")
    if size is None:
        return before, after
    if op == "crop_images":
        before = size - target - after if before is None else before
        after = size - target - before if after is None else after
    else:
        before = target - size - after if before is None else before
        after = target - size - before if after is None else after
    if before < 0 or after < 0 or (op == "crop_images" and before + after >= size):
        raise ValueError(f"{op}: {', '.join(f'{n}={v!r}' for n, v in zip(names, given))} do not fit "
                         f"an image side of {size}.")
    return before, after


def box(shape, fmt: str, op: str, top, left, bottom, right, target_h, target_w) -> tuple:
    kind = "cropping" if op == "crop_images" else "padding"
    h_axis, w_axis = spatial_axes(len(shape), fmt)
    top, bottom = box_sides(shape[h_axis], top, bottom, target_h, op,
                            (f"top_{kind}", f"bottom_{kind}", "target_height"))
    left, right = box_sides(shape[w_axis], left, right, target_w, op,
                            (f"left_{kind}", f"right_{kind}", "target_width"))
    return (top, bottom), (left, right)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    images = _tensor(images)
    fmt = data_format_of(data_format, "crop_images")
    shape = tuple(int(d) for d in images.shape)
    check_rank(shape, "crop_images")
    (top, bottom), (left, right) = box(shape, fmt, "crop_images", top_cropping, left_cropping,
                                       bottom_cropping, right_cropping, target_height, target_width)
    index = [slice(None)] * len(shape)
    h_axis, w_axis = spatial_axes(len(shape), fmt)
    index[h_axis] = slice(top, shape[h_axis] - bottom)
    index[w_axis] = slice(left, shape[w_axis] - right)
    return images[tuple(index)]


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    images = _tensor(images)
    fmt = data_format_of(data_format, "pad_images")
    shape = tuple(int(d) for d in images.shape)
    check_rank(shape, "pad_images")
    rows, cols = box(shape, fmt, "pad_images", top_padding, left_padding, bottom_padding,
                     right_padding, target_height, target_width)
    widths = [(0, 0)] * len(shape)
    h_axis, w_axis = spatial_axes(len(shape), fmt)
    widths[h_axis], widths[w_axis] = rows, cols
    return K.pad(images, widths)


def patch_geometry(spatial, size, strides, dilation_rate, padding, op: str) -> tuple:
    """(out_sizes, pads_before, pads_after) of patch extraction over the ``spatial`` sizes."""
    n = len(spatial)
    size = int_tuple(size, n, op, "size")
    strides = size if strides is None else int_tuple(strides, n, op, "strides")
    dilation = int_tuple(dilation_rate, n, op, "dilation_rate")
    padding = padding.lower() if isinstance(padding, str) else padding
    check_choice(padding, ("valid", "same"), op, "padding")
    outs, before, after = [], [], []
    for length, k, s, d in zip(spatial, size, strides, dilation):
        span = (k - 1) * d + 1
        if length is None:
            outs.append(None)
            before.append(0)
            after.append(0)
            continue
        out = -(-length // s) if padding == "same" else (length - span) // s + 1
        total = max((out - 1) * s + span - length, 0) if padding == "same" else 0
        outs.append(max(out, 0))
        before.append(total // 2)
        after.append(total - total // 2)
    return tuple(outs), tuple(before), tuple(after), size, strides, dilation


def _patches(x, n: int, size, strides, dilation_rate, padding, op: str):
    """Patches of channels-last batched ``x`` with ``n`` spatial dims: (N, *out, prod(size)*C)."""
    spatial = tuple(int(d) for d in x.shape[1:1 + n])
    outs, before, after, size, strides, dilation = patch_geometry(
        spatial, size, strides, dilation_rate, padding, op)
    if any(before) or any(after):
        x = K.pad(x, [(0, 0)] + list(zip(before, after)) + [(0, 0)])
    pieces = []
    for offsets in itertools.product(*(range(k) for k in size)):
        index = [slice(None)]
        for o, out, s, d in zip(offsets, outs, strides, dilation):
            index.append(slice(o * d, o * d + (out - 1) * s + 1, s))
        pieces.append(x[tuple(index)])
    stacked = K.stack(pieces, axis=-2)
    return K.reshape(stacked, (int(x.shape[0]),) + outs + (-1,))


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    images = _tensor(images)
    fmt = data_format_of(data_format, "extract_patches")
    check_rank(tuple(images.shape), "extract_patches")
    x, unbatched = _channels_last(images, fmt)
    x = _patches(x, 2, size, strides, dilation_rate, padding, "extract_patches")
    return _restore_layout(x, fmt, unbatched)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    volumes = _tensor(volumes)
    fmt = data_format_of(data_format, "extract_patches_3d")
    check_rank(tuple(volumes.shape), "extract_patches_3d", "volumes", (4, 5))
    x, unbatched = _channels_last(volumes, fmt, 3)
    x = _patches(x, 3, size, strides, dilation_rate, padding, "extract_patches_3d")
    return _restore_layout(x, fmt, unbatched)


# --- elastic deformation ---


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                      fill_value=0.0, seed=None, data_format=None):
    images = _tensor(images)
    noise = elastic_noise(images, seed, data_format)
    return elastic_warp(images, noise, alpha, sigma, interpolation, fill_mode, fill_value,
                        data_format)


def elastic_noise(images, seed, data_format):
    """Standard normal noise (2 * batch, height, width, 1): the raw y and x displacements."""
    import kc.random

    fmt = data_format_of(data_format, "elastic_transform")
    shape = tuple(int(d) for d in images.shape)
    check_rank(shape, "elastic_transform")
    height, width = (shape[a] for a in spatial_axes(len(shape), fmt))
    n = shape[0] if len(shape) == 4 else 1
    dtype = _compute_dtype(dtypes.standardize_dtype(images.dtype))
    return kc.random.normal((2 * n, height, width, 1), dtype=dtype, seed=seed)


def elastic_warp(images, noise, alpha=20.0, sigma=5.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, data_format=None):
    """The deterministic part of `elastic_transform`: blur ``noise``, scale it, resample."""
    images = _tensor(images)
    fmt = data_format_of(data_format, "elastic_transform")
    check_rank(tuple(images.shape), "elastic_transform")
    check_choice(interpolation, SAMPLING_ORDERS, "elastic_transform", "interpolation")
    check_choice(fill_mode, FILL_MODES, "elastic_transform", "fill_mode")
    x, unbatched = _channels_last(images, fmt)
    n, height, width = int(x.shape[0]), int(x.shape[1]), int(x.shape[2])
    kernel = int(6 * float(sigma)) | 1

    def coords(dtype):
        field = gaussian_blur(K.cast(noise, dtype), (kernel, kernel), (float(sigma), float(sigma)),
                              "channels_last")
        dy, dx = field[:n, ..., 0] * alpha, field[n:, ..., 0] * alpha
        grid_y, grid_x = K.meshgrid(K.arange(height, dtype=dtype), K.arange(width, dtype=dtype),
                                    indexing="ij")
        ys = K.clip(grid_y[None] + dy, 0.0, float(height - 1))
        xs = K.clip(grid_x[None] + dx, 0.0, float(width - 1))
        return ys, xs

    x = _sample_images(x, coords, interpolation, fill_mode, fill_value)
    return _restore_layout(x, fmt, unbatched)


# --- binding into a backend ---------------------------------------------------------------------

SHARED_OPS = ("affine_transform", "crop_images", "elastic_transform", "extract_patches", "extract_patches_3d",
              "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images", "resize", "rgb_to_grayscale",
              "rgb_to_hsv", "scale_and_translate", "sobel_edges", "ssim")
__all__ = list(SHARED_OPS)  # what a backend's ``from kc.backend.common.image import *`` takes as is


def perspective_transform_with(solve):
    """`perspective_transform` for one backend: homographies are solved with its ``solve``."""

    def bound(images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None):
        return perspective_transform(images, start_points, end_points, interpolation, fill_value,
                                     data_format, solve=solve)

    bound.__name__ = bound.__qualname__ = "perspective_transform"
    return bound
