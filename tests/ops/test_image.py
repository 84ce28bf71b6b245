"""kc.ops.image against NumPy references written here (direct formulas and loops)."""

from __future__ import annotations

import colorsys
import itertools
import math

import numpy as np
import pytest
from kc_testing import BACKEND, assert_close, backend_gradient, compiled, dtype_name, numeric_gradient, to_numpy

import kc
from kc.ops import image as kimg

RNG = np.random.default_rng(7)
IMAGES = RNG.random((2, 5, 6, 3)).astype("float32")
GRAY = RNG.random((1, 4, 5, 1)).astype("float32")
F32 = dict(rtol=1e-5, atol=2e-5)  # float32 results of short matrix products vs float64 references


# --- NumPy references ---


def _triangle(x):
    return max(0.0, 1.0 - x)


def _keys_cubic(x):
    if x < 1:
        return (1.5 * x - 2.5) * x * x + 1
    return ((-0.5 * x + 2.5) * x - 4) * x + 2 if x < 2 else 0.0


def _lanczos(radius):
    def kernel(x):
        return float(np.sinc(x) * np.sinc(x / radius)) if x < radius else 0.0
    return kernel


KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3),
           "lanczos5": _lanczos(5)}


def ref_weights(n_in, n_out, kernel, antialias, scale=None, shift=0.0):
    """out[o] = sum_i w[i, o] in[i]: sample position (o + 0.5 - shift) / scale - 0.5."""
    scale = n_out / n_in if scale is None else scale
    widen = max(1 / scale, 1.0) if antialias else 1.0
    w = np.zeros((n_in, n_out))
    for o in range(n_out):
        s = (o + 0.5 - shift) / scale - 0.5
        if not -0.5 <= s <= n_in - 0.5:
            continue
        col = np.array([kernel(abs(s - i) / widen) for i in range(n_in)])
        w[:, o] = col / col.sum()
    return w


def ref_resize(x, size, interpolation="bilinear", antialias=False):
    """NHWC resize with half-pixel centres."""
    x = x.astype(np.float64)
    if interpolation == "nearest":
        rows = [int(math.floor((o + 0.5) * x.shape[1] / size[0])) for o in range(size[0])]
        cols = [int(math.floor((o + 0.5) * x.shape[2] / size[1])) for o in range(size[1])]
        return x[:, rows][:, :, cols]
    kernel = KERNELS[interpolation]
    x = np.einsum("nhwc,hH->nHwc", x, ref_weights(x.shape[1], size[0], kernel, antialias))
    return np.einsum("nhwc,wW->nhWc", x, ref_weights(x.shape[2], size[1], kernel, antialias))


_NP_PAD_MODE = {"nearest": "edge", "wrap": "wrap", "mirror": "reflect", "reflect": "symmetric"}


def ref_map_coordinates(x, coords, order, mode="constant", cval=0.0):
    """Per-point sampling of ``x`` padded far enough by np.pad in ``mode``."""
    pad = 12
    if mode == "constant":
        padded = np.pad(x.astype(np.float64), pad, mode="constant", constant_values=cval)
    else:
        padded = np.pad(x.astype(np.float64), pad, mode=_NP_PAD_MODE[mode])
    out = np.zeros(coords.shape[1:])
    for pos in itertools.product(*(range(n) for n in coords.shape[1:])):
        c = coords[(slice(None),) + pos].astype(np.float64) + pad
        if order == 0:
            out[pos] = padded[tuple(int(np.floor(v + 0.5)) for v in c)]
            continue
        low = np.floor(c).astype(int)
        frac = c - low
        total = 0.0
        for corner in itertools.product((0, 1), repeat=len(c)):
            weight = np.prod([f if k else 1 - f for f, k in zip(frac, corner)])
            total += weight * padded[tuple(low + np.array(corner))]
        out[pos] = total
    return out


