"""Opening the SQLite file safely: private modes, refusal of foreign or newer files,
WAL + busy timeout, and forward migrations in one transaction.

Standard library only, so the app and `fieldcoach note` can open the file without
paying for the ORM import.

The safety look (header, size, a read-only inspection) opens and closes the file, and
closing any descriptor of a database file drops every POSIX lock this process holds on
it, SQLite's included (SQLite's "How To Corrupt An SQLite Database File", 2.2). Another
process then believes it holds the last connection and deletes the WAL from under us:
whatever we save afterwards is lost. It happened whenever a thread worker or an ORM
session opened its connection while `fieldcoach note` ran. So the look runs only while
this process holds no open connection to the file (`holds_connection`); later
connections to it open plainly, and nothing else may open the file or its -wal/-shm
while one is held (`is_open_database_file` lets import and export refuse such a path).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreError as StoreError  # raised here; importable from here as before
from .schema_sql import SCHEMA_VERSION, STEPS

APPLICATION_ID = 0x46434348  # "FCCH": marks a file as ours
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000


def friendly_error(exc: BaseException, what: str = "the change", *,
                   reading: bool = False) -> StoreError | None:
    """Map an sqlite3 (or SQLAlchemy-wrapped) error a user can act on to a StoreError.
    `what` names the work that failed: saved when writing, read when `reading`.

    Returns None for anything else (a bug should stay a bug)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    failed = "could not be read" if reading else "was not saved"
    if "database or disk is full" in text or "disk is full" in text:
        return StoreError(f"The disk is full: {what} {failed}. Free some space and try again.")
    if "database is locked" in text or "database table is locked" in text or "database is busy" in text:
        return StoreError(f"The database is busy (another fieldcoach is writing to it): {what} "
                          f"{failed}. Try again in a moment.")
    if "readonly database" in text or "read-only" in text:
        return StoreError(f"The database file is read-only: {what} {failed}.")
    if "disk i/o error" in text:
        return StoreError(f"The disk reported an error: {what} {failed}.")
    if "malformed" in text or "not a database" in text:
        return StoreError(f"The database file is damaged: {what} {failed}. Keep a copy of the file, "
                          "then restore it from a backup or from your last export.")
    return None


def read_failure(exc: BaseException, what: str) -> str:
    """One line for a failed read: the plain sentence when the file is at fault (damaged,
    locked, unreadable disk), else what could not be read and the error."""
    friendly = friendly_error(exc, what, reading=True)
    return str(friendly) if friendly else f"{what[:1].upper()}{what[1:]} could not be read: {exc}"


class _Connection(sqlite3.Connection):
    """A connection that remembers being closed (sqlite3's own does not say)."""

    closed = False

    def close(self) -> None:
        self.closed = True
        super().close()


# The files this process has connections to, by (device, inode): connections that are
# garbage-collected close themselves and leave the weak set.
_held: dict[tuple[int, int], tuple[Path, weakref.WeakSet[_Connection]]] = {}
_held_lock = threading.Lock()


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # stat() opens no descriptor
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _held_paths() -> list[Path]:
    with _held_lock:
        for key, (_p, conns) in list(_held.items()):
            if not any(not c.closed for c in conns):
                del _held[key]
        return [p for p, _ in _held.values()]


def holds_connection(path: Path | str) -> bool:
    """Does this process hold an open connection to the database file at path?"""
    key = _file_key(Path(path))
    if key is None:
        return False
    with _held_lock:
        entry = _held.get(key)
        return entry is not None and any(not c.closed for c in entry[1])


def is_open_database_file(path: Path | str) -> bool:
    """Is path a database this process has open, or one of its -wal/-shm files? Opening
    and closing such a file would drop our locks on it (see the module docstring)."""
    key = _file_key(Path(path))
    if key is None:
        return False
    for db_path in _held_paths():
        for p in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            if _file_key(p) == key:
                return True
    return False


def open_database_keys() -> frozenset[tuple[int, int]]:
    """(device, inode) of every database file this process has open and of its -wal and
    -shm: one look for a reader of many files (import) instead of one per file."""
    keys = set()
    for db_path in _held_paths():
        for p in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            key = _file_key(p)
            if key is not None:
                keys.add(key)
    return frozenset(keys)


