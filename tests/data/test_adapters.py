"""kc.data adapters: every source into the process's backend, batch by batch against the source."""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import kc
from kc.data import EpochIterator, get_data_adapter, pack_x_y_sample_weight, \
    train_validation_split, unpack_x_y_sample_weight
from kc_testing import BACKEND, to_numpy

N, BS = 8, 3
X = np.arange(N * 2, dtype="float32").reshape(N, 2)
Y = (np.arange(N) % 3).astype("int32")
EXPECTED = [(X[s:s + BS], Y[s:s + BS]) for s in range(0, N, BS)]


def _native_type():
    return type(kc.backend.convert_to_tensor(np.zeros(1, "float32")))


# --- the source matrix: each builder returns (x, y, kwargs) for get_data_adapter -----------


def _numpy():
    return X, Y, {"batch_size": BS}


def _pandas():
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(X, columns=["a", "b"]), Y, {"batch_size": BS}


def _torch_tensor():
    torch = pytest.importorskip("torch")
    return torch.from_numpy(X.copy()), torch.from_numpy(Y.copy()), {"batch_size": BS}


def _jax_array():
    jnp = pytest.importorskip("jax.numpy")
    return jnp.asarray(X), jnp.asarray(Y), {"batch_size": BS}


def _tf_tensor():
    tf = pytest.importorskip("tensorflow")
    return tf.constant(X), tf.constant(Y), {"batch_size": BS}


def _scipy_sparse():
    sparse = pytest.importorskip("scipy.sparse")
    return sparse.csr_matrix(X), Y, {"batch_size": BS}


def _tf_sparse():
    tf = pytest.importorskip("tensorflow")
    return tf.sparse.from_dense(tf.constant(X)), Y, {"batch_size": BS}


def _tf_dataset():
    tf = pytest.importorskip("tensorflow")
    return tf.data.Dataset.from_tensor_slices((X, Y)).batch(BS), None, {}


def _torch_dataloader():
    torch = pytest.importorskip("torch")
    ds = torch.utils.data.TensorDataset(torch.from_numpy(X.copy()), torch.from_numpy(Y.copy()))
    return torch.utils.data.DataLoader(ds, batch_size=BS), None, {}


def _torch_dataset():
    torch = pytest.importorskip("torch")
    ds = torch.utils.data.TensorDataset(torch.from_numpy(X.copy()), torch.from_numpy(Y.copy()))
    return ds, None, {"batch_size": BS}


class _Batches(kc.data.PyDataset):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def __len__(self):
        return len(EXPECTED)

    def __getitem__(self, i):
        return EXPECTED[i]


def _py_dataset():
    return _Batches(), None, {}


def _generator():
    return (b for b in EXPECTED), None, {}


def _iterator():
    return iter(list(EXPECTED)), None, {}


SOURCES = {
    "numpy": _numpy, "pandas": _pandas, "torch_tensor": _torch_tensor, "jax_array": _jax_array,
    "tf_tensor": _tf_tensor, "scipy_sparse": _scipy_sparse, "tf_sparse": _tf_sparse,
    "tf_dataset": _tf_dataset, "torch_dataloader": _torch_dataloader,
    "torch_dataset": _torch_dataset, "py_dataset": _py_dataset, "generator": _generator,
    "iterator": _iterator,
}


@pytest.mark.parametrize("source", list(SOURCES))
def test_backend_batches_match_source(source):
    x, y, kwargs = SOURCES[source]()
    adapter = get_data_adapter(x, y, **kwargs)
    batches = list(adapter.get_backend_iterator())
    assert len(batches) == len(EXPECTED)
    native = _native_type()
    for (bx, by), (ex, ey) in zip(batches, EXPECTED):
        assert isinstance(bx, native) and isinstance(by, native), (type(bx), type(by))
        assert kc.dtypes.standardize_dtype(bx.dtype) == "float32"
        assert kc.dtypes.standardize_dtype(by.dtype) == "int32"
        np.testing.assert_array_equal(to_numpy(bx), ex)
        np.testing.assert_array_equal(to_numpy(by), ey)


@pytest.mark.parametrize("source", ["numpy", "torch_tensor", "tf_dataset", "torch_dataloader",
                                    "py_dataset", "generator"])
