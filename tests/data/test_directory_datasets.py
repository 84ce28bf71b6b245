"""image_, text_ and audio_dataset_from_directory against Keras 3 on tiny fixtures."""

import wave

import numpy as np
import pytest

from kc.data._from_directory import (audio_dataset_from_directory, image_dataset_from_directory,
                                     text_dataset_from_directory)
from kc_testing import keras_oracle

tf = pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    from PIL import Image

    base = tmp_path_factory.mktemp("dirs")
    rng = np.random.default_rng(0)
    for kind in ("img", "gray", "txt", "wav"):
        for cls in ("cat", "dog"):
            (base / kind / cls).mkdir(parents=True)
    (base / "img" / "dog" / "sub").mkdir()
    for cls, name, shape in [("cat", "b.png", (6, 9, 3)), ("cat", "a.png", (6, 9, 3)),
                             ("cat", "r.png", (7, 4, 4)), ("dog", "z.png", (6, 9, 3)),
                             ("dog", "c.PNG", (8, 8, 3)), ("dog", "sub/g.png", (5, 5))]:
        Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8)).save(base / "img" / cls / name)
        gray = rng.integers(0, 256, shape[:2], dtype=np.uint8)
        Image.fromarray(gray).save(base / "gray" / cls / name.replace("sub/", ""))
    (base / "img" / "cat" / "notes.txt").write_text("not an image")
    for cls, name, text in [("cat", "1.txt", "meow meow"), ("cat", "0.txt", "purr"),
                            ("dog", "a.txt", "woof woof woof")]:
        (base / "txt" / cls / name).write_text(text)
    for cls, name, frames, channels in [("cat", "1.wav", 5, 2), ("cat", "0.wav", 9, 2),
                                        ("dog", "a.wav", 7, 2)]:
        with wave.open(str(base / "wav" / cls / name), "wb") as f:
            f.setnchannels(channels)
            f.setsampwidth(2)
            f.setframerate(8000)
            f.writeframes(rng.integers(-32768, 32767, frames * channels, dtype=np.int16).tobytes())
    return base


def _batches(ds):
    return [tuple(np.asarray(t) for t in b) if isinstance(b, tuple) else (np.asarray(b),)
            for b in ds.as_numpy_iterator()]


def _assert_same(got, expected):
    assert got.element_spec == expected.element_spec or _compatible(got, expected)
    assert got.class_names == expected.class_names
    g, e = _batches(got), _batches(expected)
    assert len(g) == len(e)
    for gb, eb in zip(g, e):
        for a, b in zip(gb, eb):
            assert a.dtype == b.dtype and a.shape == b.shape
            if a.dtype.kind == "f":
                np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-4)
            else:
                np.testing.assert_array_equal(a, b)


def _compatible(got, expected):
    return all(g.is_compatible_with(e) for g, e in
               zip(tf.nest.flatten(got.element_spec), tf.nest.flatten(expected.element_spec)))


IMAGE_CASES = [
    ("img", dict(shuffle=False, image_size=(4, 5), batch_size=4)),
    ("img", dict(shuffle=False, image_size=(4, 5), batch_size=None, interpolation="nearest",
                 label_mode="categorical", color_mode="rgba")),
    ("gray", dict(shuffle=False, image_size=(3, 3), color_mode="grayscale", label_mode="binary",
                  data_format="channels_first")),
    ("img", dict(shuffle=True, seed=3, image_size=(4, 5), batch_size=2, validation_split=0.4,
                 subset="training")),
    ("img", dict(shuffle=False, image_size=(4, 6), crop_to_aspect_ratio=True)),
    ("img", dict(shuffle=False, image_size=(4, 6), pad_to_aspect_ratio=True, labels=None)),
    ("img", dict(shuffle=False, image_size=(2, 2), class_names=["dog"])),
    ("img", dict(shuffle=False, image_size=(2, 2), labels=[0, 1, 1, 0, 2, 2])),
]


@pytest.mark.parametrize("folder, kwargs", IMAGE_CASES)
def test_image_dataset_matches_keras(root, folder, kwargs):
    keras = keras_oracle()
    got = image_dataset_from_directory(root / folder, verbose=False, **kwargs)
    expected = keras.utils.image_dataset_from_directory(root / folder, verbose=False, **kwargs)
    assert got.file_paths == expected.file_paths
    _assert_same(got, expected)


