"""Reliability seen from the UI: a crashing handler keeps typed text and exits non-zero,
a failing worker is shown, a killed process loses nothing, any note text shows literally."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from fieldcoach import services
from fieldcoach.drafts import Drafts
from fieldcoach.paths import drafts_dir
from screens.app import FieldcoachApp
from screens.observe import ObservationScreen
from tests.helpers import FIXED as NOW
from tests.helpers import Clock, notifications, settle


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
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
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

    monkeypatch.setattr("screens.app.FieldcoachApp", Crashed)
    assert cli.main(["--db", str(db_path)]) == 1


async def test_worker_failure_is_shown_and_app_keeps_running(db_path, store, monkeypatch):
    from fieldcoach import queries
    from screens.home import HomeScreen

    def broken(*args, **kwargs):
        raise RuntimeError("summary [bold]broke[/]")

    monkeypatch.setattr(queries, "home_summary", broken)
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await settle(app, pilot)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, HomeScreen)
        shown = notifications(app)
        assert any(m == "This week's figures could not be read: summary [bold]broke[/]" for m in shown), shown
        # Still usable: a key still works.
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.is_running


# --- a real process in a pseudo-terminal, killed with SIGKILL ---------------------------


ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
LIMIT = 20.0  # seconds: an upper bound on each wait, never a timing assumption


class Tui:
    """`python -m fieldcoach --db DB` on a 100x30 pseudo-terminal."""

    def __init__(self, db: Path) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
        env.pop("TEXTUAL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fieldcoach", "--db", str(db)], stdin=slave, stdout=slave,
            stderr=slave, env=env, cwd=str(Path(__file__).resolve().parent.parent),
            start_new_session=True, close_fds=True)
        os.close(slave)
        self.out = ""

    def read_until(self, text: str) -> None:
        end = time.monotonic() + LIMIT
        while text not in ANSI.sub("", self.out):
            left = end - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise AssertionError(f"{text!r} never appeared on the screen "
                                     f"(exit={self.proc.poll()}): {ANSI.sub('', self.out)[-600:]!r}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    self.out += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    pass

    def drain(self) -> None:
        while select.select([self.master], [], [], 0)[0]:
            try:
                self.out += os.read(self.master, 65536).decode("utf-8", "replace")
            except OSError:
                return

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=LIMIT)
        os.close(self.master)


def wait_for(predicate, what: str, tui: Tui) -> None:
    end = time.monotonic() + LIMIT
    while not predicate():
        if time.monotonic() > end or tui.proc.poll() is not None:
            raise AssertionError(f"gave up waiting for {what} (exit={tui.proc.poll()})")
        tui.drain()
        select.select([tui.master], [], [], 0.05)  # wait for output or a short tick


async def test_killed_tui_keeps_the_typed_draft_and_the_entered_note(db_path, observing, store):
    from fieldcoach.notes import call_notes

    key = f"note:{observing}"
    folder = drafts_dir(db_path)
    tui = Tui(db_path)
    try:
        tui.read_until("Type a note")
        tui.type("saw a great open question")
        wait_for(lambda: (d := Drafts(folder).get(key)) is not None
                 and d.fields.get("text") == "saw a great open question", "the draft file", tui)
    finally:
        tui.kill()
    assert tui.proc.returncode == -signal.SIGKILL
    draft = Drafts(folder).get(key)
    assert draft is not None and draft.fields["text"] == "saw a great open question"

    # A fresh app offers it back in the note line.
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        obs = app.screen
        assert isinstance(obs, ObservationScreen)
        assert obs.query_one("#note-line", Input).value == "saw a great open question"
        assert any(n.message == "Recovered draft" for n in app._notifications)
    Drafts(folder).discard(key)

    # Entered and then killed: the note is in the database.
    tui = Tui(db_path)
    try:
        tui.read_until("Type a note")
        tui.type("agenda first\r")
        con = store.con()
        wait_for(lambda: any("agenda first" in n.text for n in call_notes(con, observing)),
                 "the entered note in the database", tui)
    finally:
        tui.kill()
    assert any("agenda first" in n.text for n in call_notes(store.con(), observing))


# --- any note text: stored, and shown literally -----------------------------------------


NOTE_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=NOTE_TEXT)
@example(raw="[bold]x[/] and [red]y")
async def test_any_note_text_is_stored_and_shown_literally(db_path, observing, store, raw):
    from fieldcoach.notes import call_notes

    before = len(call_notes(store.con(), observing))
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        obs = app.screen
        assert isinstance(obs, ObservationScreen)
        line = obs.query_one("#note-line", Input)
        line.focus()
        line.value = raw
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running and app.return_code is None
        rows = call_notes(store.con(), observing)
        if not raw.strip():
            assert len(rows) == before
            return
        shown = "\n".join(str(w.render()) for w in obs.query_one("#obs-notes", VerticalScroll).query(Static))
        if len(rows) == before:  # refused with a message at the field, the text kept
            assert line.value == raw
            assert str(obs.query_one("#note-error", Static).render()).strip()
            return
        assert len(rows) == before + 1
        stored = rows[-1].text
        assert stored and stored in shown
