"""The `.keras` archive: a zip of config.json, metadata.json, model.weights.h5 and assets/.

Reading is defensive: a member with an absolute path, a drive letter, a
backslash or a ".." component is refused before anything is read, and a damaged
zip, JSON or HDF5 member gives a `ValueError` naming the file and the member.
Members are stored uncompressed (as Keras 3.15 writes them), so the weights are
read in place, without copying them out of the zip first.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import zipfile

import h5py

from kc.saving._zipwriter import HDF5_ALIGNMENT

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
ASSETS = "assets"
KERAS_VERSION = "3.15.1"  # the Keras file format kc writes and reads


def metadata() -> dict:
    import kc

    return {"keras_version": KERAS_VERSION, "kc_version": kc.__version__,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}


def check_member_name(name: str, filepath: str) -> None:
    """Refuses zip member names that could point outside the extraction folder."""
    parts = name.replace("\\", "/").split("/")
    if (name.startswith(("/", "\\")) or "\\" in name or ".." in parts or "\x00" in name
            or (len(name) > 1 and name[1] == ":")):
        raise ValueError(
            f"Refusing to read {filepath!r}: the archive member {name!r} has an absolute path, a "
            "drive, a backslash or a '..' component (a path-traversal attempt or a damaged file)."
        )


class _MemberFile(io.RawIOBase):
    """A read-only, seekable view of a stored (uncompressed) zip member, for h5py."""

    def __init__(self, path: str, offset: int, size: int):
        super().__init__()
        self._f = open(path, "rb")  # noqa: SIM115 - closed in close()
        self._offset, self._size, self._pos = offset, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._size}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self._size - self._pos))
        if n == 0:
            return 0
        self._f.seek(self._offset + self._pos)
        got = self._f.readinto(memoryview(buffer)[:n])
        self._pos += got
        return got

    def close(self) -> None:
        if not self.closed:
            self._f.close()
        super().close()


def _data_offset(path: str, info: zipfile.ZipInfo) -> int:
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        header = f.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise ValueError(f"{path!r} is not a valid .keras file: the local header of "
                             f"{info.filename!r} is damaged.")
        name_len = int.from_bytes(header[26:28], "little")
        extra_len = int.from_bytes(header[28:30], "little")
    return info.header_offset + 30 + name_len + extra_len


class ArchiveReader:
    """Reads a `.keras` zip archive or an unzipped `.keras` directory.

    Example:
        >>> with ArchiveReader("model.keras") as archive:
        ...     config = archive.json("config.json")
    """

    def __init__(self, filepath: str):
        self.filepath = os.fspath(filepath)
        self._zip = None
        if os.path.isdir(self.filepath):
            self.names = sorted(os.path.relpath(os.path.join(root, f), self.filepath).replace(os.sep, "/")
                                for root, _, files in os.walk(self.filepath) for f in files)
            return
        try:
            self._zip = zipfile.ZipFile(self.filepath, "r")
        except FileNotFoundError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise ValueError(
                f"Cannot read {self.filepath!r} as a .keras file: it is not a valid zip archive "
                f"(truncated or corrupt?): {e}"
            ) from e
        self.names = [info.filename for info in self._zip.infolist()]
        for name in self.names:
            check_member_name(name, self.filepath)

    def __enter__(self) -> "ArchiveReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        if name not in self.names:
            raise ValueError(f"{self.filepath!r} is not a valid .keras file: it has no {name!r} "
                             f"(members: {self.names}).")
        try:
            if self._zip is None:
                with open(os.path.join(self.filepath, name), "rb") as f:
                    return f.read()
            return self._zip.read(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise ValueError(f"Cannot read {name!r} from {self.filepath!r} (truncated or corrupt "
                             f"archive?): {e}") from e

    def json(self, name: str):
        data = self.read(name)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"{name!r} in {self.filepath!r} is not valid JSON: {e}") from e

    def open_weights(self) -> h5py.File:
        """The archive's model.weights.h5, opened read-only."""
        if WEIGHTS not in self.names:
            raise ValueError(f"{self.filepath!r} is not a valid .keras file: it has no {WEIGHTS!r} "
                             f"(members: {self.names}).")
        try:
            if self._zip is None:
                return h5py.File(os.path.join(self.filepath, WEIGHTS), "r")
            info = self._zip.getinfo(WEIGHTS)
            if info.compress_type == zipfile.ZIP_STORED:
                offset = _data_offset(self.filepath, info)
                if offset == HDF5_ALIGNMENT and info.header_offset == 0:
                    # kc's layout: HDF5 finds this member's superblock at 512 by itself.
                    return h5py.File(self.filepath, "r")
                fileobj = _MemberFile(self.filepath, offset, info.file_size)
            else:
                fileobj = io.BytesIO(self._zip.read(WEIGHTS))
            return h5py.File(fileobj, "r")
        except (OSError, zipfile.BadZipFile, EOFError) as e:
            raise ValueError(f"{WEIGHTS!r} in {self.filepath!r} is not a readable HDF5 file "
                             f"(truncated or corrupt?): {e}") from e

    def extract_assets(self, target_dir: str) -> bool:
        """Copy the assets/ members into `target_dir` (names already checked); False if none."""
        found = False
        for name in self.names:
            if not name.startswith(ASSETS + "/") or name.endswith("/"):
                continue
            found = True
            dest = os.path.join(target_dir, *name.split("/"))
            real = os.path.realpath(dest)
            if not real.startswith(os.path.realpath(target_dir) + os.sep):
                raise ValueError(f"Refusing to extract {name!r} from {self.filepath!r}: it points "
                                 "outside the extraction folder.")
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(self.read(name))
        return found


