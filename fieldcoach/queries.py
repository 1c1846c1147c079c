"""Read side: what each screen shows, as plain frozen dataclasses built by SQL that asks
only for what is shown. Standard library only (no ORM import on the way to home)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from . import coaching
from .clock import from_db, to_db, week_start
from .lookups import (  # noqa: F401 - CallRow, find_call, settings are re-exported for the screens
    CALL_COLS,
    CALL_SELECT,
    MANAGER,
    CallRow,
    Settings,
    call_row,
    find_call,
    settings,
)
from .notes import NoteRow, call_notes, inbox


@dataclass(frozen=True)
class SkillRow:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class QuestionRow:
    id: str
    position: int
    stage: str
    text: str


@dataclass(frozen=True)
class StepRow:
    id: str
    rep_id: str
    rep_name: str
    call_id: str | None
    owner: str
    action: str
    due_at: datetime | None
    done_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class HomeSummary:
    manager_name: str
    budget_minutes: int
    weeks: list[coaching.BudgetWeek]
    coaching_calls: int          # last 8 weeks
    selling_calls: int
    late_feedback: int           # debriefs over the threshold, last 8 weeks
    upcoming: list[CallRow]
    in_progress: list[CallRow]   # observing or waiting for debrief
    steps: list[StepRow]         # open, overdue first
    focus: list[coaching.FocusItem]
    inbox: list[NoteRow]
    past_weeks: list[coaching.BudgetWeek]  # over, and since the manager's first use

    @property
    def this_week(self) -> coaching.BudgetWeek:
        return self.weeks[-1]

    @property
    def empty_weeks(self) -> list[coaching.BudgetWeek]:
        """Weeks without coaching since the manager started (coaching.missed_weeks)."""
        return [w for w in self.past_weeks if w.empty]


def _step(r: sqlite3.Row | tuple[Any, ...], now: datetime) -> StepRow:
    due, done = from_db(r[6]), from_db(r[7])
    return StepRow(r[0], r[1], r[2], r[3], r[4], r[5], due, done, bool(due and not done and due < now))


def skills(con: sqlite3.Connection) -> list[SkillRow]:
    return [SkillRow(*r) for r in con.execute(
        "SELECT id, name, description FROM skill WHERE deleted_at IS NULL ORDER BY position, name")]


def skill_names(con: sqlite3.Connection, ids: list[str]) -> list[str]:
    if not ids:
        return []
    names = dict(con.execute(f"SELECT id, name FROM skill WHERE id IN ({','.join('?' * len(ids))})", ids))
    return [names.get(i, "?") for i in ids]


def script(con: sqlite3.Connection) -> list[QuestionRow]:
    return [QuestionRow(*r) for r in con.execute(
        "SELECT id, position, stage, text FROM script_question WHERE deleted_at IS NULL AND active = 1 "
        "ORDER BY position")]


def open_steps(con: sqlite3.Connection, now: datetime, rep_id: str | None = None,
               limit: int = 50) -> list[StepRow]:
    where = (f"r.manager_id = {MANAGER} AND s.done_at IS NULL AND s.deleted_at IS NULL "
             "AND r.deleted_at IS NULL")
    args: list[str] = []
    if rep_id:
        where += " AND s.rep_id = ?"
        args.append(rep_id)
    rows = con.execute(
        "SELECT s.id, s.rep_id, r.name, s.call_id, s.owner, s.action, s.due_at, s.done_at "
        f"FROM next_step s JOIN rep r ON r.id = s.rep_id WHERE {where} "
        "ORDER BY s.due_at IS NULL, s.due_at, s.created_at LIMIT ?", (*args, limit))
    return [_step(r, now) for r in rows]


def focus_inputs(con: sqlite3.Connection, now: datetime) -> list[coaching.RepFocusInput]:
    """One grouped query per fact, keyed by rep: no per-rep round trips."""
    now_s = to_db(now)
    # last coached: one seek per rep on ix_call_rep_kind (max over the index's last column)
    reps = con.execute(
        "SELECT r.id, r.name, (SELECT max(c.ended_at) FROM call c WHERE c.rep_id = r.id "
        f"AND c.kind = 'coaching' AND c.deleted_at IS NULL) FROM rep r WHERE r.manager_id = {MANAGER} "
        "AND r.deleted_at IS NULL").fetchall()
    last = {r[0]: r[2] for r in reps}
    goals = {r[0] for r in con.execute(
        "SELECT DISTINCT rep_id FROM goal WHERE status = 'active' AND deleted_at IS NULL")}
    steps = {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT rep_id, count(*), sum(due_at IS NOT NULL AND due_at < ?) FROM next_step "
        "WHERE done_at IS NULL AND deleted_at IS NULL GROUP BY rep_id", (now_s,))}
    planned = {r[0] for r in con.execute(
        f"SELECT DISTINCT rep_id FROM call WHERE manager_id = {MANAGER} AND kind = 'coaching' "
        "AND status = 'planned' "
        "AND deleted_at IS NULL AND (scheduled_at IS NULL OR scheduled_at >= ?)", (now_s,))}
    return [coaching.RepFocusInput(
        rep_id=rid, name=name, last_coached=from_db(last.get(rid)), has_goal=rid in goals,
        open_steps=steps.get(rid, (0, 0))[0], overdue_steps=steps.get(rid, (0, 0))[1] or 0,
        planned_coaching=rid in planned) for rid, name, _ in reps]


def first_use(con: sqlite3.Connection) -> datetime | None:
    """When the manager started with fieldcoach: the earliest of the manager row, any of the
    manager's reps and calls started (imported records keep the times of the laptop they
    came from). The seeded skills and questions are left out: their times are not the
    manager's. Reps are few and calls are read on ix_call_manager_started, so this costs
    three index or tiny reads."""
    r = con.execute(
        f"SELECT min(t) FROM (SELECT min(created_at) AS t FROM manager WHERE id = {MANAGER} "
        f"UNION ALL SELECT min(created_at) FROM rep WHERE manager_id = {MANAGER} "
        f"UNION ALL SELECT min(started_at) FROM call WHERE manager_id = {MANAGER})").fetchone()
    return from_db(r[0]) if r else None


def home_summary(con: sqlite3.Connection, now: datetime, tz: tzinfo | None = None,
                 weeks: int = 8) -> HomeSummary:
    s = settings(con)
    since = week_start(now, tz) - timedelta(weeks=weeks - 1)
    since_s = to_db(since)
    # Only the manager's calls in the window are read, each part on an index
    # (ix_call_manager_started, then ix_call_manager_status for selling calls done in the
    # window by date, or by end when undated).
    cols = "id, kind, started_at, ended_at, feedback_started_at, feedback_ended_at"
    mine = f"manager_id = {MANAGER} AND deleted_at IS NULL"
    selling_done = f"SELECT {cols} FROM call WHERE {mine} AND status = 'done' AND kind = 'selling'"
    rows = con.execute(
        f"SELECT {cols} FROM call WHERE {mine} AND started_at >= ? "
        f"UNION {selling_done} AND scheduled_at >= ? "
        f"UNION {selling_done} AND scheduled_at IS NULL AND ended_at >= ?",
        (since_s, since_s, since_s)).fetchall()
    intervals: list[coaching.Interval] = []
    n_coach = n_sell = late = 0
    for _id, kind, st, en, fs, fe in rows:
        if kind == coaching.SELLING:
            n_sell += 1
            continue
        n_coach += 1
        st, en, fs, fe = from_db(st), from_db(en), from_db(fs), from_db(fe)
        intervals += coaching.coaching_intervals(st, en, fs, fe)
        d = coaching.feedback_delay(en, fs, s.late_minutes)
        if d and d.late:
            late += 1
    upcoming = [call_row(r) for r in con.execute(
        f"{CALL_SELECT} "
        f"WHERE c.manager_id = {MANAGER} AND c.status = 'planned' AND c.deleted_at IS NULL "
        "AND (c.scheduled_at IS NULL OR c.scheduled_at >= ?) ORDER BY c.scheduled_at LIMIT 10",
        (to_db(now - timedelta(hours=12)),))]
    in_progress = [call_row(r) for r in con.execute(
        f"{CALL_SELECT} "
        f"WHERE c.manager_id = {MANAGER} AND c.status IN ('observing', 'debrief') AND c.deleted_at IS NULL "
        "ORDER BY c.started_at DESC LIMIT 5")]
    budget_weeks = coaching.weekly_minutes(intervals, now, s.budget_minutes, weeks, tz)
    return HomeSummary(
        manager_name=s.name, budget_minutes=s.budget_minutes, weeks=budget_weeks,
        past_weeks=coaching.weeks_in_use(budget_weeks, now, first_use(con), tz),
        coaching_calls=n_coach, selling_calls=n_sell, late_feedback=late,
        upcoming=upcoming, in_progress=in_progress,
        steps=sorted(open_steps(con, now, limit=30), key=lambda x: not x.overdue),
        focus=coaching.focus_ranking(focus_inputs(con, now), now)[:10],
        inbox=inbox(con, 10))


# --- reps ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RepRow:
    id: str
    name: str
    role: str
    territory: str
    goal: str
    last_coached: datetime | None
    open_steps: int


def list_reps(con: sqlite3.Connection) -> list[RepRow]:
    rows = con.execute(
        "SELECT r.id, r.name, r.role, r.territory, "
        " (SELECT statement FROM goal g WHERE g.rep_id = r.id AND g.status = 'active' "
        "  AND g.deleted_at IS NULL ORDER BY g.updated_at DESC LIMIT 1), "
        " (SELECT max(ended_at) FROM call c WHERE c.rep_id = r.id AND c.kind = 'coaching' "
        "  AND c.deleted_at IS NULL), "
        " (SELECT count(*) FROM next_step s WHERE s.rep_id = r.id AND s.done_at IS NULL "
        "  AND s.deleted_at IS NULL) "
        f"FROM rep r WHERE r.manager_id = {MANAGER} AND r.deleted_at IS NULL ORDER BY r.name COLLATE NOCASE")
    return [RepRow(a, b, c, d, e or "", from_db(f), g) for a, b, c, d, e, f, g in rows]


@dataclass(frozen=True)
class GoalRow:
    id: str
    statement: str
    skill_ids: list[str]
    skill_names: list[str]
    status: str


@dataclass(frozen=True)
class ExpectationRow:
    id: str
    text: str


@dataclass(frozen=True)
class SessionRow:
    number: int                 # 1-based count of coaching sessions with this rep
    call: CallRow
    gap_days: int | None        # days since the previous session: cadence gaps show
    accuracy_gap: float | None
    rep_words: bool = False     # the rep acknowledged the recap or left a comment


@dataclass(frozen=True)
class RepDetail:
    id: str
    name: str
    role: str
    territory: str
    goal: GoalRow | None
    expectations: list[ExpectationRow]
    sessions: list[SessionRow]           # newest first
    skill_trend: dict[str, list[int]]    # skill name -> manager scores, oldest first
    accuracy_trend: list[float]          # self-assessment gap per debrief, oldest first
    steps: list[StepRow]


def goal_for(con: sqlite3.Connection, rep_id: str) -> GoalRow | None:
    r = con.execute("SELECT id, statement, skill_ids, status FROM goal WHERE rep_id = ? AND "
                    "status = 'active' AND deleted_at IS NULL ORDER BY updated_at DESC LIMIT 1",
                    (rep_id,)).fetchone()
    if r is None:
        return None
    ids = json.loads(r[2])
    return GoalRow(r[0], r[1], ids, skill_names(con, ids), r[3])


def expectations(con: sqlite3.Connection, rep_id: str) -> list[ExpectationRow]:
    return [ExpectationRow(*r) for r in con.execute(
        "SELECT id, text FROM expectation WHERE rep_id = ? AND deleted_at IS NULL ORDER BY position",
        (rep_id,))]


def rep_detail(con: sqlite3.Connection, rep_id: str, now: datetime, history: int = 30) -> RepDetail | None:
    r = con.execute("SELECT id, name, role, territory FROM rep WHERE id = ? AND deleted_at IS NULL",
                    (rep_id,)).fetchone()
    if r is None:
        return None
    calls = [call_row(x) for x in con.execute(
        f"{CALL_SELECT} WHERE c.rep_id = ? "
        "AND c.kind = 'coaching' AND c.status = 'done' AND c.deleted_at IS NULL "
        "ORDER BY c.ended_at DESC LIMIT ?", (rep_id, history + 1))]
    # One session more than shown, so the oldest shown still knows its gap.
    before_window = calls[history] if len(calls) > history else None
    calls = calls[:history]
    total = con.execute("SELECT count(*) FROM call WHERE rep_id = ? AND kind = 'coaching' AND "
                        "status = 'done' AND deleted_at IS NULL", (rep_id,)).fetchone()[0]
    ids = [c.id for c in calls]
    ratings: dict[str, dict[str, dict[str, int]]] = {}
    names: dict[str, str] = {}
    if ids:
        for cid, sid, by, score, sname in con.execute(
                f"SELECT t.call_id, t.skill_id, t.by, t.score, k.name FROM rating t "
                f"LEFT JOIN skill k ON k.id = t.skill_id WHERE t.deleted_at IS NULL AND "
                f"t.call_id IN ({','.join('?' * len(ids))})", ids):
            ratings.setdefault(cid, {}).setdefault(by, {})[sid] = score
            names[sid] = sname or "?"
        spoke = {row[0] for row in con.execute(
            f"SELECT id FROM call WHERE id IN ({','.join('?' * len(ids))}) AND "
            f"(rep_acknowledged_at IS NOT NULL OR rep_comment IS NOT NULL)", ids)}
    else:
        spoke = set()
    sessions = []
    for i, c in enumerate(calls):
        prev = calls[i + 1] if i + 1 < len(calls) else before_window
        gap = (c.ended_at - prev.ended_at).days if prev and c.ended_at and prev.ended_at else None
        rt = ratings.get(c.id, {})
        sessions.append(SessionRow(total - i, c, gap,
                                   coaching.self_assessment_gap(rt.get("rep", {}), rt.get("manager", {})),
                                   c.id in spoke))
    trend: dict[str, list[int]] = {}
    for c in reversed(calls):
        for sid, score in ratings.get(c.id, {}).get("manager", {}).items():
            trend.setdefault(names[sid], []).append(score)
    accuracy = [s.accuracy_gap for s in reversed(sessions) if s.accuracy_gap is not None]
    return RepDetail(r[0], r[1], r[2], r[3], goal_for(con, rep_id), expectations(con, rep_id),
                     sessions, trend, accuracy, open_steps(con, now, rep_id))


# --- one call --------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerRow:
    id: str
    question_id: str | None
    question: str
    answer: str
    by: str
    position: int


@dataclass(frozen=True)
class RatingRow:
    skill_id: str
    by: str
    score: int


@dataclass(frozen=True)
class CallDetail:
    call: CallRow
    objective: str
    advance_min: str
    advance_stretch: str
    prep_answers: list[dict[str, Any]]
    skills: list[SkillRow]
    goal: GoalRow | None
    notes: list[NoteRow]
    answers: list[AnswerRow]
    ratings: list[RatingRow]
    steps: list[StepRow] = field(default_factory=list)        # agreed on this call
    carried: list[StepRow] = field(default_factory=list)      # the rep's open steps from before
    # the rep's voice at the end of the debrief: when they acknowledged the recap, their comment
    rep_acknowledged_at: datetime | None = None
    rep_comment: str = ""


def call_detail(con: sqlite3.Connection, call_id: str, now: datetime) -> CallDetail | None:
    r = con.execute(
        f"SELECT {CALL_COLS}, c.objective, c.advance_min, c.advance_stretch, c.prep_answers, "
        "c.skill_ids, c.rep_acknowledged_at, c.rep_comment "
        "FROM call c JOIN rep r ON r.id = c.rep_id WHERE c.id = ? AND c.deleted_at IS NULL",
        (call_id,)).fetchone()
    if r is None:
        return None
    call = call_row(r)
    skill_ids = json.loads(r[16])
    desc = {k.id: k for k in skills(con)}
    names = skill_names(con, skill_ids)
    sk = [desc.get(i) or SkillRow(i, n, "") for i, n in zip(skill_ids, names, strict=True)]
    answers = [AnswerRow(*a) for a in con.execute(
        "SELECT id, question_id, question, answer, by, position FROM debrief_answer WHERE call_id = ? "
        "AND deleted_at IS NULL ORDER BY position, by DESC", (call_id,))]
    ratings = [RatingRow(*a) for a in con.execute(
        "SELECT skill_id, by, score FROM rating WHERE call_id = ? AND deleted_at IS NULL", (call_id,))]
    rep_steps = open_steps(con, now, call.rep_id, limit=100)
    steps = [_step(x, now) for x in con.execute(
        "SELECT s.id, s.rep_id, r.name, s.call_id, s.owner, s.action, s.due_at, s.done_at "
        "FROM next_step s JOIN rep r ON r.id = s.rep_id WHERE s.call_id = ? AND s.deleted_at IS NULL "
        "ORDER BY s.created_at", (call_id,))]
    return CallDetail(call, r[12], r[13], r[14], json.loads(r[15]), sk, goal_for(con, call.rep_id),
                      call_notes(con, call_id), answers, ratings, steps,
                      [s for s in rep_steps if s.call_id != call_id], from_db(r[17]), r[18] or "")
