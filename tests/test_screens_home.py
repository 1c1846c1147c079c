"""Home on a real app and a temporary database, driven with the Pilot."""

from __future__ import annotations

from datetime import UTC, timedelta

from fieldcoach import notes, queries, services
from fieldcoach.demo import write_demo
from tests.helpers import FIXED, make_app, screen_text, settle, text_of


async def test_home_shows_figures_on_demo_data(store, db_path):
    write_demo(store, calls=40, now=FIXED)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        text = screen_text(app.screen)
        h = queries.home_summary(store.con(), FIXED, UTC)
        assert "coaching this week" in text
        assert f"{h.this_week.minutes:.0f} / {h.budget_minutes} min" in text
        assert f"Coaching:selling {h.coaching_calls}:{h.selling_calls}" in text
        assert f"Late feedback {h.late_feedback}" in text
        assert "debrief" in text and "45m LATE" in text  # the demo's late debrief
        late = next(s for s in h.steps if s.overdue)
        assert f"overdue {late.due_at.day} {late.due_at:%b}" in text
        assert h.focus[0].name in text and h.focus[0].reason in text
        assert "call Priya about the Kestrel renewal" in text  # inbox


async def test_weeks_without_coaching_are_called_out(store, db_path):
    rep = services.add_rep(store, "Priya Shah")
    call = services.plan_call(store, rep_id=rep, account="Acme")
    # one coaching call three weeks ago; the weeks around it had none
    services.start_call(store, call, now=FIXED - timedelta(weeks=3))
    services.end_call(store, call, now=FIXED - timedelta(weeks=3) + timedelta(minutes=40))
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app.screen)
        assert "No coaching:" in text and "week of 9 Nov" in text
        assert "week of 2 Nov" not in text  # the week with the call is not listed


async def test_mark_step_done_from_home(store, db_path):
    rep = services.add_rep(store, "Tom Becker")
    services.add_next_step(store, rep_id=rep, action="Book follow-up with the CFO",
                           due_at=FIXED - timedelta(days=2))
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "overdue 24 Nov" in screen_text(app.screen)
        await pilot.press("d")
        await settle(app, pilot)
        assert queries.open_steps(store.con(), FIXED) == []
        assert "No open next steps." in screen_text(app.screen)


async def test_capture_goes_to_inbox_without_a_call(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert type(app.screen).__name__ == "CaptureDialog"
        await pilot.press(*"[bold]ask Tom[/]")
        await pilot.press("enter")
        await settle(app, pilot)
        assert [n.text for n in notes.inbox(store.con())] == ["[bold]ask Tom[/]"]
        assert type(app.screen).__name__ == "HomeScreen"
        assert "[bold]ask Tom[/]" in screen_text(app.screen)  # shown literally in the inbox


async def test_capture_goes_to_the_observed_call(store, db_path):
    rep = services.add_rep(store, "Priya Shah")
    call = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, call, now=FIXED - timedelta(minutes=5))
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_capture()  # from whatever screen is in front
        await pilot.pause()
        await pilot.press(*"+ great question")
        await pilot.press("enter")
        await settle(app, pilot)
        assert [n.text for n in notes.call_notes(store.con(), call)] == ["great question"]
        assert notes.inbox(store.con()) == []