def write_archive(path: str, config: dict, fill_weights, assets_dir: str | None,
                  zipped: bool = True) -> None:
    """Write a `.keras` archive (or, with ``zipped=False``, a directory) at `path`.

    `fill_weights(h5file)` writes the weights into the open, empty model.weights.h5.
    """
    config_text = json.dumps(config).encode("utf-8")
    metadata_text = json.dumps(metadata()).encode("utf-8")
    asset_files = []
    if assets_dir and os.path.isdir(assets_dir):
        for root, _, files in os.walk(assets_dir):
            for f in sorted(files):
                full = os.path.join(root, f)
                asset_files.append((full, ASSETS + "/" + os.path.relpath(full, assets_dir).replace(os.sep, "/")))
    if not zipped:
        for name, data in ((METADATA, metadata_text), (CONFIG, config_text)):
            with open(os.path.join(path, name), "wb") as f:
                f.write(data)
        with h5py.File(os.path.join(path, WEIGHTS), "w") as f:
            fill_weights(f)
        for full, rel in asset_files:
            dest = os.path.join(path, *rel.split("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(full, "rb") as src, open(dest, "wb") as dst:
                dst.write(src.read())
        return
    from kc.saving._zipwriter import StoredZipWriter

    try:
        with StoredZipWriter(path) as zf:
            with zf.h5_member(WEIGHTS) as f:  # first: its data at offset 512 (see _zipwriter)
                fill_weights(f)
            zf.add(METADATA, metadata_text)
            zf.add(CONFIG, config_text)
            for full, rel in asset_files:
                with open(full, "rb") as src:
                    zf.add(rel, src.read())
        return
    except OverflowError:
        pass  # over 4 GiB: zip64, through zipfile (the weights are built in memory first)
    from kc.saving._api import image, memory_h5

    with memory_h5() as f:
        fill_weights(f)
        weights_image = image(f)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(METADATA, metadata_text)
        zf.writestr(CONFIG, config_text)
        info = zipfile.ZipInfo(WEIGHTS, date_time=datetime.datetime.now().timetuple()[:6])
        with zf.open(info, "w", force_zip64=True) as dst:
            dst.write(weights_image)
        for full, rel in asset_files:
            zf.write(full, rel)
