"""`EpochIterator`: the batches of each epoch, grouped for multi-step execution."""

from __future__ import annotations

import warnings

from kc.data._get_adapter import get_data_adapter

_RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset or "
            "generator can generate at least `steps_per_epoch * epochs` batches. You may need to "
            "use the `.repeat()` function when building your dataset.")


class EpochIterator:
    """Iterates a data source epoch by epoch for a fit/evaluate/predict loop.

    Wraps `get_data_adapter` (same arguments) and yields, per epoch,
    ``(begin_step, end_step, batches)``: ``batches`` is a list of up to
    ``steps_per_execution`` batches (the active backend's native tensors),
    covering steps ``begin_step..end_step`` inclusive (``end_step =
    begin_step + len(batches) - 1``; only the last group of an epoch may be
    shorter).

    Epoch rules (as Keras 3):
      * ``steps_per_epoch=None``: one full pass over the data per epoch,
        restarted (and reshuffled) each epoch.
      * ``steps_per_epoch`` set: exactly that many steps per epoch; the
        iterator carries over between epochs, so a source longer than
        ``steps_per_epoch`` is consumed across epochs. A source that ends
        at an epoch's start is restarted (when it can be: arrays, PyDataset,
        tf.data, DataLoader; a generator cannot). A source that ends within
        an epoch ends that epoch early with a UserWarning ("ran out of
        data") and `ran_out_of_data` set; the next epoch starts afresh.
      * Infinite sources (``tf.data`` with ``.repeat()``, infinite generators
        or PyDatasets) need ``steps_per_epoch``.
      * A source that yields no batch at all in its first epoch raises
        ValueError instead of running empty.

    The adapter's ``on_epoch_begin``/``on_epoch_end`` (and so a PyDataset's)
    are called around each epoch. Leaving an epoch early (``break``) is
    safe: call `reset` (or start the next epoch) and workers are shut down.

    Subclasses (e.g. a trainer wanting NumPy or a tf.data pipeline) may
    override `_make_iterator`.

    Example:
        >>> it = EpochIterator(np.zeros((10, 2)), np.zeros(10), batch_size=4)
        >>> for begin, end, batches in it.enumerate_epoch():
        ...     print(begin, end, len(batches))
        0 0 1
        1 1 1
        2 2 1
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                 shuffle=False, class_weight=None, steps_per_execution=1):
        if steps_per_epoch is not None and (not isinstance(steps_per_epoch, int)
                                            or steps_per_epoch < 1):
            raise ValueError("EpochIterator: `steps_per_epoch` must be a positive integer or "
                             f"None, got {steps_per_epoch!r}.")
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError("EpochIterator: `steps_per_execution` must be a positive integer, "
                             f"got {steps_per_execution!r}.")
        self.data_adapter = get_data_adapter(x, y, sample_weight=sample_weight,
                                             batch_size=batch_size,
                                             steps_per_epoch=steps_per_epoch, shuffle=shuffle,
                                             class_weight=class_weight)
        self.steps_per_epoch = steps_per_epoch
        self.steps_per_execution = steps_per_execution
        self.ran_out_of_data = False
        self._iterator = None
        self._seen_any = False

    @property
    def num_batches(self) -> int | None:
        """Steps per epoch: ``steps_per_epoch`` if set, else the adapter's (None if unknown)."""
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        return self.data_adapter.num_batches

    def _make_iterator(self):
        return iter(self.data_adapter.get_backend_iterator())

    def reset(self) -> None:
        """Drop the current iterator (closing it: PyDataset workers stop)."""
        if self._iterator is not None:
            close = getattr(self._iterator, "close", None)
            if close is not None:
                close()
        self._iterator = None
        self.ran_out_of_data = False

    def _next_group(self, want: int, restartable: bool):
        """Up to ``want`` batches; a fresh iterator once when it ends before the first batch."""
        batches = []
        while len(batches) < want:
            if self._iterator is None:
                self._iterator = self._make_iterator()
            try:
                batches.append(next(self._iterator))
            except StopIteration:
                self._iterator = None
                if restartable:
                    restartable = False
                    continue
                return batches, True
            restartable = False
        return batches, False

    def enumerate_epoch(self):
        """One epoch of ``(begin_step, end_step, batches)``; see the class docstring."""
        spe, group = self.steps_per_epoch, self.steps_per_execution
        self.ran_out_of_data = False
        if spe is None:
            self.reset()
        self.data_adapter.on_epoch_begin()
        step = 0
        exhausted = False
        # Only a carried-over iterator that ends right at an epoch's start is restarted.
        restartable = spe is not None and self._iterator is not None and \
            not _is_generator_adapter(self.data_adapter)
        try:
            while spe is None or step < spe:
                want = group if spe is None else min(group, spe - step)
                batches, exhausted = self._next_group(want, restartable)
                restartable = False
                if batches:
                    self._seen_any = True
                    yield step, step + len(batches) - 1, batches
                    step += len(batches)
                if exhausted:
                    break
        except GeneratorExit:
            self.reset()
            raise
        if not self._seen_any:
            raise ValueError("EpochIterator: the data yielded no batches (it is empty). Check the "
                             "dataset/generator (e.g. a filter removing everything, or fewer "
                             "samples than needed).")
        if exhausted and (spe is not None or step == 0):
            self.ran_out_of_data = True
            warnings.warn(_RAN_OUT, stacklevel=2)
        self.data_adapter.on_epoch_end()


def _is_generator_adapter(adapter) -> bool:
    from kc.data._generator import GeneratorDataAdapter

    return isinstance(adapter, GeneratorDataAdapter)
