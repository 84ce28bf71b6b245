"""image_, text_ and audio_dataset_from_directory: a folder of files as a tf.data.Dataset.

Files are decoded in Python (Pillow for images, the standard `wave` module for
WAV) inside the tf.data pipeline; resizing uses `tf.image.resize`, as Keras 3.
"""

from __future__ import annotations

import numpy as np

from kc import config
from kc.data import _directory as _dir
from kc.data._tf_support import check_format, require_tensorflow

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
TEXT_FORMATS = (".txt",)
AUDIO_FORMATS = (".wav",)
_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                 color_mode="rgb", batch_size=32, image_size=(256, 256),
                                 shuffle=True, seed=None, validation_split=None, subset=None,
                                 interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                                 data_format=None, format="tf", verbose=True):
    """Images in ``directory`` (one subdirectory per class) as a tf.data.Dataset.

    Yields ``(images, labels)`` batches: images float32 (or the file's dtype
    with ``interpolation="nearest"``) of shape ``(batch, height, width, channels)``;
    labels int32 (``"int"``), one-hot float32 (``"categorical"``) or float32 of
    shape (batch, 1) (``"binary"``). The dataset has ``class_names`` and
    ``file_paths`` attributes. Images are decoded with Pillow: PNG, BMP and GIF
    values equal Keras 3's; JPEG may differ by a few levels (another libjpeg set-up)
    and grayscale from colour files by one level (ITU-R 601 luma).

    Args:
        directory: root folder.
        labels: "inferred" (from subdirectories), None, or one integer per file
            in sorted file order.
        label_mode: "int", "categorical", "binary" or None.
        class_names: explicit order (a subset) of the subdirectories.
        color_mode: "grayscale", "rgb" or "rgba".
        batch_size: images per batch; None yields single images.
        image_size: (height, width) to resize to.
        shuffle: shuffle the files (the same order as Keras 3 for a given seed).
        seed: shuffling and splitting seed.
        validation_split: fraction kept for validation (the last files).
        subset: "training", "validation" or "both" (returns [train, val]).
        interpolation: method of `tf.image.resize`.
        follow_links: follow symbolic links to subdirectories.
        crop_to_aspect_ratio: crop the centre to the target aspect ratio first.
        pad_to_aspect_ratio: pad with zeros to the target aspect ratio first.
        data_format: "channels_last" or "channels_first"; default the global one.
        format: "tf" ("grain" is not supported yet).
        verbose: print how many files were found.

    Returns:
        A tf.data.Dataset, or a list of two for subset="both".

    Example:
        >>> ds = kc.utils.image_dataset_from_directory("photos", image_size=(64, 64))
        >>> ds.class_names
        ['cat', 'dog']
    """
    where = "image_dataset_from_directory"
    check_format(where, format)
    if color_mode not in _CHANNELS:
        raise ValueError(f"{where}: `color_mode` must be one of {tuple(_CHANNELS)}, got "
                         f"{color_mode!r}.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{where}: only one of `crop_to_aspect_ratio` and "
                         "`pad_to_aspect_ratio` may be True.")
    if not (isinstance(image_size, (tuple, list)) and len(image_size) == 2):
        raise ValueError(f"{where}: `image_size` must be (height, width), got {image_size!r}.")
    data_format = config.standardize_data_format(data_format)
    tf = require_tensorflow(where)
    labels, label_mode = _no_labels(labels, label_mode)
    _dir.check_arguments(where, labels, label_mode, class_names, validation_split, subset,
                         shuffle, seed)
    paths, label_array, class_names, seed = _dir.index_directory(
        where, directory, labels, IMAGE_FORMATS, class_names, shuffle, seed, follow_links,
        verbose)
    _dir.resolve_labels(where, labels, label_mode, class_names)
    channels = _CHANNELS[color_mode]
    height, width = int(image_size[0]), int(image_size[1])

    def decode(path):
        return _read_image(path, color_mode, crop_to_aspect_ratio, height, width)

    def load(path):
        img = tf.numpy_function(decode, [path], tf.uint8, stateful=False)
        img.set_shape((None, None, channels))
        if pad_to_aspect_ratio:  # fit inside, then pad with zeros (as Keras 3)
            img = tf.image.resize_with_pad(img, height, width, method=interpolation)
        else:
            img = tf.image.resize(img, (height, width), method=interpolation)
        img.set_shape((height, width, channels))
        return tf.transpose(img, (2, 0, 1)) if data_format == "channels_first" else img

    def finish(ds):
        return ds.batch(batch_size) if batch_size is not None else ds

    return _dir.build(tf, where, directory, paths, label_array, label_mode, class_names, load,
                      subset, validation_split, shuffle, seed, batch_size, finish, verbose,
                      IMAGE_FORMATS, "images")


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                batch_size=32, max_length=None, shuffle=True, seed=None,
                                validation_split=None, subset=None, follow_links=False,
                                format="tf", verbose=True):
    """``.txt`` files in ``directory`` (one subdirectory per class) as a tf.data.Dataset.

    Yields ``(texts, labels)``: tf.string tensors (each file's whole content, or
    its first ``max_length`` bytes) and labels as in `image_dataset_from_directory`.

    Args:
        directory: root folder.
        labels, label_mode, class_names, batch_size, shuffle, seed, validation_split,
            subset, follow_links, format, verbose: as in `image_dataset_from_directory`.
        max_length: keep at most this many bytes of each text.

    Returns:
        A tf.data.Dataset, or a list of two for subset="both".

    Example:
        >>> ds = kc.utils.text_dataset_from_directory("reviews", batch_size=8)
    """
    where = "text_dataset_from_directory"
    check_format(where, format)
    tf = require_tensorflow(where)
    labels, label_mode = _no_labels(labels, label_mode)
    _dir.check_arguments(where, labels, label_mode, class_names, validation_split, subset,
                         shuffle, seed)
    paths, label_array, class_names, seed = _dir.index_directory(
        where, directory, labels, TEXT_FORMATS, class_names, shuffle, seed, follow_links,
        verbose)
    _dir.resolve_labels(where, labels, label_mode, class_names)

    def load(path):
        text = tf.io.read_file(path)
        return text if max_length is None else tf.strings.substr(text, 0, max_length)

    def finish(ds):
        return ds.batch(batch_size) if batch_size is not None else ds

    return _dir.build(tf, where, directory, paths, label_array, label_mode, class_names, load,
                      subset, validation_split, shuffle, seed, batch_size, finish, verbose,
                      TEXT_FORMATS, "text files")


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                 batch_size=32, sampling_rate=None, output_sequence_length=None,
                                 ragged=False, shuffle=True, seed=None, validation_split=None,
                                 subset=None, follow_links=False, verbose=True):
    """``.wav`` files in ``directory`` (one subdirectory per class) as a tf.data.Dataset.

    Yields ``(audio, labels)``: float32 audio of shape (batch, samples, channels),
    PCM scaled to [-1, 1) (16-bit: x / 32768, as Keras 3). Without
    ``output_sequence_length`` a batch is zero-padded to its longest clip (or is a
    RaggedTensor with ``ragged=True``). kc resamples with
    ``scipy.signal.resample_poly`` where Keras 3 needs tensorflow-io (so resampled
    values differ from Keras's).

    Args:
        directory: root folder.
        labels, label_mode, class_names, batch_size, shuffle, seed, validation_split,
            subset, follow_links, verbose: as in `image_dataset_from_directory`.
        sampling_rate: resample every clip to this rate (Hz).
        output_sequence_length: truncate or zero-pad every clip to this many samples.
        ragged: yield ragged batches instead of padded ones.

    Returns:
        A tf.data.Dataset, or a list of two for subset="both".

    Example:
        >>> ds = kc.utils.audio_dataset_from_directory("speech", output_sequence_length=16000)
    """
    where = "audio_dataset_from_directory"
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int):
            raise ValueError(f"{where}: `sampling_rate` must be an integer, got {sampling_rate!r}.")
        if sampling_rate <= 0:
            raise ValueError(f"{where}: `sampling_rate` must be > 0, got {sampling_rate}.")
    if ragged and output_sequence_length is not None:
        raise ValueError(f"{where}: `ragged=True` and `output_sequence_length` cannot be set "
                         "together.")
    tf = require_tensorflow(where)
    labels, label_mode = _no_labels(labels, label_mode)
    _dir.check_arguments(where, labels, label_mode, class_names, validation_split, subset,
                         shuffle, seed)
    paths, label_array, class_names, seed = _dir.index_directory(
        where, directory, labels, AUDIO_FORMATS, class_names, shuffle, seed, follow_links,
        verbose)
    _dir.resolve_labels(where, labels, label_mode, class_names)
    length = output_sequence_length if output_sequence_length and output_sequence_length > 0 \
        else None

    def decode(path):
        return _read_wav(path, sampling_rate, length)

    def load(path):
        audio = tf.numpy_function(decode, [path], tf.float32, stateful=False)
        audio.set_shape((length, None))
        return tf.RaggedTensor.from_tensor(audio) if ragged else audio

    def finish(ds):
        if batch_size is None:
            return ds
        if length is None and not ragged:
            return ds.padded_batch(batch_size)
        return ds.batch(batch_size)

    return _dir.build(tf, where, directory, paths, label_array, label_mode, class_names, load,
                      subset, validation_split, shuffle, seed, batch_size, finish, verbose,
                      AUDIO_FORMATS, "audio files")