def _register(path: Path, con: _Connection) -> None:
    key = _file_key(path)
    if key is None:  # pragma: no cover - the file was just opened
        return
    with _held_lock:
        entry = _held.get(key)
        if entry is None:
            entry = _held[key] = (path, weakref.WeakSet())
        entry[1].add(con)


def ensure_private_dir(folder: Path) -> None:
    """Create folder owner-only (0700 whatever the umask). An existing folder is never
    chmodded: it may be shared (/tmp), the filesystem root, the user's own Documents, or
    made read-only on purpose (then it is refused); the 0600 file modes protect the data."""
    if folder.exists():
        return
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if stat.S_IMODE(folder.stat().st_mode) != 0o700:
            folder.chmod(0o700)
    except OSError:
        pass


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
    except IsADirectoryError as exc:
        raise StoreError(f"{path} is a folder, not a database file") from exc
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if head and head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not a fieldcoach database (not an SQLite file); left untouched")


def _check_size(path: Path) -> None:
    """A file shorter than its own header says it is was truncated: refuse it before SQLite
    reads past the end (it would report an empty, healthy-looking database)."""
    with open(path, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100:
        raise StoreError(f"{path} is damaged (truncated SQLite header); left untouched")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise StoreError(f"{path} is damaged (bad page size in the header); left untouched")
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    size = path.stat().st_size
    if counter_valid and pages and size < pages * page_size:
        raise StoreError(f"{path} is damaged (truncated: {size:,} bytes of {pages * page_size:,}); "
                         "left untouched")


def _writable(path: Path) -> bool:
    """Write permission judged from the mode bits as well as access(2): as root access(2)
    says yes to everything, but a file its owner marked read-only is still read-only."""
    try:
        st = path.stat()
    except OSError:
        return False
    return bool(st.st_mode & stat.S_IWUSR) and os.access(path, os.W_OK)


def _check_contents(path: Path) -> None:
    """Refuse a file whose contents are not ours to open: damaged, another application's
    (tables without our mark), or from a newer fieldcoach. Read without writing anything."""
    # A read-only connection to a WAL file would still create (and leave) -wal and -shm
    # beside it: when no -wal exists, read the file as immutable, which touches nothing.
    # With a -wal present (another instance is open, or it was killed) read it normally.
    from urllib.parse import quote

    wal = Path(f"{path}-wal").exists()
    try:
        con = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro" + ("" if wal else "&immutable=1"),
                              uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            # one statement, one snapshot: read one by one, the version and owner could
            # come from before another instance's first migration and the tables after it
            version, app_id, tables = con.execute(
                "SELECT (SELECT user_version FROM pragma_user_version), "
                "(SELECT application_id FROM pragma_application_id), "
                "(SELECT count(*) FROM sqlite_master WHERE type = 'table')").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged or not a database ({exc}); left untouched") from exc
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path} was written by a newer fieldcoach (schema {version}, this one "
                         f"knows {SCHEMA_VERSION}); upgrade fieldcoach. The file was left untouched.")
    if app_id != APPLICATION_ID and tables:
        raise StoreError(f"{path} is an SQLite file of another application; left untouched")


STILL_LOOKS = 10  # looks at a file that keeps changing before its look is believed


def _judged_still(path: Path, check: Callable[[Path], None]) -> None:
    """Run check, which refuses a file with a StoreError. A lock-free look at a file another
    instance is writing can see what is not there: a damaged page while it is being
    created, a short file while its WAL is folded back in (the header, with the new page
    count, is written before the pages), its tables before the mark that says whose they
    are. A refusal counts only for a file that did not change while it was checked and for
    a short pause after."""
    for attempt in range(STILL_LOOKS):
        before = _stamp(path), Path(f"{path}-wal").exists()
        try:
            check(path)
            return
        except StoreError:
            time.sleep(0.02)
            if attempt == STILL_LOOKS - 1 or (_stamp(path), Path(f"{path}-wal").exists()) == before:
                raise


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns

