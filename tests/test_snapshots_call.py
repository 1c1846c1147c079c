"""Snapshots of the observation screen and the feedback script on demo data, at 80x24
and 120x36, with a fixed clock so the elapsed time and the feedback delay are stable."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from textual.widgets import Input

from fieldcoach import notes, queries, services
from fieldcoach.demo import write_demo
from screens.feedback.screen import FeedbackScreen
from screens.observe import ObservationScreen
from tests.helpers import FIXED, make_app, settle

SIZES = [(80, 24), (120, 36)]


@pytest.fixture
def demo(store):
    write_demo(store, calls=40, now=FIXED)
    return store


async def _settle(app, pilot) -> None:
    await settle(app, pilot)
    for inp in app.screen.query(Input):
        inp.cursor_blink = False
    await pilot.pause()


def _observing_call(store) -> str:
    """A planned demo call, started 12 minutes ago with a few notes."""
    con = store.con()
    planned = queries.home_summary(con, FIXED, UTC).upcoming[0]
    start = FIXED - timedelta(minutes=12, seconds=5)
    services.start_call(store, planned.id, now=start)
    ctx = notes.call_context(con, planned.id)
    for minutes, raw in ((1, "+1 opened with a clear agenda"), (4, "-2 jumped to the demo"),
                         (7, "? what made you skip the budget question"),
                         (9, "two people from IT joined [bold]late[/]")):
        notes.add_note(con, ctx, raw, now=start + timedelta(minutes=minutes))
    return planned.id


def _debrief_call(store) -> str:
    s = queries.home_summary(store.con(), FIXED, UTC)
    return next(c.id for c in s.in_progress if c.status == "debrief")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_observation_screen(snap_compare, demo, db_path, size):
    call_id = _observing_call(demo)
    app = make_app(db_path)

    async def run_before(pilot) -> None:
        await _settle(app, pilot)
        app.push_screen(ObservationScreen(call_id))
        await _settle(app, pilot)
        await pilot.press(*"+2 great")
        await _settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_feedback_script(snap_compare, demo, db_path, size):
    call_id = _debrief_call(demo)
    app = make_app(db_path)

    async def run_before(pilot) -> None:
        await _settle(app, pilot)
        app.push_screen(FeedbackScreen(call_id))
        await _settle(app, pilot)
        await _settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_feedback_ratings_step(snap_compare, demo, db_path):
    call_id = _debrief_call(demo)
    app = make_app(db_path)

    async def run_before(pilot) -> None:
        await _settle(app, pilot)
        app.push_screen(FeedbackScreen(call_id))
        await _settle(app, pilot)
        await _settle(app, pilot)
        screen = app.screen
        while screen.step.kind == "answer":
            await pilot.press("ctrl+n")
            await _settle(app, pilot)
        await pilot.press("4")  # the rep rates the first skill
        await _settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_feedback_rep_s_words_step(snap_compare, demo, db_path):
    """The laptop turned to the rep: acknowledged, a comment being typed, at 80x24."""
    call_id = _debrief_call(demo)
    rep_id = queries.find_call(demo.con(), call_id).rep_id
    services.add_next_step(demo, rep_id=rep_id, action="Send the pilot plan", call_id=call_id,
                           due_at=FIXED + timedelta(days=1))
    app = make_app(db_path)

    async def run_before(pilot) -> None:
        await _settle(app, pilot)
        app.push_screen(FeedbackScreen(call_id))
        await _settle(app, pilot)
        screen = app.screen
        await screen.go_to(next(i for i, st in enumerate(screen.steps) if st.kind == "voice"))
        await _settle(app, pilot)
        await pilot.press("a", "c", *"Fair", "space", *"point")
        await _settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_precall_with_rep_and_date(snap_compare, demo, db_path, size):
    from screens.precall import PreCallScreen

    rep_id = queries.list_reps(demo.con())[0].id
    app = make_app(db_path)

    async def run_before(pilot) -> None:
        await _settle(app, pilot)
        app.push_screen(PreCallScreen(rep_id=rep_id))
        await _settle(app, pilot)
        await _settle(app, pilot)
        app.screen.query_one("#account", Input).value = "Acme"
        app.screen.query_one("#when", Input).value = "tomorrow 9:30"
        await _settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_precall_prep_answers(snap_compare, demo, db_path):
    """Three prep questions, each with its answer typed, at 80x24 (scrolled to them)."""
    from screens.precall import PreCallScreen

    rep_id = queries.list_reps(demo.con())[0].id
    services.set_expectations(demo, rep_id, ["Research the account's last quarter results",
                                             "Name the buyer's top priority", "Plan the opening question"])
    app = make_app(db_path)

    async def run_before(pilot) -> None:
        await _settle(app, pilot)
        app.push_screen(PreCallScreen(rep_id=rep_id))
        await _settle(app, pilot)
        await _settle(app, pilot)
        for i, answer in enumerate(("Revenue up 4%", "Cut onboarding time", "What changed since March?")):
            field = app.screen.query_one(f"#prep{i}", Input)
            field.value = answer
            field.focus()
        await _settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
