"""Where the ingestion engine's rows land in a manager's own SQLite file: an upsert per
table in which the database applies the merge rule, and the file states of ingest.py.

    INSERT ... ON CONFLICT(id) DO UPDATE SET ... WHERE excluded.updated_at > t.updated_at

so the newer version of a record wins and a tie keeps the local one, with no read of
the local rows first. One case needs more: the same record twice in one import at the
same updated_at (a bundle and a store folder of two laptops) must give the same result
whichever file comes first, so between two versions written by this import the content
decides (a row-value comparison of all columns). Temporary triggers note which ids this
import wrote, which is also how it counts what was new, updated or deleted.

Runs inside the caller's transaction: open() adds the temporary tables and triggers,
close() counts, drop() removes them (temp objects live with the connection, not the file).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from .ingest import TABLE_ORDER, FileState, Row, columns

STATE_TABLE = "ingest_file"


def _touched(table: str) -> str:
    # unqualified: a trigger body may not name a schema; temp tables are found first anyway
    return f"ingest_touched_{table}"


def _note(table: str, values: str) -> str:
    # not INSERT OR IGNORE: inside a trigger the outer statement's conflict policy wins
    return (f"INSERT INTO {table} SELECT new.id, {values} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE id = new.id);")


def upsert_sql(table: str) -> str:
    cols = columns(table)
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    mine = ", ".join(f"ifnull({table}.{c}, x'')" for c in cols)
    theirs = ", ".join(f"ifnull(excluded.{c}, x'')" for c in cols)
    return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT(id) DO UPDATE SET {sets} "
            f"WHERE excluded.updated_at > {table}.updated_at "
            f"OR (excluded.updated_at = {table}.updated_at "
            f"AND {table}.id IN (SELECT id FROM temp.{_touched(table)}) "
            f"AND ({theirs}) > ({mine}))")


@dataclass
class MergeCounts:
    offered: int = 0
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: int = 0          # records that became tombstones here
    applied: int = 0          # versions written (a record may be written twice in one import)
    oldest_applied: str | None = None


class SqliteSink:
    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.counts = MergeCounts()
        self._sql = {t: upsert_sql(t) for t in TABLE_ORDER}

    # -- life cycle (inside the caller's transaction) --
    def open(self) -> None:
        con = self.con
        for t in TABLE_ORDER:
            bare = _touched(t)
            con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {bare} (id TEXT PRIMARY KEY, fresh INTEGER, "
                        "was_deleted INTEGER) WITHOUT ROWID")
            con.execute(f"DELETE FROM temp.{bare}")
            con.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS ingest_ins_{t} AFTER INSERT ON main.{t} "
                        f"BEGIN {_note(bare, '1, 0')} END")
            con.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS ingest_upd_{t} AFTER UPDATE ON main.{t} "
                        f"BEGIN {_note(bare, '0, old.deleted_at IS NOT NULL')} END")
        # Rows arrive in file order, not in foreign-key order: check the keys at commit.
        con.execute("PRAGMA defer_foreign_keys = ON")

    def close(self) -> None:
        """Count what this import wrote and stop noting writes (touched_ids still answers
        until drop())."""
        con = self.con
        c = self.counts
        for t in TABLE_ORDER:
            name = _touched(t)
            fresh, upd, dele, oldest = con.execute(
                f"SELECT total(k.fresh), total(1 - k.fresh), "
                f"total(x.deleted_at IS NOT NULL AND NOT k.was_deleted), min(x.updated_at) "
                f"FROM temp.{name} k JOIN main.{t} x ON x.id = k.id").fetchone()
            if fresh:
                c.inserted[t] = int(fresh)
            if upd:
                c.updated[t] = int(upd)
            c.deleted += int(dele)
            if oldest is not None and (c.oldest_applied is None or oldest < c.oldest_applied):
                c.oldest_applied = oldest
        self._drop_triggers()

    def _drop_triggers(self) -> None:
        for t in TABLE_ORDER:
            self.con.execute(f"DROP TRIGGER IF EXISTS temp.ingest_ins_{t}")
            self.con.execute(f"DROP TRIGGER IF EXISTS temp.ingest_upd_{t}")

    def drop(self) -> None:
        """Leave the connection as it was, after a commit or a rollback (which may already
        have taken the temporary tables with it)."""
        self._drop_triggers()
        for t in TABLE_ORDER:
            self.con.execute(f"DROP TABLE IF EXISTS temp.{_touched(t)}")

    def touched_ids(self, table: str) -> list[str]:
        return [r[0] for r in self.con.execute(f"SELECT id FROM temp.{_touched(table)}")]

    # -- the Sink protocol --
    def put(self, table: str, rows: list[Row]) -> None:
        cur = self.con.executemany(self._sql[table], rows)
        self.counts.offered += len(rows)
        self.counts.applied += max(cur.rowcount, 0)

    def file_state(self, folder: str, path: str) -> FileState | None:
        r = self.con.execute(f"SELECT size, mtime_ns, sha256, read_ns FROM {STATE_TABLE} "
                             "WHERE folder = ? AND path = ?", (folder, path)).fetchone()
        return None if r is None else FileState(folder, path, r[0], r[1], r[2], r[3])

    def remember(self, states: list[FileState]) -> None:
        self.con.executemany(
            f"INSERT INTO {STATE_TABLE} (folder, path, size, mtime_ns, sha256, read_ns) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(folder, path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
            "sha256 = excluded.sha256, read_ns = excluded.read_ns",
            [(s.folder, s.path, s.size, s.mtime_ns, s.sha256, s.read_ns) for s in states])