def test_numpy_iterator_matches_source(source):
    x, y, kwargs = SOURCES[source]()
    batches = list(get_data_adapter(x, y, **kwargs).get_numpy_iterator())
    assert len(batches) == len(EXPECTED)
    for (bx, by), (ex, ey) in zip(batches, EXPECTED):
        assert isinstance(bx, np.ndarray) and bx.dtype == ex.dtype and by.dtype == ey.dtype
        np.testing.assert_array_equal(bx, ex)
        np.testing.assert_array_equal(by, ey)


def test_other_framework_views():
    adapter = get_data_adapter(X, Y, batch_size=BS)
    assert [b[0].shape for b in adapter.get_jax_iterator()] == [(3, 2), (3, 2), (2, 2)]
    tf = pytest.importorskip("tensorflow")
    got = [(b[0].numpy(), b[1].numpy()) for b in adapter.get_tf_dataset()]
    for (bx, by), (ex, ey) in zip(got, EXPECTED, strict=True):
        np.testing.assert_array_equal(bx, ex)
        np.testing.assert_array_equal(by, ey)
    assert isinstance(adapter.get_tf_dataset(), tf.data.Dataset)
    torch = pytest.importorskip("torch")
    loader = adapter.get_torch_dataloader()
    assert len(loader) == 3
    got = list(loader)
    assert isinstance(got[0][0], torch.Tensor)
    np.testing.assert_array_equal(got[2][0].numpy(), EXPECTED[2][0])


def test_structures_dict_nested_and_sizes():
    x = {"b": X, "a": [X[:, :1], {"c": Y}]}
    adapter = get_data_adapter(x, Y, sample_weight=np.ones(N, "float32"), batch_size=5)
    assert (adapter.num_batches, adapter.batch_size, adapter.has_partial_batch,
            adapter.partial_batch_size) == (2, 5, True, 3)
    (bx, by, bw), second = list(adapter.get_backend_iterator())
    assert set(bx) == {"a", "b"} and isinstance(bx["a"], list)
    np.testing.assert_array_equal(to_numpy(bx["a"][1]["c"]), Y[:5])
    np.testing.assert_array_equal(to_numpy(second[0]["b"]), X[5:])
    np.testing.assert_array_equal(to_numpy(bw), np.ones(5))
    assert get_data_adapter(X).batch_size == 32          # Keras default
    assert get_data_adapter(X, steps_per_epoch=3).batch_size == 3   # ceil(8 / 3)


def test_float_cast_to_floatx_and_pandas_series_column():
    pd = pytest.importorskip("pandas")
    x64 = X.astype("float64")
    bx, by = next(get_data_adapter(x64, pd.Series(Y), batch_size=4).get_numpy_iterator())
    assert bx.dtype == np.float32 and by.shape == (4, 1)      # as Keras 3


def test_sparse_is_densified_per_batch():
    sparse = pytest.importorskip("scipy.sparse")
    m = sparse.random(7, 5, density=0.4, format="coo", dtype="float32", random_state=0)
    got = [to_numpy(b) for b in get_data_adapter(m, batch_size=3).get_backend_iterator()]
    np.testing.assert_array_equal(np.concatenate(got), m.toarray())


@pytest.mark.parametrize("shuffle", [True, "batch"])
def test_shuffle(shuffle):
    x = np.arange(20)
    adapter = get_data_adapter(x, x * 10, batch_size=6, shuffle=shuffle)
    epochs = [[(to_numpy(a), to_numpy(b)) for a, b in adapter.get_backend_iterator()]
              for _ in range(2)]
    for batches in epochs:
        xs = np.concatenate([a for a, _ in batches])
        assert sorted(xs) == list(range(20))                     # a permutation
        for a, b in batches:
            np.testing.assert_array_equal(b, a * 10)             # x and y stay paired
        if shuffle == "batch":                                   # batches keep their samples
            assert [sorted(a) for a, _ in batches] == [list(range(s, min(s + 6, 20)))
                                                       for s in range(0, 20, 6)]
    assert not all(np.array_equal(a[0], b[0]) for a, b in zip(*epochs)) or \
        not np.array_equal(np.concatenate([a for a, _ in epochs[0]]), x)


