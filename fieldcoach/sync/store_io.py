"""Atomic, durable writes of store files, in batches.

Each file is written to a hidden temporary name in its own folder and flushed; the batch
is made durable (one syncfs() of the file system on Linux, else fsync per file), then each
temporary file is renamed over its target with os.replace and every touched folder is
fsynced. A reader of the store (or a sync client) sees either the old file or the new
one, never a partial file. A run killed mid-batch can leave temporary files behind; they
are hidden (".name.json.tmp-…"), never match "*.json", and the next run removes them.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

TMP_MARK = ".tmp-"
FILE_MODE = 0o644   # the store is shared with the team: readable by the group and others
DIR_MODE = 0o755



@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """Linux: one syncfs() makes a whole batch durable, far cheaper than fsync per file.
    Looked up by the first writer (a reader of the store never loads ctypes)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:  # pragma: no cover
        return None
    return getattr(libc, "syncfs", None)


def is_temp(name: str) -> bool:
    return name.startswith(".") and TMP_MARK in name


def ensure_dir(folder: Path) -> None:
    """Create a store folder readable by the team (the umask may still narrow it)."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        p = p.parent
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    for p in missing:
        try:
            p.chmod(DIR_MODE)
        except OSError:  # pragma: no cover
            pass


def remove_stale_temps(folder: Path) -> int:
    """Delete temporary files a killed run left in folder; returns how many."""
    n = 0
    try:
        with os.scandir(folder) as it:
            for e in it:
                if is_temp(e.name) and e.is_file(follow_symlinks=False):
                    try:
                        os.unlink(e.path)
                        n += 1
                    except FileNotFoundError:
                        pass
    except FileNotFoundError:
        pass
    return n


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some network file systems refuse
        pass
    finally:
        os.close(fd)


class Batch:
    """Collect (path, bytes); commit() makes all of them durable and visible. `mode`: the
    files' permissions (the store's are team-readable; a recap is the owner's only)."""

    def __init__(self, mode: int = FILE_MODE) -> None:
        self._mode = mode
        self._pending: list[tuple[str, Path]] = []
        self._fsync_each = _syncfs() is None

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, path: Path, data: bytes) -> None:
        tmp = str(path.parent / f".{path.name}{TMP_MARK}{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, self._mode)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, self._mode)  # the umask of a private shell must not hide it from the team
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if self._fsync_each:
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            _unlink(tmp)
            raise
        os.close(fd)
        self._pending.append((tmp, path))

    def abort(self) -> None:
        for tmp, _ in self._pending:
            _unlink(tmp)
        self._pending.clear()

    def commit(self) -> list[Path]:
        if not self._pending:
            return []
        if not self._fsync_each:
            _sync_filesystem(self._pending[0][1].parent)
        folders: dict[Path, None] = {}
        done = []
        for tmp, path in self._pending:
            os.replace(tmp, path)
            folders[path.parent] = None
            done.append(path)
        for folder in folders:
            fsync_dir(folder)
        self._pending.clear()
        return done


def _sync_filesystem(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        syncfs = _syncfs()
        if syncfs is None or syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _unlink(p: str) -> None:
    try:
        os.unlink(p)
    except FileNotFoundError:
        pass


def write_atomic(path: Path, data: bytes, *, mode: int = FILE_MODE) -> None:
    b = Batch(mode)
    b.add(path, data)
    b.commit()


def write_all(items: Iterable[tuple[Path, bytes]]) -> list[Path]:
    b = Batch()
    try:
        for path, data in items:
            b.add(path, data)
    except BaseException:
        b.abort()
        raise
    return b.commit()
