"""kc.data.PyDataset: workers (threads, processes), errors with tracebacks, no hangs, early stop."""

import threading
import time

import numpy as np
import pytest

import kc
from kc.data import EpochIterator, PyDataset, get_data_adapter
from kc_testing import to_numpy

CONFIGS = [
    {"workers": 1},
    {"workers": 3},
    {"workers": 2, "use_multiprocessing": True},
    {"workers": 2, "max_queue_size": 1},
]


class Squares(PyDataset):
    def __init__(self, n=5, fail_at=None, **kwargs):
        super().__init__(**kwargs)
        self.n, self.fail_at = n, fail_at
        self.epochs_ended = 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise KeyError(f"no batch {i}")
        x = np.full((2, 1), i, "float32")
        return x, x**2

    def on_epoch_end(self):
        self.epochs_ended += 1


@pytest.mark.timeout(60)
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(f"{k}{v}" for k, v in c.items()))
def test_batches_in_order(config):
    adapter = get_data_adapter(Squares(**config))
    assert adapter.num_batches == 5
    for _ in range(2):                                          # two epochs, fresh workers each
        got = [(to_numpy(x)[0, 0], to_numpy(y)[0, 0]) for x, y in adapter.get_backend_iterator()]
        assert got == [(i, i * i) for i in range(5)]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("config", CONFIGS[1:3], ids=["threads", "processes"])
def test_worker_error_reaches_caller(config):
    adapter = get_data_adapter(Squares(fail_at=3, **config))
    with pytest.raises(KeyError, match="no batch 3") as info:
        list(adapter.get_numpy_iterator())
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert "batch 3" in notes
    if config.get("use_multiprocessing"):   # the worker's traceback, chained as the cause
        assert "__getitem__" in str(info.value.__cause__)
    else:
        assert "__getitem__" in "".join(__import__("traceback").format_tb(info.tb))


@pytest.mark.timeout(60)
def test_early_stop_shuts_workers_down():
    class Slow(Squares):
        def __getitem__(self, i):
            time.sleep(0.01)
            return super().__getitem__(i)

    adapter = get_data_adapter(Slow(n=100, workers=3))
    it = adapter.get_numpy_iterator()
    next(it)
    assert adapter._executor is not None
    it.close()
    assert adapter._executor is None
    deadline = time.monotonic() + 10
    while any(t.name.startswith("kc-pydataset") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "PyDataset worker threads still alive"
        time.sleep(0.05)


@pytest.mark.timeout(60)
def test_shuffle_epoch_hooks_and_wrapping():
    class Bare(PyDataset):
        def __init__(self):
            super().__init__()
            self.ended = 0

        def __len__(self):
            return 6

        def __getitem__(self, i):
            return np.array([i])                                 # bare x -> (x,)

        def on_epoch_end(self):
            self.ended += 1

    ds = Bare()
    it = EpochIterator(ds, shuffle=True)
    seen = [int(to_numpy(b[0])[0]) for _, _, batches in it.enumerate_epoch() for b in batches]
    assert sorted(seen) == list(range(6))
    assert ds.ended == 1


@pytest.mark.timeout(60)
def test_infinite_dataset_with_steps_per_epoch():
    class Endless(PyDataset):
        def __init__(self):
            super().__init__(workers=2)

        def __getitem__(self, i):
            return (np.array([i]),)

    assert Endless().num_batches is None
    it = EpochIterator(Endless(), steps_per_epoch=3)
    for expected in ([0, 1, 2], [3, 4, 5]):
        got = [int(to_numpy(b[0])[0]) for _, _, batches in it.enumerate_epoch() for b in batches]
        assert got == expected
    it.reset()


@pytest.mark.timeout(60)
def test_structure_change_is_named():
    class Changing(Squares):
        def __getitem__(self, i):
            return (np.zeros(2),) if i == 2 else super().__getitem__(i)

    with pytest.raises(ValueError, match=r"batch 2 .*1 elements, expected 2"):
        list(get_data_adapter(Changing(workers=2)).get_numpy_iterator())


def test_aliases_and_super_warning():
    assert kc.data.Sequence is PyDataset

    class NoSuper(PyDataset):
        def __init__(self):
            pass

    with pytest.warns(UserWarning, match="super"):
        assert NoSuper().workers == 1
