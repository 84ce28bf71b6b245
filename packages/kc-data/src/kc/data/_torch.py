"""`TorchDataLoaderAdapter`: torch DataLoaders (and Datasets, batched by a DataLoader)."""

from __future__ import annotations

import torch.utils.data

from kc.data._adapter import DataAdapter, map_closing
from kc.data._convert import batch_to_numpy
from kc.data._packing import apply_class_weight, list_to_tuple


class IterableBatches(torch.utils.data.IterableDataset):
    """An IterableDataset over ``make_batches()`` (already batched), with a length when known."""

    def __init__(self, make_batches, num_batches=None):
        self._make_batches = make_batches
        self._num_batches = num_batches

    def __iter__(self):
        return iter(self._make_batches())

    def __len__(self):
        if self._num_batches is None:
            raise TypeError("this kc batch stream has no known length")
        return self._num_batches


def dataloader_for_dataset(dataset, batch_size=None, shuffle=False):
    """A DataLoader batching a torch Dataset (``batch_size`` default 32, as for arrays)."""
    iterable = isinstance(dataset, torch.utils.data.IterableDataset)
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size or 32,
                                       shuffle=bool(shuffle) and not iterable)


class TorchDataLoaderAdapter(DataAdapter):
    """Batches from a ``torch.utils.data.DataLoader`` (it batches and shuffles itself).

    On the torch backend batches stay torch tensors (moved to kc's device);
    other backends get them through DLPack (jax, tensorflow) or ``.numpy()``.
    """

    def __init__(self, dataloader, class_weight=None):
        self._dataloader = dataloader
        self._class_weight = class_weight

    def _length(self):
        try:
            return len(self._dataloader.dataset)
        except TypeError:
            return None

    @property
    def num_batches(self):
        try:
            return len(self._dataloader)
        except TypeError:
            return None

    @property
    def batch_size(self):
        return self._dataloader.batch_size

    @property
    def has_partial_batch(self):
        n, bs = self._length(), self.batch_size
        if n is None or not bs:
            return None
        return n % bs != 0 and not self._dataloader.drop_last

    @property
    def partial_batch_size(self):
        n, bs = self._length(), self.batch_size
        if not self.has_partial_batch:
            return None
        return n % bs

    def _native_batches(self):
        cw = self._class_weight
        for batch in self._dataloader:
            batch = list_to_tuple(batch)
            yield batch if cw is None else apply_class_weight(batch_to_numpy(batch), cw)

    def get_numpy_iterator(self):
        return map_closing(batch_to_numpy, self._native_batches())

    def get_torch_dataloader(self):
        if self._class_weight is None:
            return self._dataloader
        return super().get_torch_dataloader()
