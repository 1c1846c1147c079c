"""What the screen tests share: a fixed moment, a clock that steps, an app on it, waiting
for the app to settle, and reading what a screen shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from screens.app import FieldcoachApp

FIXED = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # a Thursday


class Clock:
    """Moves one second per reading, so notes keep their order in time."""

    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def make_app(db_path) -> FieldcoachApp:
    return FieldcoachApp(db_path, clock=lambda: FIXED, tz=UTC)


async def settle(app, pilot) -> None:
    """Let messages and workers finish, twice: a worker's result may start another."""
    for _ in range(2):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def text_of(screen, selector: str) -> str:
    from textual.widgets import Static

    return str(screen.query_one(selector, Static).render())


def screen_text(screen) -> str:
    """Everything the screen shows in its Statics and DataTables, as plain text."""
    from textual.widgets import DataTable, Static

    parts = [str(w.render()) for w in screen.query(Static)]
    for t in screen.query(DataTable):
        parts.extend(" ".join(str(c) for c in t.get_row_at(row)) for row in range(t.row_count))
    return "\n".join(parts)


def notifications(app) -> list[str]:
    """The text of every notification the app has shown (markup resolved)."""
    from rich.text import Text

    return [str(Text.from_markup(n.message)) for n in app._notifications]


def refused_in_one_line(capsys: Any, argv: list[str], expected: str) -> str:
    """Run the command line on argv: it must exit 1 with one line on stderr, holding
    expected, and print nothing else. Returns the line."""
    from fieldcoach.cli import main

    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("fieldcoach: ") and expected in err, err
    return err
