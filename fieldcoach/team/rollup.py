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

from ..clock import from_db, to_db
from .dbapi import TeamDb, of_connection

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


def _collect(db: TeamDb, p: Period, now: datetime, scope: str, late_of: dict[str, int],
             **key: str) -> dict[str, _Acc]:
    """The period's figures by manager (scope "team") or by rep of one manager ("manager",
    key: manager_id), from indexed reads."""
    s, e = to_db(p.start), to_db(p.end)
    acc: dict[str, _Acc] = defaultdict(_Acc)
    for k, mid, rep_id, st, en, fs, fe in db.rows(f"coaching_calls/{scope}", start=s, end=e, **key):
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
    for k, n_ in db.rows(f"selling_done/{scope}", start=s, end=e, **key):
        acc[k].selling = n_
    as_of = min(p.end, now)
    for k, rep_id in db.rows(f"recent_reps/{scope}", start=to_db(as_of - timedelta(days=NOT_COACHED_DAYS)),
                             end=to_db(as_of), **key):
        acc[k].recent.add(rep_id)
    for k, n_ in db.rows(f"steps_done/{scope}", start=s, end=e, **key):
        acc[k].done = n_
    for k, n_ in db.rows(f"steps_overdue/{scope}", start=s, end=to_db(min(p.end, now)), **key):
        acc[k].overdue = n_
    _ratings(db, p, scope, acc, key)
    return acc


def _focus_skills(db: TeamDb, scope: str, key: dict[str, str]) -> dict[str, set[str]]:
    """Each rep's agreed focus skills: the skills of their active goals."""
    out: dict[str, set[str]] = defaultdict(set)
    for rep_id, ids in db.rows(f"focus_skills/{scope}", **key):
        try:
            out[rep_id].update(x for x in json.loads(ids or "[]") if isinstance(x, str))
        except ValueError:
            continue
    return out


def _ratings(db: TeamDb, p: Period, scope: str, acc: dict[str, _Acc], key: dict[str, str]) -> None:
    """The gap (this period, the one before, per week) and the skill movement, from the
    manager's ratings of the coaching calls started in the period and the one before, each
    with the rep's own score of the same skill on the same call beside it (or None). The
    busiest read of the view (about two such rows a call, two periods): one pass over
    plain tuples."""
    before = p.before()
    focus = _focus_skills(db, scope, key)
    # (call, skill) -> (key, start, the manager's score, the rep's): one pair each
    pairs: dict[tuple[str, str], tuple[str, str, int, int]] = {}
    # (key, rep, skill) -> [(start, call, the manager's score)], agreed focus skills only
    managers: dict[tuple[str, str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for k, rep_id, cid, st, skill, score, rep_score in db.rows(
            f"ratings/{scope}", start=to_db(before.start), end=to_db(p.end), **key):
        if rep_score is not None:
            pairs[(cid, skill)] = (k, st, score, rep_score)
        if skill in focus.get(rep_id, ()):
            managers[(k, rep_id, skill)].append((st, cid, score))
    start = to_db(p.start)
    weeks: dict[str, int] = {}
    for k, st, theirs, mine in pairs.values():
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


def _managers(db: TeamDb, manager_id: str | None = None) -> dict[str, _Manager]:
    rows = db.rows("managers") if manager_id is None else db.rows("manager", manager_id=manager_id)
    return {i: _Manager(name or unnamed(i), b, late) for i, name, b, late in rows}


def _manager_figures(mid: str | None, info: _Manager, a: _Acc, p: Period, reps: int) -> Figures:
    return Figures(
        **_common(info.name, a, p), manager_id=mid,
        budget_minutes=None if info.budget_week is None else info.budget_week * p.weeks,
        late_minutes=info.late if info.late is not None else LATE_MINUTES, reps=reps,
        reps_coached=len(a.coached), reps_not_coached=max(0, reps - len(a.recent)))


def team_figures(con: Any, p: Period, now: datetime) -> TeamFigures:
    """con: a TeamDb, or a SQLAlchemy Connection of the team database."""
    db = of_connection(con)
    info = _managers(db)
    late_of = {m: i.late for m, i in info.items() if i.late is not None}
    acc = _collect(db, p, now, "team", late_of)
    reps: dict[str, int] = dict(db.rows("rep_counts"))
    for m in set(reps) | set(acc):  # records whose manager's manifest has not been loaded
        info.setdefault(m, _Manager(unnamed(m), None, None))
    ids = sorted(info, key=lambda m: (info[m].name.casefold(), m))
    managers = tuple(_manager_figures(m, info[m], acc[m], p, reps.get(m, 0)) for m in ids)
    budgets = [i.budget_week for i in info.values() if i.budget_week is not None]
    team = _manager_figures(None, _Manager("Team", sum(budgets) if budgets else None, LATE_MINUTES),
                            _merged(acc[m] for m in ids), p, sum(reps.values()))
    return TeamFigures(p, team, managers)


def manager_reps(con: Any, manager_id: str, p: Period, now: datetime) -> ManagerReps:
    """One manager's figures and each of their reps' (the drill-down)."""
    db = of_connection(con)
    info = _managers(db, manager_id).get(manager_id, _Manager(manager_id, None, None))
    late_of = {manager_id: info.late} if info.late is not None else {}
    acc = _collect(db, p, now, "manager", late_of, manager_id=manager_id)
    roster = db.rows("roster", manager_id=manager_id)
    last: dict[str, str] = dict(db.rows("last_coached", manager_id=manager_id, end=to_db(min(p.end, now))))
    reps = tuple(sorted(
        (RepFigures(**_common(name, acc[rid], p), rep_id=rid,
                    last_coached=from_db(last[rid]) if rid in last else None) for rid, name in roster),
        key=lambda f: (f.name.casefold(), f.rep_id)))
    manager = _manager_figures(manager_id, info, _merged(acc.values()), p, len(roster))
    return ManagerReps(p, manager, reps)


def rep_sessions(con: Any, manager_id: str, rep_id: str, p: Period,
                 now: datetime) -> tuple[Session, ...]:
    """A rep's calls in the period, oldest first: coaching calls by start, selling calls by
    schedule; read by manager and rep."""
    db = of_connection(con)
    mine_ = {"manager_id": manager_id, "rep_id": rep_id, "start": to_db(p.start), "end": to_db(p.end)}
    info = _managers(db, manager_id).get(manager_id)
    late = (info.late if info else None) or LATE_MINUTES
    rows = db.rows("rep_calls", **mine_)
    known = {r[0] for r in rows}
    scores: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    steps: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
    if rows:
        for cid, skill, by, score in db.rows("rep_ratings", **mine_):
            scores[cid][skill][by] = score
        for cid, due, done in db.rows("rep_steps", rep_id=rep_id):
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
