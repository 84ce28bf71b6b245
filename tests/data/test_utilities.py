"""kc.data utilities: to_categorical, normalize, pad_sequences, timeseries windows, split_dataset,
image conversion helpers. Oracles: closed forms, NumPy, and Keras 3 (numpy backend) where cheap."""

import numpy as np
import pytest

import kc
from kc.data._categorical import normalize, to_categorical
from kc.data._images import array_to_img, img_to_array, load_img, save_img, smart_resize
from kc.data._sequences import pad_sequences
from kc.data._split import split_dataset
from kc.data._timeseries import timeseries_dataset_from_array
from kc_testing import assert_close, keras_oracle, to_numpy

# ---------------------------------------------------------------- to_categorical, normalize

CATEGORICAL_CASES = [
    ([1, 0, 2], None, np.eye(3)[[1, 0, 2]]),
    ([[1], [0]], 4, np.eye(4)[[1, 0]]),
    ([[1, 2], [0, 3]], None, np.eye(4)[[[1, 2], [0, 3]]]),
    ([-1, 2], None, np.eye(3)[[2, 2]]),  # NumPy-style negative index, as Keras
]


@pytest.mark.parametrize("x, num_classes, expected", CATEGORICAL_CASES)
def test_to_categorical_numpy_input(x, num_classes, expected):
    got = to_categorical(x, num_classes)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


def test_to_categorical_backend_tensor():
    x = kc.backend.convert_to_tensor(np.array([[2], [0], [1]], "int32"))
    assert_close(to_categorical(x), np.eye(3, dtype="float32")[[2, 0, 1]], dtype="float32")
    assert_close(to_categorical(x, 5), np.eye(5, dtype="float32")[[2, 0, 1]], dtype="float32")


def test_to_categorical_out_of_range():
    with pytest.raises(IndexError, match="class index 5"):
        to_categorical([5, 2], 3)


NORMALIZE_CASES = [
    (np.array([[3.0, 4.0], [0.0, 0.0]]), -1, 2),
    (np.array([[3.0, 4.0], [1.0, 2.0]]), 1, 1),
    (np.array([[3, 4]]), -1, 2),
]


@pytest.mark.parametrize("x, axis, order", NORMALIZE_CASES)
def test_normalize_numpy_matches_keras(x, axis, order):
    keras = keras_oracle()
    got = normalize(x, axis, order)
    expected = keras.utils.normalize(x, axis, order)
    assert isinstance(got, np.ndarray) and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected)


def test_normalize_axis_0_closed_form():
    # Keras 3 divides by the column norms along the wrong axis when axis=0 (`axis or -1`);
    # kc normalizes the columns.
    x = np.array([[3.0, 1.0], [4.0, 0.0]])
    np.testing.assert_allclose(normalize(x, axis=0), np.array([[0.6, 1.0], [0.8, 0.0]]))


def test_normalize_backend_tensor():
    x = kc.backend.convert_to_tensor(np.array([[3.0, 4.0], [6.0, 8.0]], "float32"))
    assert_close(normalize(x), np.array([[0.6, 0.8], [0.6, 0.8]], "float32"), dtype="float32")


# ---------------------------------------------------------------- pad_sequences

PAD_CASES = [
    ([[1, 2, 3], [4], []], {}),
    ([[1, 2, 3], [4], []], dict(maxlen=2, padding="post", truncating="post", value=-1)),
    ([[1, 2, 3], [4, 5]], dict(maxlen=2)),
    ([[1.5, 2.5], [3]], dict(dtype="float32")),
    ([["a", "bb"], ["c"]], dict(dtype=object, value="x")),
    ([["a", "bb"], ["c"]], dict(dtype="str", value="x")),
    ([[[1, 2], [3, 4]], [[5, 6]]], dict(padding="post")),
    ([np.array([1, 2]), (3,)], dict(dtype="int64")),
]


