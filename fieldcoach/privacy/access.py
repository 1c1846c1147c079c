"""Subject access: everything the manager's database holds about one person, a rep or
the manager, as one report (a plain dict) that `access_files` writes as JSON and as
Markdown. The report is source-neutral: a list of titled sections of records, each
record every column as stored (JSON columns decoded, stamps ISO 8601 with offset), so
the team database can build the same shape (`source` says which database it came from).

Everything held counts: deleted records (tombstones) and private notes too.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..clock import from_db
from ..errors import UserError
from ..lookups import MANAGER
from .forget import _fold, find_rep

SCHEMA_ID = "fieldcoach-access/1"
SOURCE = "manager database"
JSON_COLUMNS = {"goal": ("skill_ids",), "call": ("prep_answers", "skill_ids"),
                "privacy_receipt": ("counts",)}
Report = dict[str, Any]


@dataclass(frozen=True)
class Subject:
    kind: str   # "rep" or "manager"
    id: str
    name: str


def find_subject(con: sqlite3.Connection, person: str, *, manager: bool = False) -> Subject:
    """The manager (--manager, "me", or their name) or a rep (name or id)."""
    r = con.execute("SELECT id, name FROM manager WHERE deleted_at IS NULL "
                    "ORDER BY created_at, id LIMIT 1").fetchone()
    me = person.strip().casefold() in ("me", "manager") or (
        r is not None and (person.strip() == r[0] or (r[1] and _fold(r[1]) == _fold(person))))
    if manager or me:
        if r is None:
            raise UserError("this database has no manager yet (open the app once, or set your name "
                            "in settings)")
        return Subject("manager", r[0], r[1])
    rep = find_rep(con, person)
    return Subject("rep", rep.id, rep.name)


def _value(table: str, col: str, v: Any) -> Any:
    if v is None:
        return None
    if col in JSON_COLUMNS.get(table, ()):
        try:
            return json.loads(v)
        except ValueError:
            return v
    if col.endswith("_at") or col == "at":
        try:
            return from_db(v).isoformat()
        except (ValueError, TypeError, AttributeError):
            return v
    return v


def _records(con: sqlite3.Connection, table: str, where: str, args: dict[str, Any]) -> list[dict[str, Any]]:
    cur = con.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY rowid", args)
    cols = [d[0] for d in cur.description]
    return [{c: _value(table, c, v) for c, v in zip(cols, row, strict=True)} for row in cur]


_REP_CALLS = "call_id IN (SELECT id FROM call WHERE rep_id = :id)"
# (title, table, which records) about a rep; :id the rep, :name the name as a search text
REP_SECTIONS = (
    ("The rep", "rep", "id = :id"),
    ("Shared goals", "goal", "rep_id = :id"),
    ("Prep expectations", "expectation", "rep_id = :id"),
    ("Calls", "call", "rep_id = :id"),
    ("Notes taken on those calls (private ones included)", "note", _REP_CALLS),
    ("Debrief answers", "debrief_answer", _REP_CALLS),
    ("Ratings", "rating", _REP_CALLS),
    ("Next steps", "next_step", f"rep_id = :id OR {_REP_CALLS}"),
    ("Other notes that name the rep (the inbox, other reps' calls)", "note",
     "(call_id IS NULL OR call_id NOT IN (SELECT id FROM call WHERE rep_id = :id)) "
     "AND :name != '' AND instr(lower(text), lower(:name)) > 0"),
)
_MY_CALLS = f"call_id IN (SELECT id FROM call WHERE manager_id = {MANAGER})"
MANAGER_SECTIONS = (
    ("The manager: identity and settings", "manager", "id = :id"),
    ("Inbox notes (quick captures not filed to a call)", "note", "call_id IS NULL"),
    ("Debrief answers given by the manager", "debrief_answer", f"by = 'manager' AND {_MY_CALLS}"),
    ("Ratings given by the manager", "rating", f"by = 'manager' AND {_MY_CALLS}"),
    ("Next steps the manager owns", "next_step", "owner = 'manager'"),
    ("Privacy receipts (purges, forgotten reps: counts only)", "privacy_receipt", "1"),
)


def manager_db_access(con: sqlite3.Connection, subject: Subject, now: datetime) -> Report:
    """Everything the manager's database holds about subject."""
    spec = REP_SECTIONS if subject.kind == "rep" else MANAGER_SECTIONS
    args = {"id": subject.id, "name": subject.name.strip()}
    sections = [{"title": title, "table": table, "records": _records(con, table, where, args)}
                for title, table, where in spec]
    return {"schema": SCHEMA_ID, "generated_at": now.isoformat(), "source": SOURCE,
            "subject": {"kind": subject.kind, "id": subject.id, "name": subject.name},
            "sections": sections}
