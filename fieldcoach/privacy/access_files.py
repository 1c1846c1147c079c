"""Writing a subject access report (access.py's dict, from either database) as files a
person can be given: JSON with a JSON Schema of its own beside it, and Markdown to read.

Files are owner-only and written atomically, like recaps. Stored text reaches the
Markdown with control characters made visible and Markdown's special characters escaped;
the JSON keeps it byte for byte.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ..db import ensure_private_dir
from ..sync.store_io import write_atomic
from ..text import visible
from .access import SCHEMA_ID, Report

SCHEMA_NAME = "access.schema.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class AccessRecord(BaseModel):
    """One record as stored: every column (the tables differ), its id always there."""

    model_config = ConfigDict(extra="allow", title="AccessRecord")
    id: str | int


class Section(_Model):
    title: str
    table: str = Field(description="the table the records come from")
    records: list[AccessRecord]


class Subject(_Model):
    kind: Literal["rep", "manager"]
    id: str
    name: str


class AccessReport(_Model):
    model_config = ConfigDict(extra="forbid", strict=True, title="AccessReport")
    schema_: Literal["fieldcoach-access/1"] = Field(alias="schema")
    generated_at: AwareDatetime
    source: str = Field(description="the database the records come from")
    subject: Subject
    sections: list[Section]


def json_schema() -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://fieldcoach.invalid/schema/fieldcoach-access-1.json",
            "title": f"fieldcoach subject access report ({SCHEMA_ID})",
            **AccessReport.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")}


def validate(report: Report) -> None:
    """Raises pydantic's ValidationError when report does not match the schema."""
    AccessReport.model_validate_json(json.dumps(report))


# Inside a list item only these change what a reader sees: emphasis, code, links, HTML,
# tables (recap.md_escape also escapes what would start a heading or a list, which a
# value after "- key: " cannot, and which made dates and ids hard to read).
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|])")


def _shown(v: Any) -> str:
    if v is None:
        return "—"
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    if not text:
        return "(empty)"
    # a line break stays one inside the item (two spaces, then the item's indent)
    return _MD_INLINE.sub(r"\\\1", visible(text, keep_newlines=True)).replace("\n", "  \n     ")


def to_markdown(report: Report) -> str:
    s = report["subject"]
    who = "the manager" if s["kind"] == "manager" else "the rep"
    lines = [f"# Data held about {_shown(s['name'])} ({who})", "",
             f"- From: {_shown(report['source'])}", f"- Made: {_shown(report['generated_at'])}",
             f"- Id: {_shown(s['id'])}", ""]
    for sec in report["sections"]:
        recs = sec["records"]
        lines += [f"## {_shown(sec['title'])} ({len(recs)})", ""]
        if not recs:
            lines += ["None.", ""]
        for i, rec in enumerate(recs, 1):
            lines.append(f"{i}.")
            lines += [f"   - {k}: {_shown(v)}" for k, v in rec.items()]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def file_stem(report: Report) -> str:
    s = report["subject"]
    source = "team" if "team" in report["source"] else "manager-db"
    return f"access-{s['kind']}-{''.join(ch for ch in str(s['id']) if ch.isalnum() or ch == '-')}-{source}"


def write_access(report: Report, out: Path) -> list[Path]:
    """Write <stem>.json, <stem>.md and access.schema.json into out; returns the paths."""
    validate(report)
    ensure_private_dir(out)
    stem = file_stem(report)
    files = [
        (out / f"{stem}.json", json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"),
        (out / f"{stem}.md", to_markdown(report)),
        (out / SCHEMA_NAME, json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"),
    ]
    for path, text in files:
        write_atomic(path, text.encode("utf-8"), mode=0o600)
    return [p for p, _ in files]
