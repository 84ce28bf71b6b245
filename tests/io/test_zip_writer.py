"""The stored-zip writer behind `.keras` archives: CRCs built while h5py writes are right."""

import os
import zipfile
import zlib

import numpy as np
import pytest

from kc.saving._crc import crc32, crc32_combine
from kc.saving._zipwriter import StoredZipWriter


@pytest.mark.parametrize("len_a,len_b", [(0, 0), (0, 7), (7, 0), (1, 1), (1000, 3), (5, 1 << 20)])
def test_crc32_combine_equals_the_crc_of_the_concatenation(len_a, len_b):
    rng = np.random.default_rng(len_a + len_b)
    a, b = rng.bytes(len_a), rng.bytes(len_b)
    assert crc32(a + b) == zlib.crc32(a + b)
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len_b) == zlib.crc32(a + b)


def test_archive_members_have_valid_crcs_with_large_and_rewritten_data(tmp_path):
    path = str(tmp_path / "a.zip")
    big = np.arange(700_000, dtype="float32")  # 2.8 MB: its CRC is taken as it is written
    with StoredZipWriter(path) as z:
        z.add("config.json", b'{"a": 1}')
        with z.h5_member("model.weights.h5") as f:
            f.create_dataset("big", data=big)
            f.create_dataset("small", data=np.ones(3))
            f["big"][:10] = -1.0  # rewrites part of an already-written large region
            f.attrs["name"] = "x"
        z.add("assets/t.txt", b"text")
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every member's CRC checks
        assert z.namelist() == ["config.json", "model.weights.h5", "assets/t.txt"]
        data = z.read("model.weights.h5")
    tmp = str(tmp_path / "w.h5")
    with open(tmp, "wb") as f:
        f.write(data)
    import h5py

    with h5py.File(tmp, "r") as f:
        expected = big.copy()
        expected[:10] = -1.0
        np.testing.assert_array_equal(f["big"][()], expected)
        assert f.attrs["name"] == "x"
    assert os.path.getsize(path) > big.nbytes


def test_large_writes_are_not_read_back(tmp_path, monkeypatch):
    from kc.saving import _zipwriter

    read_back = []
    original = _zipwriter._OffsetFile.crc

    def spy(self):
        read_back.append(sum(end - start for start, end, _ in self._segments))
        return original(self)

    monkeypatch.setattr(_zipwriter._OffsetFile, "crc", spy)
    path = str(tmp_path / "b.zip")
    with StoredZipWriter(path) as z:
        with z.h5_member("model.weights.h5") as f:
            for i in range(3):
                f.create_dataset(str(i), data=np.full(300_000, i, dtype="float64"))
    assert read_back and read_back[0] >= 3 * 300_000 * 8  # the three arrays keep their CRCs
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None


def test_keras_archive_weights_open_in_place_with_h5py(tmp_path):
    import h5py

    import kc

    model = kc.Sequential([kc.Input((3,)), kc.layers.Dense(2, name="d")])
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        first = z.infolist()[0]
        assert first.filename == "model.weights.h5" and first.header_offset == 0
        assert sorted(z.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
    with h5py.File(path, "r") as f:  # HDF5 finds the member's superblock at 512
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()], model.get_weights()[0])
