"""Subject access from the team database (PRODUCT.md section 9): everything it holds about
one rep or one first-line manager, as one JSON-able dict, written as JSON and as a
readable Markdown page.

A rep's document holds the rep's record, their goals and expectations, every call with
the rep (notes, debrief answers, ratings, next steps inside), every next step of theirs,
the skills those name, and the audit entries that name the rep. A manager's holds the
manager's record and settings, their skill catalogue, the reps they coach (the records,
not the coaching), their calls and what they themselves wrote or rated, and the audit
entries that name them. Deleted records and retracted notes are there as the database
keeps them (a tombstone is data too). Stamps stay as stored: ISO 8601 in UTC, with offset.

Names repeat (two managers may each have a "Sam Lee"), so a name that matches more than
one person is refused with the candidates, ids and managers, on one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, or_, select

from ..clock import utcnow
from ..errors import UserError
from ..sync.export import JSON_COLUMNS
from ..text import visible
from . import audit, schema

FORMAT = "fieldcoach-team-access/1"
FILE_MODE = 0o600  # personal data about one person: the owner's only


_RECORDS = {"type": "array", "items": {"type": "object", "required": ["id"]}}
_CALLS = {"type": "array", "items": {"type": "object", "required": [
    "id", "rep_id", "manager_id", "notes", "debrief_answers", "ratings", "next_steps"]}}
# What a document promises to a reader (a data-protection officer's tool, a test).
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format", "source", "database", "made_at", "subject", "calls", "audit_log"],
    "properties": {
        "format": {"const": FORMAT},
        "source": {"const": "team database"},
        "made_at": {"type": "string", "format": "date-time"},
        "subject": {"type": "object", "required": ["kind", "id", "name"],
                    "properties": {"kind": {"enum": ["rep", "manager"]}, "id": {"type": "string"}}},
        "calls": _CALLS,
        "audit_log": {"type": "array", "items": {"type": "object",
                                                  "required": ["at", "who", "action", "scope"]}},
    },
    "oneOf": [
        {"properties": {"subject": {"properties": {"kind": {"const": "rep"}}},
                        "rep": {"type": "object", "required": ["id", "name", "manager_id"]},
                        "manager": {"type": "object", "required": ["id", "name"]},
                        **{k: _RECORDS for k in ("goals", "expectations", "next_steps", "skills")}},
         "required": ["rep", "manager", "goals", "expectations", "next_steps", "skills"]},
        {"properties": {"subject": {"properties": {"kind": {"const": "manager"}}},
                        "manager": {"type": "object", "required": ["id", "name", "budget_minutes_week"]},
                        "skills": _RECORDS, "reps": _RECORDS},
         "required": ["manager", "skills", "reps"]},
    ],
}


@dataclass(frozen=True)
class Subject:
    kind: str  # "rep" or "manager"
    id: str
    name: str | None
    manager_id: str | None  # a rep's manager; for a manager, their own id
    manager_name: str | None

    def shown(self) -> str:
        if self.kind == "manager":
            return f"manager {self.name or '(no name)'} {self.id}"
        return f"rep {self.name or '(no name)'} {self.id} (manager {self.manager_name or self.manager_id})"


def find(con: Connection, person: str) -> Subject:
    """The one rep or manager whose id is person, or whose name is (any case)."""
    r, m = schema.rep, schema.manager
    reps = con.execute(select(r.c.id, r.c.name, r.c.manager_id, m.c.name.label("manager_name"))
                       .select_from(r.outerjoin(m, m.c.id == r.c.manager_id)))
    found = [Subject("rep", x.id, x.name, x.manager_id, x.manager_name) for x in reps]
    found += [Subject("manager", x.id, x.name, x.id, x.name) for x in con.execute(select(m.c.id, m.c.name))]
    by_id = [s for s in found if s.id == person]
    if len(by_id) == 1:
        return by_id[0]
    wanted = person.strip().casefold()
    by_name = by_id or [s for s in found if (s.name or "").strip().casefold() == wanted]
    if not by_name:
        raise UserError(f"no rep or manager called {person!r} in the team database (a name or an id)")
    if len(by_name) > 1:
        raise UserError(f"{len(by_name)} people match {person!r}: "
                        + "; ".join(s.shown() for s in sorted(by_name, key=lambda s: (s.kind, s.id)))
                        + "; give the id instead")
    return by_name[0]


def _row(table: Table, row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    for col in JSON_COLUMNS.get(table.name, ()):
        if isinstance(out.get(col), str):
            try:
                out[col] = json.loads(out[col])
            except ValueError:  # kept as stored
                pass
    return out


def _rows(con: Connection, table: Table, *where: Any) -> list[dict[str, Any]]:
    key = [table.c.created_at, table.c.id] if "created_at" in table.c else [table.c.id]
    return [_row(table, r) for r in con.execute(select(table).where(*where).order_by(*key))]


def _audit(con: Connection, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The log entries whose scope names one of ids (ids are UUIDs: no false matches)."""
    a = schema.audit_log
    terms = [a.c.scope.contains(i, autoescape=True) for i in ids]
    if not terms:
        return []
    rows = con.execute(select(a).where(or_(*terms)).order_by(a.c.at, a.c.id))
    return [{"id": r.id, "at": r.at, "who": r.who, "action": r.action, "scope": json.loads(r.scope)}
            for r in rows]


