"""Writes through the ORM (the role models.py gives SQLModel): roster, goals,
expectations, calls through their lifecycle, the debrief, next steps, settings. Every
function takes a Store and commits before it returns; bad input raises FieldError (for
a field) or CoachingError (for a rule).

Called from thread workers by the screens, and directly by the command line and tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from . import coaching
from .clock import utcnow
from .debrief import REP_COMMENT_LIMIT
from .errors import CoachingError, FieldError
from .models import (
    Call,
    DebriefAnswer,
    Expectation,
    Goal,
    Manager,
    NextStep,
    Rating,
    Record,
    Rep,
    ScriptQuestion,
    Skill,
)
from .store import Store

MAX_LINE = 500
R = TypeVar("R", bound=Record)


def _text(field: str, value: str, *, required: bool = True, limit: int = MAX_LINE) -> str:
    value = (value or "").strip()
    if required and not value:
        raise FieldError(field, f"{field.replace('_', ' ').capitalize()} is required.")
    if len(value) > limit:
        raise FieldError(field, f"Keep it under {limit:,} characters (it is {len(value):,}).")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # True is not a score


def _get(s: Session, model: type[R], id_: str, field: str) -> R:
    obj = s.get(model, id_)
    if obj is None or obj.deleted_at is not None:
        raise FieldError(field, f"That {model.__name__.lower()} no longer exists.")
    return obj


def _save(s: Session, *objs: Record) -> None:
    for o in objs:
        o.touch()
        s.add(o)
    s.commit()


# --- first run ------------------------------------------------------------------------------

def bootstrap(store: Store, *, manager_name: str = "") -> str:
    """Make sure the manager row exists; idempotent. Returns the manager id (which names
    this laptop's folder in the team store).

    The skill catalogue and the feedback script need no bootstrap: the schema seeds them
    when the file is created (schema_sql.V3). The manager row is made when first needed
    (settings, export, demo), so a database nobody has worked in yet still takes over
    the identity of the first store it imports (sync/importer.py).
    """
    with store.session() as s:
        return _manager_id(s, manager_name)


def _manager_id(s: Session, name: str = "") -> str:
    """The manager of this database (the oldest live row, as lookups.settings reads it),
    made when first needed: every rep and call is written with it."""
    mgr = s.exec(select(Manager).where(col(Manager.deleted_at).is_(None))
                 .order_by(col(Manager.created_at), col(Manager.id))).first()
    if mgr is None:
        mgr = Manager(name=name)
        s.add(mgr)
        s.commit()
    return mgr.id


def update_settings(store: Store, **changes: Any) -> None:
    allowed = {"name", "budget_minutes", "late_minutes", "store_dir", "dayfirst", "theme"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}")
    if "budget_minutes" in changes:
        b = changes["budget_minutes"]
        if not _is_int(b) or not 0 <= b <= 60 * 40:
            raise FieldError("budget_minutes", "Budget is minutes per week, between 0 and 2400.")
    if "late_minutes" in changes:
        m = changes["late_minutes"]
        if not _is_int(m) or not 1 <= m <= 60 * 24 * 7:
            raise FieldError("late_minutes", "Threshold is minutes, between 1 and 10080.")
    if "name" in changes:
        changes["name"] = _text("name", changes["name"], required=False, limit=120)
    bootstrap(store)
    with store.session() as s:
        mgr = s.exec(select(Manager).where(col(Manager.id) == _manager_id(s))).one()
        for k, v in changes.items():
            setattr(mgr, k, v)
        _save(s, mgr)


def set_skills(store: Store, names: Sequence[str]) -> None:
    """Replace the catalogue: keep ids of names that stay, tombstone the rest, add new."""
    clean = [_text("skills", n, limit=80) for n in names if n.strip()]
    if not clean:
        raise FieldError("skills", "Keep at least one skill in the catalogue.")
    if len({n.casefold() for n in clean}) != len(clean):
        raise FieldError("skills", "Each skill name must be different.")
    now = utcnow()
    with store.session() as s:
        live = s.exec(select(Skill).where(col(Skill.deleted_at).is_(None)))
        existing = {k.name.casefold(): k for k in live}
        for i, name in enumerate(clean):
            sk = existing.pop(name.casefold(), None) or Skill(name=name)
            sk.name, sk.position = name, i
            sk.touch()
            s.add(sk)
        for gone in existing.values():
            gone.deleted_at = now
            gone.touch()
            s.add(gone)
        s.commit()


def set_script(store: Store, questions: Sequence[tuple[str, str]]) -> None:
    """Replace the feedback script with (stage, text) pairs; self-assessment stays first."""
    clean = [(st, _text("script", t)) for st, t in questions if t.strip()]
    for st, _ in clean:
        if st not in coaching.STAGES:
            raise FieldError("script", f"Unknown stage {st!r}.")
    if not any(st == coaching.STAGE_SELF for st, _ in clean):
        raise FieldError("script", "Keep at least one self-assessment question: the rep speaks first.")
    clean.sort(key=lambda q: coaching.STAGES.index(q[0]))  # stable: keeps order within a stage
    now = utcnow()
    with store.session() as s:
        for q in s.exec(select(ScriptQuestion).where(col(ScriptQuestion.deleted_at).is_(None))):
            q.deleted_at = now
            q.touch()
            s.add(q)
        for i, (st, t) in enumerate(clean):
            s.add(ScriptQuestion(position=i, stage=st, text=t))
        s.commit()


# --- roster ---------------------------------------------------------------------------------

def add_rep(store: Store, name: str, role: str = "", territory: str = "") -> str:
    rep = Rep(name=_text("name", name, limit=120), role=_text("role", role, required=False),
              territory=_text("territory", territory, required=False))
    with store.session() as s:
        rep.manager_id = _manager_id(s)
        _save(s, rep)
    return rep.id


def update_rep(store: Store, rep_id: str, *, name: str | None = None, role: str | None = None,
               territory: str | None = None) -> None:
    with store.session() as s:
        rep = _get(s, Rep, rep_id, "rep")
        if name is not None:
            rep.name = _text("name", name, limit=120)
        if role is not None:
            rep.role = _text("role", role, required=False)
        if territory is not None:
            rep.territory = _text("territory", territory, required=False)
        _save(s, rep)


def delete_rep(store: Store, rep_id: str) -> None:
    with store.session() as s:
        rep = _get(s, Rep, rep_id, "rep")
        rep.deleted_at = utcnow()
        _save(s, rep)


def set_goal(store: Store, rep_id: str, statement: str, skill_ids: Sequence[str]) -> str:
    """Agree (or re-agree) the rep's shared goal: a one-line statement and 1–3 focus skills."""
    statement = _text("statement", statement, limit=200)
    if "\n" in statement:
        raise FieldError("statement", "Keep the goal to one line.")
    ids = list(dict.fromkeys(skill_ids))
    if not 1 <= len(ids) <= 3:
        raise FieldError("skills", "Pick one to three focus skills.")
    with store.session() as s:
        _get(s, Rep, rep_id, "rep")
        for sid in ids:
            _get(s, Skill, sid, "skills")
        goal = s.exec(select(Goal).where(Goal.rep_id == rep_id, Goal.status == "active",
                                         col(Goal.deleted_at).is_(None))).first()
        if goal is None:
            goal = Goal(rep_id=rep_id, statement=statement, skill_ids=ids)
        goal.statement, goal.skill_ids = statement, ids
        _save(s, goal)
        return goal.id


def close_goal(store: Store, goal_id: str, status: str = "achieved") -> None:
    if status not in {"achieved", "dropped"}:
        raise FieldError("status", "A goal is closed as achieved or dropped.")
    with store.session() as s:
        goal = _get(s, Goal, goal_id, "goal")
        goal.status = status
        _save(s, goal)


def set_expectations(store: Store, rep_id: str, items: Sequence[str]) -> None:
    """Replace the rep's prep checklist (what the rep prepares before every call)."""
    clean = [_text("expectations", t) for t in items if t.strip()]
    now = utcnow()
    with store.session() as s:
        _get(s, Rep, rep_id, "rep")
        existing = {e.text: e for e in s.exec(select(Expectation).where(
            Expectation.rep_id == rep_id, col(Expectation.deleted_at).is_(None)))}
        for i, text in enumerate(clean):
            e = existing.pop(text, None) or Expectation(rep_id=rep_id, text=text)
            e.position = i
            e.touch()
            s.add(e)
        for gone in existing.values():
            gone.deleted_at = now
            gone.touch()
            s.add(gone)
        s.commit()


# --- calls ------------------------------------------------------------------------------------

def plan_call(store: Store, *, rep_id: str, kind: str = coaching.COACHING,
              scheduled_at: datetime | None = None, account: str = "", contact: str = "",
              objective: str = "", advance_min: str = "", advance_stretch: str = "",
              prep_answers: Sequence[dict[str, Any]] = (), skill_ids: Sequence[str] | None = None) -> str:
    """Pre-call setup. Skills to observe default to the rep's goal skills."""
    if kind not in (coaching.COACHING, coaching.SELLING):
        raise FieldError("kind", "A call is either coaching or selling.")
    account = _text("account", account)
    with store.session() as s:
        _get(s, Rep, rep_id, "rep")
        if skill_ids is None:
            goal = s.exec(select(Goal).where(Goal.rep_id == rep_id, Goal.status == "active",
                                             col(Goal.deleted_at).is_(None))).first()
            skill_ids = list(goal.skill_ids) if goal else []
        if len(skill_ids) > 9:
            raise FieldError("skills", "Observe at most nine skills (one digit each).")
        call = Call(
            manager_id=_manager_id(s), rep_id=rep_id, kind=kind, scheduled_at=scheduled_at, account=account,
            contact=_text("contact", contact, required=False),
            objective=_text("objective", objective, required=False),
            advance_min=_text("advance_min", advance_min, required=False),
            advance_stretch=_text("advance_stretch", advance_stretch, required=False),
            prep_answers=[dict(a) for a in prep_answers], skill_ids=list(dict.fromkeys(skill_ids)))
        _save(s, call)
        return call.id


def _transition(store: Store, call_id: str, action: str, now: datetime | None, **stamps: str) -> Call:
    now = now or utcnow()
    with store.session() as s:
        call = _get(s, Call, call_id, "call")
        call.status = coaching.next_status(call.kind, call.status, action)
        for attr in stamps.values():
            if getattr(call, attr) is None:
                setattr(call, attr, now)
        _save(s, call)
        return call


def start_call(store: Store, call_id: str, now: datetime | None = None) -> Call:
    return _transition(store, call_id, "start", now, a="started_at")


def end_call(store: Store, call_id: str, now: datetime | None = None) -> Call:
    """End observation; the feedback script starts from here."""
    return _transition(store, call_id, "end", now, a="ended_at")


def begin_feedback(store: Store, call_id: str, now: datetime | None = None) -> Call:
    """Record the moment the debrief started (once): the feedback delay is measured to it."""
    now = now or utcnow()
    with store.session() as s:
        call = _get(s, Call, call_id, "call")
        if call.status != coaching.DEBRIEF:
            raise CoachingError(f"This call is {call.status}, not waiting for feedback.")
        if call.feedback_started_at is None:
            call.feedback_started_at = now
            _save(s, call)
        return call


def save_answer(store: Store, call_id: str, *, question: str, answer: str, by: str = "rep",
                question_id: str | None = None, position: int = 0) -> str:
    """Upsert one answer of the debrief (keyed by call, question and who answered)."""
    if by not in ("rep", "manager"):
        raise FieldError("by", "An answer is the rep's or the manager's.")
    answer = _text("answer", answer, required=False, limit=20_000)
    with store.session() as s:
        _get(s, Call, call_id, "call")
        q = select(DebriefAnswer).where(DebriefAnswer.call_id == call_id, DebriefAnswer.by == by,
                                        DebriefAnswer.question == question,
                                        col(DebriefAnswer.deleted_at).is_(None))
        row = s.exec(q).first() or DebriefAnswer(call_id=call_id, question=question, by=by)
        row.answer, row.question_id, row.position = answer, question_id, position
        _save(s, row)
        return row.id


def save_rating(store: Store, call_id: str, skill_id: str, by: str, score: int | None) -> None:
    """Optional 1–5 rating of a focus skill; None clears it."""
    if by not in ("rep", "manager"):
        raise FieldError("by", "A rating is the rep's or the manager's.")
    if score is not None and (not _is_int(score) or not 1 <= score <= 5):
        raise FieldError("score", "Rate from 1 to 5.")
    with store.session() as s:
        _get(s, Call, call_id, "call")
        row = s.exec(select(Rating).where(Rating.call_id == call_id, Rating.skill_id == skill_id,
                                          Rating.by == by, col(Rating.deleted_at).is_(None))).first()
        if score is None:
            if row is not None:
                row.deleted_at = utcnow()
                _save(s, row)
            return
        row = row or Rating(call_id=call_id, skill_id=skill_id, by=by, score=score)
        row.score = score
        _save(s, row)


def save_rep_voice(store: Store, call_id: str, *, acknowledged: bool, comment: str,
                   now: datetime | None = None) -> None:
    """The rep's own say at the end of the debrief: acknowledging the recap (stamped the
    first time; withdrawn when unticked) and a comment in their words (empty: none). A
    call changes (and is exported again) only when what the rep said changes."""
    text = _text("rep_comment", comment, required=False, limit=REP_COMMENT_LIMIT) or None
    with store.session() as s:
        call = _get(s, Call, call_id, "call")
        stamp = (call.rep_acknowledged_at or now or utcnow()) if acknowledged else None
        if (stamp, text) == (call.rep_acknowledged_at, call.rep_comment):
            return
        call.rep_acknowledged_at, call.rep_comment = stamp, text
        _save(s, call)


def add_next_step(store: Store, *, rep_id: str, action: str, owner: str = "rep",
                  due_at: datetime | None = None, call_id: str | None = None) -> str:
    if owner not in ("rep", "manager"):
        raise FieldError("owner", "A next step is owned by the rep or the manager.")
    action = _text("action", action)
    with store.session() as s:
        _get(s, Rep, rep_id, "rep")
        step = NextStep(rep_id=rep_id, call_id=call_id, owner=owner, action=action, due_at=due_at)
        _save(s, step)
        return step.id


def complete_step(store: Store, step_id: str, done: bool = True, now: datetime | None = None) -> None:
    with store.session() as s:
        step = _get(s, NextStep, step_id, "step")
        step.done_at = (now or utcnow()) if done else None
        _save(s, step)


def delete_step(store: Store, step_id: str) -> None:
    with store.session() as s:
        step = _get(s, NextStep, step_id, "step")
        step.deleted_at = utcnow()
        _save(s, step)


def finish_call(store: Store, call_id: str, now: datetime | None = None) -> Call:
    """Close the debrief (coaching) or log a selling call as done.

    A coaching debrief ends with at least one agreed next step.
    """
    now = now or utcnow()
    with store.session() as s:
        call = _get(s, Call, call_id, "call")
        if call.kind == coaching.COACHING:
            has_step = s.exec(select(NextStep.id).where(NextStep.call_id == call_id,
                                                        col(NextStep.deleted_at).is_(None))).first()
            if not has_step:
                raise CoachingError("Agree at least one next step before closing the debrief.")
        call.status = coaching.next_status(call.kind, call.status, "finish")
        if call.kind == coaching.COACHING:
            call.feedback_started_at = call.feedback_started_at or now
            call.feedback_ended_at = now
        else:
            call.ended_at = call.ended_at or now
        _save(s, call)
        return call


def delete_call(store: Store, call_id: str) -> None:
    with store.session() as s:
        call = _get(s, Call, call_id, "call")
        call.deleted_at = utcnow()
        _save(s, call)
