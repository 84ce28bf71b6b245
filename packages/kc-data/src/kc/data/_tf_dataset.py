"""`TFDatasetAdapter`: a `tf.data.Dataset` of batches."""

from __future__ import annotations

from kc.data._adapter import DataAdapter, map_closing
from kc.data._convert import batch_to_numpy
from kc.data._packing import apply_class_weight, list_to_tuple


class TFDatasetAdapter(DataAdapter):
    """Batches from a batched ``tf.data.Dataset`` (it batches and shuffles itself).

    On the tensorflow backend batches stay tf tensors; other backends get
    them through DLPack where possible (SparseTensors are densified).
    ``class_weight`` maps ``(x, y)`` to ``(x, y, weights)``.
    """

    def __init__(self, dataset, class_weight=None):
        self._dataset = dataset
        self._class_weight = class_weight

    @property
    def num_batches(self):
        import tensorflow as tf

        n = int(self._dataset.cardinality())
        return None if n in (int(tf.data.INFINITE_CARDINALITY), int(tf.data.UNKNOWN_CARDINALITY)) \
            else n

    def _native_batches(self):
        cw = self._class_weight
        for batch in self._dataset:
            batch = list_to_tuple(batch)
            yield batch if cw is None else apply_class_weight(batch_to_numpy(batch), cw)

    def get_numpy_iterator(self):
        return map_closing(batch_to_numpy, self._native_batches())

    def get_tf_dataset(self):
        if self._class_weight is None:
            return self._dataset
        return super().get_tf_dataset()