def _by_call(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["call_id"], []).append(r)
    return out


def _calls(con: Connection, where: Any, only_by: str | None = None) -> list[dict[str, Any]]:
    """Calls with their notes, debrief answers, ratings and next steps inside; only_by
    keeps what one side ("manager") wrote, rated or owns."""
    s = schema
    calls = _rows(con, s.call, where)
    ids = [c["id"] for c in calls]
    parts = {
        "notes": _rows(con, s.note, s.note.c.call_id.in_(ids)),
        "debrief_answers": _rows(con, s.debrief_answer, s.debrief_answer.c.call_id.in_(ids),
                                 *([s.debrief_answer.c.by == only_by] if only_by else [])),
        "ratings": _rows(con, s.rating, s.rating.c.call_id.in_(ids),
                         *([s.rating.c.by == only_by] if only_by else [])),
        "next_steps": _rows(con, s.next_step, s.next_step.c.call_id.in_(ids),
                            *([s.next_step.c.owner == only_by] if only_by else [])),
    }
    grouped = {k: _by_call(v) for k, v in parts.items()}
    return [{**c, **{k: g.get(c["id"], []) for k, g in grouped.items()}} for c in calls]


def _head(subject: Subject, database: str, now: datetime) -> dict[str, Any]:
    return {"format": FORMAT, "source": "team database", "database": database, "made_at": now.isoformat(),
            "subject": {"kind": subject.kind, "id": subject.id, "name": subject.name}}


def rep_document(con: Connection, subject: Subject, database: str, now: datetime) -> dict[str, Any]:
    s = schema
    calls = _calls(con, s.call.c.rep_id == subject.id)
    skill_ids = {i for c in calls for i in (c.get("skill_ids") or [])}
    skill_ids |= {r["skill_id"] for c in calls for r in c["ratings"]}
    skill_ids |= {n["skill_id"] for c in calls for n in c["notes"] if n["skill_id"]}
    goals = _rows(con, s.goal, s.goal.c.rep_id == subject.id)
    skill_ids |= {i for g in goals for i in (g.get("skill_ids") or [])}
    return {
        **_head(subject, database, now),
        "rep": _rows(con, s.rep, s.rep.c.id == subject.id)[0],
        "manager": {"id": subject.manager_id, "name": subject.manager_name},
        "goals": goals,
        "expectations": _rows(con, s.expectation, s.expectation.c.rep_id == subject.id),
        "calls": calls,
        # every step of the rep's, those agreed on a call too
        "next_steps": _rows(con, s.next_step, s.next_step.c.rep_id == subject.id),
        "skills": _rows(con, s.skill, s.skill.c.manager_id == subject.manager_id,
                        s.skill.c.id.in_(sorted(skill_ids))),
        "audit_log": _audit(con, [subject.id]),
    }


