"""Import: your own bundles and store folders merged into the database by id, through the
ingestion engine (ingest.py) and its SQLite sink (sqlite_sink.py).

Documents are streamed: one read, validated (pydantic models, strict: unknown fields,
naive datetimes, wrong types, non-UUID ids and newer schema versions are refused) and
written before the next. All of it runs in one transaction, so a document refused half
way through a store rolls back everything written before it: the database is unchanged.
Per record the newer updated_at wins and a tie keeps the local record, decided by the
database; within one import, two files holding the same record at the same updated_at are
settled by content, so the order of the paths never changes the result, and importing
twice equals importing once. Files unchanged since the last import of their folder are
not read again. A file missing from a store folder is never read as a deletion:
deletions travel only as tombstones (deleted_at set).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..clock import to_db, utcnow
from ..db import open_database_keys, transaction
from ..defaults import SEED_STAMP, SEEDED_SCRIPT, SEEDED_SKILLS
from ..errors import ImportRefused as ImportRefused  # raised here; importable from here as before
from .export import CURSOR_PREFIX, read_cursor, write_cursor
from .ingest import EXTRA_COLUMNS as EXTRA_COLUMNS
from .ingest import TABLE_ORDER as TABLE_ORDER
from .ingest import Owner, ingest
from .sqlite_sink import SqliteSink

STUB_STAMP = "1970-01-01T00:00:00.000000+00:00"
# Tables whose rows name a rep: a rep neither side holds yet gets a stub.
REP_REFERENCES = ("call", "goal", "expectation", "next_step")


@dataclass
class ImportResult:
    files: int = 0
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept_local: int = 0       # versions not applied: the database's copy was as new or newer
    deleted: int = 0          # tombstones applied (records that became deleted here)
    adopted_manager: str | None = None
    skipped: int = 0          # files unchanged since the last import of their folder: not read
    parsed: int = 0

    @property
    def changed(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values())


class _RefuseDatabase:
    """Reading our own database file would close a descriptor of it and drop our locks."""

    def __init__(self) -> None:
        self.keys = open_database_keys()

    def __call__(self, path: str, st: os.stat_result) -> None:
        if (st.st_dev, st.st_ino) in self.keys:
            raise ImportRefused(f"{path}: that is the fieldcoach database itself; import takes "
                                "bundles and store folders")


class _Owners:
    """The managers the documents name. The first one adopts a database nobody has worked
    in yet (a new laptop of the same manager); with more than one, nobody is adopted."""

    def __init__(self, con: sqlite3.Connection, now: datetime | None) -> None:
        self.con = con
        self.now = now
        self.seen: dict[str, str | None] = {}
        self.adopted: str | None = None
        self.unclaimed: bool | None = None

    def __call__(self, owner: Owner, path: str) -> None:
        mid = owner.manager_id
        if mid not in self.seen:
            self.seen[mid] = owner.manager_name
            if len(self.seen) == 1:
                self.unclaimed = _unclaimed(self.con, mid)
                if self.unclaimed:
                    _adopt(self.con, mid, owner.manager_name or "", to_db(self.now or utcnow()))
                    self.adopted = mid
            elif self.adopted is not None:
                raise ImportRefused(
                    f"{path}: belongs to manager {mid}, and this import adopts manager {self.adopted}: "
                    "import one manager's documents at a time")
        elif owner.manager_name and not self.seen[mid]:
            self.seen[mid] = owner.manager_name
            if self.adopted == mid:
                self.con.execute("UPDATE manager SET name = ? WHERE id = ?", (owner.manager_name, mid))


def _unclaimed(con: sqlite3.Connection, manager_id: str) -> bool:
    """Nobody has worked in this database yet: no reps, calls or notes (goals, steps,
    answers and ratings need one of those), skills and script as seeded, and at most one
    unnamed manager that is not manager_id already."""
    mgrs = con.execute("SELECT id, name, deleted_at FROM manager").fetchall()
    if len(mgrs) > 1 or (mgrs and (mgrs[0][1] or mgrs[0][2] or mgrs[0][0] == manager_id)):
        return False
    if con.execute("SELECT EXISTS (SELECT 1 FROM rep) OR EXISTS (SELECT 1 FROM call) "
                   "OR EXISTS (SELECT 1 FROM note)").fetchone()[0]:
        return False
    for table, seeded in (("skill", SEEDED_SKILLS), ("script_question", SEEDED_SCRIPT)):
        ids = json.dumps([row[0] for row in seeded])
        if con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE updated_at != ? "
                       "OR id NOT IN (SELECT value FROM json_each(?)))", (SEED_STAMP, ids)).fetchone()[0]:
            return False
    return True


def _adopt(con: sqlite3.Connection, manager_id: str, name: str, stamp: str) -> None:
    """Become manager_id."""
    local = con.execute("SELECT id FROM manager").fetchone()
    if local is None:
        con.execute("INSERT INTO manager (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                    (manager_id, stamp, stamp, name))
    else:
        con.execute("UPDATE manager SET id = ?, name = ?, updated_at = ? WHERE id = ?",
                    (manager_id, name, stamp, local[0]))
    # Export cursors tell what went to the old identity's folder, not to this one.
    con.execute("DELETE FROM sync_state WHERE key LIKE ?", (CURSOR_PREFIX + "%",))


def _replace_seeded_skills(con: sqlite3.Connection, imported: list[str]) -> None:
    """A store written before defaults had stable ids brings its own catalogue: after an
    adoption it replaces the seeded one (untouched, never exported under this identity)
    instead of sitting beside it as a second copy of every skill."""
    seeded = sorted(row[0] for row in SEEDED_SKILLS)
    live = [r[0] for r in con.execute(
        "SELECT id FROM skill WHERE deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))",
        (json.dumps(imported),))]
    if live and set(seeded).isdisjoint(live):
        con.execute("DELETE FROM skill WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(seeded),))


def _stub_reps(con: sqlite3.Connection, names: dict[str, str]) -> None:
    """A call (or goal, step) may name a rep that neither side holds yet (a single call file was
    imported): keep the reference valid with a stub that any real copy of the rep outranks."""
    missing: set[str] = set()
    for t in REP_REFERENCES:
        missing.update(r[0] for r in con.execute(
            f"SELECT DISTINCT rep_id FROM {t} WHERE rep_id NOT IN (SELECT id FROM rep)"))
    con.executemany("INSERT OR IGNORE INTO rep (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                    [(rid, STUB_STAMP, STUB_STAMP, names.get(rid, "")) for rid in sorted(missing)])


def _rewind_export_cursors(con: sqlite3.Connection, oldest: str) -> None:
    """Imported records may be older than an export cursor: make the next export look again."""
    keys = con.execute("SELECT key FROM sync_state WHERE key LIKE ?", (CURSOR_PREFIX + "%",)).fetchall()
    for (key,) in keys:
        cur = read_cursor(con, key)
        calls = cur.get("calls")
        if isinstance(calls, list) and len(calls) == 2 and calls[0] >= oldest:
            cur["calls"] = [oldest, ""]
        cur.pop("reps", None)
        cur.pop("manifest", None)
        write_cursor(con, key, cur)


def import_paths(con: sqlite3.Connection, paths: Iterable[str | Path], *,
                 now: datetime | None = None) -> ImportResult:
    """Stream every document under paths into the database, in one transaction: a refused
    document (ImportRefused) leaves the database as it was."""
    paths = list(paths)
    sink = SqliteSink(con)
    owners = _Owners(con, now)
    # Rows arrive in file order, not in key order, and a per-row key lookup cost about a
    # fifth of the import: the keys are checked once, at the end (the pragma only
    # changes outside a transaction, and only for this connection).
    con.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(con, "the import"):
            sink.open()
            stats = ingest(sink, paths, on_owner=owners, refuse=_RefuseDatabase())
            sink.close()
            if owners.adopted is not None:
                _replace_seeded_skills(con, sink.written_ids("skill"))
            _stub_reps(con, stats.rep_names)
            _check_references(con)
            c = sink.counts
            if c.oldest_applied is not None:
                _rewind_export_cursors(con, c.oldest_applied)
    finally:
        sink.drop()  # after a rollback too: the trigger tables live with the connection
        con.execute("PRAGMA foreign_keys = ON")
    return ImportResult(files=stats.files, inserted=c.inserted, updated=c.updated,
                        kept_local=c.offered - c.applied, deleted=c.deleted,
                        adopted_manager=owners.adopted, skipped=stats.skipped, parsed=stats.parsed)


def _check_references(con: sqlite3.Connection) -> None:
    bad = con.execute("PRAGMA foreign_key_check").fetchone()
    if bad is not None:
        table, rowid, parent, _ = tuple(bad)
        rid = con.execute(f"SELECT id FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        raise ImportRefused(f"a {table} record ({rid[0] if rid else rowid}) would point at a {parent} "
                            "that neither the files nor the database hold")
