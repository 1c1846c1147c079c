"""How the screens write times, notes and trends: shared here so that no screen imports
another. Stored text always passes through `visible` (control characters as symbols) and
goes into a `Text`, never into markup."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text

from fieldcoach.notes import NoteRow
from fieldcoach.text import visible

KIND_SYMBOL = {"strength": "+", "improve": "-", "question": "?", "plain": "·"}
KIND_STYLE = {"strength": "green", "improve": "yellow", "question": "cyan", "plain": ""}
MARKER_OF = {"strength": "+", "improve": "-", "question": "?", "plain": ""}
SPARK_BARS = "▁▂▃▅▇"


def fmt_when(value: datetime | None, tz: tzinfo) -> str:
    if value is None:
        return "—"
    return value.astimezone(tz).strftime("%a %d %b %H:%M")


def fmt_day(value: datetime | None, tz: tzinfo) -> str:
    if value is None:
        return "—"
    loc = value.astimezone(tz)
    return f"{loc.day} {loc.strftime('%b')}"


def mmss(seconds: int | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def sparkline(scores: list[int]) -> str:
    """1-5 scores as bars, one cell each."""
    return "".join(SPARK_BARS[max(1, min(5, s)) - 1] for s in scores)


def note_line(n: NoteRow, skill_names: dict[str, str]) -> Text:
    """One note as shown in a list: symbol, offset, skill, text — text never as markup."""
    t = Text(no_wrap=False)
    t.append(f"{KIND_SYMBOL.get(n.kind, '·')} ", style=KIND_STYLE.get(n.kind, "") + " bold")
    t.append(f"{mmss(n.offset_seconds)} ", style="dim")
    if n.skill_id:
        t.append(f"[{visible(skill_names.get(n.skill_id, '?'))}] ", style="italic")
    t.append(visible(n.text))
    if n.private:
        t.append("  (private)", style="dim italic")
    return t