async def test_capture_escape_saves_nothing(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("x", "escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert notes.inbox(store.con()) == []


def observe_a_call(store) -> str:
    rep = services.add_rep(store, "Priya Shah")
    call = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, call, now=FIXED - timedelta(minutes=5))
    return call


async def test_launch_with_an_observing_call_opens_observation(store, db_path):
    observe_a_call(store)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ObservationScreen"
        app.pop_screen()                      # back to home, built when first shown
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert "coaching this week" in screen_text(app.screen)
        assert "observing" in screen_text(app.screen)


async def test_call_opened_at_launch_ends_into_feedback_then_home(store, db_path):
    """The call opened at launch is the bottom screen: ending it switches to feedback,
    and leaving feedback builds home in its place (nothing to pop back to)."""
    call = observe_a_call(store)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert len(app.screen_stack) == 1
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FeedbackScreen"
        assert queries.find_call(store.con(), call).status == "debrief"
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert len(app.screen_stack) == 1
        assert "coaching this week" in screen_text(app.screen)
        assert "debrief" in screen_text(app.screen)
        assert not app.check_action("back", ())  # home is the bottom: escape stays


async def test_recovered_drafts_are_announced(store, db_path):
    app = make_app(db_path)
    app.drafts.save("rep:new", {"name": "Half typed"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert any("Recovered 1 unsaved draft" in str(n.message) for n in app._notifications)


async def test_theme_persists(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        before = app.theme
        app.action_toggle_dark()
        await settle(app, pilot)
        assert queries.settings(store.con()).theme == app.theme != before
    app2 = make_app(db_path)
    async with app2.run_test(size=(80, 24)) as pilot:
        await settle(app2, pilot)
        assert app2.theme == queries.settings(store.con()).theme


async def test_corrupt_database_fails_startup(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    app = make_app(bad)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
    assert app.startup_error and app.return_code == 1


async def test_escape_goes_back_everywhere_but_home(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("r")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RepsScreen"
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_enter_resumes_the_call_waiting_for_debrief(store, db_path):
    rep = services.add_rep(store, "Priya Shah")
    call = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, call, now=FIXED - timedelta(minutes=90))
    services.end_call(store, call, now=FIXED - timedelta(minutes=40))
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "40m LATE" in screen_text(app.screen)
        app.screen.query_one("#in-progress").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FeedbackScreen"


async def test_command_palette_reaches_screens(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Settings")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "SettingsScreen"


async def test_day_one_lists_no_week_without_coaching(tmp_path):
    """A database the app creates today, on the real clock: no week before the manager's
    first use, and not this week while it runs, is called a week without coaching."""
    from screens.app import FieldcoachApp

    app = FieldcoachApp(tmp_path / "new" / "fieldcoach.db", tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app.screen)
        assert "coaching this week" in text
        budget = text_of(app.screen, "#budget")
        assert "No coaching" not in budget and "week of" not in budget
        assert "First week" in budget


def posted(seen, kind, what):
    """Each distinct message of `kind` named `what` (a message bubbles: the hook sees it twice)."""
    return list({id(m): m for m in seen if isinstance(m, kind) and m.what == what}.values())


async def test_figures_and_a_step_done_arrive_as_messages(store, db_path):
    from screens.base import Loaded
    from screens.home import HomeData
    from tests.helpers import notifications

    rep = services.add_rep(store, "Tom Becker")
    services.add_next_step(store, rep_id=rep, action="Book follow-up with the CFO", due_at=FIXED)
    seen: list = []
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        figures = posted(seen, Loaded, "this week's figures")
        assert len(figures) == 1 and isinstance(figures[0].value, HomeData)
        assert app.screen.data is figures[0].value
        await pilot.press("d")
        await settle(app, pilot)
        assert [m.value for m in posted(seen, Loaded, "the next step")] == ["Book follow-up with the CFO"]
        assert "Done: Book follow-up with the CFO" in notifications(app)
        assert len(posted(seen, Loaded, "this week's figures")) == 2  # and home read again


async def test_a_step_that_cannot_be_marked_done_is_a_failure_message(store, db_path, monkeypatch):
    from fieldcoach.errors import FieldError
    from screens.base import Failed
    from tests.helpers import notifications

    rep = services.add_rep(store, "Tom Becker")
    services.add_next_step(store, rep_id=rep, action="Book follow-up", due_at=FIXED)

    def gone(*args, **kwargs):
        raise FieldError("step", "That next step no longer exists.")

    monkeypatch.setattr(services, "complete_step", gone)
    seen: list = []
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        failed = posted(seen, Failed, "the next step")
        assert len(failed) == 1 and failed[0].field == "step"
        assert "That next step no longer exists." in notifications(app)
        assert len(queries.open_steps(store.con(), FIXED)) == 1


async def test_figures_that_cannot_be_read_are_a_failure_message(store, db_path, monkeypatch):
    import sqlite3

    from screens.base import Failed
    from tests.helpers import notifications

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(queries, "home_summary", locked)
    seen: list = []
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        assert len(posted(seen, Failed, "this week's figures")) == 1
        assert any(n.startswith("The database is busy") for n in notifications(app)), notifications(app)
        assert app.is_running and app.screen.data is None