def test_image_dataset_both_subsets_and_order(root):
    train, val = image_dataset_from_directory(root / "img", shuffle=False, image_size=(2, 2),
                                              validation_split=0.4, subset="both", verbose=False)
    names = [p.split("img")[-1] for p in train.file_paths + val.file_paths]
    assert names == ["/cat/a.png", "/cat/b.png", "/cat/r.png", "/dog/c.PNG", "/dog/z.png",
                     "/dog/sub/g.png"]
    assert len(val.file_paths) == 2


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(color_mode="cmyk"), ValueError, "color_mode"),
    (dict(labels=[0, 1]), ValueError, "2 entries but 6 files"),
    (dict(labels="foo"), ValueError, "labels"),
    (dict(label_mode="foo"), ValueError, "label_mode"),
    (dict(labels=[0, 1, 1, 0, 2, 2], label_mode="binary"), ValueError, "exactly 2 classes"),
    (dict(class_names=["dog", "bird"]), ValueError, "class_names"),
    (dict(class_names=["dog"], labels=None), ValueError, "labels=None"),
    (dict(validation_split=0.2), ValueError, "subset"),
    (dict(validation_split=0.2, subset="training"), ValueError, "seed"),
    (dict(validation_split=1.2, subset="training", seed=1), ValueError, "between 0 and 1"),
    (dict(validation_split=0.2, subset="foo", seed=1), ValueError, "subset"),
    (dict(crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), ValueError, "only one"),
    (dict(image_size=5), ValueError, "image_size"),
    (dict(format="grain"), NotImplementedError, "grain"),
])
def test_image_dataset_errors(root, kwargs, error, match):
    with pytest.raises(error, match=match):
        image_dataset_from_directory(root / "img", verbose=False, **kwargs)


def test_directory_errors(root):
    with pytest.raises(FileNotFoundError, match="missing"):
        image_dataset_from_directory(root / "missing")
    with pytest.raises(ValueError, match="no images found"):
        image_dataset_from_directory(root / "txt", verbose=False)
    with pytest.raises(ValueError, match="no audio files found"):
        audio_dataset_from_directory(root / "txt", verbose=False)


def test_verbose_counts(root, capsys):
    image_dataset_from_directory(root / "img", shuffle=False, validation_split=0.5,
                                 subset="validation")
    assert capsys.readouterr().out == ("Found 6 files belonging to 2 classes.\n"
                                       "Using 3 files for validation.\n")


@pytest.mark.parametrize("kwargs", [
    dict(shuffle=False, batch_size=2, max_length=5),
    dict(shuffle=False, batch_size=None, label_mode="categorical"),
    dict(shuffle=True, seed=1, batch_size=2, validation_split=0.5, subset="validation"),
])
def test_text_dataset_matches_keras(root, kwargs):
    keras = keras_oracle()
    got = text_dataset_from_directory(root / "txt", verbose=False, **kwargs)
    expected = keras.utils.text_dataset_from_directory(root / "txt", verbose=False, **kwargs)
    _assert_same(got, expected)


@pytest.mark.parametrize("kwargs", [
    dict(shuffle=False, batch_size=2),
    dict(shuffle=False, batch_size=2, output_sequence_length=6),
    dict(shuffle=False, batch_size=None, output_sequence_length=8, label_mode="binary"),
    dict(shuffle=True, seed=2, batch_size=3, label_mode="categorical"),
])
def test_audio_dataset_matches_keras(root, kwargs):
    keras = keras_oracle()
    got = audio_dataset_from_directory(root / "wav", verbose=False, **kwargs)
    expected = keras.utils.audio_dataset_from_directory(root / "wav", verbose=False, **kwargs)
    _assert_same(got, expected)


def test_audio_ragged_and_resampled(root):
    ds = audio_dataset_from_directory(root / "wav", shuffle=False, batch_size=3, ragged=True,
                                      verbose=False)
    audio, _ = next(iter(ds))
    assert isinstance(audio, tf.RaggedTensor)
    assert audio.row_lengths().numpy().tolist() == [9, 5, 7]
    ds = audio_dataset_from_directory(root / "wav", shuffle=False, batch_size=None,
                                      sampling_rate=4000, verbose=False)
    assert [a.shape[0] for a, _ in ds.as_numpy_iterator()] == [5, 3, 4]
    with pytest.raises(ValueError, match="ragged"):
        audio_dataset_from_directory(root / "wav", ragged=True, output_sequence_length=3)
    with pytest.raises(ValueError, match="integer"):
        audio_dataset_from_directory(root / "wav", sampling_rate=4.5)
