"""The section 8 figures per first-line manager for a period, the team's totals, and (for
the Team view's drill-down) per rep of one manager and per session of one rep: the
queries the report prints and the Team view shows. Each statement reads only the
period's rows through an index (calls by start or schedule, or by manager and rep;
ratings by call; next steps by due or done date, or by rep), never all calls, notes or
steps; sums, medians and means are made here.

Periods are whole UTC weeks from Monday: this week, the last 4 weeks, the last 13 weeks
(a quarter), stepped back with `back`.

What the figures mean (the README says the same):
- budget: the manager's weekly coaching budget (from the store's manifest) times the
  period's weeks; the team's is the sum of the budgets known (None when none is).
- late: a debrief started more than the manager's own threshold after the call ended
  (LATE_MINUTES when the store does not say).
- not coached: reps on the roster with no coaching call in the NOT_COACHED_DAYS before
  the period's end (or before now, for the period in progress).
- gap: the mean absolute difference between the rep's self-rating and the manager's
  rating of the same skill on the same call, over the period's coaching calls; it is
  *closing* when it is smaller than the same figure for the period before.
- skill movement: for each rep and each focus skill of the rep's agreed (active) goal,
  the manager's last rating in the period minus the manager's first rating of that skill
  in the period and the one before it (two different calls needed); the mean over those
  rep-and-skill pairs. Positive: the agreed skills improve.
- weekly series: coaching minutes and the gap for each week of the period, oldest first.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, true

from ..clock import from_db, to_db
from . import schema

PERIOD_WEEKS = {"week": 1, "4weeks": 4, "quarter": 13}
PERIOD_KINDS = tuple(PERIOD_WEEKS)
LATE_MINUTES = 30
# A fortnight: a rep who has had no ride-along in two weeks has missed the usual cadence
# (weekly or fortnightly field coaching), whatever the period shown.
NOT_COACHED_DAYS = 14


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime  # inclusive
    end: datetime    # exclusive

    @property
    def label(self) -> str:
        last = self.end - timedelta(days=1)
        return f"{self.start:%d %b %Y} – {last:%d %b %Y}"

    @property
    def weeks(self) -> int:
        return (self.end - self.start).days // 7

    def before(self) -> Period:
        """The period of the same kind just before this one."""
        return Period(self.kind, self.start - (self.end - self.start), self.start)


def period(kind: str, now: datetime, back: int = 0) -> Period:
    """The period of kind that holds now, or the one `back` periods before it."""
    weeks = PERIOD_WEEKS[kind]
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = day - timedelta(days=day.weekday()) + timedelta(weeks=1) - timedelta(weeks=weeks * back)
    return Period(kind, end - timedelta(weeks=weeks), end)


@dataclass(frozen=True)
class Coaching:
    """Figures a manager, the team and a rep all have, for one period."""

    name: str
    coaching_minutes: int          # observation plus debrief time of the period's coaching calls
    sessions: int                  # coaching calls started in the period
    median_delay_minutes: float | None  # call end to debrief start, median
    late_debriefs: int             # debriefs started later than the manager's threshold
    selling_calls: int             # selling calls done, scheduled in the period
    steps_done: int                # next steps done in the period
    steps_overdue: int             # next steps due in the period (and before now), not done
    gap: float | None              # mean |rep's self-rating - manager's rating|
    gap_before: float | None       # the same, the period before
    skill_movement: float | None   # mean change of the manager's ratings on agreed focus skills
    skill_pairs: int               # rep-and-skill pairs the movement is the mean of
    minutes_by_week: tuple[int, ...]          # coaching minutes per week of the period
    gap_by_week: tuple[float | None, ...]     # the gap per week of the period

    @property
    def coaching_per_selling(self) -> float | None:
        return self.sessions / self.selling_calls if self.selling_calls else None

    @property
    def gap_closing(self) -> bool | None:
        """True when the gap is smaller than the period before's; None when either is unknown."""
        if self.gap is None or self.gap_before is None:
            return None
        return self.gap < self.gap_before


