"""kc.utils.get_file against a local HTTP server: caching, hashes, extraction, hostile archives."""

import hashlib
import http.server
import io
import os
import tarfile
import threading
import zipfile
from functools import partial

import pytest

import kc


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("srv")
    (root / "a.txt").write_text("hello")
    with tarfile.open(root / "arch.tar.gz", "w:gz") as tar:
        tar.add(root / "a.txt", arcname="d/a.txt")
    with zipfile.ZipFile(root / "arch.zip", "w") as zf:
        zf.writestr("d/b.txt", "zip content")
    with zipfile.ZipFile(root / "evil.zip", "w") as zf:
        zf.writestr("../escape.txt", "x")
    with tarfile.open(root / "evil.tar", "w") as tar:
        info = tarfile.TarInfo("/abs.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_download_then_cache(server, tmp_path):
    path = kc.utils.get_file(origin=f"{server}/a.txt", cache_dir=str(tmp_path))
    assert path == str(tmp_path / "datasets" / "a.txt")
    assert open(path).read() == "hello"
    with open(path, "w") as f:
        f.write("cached")  # no hash given: the cached copy is used as is
    assert open(kc.utils.get_file(origin=f"{server}/a.txt", cache_dir=str(tmp_path))).read() \
        == "cached"
    forced = kc.utils.get_file(origin=f"{server}/a.txt", cache_dir=str(tmp_path),
                               force_download=True)
    assert open(forced).read() == "hello"


def test_hash_checked_and_stale_copy_refetched(server, tmp_path):
    good = hashlib.sha256(b"hello").hexdigest()
    target = tmp_path / "sub" / "x.txt"
    target.parent.mkdir()
    target.write_text("corrupt")
    path = kc.utils.get_file("x.txt", origin=f"{server}/a.txt", cache_dir=str(tmp_path),
                             cache_subdir="sub", file_hash=good)
    assert open(path).read() == "hello"
    md5 = hashlib.md5(b"hello").hexdigest()
    assert kc.utils.get_file("x.txt", origin=f"{server}/a.txt", cache_dir=str(tmp_path),
                             cache_subdir="sub", md5_hash=md5) == path
    with pytest.raises(ValueError, match="hash does not match"):
        kc.utils.get_file("y.txt", origin=f"{server}/a.txt", cache_dir=str(tmp_path),
                          file_hash="0" * 64)
    assert not os.path.exists(tmp_path / "datasets" / "y.txt")


def test_extract_tar_and_zip(server, tmp_path):
    out = kc.utils.get_file(origin=f"{server}/arch.tar.gz", cache_dir=str(tmp_path), extract=True)
    assert open(os.path.join(out, "d", "a.txt")).read() == "hello"
    out = kc.utils.get_file(origin=f"{server}/arch.zip", cache_dir=str(tmp_path), extract=True)
    assert open(os.path.join(out, "d", "b.txt")).read() == "zip content"
    out = kc.utils.get_file("arch2.tar.gz", origin=f"{server}/arch.tar.gz",
                            cache_dir=str(tmp_path), untar=True)
    assert out.endswith("arch2_extracted") and os.path.isfile(os.path.join(out, "d", "a.txt"))


@pytest.mark.parametrize("name", ["evil.zip", "evil.tar"])
def test_hostile_archives_refused(server, tmp_path, name):
    with pytest.raises(ValueError, match="outside the extraction folder"):
        kc.utils.get_file(origin=f"{server}/{name}", cache_dir=str(tmp_path), extract=True)
    assert not (tmp_path / "escape.txt").exists()


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="`origin`"):
        kc.utils.get_file("a.txt")
    with pytest.raises(ValueError, match="plain file name"):
        kc.utils.get_file("../a.txt", origin="http://127.0.0.1:1/a", cache_dir=str(tmp_path))
    with pytest.raises(OSError, match="could not download"):
        kc.utils.get_file(origin="http://127.0.0.1:1/nothing.txt", cache_dir=str(tmp_path))
