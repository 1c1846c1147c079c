"""Observing a call: what the note line needs before its first key, a saved note turned
back into what was typed (to correct it on the line), and the call's start and end.

On the path to the note line: standard library, `lookups` and `notes` only; the ORM
(start, end) and `queries` (the side panel) are imported inside the functions that need
them, which the screen runs in workers.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .lookups import CallRow, find_call
from .notes import ActiveCall, NoteRow, call_context, call_notes
from .shorthand import KIND_MARKERS

if TYPE_CHECKING:
    from .queries import CallDetail
    from .store import Store

_MARKER_OF_KIND = {kind.value: marker for marker, kind in KIND_MARKERS.items()}


@dataclass(frozen=True)
class Observation:
    """A call as the note line opens on it: its row, the skills its digits tag, the notes
    taken so far (in the order taken)."""

    call: CallRow
    context: ActiveCall
    notes: list[NoteRow]


def data_version(con: sqlite3.Connection) -> int:
    """SQLite's count of commits by other connections, as this connection sees it: other
    processes (`fieldcoach note` in a shell) and the app's own workers."""
    return int(con.execute("PRAGMA data_version").fetchone()[0])


def notes_if_changed(con: sqlite3.Connection, call_id: str, seen: int) -> tuple[int, list[NoteRow] | None]:
    """(the data version now, the call's notes), the notes read only when another
    connection has committed since `seen`: a check of microseconds, run every second while
    a call is observed, so a note added beside the app shows in it."""
    version = data_version(con)
    return version, (None if version == seen else call_notes(con, call_id))


def open_observation(con: sqlite3.Connection, call_id: str) -> Observation | None:
    """The call and its notes; None when it no longer exists. Three indexed reads (~1 ms):
    the note line must know its call before the first Enter, so it is read before the
    screen's first frame."""
    row = find_call(con, call_id)
    if row is None:
        return None
    return Observation(row, call_context(con, call_id), call_notes(con, call_id))


def as_typed(note: NoteRow, skill_ids: list[str]) -> str:
    """The note as shorthand again (marker, skill digit, text): what the line shows to
    correct it, and what `notes.update_note` parses back to the same kind and skill."""
    prefix = _MARKER_OF_KIND.get(note.kind, "")
    if note.skill_id and note.skill_id in skill_ids:
        prefix += str(skill_ids.index(note.skill_id) + 1)
    return f"{prefix} {note.text}" if prefix else note.text


def start_call(store: Store, call_id: str, now: datetime) -> None:
    """Mark the call started (the ORM is imported here, in a worker, not on the note line)."""
    from . import services

    services.start_call(store, call_id, now=now)


def end_call(store: Store, call_id: str, now: datetime) -> None:
    """End the observation: the feedback script starts from here."""
    from . import services

    services.end_call(store, call_id, now=now)


def call_brief(con: sqlite3.Connection, call_id: str, now: datetime) -> CallDetail | None:
    """What the side panel shows: objective, advance, the rep's goal, open next steps."""
    from .queries import call_detail

    return call_detail(con, call_id, now)
