"""Settings through the UI: save, messages at the fields, skills and script."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from fieldcoach import queries
from tests.helpers import make_app, screen_text, settle


async def open_settings(app, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("s")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "SettingsScreen"


def err(app, field: str) -> str:
    return str(app.screen.query_one(f"#err-{field}").render())


async def test_settings_save(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        assert app.screen.query_one("#name", Input).value == "Alex Morgan"
        app.screen.query_one("#budget_minutes", Input).value = "180"
        app.screen.query_one("#late_minutes", Input).value = "20"
        app.screen.query_one("#store_dir", Input).value = "/tmp/team store"
        skills = app.screen.query_one("#skills", TextArea)
        skills.text = skills.text + "\nNegotiation"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        s = queries.settings(store.con())
        assert (s.budget_minutes, s.late_minutes, s.store_dir) == (180, 20, "/tmp/team store")
        assert queries.skills(store.con())[-1].name == "Negotiation"
        assert app.drafts.all() == []
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert "/ 180 min" in screen_text(app.screen)


async def test_bad_budget_gets_a_message_at_the_field(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        app.screen.query_one("#budget_minutes", Input).value = "lots"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "whole number of minutes" in err(app, "budget_minutes")
        assert queries.settings(store.con()).budget_minutes == 120
        app.screen.query_one("#budget_minutes", Input).value = "99999"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "between 0 and 2400" in err(app, "budget_minutes")
        assert queries.settings(store.con()).budget_minutes == 120


async def test_script_lines_need_a_stage(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        script = app.screen.query_one("#script", TextArea)
        before = [q.text for q in queries.script(store.con())]
        script.text = "self: How did it end?\nwhat went well"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Line 2" in err(app, "script")
        assert [q.text for q in queries.script(store.con())] == before
        script.text = "kss: Keep, stop, start?\nself: How did it end?"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [(q.stage, q.text) for q in queries.script(store.con())] == [
            ("self", "How did it end?"), ("kss", "Keep, stop, start?")]


async def test_theme_setting_applies(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        app.screen.query_one("#theme").value = "textual-light"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.theme == "textual-light"
        assert queries.settings(store.con()).theme == "textual-light"


async def test_the_form_arrives_as_a_message_and_a_refused_save_as_a_failure(store, db_path):
    from screens.base import Failed, Loaded

    seen: list = []
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await open_settings(app, pilot)
        loaded = list({id(m): m for m in seen if isinstance(m, Loaded) and m.what == "the settings"}.values())
        assert len(loaded) == 1 and loaded[0].value["name"] == "Alex Morgan"
        app.screen.query_one("#budget_minutes", Input).value = "99999"  # a number, out of range
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        failed = list({id(m): m for m in seen if isinstance(m, Failed) and m.what == "the settings change"}.values())
        assert len(failed) == 1 and failed[0].field == "budget_minutes"
        assert "between 0 and 2400" in err(app, "budget_minutes")


async def test_a_settings_file_that_cannot_be_read_is_said_in_one_line(store, db_path, monkeypatch):
    import sqlite3

    from fieldcoach import settings_form
    from screens.base import Failed
    from tests.helpers import notifications

    def locked(con):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(settings_form, "form_fields", locked)
    seen: list = []
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await open_settings(app, pilot)
        assert {m.what for m in seen if isinstance(m, Failed)} == {"the settings"}
        assert any(n.startswith("The database is busy") and "the settings could not be read" in n
                   for n in notifications(app)), notifications(app)
        await pilot.press("ctrl+s")  # nothing loaded: nothing saved over what is stored
        await settle(app, pilot)
        assert queries.settings(store.con()).name == "Alex Morgan"
        assert app.is_running


async def test_retention_is_set_previewed_and_purged_after_a_confirmation(store, db_path):
    """The preview shows what the next purge removes before it runs; ctrl+r asks, then
    removes exactly that."""
    from datetime import timedelta

    from fieldcoach import notes
    from tests.helpers import FIXED

    old = notes.add_note(store.con(), None, "inbox note from long ago", now=FIXED - timedelta(days=40))
    notes.add_note(store.con(), None, "inbox note from last week", now=FIXED - timedelta(days=7))
    app = make_app(db_path)
    async with app.run_test(size=(100, 60)) as pilot:
        await open_settings(app, pilot)
        assert "Inbox notes: kept forever" in screen_text(app.screen)
        app.screen.query_one("#keep_inbox", Input).value = "30"
        app.screen.query_one("#keep_notes", Input).value = "a month"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "number of days" in err(app, "keep_notes")
        app.screen.query_one("#keep_notes", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        shown = screen_text(app.screen)
        assert f"Inbox notes: kept 30 days; 1 to remove, oldest {(FIXED - timedelta(days=40)):%Y-%m-%d}" in shown
        assert store.con().execute("SELECT count(*) FROM note").fetchone()[0] == 2  # nothing yet
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")
        await settle(app, pilot)
        assert store.con().execute("SELECT count(*) FROM note").fetchone()[0] == 2
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert [r[0] for r in store.con().execute("SELECT text FROM note")] == ["inbox note from last week"]
        assert store.con().execute("SELECT id FROM note WHERE id = ?", (old.id,)).fetchone() is None
        assert "Inbox notes: kept 30 days; nothing older" in screen_text(app.screen)
        assert store.con().execute("SELECT keep_inbox_days FROM manager").fetchone()[0] == 30
