"""Atomic writes: write a temporary file beside the target, then rename it over the target.

A crash (or an exception) while writing leaves the previous file untouched and
no partial file behind.

Example:
    >>> with atomic_path("model.keras") as tmp:
    ...     write_archive(tmp)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: str, directory: bool = False):
    """Yields a temporary path beside `target`; on success it replaces `target`."""
    target = os.fspath(target)
    parent = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"Cannot save to {target!r}: the directory {parent!r} does not exist.")
    prefix = "." + os.path.basename(target) + "."
    if directory:
        tmp = tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=parent)
    else:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=parent)
        os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, (0o777 if directory else 0o666) & ~_umask())
        if directory and os.path.isdir(target):
            old = tempfile.mkdtemp(prefix=prefix, suffix=".old", dir=parent)
            os.rmdir(old)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        elif os.path.exists(tmp):
            os.remove(tmp)
        raise


def confirm_overwrite(filepath: str, overwrite: bool) -> bool:
    """Whether to write `filepath`: always when `overwrite`, else ask (as Keras) if it exists."""
    if overwrite or not os.path.exists(filepath):
        return True
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n] ").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    return answer == "y"
