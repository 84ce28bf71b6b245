"""A minimal writer of stored (uncompressed) zip files whose HDF5 member is written in place.

`zipfile` can only stream a member, and HDF5 must seek while it writes, so going
through `zipfile` means building the whole weights file in memory and copying it.
Here h5py writes straight into the archive (through a file object that shifts
offsets past the member's local header); the header is filled in afterwards.
The member's CRC is built from the large writes as they pass (combined with
`crc32_combine`), so the weights are never read back. The HDF5 member's data
starts at a power of two (512 when it is the first member; the local header's
extra field pads it, as zipalign does): HDF5 looks for its superblock at 0, 512,
1024, ..., so h5py can open the archive itself and read the weights in place.
The result is an ordinary zip (members stored, as Keras 3.15 writes them).

Example:
    >>> with StoredZipWriter("model.keras") as z:
    ...     z.add("config.json", b"{}")
    ...     with z.h5_member("model.weights.h5") as f:
    ...         f.create_dataset("x", data=[1, 2])
"""

from __future__ import annotations

import contextlib
import datetime
import io
import struct

import h5py

from kc.saving._crc import crc32, crc32_combine

_LIMIT = 0xFFFFFFFF - 1  # beyond this zip64 would be needed: the caller falls back to zipfile
_LARGE = 1 << 20  # writes from this size on keep their CRC (smaller ones are read back)
HDF5_ALIGNMENT = 512  # the first place after 0 where HDF5 looks for a superblock
_PADDING_FIELD = 0xD935  # the extra-field id zipalign uses for padding


class _OffsetFile(io.RawIOBase):
    """The region of an open file from `offset` on, as a seekable read/write file for h5py."""

    def __init__(self, f, offset: int):
        super().__init__()
        self._f, self._offset, self._pos, self.size = f, offset, 0, 0
        self._segments = []  # [start, end, crc] of large writes not overwritten since

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = 0) -> int:
        self._pos = max(0, {0: 0, 1: self._pos, 2: self.size}[whence] + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self.size - self._pos))
        self._f.seek(self._offset + self._pos)
        got = self._f.readinto(memoryview(buffer)[:n]) if n else 0
        self._pos += got
        return got

    def write(self, data) -> int:
        self._f.seek(self._offset + self._pos)
        n = self._f.write(data)
        start, end = self._pos, self._pos + n
        self._segments = [s for s in self._segments if s[1] <= start or s[0] >= end]
        if n >= _LARGE:
            view = memoryview(data).cast("B")
            self._segments.append((start, end, crc32(view[:n])))
        self._pos = end
        self.size = max(self.size, end)
        return n

    def truncate(self, size=None) -> int:
        size = self._pos if size is None else size
        self._f.truncate(self._offset + size)
        self._segments = [s for s in self._segments if s[1] <= size]
        self.size = size
        return size

    def crc(self) -> int:
        """The CRC-32 of the region: kept CRCs of large writes, the rest read back."""
        value, pos = 0, 0
        for start, end, segment_crc in sorted(self._segments) + [(self.size, self.size, 0)]:
            self._f.seek(self._offset + pos)
            while pos < start:
                chunk = self._f.read(min(start - pos, 1 << 24))
                if not chunk:
                    raise OSError("the archive was truncated while it was written")
                value = crc32(chunk, value)
                pos += len(chunk)
            value = crc32_combine(value, segment_crc, end - start)
            pos = end
        return value

    def flush(self) -> None:
        self._f.flush()


class StoredZipWriter:
    def __init__(self, path: str):
        self._f = open(path, "w+b")  # noqa: SIM115 - closed in close()
        self._entries = []
        now = datetime.datetime.now()
        self._time = (now.hour << 11) | (now.minute << 5) | (now.second // 2)
        self._date = ((now.year - 1980) << 9) | (now.month << 5) | now.day

    def __enter__(self) -> "StoredZipWriter":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self._finish()
        self._f.close()

    def _header(self, name: bytes, crc: int, size: int, extra: bytes = b"") -> bytes:
        return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, self._time, self._date,
                           crc, size, size, len(name), len(extra)) + name + extra

    def add(self, name: str, data: bytes) -> None:
        if len(data) > _LIMIT:
            raise OverflowError("member too large for a non-zip64 archive")
        encoded = name.encode("utf-8")
        offset = self._f.seek(0, 2)
        crc = crc32(data)
        self._f.write(self._header(encoded, crc, len(data)))
        self._f.write(data)
        self._entries.append((encoded, crc, len(data), offset))

    @contextlib.contextmanager
    def h5_member(self, name: str):
        encoded = name.encode("utf-8")
        offset = self._f.seek(0, 2)
        header_end = offset + 30 + len(encoded) + 4  # + the padding extra field's own header
        data_start = max(HDF5_ALIGNMENT, 1 << (header_end - 1).bit_length())
        padding = data_start - header_end
        extra = struct.pack("<2H", _PADDING_FIELD, padding) + b"\0" * padding
        region = _OffsetFile(self._f, data_start)
        with h5py.File(region, "w") as h5:
            yield h5
        size = region.size
        if size > _LIMIT:
            raise OverflowError("member too large for a non-zip64 archive")
        crc = region.crc()
        self._f.seek(offset)
        self._f.write(self._header(encoded, crc, size, extra))
        self._f.seek(data_start + size)
        self._f.truncate()
        self._entries.append((encoded, crc, size, offset))

    def _finish(self) -> None:
        start = self._f.seek(0, 2)
        for name, crc, size, offset in self._entries:
            self._f.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, self._time,
                                      self._date, crc, size, size, len(name), 0, 0, 0, 0,
                                      0o100644 << 16, offset) + name)
        end = self._f.tell()
        if end > _LIMIT:
            raise OverflowError("archive too large for a non-zip64 archive")
        self._f.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(self._entries),
                                  len(self._entries), end - start, start, 0))
