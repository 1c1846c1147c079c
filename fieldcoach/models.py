"""The tables, declared once: every other description of the schema is checked
against these (tests/test_schema_sources.py).

Each data path has one role:
- SQLModel (this module, orm.py, services.py) declares the tables and is the write path
  of the forms: load one record, change it, commit. Importing it costs about 1 s
  (SQLAlchemy and pydantic: 1.0-1.1 s measured on a 2-core machine), so nothing on the
  way to the first keystroke, in `fieldcoach note` or in a steady export imports it;
  screens reach it from thread workers.
- Plain sqlite3 does what must be fast or set-based: migrations (schema_sql.py, db.py),
  the note line (notes.py), every read (lookups.py, queries.py), export and import
  (sync/), the demo data (demo.py).

So the other descriptions are literal, each checked against this one: the migration
steps (schema_sql.py, history that must never be generated from today's models) by the
schema they produce, the exported columns (sync/export.py COLUMNS and LOCAL_ONLY), and
the export documents behind the JSON Schema (sync/models.py). Add a column here, in a
new migration step, and in the export (or LOCAL_ONLY) and the test is satisfied.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from .clock import from_db, to_db, utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes stored as fixed-width ISO text (see clock.py)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> str | None:
        return to_db(value)

    def process_result_value(self, value: str | None, dialect: Any) -> datetime | None:
        return from_db(value)


class JSONList(TypeDecorator[list[Any]]):
    """A list stored as compact JSON text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[Any] | None, dialect: Any) -> str:
        return json.dumps(value or [], ensure_ascii=False, separators=(",", ":"))

    def process_result_value(self, value: str | None, dialect: Any) -> list[Any]:
        return json.loads(value) if value else []


def new_id() -> str:
    return str(uuid.uuid4())


def _ts(nullable: bool = False, **kw: Any) -> Any:
    if nullable:
        return Field(default=None, sa_type=UTCDateTime, nullable=True, **kw)
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, **kw)


def _list() -> Any:
    return Field(default_factory=list, sa_type=JSONList, nullable=False)


class CallKind(str, Enum):
    COACHING = "coaching"
    SELLING = "selling"


class CallStatus(str, Enum):
    PLANNED = "planned"
    OBSERVING = "observing"
    DEBRIEF = "debrief"
    DONE = "done"


class Who(str, Enum):
    REP = "rep"
    MANAGER = "manager"


class GoalStatus(str, Enum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class Record(SQLModel):
    """Every synced record: UUID id, created/updated stamps, a deletion tombstone."""

    id: str = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    deleted_at: datetime | None = _ts(nullable=True)

    def touch(self) -> None:
        self.updated_at = utcnow()


class Manager(Record, table=True):
    name: str = ""
    budget_minutes: int = 120
    late_minutes: int = 30
    store_dir: str | None = None
    dayfirst: bool = True
    theme: str = "textual-dark"
    # Retention in days per record class; None keeps forever (privacy/retention.py).
    keep_private_notes_days: int | None = None
    keep_notes_days: int | None = None
    keep_ratings_days: int | None = None
    keep_calls_days: int | None = None
    keep_inbox_days: int | None = None


class Skill(Record, table=True):
    name: str
    description: str = ""
    position: int = 0


class Rep(Record, table=True):
    # The manager whose record this is (schema_sql.V4): set on every write, never exported
    # as a field (the store folder names the manager).
    manager_id: str | None = Field(default=None, foreign_key="manager.id")
    name: str
    role: str = ""
    territory: str = ""


class Goal(Record, table=True):
    rep_id: str = Field(foreign_key="rep.id")
    statement: str
    skill_ids: list[str] = _list()
    status: str = GoalStatus.ACTIVE.value


class Expectation(Record, table=True):
    rep_id: str = Field(foreign_key="rep.id")
    text: str
    position: int = 0


class Call(Record, table=True):
    manager_id: str | None = Field(default=None, foreign_key="manager.id")  # as Rep's
    rep_id: str = Field(foreign_key="rep.id")
    account: str = ""
    contact: str = ""
    kind: str = CallKind.COACHING.value
    status: str = CallStatus.PLANNED.value
    scheduled_at: datetime | None = _ts(nullable=True)
    started_at: datetime | None = _ts(nullable=True)
    ended_at: datetime | None = _ts(nullable=True)
    feedback_started_at: datetime | None = _ts(nullable=True)
    feedback_ended_at: datetime | None = _ts(nullable=True)
    objective: str = ""
    advance_min: str = ""
    advance_stretch: str = ""
    # [{"expectation_id": ..., "text": ..., "answer": ...}] snapshot of the prep checklist
    prep_answers: list[dict[str, Any]] = _list()
    skill_ids: list[str] = _list()
    # The rep's voice at the end of the debrief: when they acknowledged the recap, and a
    # comment in their own words (None: nothing said).
    rep_acknowledged_at: datetime | None = _ts(nullable=True)
    rep_comment: str | None = None


class Note(Record, table=True):
    call_id: str | None = Field(default=None, foreign_key="call.id")  # None: the inbox
    taken_at: datetime = _ts()
    offset_seconds: int | None = None
    text: str
    kind: str = "plain"
    skill_id: str | None = None
    private: bool = False
    # Has been in the team store (exported, or imported from it): made private, it leaves
    # as a retraction (schema_sql.V5). Local only.
    shared: bool = False


class ScriptQuestion(Record, table=True):
    __tablename__ = "script_question"
    position: int
    stage: str
    text: str
    active: bool = True


class DebriefAnswer(Record, table=True):
    __tablename__ = "debrief_answer"
    call_id: str = Field(foreign_key="call.id")
    question_id: str | None = None
    question: str
    answer: str = ""
    by: str = Who.REP.value
    position: int = 0


class Rating(Record, table=True):
    call_id: str = Field(foreign_key="call.id")
    skill_id: str
    by: str
    score: int


class NextStep(Record, table=True):
    __tablename__ = "next_step"
    call_id: str | None = Field(default=None, foreign_key="call.id")
    rep_id: str = Field(foreign_key="rep.id")
    owner: str = Who.REP.value
    action: str
    due_at: datetime | None = _ts(nullable=True)
    done_at: datetime | None = _ts(nullable=True)


TABLES: tuple[type[Record], ...] = (
    Manager, Skill, Rep, Goal, Expectation, Call, Note, ScriptQuestion, DebriefAnswer,
    Rating, NextStep,
)