@pytest.mark.parametrize("sequences, kwargs", PAD_CASES)
def test_pad_sequences_matches_keras(sequences, kwargs):
    keras = keras_oracle()
    got = pad_sequences(sequences, **kwargs)
    expected = keras.utils.pad_sequences(sequences, **kwargs)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_pad_sequences_closed_form():
    np.testing.assert_array_equal(pad_sequences([[1, 2, 3], [4]], maxlen=2),
                                  np.array([[2, 3], [0, 4]], "int32"))


@pytest.mark.parametrize("kwargs, match", [
    (dict(padding="mid"), "padding"),
    (dict(truncating="mid"), "truncating"),
    (dict(value="x"), "dtype=object"),
])
def test_pad_sequences_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pad_sequences([[1, 2, 3], [4]], maxlen=2, **kwargs)


def test_pad_sequences_bad_sequences():
    with pytest.raises(ValueError, match="item 0 is int"):
        pad_sequences([1, 2])
    with pytest.raises(ValueError, match=r"sequence 1 have shape \(3,\), expected \(2,\)"):
        pad_sequences([[[1, 2]], [[1, 2, 3]]])


# ---------------------------------------------------------------- timeseries_dataset_from_array

TIMESERIES_CASES = [
    dict(sequence_length=3, sequence_stride=2, sampling_rate=2, batch_size=2, start_index=1,
         end_index=9),
    dict(sequence_length=4, batch_size=None, with_targets=False),
    dict(sequence_length=2, shuffle=True, seed=5, batch_size=3),
    dict(sequence_length=1, shuffle=True, seed=11, batch_size=None),
]


def _elements(ds):
    return [tuple(np.asarray(t) for t in e) if isinstance(e, tuple) else (np.asarray(e),)
            for e in ds.as_numpy_iterator()]


@pytest.mark.parametrize("case", TIMESERIES_CASES)
def test_timeseries_matches_keras(case):
    pytest.importorskip("tensorflow")
    keras = keras_oracle()
    case = dict(case)
    data = np.arange(24, dtype="float32").reshape(12, 2)
    targets = np.arange(12) * 10 if case.pop("with_targets", True) else None
    got = _elements(timeseries_dataset_from_array(data, targets, **case))
    expected = _elements(keras.utils.timeseries_dataset_from_array(data, targets, **case))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        for a, b in zip(g, e):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_timeseries_closed_form():
    pytest.importorskip("tensorflow")
    ds = timeseries_dataset_from_array(np.arange(10), np.arange(10) * 10, 3, sequence_stride=3,
                                       batch_size=None)
    windows = [(w.tolist(), int(t)) for w, t in ds.as_numpy_iterator()]
    assert windows == [([0, 1, 2], 0), ([3, 4, 5], 30), ([6, 7, 8], 60)]


@pytest.mark.parametrize("kwargs, match", [
    (dict(sampling_rate=0), "sampling_rate"),
    (dict(sequence_stride=0), "sequence_stride"),
    (dict(start_index=-1), "start_index"),
    (dict(start_index=20), "start_index"),
    (dict(end_index=20), "end_index"),
    (dict(start_index=5, end_index=3), "end_index"),
])
def test_timeseries_bad_arguments(kwargs, match):
    pytest.importorskip("tensorflow")
    with pytest.raises(ValueError, match=match):
        timeseries_dataset_from_array(np.arange(10), None, 3, **kwargs)


def test_timeseries_grain_not_supported():
    with pytest.raises(NotImplementedError, match="grain"):
        timeseries_dataset_from_array(np.arange(10), None, 3, format="grain")
    with pytest.raises(ValueError, match="format"):
        timeseries_dataset_from_array(np.arange(10), None, 3, format="foo")


# ---------------------------------------------------------------- split_dataset

SPLIT_SIZES = [
    (dict(left_size=0.33), 3, 7),
    (dict(right_size=0.33), 7, 3),
    (dict(left_size=0.25, right_size=0.25), 2, 2),
    (dict(left_size=0.55), 6, 4),
    (dict(left_size=2, right_size=3), 2, 3),
    (dict(right_size=3), 7, 3),
]


