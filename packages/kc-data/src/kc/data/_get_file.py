"""`get_file`: download a file once into a local cache, check its hash, extract archives."""

from __future__ import annotations

import hashlib
import os
import tarfile
import tempfile
import urllib.parse
import urllib.request
import zipfile

_CHUNK = 1 << 20


def _cache_root(cache_dir: str | None) -> str:
    if cache_dir is not None:
        return os.path.expanduser(cache_dir)
    root = os.environ.get("KC_HOME") or os.path.join(os.path.expanduser("~"), ".kc")
    if not os.access(os.path.dirname(root) or ".", os.W_OK) and not os.path.isdir(root):
        root = os.path.join(tempfile.gettempdir(), ".kc")
    return root


def _file_hash(path: str, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _algorithm(file_hash: str, hash_algorithm: str) -> str:
    if hash_algorithm in ("sha256", "md5"):
        return hash_algorithm
    if hash_algorithm != "auto":
        raise ValueError(f"get_file: `hash_algorithm` must be 'auto', 'sha256' or 'md5', got "
                         f"{hash_algorithm!r}.")
    return "sha256" if len(file_hash) == 64 else "md5"


def _download(origin: str, target: str) -> None:
    """Fetch ``origin`` into a temporary file beside ``target``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".download-")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(origin) as response:
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
        os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.remove(tmp)
        if isinstance(exc, Exception):
            raise OSError(f"get_file: could not download {origin!r}: {exc}") from exc
        raise


def _is_safe_member(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return not (name.startswith(("/", "\\")) or os.path.isabs(name) or ".." in parts
                or (len(name) > 1 and name[1] == ":"))


def _extract(archive: str, target: str, archive_format) -> None:
    formats = {"auto": ("tar", "zip"), None: ()}.get(archive_format, archive_format)
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    os.makedirs(target, exist_ok=True)
    if "tar" in formats and tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tar:
            bad = [m.name for m in tar.getmembers() if not _is_safe_member(m.name)
                   or ((m.issym() or m.islnk()) and not _is_safe_member(m.linkname))]
            if bad:
                raise ValueError(f"get_file: refusing to extract {archive!r}: members {bad} "
                                 "point outside the extraction folder.")
            tar.extractall(target, filter="data")
        return
    if "zip" in formats and zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            bad = [n for n in zf.namelist() if not _is_safe_member(n)]
            if bad:
                raise ValueError(f"get_file: refusing to extract {archive!r}: members {bad} "
                                 "point outside the extraction folder.")
            zf.extractall(target)
        return
    raise ValueError(f"get_file: {archive!r} is not an archive of format {archive_format!r} "
                     "(expected a tar or zip file).")


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False) -> str:
    """Download ``origin`` into a local cache unless it is already there; the local path.

    The cache is ``cache_dir/cache_subdir`` (``cache_dir`` defaults to
    ``$KC_HOME`` or ``~/.kc``). With ``file_hash`` (sha256 or md5) the file is
    checked after download, and a cached file that fails the check is fetched
    again. With ``extract=True`` the archive (tar, tar.gz, zip) is kept as
    ``<fname>_archive`` and extracted into the folder ``<fname>``, whose path
    is returned; archive members with absolute paths or ``..`` are refused.

    Example:
        >>> path = kc.utils.get_file(origin="https://example.com/data.csv")
    """
    if origin is None:
        raise ValueError("get_file: `origin` (the URL to download) is required.")
    if fname is None:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"get_file: cannot derive a file name from origin {origin!r}; "
                             "pass `fname`.")
    if os.path.basename(fname) != fname or fname in (".", ".."):
        raise ValueError(f"get_file: `fname` must be a plain file name, got {fname!r}.")
    expected = file_hash or md5_hash
    algorithm = _algorithm(expected, "md5" if md5_hash and not file_hash else hash_algorithm) \
        if expected else None
    datadir = os.path.join(_cache_root(cache_dir), cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    fpath = os.path.join(datadir, fname)
    if untar:
        stem = fname[:-7] if fname.endswith(".tar.gz") else os.path.splitext(fname)[0]
        archive, extracted = fpath, os.path.join(datadir, stem + "_extracted")
    elif extract:
        archive, extracted = fpath + "_archive", fpath
    else:
        archive, extracted = fpath, None

    fresh = force_download or not os.path.exists(archive)
    if not fresh and expected and _file_hash(archive, algorithm) != expected:
        fresh = True  # a stale or corrupt cached copy: fetch it again
    if fresh:
        _download(origin, archive)
        if expected and _file_hash(archive, algorithm) != expected:
            os.remove(archive)
            raise ValueError(f"get_file: the file downloaded from {origin!r} is incomplete or "
                             f"corrupt: its {algorithm} hash does not match {expected!r}.")
    if extracted is None:
        return archive
    if fresh or not os.path.isdir(extracted):
        _extract(archive, extracted, archive_format if not untar else "tar")
    return extracted
