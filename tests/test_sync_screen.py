"""The Sync screen on a real app: export with a summary, import after a confirmation,
refusals shown at the field, user text shown literally."""

from __future__ import annotations

import json
from datetime import timezone

from textual.widgets import Input, ProgressBar

from fieldcoach import queries
from fieldcoach.app import FieldcoachApp
from fieldcoach.demo import write_demo
from fieldcoach.sync import commands

from tests.helpers import FIXED, settle, text_of



async def open_sync(app, pilot):
    from screens.sync import SyncScreen

    await settle(app, pilot)
    app.push_screen(SyncScreen())
    await settle(app, pilot)
    assert type(app.screen).__name__ == "SyncScreen"


async def test_export_uses_the_folder_typed_saves_it_and_shows_a_summary(store, db_path, tmp_path):
    write_demo(store, calls=40, now=FIXED)
    folder = tmp_path / "team store [bold]x[/]"
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=timezone.utc)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sync(app, pilot)
        app.screen.query_one("#store-dir", Input).value = str(folder)
        await pilot.press("e")
        await settle(app, pilot)
        summary = text_of(app.screen, "#export-summary")
        assert "42 written, 0 unchanged, 0 deleted, 0 kept newer in the store" in summary
        assert str(folder) in summary  # markup-looking folder name shown literally
        assert not app.screen.query_one("#progress", ProgressBar).display
        assert queries.settings(store.con()).store_dir == str(folder)
        mid = queries.settings(store.con()).manager_id
        assert len(list((folder / mid / "calls").glob("*.json"))) == 40
        await pilot.press("e")  # nothing changed: nothing written
        await settle(app, pilot)
        assert "0 written" in text_of(app.screen, "#export-summary")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_store_folder_comes_from_settings_and_typing_e_in_it_is_text(store, db_path, tmp_path):
    from fieldcoach.services import update_settings

    update_settings(store, store_dir=str(tmp_path / "shared"))
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=timezone.utc)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sync(app, pilot)
        inp = app.screen.query_one("#store-dir", Input)
        assert inp.value == str(tmp_path / "shared")
        inp.focus()
        inp.value = ""
        await pilot.press("e", "i")
        await settle(app, pilot)
        assert inp.value == "ei"
        assert not (tmp_path / "shared").exists()
        inp.value = ""
        app.screen.query_one("#export").focus()
        await pilot.press("e")  # outside the input, e exports: with no folder it asks for one
        await settle(app, pilot)
        assert "Choose the team store folder first" in text_of(app.screen, "#err-store_dir")
        assert inp.has_focus


async def test_import_asks_first_then_merges(store, db_path, tmp_path):
    other = tmp_path / "other.db"
    from fieldcoach.store import Store
    from fieldcoach.services import bootstrap

    src = Store(other)  # the manager's other laptop: the same manager row
    src.open()
    (mid, created), = store.con().execute("SELECT id, created_at FROM manager").fetchall()
    src.con().execute("INSERT INTO manager (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                      (mid, created, created, "Alex Morgan"))
    bootstrap(src, manager_name="Alex Morgan")
    write_demo(src, calls=12, now=FIXED)
    commands.run_export(src, tmp_path / "store")
    n_calls = src.con().execute("SELECT count(*) FROM call").fetchone()[0]
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=timezone.utc)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_sync(app, pilot)
        app.screen.query_one("#import-path", Input).value = str(tmp_path / "store")
        await pilot.press("i")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "Import " in text_of(app.screen, "#confirm-message") and "newer version wins" in \
            text_of(app.screen, "#confirm-detail")
        await pilot.press("n")  # cancel: nothing happens
        await settle(app, pilot)
        assert store.con().execute("SELECT count(*) FROM call").fetchone()[0] == 0
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert store.con().execute("SELECT count(*) FROM call").fetchone()[0] == n_calls
        assert "Imported " in text_of(app.screen, "#import-summary") and "new" in text_of(app.screen, "#import-summary")


async def test_refused_import_shows_file_and_field_and_changes_nothing(store, db_path, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "fieldcoach/1", "type": "manifest", "manager_id": "00000000-0000-4000-8000-0000000000aa",
                               "manager_name": "[red]x[/]", "calls": 0, "updated_at": "2026-01-01T10:00:00",
                               }), "utf-8")
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=timezone.utc)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_sync(app, pilot)
        app.screen.query_one("#import-path", Input).value = str(bad)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        err = text_of(app.screen, "#err-import")
        assert str(bad) in err and "updated_at: naive datetime" in err and "nothing changed" in err
        assert type(app.screen).__name__ == "SyncScreen"
