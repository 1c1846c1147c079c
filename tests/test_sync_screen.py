"""The Sync screen on a real app: export with a summary, import after a confirmation,
refusals shown at the field, user text shown literally."""

from __future__ import annotations

import json
from datetime import UTC

from textual.widgets import Input, ProgressBar

from fieldcoach import queries
from fieldcoach.demo import write_demo
from fieldcoach.sync import commands
from screens.app import FieldcoachApp
from tests.helpers import FIXED, settle, text_of


async def open_sync(app, pilot):
    from screens.sync import SyncScreen

    await settle(app, pilot)
    app.push_screen(SyncScreen())
    await settle(app, pilot)
    assert type(app.screen).__name__ == "SyncScreen"


async def submit(app, pilot, field: str, value: str) -> None:
    """Type value into the field (as a paste) and press Enter there, as a user does."""
    inp = app.screen.query_one(field, Input)
    inp.focus()
    inp.value = value
    await pilot.press("enter")
    await pilot.pause()


async def test_export_uses_the_folder_typed_saves_it_and_shows_a_summary(store, db_path, tmp_path):
    write_demo(store, calls=40, now=FIXED)
    folder = tmp_path / "team store [bold]x[/]"
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sync(app, pilot)
        assert app.screen.query_one("#store-dir", Input).has_focus  # no folder yet: fill it in
        await submit(app, pilot, "#store-dir", str(folder))  # Enter there exports
        await settle(app, pilot)
        summary = text_of(app.screen, "#export-summary")
        assert "42 written, 0 unchanged, 0 deleted, 0 kept newer in the store" in summary
        assert str(folder) in summary  # markup-looking folder name shown literally
        assert not app.screen.query_one("#progress", ProgressBar).display
        assert queries.settings(store.con()).store_dir == str(folder)
        mid = queries.settings(store.con()).manager_id
        assert len(list((folder / mid / "calls").glob("*.json"))) == 40
        app.screen.query_one("#export").focus()
        await pilot.press("e")  # nothing changed: nothing written
        await settle(app, pilot)
        assert "0 written" in text_of(app.screen, "#export-summary")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_store_folder_comes_from_settings_and_typing_e_in_it_is_text(store, db_path, tmp_path):
    from fieldcoach.services import update_settings

    update_settings(store, store_dir=str(tmp_path / "shared"))
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=UTC)
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


async def test_keys_typed_before_the_settings_are_read_do_nothing(store, db_path, tmp_path, monkeypatch):
    import threading

    import screens.sync as sync
    from fieldcoach.services import update_settings

    shared = tmp_path / "shared"
    update_settings(store, store_dir=str(shared))
    gate = threading.Event()
    real = sync.settings

    def slow(con):  # the settings read, held until the keys are in
        gate.wait(10)
        return real(con)

    monkeypatch.setattr(sync, "settings", slow)
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(sync.SyncScreen())
        await pilot.pause()
        await pilot.press("e", "i", "x", "enter")  # at once, before the folder is shown
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "SyncScreen" and not screen.busy
        assert screen.query_one("#store-dir", Input).value == ""
        gate.set()
        await settle(app, pilot)
        assert not shared.exists()
        assert screen.query_one("#store-dir", Input).value == str(shared)
        assert screen.query_one("#export").has_focus  # a folder is saved: Export is one key away
        await pilot.press("e")
        await settle(app, pilot)
        assert shared.is_dir() and "Exported to" in text_of(screen, "#export-summary")


