"""The coaching rules as plain Python: call lifecycle, coaching time vs budget, feedback
delay, and the focus ranking (whom to coach next, and why). No database, no UI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from .clock import week_start
from .defaults import DEFAULT_SCRIPT, DEFAULT_SKILLS  # noqa: F401 - the seeded defaults, named here too
from .errors import CoachingError  # noqa: F401 - declared beside FieldError, raised by callers from here
from .text import how_many

# --- lifecycle -------------------------------------------------------------------------

PLANNED, OBSERVING, DEBRIEF, DONE = "planned", "observing", "debrief", "done"
COACHING, SELLING = "coaching", "selling"

# (status, action) -> new status. Selling calls have no observation or feedback.
_TRANSITIONS: dict[tuple[str, str, str], str] = {
    (COACHING, PLANNED, "start"): OBSERVING,
    (COACHING, OBSERVING, "end"): DEBRIEF,
    (COACHING, DEBRIEF, "finish"): DONE,
    (SELLING, PLANNED, "finish"): DONE,
}



def next_status(kind: str, status: str, action: str) -> str:
    try:
        return _TRANSITIONS[(kind, status, action)]
    except KeyError:
        if kind == SELLING and action in {"start", "end"}:
            raise CoachingError("A selling call has no observation or feedback: log it as done.") from None
        raise CoachingError(f"Cannot {action} a {kind} call that is {status}.") from None


# --- coaching time -----------------------------------------------------------------------

@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    @property
    def minutes(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds() / 60)


def coaching_intervals(started_at: datetime | None, ended_at: datetime | None,
                       feedback_started_at: datetime | None,
                       feedback_ended_at: datetime | None) -> list[Interval]:
    """Observation and debrief time of one call, as logged by its timestamps."""
    out = []
    if started_at and ended_at:
        out.append(Interval(started_at, ended_at))
    if feedback_started_at and feedback_ended_at:
        out.append(Interval(feedback_started_at, feedback_ended_at))
    return out


@dataclass(frozen=True)
class BudgetWeek:
    start: datetime          # Monday 00:00 local, in UTC
    minutes: float
    budget: int

    @property
    def ratio(self) -> float:
        return self.minutes / self.budget if self.budget else 0.0

    @property
    def empty(self) -> bool:
        """No coaching happened that week: the honest number home must show."""
        return self.minutes < 1


def weekly_minutes(intervals: Iterable[Interval], now: datetime, budget: int, weeks: int = 8,
                   tz: tzinfo | None = None) -> list[BudgetWeek]:
    """Coaching minutes per week for the last `weeks` weeks, oldest first, this week last.

    Time is credited to the week the interval started in (a debrief crossing midnight on
    Sunday still counts where it began).
    """
    this_week = week_start(now, tz)
    starts = [this_week - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    totals = {s: 0.0 for s in starts}
    for iv in intervals:
        ws = week_start(iv.start, tz)
        if ws in totals:
            totals[ws] += iv.minutes
    return [BudgetWeek(s, round(totals[s], 1), budget) for s in starts]


def weeks_in_use(weeks: Sequence[BudgetWeek], now: datetime, first_use: datetime | None,
                 tz: tzinfo | None = None) -> list[BudgetWeek]:
    """The weeks that can be held against the manager: over (the week in progress is not a
    missed week yet) and not before the week the manager started using fieldcoach. With
    nothing recorded yet (first_use None) there are none: on day one no week is missed."""
    this_week = week_start(now, tz)
    since = week_start(first_use, tz) if first_use is not None else this_week
    return [w for w in weeks if since <= w.start < this_week]


def missed_weeks(weeks: Sequence[BudgetWeek], now: datetime, first_use: datetime | None,
                 tz: tzinfo | None = None) -> list[BudgetWeek]:
    """Weeks in use in which no coaching happened, oldest first."""
    return [w for w in weeks_in_use(weeks, now, first_use, tz) if w.empty]


# --- feedback delay ----------------------------------------------------------------------

@dataclass(frozen=True)
class FeedbackDelay:
    minutes: float
    late: bool

    def describe(self) -> str:
        m = int(self.minutes)
        text = f"{m} min" if m < 90 else f"{m // 60} h {m % 60:02d} min"
        return f"{text} after the call" + (" — late" if self.late else "")


def feedback_delay(ended_at: datetime | None, feedback_started_at: datetime | None,
                   threshold_minutes: int = 30, now: datetime | None = None) -> FeedbackDelay | None:
    """Delay between the call ending and feedback starting (or now, while still waiting)."""
    if ended_at is None:
        return None
    until = feedback_started_at or now
    if until is None:
        return None
    minutes = max(0.0, (until - ended_at).total_seconds() / 60)
    return FeedbackDelay(minutes, minutes > threshold_minutes)


# --- self-assessment accuracy --------------------------------------------------------------

def self_assessment_gap(rep_scores: dict[str, int], manager_scores: dict[str, int]) -> float | None:
    """Mean absolute gap between the rep's and the manager's rating over shared skills.

    0 means the rep sees their performance exactly as the manager does; the trend of this
    number per rep is how guided self-discovery shows it is working.
    """
    shared = [s for s in rep_scores if s in manager_scores]
    if not shared:
        return None
    return sum(abs(rep_scores[s] - manager_scores[s]) for s in shared) / len(shared)


# --- focus ranking ------------------------------------------------------------------------

@dataclass(frozen=True)
class RepFocusInput:
    rep_id: str
    name: str
    last_coached: datetime | None     # end of the last coaching call
    has_goal: bool
    open_steps: int
    overdue_steps: int
    planned_coaching: bool = False     # a coaching call is already planned


@dataclass(frozen=True)
class FocusItem:
    rep_id: str
    name: str
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


NEVER_COACHED_DAYS = 60  # weight a rep never coached like two months without coaching


def focus_ranking(reps: Sequence[RepFocusInput], now: datetime) -> list[FocusItem]:
    """Whom to coach next: longest since coached first, lifted by overdue next steps and a
    missing goal, lowered when a coaching call is already planned. Ties break by name."""
    items = []
    for r in reps:
        reasons: list[str] = []
        if r.last_coached is None:
            days = NEVER_COACHED_DAYS
            reasons.append("never coached")
        else:
            days = max(0, (now - r.last_coached).days)
            reasons.append(f"{days} days since coached" if days != 1 else "1 day since coached")
        score = float(days)
        if r.overdue_steps:
            score += 10 * r.overdue_steps
            reasons.append(how_many(r.overdue_steps, "overdue steps"))
        elif r.open_steps:
            score += 2 * r.open_steps
            reasons.append(how_many(r.open_steps, "open steps"))
        if not r.has_goal:
            score += 15
            reasons.append("no agreed goal")
        if r.planned_coaching:
            score -= 20
            reasons.append("call planned")
        items.append(FocusItem(r.rep_id, r.name, score, tuple(reasons)))
    items.sort(key=lambda i: (-i.score, i.name.casefold(), i.rep_id))
    return items


# --- feedback script -----------------------------------------------------------------------

STAGE_SELF = "self"            # the rep's self-assessment, always first
STAGE_OBSERVATIONS = "observations"
STAGE_RATINGS = "ratings"
STAGE_KSS = "kss"              # keep / stop / start
STAGE_NEXT = "next"
STAGES = (STAGE_SELF, STAGE_OBSERVATIONS, STAGE_RATINGS, STAGE_KSS, STAGE_NEXT)


DEFAULT_EXPECTATIONS: tuple[str, ...] = (
    "Researched the account and the contact",
    "Set a call objective and the advance to ask for",
    "Prepared three discovery questions",
    "Anticipated the likely objection",
)


def observation_prompt(kind: str, text: str) -> str:
    """Turn a manager's note into a question for the rep: ask, don't tell."""
    body = text.strip().rstrip(".!")
    if kind == "strength":
        return f"You did this: “{body}”. What made it work, and where else could you use it?"
    if kind == "improve":
        return f"I noticed: “{body}”. What was going on for you there? What else could you have tried?"
    if kind == "question":
        return body if body.endswith("?") else f"{body}?"
    return f"About “{body}”: how did you see that moment?"