def _no_labels(labels, label_mode):
    if labels is None or label_mode is None:
        return None, None
    return labels, label_mode


def _read_image(path, color_mode, crop, height, width) -> np.ndarray:
    from PIL import Image

    with Image.open(path.decode() if isinstance(path, bytes) else path) as img:
        if color_mode == "grayscale" and img.format == "JPEG":
            img.draft("L", img.size)  # libjpeg's own luma, as TensorFlow's decoder
        mode = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}[color_mode]
        array = np.asarray(img.convert(mode) if img.mode != mode else img, dtype=np.uint8)
    if array.ndim == 2:
        array = array[..., None]
    h, w = array.shape[:2]
    if crop:
        crop_h = max(min(h, int(w * height / width)), 1)
        crop_w = max(min(w, int(h * width / height)), 1)
        top, left = int((h - crop_h) / 2), int((w - crop_w) / 2)
        array = array[top:top + crop_h, left:left + crop_w]
    return np.ascontiguousarray(array)


def _read_wav(path, sampling_rate, length) -> np.ndarray:
    import wave

    with wave.open(path.decode() if isinstance(path, bytes) else path, "rb") as f:
        channels, width, rate = f.getnchannels(), f.getsampwidth(), f.getframerate()
        raw = f.readframes(f.getnframes())
    if width == 1:
        audio = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128) / 128
    elif width == 2:
        audio = np.frombuffer(raw, "<i2").astype(np.float32) / 32768
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        audio = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8).astype(np.float32)
        audio /= 2**23
    else:
        audio = np.frombuffer(raw, "<i4").astype(np.float32) / 2**31
    audio = audio.reshape(-1, channels)
    if sampling_rate is not None and sampling_rate != rate:
        try:
            from scipy.signal import resample_poly
        except ImportError as e:
            raise ImportError("audio_dataset_from_directory: `sampling_rate` needs SciPy to "
                              "resample: `pip install scipy`.") from e
        g = np.gcd(sampling_rate, rate)
        audio = resample_poly(audio, sampling_rate // g, rate // g, axis=0).astype(np.float32)
    if length is not None:
        audio = audio[:length]
        if audio.shape[0] < length:
            audio = np.concatenate([audio, np.zeros((length - audio.shape[0], channels),
                                                    np.float32)])
    return np.ascontiguousarray(audio, dtype=np.float32)
