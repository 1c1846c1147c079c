"""Removing records so that nothing of what they held stays: in the table, in the file's
free space, in the WAL, or in the next export.

A record that may have left the laptop (it is in the team store, or will be on the next
export) becomes a tombstone: deleted_at and updated_at set to now, every column of
content back to its column default, empty text or NULL. What stays is only what applying
the deletion needs: the id, the stamps, the links (rep, call), and the few fixed values
the published format requires (a rating's skill and who gave it; its score becomes the
placeholder 1, the format allows 1 to 5 only). Being newer and blank, such a tombstone
overwrites the content wherever the store is merged (import, team load: newer wins).
A record that never leaves (an inbox note, a private note never shared) is deleted.

The columns of content are read from the table itself (PRAGMA table_info), so a column
added later is blanked too without a change here.

Every connection of the manager's database runs with `secure_delete` (db.py): SQLite
zeroes what it frees. `scrub` then folds the WAL back and truncates it, so the old page
images there go too.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..clock import from_db, to_db
from ..text import how_many

# Columns a tombstone keeps: identity, stamps, links, local flags that decide how it is
# exported (a private note that was shared leaves as an id-only retraction), and the
# values the published format requires of a rating.
KEEP = frozenset({"id", "created_at", "updated_at", "deleted_at", "manager_id", "rep_id", "call_id",
                  "private", "shared", "taken_at"})
KEEP_IN = {"rating": frozenset({"skill_id", "by"})}
PLACEHOLDER = {("rating", "score"): "1"}
# Tables whose records are about a rep, children of a call last.
TABLES = ("rep", "goal", "expectation", "call", "note", "debrief_answer", "rating", "next_step")


def blank_values(con: sqlite3.Connection, table: str) -> dict[str, str]:
    """column: the SQL expression of its blank value, for every column of content."""
    out = {}
    keep = KEEP | KEEP_IN.get(table, frozenset())
    for r in con.execute(f"PRAGMA table_info({table})"):
        name, kind, notnull, default = r[1], str(r[2]).upper(), r[3], r[4]
        if name in keep or r[5]:
            continue
        if (table, name) in PLACEHOLDER:
            out[name] = PLACEHOLDER[(table, name)]
        elif default is not None:
            out[name] = str(default)
        elif not notnull:
            out[name] = "NULL"
        else:
            out[name] = "''" if "TEXT" in kind else "0"
    return out


def has_content(con: sqlite3.Connection, table: str) -> str:
    """SQL true for a row that is not yet a blank tombstone (live, or deleted with content)."""
    blanks = blank_values(con, table)
    held = " OR ".join(f"NOT ({c} IS {v})" for c, v in blanks.items())
    return f"(deleted_at IS NULL OR {held or '0'})"


def tombstone(con: sqlite3.Connection, table: str, ids: Sequence[str], now: datetime) -> int:
    """Blank the records of table with these ids into tombstones; returns how many."""
    if not ids:
        return 0
    sets = ", ".join(f"{c} = {v}" for c, v in blank_values(con, table).items())
    stamp = to_db(now)
    n = 0
    for start in range(0, len(ids), 5000):
        chunk = json.dumps(list(ids[start:start + 5000]))
        # updated_at never goes backwards (a record stamped ahead by another laptop's clock)
        cur = con.execute(f"UPDATE {table} SET {sets}, deleted_at = :now, "
                          f"updated_at = max(updated_at, :now) "
                          f"WHERE id IN (SELECT value FROM json_each(:ids))", {"now": stamp, "ids": chunk})
        n += cur.rowcount
    return n


def delete(con: sqlite3.Connection, table: str, ids: Sequence[str]) -> int:
    n = 0
    for start in range(0, len(ids), 5000):
        chunk = json.dumps(list(ids[start:start + 5000]))
        n += con.execute(f"DELETE FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
                         (chunk,)).rowcount
    return n


def remove_notes(con: sqlite3.Connection, ids: Sequence[str], now: datetime) -> int:
    """Notes: deleted outright when they never left the laptop (the inbox, private and
    never shared), tombstoned otherwise."""
    if not ids:
        return 0
    chunk = json.dumps(list(ids))
    local = [r[0] for r in con.execute(
        "SELECT id FROM note WHERE id IN (SELECT value FROM json_each(?)) "
        "AND (call_id IS NULL OR (private = 1 AND shared = 0))", (chunk,))]
    gone = set(local)
    return delete(con, "note", local) + tombstone(con, "note", [i for i in ids if i not in gone], now)


def scrub(con: sqlite3.Connection) -> tuple[int, int, int]:
    """Fold the WAL into the file and truncate it: old page images (the removed text)
    leave the WAL. Returns SQLite's (busy, frames, folded); busy means a reader of another
    connection held on, and the WAL is truncated by the next checkpoint instead."""
    busy, log, done = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(busy), int(log), int(done)


# --- receipts -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    """What a purge or a forgetting removed: when, and how many records of each kind.
    Never what they held, nor whom (a receipt outlives the rep it was about)."""

    action: str                 # "purge" or "forget"
    at: datetime
    counts: dict[str, int]      # kind of record: how many
    files: int = 0              # drafts and recap files removed

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        what = ", ".join(how_many(n, kind.replace("_", " ")) for kind, n in self.counts.items() if n)
        what = what or "nothing"
        files = f"; {how_many(self.files, 'draft or recap files')}" if self.files else ""
        return f"{self.action} at {to_db(self.at)}: {what}{files}"


def keep_receipt(con: sqlite3.Connection, receipt: Receipt) -> None:
    counts = {k: v for k, v in receipt.counts.items() if v}
    if receipt.files:
        counts["files"] = receipt.files
    con.execute("INSERT INTO privacy_receipt (at, action, counts) VALUES (?, ?, ?)",
                (to_db(receipt.at), receipt.action, json.dumps(counts, sort_keys=True)))


def receipts(con: sqlite3.Connection) -> list[Receipt]:
    out = []
    for at, action, counts in con.execute("SELECT at, action, counts FROM privacy_receipt ORDER BY at, id"):
        c = {str(k): int(v) for k, v in json.loads(counts).items()}
        files = c.pop("files", 0)
        when = from_db(at)
        if when is not None:
            out.append(Receipt(action, when, c, files))
    return out
