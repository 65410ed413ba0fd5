"""Replacing a file atomically: a reader, or a crash, sees the old file or the new one,
never a torn one. Used by every writer (FAQ files and the persisted index)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(target: Path, prefix: str) -> Iterator[Path]:
    """A temporary file beside ``target`` (named ``prefix`` + 8 characters + ``.tmp``)
    for the caller to write. When the block ends normally the file is fsynced, given
    ``target``'s permissions when it exists (else those the umask gives a new file),
    and renamed onto it, then the directory is fsynced; however the block ends
    otherwise (an error, Ctrl-C), it is removed. An ``OSError`` reaches the caller,
    who says what it means."""
    import tempfile

    directory = target.parent
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:  # a new file gets the mode open() would give it, not mkstemp's 0600
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _sync_directory(directory)


def remove_leftovers(target: Path, prefix: str, older_than_ns: int = 0) -> None:
    """Delete the temporary files :func:`replacing` left beside ``target`` for a writer
    that was killed (``prefix`` as it was given); with ``older_than_ns``, only those
    last written longer ago than that (a build may still be writing a newer one)."""
    import re
    import time

    own = re.compile(re.escape(prefix) + r"[a-z0-9_]{8}\.tmp")  # tempfile.mkstemp's names
    stale_before = time.time_ns() - older_than_ns
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if own.fullmatch(name):
            path = target.parent / name
            try:
                if not older_than_ns or path.stat().st_mtime_ns < stale_before:
                    path.unlink()
            except OSError:
                continue  # gone already, or not ours to delete: the write goes on


def _umask() -> int:
    """The process's umask: read from /proc where it can be (Linux), else set and put
    back at once (for a moment another thread's new file would get 022)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; some file systems cannot sync a directory, and
    then the data alone is synced."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