def ref_correlate(x, kernel, pad_mode):
    """'same' 2-D correlation of each NHWC channel ("constant" zero or "edge" padding)."""
    kh, kw = kernel.shape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    padded = np.pad(x.astype(np.float64), [(0, 0), (top, kh - 1 - top), (left, kw - 1 - left),
                                           (0, 0)], mode=pad_mode)
    out = np.zeros(x.shape)
    for i, j in itertools.product(range(x.shape[1]), range(x.shape[2])):
        out[:, i, j] = np.einsum("nhwc,hw->nc", padded[:, i:i + kh, j:j + kw], kernel)
    return out


def gauss1d(size, sigma):
    t = np.exp(-0.5 * ((np.arange(size) - (size - 1) / 2) / sigma) ** 2)
    return t / t.sum()


def ref_patches(x, size, stride, dilation=1):
    n, h, w, c = x.shape
    span_h, span_w = (size[0] - 1) * dilation + 1, (size[1] - 1) * dilation + 1
    rows, cols = (h - span_h) // stride[0] + 1, (w - span_w) // stride[1] + 1
    out = np.zeros((n, rows, cols, size[0] * size[1] * c), x.dtype)
    for r, q in itertools.product(range(rows), range(cols)):
        patch = x[:, r * stride[0]:r * stride[0] + span_h:dilation,
                  q * stride[1]:q * stride[1] + span_w:dilation]
        out[:, r, q] = patch.reshape(n, -1)
    return out


def ref_ssim(a, b, max_val, size, sigma, k1=0.01, k2=0.03):
    g = np.outer(gauss1d(size, sigma), gauss1d(size, sigma))
    n, h, w, c = a.shape

    def blur(t):
        out = np.zeros((n, h - size + 1, w - size + 1, c))
        for i, j in itertools.product(range(h - size + 1), range(w - size + 1)):
            out[:, i, j] = np.einsum("nhwc,hw->nc", t[:, i:i + size, j:j + size], g)
        return out

    a, b = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ma, mb = blur(a), blur(b)
    va, vb, cov = blur(a * a) - ma ** 2, blur(b * b) - mb ** 2, blur(a * b) - ma * mb
    s = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma ** 2 + mb ** 2 + c1) * (va + vb + c2))
    return s.mean(axis=(1, 2, 3))


