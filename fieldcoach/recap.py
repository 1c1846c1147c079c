"""The recap of a coaching debrief, to send to the rep: plain text and Markdown.

Built from a `queries.CallDetail`; standard library only. Private notes never appear
(the recap leaves the laptop). User text is kept as typed, except that control
characters are shown as visible symbols (`text.visible`) in every copy: on screen, on the
clipboard and in the saved file. The recap is a message for a person to read, drawn from
stored text (which stays byte for byte in the database and the export); it ends up in a
terminal (`cat` of the saved file, a chat client, a paste) where an ESC sequence from a
note or a teammate's file must not act. In Markdown the characters that would change
the layout are escaped as well.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from .db import ensure_private_dir
from .queries import CallDetail
from .sync.ids import inside
from .sync.store_io import write_atomic
from .text import visible

STAGE_TITLES = {
    "self": "Your self-assessment",
    "observations": "What we talked through",
    "kss": "Keep / stop / start",
}


@dataclass(frozen=True)
class Section:
    title: str
    items: list[tuple[str, str]] = field(default_factory=list)   # (label, text)


@dataclass(frozen=True)
class Recap:
    title: str
    facts: list[tuple[str, str]]
    sections: list[Section]


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(dt: datetime, tz: tzinfo | None) -> tuple[datetime, str]:
    d = dt.astimezone(tz) if tz else dt
    return d, f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"  # locale-independent


def _when(dt: datetime | None, tz: tzinfo | None) -> str:
    if dt is None:
        return "—"
    d, day = _day(dt, tz)
    return f"{day}, {d:%H:%M}"


def _due(dt: datetime | None, tz: tzinfo | None) -> str:
    return "no date" if dt is None else _day(dt, tz)[1]


REP_WORDS = "Rep's words"


def rep_voice(detail: CallDetail, tz: tzinfo | None = None) -> list[tuple[str, str]]:
    """What the rep said of the recap at the end of the debrief, attributed to them."""
    out = []
    if detail.rep_acknowledged_at is not None:
        d, day = _day(detail.rep_acknowledged_at, tz)
        out.append(("Acknowledged by the rep", f"{day} at {d:%H:%M}"))
    if detail.rep_comment:
        out.append(("The rep's comment", detail.rep_comment))
    return out


def stage_of(position: int) -> str:
    """The stage an answer belongs to by its position (the feedback script numbers self
    questions from 0, observations from 100, keep/stop/start from 200)."""
    return "self" if position < 100 else ("observations" if position < 200 else "kss")


def build(detail: CallDetail, tz: tzinfo | None = None, stages: dict[str, str] | None = None) -> Recap:
    """`stages` maps a script question's text to its stage, for answers saved before the
    positions were numbered by stage."""
    c = detail.call
    facts = [("Rep", c.rep_name), ("Account", c.account or "—")]
    if c.contact:
        facts.append(("Contact", c.contact))
    facts.append(("Call", _when(c.started_at or c.scheduled_at, tz)))
    if detail.objective:
        facts.append(("Objective", detail.objective))
    if detail.advance_min or detail.advance_stretch:
        advance = f"{detail.advance_min or '—'} (stretch: {detail.advance_stretch or '—'})"
        facts.append(("Advance planned", advance))
    if detail.goal:
        facts.append(("Shared goal", detail.goal.statement))

    by_stage: dict[str, list[tuple[str, str]]] = {"self": [], "observations": [], "kss": []}
    for a in detail.answers:
        if not a.answer.strip():
            continue
        stage = (stages or {}).get(a.question) or stage_of(a.position)
        if stage not in by_stage:
            stage = "observations"
        by_stage[stage].append((a.question, a.answer))
    sections = [Section(STAGE_TITLES[k], v) for k, v in by_stage.items() if v]

    names = {s.id: s.name for s in detail.skills}
    scores: dict[str, dict[str, int]] = {}
    for r in detail.ratings:
        scores.setdefault(r.skill_id, {})[r.by] = r.score
    if scores:
        rows = []
        for sid in [s.id for s in detail.skills if s.id in scores] + [k for k in scores if k not in names]:
            sc = scores[sid]
            line = f"you {sc.get('rep', '–')}/5, manager {sc.get('manager', '–')}/5"
            rows.append((names.get(sid, "?"), line))
        sections.append(Section("Ratings", rows))
    if detail.steps:
        sections.append(Section("Agreed next steps", [
            ("You" if s.owner == "rep" else "Manager", f"{s.action} — by {_due(s.due_at, tz)}")
            for s in detail.steps]))
    voice = rep_voice(detail, tz)
    if voice:
        sections.append(Section(REP_WORDS, voice))
    title = f"Coaching recap: {c.rep_name} at {c.account}" if c.account else f"Coaching recap: {c.rep_name}"
    return Recap(title, facts, sections)


def _shown(r: Recap) -> Recap:
    """The recap with control characters made visible; answers keep their line breaks."""
    return Recap(visible(r.title),
                 [(visible(k), visible(v)) for k, v in r.facts],
                 [Section(visible(s.title), [(visible(label), visible(text, keep_newlines=True))
                                             for label, text in s.items]) for s in r.sections])


def to_text(r: Recap) -> str:
    r = _shown(r)
    out = [r.title, "=" * min(len(r.title), 72), ""]
    out += [f"{k}: {v}" for k, v in r.facts]
    for s in r.sections:
        out += ["", s.title, "-" * len(s.title)]
        for label, text in s.items:
            out.append(f"* {label}")
            out += [f"  {line}" for line in text.splitlines() or [""]]
    return "\n".join(out) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(r: Recap) -> str:
    r = _shown(r)
    out = [f"# {md_escape(r.title)}", ""]
    out += [f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in r.facts]
    for s in r.sections:
        out += ["", f"## {md_escape(s.title)}", ""]
        for label, text in s.items:
            body = "  \n  ".join(md_escape(line) for line in text.splitlines()) or ""
            out.append(f"- **{md_escape(label)}**  \n  {body}")
    return "\n".join(out) + "\n"


def recap_text(detail: CallDetail, tz: tzinfo | None = None, stages: dict[str, str] | None = None) -> str:
    return to_text(build(detail, tz, stages))


def recap_markdown(detail: CallDetail, tz: tzinfo | None = None,
                   stages: dict[str, str] | None = None) -> str:
    return to_markdown(build(detail, tz, stages))


_NOT_A_WORD = re.compile(r"[\W_]+")
SLUG_LIMIT = 60


def call_tag(call_id: str) -> str:
    """The part of a recap file's name that says which call it is (the end, before .md)."""
    return _NOT_A_WORD.sub("", call_id)[:8].lower()


