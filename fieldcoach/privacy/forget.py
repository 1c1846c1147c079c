"""Forget a rep: everything about them leaves the manager's database, the drafts and the
saved recaps, and leaves the laptop as tombstones without content on the next export
(the call documents rewritten blank, reps.json without the name), which every team load
applies (newer wins). A receipt says when and how many records of each kind went,
nothing of what they held nor whose they were.

Not reached: what other records say about the rep in their own words (a note in
another rep's call, an inbox note naming them); subject access finds those by name.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from ..db import transaction
from ..errors import UserError
from ..lookups import MANAGER
from ..store import Store
from ..text import how_many, visible
from . import tombstones
from .files import remove_files
from .retention import remove_calls
from .tombstones import Receipt


@dataclass(frozen=True)
class RepRef:
    id: str
    name: str


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def find_rep(con: sqlite3.Connection, who: str) -> RepRef:
    """The manager's rep named by id or by name (case ignored); UserError when none or
    several match (then it lists their ids)."""
    rows = con.execute(f"SELECT id, name FROM rep WHERE manager_id = {MANAGER} "
                       f"AND {tombstones.has_content(con, 'rep')} ORDER BY name, id").fetchall()
    by_id = [r for r in rows if r[0] == who.strip()]
    if by_id:
        return RepRef(by_id[0][0], by_id[0][1])
    named = [r for r in rows if _fold(r[1]) == _fold(who)]
    if not named:
        raise UserError(f"no rep is named {visible(who)!r} (give the name as on the rep's page, or the id)")
    if len(named) > 1:
        raise UserError(f"{len(named)} reps are named {visible(who)!r}: give the id, one of "
                        + ", ".join(r[0] for r in named))
    return RepRef(named[0][0], named[0][1])


def forget_rep(store: Store, rep_id: str, now: datetime) -> Receipt:
    """Remove the rep and everything about them; returns the receipt (kept as well)."""
    con = store.con()
    row = con.execute("SELECT name FROM rep WHERE id = ?", (rep_id,)).fetchone()
    if row is None:
        raise UserError("that rep is not in this database")
    name = str(row[0])
    with transaction(con, "forgetting the rep") as c:
        calls = [r[0] for r in c.execute("SELECT id FROM call WHERE rep_id = ? ORDER BY id", (rep_id,))]
        inside = remove_calls(c, calls, now) if calls else {}
        # the rep's steps agreed outside their own calls (those went with the calls)
        steps = [r[0] for r in c.execute(
            "SELECT id FROM next_step WHERE rep_id = ? AND (call_id IS NULL OR call_id NOT IN "
            "(SELECT id FROM call WHERE rep_id = ?))", (rep_id, rep_id))]
        goals = [r[0] for r in c.execute("SELECT id FROM goal WHERE rep_id = ?", (rep_id,))]
        expectations = [r[0] for r in c.execute("SELECT id FROM expectation WHERE rep_id = ?", (rep_id,))]
        counts = {
            "rep": tombstones.tombstone(c, "rep", [rep_id], now),
            "goals": tombstones.tombstone(c, "goal", goals, now),
            "expectations": tombstones.tombstone(c, "expectation", expectations, now),
            "calls": inside.get("calls", 0),
            "notes": inside.get("notes", 0),
            "debrief answers": inside.get("debrief_answer", 0),
            "ratings": inside.get("rating", 0),
            "next steps": inside.get("next_step", 0) + tombstones.tombstone(c, "next_step", steps, now),
        }
        files = remove_files(store.path, calls, [rep_id], [name])
        receipt = Receipt("forget", now, counts, files)
        tombstones.keep_receipt(c, receipt)
    tombstones.scrub(con)
    return receipt


def forget_summary(receipt: Receipt) -> str:
    """The receipt as the command line and the rep page say it."""
    parts = [how_many(n, kind) for kind, n in receipt.counts.items() if n]
    if receipt.files:
        parts.append(how_many(receipt.files, "draft or recap files"))
    return "Forgotten: " + ", ".join(parts) + f" (receipt kept, {receipt.at.isoformat()})"
