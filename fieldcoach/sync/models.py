"""Pydantic models of the export documents: the single source of the JSON Schema
(`fieldcoach schema`) and of import validation.

Every model forbids unknown fields and requires every field (exported documents are
complete), except the fields a minor version added (SINCE_1_1), which documents of the
version before do not have; datetimes must carry an offset (naive ones are refused). The exporter writes
plain dicts with exactly these keys: tests/test_schema_sources.py checks each record
model against the columns export.py writes and the tables of fieldcoach/models.py
(names, nullability, types, allowed values); tests/test_sync_export.py checks that
exported files validate against the generated schema.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter

from . import SCHEMA_ID
from .ids import UUID_PATTERN

# An id names a store file (calls/<id>.json) and a manager's folder: UUIDs only (ids.py).
Id = Annotated[str, Field(pattern=UUID_PATTERN, description="a UUID, lowercase and hyphenated")]
Stamp = AwareDatetime
# Every version this fieldcoach reads (sync.READS); it writes the last.
SchemaId = Annotated[Literal["fieldcoach/1", "fieldcoach/1.1"], Field(
    alias="schema", description="the format version: fieldcoach/1.1 adds the rep's voice to a call, and the "
                                "manager's weekly budget and late threshold to the manifest")]
# Fields a minor version added: optional, absent from documents of the versions before.
SINCE_1_1 = {"call": ("rep_acknowledged_at", "rep_comment"),
             "manifest": ("budget_minutes_week", "late_minutes")}
Who = Literal["rep", "manager"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Record(_Strict):
    id: Id
    created_at: Stamp
    updated_at: Stamp
    deleted_at: Stamp | None = Field(description="set when the record was deleted (a tombstone)")


class Skill(Record):
    name: str
    description: str
    position: int


class Rep(Record):
    name: str
    role: str
    territory: str


class Goal(Record):
    rep_id: Id
    statement: str
    skill_ids: list[Id]
    status: Literal["active", "achieved", "dropped"]


class Expectation(Record):
    rep_id: Id
    text: str
    position: int


class PrepAnswer(_Strict):
    """The rep's answer to one item of the prep checklist, as recorded at pre-call setup."""

    expectation_id: Id | None = None
    text: str
    answer: str


class Call(Record):
    rep_id: Id
    account: str
    contact: str
    kind: Literal["coaching", "selling"]
    status: Literal["planned", "observing", "debrief", "done"]
    scheduled_at: Stamp | None
    started_at: Stamp | None
    ended_at: Stamp | None
    feedback_started_at: Stamp | None
    feedback_ended_at: Stamp | None
    objective: str
    advance_min: str
    advance_stretch: str
    prep_answers: list[PrepAnswer]
    skill_ids: list[Id]
    rep_acknowledged_at: Stamp | None = Field(
        default=None, description="when the rep acknowledged the recap (fieldcoach/1.1)")
    rep_comment: str | None = Field(
        default=None, description="the rep's comment, in their own words (fieldcoach/1.1)")


class Note(Record):
    """An observation shared with the team (private notes never leave the laptop)."""

    taken_at: Stamp
    offset_seconds: int | None
    text: str
    kind: Literal["plain", "strength", "improve", "question"]
    skill_id: Id | None


class RetractedNote(_Strict):
    """A note its author made private after it was shared: only its id and when it was
    taken back. Every importer removes the note's text."""

    model_config = ConfigDict(title="RetractedNote")
    id: Id
    deleted_at: Stamp = Field(description="when the note was retracted")


def _note_kind(value: Any) -> str:
    """A retraction holds nothing but its id and stamp; anything more is read as a note
    (so a note missing a field is reported as such)."""
    keys = set(value) if isinstance(value, dict) else set(getattr(value, "model_fields_set", ()))
    return "retracted" if keys and keys <= {"id", "deleted_at"} else "note"


# The tags name the union members in validation errors' locations; import leaves them out.
UNION_TAGS = frozenset({"note", "retracted"})
SharedNote = Annotated[Annotated[Note, Tag("note")] | Annotated[RetractedNote, Tag("retracted")],
                       Discriminator(_note_kind)]


class DebriefAnswer(Record):
    question_id: Id | None
    question: str
    answer: str
    by: Who
    position: int


class Rating(Record):
    skill_id: Id
    by: Who
    score: Annotated[int, Field(ge=1, le=5)]


class NextStep(Record):
    rep_id: Id
    owner: Who
    action: str
    due_at: Stamp | None
    done_at: Stamp | None


class RepRef(_Strict):
    id: Id
    name: str


class CallDocument(_Strict):
    """DIR/<manager-id>/calls/<call-id>.json: one call with everything that belongs to it."""

    model_config = ConfigDict(title="CallDocument")
    schema_: SchemaId
    type: Literal["call"]
    manager_id: Id
    id: Id
    updated_at: Stamp = Field(description="latest change to the call or anything in it")
    rep: RepRef
    call: Call
    notes: list[SharedNote] = Field(
        description="the shared notes, then the retracted ones (id-only tombstones)")
    debrief_answers: list[DebriefAnswer]
    ratings: list[Rating]
    next_steps: list[NextStep]


class RepsDocument(_Strict):
    """DIR/<manager-id>/reps.json: the roster, goals, prep expectations, skill catalogue,
    and next steps agreed outside a call."""

    schema_: SchemaId
    type: Literal["reps"]
    manager_id: Id
    updated_at: Stamp | None
    reps: list[Rep]
    goals: list[Goal]
    expectations: list[Expectation]
    skills: list[Skill]
    next_steps: list[NextStep]


class Manifest(_Strict):
    """DIR/<manager-id>/manifest.json: who owns the folder and what it holds."""

    schema_: SchemaId
    type: Literal["manifest"]
    manager_id: Id
    manager_name: str
    updated_at: Stamp | None
    calls: Annotated[int, Field(ge=0, description="number of call documents (tombstones included)")]
    # The manager's own settings, for the Team view's budget and late figures; optional, so
    # manifests written before they were added still validate.
    budget_minutes_week: Annotated[int | None, Field(
        ge=0, description="the manager's coaching budget, minutes per week")] = None
    late_minutes: Annotated[int | None, Field(
        ge=0, description="minutes after a call's end from which its debrief counts as late")] = None


class Bundle(_Strict):
    """`fieldcoach export --out FILE`: everything in one file."""

    schema_: SchemaId
    type: Literal["bundle"]
    manifest: Manifest
    reps: RepsDocument
    calls: list[CallDocument]


Document = Annotated[CallDocument | RepsDocument | Manifest | Bundle, Field(discriminator="type")]
DOCUMENT: TypeAdapter[Any] = TypeAdapter(Document)


def json_schema() -> dict[str, Any]:
    schema = DOCUMENT.json_schema(by_alias=True, ref_template="#/$defs/{model}")
    schema.pop("discriminator", None)  # OpenAPI keyword; oneOf + the const "type" already decide
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://fieldcoach.invalid/schema/fieldcoach-1.1.json",
        "title": f"fieldcoach team store document ({SCHEMA_ID})",
        "description": (
            "Any file of the team store (call, reps, manifest) or an export bundle. Versions: a "
            "minor version only adds optional fields (fieldcoach/1.1: call.rep_acknowledged_at and "
            "call.rep_comment, the rep's voice); documents of fieldcoach/1 are still valid. An "
            "importer refuses a version newer than it reads, minor versions included, and says to "
            "upgrade: reading it without the new fields would drop them at its next export."),
        **schema,
    }
