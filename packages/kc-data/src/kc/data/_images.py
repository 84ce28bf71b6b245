"""Image helpers: load, convert and save images with Pillow; `smart_resize`."""

from __future__ import annotations

import io
import os
import pathlib
import warnings

import numpy as np

from kc import backend, config, ops

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
_COLOR_MODES = ("grayscale", "rgb", "rgba")


def _pil():
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("kc image utilities need Pillow: `pip install pillow`.") from e
    return Image


def _data_format(where: str, data_format):
    if data_format is None:
        return config.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f'{where}: `data_format` must be "channels_first" or "channels_last", '
                         f"got {data_format!r}.")
    return data_format


def load_img(path, color_mode: str = "rgb", target_size: tuple[int, int] | None = None,
             interpolation: str = "nearest", keep_aspect_ratio: bool = False):
    """Load an image file into a PIL image.

    Args:
        path: file path (str or pathlib.Path) or an ``io.BytesIO`` holding the file.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``.
        target_size: ``(height, width)`` to resize to, or None for the file's size.
        interpolation: resampling filter for the resize: one of "nearest",
            "bilinear", "bicubic", "hamming", "box", "lanczos".
        keep_aspect_ratio: crop the centre to the target's aspect ratio before resizing.

    Returns:
        A PIL Image.

    Example:
        >>> img = kc.utils.load_img("cat.png", target_size=(64, 64))
        >>> kc.utils.img_to_array(img).shape
        (64, 64, 3)
    """
    Image = _pil()
    if color_mode not in _COLOR_MODES:
        raise ValueError(f"load_img: `color_mode` must be one of {_COLOR_MODES}, got "
                         f"{color_mode!r}.")
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (str, pathlib.Path, os.PathLike)):
        with open(path, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"load_img: `path` must be a path (str, pathlib.Path) or an io.BytesIO, "
                        f"got {type(path).__name__}.")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif img.mode != "RGB":
        img = img.convert("RGB")
    if target_size is None:
        return img
    size = (int(target_size[1]), int(target_size[0]))  # PIL sizes are (width, height)
    if img.size == size:
        return img
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"load_img: `interpolation` must be one of {_INTERPOLATIONS}, got "
                         f"{interpolation!r}.")
    resample = getattr(Image.Resampling, interpolation.upper())
    box = None
    if keep_aspect_ratio:
        width, height = img.size
        crop_h = min(height, (width * size[1]) // size[0])
        crop_w = min(width, (height * size[0]) // size[1])
        top, left = (height - crop_h) // 2, (width - crop_w) // 2
        box = (left, top, left + crop_w, top + crop_h)
    return img.resize(size, resample, box=box)


def img_to_array(img, data_format: str | None = None, dtype=None) -> np.ndarray:
    """Convert a PIL image to a NumPy array of rank 3.

    Args:
        img: PIL Image.
        data_format: "channels_last" (height, width, channels) or "channels_first";
            default the global image data format.
        dtype: output dtype; default `kc.config.floatx()`.

    Returns:
        NumPy array, with a channels axis of size 1 for single-band images.

    Example:
        >>> kc.utils.img_to_array(img).shape
        (64, 64, 3)
    """
    data_format = _data_format("img_to_array", data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 3:
        return np.transpose(x, (2, 0, 1)) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x[None] if data_format == "channels_first" else x[..., None]
    raise ValueError(f"img_to_array: expected an image of rank 2 or 3, got shape {x.shape}.")


def array_to_img(x, data_format: str | None = None, scale: bool = True, dtype=None):
    """Convert a rank-3 array (one image) to a PIL image.

    Args:
        x: array or backend tensor of shape (height, width, channels) (or
            channels first) with 1, 3 or 4 channels.
        data_format: layout of ``x``; default the global image data format.
        scale: rescale the values linearly to [0, 255] first.
        dtype: dtype the values are read as; default `kc.config.floatx()`.

    Returns:
        A PIL Image: mode "L" (or "I" for one channel with values above 255),
        "RGB" or "RGBA".

    Example:
        >>> kc.utils.array_to_img(np.random.rand(8, 8, 3)).size
        (8, 8)
    """
    Image = _pil()
    data_format = _data_format("array_to_img", data_format)
    if backend.is_tensor(x):
        x = backend.convert_to_numpy(x)
    x = np.asarray(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected one image of rank 3, got shape {x.shape}.")
    if data_format == "channels_first":
        x = np.transpose(x, (1, 2, 0))
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img: images must have 1, 3 or 4 channels, got {channels} "
                     f"(shape {x.shape}, data_format={data_format!r}).")


def save_img(path, x, data_format: str | None = None, file_format: str | None = None,
             scale: bool = True, **kwargs) -> None:
    """Save an array (one image) to an image file.

    Args:
        path: file path or file object.
        x: rank-3 array, as for `array_to_img`.
        data_format: layout of ``x``.
        file_format: format name ("png", "jpeg", ...); default from the path's extension.
        scale: rescale the values to [0, 255] first.
        **kwargs: passed to ``PIL.Image.Image.save``.

    Example:
        >>> kc.utils.save_img("out.png", np.random.rand(8, 8, 3))
    """
    data_format = _data_format("save_img", data_format)
    img = array_to_img(x, data_format=data_format, scale=scale)
    if file_format is None and isinstance(path, (str, os.PathLike)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if img.mode == "RGBA" and file_format in ("jpg", "jpeg"):
        warnings.warn("save_img: JPEG cannot store an alpha channel; saving as RGB.", stacklevel=2)
        img = img.convert("RGB")
    if file_format == "jpg":
        file_format = "jpeg"
    img.save(path, format=file_format or None, **kwargs)


def smart_resize(x, size, interpolation: str = "bilinear", data_format: str = "channels_last",
                 backend_module=None):
    """Resize images to ``size`` without distorting them: crop the centre, then resize.

    The largest centred window with the aspect ratio of ``size`` is cut out and
    resized to ``size``.

    Args:
        x: image (rank 3) or batch of images (rank 4): array or backend tensor.
        size: ``(height, width)``.
        interpolation: as for `kc.ops.image.resize`.
        data_format: "channels_last" or "channels_first".
        backend_module: object with an ``image.resize`` function to use instead of
            `kc.ops` (kc: any module shaped like `kc.ops`).

    Returns:
        The resized images: a NumPy array for NumPy input, else a backend tensor;
        the dtype of ``x``.

    Example:
        >>> kc.preprocessing.image.smart_resize(np.ones((4, 6, 3)), (2, 2)).shape
        (2, 2, 3)
    """
    if len(size) != 2:
        raise ValueError(f"smart_resize: `size` must be (height, width), got {size}.")
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f'smart_resize: `data_format` must be "channels_first" or '
                         f'"channels_last", got {data_format!r}.')
    as_numpy = not backend.is_tensor(x) or isinstance(x, np.ndarray)
    if not backend.is_tensor(x):
        x = np.asarray(x)
    shape = tuple(x.shape)
    if len(shape) not in (3, 4):
        raise ValueError(f"smart_resize: expected an image (height, width, channels) or a batch "
                         f"(batch, height, width, channels), got shape {shape}.")
    h_axis = len(shape) - 3 if data_format == "channels_last" else len(shape) - 2
    height, width = shape[h_axis], shape[h_axis + 1]
    target_h, target_w = size
    crop_h = max(min(height, int(width * target_h / target_w)), 1)
    crop_w = max(min(width, int(height * target_w / target_h)), 1)
    top, left = int((height - crop_h) / 2), int((width - crop_w) / 2)
    index = [slice(None)] * len(shape)
    index[h_axis] = slice(top, top + crop_h)
    index[h_axis + 1] = slice(left, left + crop_w)
    x = x[tuple(index)]
    image_ops = backend_module.image if backend_module is not None else ops.image
    out = image_ops.resize(x, size, interpolation=interpolation, data_format=data_format)
    return backend.convert_to_numpy(out) if as_numpy else out