def test_bad_shuffle_value():
    with pytest.raises(ValueError, match="'batch'"):
        get_data_adapter(X, shuffle="yes")


def test_validation_split_takes_last_fraction():
    for n, split, n_train in [(10, 0.1, 9), (10, 0.25, 7), (7, 0.33, 4), (3, 0.5, 1)]:
        (xt, yt), (xv, yv) = train_validation_split((np.arange(n), np.arange(n) * 2), split)
        assert list(xt) == list(range(n_train)) and list(xv) == list(range(n_train, n))
        assert list(yv) == [2 * i for i in range(n_train, n)]
    (xt, none), _ = train_validation_split((np.arange(10), None), 0.2)
    assert none is None
    with pytest.raises(ValueError, match="10 samples"):
        train_validation_split(np.arange(10), 0.99)
    with pytest.raises(ValueError, match="only supported"):
        train_validation_split(([1, 2, 3],), 0.5)


def test_class_weight():
    y = np.array([0, 1, 2, 0, 1, 2])
    _, _, w = next(get_data_adapter(np.zeros((6, 1)), y, batch_size=6,
                                    class_weight={0: 1.0, 1: 2.0}).get_numpy_iterator())
    np.testing.assert_array_equal(w, [1, 2, 1, 1, 2, 1])        # missing classes weigh 1
    _, _, w = next(get_data_adapter(np.zeros((6, 1)), np.eye(3)[y], batch_size=6,
                                    class_weight={2: 5.0}).get_numpy_iterator())
    np.testing.assert_array_equal(w, [1, 1, 5, 1, 1, 5])        # one-hot targets: argmax
    with pytest.raises(ValueError, match="single output"):
        get_data_adapter(np.zeros((6, 1)), (y, y), class_weight={0: 1.0})
    with pytest.raises(ValueError, match="same time"):
        get_data_adapter(np.zeros((6, 1)), y, sample_weight=np.ones(6), class_weight={0: 1.0})
    with pytest.raises(ValueError, match="not supported for Python generator"):
        get_data_adapter(iter([(y, y)]), class_weight={0: 1.0})
    batches = list(get_data_adapter(_Batches(), class_weight={1: 3.0}).get_numpy_iterator())
    np.testing.assert_array_equal(batches[0][2], np.where(Y[:3] == 1, 3.0, 1.0))


def test_errors():
    with pytest.raises(ValueError, match=r"'x' sizes: 8[\s\S]*'y' sizes: 5"):
        get_data_adapter(X, Y[:5])
    with pytest.raises(TypeError, match="str.*Accepted: NumPy arrays"):
        get_data_adapter("abc")
    with pytest.raises(ValueError, match="Accepted"):             # also a ValueError, as Keras
        get_data_adapter(object())
    with pytest.raises(ValueError, match="`y` should not be passed"):
        get_data_adapter(iter([(X,)]), Y)
    with pytest.raises(ValueError, match="`sample_weight` should not be passed"):
        get_data_adapter(_Batches(), sample_weight=Y)
    with pytest.raises(ValueError, match="empty"):
        get_data_adapter(iter([]))
    with pytest.raises(ValueError, match="must yield tuples"):
        get_data_adapter(iter([X]))
    with pytest.raises(ValueError, match="positive integer"):
        get_data_adapter(X, batch_size=0)

    def changing():
        yield X, Y
        yield X, {"a": Y}
    with pytest.raises(ValueError, match=r"batch 1 .*batch\[1\] is a dict, expected a tensor"):
        list(get_data_adapter(changing()).get_numpy_iterator())

    def longer():
        yield X, Y
        yield X, Y, Y
    with pytest.raises(ValueError, match=r"3 elements, expected 2 \(first extra: batch\[2\]\)"):
        list(get_data_adapter(longer()).get_backend_iterator())