def saved_recaps(folder: Path, call_ids: Iterable[str]) -> list[Path]:
    """The recap files saved in folder for these calls (forgetting a rep removes them)."""
    tags = {call_tag(cid) for cid in call_ids}
    if not tags or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix == ".md" and p.stem.rsplit("-", 1)[-1] in tags and p.is_file())


def file_path(folder: Path, detail: CallDetail, when: datetime) -> Path:
    """Where a recap is saved: `<date>-<rep>-<account>-<call>.md` in folder.

    Names are typed text (or a teammate's): only letters and digits of them reach the
    path, so no separator, dot or control character can move the file out of folder; the
    start of the call id keeps two calls with the same rep and account on one day apart.
    """
    c = detail.call
    words = unicodedata.normalize("NFC", f"{c.rep_name} {c.account}")
    slug = _NOT_A_WORD.sub("-", words).strip("-").lower()[:SLUG_LIMIT].strip("-")
    tag = call_tag(c.id)
    name = "-".join(p for p in (f"{when:%Y-%m-%d}", slug or "call", tag) if p) + ".md"
    return inside(folder, name)


def save_recap(folder: Path, detail: CallDetail, markdown: str, *, now: datetime, tz: tzinfo) -> Path:
    """Write the recap (Markdown) into folder, named by `file_path` after the call's day in
    tz (the moment it started, else was planned, else now); return where it went.

    Owner-only, like the database (a recap holds personal feedback): the folder is made
    0700, the file 0600. Written beside and renamed over, so a half-written recap is
    never left where the manager would send it from; saving again replaces the file.
    """
    c = detail.call
    when = (c.started_at or c.scheduled_at or now).astimezone(tz)
    path = file_path(folder, detail, when)
    ensure_private_dir(folder)
    write_atomic(path, markdown.encode("utf-8"), mode=0o600)  # unencodable text: no file at all
    return path
