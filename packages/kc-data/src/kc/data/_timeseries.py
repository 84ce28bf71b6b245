"""`timeseries_dataset_from_array`: sliding windows over an array as a tf.data.Dataset."""

from __future__ import annotations

import numpy as np

from kc.data._tf_support import check_format, require_tensorflow

_WHERE = "timeseries_dataset_from_array"


def timeseries_dataset_from_array(data, targets, sequence_length: int, sequence_stride: int = 1,
                                  sampling_rate: int = 1, batch_size: int | None = 128,
                                  shuffle: bool = False, seed: int | None = None,
                                  start_index: int | None = None, end_index: int | None = None,
                                  format: str = "tf"):
    """Windows of ``sequence_length`` timesteps over ``data``, batched, as a tf.data.Dataset.

    Window ``i`` starts at ``start_index + i * sequence_stride`` and takes every
    ``sampling_rate``-th timestep; its target is ``targets[start_index + i * sequence_stride]``.
    Windows that would run past ``end_index`` are dropped. With ``shuffle=True``
    the windows' order is the same as Keras 3's for the same ``seed``.

    Args:
        data: array or list of timesteps (axis 0 is time).
        targets: array of targets aligned with ``data``, or None for windows only.
        sequence_length: number of timesteps per window.
        sequence_stride: step between the starts of consecutive windows.
        sampling_rate: step between timesteps inside a window.
        batch_size: windows per batch; None yields single windows.
        shuffle: shuffle the windows.
        seed: shuffling seed.
        start_index: first timestep used (default 0).
        end_index: timestep before which the data ends (default ``len(data)``).
        format: ``"tf"`` (``"grain"`` is not supported yet).

    Returns:
        A tf.data.Dataset of ``windows`` or ``(windows, targets)``.

    Example:
        >>> ds = kc.utils.timeseries_dataset_from_array(np.arange(10), None, 3, batch_size=2)
        >>> [b.numpy().tolist() for b in ds][0]
        [[0, 1, 2], [1, 2, 3]]
    """
    check_format(_WHERE, format)
    tf = require_tensorflow(_WHERE)
    if sampling_rate <= 0:
        raise ValueError(f"{_WHERE}: `sampling_rate` must be > 0, got {sampling_rate}.")
    if sequence_stride <= 0:
        raise ValueError(f"{_WHERE}: `sequence_stride` must be > 0, got {sequence_stride}.")
    length = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"{_WHERE}: `start_index` must be >= 0, got {start_index}.")
        if start_index >= length:
            raise ValueError(f"{_WHERE}: `start_index` must be lower than the length of the "
                             f"data ({length}), got {start_index}.")
    else:
        start_index = 0
    if end_index:
        if end_index <= start_index:
            raise ValueError(f"{_WHERE}: `end_index` must be higher than `start_index` "
                             f"({start_index}), got {end_index}.")
        if end_index >= length:
            raise ValueError(f"{_WHERE}: `end_index` must be lower than the length of the "
                             f"data ({length}), got {end_index}.")
    else:
        end_index = length

    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    index_dtype = "int32" if num_seqs < 2**31 - 1 else "int64"
    starts = np.arange(0, max(num_seqs, 0), sequence_stride, dtype=index_dtype)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1_000_000)
        np.random.RandomState(seed).shuffle(starts)

    offsets = tf.range(0, sequence_length * sampling_rate, sampling_rate, dtype=index_dtype)
    # The data travels as one dataset element (repeated), not as a graph constant.
    values = tf.data.Dataset.from_tensors(_as_tensor(tf, data, start_index, end_index)).repeat()
    start_ds = tf.data.Dataset.from_tensor_slices(starts)
    windows = tf.data.Dataset.zip((values, start_ds)).map(
        lambda v, s: tf.gather(v, s + offsets), num_parallel_calls=tf.data.AUTOTUNE)
    if targets is not None:
        target_values = tf.data.Dataset.from_tensors(
            _as_tensor(tf, targets, start_index, end_index)).repeat()
        picked = tf.data.Dataset.zip((target_values, start_ds)).map(
            lambda v, s: tf.gather(v, s), num_parallel_calls=tf.data.AUTOTUNE)
        dataset = tf.data.Dataset.zip((windows, picked))
    else:
        dataset = windows
    if shuffle:
        dataset = dataset.shuffle(buffer_size=batch_size * 8 if batch_size else 1024, seed=seed)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.prefetch(tf.data.AUTOTUNE)


def _as_tensor(tf, array, start, end):
    return tf.convert_to_tensor(array[start:end])
