"""Opening the SQLite file safely: private modes, refusal of foreign or newer files,
WAL + busy timeout, and forward migrations in one transaction.

Standard library only, so the app and `fieldcoach note` can open the file without
paying for the ORM import.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .schema_sql import SCHEMA_VERSION, STEPS

APPLICATION_ID = 0x46434348  # "FCCH": marks a file as ours
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000


class StoreError(Exception):
    """A problem with the database file a user can act on; str() is the one-line message."""


def ensure_private_dir(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if stat.S_IMODE(folder.stat().st_mode) != 0o700:
            folder.chmod(0o700)
    except PermissionError:
        pass  # a folder we don't own (e.g. /tmp): the file modes still protect the data


def _ensure_private_file(path: Path) -> None:
    """Create the file 0600 ourselves, so SQLite's side files inherit owner-only modes."""
    if not path.exists():
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
    _chmod_private(path)


def _chmod_private(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if p.exists() and stat.S_IMODE(p.stat().st_mode) != 0o600:
                p.chmod(0o600)
        except PermissionError:
            pass


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except PermissionError as exc:
        raise StoreError(f"cannot read {path}: permission denied") from exc
    if head and head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not a fieldcoach database (not an SQLite file); left untouched")


def _inspect(path: Path) -> tuple[int, int, int]:
    """(user_version, application_id, table count) read without writing anything."""
    uri = f"file:{path}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged or not a database ({exc}); left untouched") from exc
    return version, app_id, tables


def _configure(con: sqlite3.Connection) -> None:
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA foreign_keys = ON")
    mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":  # pragma: no cover - e.g. a filesystem without shared memory
        con.execute("PRAGMA journal_mode = DELETE")
    # WAL + NORMAL: a commit survives the process being killed (not a power cut).
    con.execute("PRAGMA synchronous = NORMAL")


def connect(path: Path | str, *, migrate: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the fieldcoach database at path.

    Refuses, with a StoreError and without writing a byte, a file that is not SQLite,
    is damaged, belongs to another application, or comes from a newer fieldcoach.
    """
    path = Path(path)
    ensure_private_dir(path.parent)
    existed = path.exists() and path.stat().st_size > 0
    if existed:
        _check_header(path)
        version, app_id, tables = _inspect(path)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path} was written by a newer fieldcoach (schema {version}, this one "
                f"knows {SCHEMA_VERSION}); upgrade fieldcoach. The file was left untouched."
            )
        if app_id != APPLICATION_ID and tables:
            raise StoreError(f"{path} is an SQLite file of another application; left untouched")
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise StoreError(f"{path} is read-only: fieldcoach needs to write to it and its folder")
    else:
        try:
            _ensure_private_file(path)
        except OSError as exc:
            raise StoreError(f"cannot create {path}: {exc.strerror or exc}") from exc
    try:
        con = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                              check_same_thread=False)
        con.row_factory = sqlite3.Row
        _configure(con)
        if migrate:
            migrate_forward(con)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open {path}: {exc}") from exc
    _chmod_private(path)
    return con


def migrate_forward(con: sqlite3.Connection) -> int:
    """Apply the missing upgrade steps in one transaction; returns the final version."""
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version >= SCHEMA_VERSION:
        return version
    with transaction(con):
        # Re-read under the write lock: another process may have migrated meanwhile.
        version = con.execute("PRAGMA user_version").fetchone()[0]
        for step in STEPS[version:]:
            for statement in _split(step):
                con.execute(statement)
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return SCHEMA_VERSION


def _split(script: str) -> Iterator[str]:
    # executescript() would COMMIT our transaction; run statements one by one instead.
    for part in script.split(";"):
        if part.strip():
            yield part


@contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE: a second writer waits on the busy timeout instead of failing later."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
