"""The app and the command line on one database at the same time (PRODUCT.md section 7).

The app runs in this process with its thread workers (each opens its own connection);
`fieldcoach note` and `fieldcoach export` run as real separate processes. A process that
closes any descriptor of the database file loses all its POSIX locks on it, and the
other process, believing it holds the last connection, deletes the WAL from under the
app: everything the app saves afterwards is gone. So after every command the -wal must
still be there, and at the end every row from every process must be in the file.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import make_app, settle

PY = sys.executable


async def _fieldcoach(db_path: Path, *args: str) -> str:
    res = await asyncio.to_thread(
        subprocess.run, [PY, "-m", "fieldcoach", "--db", str(db_path), *args],
        capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stdout


async def _capture(app, pilot, text: str) -> None:
    """A quick note through the real dialog, as the manager types it on home."""
    await pilot.press("c")
    await settle(app, pilot)
    app.screen.query_one("#capture-text").value = text
    await pilot.press("enter")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "HomeScreen"


async def test_app_and_command_line_on_one_database_keep_every_row(tmp_path):
    db_path = tmp_path / "data" / "fieldcoach.db"
    wal = Path(f"{db_path}-wal")
    store_dir = tmp_path / "team-store"
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)  # home loaded by a worker on its own connection
        await _capture(app, pilot, "app before")
        assert wal.exists()

        await _fieldcoach(db_path, "note", "cli one")
        assert wal.exists(), "the -wal was deleted while the app had the database open"

        await _capture(app, pilot, "app between")
        out = await _fieldcoach(db_path, "export", "--store", str(store_dir))
        assert "written" in out
        assert wal.exists(), "the -wal was deleted while the app had the database open"

        await _fieldcoach(db_path, "note", "cli two")
        assert wal.exists(), "the -wal was deleted while the app had the database open"

        await _capture(app, pilot, "app after")
        app.refresh_bindings()
        await pilot.press("ctrl+q")
    con = sqlite3.connect(db_path)
    try:
        texts = {r[0] for r in con.execute("SELECT text FROM note WHERE deleted_at IS NULL")}
        assert texts == {"app before", "cli one", "app between", "cli two", "app after"}
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        managers = [r[0] for r in con.execute("SELECT id FROM manager")]
    finally:
        con.close()
    assert len(managers) == 1
    assert (store_dir / managers[0] / "manifest.json").is_file()


# --- the same promise without the app: cheaper, one way of opening at a time ---------------

NOTE_AND_CLOSE = r"""
import sys
from fieldcoach import db, notes
con = db.connect(sys.argv[1])
notes.add_note(con, None, sys.argv[2])
con.close()
"""


def _other_process_writes(db_path: Path, text: str) -> None:
    res = subprocess.run([PY, "-c", NOTE_AND_CLOSE, str(db_path), text], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0, res.stderr


def _open_thread_connection(store) -> None:
    import threading

    t = threading.Thread(target=store.con)  # as a thread worker does
    t.start()
    t.join()


def _open_orm_session(store) -> None:
    from fieldcoach import services

    services.bootstrap(store)  # an ORM session: a connection of its own, opened and closed



@pytest.mark.parametrize("second", [_open_thread_connection, _open_orm_session])
def test_a_second_connection_keeps_the_locks_of_the_first(tmp_path, second):
    from fieldcoach import notes
    from fieldcoach.store import Store

    db_path = tmp_path / "fieldcoach.db"
    store = Store(db_path)
    store.open()
    con = store.con()
    notes.add_note(con, None, "first")
    second(store)
    _other_process_writes(db_path, "other")
    assert Path(f"{db_path}-wal").exists(), "the other process took the -wal from under us"
    notes.add_note(con, None, "after")
    store.close()
    check = sqlite3.connect(db_path)
    assert {r[0] for r in check.execute("SELECT text FROM note")} == {"first", "other", "after"}
    check.close()


def test_the_safety_look_runs_again_once_every_connection_is_closed(tmp_path):
    from fieldcoach import db

    db_path = tmp_path / "fieldcoach.db"
    con = db.connect(db_path)
    assert db.holds_connection(db_path)
    con.close()
    assert not db.holds_connection(db_path)
    with open(db_path, "r+b") as fh:  # no connection is open: cutting the file is safe here
        fh.truncate(50)
    with pytest.raises(db.StoreError, match="damaged"):
        db.connect(db_path)


def test_import_and_export_refuse_the_open_database_file_itself(tmp_path):
    from fieldcoach.cli import UserError
    from fieldcoach.store import Store
    from fieldcoach.sync import commands

    db_path = tmp_path / "fieldcoach.db"
    store = Store(db_path)
    store.open()
    for target in (db_path, Path(f"{db_path}-wal")):
        with pytest.raises(UserError, match="database itself"):
            commands.run_import(store, [target])
    with pytest.raises(UserError, match="database itself"):
        commands.export(store, out=str(db_path))
    _other_process_writes(db_path, "still a database")
    assert Path(f"{db_path}-wal").exists()
    store.close()


async def test_a_note_from_the_command_line_shows_on_the_open_note_line(tmp_path):
    """`fieldcoach note` in a shell while the app observes the same call: the note is saved
    to that call and joins the app's list on the next tick, once, beside the app's own."""
    from fieldcoach import services
    from fieldcoach.store import Store
    from screens.observe import ObservationScreen

    db_path = tmp_path / "data" / "fieldcoach.db"
    store = Store(db_path)
    store.open()
    services.bootstrap(store)
    rep = services.add_rep(store, "Priya Shah")
    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ObservationScreen(call_id))
        await settle(app, pilot)
        obs = app.screen
        obs.query_one("#note-line").insert_text_at_cursor("+ from the app")
        await pilot.press("enter")
        await settle(app, pilot)
        await _fieldcoach(db_path, "note", "? from the shell")
        obs._tick()  # the screen's one-second tick, run now rather than waited for
        await pilot.pause()
        obs._tick()  # a second look adds nothing twice
        await pilot.pause()
        shown = [str(w.render()) for w in obs.query(".note")]
        assert len(shown) == 2
        assert "from the app" in shown[0] and "from the shell" in shown[1]