@dataclass(frozen=True)
class Figures(Coaching):
    """One first-line manager's figures for a period (or the team's, manager_id None)."""

    manager_id: str | None
    budget_minutes: int | None     # the period's budget, when known
    late_minutes: int              # the threshold a late debrief is counted by
    reps: int                      # reps on the roster
    reps_coached: int              # of those, with a coaching call in the period
    reps_not_coached: int          # of those, none in the NOT_COACHED_DAYS to the period's end

    @property
    def coverage(self) -> float | None:
        return self.reps_coached / self.reps if self.reps else None


@dataclass(frozen=True)
class TeamFigures:
    period: Period
    team: Figures
    managers: tuple[Figures, ...]  # by name


@dataclass(frozen=True)
class RepFigures(Coaching):
    """One rep's figures for a period (drill-down, only where the policy allows it)."""

    rep_id: str
    last_coached: datetime | None  # the latest coaching call before the period's end


@dataclass(frozen=True)
class ManagerReps:
    period: Period
    manager: Figures
    reps: tuple[RepFigures, ...]   # by name


@dataclass(frozen=True)
class Session:
    """One call of a rep in a period, as the drill-down lists it."""

    call_id: str
    at: datetime | None            # started (scheduled, for a selling call)
    kind: str
    status: str
    minutes: int | None            # observation plus debrief
    delay_minutes: float | None
    late: bool
    gap: float | None
    steps_done: int
    steps_open: int
    steps_overdue: int
    rep_acknowledged_at: datetime | None
    rep_comment: str | None


@dataclass
class _Acc:
    seconds: float = 0.0
    sessions: int = 0
    coached: set[str] = field(default_factory=set)   # reps with a session in the period
    recent: set[str] = field(default_factory=set)    # reps with one in the NOT_COACHED_DAYS
    delays: list[float] = field(default_factory=list)
    late: int = 0
    selling: int = 0
    done: int = 0
    overdue: int = 0
    week_seconds: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    gaps: list[float] = field(default_factory=list)
    gaps_before: list[float] = field(default_factory=list)
    week_gaps: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    moves: list[int] = field(default_factory=list)
    last: str | None = None                          # latest coaching start (rep level)


def _minutes(a: str | None, b: str | None) -> float | None:
    if a is None or b is None:
        return None
    return max(0.0, (from_db(b) - from_db(a)).total_seconds() / 60)


