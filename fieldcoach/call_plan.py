"""Planning a call: what the pre-call form offers, what it shows of the chosen rep, the
checks its fields must pass, and the writes behind its keys (plan, then start observing
or log a selling call as done). The screen only draws and collects.

Reads take a connection (run through `Store.read`); writes take the Store.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from . import coaching
from .lookups import Settings, settings

if TYPE_CHECKING:
    from .queries import GoalRow, RepRow, SkillRow, StepRow
    from .store import Store

MAX_SKILLS = 9  # a skill is tagged by one digit on the note line

# What the form's keys ask for: save it as planned, save and observe now, log a selling call.
PLAN, OBSERVE, DONE = "plan", "observe", "done"


@dataclass(frozen=True)
class PlanChoices:
    """What the form offers: the reps, the skill catalogue, the manager's settings."""

    reps: list[RepRow]
    skills: list[SkillRow]
    settings: Settings


def plan_choices(con: sqlite3.Connection) -> PlanChoices:
    from . import queries

    return PlanChoices(queries.list_reps(con), queries.skills(con), settings(con))


@dataclass(frozen=True)
class RepBrief:
    """What the form shows once a rep is chosen: the shared goal, the next steps still
    open, and the prep questions the rep answers (their own, else the defaults)."""

    rep_id: str
    goal: GoalRow | None
    steps: list[StepRow]
    expectations: list[str]


def rep_brief(con: sqlite3.Connection, rep_id: str, now: datetime) -> RepBrief:
    from . import queries

    exps = [e.text for e in queries.expectations(con, rep_id)]
    return RepBrief(rep_id, queries.goal_for(con, rep_id), queries.open_steps(con, now, rep_id),
                    exps or list(coaching.DEFAULT_EXPECTATIONS))


@dataclass(frozen=True)
class CallForm:
    """The pre-call form as typed: every field a string, nothing checked yet."""

    rep_id: str | None
    kind: str = coaching.COACHING
    account: str = ""
    contact: str = ""
    when: str = ""
    objective: str = ""
    advance_min: str = ""
    advance_stretch: str = ""
    expectations: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()  # the rep's prep answers, one per expectation
    skill_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedCall:
    """A checked form: the call as it is saved."""

    rep_id: str
    kind: str
    scheduled_at: datetime | None
    account: str
    contact: str
    objective: str
    advance_min: str
    advance_stretch: str
    prep_answers: list[dict[str, str]]
    skill_ids: list[str]


@dataclass(frozen=True)
class PlanCheck:
    """The form checked: a message per field at fault, or the call to save."""

    errors: dict[str, str] = field(default_factory=dict)
    call: PlannedCall | None = None


def check_form(form: CallForm, now: datetime, tz: tzinfo, *, dayfirst: bool = True,
               start_now: bool = False) -> PlanCheck:
    """Check what the save needs (a rep, an account, a readable date, at most nine skills)
    and build the call's fields. `start_now`: a call observed at once without a date is
    scheduled now."""
    from .dates import DateParseError, parse_when

    errors: dict[str, str] = {}
    if not form.rep_id:
        errors["rep"] = "Choose the rep."
    if not form.account.strip():
        errors["account"] = "Account is required."
    scheduled_at: datetime | None = None
    if form.when.strip():
        try:
            scheduled_at = parse_when(form.when, now, tz=tz, dayfirst=dayfirst).at
        except DateParseError as exc:
            errors["when"] = str(exc)
    if len(form.skill_ids) > MAX_SKILLS:
        errors["skills"] = f"Observe at most {MAX_SKILLS} skills."
    if errors or not form.rep_id:
        return PlanCheck(errors)
    if start_now and scheduled_at is None:
        scheduled_at = now
    answers = list(form.answers) + [""] * (len(form.expectations) - len(form.answers))
    prep = [{"text": text, "answer": answer.strip()} for text, answer in zip(form.expectations, answers,
                                                                              strict=False)]
    return PlanCheck(call=PlannedCall(
        rep_id=form.rep_id, kind=form.kind, scheduled_at=scheduled_at, account=form.account,
        contact=form.contact, objective=form.objective, advance_min=form.advance_min,
        advance_stretch=form.advance_stretch, prep_answers=prep, skill_ids=list(form.skill_ids)))


def save_plan(store: Store, call: PlannedCall) -> str:
    """Save the checked call as planned; its id."""
    from dataclasses import asdict

    from . import services

    return services.plan_call(store, **asdict(call))


def follow_plan(store: Store, call_id: str, mode: str, now: datetime) -> str:
    """After the plan is saved: start observing it, or log a selling call as done."""
    from . import services

    if mode == OBSERVE:
        services.start_call(store, call_id, now=now)
    elif mode == DONE:
        services.finish_call(store, call_id, now=now)
    return call_id
