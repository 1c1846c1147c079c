"""Saving notes: the hottest path in the app, and `fieldcoach note` from a shell.

Standard library + the shorthand parser only. A note is committed (WAL, BEGIN IMMEDIATE)
before add_note returns, so the caller may clear the line knowing it is on disk.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime

from .clock import from_db, to_db, utcnow
from .db import transaction
from .errors import FieldError
from .lookups import MANAGER
from .shorthand import parse_note

MAX_NOTE_CHARS = 100_000


@dataclass(frozen=True)
class NoteRow:
    id: str
    call_id: str | None
    taken_at: datetime
    offset_seconds: int | None
    text: str
    kind: str
    skill_id: str | None
    private: bool


_COLS = "id, call_id, taken_at, offset_seconds, text, kind, skill_id, private"


def _row(r: sqlite3.Row | tuple) -> NoteRow:
    return NoteRow(r[0], r[1], from_db(r[2]), r[3], r[4], r[5], r[6], bool(r[7]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class ActiveCall:
    id: str
    started_at: datetime | None
    skill_ids: list[str]
    skill_names: list[str]


def active_call(con: sqlite3.Connection) -> ActiveCall | None:
    """The call being observed right now (the most recently started), if any."""
    r = con.execute(
        f"SELECT id, started_at, skill_ids FROM call WHERE manager_id = {MANAGER} AND status = 'observing' "
        "AND deleted_at IS NULL ORDER BY started_at DESC LIMIT 1").fetchone()
    if r is None:
        return None
    return call_context(con, r[0], r[1], r[2])


def call_context(con: sqlite3.Connection, call_id: str, started_at: str | None = None,
                 skill_ids_json: str | None = None) -> ActiveCall:
    if skill_ids_json is None:
        r = con.execute("SELECT started_at, skill_ids FROM call WHERE id = ?", (call_id,)).fetchone()
        if r is None:
            raise FieldError("call", "That call no longer exists.")
        started_at, skill_ids_json = r[0], r[1]
    ids = json.loads(skill_ids_json or "[]")
    names = dict(con.execute(
        f"SELECT id, name FROM skill WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()) if ids else {}
    return ActiveCall(call_id, from_db(started_at), ids, [names.get(i, "?") for i in ids])


def check_text(raw: str, field: str = "note") -> None:
    if len(raw) > MAX_NOTE_CHARS:
        raise FieldError(field, f"That is {len(raw):,} characters; a note holds at most {MAX_NOTE_CHARS:,}.")
    try:  # lone surrogates: bytes that were not UTF-8 (a command line in another encoding)
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise FieldError(field, "The note holds bytes that are not UTF-8 text; type it again.") from None


def add_note(con: sqlite3.Connection, call: ActiveCall | None, raw: str, *,
             now: datetime | None = None, private: bool = False) -> NoteRow:
    """Parse the shorthand and commit the note; call None files it in the inbox."""
    check_text(raw)
    skills = call.skill_ids if call else []
    parsed = parse_note(raw, len(skills), call.skill_names if call else ())
    if not parsed.text.strip():
        raise FieldError("note", "Type the note after the marker, e.g. “+2 great open question”.")
    now = now or utcnow()
    offset = None
    if call and call.started_at:
        offset = max(0, int((now - call.started_at).total_seconds()))
    skill_id = skills[parsed.skill_index - 1] if parsed.skill_index else None
    stamp = to_db(now)
    row = (str(uuid.uuid4()), call.id if call else None, stamp, offset, parsed.text,
           parsed.kind.value, skill_id, int(private))
    with transaction(con, "the note"):
        con.execute(
            f"INSERT INTO note ({_COLS}, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (*row, stamp, stamp))
    return _row(row)


def update_note(con: sqlite3.Connection, note_id: str, call: ActiveCall | None, raw: str,
                *, now: datetime | None = None) -> NoteRow:
    check_text(raw)
    skills = call.skill_ids if call else []
    parsed = parse_note(raw, len(skills), call.skill_names if call else ())
    if not parsed.text.strip():
        raise FieldError("note", "A note cannot be empty; use undo to remove it.")
    skill_id = skills[parsed.skill_index - 1] if parsed.skill_index else None
    with transaction(con, "the note"):
        con.execute("UPDATE note SET text = ?, kind = ?, skill_id = ?, updated_at = ? WHERE id = ?",
                    (parsed.text, parsed.kind.value, skill_id, to_db(now or utcnow()), note_id))
        r = con.execute(f"SELECT {_COLS} FROM note WHERE id = ?", (note_id,)).fetchone()
    if r is None:
        raise FieldError("note", "That note no longer exists.")
    return _row(r)


def delete_note(con: sqlite3.Connection, note_id: str, *, now: datetime | None = None) -> None:
    """Tombstone, not a hard delete: the deletion has to travel to the team store."""
    stamp = to_db(now or utcnow())
    with transaction(con):
        con.execute("UPDATE note SET deleted_at = ?, updated_at = ? WHERE id = ?", (stamp, stamp, note_id))


def set_private(con: sqlite3.Connection, note_id: str, private: bool, *,
                now: datetime | None = None) -> None:
    with transaction(con):
        con.execute("UPDATE note SET private = ?, updated_at = ? WHERE id = ?",
                    (int(private), to_db(now or utcnow()), note_id))


def call_notes(con: sqlite3.Connection, call_id: str) -> list[NoteRow]:
    return [_row(r) for r in con.execute(
        # rowid breaks ties between equal times in the order the notes were entered
        f"SELECT {_COLS} FROM note WHERE call_id = ? AND deleted_at IS NULL ORDER BY taken_at, rowid",
        (call_id,))]


def inbox(con: sqlite3.Connection, limit: int = 20) -> list[NoteRow]:
    return [_row(r) for r in con.execute(
        f"SELECT {_COLS} FROM note WHERE call_id IS NULL AND deleted_at IS NULL "
        "ORDER BY taken_at DESC LIMIT ?", (limit,))]


def file_inbox_note(con: sqlite3.Connection, note_id: str, call_id: str) -> None:
    """Move an inbox note onto a call (e.g. captured in the car before the call was set up)."""
    with transaction(con):
        con.execute("UPDATE note SET call_id = ?, updated_at = ? WHERE id = ?",
                    (call_id, to_db(utcnow()), note_id))


def capture(con: sqlite3.Connection, raw: str, *, now: datetime | None = None) -> tuple[NoteRow, ActiveCall | None]:
    """Quick capture: onto the call in progress, else into the inbox."""
    call = active_call(con)
    return add_note(con, call, raw, now=now), call
