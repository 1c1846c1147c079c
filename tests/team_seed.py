"""A small team database written row by row, whose figures are worked out by hand in
tests/test_team_figures.py (and shown by the Team view's tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from fieldcoach.clock import to_db
from fieldcoach.team import schema
from fieldcoach.team.db import open_team_db
from fieldcoach.team.location import resolve_url

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday; 4 weeks: 2 Nov - 29 Nov
M, N = "mgr-mara", "mgr-noor"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> str:
    return to_db(datetime(2026, month, day, hour, minute, tzinfo=UTC))


def _rows(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    stamp = at(1, 0, month=10)
    with engine.begin() as con:
        for r in rows:  # one at a time: the rows fill different columns
            stamps = {"created_at": stamp, "updated_at": stamp} if "created_at" in table.c else {}
            con.execute(insert(table).values(**stamps, **r))


def _call(cid: str, mid: str, rep: str, start: str | None, minutes: int, delay: int, debrief: int,
          kind: str = "coaching", **extra: Any) -> dict[str, Any]:
    from fieldcoach.clock import from_db

    row: dict[str, Any] = {"id": cid, "manager_id": mid, "rep_id": rep, "kind": kind, "status": "done",
                           "scheduled_at": start, "started_at": start}
    if start is not None and kind != "selling":
        s = from_db(start)
        from datetime import timedelta

        end = s + timedelta(minutes=minutes)
        fs = end + timedelta(minutes=delay)
        row |= {"ended_at": to_db(end), "feedback_started_at": to_db(fs),
                "feedback_ended_at": to_db(fs + timedelta(minutes=debrief))}
    return row | extra


def seed(folder: Path, *, mara: str = "Mara Lind", noor: str = "Noor Haddad") -> str:
    """Two managers: Mara (budget 90 a week, late after 20 minutes) with reps Ana (focus
    skill s1) and Ben (never coached); Noor (no settings sent) with rep Eve. Returns the URL."""
    url = resolve_url(str(folder / "team.db"))
    engine = open_team_db(url)
    _rows(engine, schema.manager, [
        {"id": M, "name": mara, "budget_minutes_week": 90, "late_minutes": 20},
        {"id": N, "name": noor, "budget_minutes_week": None, "late_minutes": None}])
    _rows(engine, schema.rep, [{"id": "ana", "manager_id": M, "name": "Ana"},
                               {"id": "ben", "manager_id": M, "name": "Ben"},
                               {"id": "eve", "manager_id": N, "name": "Eve"}])
    _rows(engine, schema.goal, [
        {"id": "g-ana", "rep_id": "ana", "statement": "ask first", "skill_ids": '["s1"]', "status": "active"},
        {"id": "g-eve", "rep_id": "eve", "statement": "listen", "skill_ids": '["s1"]', "status": "active"}])
    _rows(engine, schema.call, [
        _call("c0", M, "ana", at(20, 10, month=10), 30, 10, 10),      # the period before
        _call("c1", M, "ana", at(3, 10), 45, 25, 15),                  # week 1: 60 min, late
        _call("c2", M, "ana", at(17, 9), 30, 5, 10,                    # week 3: 40 min
              rep_acknowledged_at=at(18, 8), rep_comment="Thanks \x1b[31m[b]red[/b]"),
        _call("c3", M, "ana", None, 0, 0, 0, kind="selling", scheduled_at=at(18, 14)),
        _call("c4", N, "eve", at(24, 10), 20, 30, 10),                 # week 4: 30 min, not late
    ])
    ratings = [("c0", "s1", 5, 1), ("c1", "s1", 4, 2), ("c1", "s2", 3, 3), ("c2", "s1", 3, 3),
               ("c4", "s1", 2, 4)]
    _rows(engine, schema.rating, [
        {"id": f"{cid}-{skill}-{by}", "call_id": cid, "skill_id": skill, "by": by, "score": score}
        for cid, skill, rep_score, mgr_score in ratings
        for by, score in (("rep", rep_score), ("manager", mgr_score))])
    _rows(engine, schema.next_step, [
        {"id": "n1", "call_id": "c1", "rep_id": "ana", "owner": "rep", "action": "send the plan",
         "due_at": at(9, 17), "done_at": at(10, 12)},
        {"id": "n2", "call_id": "c2", "rep_id": "ana", "owner": "rep", "action": "book the demo",
         "due_at": at(20, 17), "done_at": None}])
    engine.dispose()
    return url
