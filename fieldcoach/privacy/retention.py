"""Retention: how long each class of record is kept, what the next purge would remove,
and the purge itself.

A purge is planned first (`plan_purge`: the ids, counts and oldest date per class, read
only) and then carried out on exactly that plan (`purge`), so what the settings screen or
`fieldcoach privacy purge --dry-run` showed is what goes, even if the clock moved on in
between. Removed records become tombstones without content (tombstones.py) and leave the
laptop as such on the next export; the WAL is truncated after.

Ages: a note by when it was taken, a rating by when it was given, a call by when it
started (else was planned, else was entered). A call being observed is never purged.
What a whole call removes (its notes, answers, ratings and steps) is counted under
calls, not again under its own class.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ..clock import from_db, to_db
from ..db import transaction
from ..errors import FieldError, FormErrors
from ..lookups import MANAGER
from ..store import Store
from . import tombstones
from .files import remove_files
from .tombstones import Receipt

MAX_DAYS = 36_500  # a hundred years: anything longer is "keep forever"


@dataclass(frozen=True)
class RecordClass:
    key: str      # the form field and the receipt's kind
    label: str
    column: str   # manager.<column>: days, NULL keeps forever


CLASSES = (
    RecordClass("private_notes", "Private notes", "keep_private_notes_days"),
    RecordClass("notes", "Notes (shared)", "keep_notes_days"),
    RecordClass("ratings", "Ratings", "keep_ratings_days"),
    RecordClass("calls", "Whole calls", "keep_calls_days"),
    RecordClass("inbox", "Inbox notes", "keep_inbox_days"),
)
BY_KEY = {c.key: c for c in CLASSES}
FIELDS = tuple(f"keep_{c.key}" for c in CLASSES)  # the settings form's field names


# --- the setting --------------------------------------------------------------------------

Retention = dict[str, int | None]  # class key: days, None keeps forever


def read_retention(con: sqlite3.Connection) -> Retention:
    cols = ", ".join(c.column for c in CLASSES)
    r = con.execute(f"SELECT {cols} FROM manager WHERE deleted_at IS NULL "
                    "ORDER BY created_at, id LIMIT 1").fetchone()
    return {c.key: (None if r is None or r[i] is None else int(r[i])) for i, c in enumerate(CLASSES)}


def save_retention(store: Store, retention: Retention) -> None:
    """Write the periods to the manager's row (the settings save makes the row first)."""
    sets = ", ".join(f"{c.column} = :{c.key}" for c in CLASSES)
    with transaction(store.con(), "the retention periods") as con:
        con.execute(f"UPDATE manager SET {sets} WHERE id = {MANAGER}",
                    {c.key: retention.get(c.key) for c in CLASSES})


def retention_fields(retention: Retention) -> dict[str, str]:
    """The form's texts: days, or empty for keep forever."""
    return {f"keep_{k}": "" if v is None else str(v) for k, v in retention.items()}


def parse_days(field: str, text: str) -> int | None:
    t = text.strip().lower()
    if t in ("", "forever", "keep forever"):
        return None
    try:
        days = int(t)
    except ValueError:
        raise FieldError(field, "A number of days (e.g. 365), or empty to keep forever.") from None
    if not 1 <= days <= MAX_DAYS:
        raise FieldError(field, f"From 1 to {MAX_DAYS} days, or empty to keep forever.")
    return days


def parse_retention(fields: Mapping[str, str]) -> Retention:
    errors: dict[str, str] = {}
    out: Retention = {}
    for c in CLASSES:
        name = f"keep_{c.key}"
        try:
            out[c.key] = parse_days(name, fields.get(name, ""))
        except FieldError as exc:
            errors[exc.field] = exc.message
    if errors:
        raise FormErrors(errors)
    return out


# --- the plan -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ClassPlan:
    cls: RecordClass
    days: int | None
    ids: tuple[str, ...]
    oldest: datetime | None

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class PurgePlan:
    now: datetime
    classes: tuple[ClassPlan, ...]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.classes)

    @property
    def kept_forever(self) -> bool:
        return all(c.days is None for c in self.classes)

    def lines(self, tz: tzinfo | None = None) -> list[str]:
        """One line per class: what the next purge removes (the screen and --dry-run); the
        oldest date in tz (the local zone)."""
        out = []
        for c in self.classes:
            if c.days is None:
                out.append(f"{c.cls.label}: kept forever")
            elif not c.ids:
                out.append(f"{c.cls.label}: kept {c.days} days; nothing older")
            else:
                oldest = f", oldest {c.oldest.astimezone(tz):%Y-%m-%d}" if c.oldest else ""
                out.append(f"{c.cls.label}: kept {c.days} days; {c.count} to remove{oldest}")
        return out


_CALL_AGE = "coalesce(started_at, scheduled_at, created_at)"
_MY_CALLS = f"call_id IN (SELECT id FROM call WHERE manager_id = {MANAGER})"
_NOT_IN_PURGED = "call_id NOT IN (SELECT value FROM json_each(:calls))"


