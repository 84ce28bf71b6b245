"""`DataAdapter`: the interface every data source is turned into."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from kc import tree
from kc.data._convert import Converter, batch_to_numpy


class DataAdapter:
    """Base class of kc's adapters: one data source, iterated as batches.

    Subclasses implement `get_numpy_iterator` (and may override the other
    iterators with faster or zero-copy paths). The Keras 3 interface, plus
    `get_backend_iterator`, which yields the active backend's native tensors.

    Properties that a source cannot know (e.g. the length of a generator) are
    ``None`` (Keras 3 raises NotImplementedError for some of them).
    """

    # --- iterators -------------------------------------------------------------------------

    def get_numpy_iterator(self) -> Iterator:
        """Batches (nested structures) of NumPy arrays, for one epoch."""
        raise NotImplementedError(f"{type(self).__name__}.get_numpy_iterator")

    def get_backend_iterator(self) -> Iterator:
        """Batches of the active backend's native tensors on its current device, for one epoch.

        Hand-over is zero-copy where the source and backend allow it (see
        `kc.data._convert`): e.g. NumPy -> torch via ``torch.from_numpy``,
        torch -> jax via DLPack.
        """
        convert = Converter()
        return map_closing(lambda batch: tree.map_structure(convert, batch), self._native_batches())

    def _native_batches(self) -> Iterator:
        """Batches in the source's own tensor types (default: NumPy)."""
        return self.get_numpy_iterator()

    def get_jax_iterator(self) -> Iterator:
        """Batches for JAX: NumPy arrays, as Keras 3 (JAX takes them without a copy step)."""
        return self.get_numpy_iterator()

    def get_tf_dataset(self):
        """The batches as a ``tf.data.Dataset`` (one epoch per iteration of the dataset)."""
        import tensorflow as tf

        first = self._peek_numpy()
        if first is None:
            raise ValueError(f"{type(self).__name__}.get_tf_dataset: the data holds no batches.")
        relaxed = self._relaxed_tf_shapes
        signature = tree.map_structure(lambda a: _tf_spec(a, relaxed), first)
        flat_sig = tree.flatten(signature)

        def gen():
            for batch in self.get_numpy_iterator():
                yield tuple(tree.flatten(batch))

        ds = tf.data.Dataset.from_generator(gen, output_signature=tuple(flat_sig))
        return ds.map(lambda *flat: tree.pack_sequence_as(signature, list(flat)))

    def get_torch_dataloader(self):
        """The batches as a ``torch.utils.data.DataLoader`` of torch tensors (``batch_size=None``)."""
        import torch

        from kc.data._torch import IterableBatches

        def batches():
            for batch in self.get_numpy_iterator():
                yield tree.map_structure(
                    lambda a: torch.from_numpy(np.array(a)) if isinstance(a, np.ndarray) else a,
                    batch)

        return torch.utils.data.DataLoader(IterableBatches(batches, self.num_batches),
                                           batch_size=None)

    def _peek_numpy(self):
        """The first NumPy batch (used to build tf signatures), or None when empty."""
        it = iter(self.get_numpy_iterator())
        try:
            return next(it, None)
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    # Sources whose batches may vary beyond the batch axis (generators) get all-None tf shapes.
    _relaxed_tf_shapes = True

    # --- sizes -----------------------------------------------------------------------------

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch, or None when unknown or infinite."""
        return None

    @property
    def batch_size(self) -> int | None:
        """Batch size, or None when the source batches itself and does not say."""
        return None

    @property
    def has_partial_batch(self) -> bool | None:
        """Whether the last batch of an epoch is smaller (None when unknown)."""
        return None

    @property
    def partial_batch_size(self) -> int | None:
        """Size of the last, partial batch (None when there is none or it is unknown)."""
        return None

    # --- epoch hooks -----------------------------------------------------------------------

    def on_epoch_begin(self) -> None:
        """Called by `EpochIterator` before each epoch."""

    def on_epoch_end(self) -> None:
        """Called by `EpochIterator` after each epoch."""


def _tf_spec(a, relaxed: bool):
    import tensorflow as tf

    a = np.asarray(a)
    if relaxed:
        shape = (None,) * a.ndim
    else:
        shape = (None,) + tuple(a.shape[1:]) if a.ndim else ()
    dtype = tf.string if a.dtype.kind in "USO" else tf.as_dtype(a.dtype)
    return tf.TensorSpec(shape, dtype)


def map_closing(fn, batches):
    """``fn`` over an iterator of batches; closing the result closes ``batches`` at once
    (so that a PyDataset's workers stop when a consumer stops early)."""
    try:
        for batch in batches:
            yield fn(batch)
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()