def manager_document(con: Connection, subject: Subject, database: str, now: datetime) -> dict[str, Any]:
    s = schema
    return {
        **_head(subject, database, now),
        "manager": _rows(con, s.manager, s.manager.c.id == subject.id)[0],
        "skills": _rows(con, s.skill, s.skill.c.manager_id == subject.id),
        "reps": _rows(con, s.rep, s.rep.c.manager_id == subject.id),
        "calls": _calls(con, s.call.c.manager_id == subject.id, only_by="manager"),
        "audit_log": _audit(con, [subject.id]),
    }


def subject_access(engine: Engine, person: str, now: datetime | None = None) -> dict[str, Any]:
    """Everything the team database holds about person (a rep or manager, by name or id)."""
    now = now or utcnow()
    shown = engine.url.render_as_string(hide_password=True)
    with engine.connect() as con:
        subject = find(con, person)
        build = rep_document if subject.kind == "rep" else manager_document
        return build(con, subject, shown, now)


# --- writing it -------------------------------------------------------------------------------

def file_stem(doc: dict[str, Any]) -> str:
    return f"team-access-{doc['subject']['kind']}-{doc['subject']['id']}"


def as_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | dict):
        return visible(json.dumps(value, ensure_ascii=False))
    return visible(str(value))


# a list's items are titled in the singular: "## calls (3)", then "### call 1"
_ITEM = {"goals": "goal", "expectations": "expectation", "calls": "call", "notes": "note",
         "debrief answers": "debrief answer", "ratings": "rating", "next steps": "next step",
         "skills": "skill", "reps": "rep", "audit log": "log entry", "prep answers": "prep answer"}


def _section(lines: list[str], title: str, value: Any, depth: int) -> None:
    hashes = "#" * min(depth, 6)
    if isinstance(value, dict):
        lines += [f"{hashes} {title}", ""]
        for k, v in value.items():
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                if lines[-1] != "":
                    lines.append("")
                _section(lines, k.replace("_", " "), v, depth + 1)
            else:
                lines.append(f"- {k}: {_cell(v)}")
        lines.append("")
    elif isinstance(value, list):
        lines += [f"{hashes} {title} ({len(value)})", ""]
        for i, item in enumerate(value, 1):
            if isinstance(item, dict):
                _section(lines, f"{_ITEM.get(title, title)} {i}", item, depth + 1)
            else:
                lines.append(f"- {_cell(item)}")
        lines.append("")
    else:
        lines += [f"- {title}: {_cell(value)}", ""]


def as_markdown(doc: dict[str, Any]) -> str:
    """Every field of the document, in its order; text made harmless for a terminal."""
    subject = doc["subject"]
    lines = [f"# What the team database holds about {_cell(subject['name'])}", "",
             f"- {subject['kind']} id: {subject['id']}", f"- database: {_cell(doc['database'])}",
             f"- made: {doc['made_at']}", ""]
    for key, value in doc.items():
        if key in ("format", "source", "database", "made_at", "subject"):
            continue
        _section(lines, key.replace("_", " "), value, 2)
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]  # one blank line at most
    return "\n".join(kept).rstrip("\n") + "\n"


def write(engine: Engine, person: str, out: Path, now: datetime | None = None) -> list[Path]:
    """Write person's document as JSON and Markdown into out; logged as an access."""
    from ..sync.store_io import Batch

    doc = subject_access(engine, person, now)
    stem = file_stem(doc)
    paths = [out / f"{stem}.json", out / f"{stem}.md"]
    try:
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
        batch = Batch(FILE_MODE)
        batch.add(paths[0], as_json(doc).encode("utf-8"))
        batch.add(paths[1], as_markdown(doc).encode("utf-8"))
    except OSError as exc:
        raise UserError(f"cannot write into {out}: {exc.strerror or exc}") from exc
    # logged before the files appear: an access the log cannot hold is not handed out
    try:
        audit.record_now(engine, "access", {
            "subject": {"kind": doc["subject"]["kind"], "id": doc["subject"]["id"]},
            "out": str(out.resolve()), "formats": ["json", "markdown"]})
    except BaseException:
        batch.abort()
        raise
    try:
        batch.commit()
    except OSError as exc:
        raise UserError(f"cannot write into {out}: {exc.strerror or exc}") from exc
    return paths