def _select(con: sqlite3.Connection, key: str) -> str:
    """id and age of the records of class key past :cut (a live one, or one still holding content)."""
    if key == "calls":
        return (f"SELECT id, {_CALL_AGE} FROM call WHERE manager_id = {MANAGER} AND status != 'observing' "
                f"AND {_CALL_AGE} < :cut AND {tombstones.has_content(con, 'call')}")
    if key == "ratings":
        return (f"SELECT id, created_at FROM rating WHERE {_MY_CALLS} AND {_NOT_IN_PURGED} "
                f"AND created_at < :cut AND {tombstones.has_content(con, 'rating')}")
    where = {"private_notes": f"private = 1 AND {_MY_CALLS} AND {_NOT_IN_PURGED}",
             "notes": f"private = 0 AND {_MY_CALLS} AND {_NOT_IN_PURGED}",
             "inbox": "call_id IS NULL"}[key]
    return (f"SELECT id, taken_at FROM note WHERE {where} AND taken_at < :cut "
            f"AND {tombstones.has_content(con, 'note')}")


def plan_purge(con: sqlite3.Connection, retention: Retention, now: datetime) -> PurgePlan:
    """What a purge at `now` removes, per class; reads only."""
    plans: dict[str, ClassPlan] = {}
    calls: list[str] = []
    # whole calls first: what they hold is theirs, not counted again under its own class
    for c in sorted(CLASSES, key=lambda c: c.key != "calls"):
        days = retention.get(c.key)
        ids: list[str] = []
        oldest = None
        if days is not None:
            cut = to_db(now - timedelta(days=days))
            rows = con.execute(_select(con, c.key) + " ORDER BY 2, 1",
                               {"cut": cut, "calls": json.dumps(calls)}).fetchall()
            ids = [r[0] for r in rows]
            oldest = from_db(rows[0][1]) if rows else None
        if c.key == "calls":
            calls = ids
        plans[c.key] = ClassPlan(c, days, tuple(ids), oldest)
    return PurgePlan(now, tuple(plans[c.key] for c in CLASSES))


# --- the purge ----------------------------------------------------------------------------

CALL_CHILDREN = ("debrief_answer", "rating", "next_step")


def _children(con: sqlite3.Connection, table: str, call_ids: list[str]) -> list[str]:
    return [r[0] for r in con.execute(
        f"SELECT id FROM {table} WHERE call_id IN (SELECT value FROM json_each(?))", (json.dumps(call_ids),))]


def remove_calls(con: sqlite3.Connection, call_ids: list[str], now: datetime) -> dict[str, int]:
    """Tombstone calls and everything in them; counts per table. Inside a transaction."""
    counts = {"notes": tombstones.remove_notes(con, _children(con, "note", call_ids), now)}
    for table in CALL_CHILDREN:
        counts[table] = tombstones.tombstone(con, table, _children(con, table, call_ids), now)
    counts["calls"] = tombstones.tombstone(con, "call", call_ids, now)
    return counts


# Records per write transaction: a purge of years of records takes seconds, and a note's
# Enter (or `fieldcoach note` in a shell) must wait at most for one batch, not all of it.
CALLS_PER_BATCH = 200      # with their notes, answers, ratings and steps: about 50 ms here
RECORDS_PER_BATCH = 5000   # notes or ratings on their own


def _batches(ids: list[str], size: int) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def purge(store: Store, plan: PurgePlan) -> Receipt:
    """Remove exactly what plan lists, in short write transactions; keep a receipt;
    truncate the WAL; remove the drafts and recaps of the calls removed. Stopped halfway
    (a kill, a full disk), what was removed stays removed and the rest is still past its
    period: the next purge takes it."""
    by = {c.cls.key: list(c.ids) for c in plan.classes}
    now = plan.now
    counts = dict.fromkeys(("calls", "private_notes", "notes", "ratings", "inbox", "in those calls"), 0)
    for ids in _batches(by["calls"], CALLS_PER_BATCH):
        with transaction(store.con(), "the purge") as con:
            inside = remove_calls(con, ids, now)
        counts["calls"] += inside.pop("calls", 0)
        counts["in those calls"] += sum(inside.values())  # what the calls held, beside them
    for key, remove in (("private_notes", tombstones.remove_notes), ("notes", tombstones.remove_notes),
                        ("ratings", lambda con, ids, at: tombstones.tombstone(con, "rating", ids, at)),
                        ("inbox", tombstones.remove_notes)):
        for ids in _batches(by[key], RECORDS_PER_BATCH):
            with transaction(store.con(), "the purge") as con:
                counts[key] += remove(con, ids, now)
    files = remove_files(store.path, by["calls"]) if by["calls"] else 0
    receipt = Receipt("purge", now, counts, files)
    with transaction(store.con(), "the purge") as con:
        tombstones.keep_receipt(con, receipt)
    tombstones.scrub(store.con())
    return receipt


def next_purge(con: sqlite3.Connection, now: datetime) -> PurgePlan:
    """What a purge at now removes under the saved periods (the settings screen's preview)."""
    return plan_purge(con, read_retention(con), now)


def apply_retention(store: Store, now: datetime) -> Receipt | None:
    """The purge at app start: None when every class is kept forever or nothing is due."""
    con = store.con()
    periods = read_retention(con)
    if all(days is None for days in periods.values()):
        return None  # the default: one row read at start, nothing planned
    plan = plan_purge(con, periods, now)
    if plan.total == 0:
        return None
    return purge(store, plan)
