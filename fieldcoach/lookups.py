"""Single-row lookups the app makes before its first frame: the manager's settings and
one call. Kept apart from `queries` (many dataclasses, costly to import) so launch into
the note line stays light; `queries` re-exports them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .clock import from_db


@dataclass(frozen=True)
class Settings:
    manager_id: str
    name: str
    budget_minutes: int
    late_minutes: int
    store_dir: str | None
    dayfirst: bool
    theme: str


@dataclass(frozen=True)
class CallRow:
    id: str
    rep_id: str
    rep_name: str
    account: str
    contact: str
    kind: str
    status: str
    scheduled_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    feedback_started_at: datetime | None
    feedback_ended_at: datetime | None


# This database's manager: the oldest live manager row (services.bootstrap makes it).
# Lists and figures cover this manager's reps and calls only (PRODUCT.md section 5,
# "Ownership"); as a constant subquery it is read once per statement and leaves the
# manager-first indexes (schema_sql.V4) usable.
MANAGER = "(SELECT id FROM manager WHERE deleted_at IS NULL ORDER BY created_at, id LIMIT 1)"

CALL_COLS = ("c.id, c.rep_id, r.name, c.account, c.contact, c.kind, c.status, c.scheduled_at, "
              "c.started_at, c.ended_at, c.feedback_started_at, c.feedback_ended_at")
CALL_SELECT = f"SELECT {CALL_COLS} FROM call c JOIN rep r ON r.id = c.rep_id"  # rows for call_row()


def call_row(r: sqlite3.Row | tuple[Any, ...]) -> CallRow:
    return CallRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], *(from_db(v) for v in r[7:12]))


def settings(con: sqlite3.Connection) -> Settings:
    r = con.execute("SELECT id, name, budget_minutes, late_minutes, store_dir, dayfirst, theme "
                    "FROM manager WHERE deleted_at IS NULL ORDER BY created_at, id LIMIT 1").fetchone()
    if r is None:
        return Settings("", "", 120, 30, None, True, "textual-dark")
    return Settings(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6])


def find_call(con: sqlite3.Connection, call_id: str) -> CallRow | None:
    r = con.execute(f"{CALL_SELECT} WHERE c.id = ?", (call_id,)).fetchone()
    return call_row(r) if r else None
