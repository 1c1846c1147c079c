"""The section 8 figures per first-line manager for a period, and the team's totals: the
queries the report prints (and the Team view will show). Each statement reads only the
period's rows through an index (calls by start or schedule, next steps by due or done
date), never all calls or notes; the per-manager sums and medians are made here.

Periods are whole UTC weeks from Monday: this week, the last 4 weeks, the last 13 weeks
(a quarter), stepped back with `back`. The store carries no manager's weekly budget or
late-debrief threshold, so the budget is not known here (None) and a debrief is late
after LATE_MINUTES, the app's default.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, and_, func, select

from ..clock import from_db, to_db
from . import schema

PERIOD_WEEKS = {"week": 1, "4weeks": 4, "quarter": 13}
LATE_MINUTES = 30


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime  # inclusive
    end: datetime    # exclusive

    @property
    def label(self) -> str:
        last = self.end - timedelta(days=1)
        return f"{self.start:%d %b %Y} – {last:%d %b %Y}"


def period(kind: str, now: datetime, back: int = 0) -> Period:
    """The period of kind that holds now, or the one `back` periods before it."""
    weeks = PERIOD_WEEKS[kind]
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = day - timedelta(days=day.weekday()) + timedelta(weeks=1) - timedelta(weeks=weeks * back)
    return Period(kind, end - timedelta(weeks=weeks), end)


@dataclass(frozen=True)
class Figures:
    """One first-line manager's figures for a period (or the team's, manager_id None)."""

    manager_id: str | None
    name: str
    coaching_minutes: int          # observation plus debrief time of the period's coaching calls
    budget_minutes: int | None     # the period's budget, when known
    sessions: int                  # coaching calls started in the period
    reps: int                      # reps on the roster
    reps_coached: int              # of those, with a coaching call in the period
    median_delay_minutes: float | None  # call end to debrief start, median
    late_debriefs: int             # debriefs started more than LATE_MINUTES after the call
    selling_calls: int             # selling calls done, scheduled in the period
    steps_done: int                # next steps done in the period
    steps_overdue: int             # next steps due in the period (and before now), not done

    @property
    def coverage(self) -> float | None:
        return self.reps_coached / self.reps if self.reps else None

    @property
    def coaching_per_selling(self) -> float | None:
        return self.sessions / self.selling_calls if self.selling_calls else None


@dataclass(frozen=True)
class TeamFigures:
    period: Period
    team: Figures
    managers: tuple[Figures, ...]  # by name


@dataclass
class _Acc:
    seconds: float = 0.0
    sessions: int = 0
    coached: set[str] | None = None
    delays: list[float] | None = None
    late: int = 0
    selling: int = 0
    done: int = 0
    overdue: int = 0


def _minutes(a: str | None, b: str | None) -> float | None:
    if a is None or b is None:
        return None
    return max(0.0, (from_db(b) - from_db(a)).total_seconds() / 60)


def _figures(mid: str | None, name: str, acc: _Acc, reps: int, delays: list[float],
             coached: int) -> Figures:
    return Figures(
        manager_id=mid, name=name, coaching_minutes=round(acc.seconds / 60), budget_minutes=None,
        sessions=acc.sessions, reps=reps, reps_coached=coached,
        median_delay_minutes=statistics.median(delays) if delays else None, late_debriefs=acc.late,
        selling_calls=acc.selling, steps_done=acc.done, steps_overdue=acc.overdue)


def team_figures(con: Connection, p: Period, now: datetime) -> TeamFigures:
    s, e = to_db(p.start), to_db(p.end)
    c, r, n = schema.call, schema.rep, schema.next_step
    live = c.c.deleted_at.is_(None)
    acc: dict[str, _Acc] = defaultdict(_Acc)
    coached: dict[str, set[str]] = defaultdict(set)
    delays: dict[str, list[float]] = defaultdict(list)
    for mid, rep_id, st, en, fs, fe in con.execute(
            select(c.c.manager_id, c.c.rep_id, c.c.started_at, c.c.ended_at, c.c.feedback_started_at,
                   c.c.feedback_ended_at)
            .where(c.c.started_at >= s, c.c.started_at < e, live, c.c.kind != "selling")):
        a = acc[mid]
        a.sessions += 1
        a.seconds += sum(60 * (m or 0) for m in (_minutes(st, en), _minutes(fs, fe)))
        coached[mid].add(rep_id)
        d = _minutes(en, fs)
        if d is not None:
            delays[mid].append(d)
            a.late += d > LATE_MINUTES
    for mid, k in con.execute(
            select(c.c.manager_id, func.count())
            .where(c.c.scheduled_at >= s, c.c.scheduled_at < e, live, c.c.kind == "selling",
                   c.c.status == "done").group_by(c.c.manager_id)):
        acc[mid].selling = k
    step_live = and_(n.c.deleted_at.is_(None), r.c.id == n.c.rep_id)
    for mid, k in con.execute(
            select(r.c.manager_id, func.count()).select_from(n).join(r, step_live)
            .where(n.c.done_at >= s, n.c.done_at < e).group_by(r.c.manager_id)):
        acc[mid].done = k
    due_by = to_db(min(p.end, now))
    for mid, k in con.execute(
            select(r.c.manager_id, func.count()).select_from(n).join(r, step_live)
            .where(n.c.due_at >= s, n.c.due_at < due_by, n.c.done_at.is_(None))
            .group_by(r.c.manager_id)):
        acc[mid].overdue = k
    reps: dict[str, int] = {m: k for m, k in con.execute(
        select(r.c.manager_id, func.count()).where(r.c.deleted_at.is_(None)).group_by(r.c.manager_id))}
    names: dict[str, str | None] = {m: k for m, k in con.execute(
        select(schema.manager.c.id, schema.manager.c.name))}
    ids = sorted(set(names) | set(reps) | set(acc), key=lambda m: ((names.get(m) or m).casefold(), m))
    managers = tuple(_figures(m, names.get(m) or m, acc[m], reps.get(m, 0), delays[m], len(coached[m]))
                     for m in ids)
    total = _Acc(seconds=sum(a.seconds for a in acc.values()), sessions=sum(a.sessions for a in acc.values()),
                 late=sum(a.late for a in acc.values()), selling=sum(a.selling for a in acc.values()),
                 done=sum(a.done for a in acc.values()), overdue=sum(a.overdue for a in acc.values()))
    team = _figures(None, "Team", total, sum(reps.values()), _flat(delays.values()),
                    sum(len(v) for v in coached.values()))
    return TeamFigures(p, team, managers)


def _flat(lists: Iterable[list[float]]) -> list[float]:
    return [x for xs in lists for x in xs]
