"""`get_data_adapter`: pick the adapter for a data source."""

from __future__ import annotations

import warnings

from kc import tree
from kc.data import _sources as src
from kc.data._adapter import DataAdapter
from kc.data._array import ArrayDataAdapter, check_shuffle
from kc.data._generator import GeneratorDataAdapter
from kc.data._packing import check_class_weight
from kc.data._py_dataset import PyDataset, PyDatasetAdapter


def _reject_targets(kind: str, y, sample_weight, container: str) -> None:
    if y is not None:
        raise ValueError(f"When providing `x` as {kind}, `y` should not be passed. Instead, the "
                         f"targets should be included as part of the {container}.")
    if sample_weight is not None:
        raise ValueError(f"When providing `x` as {kind}, `sample_weight` should not be passed. "
                         f"Instead, the sample weights should be included as part of the "
                         f"{container}.")


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                     shuffle=False, class_weight=None) -> DataAdapter:
    """The `DataAdapter` for ``x`` (and ``y``, ``sample_weight`` for in-memory arrays).

    Sources: structures of NumPy arrays / pandas objects / jax, torch, tf
    tensors / scipy.sparse / tf.SparseTensor (`ArrayDataAdapter`);
    ``tf.data.Dataset``; torch ``DataLoader`` and ``Dataset`` (a Dataset is
    batched by a DataLoader with ``batch_size``, default 32); `PyDataset`;
    Python generators and iterators. An existing `DataAdapter` is returned as is.

    Raises:
        TypeError: ``x`` is of no accepted type (the error is also a ValueError,
            which Keras 3 raises).
        ValueError: ``y``/``sample_weight`` given with a dataset or generator;
            ``class_weight`` with a generator; arrays of different lengths.

    Example:
        >>> adapter = get_data_adapter(np.zeros((100, 3)), np.zeros(100), batch_size=32)
        >>> adapter.num_batches
        4
    """
    check_shuffle(shuffle, "get_data_adapter")
    if isinstance(x, DataAdapter):
        return x
    if isinstance(x, PyDataset):
        _reject_targets("a PyDataset", y, sample_weight, "PyDataset")
        check_class_weight(class_weight, None, None, "get_data_adapter")
        return PyDatasetAdapter(x, shuffle=shuffle, class_weight=class_weight)
    if src.is_tf_dataset(x):
        _reject_targets("a tf.data.Dataset", y, sample_weight, "tf.data.Dataset")
        check_class_weight(class_weight, None, None, "get_data_adapter")
        from kc.data._tf_dataset import TFDatasetAdapter

        return TFDatasetAdapter(x, class_weight=class_weight)
    if src.is_torch_dataloader(x) or src.is_torch_dataset(x):
        _reject_targets("a torch DataLoader", y, sample_weight, "torch DataLoader")
        check_class_weight(class_weight, None, None, "get_data_adapter")
        from kc.data._torch import TorchDataLoaderAdapter, dataloader_for_dataset

        if not src.is_torch_dataloader(x):
            x = dataloader_for_dataset(x, batch_size, shuffle)
        return TorchDataLoaderAdapter(x, class_weight=class_weight)
    if _is_array_structure(x):
        return ArrayDataAdapter(x, y, sample_weight=sample_weight, batch_size=batch_size,
                                steps_per_epoch=steps_per_epoch, shuffle=shuffle,
                                class_weight=class_weight)
    if src.is_iterator(x):
        _reject_targets("a generator", y, sample_weight, "generator")
        if class_weight is not None:
            raise ValueError("Argument `class_weight` is not supported for Python generator "
                             f"inputs. Received: class_weight={class_weight!r}")
        if shuffle:
            warnings.warn("`shuffle=True` was passed, but will be ignored since the data `x` was "
                          "provided as a generator. The generator is expected to yield "
                          "already-shuffled data.", stacklevel=2)
        return GeneratorDataAdapter(x)
    raise src.UnsupportedDataError(
        f"get_data_adapter: unrecognized data type for `x`: {type(x).__module__}."
        f"{type(x).__qualname__} (value {x!r:.80}). Accepted: {src.ACCEPTED}.")


def _is_array_structure(x) -> bool:
    if src.is_array_like(x):
        return True
    if not isinstance(x, (tuple, list, dict)):
        return False
    leaves = tree.flatten(x)
    return bool(leaves) and all(leaf is None or src.is_array_like(leaf) for leaf in leaves)