def test_pack_unpack():
    assert pack_x_y_sample_weight(1) == 1
    assert pack_x_y_sample_weight([1, 2]) == ([1, 2],)
    assert pack_x_y_sample_weight(1, 2) == (1, 2)
    assert pack_x_y_sample_weight(1, 2, 3) == (1, 2, 3)
    assert unpack_x_y_sample_weight((1,)) == (1, None, None)
    assert unpack_x_y_sample_weight([1, 2]) == (1, 2, None)
    assert unpack_x_y_sample_weight((1, 2, 3)) == (1, 2, 3)
    assert unpack_x_y_sample_weight({"a": 1}) == ({"a": 1}, None, None)
    with pytest.raises(ValueError, match="4 elements"):
        unpack_x_y_sample_weight((1, 2, 3, 4))


def _run_epochs(it, epochs):
    out = []
    for _ in range(epochs):
        out.append([(b, e, [int(to_numpy(t[0] if isinstance(t, tuple) else t)[0])
                            for t in batches])
                    for b, e, batches in it.enumerate_epoch()])
    return out


def test_epoch_iterator_steps_per_epoch():
    x = np.arange(6)                                   # 3 batches of 2
    it = EpochIterator(x, batch_size=2)
    assert it.num_batches == 3
    assert _run_epochs(it, 2) == [[(0, 0, [0]), (1, 1, [2]), (2, 2, [4])]] * 2
    it = EpochIterator(x, batch_size=2, steps_per_epoch=3)   # exactly the data: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _run_epochs(it, 2) == [[(0, 0, [0]), (1, 1, [2]), (2, 2, [4])]] * 2
    it = EpochIterator(x, batch_size=2, steps_per_epoch=2)   # fewer: carried over, as Keras
    with pytest.warns(UserWarning, match="ran out of data"):
        got = _run_epochs(it, 3)
    assert got == [[(0, 0, [0]), (1, 1, [2])], [(0, 0, [4])], [(0, 0, [0]), (1, 1, [2])]]
    it = EpochIterator(x, batch_size=2, steps_per_epoch=5)   # more: ends early, warns
    with pytest.warns(UserWarning, match="ran out of data"):
        assert len(_run_epochs(it, 1)[0]) == 3
    assert it.ran_out_of_data
    it = EpochIterator(x, batch_size=1, steps_per_epoch=5, steps_per_execution=2)
    assert _run_epochs(it, 1) == [[(0, 1, [0, 1]), (2, 3, [2, 3]), (4, 4, [4])]]


def test_epoch_iterator_infinite_generator_and_empty():
    def forever():
        i = 0
        while True:
            yield (np.array([i]),)
            i += 1
    it = EpochIterator(forever(), steps_per_epoch=2)
    assert _run_epochs(it, 2) == [[(0, 0, [0]), (1, 1, [1])], [(0, 0, [2]), (1, 1, [3])]]
    with pytest.raises(ValueError, match="no batches"):
        list(EpochIterator(np.zeros((0, 2))).enumerate_epoch())
    tf = pytest.importorskip("tensorflow")
    with pytest.raises(ValueError, match="no batches"):
        list(EpochIterator(tf.data.Dataset.from_tensor_slices(X).batch(2).take(0))
             .enumerate_epoch())


def test_zero_copy_hand_over():
    if BACKEND == "torch":
        batch = next(get_data_adapter(X, batch_size=4).get_backend_iterator())
        if batch.device.type == "cpu":
            assert batch.data_ptr() == X.__array_interface__["data"][0]
    elif BACKEND == "jax":
        torch = pytest.importorskip("torch")
        t = torch.arange(8, dtype=torch.float32).reshape(4, 2)
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(t), batch_size=4)
        (batch,) = next(get_data_adapter(loader).get_backend_iterator())
        np.testing.assert_array_equal(np.asarray(batch), t.numpy())
    elif BACKEND == "numpy":
        batch = next(get_data_adapter(X, batch_size=4).get_backend_iterator())
        assert np.shares_memory(batch, X)


def test_import_kc_data_imports_no_framework():
    code = ("import sys, kc.data, numpy as np; "
            "kc.data.get_data_adapter(np.zeros((4, 2))); "
            "print(sorted(m for m in ('torch', 'tensorflow', 'jax', 'pandas', 'scipy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, KC_BACKEND="numpy"), timeout=120)
    assert out.stdout.strip() == "[]", out.stderr[-500:]