@pytest.mark.parametrize("kwargs, n_left, n_right", SPLIT_SIZES)
def test_split_dataset_sizes(kwargs, n_left, n_right):
    pytest.importorskip("tensorflow")
    x = np.arange(10)
    left, right = split_dataset(x, **kwargs)
    assert [int(v) for v in left] == list(range(n_left))
    assert [int(v) for v in right] == list(range(10 - n_right, 10))


def test_split_dataset_shuffle_matches_keras():
    pytest.importorskip("tensorflow")
    keras = keras_oracle()
    x, y = np.arange(10), np.arange(10) * 10
    got = split_dataset((x, y), left_size=0.6, shuffle=True, seed=7)
    expected = keras.utils.split_dataset((x, y), left_size=0.6, shuffle=True, seed=7)
    for g, e in zip(got, expected):
        assert g.element_spec == e.element_spec
        assert [tuple(map(int, s)) for s in g] == [tuple(map(int, s)) for s in e]


def test_split_dataset_tf_and_torch_sources():
    tf = pytest.importorskip("tensorflow")
    torch = pytest.importorskip("torch")
    x = np.arange(12).reshape(6, 2)
    left, right = split_dataset(tf.data.Dataset.from_tensor_slices((x, x[:, 0])), right_size=2)
    assert [int(b) for _, b in left] == [0, 2, 4, 6] and [int(b) for _, b in right] == [8, 10]
    source = torch.utils.data.TensorDataset(torch.as_tensor(x))
    left, right = split_dataset(source, left_size=0.5)
    assert isinstance(left, torch.utils.data.Subset)
    assert [int(left[i][0][0]) for i in range(len(left))] == [0, 2, 4]
    left, right = split_dataset(x, left_size=4, preferred_backend="torch")
    assert len(left) == 4 and len(right) == 2 and int(right[0][0][0]) == 8


@pytest.mark.parametrize("dataset, kwargs, error, match", [
    (np.arange(10), dict(), ValueError, "left_size"),
    (np.arange(10), dict(left_size=0), ValueError, "left_size"),
    (np.arange(10), dict(left_size=1.5), ValueError, "left_size"),
    (np.arange(10), dict(left_size=1.0), ValueError, "left_size"),
    (np.arange(10), dict(left_size="a"), TypeError, "left_size"),
    (np.arange(10), dict(left_size=0.6, right_size=0.6), ValueError, "at most 1"),
    (np.arange(10), dict(left_size=6, right_size=6), ValueError, "at most"),
    (np.arange(10), dict(left_size=0.04), ValueError, "empty"),
    (np.arange(10), dict(left_size=2, preferred_backend="jax"), ValueError, "preferred_backend"),
    (5, dict(left_size=2), TypeError, "got int"),
    ((np.arange(10), np.arange(5)), dict(left_size=2), ValueError, r"\[10, 5\]"),
])
def test_split_dataset_errors(dataset, kwargs, error, match):
    with pytest.raises(error, match=match):
        split_dataset(dataset, **kwargs)


# ---------------------------------------------------------------- image helpers


@pytest.fixture()
def rgb_png(tmp_path):
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 256, (6, 9, 3), dtype=np.uint8)
    path = tmp_path / "a.png"
    Image.fromarray(pixels).save(path)
    return path, pixels


def test_load_img_and_img_to_array(rgb_png):
    path, pixels = rgb_png
    img = load_img(path)
    assert img.mode == "RGB" and img.size == (9, 6)
    arr = img_to_array(img)
    assert arr.dtype == np.float32
    np.testing.assert_array_equal(arr, pixels)
    np.testing.assert_array_equal(img_to_array(img, data_format="channels_first"),
                                  pixels.transpose(2, 0, 1))
    assert img_to_array(load_img(str(path), color_mode="grayscale")).shape == (6, 9, 1)
    assert load_img(path, color_mode="rgba").mode == "RGBA"


@pytest.mark.parametrize("kwargs", [
    dict(target_size=(3, 4)),
    dict(target_size=(3, 3), keep_aspect_ratio=True, interpolation="bilinear"),
    dict(target_size=(4, 2), keep_aspect_ratio=True),
    dict(color_mode="grayscale", target_size=(5, 5), interpolation="bicubic"),
])
def test_load_img_matches_keras(rgb_png, kwargs):
    keras = keras_oracle()
    path, _ = rgb_png
    got, expected = load_img(path, **kwargs), keras.utils.load_img(path, **kwargs)
    assert got.mode == expected.mode and got.size == expected.size
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))