def shift_image(x, dy, dx):
    """NHWC image moved down by dy and right by dx (integers), zeros coming in."""
    out = np.zeros_like(x)
    h, w = x.shape[1:3]
    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        x[:, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def channels_first(x):
    return np.moveaxis(x, -1, -3)


# --- values: resize ---

RESIZE_CASES = [
    ("nearest", (3, 4), False), ("nearest", (8, 7), False), ("bilinear", (3, 4), False),
    ("bilinear", (7, 8), False), ("bilinear", (3, 2), True), ("bicubic", (7, 4), False),
    ("bicubic", (3, 3), True), ("lanczos3", (4, 8), False), ("lanczos3", (2, 3), True),
    ("lanczos5", (8, 8), False), ("lanczos5", (3, 4), True), ("bilinear", (5, 6), False),
]


@pytest.mark.parametrize("interpolation,size,antialias", RESIZE_CASES)
def test_resize_values(interpolation, size, antialias):
    out = kimg.resize(IMAGES, size, interpolation=interpolation, antialias=antialias)
    assert_close(out, ref_resize(IMAGES, size, interpolation, antialias), "float32", **F32)


def test_resize_layouts():
    expected = ref_resize(IMAGES, (3, 4))
    assert_close(kimg.resize(IMAGES[0], (3, 4)), expected[0], "float32", **F32)
    out = kimg.resize(channels_first(IMAGES), (3, 4), data_format="channels_first")
    assert_close(out, channels_first(expected), "float32", **F32)
    kc.config.set_image_data_format("channels_first")
    try:
        assert_close(kimg.resize(channels_first(IMAGES), (3, 4)), channels_first(expected),
                     "float32", **F32)
    finally:
        kc.config.set_image_data_format("channels_last")


def test_resize_crop_and_pad_to_aspect_ratio():
    # 5x6 -> square: crop keeps the centred 5x5 box, pad adds rows to make it 6x6 (here 0 + 1 ...).
    out = kimg.resize(IMAGES, (5, 5), crop_to_aspect_ratio=True, interpolation="nearest")
    assert_close(out, IMAGES[:, :, 0:5], "float32")
    wide = IMAGES[:, :4]  # 4x6 to a 6x6 output: one row of fill above and below
    out = kimg.resize(wide, (6, 6), pad_to_aspect_ratio=True, fill_value=0.5,
                      interpolation="nearest")
    expected = np.pad(wide, [(0, 0), (1, 1), (0, 0), (0, 0)], constant_values=0.5)
    assert_close(out, expected, "float32")


@pytest.mark.parametrize("dtype", ["int32", "uint8", "float16", "float64"])
def test_resize_dtypes(dtype):
    x = (IMAGES * 200).astype(dtype)
    out = kimg.resize(x, (3, 4))
    expected = ref_resize(x, (3, 4))
    want = "float32" if dtype == "float64" and BACKEND == "jax" and dtype_name(out) == "float32" \
        else dtype
    if dtype in ("int32", "uint8"):
        assert dtype_name(out) == dtype
        # Rounded (ties may go either way in float32) and saturated.
        assert np.abs(to_numpy(out) - np.clip(expected, 0, 255)).max() <= 0.5 + 1e-3
    else:
        assert_close(out, expected, want, rtol=1e-2 if dtype == "float16" else 1e-5, atol=1e-1
                     if dtype == "float16" else 1e-4)


# --- values: warping and sampling ---

AFFINE_CASES = [
    ([1, 0, 0, 0, 1, 0, 0, 0], "bilinear", "constant", lambda x: x),
    ([1, 0, -1, 0, 1, 0, 0, 0], "bilinear", "constant", lambda x: shift_image(x, 0, 1)),
    ([1, 0, 0, 0, 1, 2, 0, 0], "nearest", "constant", lambda x: shift_image(x, -2, 0)),
    ([1, 0, 0, 0, 1, -1, 0, 0], "bilinear", "wrap", lambda x: np.roll(x, 1, axis=1)),
    ([1, 0, 2, 0, 1, 0, 0, 0], "nearest", "nearest",
     lambda x: np.concatenate([x[:, :, 2:], np.repeat(x[:, :, -1:], 2, axis=2)], axis=2)),
    ([1, 0, 0, 0, 1, 0.5, 0, 0], "bilinear", "nearest",
     lambda x: (x + np.concatenate([x[:, 1:], x[:, -1:]], axis=1)) / 2),
]


@pytest.mark.parametrize("transform,interpolation,fill_mode,reference", AFFINE_CASES)
def test_affine_transform_values(transform, interpolation, fill_mode, reference):
    out = kimg.affine_transform(IMAGES, np.array(transform, "float32"), interpolation=interpolation,
                                fill_mode=fill_mode)
    assert_close(out, reference(IMAGES), "float32", **F32)


def test_affine_transform_general_matches_map_coordinates():
    t = np.array([[1.1, 0.2, -1.3, 0.1, 0.9, 0.6, 0.01, 0.02],
                  [0.8, -0.3, 2.2, 0.3, 1.2, -1.7, 0.0, 0.0]], "float32")
    out = kimg.affine_transform(IMAGES, t, fill_mode="reflect", fill_value=0.3)
    ys, xs = np.meshgrid(np.arange(5.0), np.arange(6.0), indexing="ij")
    for b in range(2):
        a0, a1, a2, b0, b1, b2, c0, c1 = t[b].astype(np.float64)
        k = c0 * xs + c1 * ys + 1
        coords = np.stack([(b0 * xs + b1 * ys + b2) / k, (a0 * xs + a1 * ys + a2) / k])
        for c in range(3):
            expected = ref_map_coordinates(IMAGES[b, :, :, c], coords, 1, "reflect")
            assert_close(out[b, :, :, c], expected, "float32", **F32)


def test_affine_transform_layouts_and_constant_fill():
    t = np.array([1, 0, -1, 0, 1, 0, 0, 0], "float32")
    expected = shift_image(IMAGES, 0, 1)
    expected[:, :, 0] = 0.25
    out = kimg.affine_transform(channels_first(IMAGES), t, fill_value=0.25,
                                data_format="channels_first")
    assert_close(out, channels_first(expected), "float32", **F32)
    assert_close(kimg.affine_transform(IMAGES[0], t, fill_value=0.25), expected[0], "float32", **F32)


def test_perspective_transform():
    corners = np.array([[0, 0], [5, 0], [0, 4], [5, 4]], "float32")
    assert_close(kimg.perspective_transform(IMAGES, corners, corners), IMAGES, "float32", **F32)
    # Start points one pixel right of the end points: the output reads one pixel to the right.
    out = kimg.perspective_transform(IMAGES, corners + [1, 0], corners, interpolation="nearest",
                                     fill_value=0.5)
    expected = shift_image(IMAGES, 0, -1)
    expected[:, :, -1] = 0.5
    assert_close(out, expected, "float32", **F32)
    batched = np.stack([corners, corners + [0, 1]])
    out = kimg.perspective_transform(IMAGES, batched, np.stack([corners, corners]))
    assert_close(out[0], IMAGES[0], "float32", **F32)
    assert_close(out[1], shift_image(IMAGES, -1, 0)[1], "float32", **F32)


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_map_coordinates(order, fill_mode):
    x = GRAY[0, :, :, 0]
    coords = RNG.uniform(-4.0, 9.0, (2, 3, 4)).astype("float32")
    out = kimg.map_coordinates(x, coords, order, fill_mode=fill_mode, fill_value=0.7)
    assert_close(out, ref_map_coordinates(x, coords, order, fill_mode, 0.7), "float32", **F32)


def test_map_coordinates_int_and_list_coordinates():
    x = np.arange(12, dtype="int32").reshape(3, 4)
    out = kimg.map_coordinates(x, [[0.0, 2.0, 1.4], [3.0, 0.6, 1.0]], 0)
    assert_close(out, np.array([3, 9, 5], "int32"), "int32")
    out = kimg.map_coordinates(x, [[0.5], [0.5]], 1)  # 2.5 rounds half to even
    assert_close(out, np.array([2], "int32"), "int32")


# --- values: filters, colour, crop/pad, patches, ssim ---


def test_gaussian_blur():
    # kernel_size[0] / sigma[0] act along the width (as in Keras).
    kernel = np.outer(gauss1d(5, 2.0), gauss1d(3, 1.0))
    out = kimg.gaussian_blur(IMAGES, (3, 5), (1.0, 2.0))
    assert_close(out, ref_correlate(IMAGES, kernel, "constant"), "float32", **F32)
    kernel = np.outer(gauss1d(2, 0.7), gauss1d(4, 1.5))
    out = kimg.gaussian_blur(channels_first(IMAGES), (4, 2), (1.5, 0.7), data_format="channels_first")
    assert_close(out, channels_first(ref_correlate(IMAGES, kernel, "constant")), "float32", **F32)


def test_sobel_edges():
    smooth, diff = np.array([1.0, 2.0, 1.0]), np.array([-1.0, 0.0, 1.0])
    expected = np.stack([ref_correlate(IMAGES, np.outer(diff, smooth), "edge"),
                         ref_correlate(IMAGES, np.outer(smooth, diff), "edge")], axis=-1)
    assert_close(kimg.sobel_edges(IMAGES), expected, "float32", **F32)
    out = kimg.sobel_edges(channels_first(IMAGES[0]), data_format="channels_first")
    assert_close(out, np.moveaxis(expected[0], 2, 0), "float32", **F32)


def test_rgb_to_grayscale():
    expected = IMAGES.astype(np.float64) @ np.array([0.2989, 0.5870, 0.1140])
    assert_close(kimg.rgb_to_grayscale(IMAGES), expected[..., None], "float32", **F32)
    out = kimg.rgb_to_grayscale(channels_first(IMAGES), data_format="channels_first")
    assert_close(out, expected[:, None], "float32", **F32)
    ints = np.array([[[10, 20, 30]]], "int32")  # 18.149 -> 18
    assert_close(kimg.rgb_to_grayscale(ints), np.array([[[18]]], "int32"), "int32")
    assert_close(kimg.rgb_to_grayscale(GRAY), GRAY, "float32")


def test_rgb_hsv_round_trip_against_colorsys():
    rgb = RNG.random((2, 3, 3)).astype("float32")
    hsv = np.array([[colorsys.rgb_to_hsv(*p) for p in row] for row in rgb.astype(np.float64)])
    assert_close(kimg.rgb_to_hsv(rgb), hsv, "float32", **F32)
    back = np.array([[colorsys.hsv_to_rgb(*p) for p in row] for row in hsv])
    assert_close(kimg.hsv_to_rgb(hsv.astype("float32")), back, "float32", **F32)
    out = kimg.rgb_to_hsv(np.moveaxis(rgb, -1, 0)[None], data_format="channels_first")
    assert_close(out, np.moveaxis(hsv, -1, 0)[None], "float32", **F32)
    grey = np.full((1, 1, 3), 0.4, "float64")
    assert_close(kimg.rgb_to_hsv(grey), np.array([[[0.0, 0.0, 0.4]]]),
                 "float32" if BACKEND == "jax" and dtype_name(kimg.rgb_to_hsv(grey)) == "float32"
                 else "float64", rtol=1e-6, atol=1e-6)


CROP_PAD_CASES = [
    (dict(top_cropping=1, left_cropping=2, target_height=2, target_width=3), (1, 3, 2, 5)),
    (dict(bottom_cropping=1, right_cropping=0, top_cropping=2, left_cropping=1), (2, 4, 1, 6)),
    (dict(target_height=3, bottom_cropping=2, target_width=6, right_cropping=0), (0, 3, 0, 6)),
]


@pytest.mark.parametrize("kwargs,box", CROP_PAD_CASES)
def test_crop_images(kwargs, box):
    top, bottom, left, right = box
    assert_close(kimg.crop_images(IMAGES, **kwargs), IMAGES[:, top:bottom, left:right], "float32")
    out = kimg.crop_images(channels_first(IMAGES[0]), data_format="channels_first", **kwargs)
    assert_close(out, channels_first(IMAGES[0][top:bottom, left:right]), "float32")


@pytest.mark.parametrize("kwargs,widths", [
    (dict(top_padding=1, left_padding=2, target_height=8, target_width=9), ((1, 2), (2, 1))),
    (dict(bottom_padding=0, right_padding=3, top_padding=2, left_padding=0), ((2, 0), (0, 3))),
])
def test_pad_images(kwargs, widths):
    x = (IMAGES * 10).astype("int32")
    expected = np.pad(x, [(0, 0), widths[0], widths[1], (0, 0)])
    assert_close(kimg.pad_images(x, **kwargs), expected, "int32")
    out = kimg.pad_images(channels_first(x[0]), data_format="channels_first", **kwargs)
    assert_close(out, channels_first(expected[0]), "int32")


@pytest.mark.parametrize("size,strides,dilation", [
    (2, None, 1), ((2, 3), 1, 1), ((3, 2), (2, 1), 1), (2, 1, 2),
])
def test_extract_patches(size, strides, dilation):
    pair = (size, size) if isinstance(size, int) else size
    stride = pair if strides is None else (strides, strides) if isinstance(strides, int) else strides
    expected = ref_patches(IMAGES, pair, stride, dilation)
    out = kimg.extract_patches(IMAGES, size, strides=strides, dilation_rate=dilation)
    assert_close(out, expected, "float32")
    out = kimg.extract_patches(channels_first(IMAGES[0]), size, strides=strides,
                               dilation_rate=dilation, data_format="channels_first")
    assert_close(out, np.moveaxis(expected[0], -1, 0), "float32")


def test_extract_patches_same_padding():
    padded = np.pad(IMAGES, [(0, 0), (0, 1), (0, 0), (0, 0)])  # 5 rows, stride 2: ceil -> 3 rows
    expected = ref_patches(padded, (2, 2), (2, 2))
    assert_close(kimg.extract_patches(IMAGES, 2, padding="same"), expected, "float32")


def test_extract_patches_3d():
    vol = RNG.random((1, 4, 5, 6, 2)).astype("float32")
    out = kimg.extract_patches_3d(vol, (2, 2, 3), strides=(2, 1, 3))
    expected = np.zeros((1, 2, 4, 2, 24), "float32")
    for d, h, w in itertools.product(range(2), range(4), range(2)):
        expected[0, d, h, w] = vol[0, 2 * d:2 * d + 2, h:h + 2, 3 * w:3 * w + 3].reshape(-1)
    assert_close(out, expected, "float32")
    assert_close(kimg.extract_patches_3d(vol[0], (2, 2, 3), strides=(2, 1, 3)), expected[0], "float32")


def test_ssim():
    a = RNG.random((2, 8, 8, 2)).astype("float32")
    b = (a * 0.7 + RNG.random((2, 8, 8, 2)) * 0.3).astype("float32")
    assert_close(kimg.ssim(a, b, filter_size=3), ref_ssim(a, b, 1.0, 3, 1.5), "float32", **F32)
    out = kimg.ssim(a[0] * 255, b[0] * 255, max_val=255.0, filter_size=5, filter_sigma=1.0)
    assert_close(out, ref_ssim(a[:1] * 255, b[:1] * 255, 255.0, 5, 1.0)[0], "float32", rtol=1e-4)
    assert_close(kimg.ssim(a, a), np.ones(2), "float32", **F32)  # window clipped to 8
    assert dtype_name(kimg.ssim(a.astype("int32"), a.astype("int32"))) == "float32"


def test_scale_and_translate():
    scale, shift = np.array([0.6, 1.5], "float32"), np.array([0.3, -0.2], "float32")
    out = kimg.scale_and_translate(IMAGES, (2, 3, 9, 3), scale, shift, (1, 2), "linear")
    rows = ref_weights(5, 3, _triangle, True, 0.6, 0.3)
    cols = ref_weights(6, 9, _triangle, True, 1.5, -0.2)
    expected = np.einsum("nhwc,hH,wW->nHWc", IMAGES.astype(np.float64), rows, cols)
    assert_close(out, expected, "float32", **F32)
    out = kimg.scale_and_translate(IMAGES[0, :, :, 0], (7, 4), [1.4, 0.7], [0.0, 0.5], (0, 1),
                                   "cubic", antialias=False)
    expected = (ref_weights(5, 7, _keys_cubic, False, 1.4, 0.0).T @ IMAGES[0, :, :, 0]
                @ ref_weights(6, 4, _keys_cubic, False, 0.7, 0.5))
    assert_close(out, expected, "float32", **F32)


def test_elastic_transform():
    assert_close(kimg.elastic_transform(IMAGES, alpha=0.0, seed=3), IMAGES, "float32", **F32)
    first = to_numpy(kimg.elastic_transform(IMAGES, alpha=3.0, sigma=1.0, seed=3))
    again = to_numpy(kimg.elastic_transform(IMAGES, alpha=3.0, sigma=1.0, seed=3))
    np.testing.assert_array_equal(first, again)
    assert first.shape == IMAGES.shape and first.dtype == np.float32
    assert not np.allclose(first, IMAGES)
    # Bilinear samples inside the image (coordinates are clipped): convex blends of pixels.
    assert first.min() >= IMAGES.min() - 1e-6 and first.max() <= IMAGES.max() + 1e-6
    ints = kimg.elastic_transform((IMAGES * 100).astype("uint8"), interpolation="nearest", seed=1,
                                  data_format="channels_last")
    assert dtype_name(ints) == "uint8"
    out = kimg.elastic_transform(channels_first(IMAGES[0]), alpha=0.0, seed=1,
                                 data_format="channels_first")
    assert_close(out, channels_first(IMAGES[0]), "float32", **F32)


# --- symbolic shapes ---

SYMBOLIC_CASES = [
    ("resize", (None, 5, 6, 3), dict(size=(3, 4))),
    ("resize", (3, 5, 6), dict(size=(2, 2), data_format="channels_first")),
    ("affine_transform", (None, 5, 6, 3), dict(transform=np.zeros((2, 8), "float32"))),
    ("perspective_transform", (None, 5, 6, 3),
     dict(start_points=[[0, 0], [5, 0], [0, 4], [5, 4]], end_points=[[1, 0], [5, 0], [0, 4], [5, 3]])),
    ("crop_images", (None, 5, 6, 3), dict(top_cropping=1, left_cropping=1, bottom_cropping=1,
                                          right_cropping=2)),
    ("pad_images", (2, None, 6, 3), dict(top_padding=1, left_padding=1, target_height=8,
                                         target_width=9)),
    ("rgb_to_grayscale", (None, 3, 4, 5), dict(data_format="channels_first")),
    ("rgb_to_hsv", (None, 5, 6, 3), {}),
    ("hsv_to_rgb", (5, 6, 3), {}),
    ("extract_patches", (None, 5, 6, 3), dict(size=(2, 3), strides=1)),
    ("extract_patches", (None, 5, 6, 3), dict(size=2, padding="same")),
    ("extract_patches_3d", (None, 4, 5, 6, 2), dict(size=2)),
    ("gaussian_blur", (None, 5, 6, 3), {}),
    ("elastic_transform", (None, 5, 6, 3), dict(seed=1)),
    ("sobel_edges", (None, 5, 6, 3), {}),
    ("scale_and_translate", (2, 5, 6, 3), dict(output_shape=(2, 3, 9, 3), scale=[0.6, 1.5],
                                               translation=[0.0, 0.0], spatial_dims=(1, 2),
                                               method="linear")),
]


@pytest.mark.parametrize("name,shape,kwargs", SYMBOLIC_CASES)
def test_symbolic_shapes(name, shape, kwargs):
    fn = getattr(kimg, name)
    sym = fn(kc.KerasTensor(shape, "float32"), **kwargs)
    concrete = tuple(2 if d is None else d for d in shape)
    eager = fn(RNG.random(concrete).astype("float32"), **kwargs)
    assert sym.dtype == dtype_name(eager)
    assert len(sym.shape) == len(eager.shape)
    for s, e in zip(sym.shape, eager.shape):
        assert s is None or s == e, (sym.shape, tuple(eager.shape))


def test_symbolic_other_ops():
    coords = kimg.map_coordinates(kc.KerasTensor((4, 5), "int32"), kc.KerasTensor((2, 3, 7)), 1)
    assert coords.shape == (3, 7) and coords.dtype == "int32"
    s = kimg.ssim(kc.KerasTensor((None, 8, 8, 1), "uint8"), kc.KerasTensor((None, 8, 8, 1), "uint8"))
    assert s.shape == (None,) and s.dtype == "float32"


# --- compiled functions and gradients ---


def test_inside_jit_or_graph():
    def fn(x):
        return kimg.affine_transform(kimg.resize(x, (4, 4)), [1, 0, 0.5, 0, 1, 0, 0, 0])

    expected = to_numpy(fn(IMAGES))
    out = compiled(fn)(kc.backend.convert_to_tensor(IMAGES))
    assert_close(out, expected, "float32", **F32)


WEIGHTS = RNG.random((1, 3, 4, 1)).astype("float32")


def _weighted(y):
    return kc.ops.multiply(y[:, :3, :4], WEIGHTS)


GRAD_CASES = [
    ("resize", lambda x: _weighted(kimg.resize(x, (3, 4))), GRAY),
    ("resize_bicubic", lambda x: _weighted(kimg.resize(x, (3, 4), interpolation="bicubic")), GRAY),
    ("affine_image", lambda x: _weighted(kimg.affine_transform(x, [1, 0.1, -0.3, 0, 1, 0.4, 0, 0])),
     GRAY),
    ("affine_transform", lambda t: _weighted(kimg.affine_transform(GRAY, t)),
     np.array([1.0, 0.1, -0.3, 0.05, 1.0, 0.4, 0.0, 0.0], "float32")),
]


@pytest.mark.grad
@pytest.mark.parametrize("name,fn,x", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients(name, fn, x):
    np.testing.assert_allclose(backend_gradient(fn, x), numeric_gradient(fn, x, eps=1e-2), rtol=2e-2, atol=2e-3)


# --- errors ---

ERROR_CASES = [
    (lambda: kimg.resize(np.zeros((4, 4)), (2, 2)), "resize", "images"),
    (lambda: kimg.resize(IMAGES, (2, 2), interpolation="area"), "resize", "interpolation"),
    (lambda: kimg.resize(IMAGES, (2,)), "resize", "size"),
    (lambda: kimg.resize(IMAGES, (2, 2), data_format="nhwc"), "resize", "data_format"),
    (lambda: kimg.resize(IMAGES, (2, 2), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
     "resize", "pad_to_aspect_ratio"),
    (lambda: kimg.affine_transform(IMAGES, np.zeros(6)), "affine_transform", "transform"),
    (lambda: kimg.affine_transform(IMAGES, np.zeros(8), fill_mode="edge"), "affine_transform",
     "fill_mode"),
    (lambda: kimg.affine_transform(IMAGES, np.zeros(8), interpolation="bicubic"),
     "affine_transform", "interpolation"),
    (lambda: kimg.perspective_transform(IMAGES, np.zeros((3, 2)), np.zeros((4, 2))),
     "perspective_transform", "start_points"),
    (lambda: kimg.map_coordinates(np.zeros((3, 3)), np.zeros((3, 2)), 1), "map_coordinates",
     "coordinates"),
    (lambda: kimg.map_coordinates(np.zeros((3, 3)), np.zeros((2, 2)), 3), "map_coordinates", "order"),
    (lambda: kimg.crop_images(IMAGES, top_cropping=1), "crop_images", "target_height"),
    (lambda: kimg.crop_images(IMAGES, top_cropping=3, bottom_cropping=2, left_cropping=0,
                              right_cropping=0), "crop_images", "top_cropping"),
    (lambda: kimg.pad_images(IMAGES, top_padding=1, bottom_padding=1, target_height=2,
                             left_padding=0, right_padding=0), "pad_images", "target_height"),
    (lambda: kimg.rgb_to_hsv(IMAGES.astype("int32")), "rgb_to_hsv", "float"),
    (lambda: kimg.hsv_to_rgb(IMAGES[..., :2]), "hsv_to_rgb", "channels"),
    (lambda: kimg.rgb_to_grayscale(IMAGES[..., :2]), "rgb_to_grayscale", "channels"),
    (lambda: kimg.extract_patches(IMAGES, 2, padding="full"), "extract_patches", "padding"),
    (lambda: kimg.extract_patches_3d(IMAGES[0], 2), "extract_patches_3d", "volumes"),
    (lambda: kimg.ssim(IMAGES, IMAGES[:, :4]), "ssim", "image2"),
    (lambda: kimg.scale_and_translate(IMAGES, (2, 3, 3, 3), [1.0, 1.0], [0.0, 0.0], (1, 2),
                                      "nearest"), "scale_and_translate", "method"),
    (lambda: kimg.sobel_edges(kc.KerasTensor((4, 4))), "sobel_edges", "images"),
]


@pytest.mark.parametrize("call,op_name,arg", ERROR_CASES)
def test_errors(call, op_name, arg):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{op_name}:") and arg in message, message
