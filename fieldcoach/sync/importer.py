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
    retracted: int = 0        # notes retracted by their author: text removed here
    adopted_manager: str | None = None
    skipped: int = 0          # files unchanged since the last import of their folder: not read
    hashed: int = 0           # files whose size and mtime were in doubt: their hash was compared
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
    """Whose documents these are, and whether they may come in (PRODUCT.md section 5,
    "Ownership"), asked of each document before its rows are written.

    A manager's database holds that manager's records only: documents of this database's
    own manager come in (a second laptop, a restore), and a database nobody has worked in
    yet adopts the one manager it imports. Anything else (a teammate's folder, a store of
    several managers) is refused with ImportRefused, and the import's transaction undoes
    whatever came before: a team's documents are read in the team database, never mixed
    into one manager's figures and exports."""

    def __init__(self, con: sqlite3.Connection, now: datetime | None) -> None:
        self.con = con
        self.now = now
        self.seen: dict[str, str] = {}  # manager id: name ("" until a manifest names it)
        self.adopted: str | None = None

    def __call__(self, owner: Owner, path: str) -> None:
        mid, name = owner.manager_id, owner.manager_name or ""
        if mid in self.seen:
            if name and not self.seen[mid]:
                self.seen[mid] = name
                if self.adopted == mid:
                    self.con.execute("UPDATE manager SET name = ? WHERE id = ?", (name, mid))
            return
        self.seen[mid] = name
        if len(self.seen) > 1:
            seen = sorted(self.seen.items(), key=lambda kv: (kv[1], kv[0]))
            names = ", ".join(_named(m, n) for m, n in seen)
            raise ImportRefused(f"these documents belong to {len(self.seen)} managers ({names}); a "
                                "manager's database holds one manager's records: read a team store with "
                                "`fieldcoach team`")
        local = self.con.execute("SELECT id, name FROM manager WHERE deleted_at IS NULL "
                                 "ORDER BY created_at, id LIMIT 1").fetchone()
        if local is not None and local[0] == mid:
            return
        # No manager row: no rep or call either (schema_sql.V4), so nobody to refuse on behalf of.
        if local is None or _unclaimed(self.con, mid):
            # A new laptop of the same manager: take over the identity that names the folder.
            _adopt(self.con, mid, name, to_db(self.now or utcnow()))
            self.adopted = mid
            return
        raise ImportRefused(f"these are the documents of {_named(mid, name)}, another manager; this "
                            f"database holds the records of {_named(local[0], local[1])} only: read a "
                            "teammate's documents with `fieldcoach team`")


def _named(manager_id: str, name: str) -> str:
    return f"{name} ({manager_id})" if name else f"manager {manager_id}"


def _unclaimed(con: sqlite3.Connection, manager_id: str) -> bool:
    """Nobody has worked in this database yet: no reps or calls (goals, steps, answers,
    ratings and call notes need one of those; notes in the inbox are this laptop's user's
    and stay theirs), skills and script as seeded, and at most one unnamed manager that is
    not manager_id already."""
    mgrs = con.execute("SELECT id, name, deleted_at FROM manager").fetchall()
    if len(mgrs) > 1 or (mgrs and (mgrs[0][1] or mgrs[0][2] or mgrs[0][0] == manager_id)):
        return False
    if con.execute("SELECT EXISTS (SELECT 1 FROM rep) OR EXISTS (SELECT 1 FROM call)").fetchone()[0]:
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


def _stub_reps(con: sqlite3.Connection, names: dict[str, str], manager_id: str | None) -> None:
    """A call (or goal, step) may name a rep that neither side holds yet (a single call file was
    imported): keep the reference valid with a stub that any real copy of the rep outranks."""
    missing: set[str] = set()
    for t in REP_REFERENCES:
        missing.update(r[0] for r in con.execute(
            f"SELECT DISTINCT rep_id FROM {t} WHERE rep_id NOT IN (SELECT id FROM rep)"))
    con.executemany("INSERT OR IGNORE INTO rep (id, created_at, updated_at, name, manager_id) "
                    "VALUES (?,?,?,?,?)",
                    [(rid, STUB_STAMP, STUB_STAMP, names.get(rid, ""), manager_id)
                     for rid in sorted(missing)])


def apply_retractions(con: sqlite3.Connection, retractions: dict[str, tuple[str, str]]) -> int:
    """Remove the text of notes their author made private after sharing them (PRODUCT.md
    section 5): wherever such a note arrived, it becomes an empty, deleted, private note, so
    a re-export from here carries the same id-only retraction. A note that is private here
    is the author's own and keeps its text. A retraction for a note never seen here leaves
    the same empty note, so every copy of the call reads alike. Retraction wins over any
    copy of the note, whatever its stamp: it is the author taking the words back.
    Returns the number of notes whose text was removed here."""
    if not retractions:
        return 0
    rows = [(nid, cid, stamp) for nid, (cid, stamp) in sorted(retractions.items())]
    con.executemany(
        "INSERT INTO note (id, call_id, created_at, updated_at, deleted_at, taken_at, text, private, shared) "
        "VALUES (?1, ?2, ?3, ?3, ?3, ?3, '', 1, 1) ON CONFLICT(id) DO NOTHING", rows)
    # Removed, not hidden: secure_delete zeroes the old text in the page (without it the
    # words stay in the file's free space until the page is reused).
    secure = con.execute("PRAGMA secure_delete").fetchone()[0]
    con.execute("PRAGMA secure_delete = 1")
    try:
        cur = con.executemany(
            "UPDATE note SET text = '', private = 1, shared = 1, deleted_at = ?2, "
            "updated_at = max(updated_at, ?2) WHERE id = ?1 AND private = 0",
            [(nid, stamp) for nid, _, stamp in rows])
    finally:
        con.execute(f"PRAGMA secure_delete = {int(secure)}")
    return cur.rowcount


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
    # Rows arrive in file order, not in key order (a call file may come before the roster
    # that holds its rep): the keys are checked once, at the end. The pragma changes only
    # outside a transaction, and only for this connection.
    con.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(con, "the import"):
            sink.open()
            stats = ingest(sink, paths, on_owner=owners, refuse=_RefuseDatabase())
            sink.close()
            if owners.adopted is not None:
                _replace_seeded_skills(con, sink.written_ids("skill"))
            retracted = apply_retractions(con, stats.retractions)
            c = sink.counts
            if c.applied or retracted:  # nothing written, nothing to check (a re-import)
                _stub_reps(con, stats.rep_names, next(iter(owners.seen), None))
                _check_references(con)
            oldest = min((s for s in (c.oldest_applied, *(at for _, at in stats.retractions.values()))
                          if s is not None), default=None) if retracted else c.oldest_applied
            if oldest is not None:
                _rewind_export_cursors(con, oldest)
    finally:
        sink.drop()  # after a rollback too: temporary tables live with the connection
        con.execute("PRAGMA foreign_keys = ON")
    return ImportResult(files=stats.files, inserted=c.inserted, updated=c.updated,
                        kept_local=c.offered - c.applied, deleted=c.deleted, retracted=retracted,
                        adopted_manager=owners.adopted, skipped=stats.skipped, hashed=stats.hashed,
                        parsed=stats.parsed)


def _check_references(con: sqlite3.Connection) -> None:
    bad = con.execute("PRAGMA foreign_key_check").fetchone()
    if bad is not None:
        table, rowid, parent, _ = tuple(bad)
        rid = con.execute(f"SELECT id FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        raise ImportRefused(f"a {table} record ({rid[0] if rid else rowid}) would point at a {parent} "
                            "that neither the files nor the database hold")
