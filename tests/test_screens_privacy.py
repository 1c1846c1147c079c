"""Privacy through the UI: forgetting a rep from their page (asks first), and the
retention purge the app runs at start, after the first frame."""

from __future__ import annotations

from datetime import timedelta

from fieldcoach import notes, services
from fieldcoach.privacy.retention import save_retention
from tests.helpers import FIXED, make_app, notifications, screen_text, settle


async def open_rep_page(app, pilot, rep) -> None:
    """The rep's page, reached as a manager does: the roster, then the rep."""
    await settle(app, pilot)
    app.action_open_reps()
    await settle(app, pilot)
    app.open_rep(rep)
    await settle(app, pilot)


async def test_forget_a_rep_from_their_page(store, db_path):
    rep = services.add_rep(store, "Dana Quillfeather")
    skill = store.con().execute("SELECT id FROM skill LIMIT 1").fetchone()[0]
    services.set_goal(store, rep, "ask for the next meeting", [skill])
    keep = services.add_rep(store, "Tom Becker")
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rep_page(app, pilot, rep)
        await pilot.press("F")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")
        await settle(app, pilot)
        assert store.con().execute("SELECT name FROM rep WHERE id = ?", (rep,)).fetchone()[0] == "Dana Quillfeather"
        await pilot.press("F")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RepsScreen"
        assert store.con().execute("SELECT name, deleted_at IS NOT NULL FROM rep WHERE id = ?",
                                   (rep,)).fetchone()[:] == ("", 1)
        assert store.con().execute("SELECT statement FROM goal WHERE rep_id = ?", (rep,)).fetchone()[0] == ""
        assert "Dana" not in screen_text(app.screen) and "Tom Becker" in screen_text(app.screen)
        assert any(n.startswith("Forgotten: 1 rep, 1 goal (receipt kept") for n in notifications(app)), notifications(app)
        assert store.con().execute("SELECT name FROM rep WHERE id = ?", (keep,)).fetchone()[0] == "Tom Becker"


async def test_the_app_purges_past_retention_at_start(store, db_path):
    notes.add_note(store.con(), None, "inbox note from long ago", now=FIXED - timedelta(days=40))
    notes.add_note(store.con(), None, "inbox note from last week", now=FIXED - timedelta(days=7))
    save_retention(store, {"inbox": 30})
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert [r[0] for r in store.con().execute("SELECT text FROM note")] == ["inbox note from last week"]
        assert "Retention: removed 1 records past their period" in notifications(app)


async def test_nothing_is_purged_at_start_when_everything_is_kept_forever(store, db_path):
    notes.add_note(store.con(), None, "inbox note from long ago", now=FIXED - timedelta(days=4000))
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert store.con().execute("SELECT count(*) FROM note").fetchone()[0] == 1
        assert not [n for n in notifications(app) if "Retention" in n]


async def test_a_late_read_of_a_forgotten_rep_does_not_pop_the_roster(store, db_path):
    """Forgetting pops the rep's page; the page's own reload (started as the confirmation
    closed) may answer after that, finding no rep: it must not pop the roster too."""
    from screens.rep import RepPage

    rep = services.add_rep(store, "Dana Quillfeather")
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rep_page(app, pilot, rep)
        page = app.screen
        app.pop_screen()
        await settle(app, pilot)
        page._show(RepPage(None, []))  # the reload's answer, arriving late
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RepsScreen"
