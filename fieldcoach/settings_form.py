"""The settings form without the terminal: what its fields hold when it opens, the field
texts checked and turned into one change, and that change saved.

The settings screen only collects the texts of its fields and shows the messages; every
rule about what a field may hold lives here (and in `services`, which checks the values
again on the way in), so it is tested without the UI. Reads go through the screens' one
way in, `Store.read`; the save through `services` (the ORM write path).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from .coaching import STAGES
from .errors import FieldError, FormErrors
from .lookups import settings
from .privacy import retention
from .store import Store
from .text import is_control

THEMES = (("Dark", "textual-dark"), ("Light", "textual-light"))
DEFAULT_THEME = "textual-dark"
STAGE_HELP = "stages: self, observations, ratings, kss, next"
T = TypeVar("T")

# The text fields of the form, by name: each is a str in `fields` (the switch "1" or "0").
FIELDS = ("name", "budget_minutes", "late_minutes", "store_dir", "dayfirst", "theme", "skills", "script")
# The retention periods, one per record class (privacy/retention.py): days, empty for ever.
RETENTION_FIELDS = retention.FIELDS


@dataclass(frozen=True)
class SettingsChange:
    """What a valid form asks for; `skills` and `script` are None when left as they were."""

    name: str
    budget_minutes: int
    late_minutes: int
    store_dir: str | None
    dayfirst: bool
    theme: str
    skills: tuple[str, ...] | None
    script: tuple[tuple[str, str], ...] | None
    # days per record class (None: keep forever); the whole field None when the form had none
    retention: retention.Retention | None = None


def skills_text(names: list[str]) -> str:
    return "\n".join(names)


def script_text(questions: list[tuple[str, str]]) -> str:
    return "\n".join(f"{stage}: {text}" for stage, text in questions)


def form_fields(con: sqlite3.Connection) -> dict[str, str]:
    """The field texts as stored: what the form shows when it opens (and the baseline a
    draft is compared with)."""
    from .queries import script, skills

    s = settings(con)
    return {
        "name": s.name, "budget_minutes": str(s.budget_minutes), "late_minutes": str(s.late_minutes),
        "store_dir": s.store_dir or "", "dayfirst": "1" if s.dayfirst else "0",
        "theme": s.theme if s.theme in {value for _, value in THEMES} else DEFAULT_THEME,
        "skills": skills_text([k.name for k in skills(con)]),
        "script": script_text([(q.stage, q.text) for q in script(con)]),
        **retention.retention_fields(retention.read_retention(con)),
    }


def parse_minutes(field: str, text: str, example: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        label = "The budget" if field == "budget_minutes" else "The threshold"
        raise FieldError(field, f"{label} is a whole number of minutes, e.g. {example}.") from None


def store_folder(text: str, *, required: bool = False) -> str | None:
    """The team store folder as typed (stripped); None when empty and not required."""
    folder = text.strip()
    if not folder:
        if required:
            raise FieldError("store_dir", "Choose the team store folder first (a shared or synced folder).")
        return None
    if any(is_control(ch) for ch in folder):
        raise FieldError("store_dir", "The folder name has a control character in it.")
    return folder


def parse_skills(text: str) -> list[str]:
    skills = [line.strip() for line in text.splitlines() if line.strip()]
    if not skills:
        raise FieldError("skills", "Keep at least one skill in the catalogue.")
    return skills


def parse_script(text: str) -> list[tuple[str, str]]:
    """'stage: question' per line -> pairs; FieldError("script") names the bad line."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        stage, sep, question = line.partition(":")
        stage = stage.strip().lower()
        if not sep or stage not in STAGES:
            raise FieldError("script", f"Line {n}: start with a stage and a colon, "
                                       f"e.g. “self: How did it go?” ({STAGE_HELP}).")
        if not question.strip():
            raise FieldError("script", f"Line {n}: write the question after the colon.")
        out.append((stage, question.strip()))
    return out


def parse_settings(fields: Mapping[str, str], stored: Mapping[str, str] | None = None) -> SettingsChange:
    """Check every field of the form; FormErrors carries a message for each bad one.

    `stored` (form_fields as loaded): skills and script equal to it are left alone, so
    saving the budget does not rewrite the catalogue."""
    errors: dict[str, str] = {}

    def check(parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except FieldError as exc:
            errors[exc.field] = exc.message
            return None

    budget = check(lambda: parse_minutes("budget_minutes", fields.get("budget_minutes", ""), 120))
    late = check(lambda: parse_minutes("late_minutes", fields.get("late_minutes", ""), 30))
    folder = check(lambda: store_folder(fields.get("store_dir", "")))
    skills = check(lambda: parse_skills(fields.get("skills", "")))
    script = check(lambda: parse_script(fields.get("script", "")))
    periods = None
    if any(f in fields for f in RETENTION_FIELDS):
        try:
            periods = retention.parse_retention(fields)
        except FormErrors as exc:
            errors.update(exc.errors)
    if errors or budget is None or late is None or skills is None or script is None:
        raise FormErrors(errors)
    theme = fields.get("theme", DEFAULT_THEME)
    stored = stored or {}
    return SettingsChange(
        name=fields.get("name", ""), budget_minutes=budget, late_minutes=late, store_dir=folder,
        dayfirst=fields.get("dayfirst", "1") == "1",
        theme=theme if theme in {value for _, value in THEMES} else DEFAULT_THEME,
        skills=None if skills_text(skills) == stored.get("skills") else tuple(skills),
        script=None if script_text(script) == stored.get("script") else tuple(script),
        retention=periods,
    )


def save_settings(store: Store, change: SettingsChange) -> SettingsChange:
    """Write the change (services check the values again: FieldError names the field)."""
    from . import services

    services.update_settings(store, name=change.name, budget_minutes=change.budget_minutes,
                             late_minutes=change.late_minutes, store_dir=change.store_dir,
                             dayfirst=change.dayfirst, theme=change.theme)
    if change.skills is not None:
        services.set_skills(store, change.skills)
    if change.script is not None:
        services.set_script(store, change.script)
    if change.retention is not None:
        retention.save_retention(store, change.retention)
    return change
