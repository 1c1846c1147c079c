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