def test_load_img_errors(rgb_png):
    path, _ = rgb_png
    with pytest.raises(ValueError, match="color_mode"):
        load_img(path, color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation"):
        load_img(path, target_size=(2, 2), interpolation="foo")
    with pytest.raises(TypeError, match="got int"):
        load_img(5)
    with pytest.raises(FileNotFoundError):
        load_img(path.parent / "missing.png")


X_IMG = np.linspace(-1, 3, 18, dtype="float32").reshape(2, 3, 3)


@pytest.mark.parametrize("x, kwargs", [
    (X_IMG, {}),
    (X_IMG, dict(scale=False)),
    (X_IMG[..., :1], {}),
    (X_IMG[..., :1] * 1000, dict(scale=False)),
    (np.concatenate([X_IMG, X_IMG[..., :1]], -1), {}),
    (np.moveaxis(X_IMG, -1, 0), dict(data_format="channels_first")),
    (np.zeros((2, 2, 3)), {}),
])
def test_array_to_img_matches_keras(x, kwargs):
    keras = keras_oracle()
    got, expected = array_to_img(x, **kwargs), keras.utils.array_to_img(x, **kwargs)
    assert got.mode == expected.mode and got.size == expected.size
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))


def test_array_to_img_errors_and_tensor_input():
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="got 2"):
        array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="data_format"):
        array_to_img(np.zeros((2, 2, 3)), data_format="foo")
    img = array_to_img(kc.backend.convert_to_tensor(np.full((2, 2, 1), 7.0, "float32")),
                       scale=False)
    np.testing.assert_array_equal(np.asarray(img), np.full((2, 2), 7, np.uint8))


def test_save_img_round_trip(tmp_path):
    save_img(tmp_path / "s.png", X_IMG)
    np.testing.assert_array_equal(np.asarray(load_img(tmp_path / "s.png")),
                                  np.asarray(array_to_img(X_IMG)))
    save_img(tmp_path / "noext", X_IMG, file_format="png")
    assert (tmp_path / "noext").read_bytes()[:4] == b"\x89PNG"
    with pytest.warns(UserWarning, match="alpha"):
        save_img(tmp_path / "s.jpg", np.concatenate([X_IMG, X_IMG[..., :1]], -1))


@pytest.mark.parametrize("shape, size, kwargs", [
    ((2, 4, 6, 3), (2, 2), {}),
    ((4, 6, 3), (3, 2), dict(interpolation="nearest")),
    ((3, 4, 6), (2, 2), dict(data_format="channels_first")),
    ((5, 3, 1), (2, 4), {}),
])
def test_smart_resize_matches_keras(shape, size, kwargs):
    keras = keras_oracle()
    x = np.arange(np.prod(shape), dtype="float32").reshape(shape)
    expected = keras.preprocessing.image.smart_resize(x, size, **kwargs)
    got = smart_resize(x, size, **kwargs)
    assert isinstance(got, np.ndarray)
    assert_close(got, expected, dtype="float32")
    tensor_got = smart_resize(kc.backend.convert_to_tensor(x), size, **kwargs)
    assert_close(tensor_got, expected, dtype="float32")


def test_smart_resize_errors():
    with pytest.raises(ValueError, match="shape"):
        smart_resize(np.zeros((4, 6)), (2, 2))
    with pytest.raises(ValueError, match="size"):
        smart_resize(np.zeros((4, 6, 1)), (2, 2, 2))
    with pytest.raises(ValueError, match="data_format"):
        smart_resize(np.zeros((4, 6, 1)), (2, 2), data_format="foo")


def test_namespaces():
    import kc.preprocessing as pre

    assert pre.sequence.pad_sequences is pad_sequences
    assert pre.image.smart_resize is smart_resize
    assert pre.timeseries_dataset_from_array is timeseries_dataset_from_array
    assert to_numpy(np.ones(2)).shape == (2,)