def _configure(con: sqlite3.Connection) -> None:
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA foreign_keys = ON")
    # Deleted and overwritten content is zeroed in the file, not left in free space: a
    # purged note or a forgotten rep must not stay readable (PRODUCT.md section 9).
    con.execute("PRAGMA secure_delete = ON")
    mode = _to_wal(con)
    if mode.lower() != "wal":  # pragma: no cover - e.g. a filesystem without shared memory
        con.execute("PRAGMA journal_mode = DELETE")
    # WAL + NORMAL: a commit survives the process being killed (not a power cut).
    con.execute("PRAGMA synchronous = NORMAL")

def _to_wal(con: sqlite3.Connection) -> str:
    """PRAGMA journal_mode = WAL. Switching a new file to WAL needs it to itself, and SQLite
    answers "locked" at once (without the busy timeout) while another instance is making
    the same switch: ask again for up to about the busy timeout."""
    for _attempt in range(BUSY_TIMEOUT_MS // 20 - 1):
        try:
            return str(con.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.02)
    return str(con.execute("PRAGMA journal_mode = WAL").fetchone()[0])  # the last try's error is the answer


def connect(path: Path | str, *, migrate: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the fieldcoach database at path.

    Refuses, with a StoreError and without writing a byte, a file that is not SQLite,
    is damaged, belongs to another application, or comes from a newer fieldcoach. While
    this process already holds a connection to the file, that was checked when the first
    one opened, and looking again would drop our locks: the file is opened plainly.
    """
    path = Path(path)
    if holds_connection(path):
        return _open(path, migrate=migrate)
    ensure_private_dir(path.parent)
    existed = path.exists() and path.stat().st_size > 0
    if existed:
        _judged_still(path, _check_header)
        _judged_still(path, _check_size)
        _judged_still(path, _check_contents)
        if not _writable(path) or not _writable(path.parent):
            raise StoreError(f"{path} is read-only: fieldcoach needs to write to it and its folder; "
                             "left untouched")
    else:
        if not _writable(path.parent):
            raise StoreError(f"cannot create {path}: its folder is read-only")
        try:
            _ensure_private_file(path)
        except OSError as exc:
            raise StoreError(f"cannot create {path}: {exc.strerror or exc}") from exc
    con = _open(path, migrate=migrate)
    _chmod_private(path)
    return con


def _open(path: Path, *, migrate: bool) -> sqlite3.Connection:
    con = None
    try:
        con = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                              check_same_thread=False, factory=_Connection)
        _register(path, con)
        con.row_factory = sqlite3.Row
        _configure(con)
        if migrate:
            migrate_forward(con)
    except (sqlite3.DatabaseError, StoreError) as exc:
        if con is not None:
            con.close()
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"cannot open {path}: {exc}") from exc
    return con

def migrate_forward(con: sqlite3.Connection) -> int:
    """Apply the missing upgrade steps in one transaction; returns the final version."""
    version = int(con.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(f"this database was written by a newer fieldcoach (schema {version}, this "
                         f"one knows {SCHEMA_VERSION}); upgrade fieldcoach. The file was left untouched.")
    if version == SCHEMA_VERSION:
        return version
    with transaction(con):
        # Re-read under the write lock: another process may have migrated meanwhile.
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        if version >= SCHEMA_VERSION:
            return version
        for step in STEPS[version:]:
            for statement in _split(step):
                con.execute(statement)
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return SCHEMA_VERSION

def _split(script: str) -> Iterator[str]:
    """Statements one by one (executescript() would COMMIT our transaction). A ';' inside a
    string literal or a trigger body does not end a statement: sqlite decides when one is
    complete."""
    buf = ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \t\r\n;"):
                yield buf
            buf = ""
    if buf.strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement in a migration step: {buf.strip()[:60]!r}")

@contextmanager
def transaction(con: sqlite3.Connection, what: str = "the change") -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE: a second writer waits on the busy timeout instead of failing later.

    A full disk, a lock held past the busy timeout, a read-only or damaged file surface as a
    StoreError with a one-line message; the transaction is rolled back, earlier data intact.
    """
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise (friendly_error(exc, what) or exc) from exc
    try:
        yield con
        con.execute("COMMIT")
    except BaseException as exc:
        if con.in_transaction:
            try:
                con.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        if isinstance(exc, sqlite3.DatabaseError):
            friendly = friendly_error(exc, what)
            if friendly is not None:
                raise friendly from exc
        raise
