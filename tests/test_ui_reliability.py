"""Reliability seen from the UI: a crashing handler keeps typed text and exits non-zero,
a failing worker is shown, a killed process loses nothing, any note text shows literally."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from textual.widgets import Input

from fieldcoach import services
from fieldcoach.app import FieldcoachApp
from fieldcoach.drafts import Drafts
from fieldcoach.paths import drafts_dir
from screens.observe import ObservationScreen

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def observing(store):
    rep_id = services.add_rep(store, "Priya Shah")
    call_id = services.plan_call(store, rep_id=rep_id, account="Acme")
    services.start_call(store, call_id, now=NOW)
    return call_id


async def test_crash_in_handler_exits_nonzero_and_keeps_typed_note(db_path, observing, monkeypatch):
    def boom(self) -> None:
        raise RuntimeError("handler exploded")

    monkeypatch.setattr(ObservationScreen, "action_edit_last", boom)
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=timezone.utc)
    with pytest.raises(RuntimeError, match="handler exploded"):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            obs = app.screen
            assert isinstance(obs, ObservationScreen)
            line = obs.query_one("#note-line", Input)
            line.focus()
            # Typed and not yet saved as a draft (the 0.5 s timer has not fired).
            line.insert_text_at_cursor("half-typed observation")
            await pilot.pause()
            await pilot.press("ctrl+e")
            await pilot.pause()
    assert app.return_code not in (None, 0)
    draft = Drafts(drafts_dir(db_path)).get(obs.draft_key)
    assert draft is not None and draft.fields["text"] == "half-typed observation"


def test_cli_forwards_the_crash_return_code(db_path, monkeypatch):
    from fieldcoach import cli

    class Crashed:
        def __init__(self, db_path) -> None:
            self.startup_error = None
            self.return_code = 1

        def run(self) -> None:
            pass

    monkeypatch.setattr("fieldcoach.app.FieldcoachApp", Crashed)
    assert cli.main(["--db", str(db_path)]) == 1


async def test_worker_failure_is_shown_and_app_keeps_running(db_path, store, monkeypatch):
    from fieldcoach import queries
    from screens.home import HomeScreen

    def broken(*args, **kwargs):
        raise RuntimeError("summary [bold]broke[/]")

    monkeypatch.setattr(queries, "home_summary", broken)
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=timezone.utc)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await settle(app, pilot)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, HomeScreen)
        from rich.text import Text

        shown = [str(Text.from_markup(n.message)) for n in app._notifications]
        assert any(m == "Could not load home: summary [bold]broke[/]" for m in shown), shown
        # Still usable: a key still works.
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.is_running