def _mean(xs: list[float] | list[int]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _week(p: Period, stamp: str) -> int:
    return (from_db(stamp) - p.start).days // 7


@dataclass(frozen=True)
class _Scope:
    """Figures per manager (all managers), or per rep of one manager."""

    manager_id: str | None = None

    def call_key(self) -> Any:
        return schema.call.c.manager_id if self.manager_id is None else schema.call.c.rep_id

    def calls(self) -> ColumnElement[bool]:
        c = schema.call
        return c.c.deleted_at.is_(None) & (true() if self.manager_id is None
                                           else c.c.manager_id == self.manager_id)

    def step_key(self) -> Any:
        return schema.rep.c.manager_id if self.manager_id is None else schema.rep.c.id

    def steps(self) -> ColumnElement[bool]:
        r = schema.rep
        return true() if self.manager_id is None else r.c.manager_id == self.manager_id


def _collect(con: Connection, p: Period, now: datetime, scope: _Scope,
             late_of: dict[str, int]) -> dict[str, _Acc]:
    """The period's figures by manager (or by rep of scope's manager), from indexed reads."""
    s, e = to_db(p.start), to_db(p.end)
    c, r, n = schema.call, schema.rep, schema.next_step
    key, live = scope.call_key(), scope.calls()
    coaching = c.c.kind != "selling"
    acc: dict[str, _Acc] = defaultdict(_Acc)
    for k, mid, rep_id, st, en, fs, fe in con.execute(
            select(key, c.c.manager_id, c.c.rep_id, c.c.started_at, c.c.ended_at, c.c.feedback_started_at,
                   c.c.feedback_ended_at)
            .where(c.c.started_at >= s, c.c.started_at < e, live, coaching)):
        a = acc[k]
        a.sessions += 1
        seconds = sum(60 * (m or 0) for m in (_minutes(st, en), _minutes(fs, fe)))
        a.seconds += seconds
        a.week_seconds[_week(p, st)] += seconds
        a.coached.add(rep_id)
        d = _minutes(en, fs)
        if d is not None:
            a.delays.append(d)
            a.late += d > late_of.get(mid, LATE_MINUTES)
    for k, n_ in con.execute(
            select(key, func.count())
            .where(c.c.scheduled_at >= s, c.c.scheduled_at < e, live, c.c.kind == "selling",
                   c.c.status == "done").group_by(key)):
        acc[k].selling = n_
    as_of = min(p.end, now)
    for k, rep_id in con.execute(
            select(key, c.c.rep_id)
            .where(c.c.started_at >= to_db(as_of - timedelta(days=NOT_COACHED_DAYS)),
                   c.c.started_at < to_db(as_of), live, coaching).group_by(key, c.c.rep_id)):
        acc[k].recent.add(rep_id)
    step_live = and_(n.c.deleted_at.is_(None), r.c.id == n.c.rep_id)
    skey, sscope = scope.step_key(), scope.steps()
    for k, n_ in con.execute(
            select(skey, func.count()).select_from(n).join(r, step_live)
            .where(n.c.done_at >= s, n.c.done_at < e, sscope).group_by(skey)):
        acc[k].done = n_
    for k, n_ in con.execute(
            select(skey, func.count()).select_from(n).join(r, step_live)
            .where(n.c.due_at >= s, n.c.due_at < to_db(min(p.end, now)), n.c.done_at.is_(None), sscope)
            .group_by(skey)):
        acc[k].overdue = n_
    _ratings(con, p, scope, acc)
    return acc


def _focus_skills(con: Connection, scope: _Scope) -> dict[str, set[str]]:
    """Each rep's agreed focus skills: the skills of their active goals."""
    g, r = schema.goal, schema.rep
    q = (select(g.c.rep_id, g.c.skill_ids).select_from(g).join(r, r.c.id == g.c.rep_id)
         .where(g.c.deleted_at.is_(None), g.c.status == "active", scope.steps()))
    out: dict[str, set[str]] = defaultdict(set)
    for rep_id, ids in con.execute(q):
        try:
            out[rep_id].update(x for x in json.loads(ids or "[]") if isinstance(x, str))
        except ValueError:
            continue
    return out


def _ratings(con: Connection, p: Period, scope: _Scope, acc: dict[str, _Acc]) -> None:
    """The gap (this period, the one before, per week) and the skill movement, from the
    ratings of the coaching calls started in the period and the one before. The busiest
    read of the view (about four ratings a call, two periods): one pass over plain tuples."""
    c, rt = schema.call, schema.rating
    before = p.before()
    focus = _focus_skills(con, scope)
    rep_scores: dict[tuple[str, str], int] = {}      # (call, skill) -> the rep's score
    manager_scores: dict[tuple[str, str], int] = {}  # (call, skill) -> the manager's
    calls: dict[str, tuple[str, str]] = {}           # call -> (key, start)
    # (key, rep, skill) -> [(start, call, the manager's score)], agreed focus skills only
    managers: dict[tuple[str, str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for k, rep_id, cid, st, skill, by, score in con.execute(
            select(scope.call_key(), c.c.rep_id, c.c.id, c.c.started_at, rt.c.skill_id, rt.c.by, rt.c.score)
            .select_from(c).join(rt, and_(rt.c.call_id == c.c.id, rt.c.deleted_at.is_(None)))
            .where(c.c.started_at >= to_db(before.start), c.c.started_at < to_db(p.end), scope.calls(),
                   c.c.kind != "selling")):
        calls[cid] = (k, st)
        if by == "manager":
            manager_scores[(cid, skill)] = score
            if skill in focus.get(rep_id, ()):
                managers[(k, rep_id, skill)].append((st, cid, score))
        elif by == "rep":
            rep_scores[(cid, skill)] = score
    start = to_db(p.start)
    weeks: dict[str, int] = {}
    for pair, mine in rep_scores.items():
        theirs = manager_scores.get(pair)
        if theirs is None:
            continue
        k, st = calls[pair[0]]
        a = acc[k]
        if st < start:
            a.gaps_before.append(abs(mine - theirs))
        else:
            a.gaps.append(abs(mine - theirs))
            w = weeks.get(st)
            if w is None:
                w = weeks[st] = _week(p, st)
            a.week_gaps[w].append(abs(mine - theirs))
    for (k, _rep, _skill), seen in managers.items():
        seen.sort()
        first, last = seen[0], seen[-1]
        if last[0] >= start and first[1] != last[1]:
            acc[k].moves.append(last[2] - first[2])


def _common(name: str, a: _Acc, p: Period) -> dict[str, Any]:
    weeks = p.weeks
    return dict(
        name=name, coaching_minutes=round(a.seconds / 60), sessions=a.sessions,
        median_delay_minutes=statistics.median(a.delays) if a.delays else None, late_debriefs=a.late,
        selling_calls=a.selling, steps_done=a.done, steps_overdue=a.overdue,
        gap=_mean(a.gaps), gap_before=_mean(a.gaps_before), skill_movement=_mean(a.moves),
        skill_pairs=len(a.moves),
        minutes_by_week=tuple(round(a.week_seconds.get(w, 0.0) / 60) for w in range(weeks)),
        gap_by_week=tuple(_mean(a.week_gaps.get(w, [])) for w in range(weeks)))


def _merged(accs: Iterable[_Acc]) -> _Acc:
    t = _Acc()
    for a in accs:
        t.seconds += a.seconds
        t.sessions += a.sessions
        t.coached |= a.coached  # rep ids are unique across managers (the rep table's key)
        t.recent |= a.recent
        t.delays += a.delays
        t.late += a.late
        t.selling += a.selling
        t.done += a.done
        t.overdue += a.overdue
        for w, x in a.week_seconds.items():
            t.week_seconds[w] += x
        t.gaps += a.gaps
        t.gaps_before += a.gaps_before
        for w, xs in a.week_gaps.items():
            t.week_gaps[w] += xs
        t.moves += a.moves
    return t


@dataclass(frozen=True)
class _Manager:
    name: str
    budget_week: int | None
    late: int | None


def unnamed(manager_id: str) -> str:
    """What a manager who never set their name (in Settings) is called: their id's start."""
    return f"Unnamed manager {manager_id[:8]}"


def _managers(con: Connection, manager_id: str | None = None) -> dict[str, _Manager]:
    m = schema.manager
    q = select(m.c.id, m.c.name, m.c.budget_minutes_week, m.c.late_minutes)
    if manager_id is not None:
        q = q.where(m.c.id == manager_id)
    return {i: _Manager(name or unnamed(i), b, late) for i, name, b, late in con.execute(q)}


def _roster(con: Connection, manager_id: str) -> list[tuple[str, str]]:
    r = schema.rep
    return [(i, n) for i, n in con.execute(
        select(r.c.id, r.c.name).where(r.c.manager_id == manager_id, r.c.deleted_at.is_(None)))]


def _manager_figures(mid: str | None, info: _Manager, a: _Acc, p: Period, reps: int) -> Figures:
    return Figures(
        **_common(info.name, a, p), manager_id=mid,
        budget_minutes=None if info.budget_week is None else info.budget_week * p.weeks,
        late_minutes=info.late if info.late is not None else LATE_MINUTES, reps=reps,
        reps_coached=len(a.coached), reps_not_coached=max(0, reps - len(a.recent)))


def team_figures(con: Connection, p: Period, now: datetime) -> TeamFigures:
    info = _managers(con)
    late_of = {m: i.late for m, i in info.items() if i.late is not None}
    acc = _collect(con, p, now, _Scope(), late_of)
    r = schema.rep
    reps: dict[str, int] = {m: k for m, k in con.execute(
        select(r.c.manager_id, func.count()).where(r.c.deleted_at.is_(None)).group_by(r.c.manager_id))}
    for m in set(reps) | set(acc):  # records whose manager's manifest has not been loaded
        info.setdefault(m, _Manager(unnamed(m), None, None))
    ids = sorted(info, key=lambda m: (info[m].name.casefold(), m))
    managers = tuple(_manager_figures(m, info[m], acc[m], p, reps.get(m, 0)) for m in ids)
    budgets = [i.budget_week for i in info.values() if i.budget_week is not None]
    team = _manager_figures(None, _Manager("Team", sum(budgets) if budgets else None, LATE_MINUTES),
                            _merged(acc[m] for m in ids), p, sum(reps.values()))
    return TeamFigures(p, team, managers)


def manager_reps(con: Connection, manager_id: str, p: Period, now: datetime) -> ManagerReps:
    """One manager's figures and each of their reps' (the drill-down)."""
    info = _managers(con, manager_id).get(manager_id, _Manager(manager_id, None, None))
    late_of = {manager_id: info.late} if info.late is not None else {}
    acc = _collect(con, p, now, _Scope(manager_id), late_of)
    roster = _roster(con, manager_id)
    c = schema.call
    last: dict[str, str] = {k: v for k, v in con.execute(
        select(c.c.rep_id, func.max(c.c.started_at))
        .where(c.c.manager_id == manager_id, c.c.deleted_at.is_(None), c.c.kind != "selling",
               c.c.started_at < to_db(min(p.end, now))).group_by(c.c.rep_id))}
    reps = tuple(sorted(
        (RepFigures(**_common(name, acc[rid], p), rep_id=rid,
                    last_coached=from_db(last[rid]) if rid in last else None) for rid, name in roster),
        key=lambda f: (f.name.casefold(), f.rep_id)))
    manager = _manager_figures(manager_id, info, _merged(acc.values()), p, len(roster))
    return ManagerReps(p, manager, reps)


def rep_sessions(con: Connection, manager_id: str, rep_id: str, p: Period,
                 now: datetime) -> tuple[Session, ...]:
    """A rep's calls in the period, oldest first: coaching calls by start, selling calls by
    schedule; read by manager and rep."""
    c, n, rt, m = schema.call, schema.next_step, schema.rating, schema.manager
    s, e = to_db(p.start), to_db(p.end)
    late = con.execute(select(m.c.late_minutes).where(m.c.id == manager_id)).scalar() or LATE_MINUTES
    rows = con.execute(
        select(c.c.id, c.c.kind, c.c.status, c.c.scheduled_at, c.c.started_at, c.c.ended_at,
               c.c.feedback_started_at, c.c.feedback_ended_at, c.c.rep_acknowledged_at, c.c.rep_comment)
        .where(c.c.manager_id == manager_id, c.c.rep_id == rep_id, c.c.deleted_at.is_(None),
               or_(and_(c.c.started_at >= s, c.c.started_at < e),
                   and_(c.c.started_at.is_(None), c.c.scheduled_at >= s, c.c.scheduled_at < e)))).all()
    ids = [r[0] for r in rows]
    known = set(ids)
    scores: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    steps: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
    if ids:
        for cid, skill, by, score in con.execute(
                select(rt.c.call_id, rt.c.skill_id, rt.c.by, rt.c.score)
                .where(rt.c.call_id.in_(ids), rt.c.deleted_at.is_(None))):
            scores[cid][skill][by] = score
        for cid, due, done in con.execute(
                select(n.c.call_id, n.c.due_at, n.c.done_at)
                .where(n.c.rep_id == rep_id, n.c.deleted_at.is_(None))):
            if cid in known:
                steps[cid].append((due, done))
    now_s = to_db(now)
    out = []
    for cid, kind, status, sched, st, en, fs, fe, ack, comment in rows:
        parts = [x for x in (_minutes(st, en), _minutes(fs, fe)) if x is not None]
        delay = _minutes(en, fs)
        gaps = [abs(v["rep"] - v["manager"]) for v in scores[cid].values() if "rep" in v and "manager" in v]
        mine = steps.get(cid, [])
        out.append(Session(
            call_id=cid, at=from_db(st or sched) if (st or sched) else None, kind=kind, status=status,
            minutes=round(sum(parts)) if parts else None, delay_minutes=delay,
            late=delay is not None and delay > late, gap=_mean(gaps),
            steps_done=sum(1 for _, d in mine if d is not None),
            steps_open=sum(1 for due, d in mine if d is None and (due is None or due >= now_s)),
            steps_overdue=sum(1 for due, d in mine if d is None and due is not None and due < now_s),
            rep_acknowledged_at=from_db(ack) if ack else None, rep_comment=comment))
    out.sort(key=lambda x: (x.at is None, x.at or now, x.call_id))
    return tuple(out)
