"""`PyDataset` (alias `Sequence`): indexable batches, loaded by threads or processes."""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np

from kc.data._adapter import DataAdapter, map_closing
from kc.data._convert import batch_to_numpy
from kc.data._generator import StructureChecker
from kc.data._packing import apply_class_weight, list_to_tuple


class PyDataset:
    """Base class for datasets served batch by batch: subclass it, define `__getitem__` and `__len__`.

    ``dataset[i]`` returns batch ``i`` as ``x``, ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)`` (NumPy arrays or any backend's tensors).
    ``__len__`` gives the batches per epoch; leave it out (or make
    `num_batches` return None) for an infinite dataset.

    Batches are loaded ahead of use by ``workers`` threads, or processes
    with ``use_multiprocessing=True`` (then ``__getitem__`` should use NumPy,
    not a deep-learning framework, and the dataset is forked into the workers
    once per epoch). At most ``max_queue_size`` batches are loaded ahead. An
    exception in a worker is re-raised in the caller, with a note naming the
    batch (and, for processes, the worker's traceback chained as its cause).

    Args:
        workers: number of workers (1: load in the calling thread).
        use_multiprocessing: processes instead of threads.
        max_queue_size: batches loaded ahead at most.

    Example:
        >>> class Squares(PyDataset):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...     def __len__(self):
        ...         return 3
        ...     def __getitem__(self, i):
        ...         x = np.full((4, 1), i, "float32")
        ...         return x, x**2
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False,
                 max_queue_size: int = 10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        if not hasattr(self, "_workers"):
            warnings.warn(f"{type(self).__name__} should call `super().__init__(**kwargs)` in its "
                          "constructor (kwargs: workers, use_multiprocessing, max_queue_size); "
                          "using the defaults.", stacklevel=3)
            self._workers, self._use_multiprocessing, self._max_queue_size = 1, False, 10

    @property
    def workers(self) -> int:
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index).")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__ (or a num_batches "
                                  "property returning None for an infinite dataset).")

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch: ``len(self)``, or None (infinite) when `__len__` is not defined."""
        if type(self).__len__ is PyDataset.__len__:
            return None
        return len(self)

    def on_epoch_begin(self):
        """Called at the start of each epoch."""

    def on_epoch_end(self):
        """Called at the end of each epoch (e.g. to reshuffle)."""


Sequence = PyDataset

# The dataset a worker process serves (set by its initializer; inherited through fork).
_WORKER_DATASET = None


def _init_worker(dataset):
    global _WORKER_DATASET
    _WORKER_DATASET = dataset


def _worker_getitem(index):
    return _WORKER_DATASET[index]


def _process_context():
    methods = multiprocessing.get_all_start_methods()
    # fork: the dataset (even a class defined in a test or a notebook) reaches the workers
    # without pickling. Elsewhere spawn, which needs an importable, picklable dataset.
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class PyDatasetAdapter(DataAdapter):
    """Batches from a `PyDataset`, loaded in order by its workers.

    ``shuffle`` (True or "batch") permutes the batch order each epoch.
    ``class_weight`` turns ``(x, y)`` batches into ``(x, y, weights)``.
    """

    def __init__(self, dataset: PyDataset, shuffle=False, class_weight=None):
        self.py_dataset = dataset
        self._shuffle = bool(shuffle)
        self._class_weight = class_weight
        self._check = StructureChecker(f"PyDataset {type(dataset).__name__}")
        self._executor = None
        dataset._warn_if_super_not_called()

    @property
    def num_batches(self):
        return self.py_dataset.num_batches

    def on_epoch_begin(self):
        self.py_dataset.on_epoch_begin()

    def on_epoch_end(self):
        self.py_dataset.on_epoch_end()

    def _indices(self):
        n = self.py_dataset.num_batches
        if n is None:
            return itertools.count()
        order = np.arange(n)
        if self._shuffle:
            np.random.shuffle(order)
        return (int(i) for i in order)

    def _standardize(self, batch, index):
        batch = list_to_tuple(batch)
        if not isinstance(batch, tuple):
            batch = (batch,)
        batch = self._check(batch, index)
        if self._class_weight is not None:
            batch = apply_class_weight(batch_to_numpy(batch), self._class_weight)
        return batch

    def _native_batches(self):
        ds = self.py_dataset
        indices = self._indices()
        if ds.workers <= 1 and not ds.use_multiprocessing:
            for i in indices:
                yield self._standardize(ds[i], i)
            return
        yield from self._prefetched(indices)

    def _prefetched(self, indices):
        ds = self.py_dataset
        workers = max(1, int(ds.workers))
        if ds.use_multiprocessing:
            executor = ProcessPoolExecutor(workers, mp_context=_process_context(),
                                           initializer=_init_worker, initargs=(ds,))
            load = _worker_getitem
        else:
            executor = ThreadPoolExecutor(workers, thread_name_prefix="kc-pydataset")
            load = ds.__getitem__
        self._executor = executor
        pending = collections.deque()
        depth = max(1, int(ds.max_queue_size or 1))
        try:
            for i in itertools.islice(indices, depth):
                pending.append((i, executor.submit(load, i)))
            while pending:
                i, future = pending.popleft()
                try:
                    batch = future.result()
                except BaseException as e:
                    if hasattr(e, "add_note"):
                        kind = "process" if ds.use_multiprocessing else "thread"
                        e.add_note(f"(raised in a PyDataset worker {kind} while loading batch {i} "
                                   f"of {type(ds).__name__})")
                    raise
                for j in itertools.islice(indices, 1):
                    pending.append((j, executor.submit(load, j)))
                yield self._standardize(batch, i)
        finally:
            for _, future in pending:
                future.cancel()
            executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def get_numpy_iterator(self):
        return map_closing(batch_to_numpy, self._native_batches())