async def test_import_asks_first_then_merges(store, db_path, tmp_path):
    other = tmp_path / "other.db"
    from fieldcoach.services import bootstrap
    from fieldcoach.store import Store

    src = Store(other)  # the manager's other laptop: the same manager row
    src.open()
    (mid, created), = store.con().execute("SELECT id, created_at FROM manager").fetchall()
    src.con().execute("INSERT INTO manager (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                      (mid, created, created, "Alex Morgan"))
    bootstrap(src, manager_name="Alex Morgan")
    write_demo(src, calls=12, now=FIXED)
    commands.run_export(src, tmp_path / "store")
    n_calls = src.con().execute("SELECT count(*) FROM call").fetchone()[0]
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=UTC)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_sync(app, pilot)
        await submit(app, pilot, "#import-path", str(tmp_path / "store"))
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "Import " in text_of(app.screen, "#confirm-message") and "newer version wins" in \
            text_of(app.screen, "#confirm-detail")
        await pilot.press("n")  # cancel: nothing happens
        await settle(app, pilot)
        assert store.con().execute("SELECT count(*) FROM call").fetchone()[0] == 0
        app.screen.query_one("#export").focus()
        await pilot.press("i")  # outside a field, i imports the path given
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
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=UTC)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_sync(app, pilot)
        await submit(app, pilot, "#import-path", str(bad))
        await pilot.press("y")
        await settle(app, pilot)
        err = text_of(app.screen, "#err-import")
        assert str(bad) in err and "updated_at: naive datetime" in err and "nothing changed" in err
        assert type(app.screen).__name__ == "SyncScreen"


def posted(seen, kind, what=None):
    """Each distinct message of `kind` (named `what`): a bubbling message is seen twice."""
    return list({id(m): m for m in seen if isinstance(m, kind)
                 and (what is None or m.what == what)}.values())


async def test_results_arrive_as_messages_progress_too(store, db_path, tmp_path):
    from screens.base import Failed, Loaded
    from screens.sync import ExportDone, ExportProgress

    write_demo(store, calls=6, now=FIXED)
    seen: list = []
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=UTC)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await open_sync(app, pilot)
        assert posted(seen, Loaded, "the settings")[0].value.manager_id == queries.settings(store.con()).manager_id
        await submit(app, pilot, "#store-dir", str(tmp_path / "store"))
        await settle(app, pilot)
        assert [m.value for m in posted(seen, Loaded, "the store folder")] == [str(tmp_path / "store")]
        done = posted(seen, Loaded, "the export")
        assert len(done) == 1 and isinstance(done[0].value, ExportDone) and done[0].value.written == 8
        steps = posted(seen, ExportProgress)
        assert steps and steps[-1].done == steps[-1].total
        assert posted(seen, Failed) == []


async def test_a_failed_export_and_a_refused_import_arrive_as_failures(store, db_path, tmp_path):
    from screens.base import Failed

    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", "utf-8")
    seen: list = []
    app = FieldcoachApp(db_path, clock=lambda: FIXED, tz=UTC)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await open_sync(app, pilot)
        await submit(app, pilot, "#store-dir", str(blocker))
        await settle(app, pilot)
        assert len(posted(seen, Failed, "the export")) == 1
        assert text_of(app.screen, "#export-summary").startswith("Export failed: ")
        assert not app.screen.busy and not app.screen.query_one("#progress", ProgressBar).display
        await submit(app, pilot, "#import-path", str(tmp_path / "missing.json"))
        await pilot.press("y")
        await settle(app, pilot)
        assert len(posted(seen, Failed, "the import")) == 1
        assert "missing.json" in text_of(app.screen, "#err-import")
        assert not app.screen.busy


async def test_the_first_export_names_the_managers_folder(tmp_path):
    """A fresh install: no manager id until the first export makes one."""
    from fieldcoach.store import Store

    app = FieldcoachApp(tmp_path / "new.db", clock=lambda: FIXED, tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sync(app, pilot)
        assert "FOLDER/<your manager id>/" in text_of(app.screen, "#store-layout")
        await submit(app, pilot, "#store-dir", str(tmp_path / "store"))
        await settle(app, pilot)
        store = Store(tmp_path / "new.db")
        store.open()
        mid = queries.settings(store.con()).manager_id
        store.close()
        assert mid and f"FOLDER/{mid}/" in text_of(app.screen, "#store-layout")
        assert (tmp_path / "store" / mid / "manifest.json").is_file()
