"""Every rep and call belongs to a manager (PRODUCT.md section 5, "Ownership"): the schema
step that says so, and old files migrated to it with their data kept."""

from __future__ import annotations

import sqlite3

import pytest

from fieldcoach import db, notes, schema_sql, services
from fieldcoach.store import Store
from fieldcoach.sync.ids import is_uuid

V3 = schema_sql.STEPS[:3]
MID = "6f1c1a52-0d7e-4a43-9b55-5f6d1e2a3b4c"
T0 = "2026-01-05T09:00:00.000000+00:00"


def _version_3_file(path, *, manager: bool, reps: int = 2, calls: int = 3) -> None:
    """A file as fieldcoach wrote it before ownership: reps and calls with no manager."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(db, "STEPS", V3)
        m.setattr(db, "SCHEMA_VERSION", 3)
        con = db.connect(path)
        with db.transaction(con):
            if manager:
                con.execute("INSERT INTO manager (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                            (MID, T0, T0, "Alex Morgan"))
            for i in range(reps):
                con.execute("INSERT INTO rep (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                            (f"rep-{i}", f"2025-12-0{i + 1}T08:00:00.000000+00:00", T0, f"Rep {i}"))
            for i in range(calls):
                con.execute("INSERT INTO call (id, created_at, updated_at, rep_id, account) VALUES (?,?,?,?,?)",
                            (f"call-{i}", T0, T0, f"rep-{i % reps}", f"Account {i}"))
        notes.add_note(con, None, "an inbox note")
        con.close()


def _rows(con: sqlite3.Connection, table: str) -> list[tuple]:
    return [tuple(r) for r in con.execute(f"SELECT * FROM {table} ORDER BY 1")]


def test_an_old_file_migrates_and_its_reps_and_calls_are_its_managers(db_path):
    _version_3_file(db_path, manager=True)
    con = db.connect(db_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == schema_sql.SCHEMA_VERSION
    assert [r[0] for r in con.execute("SELECT id FROM manager")] == [MID]
    assert {r[0] for r in con.execute("SELECT manager_id FROM rep UNION SELECT manager_id FROM call")} == {MID}
    assert con.execute("SELECT count(*) FROM rep").fetchone()[0] == 2
    assert [r[0] for r in con.execute("SELECT account FROM call ORDER BY id")] == [
        "Account 0", "Account 1", "Account 2"]
    assert [n.text for n in notes.inbox(con)] == ["an inbox note"]
    con.close()


def test_an_old_file_with_records_and_no_manager_row_gets_one(db_path):
    _version_3_file(db_path, manager=False)
    con = db.connect(db_path)
    (mid, created, name), = con.execute("SELECT id, created_at, name FROM manager").fetchall()
    assert is_uuid(mid) and name == ""
    assert created == "2025-12-01T08:00:00.000000+00:00"  # its oldest record: first use stays true
    assert {r[0] for r in con.execute("SELECT manager_id FROM rep UNION SELECT manager_id FROM call")} == {mid}
    con.close()
    store = Store(db_path)
    store.open()
    try:
        assert services.bootstrap(store) == mid  # the app takes that row as its manager
    finally:
        store.close()


def test_an_old_file_nobody_worked_in_gets_no_manager(db_path):
    # e.g. only `fieldcoach note` ran on it: it may still adopt the first store it imports
    _version_3_file(db_path, manager=False, reps=0, calls=0)
    con = db.connect(db_path)
    assert con.execute("SELECT count(*) FROM manager").fetchone()[0] == 0
    con.close()


def test_the_migration_uses_manager_first_indexes_for_calls(db_path):
    con = db.connect(db_path)
    idx = {r[0]: r[1] for r in con.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_rep_manager", "ix_call_manager_started", "ix_call_manager_status",
            "ix_call_manager_updated"} <= set(idx)
    assert not {"ix_call_started", "ix_call_status", "ix_call_updated"} & set(idx)
    con.close()


def test_new_reps_and_calls_are_written_with_the_manager(tmp_path):
    store = Store(tmp_path / "fresh.db")
    store.open()
    try:
        rep = services.add_rep(store, "Priya Shah")  # no manager row yet: made on the way
        call = services.plan_call(store, rep_id=rep, account="Acme")
        con = store.con()
        (mid,), = con.execute("SELECT id FROM manager").fetchall()
        assert con.execute("SELECT manager_id FROM rep WHERE id = ?", (rep,)).fetchone()[0] == mid
        assert con.execute("SELECT manager_id FROM call WHERE id = ?", (call,)).fetchone()[0] == mid
    finally:
        store.close()


def test_demo_reps_and_calls_are_the_managers(store):
    from fieldcoach.demo import write_demo

    write_demo(store, calls=12)
    con = store.con()
    mid = services.bootstrap(store)
    assert {r[0] for r in con.execute("SELECT manager_id FROM rep UNION SELECT manager_id FROM call")} == {mid}


# --- import: your own documents only ---------------------------------------------------------

def _laptop(path, name: str, reps: int = 2, calls: int = 3) -> tuple[Store, str]:
    s = Store(path)
    s.open()
    mid = services.bootstrap(s, manager_name=name)
    rep_ids = [services.add_rep(s, f"{name}'s rep {i}") for i in range(reps)]
    for i in range(calls):
        services.plan_call(s, rep_id=rep_ids[i % reps], account=f"{name} {i}")
    return s, mid


def _all_rows(con: sqlite3.Connection) -> dict[str, list[tuple]]:
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: _rows(con, t) for t in tables}


def test_importing_a_teammates_folder_is_refused_and_changes_nothing(tmp_path):
    import subprocess
    import sys

    from fieldcoach.sync import commands

    mine, _ = _laptop(tmp_path / "mine.db", "Alex Morgan")
    sam, sam_id = _laptop(tmp_path / "sam.db", "Sam Okafor", reps=6, calls=5)
    commands.run_export(sam, tmp_path / "team")
    commands.run_export(mine, tmp_path / "mine-store")
    before = _all_rows(mine.con())
    mine.close()
    for path in (tmp_path / "team", tmp_path / "team" / sam_id):
        out = subprocess.run([sys.executable, "-m", "fieldcoach", "--db", str(tmp_path / "mine.db"), "import",
                              str(path)], capture_output=True, text=True)
        assert out.returncode == 1 and out.stdout == ""
        assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
        assert f"Sam Okafor ({sam_id})" in out.stderr and "another manager" in out.stderr
        assert "`fieldcoach team`" in out.stderr
    mine.open()
    try:
        assert _all_rows(mine.con()) == before
        # and the manager's own next export writes nothing of Sam's
        r = commands.run_export(mine, tmp_path / "mine-store")
        assert r.written == []
    finally:
        mine.close()
        sam.close()


def test_a_store_of_two_managers_is_refused_even_by_an_empty_database(tmp_path):
    from fieldcoach.errors import UserError
    from fieldcoach.sync import commands

    a, a_id = _laptop(tmp_path / "a.db", "Alex Morgan")
    b, b_id = _laptop(tmp_path / "b.db", "Sam Okafor")
    commands.run_export(a, tmp_path / "team")
    commands.run_export(b, tmp_path / "team")
    fresh = Store(tmp_path / "fresh.db")
    fresh.open()
    try:
        before = _all_rows(fresh.con())
        with pytest.raises(UserError, match="2 managers") as err:
            commands.run_import(fresh, [tmp_path / "team"])
        assert a_id in str(err.value) and b_id in str(err.value) and "fieldcoach team" in str(err.value)
        assert _all_rows(fresh.con()) == before
        # one manager's folder of that store is that manager's restore: it is adopted
        assert commands.run_import(fresh, [tmp_path / "team" / a_id]).adopted_manager == a_id
        assert fresh.con().execute("SELECT count(*) FROM call WHERE manager_id = ?", (a_id,)).fetchone()[0] == 3
    finally:
        for s in (a, b, fresh):
            s.close()


def test_a_second_laptop_takes_its_own_documents_again_and_again(tmp_path):
    from fieldcoach.sync import commands

    one, mid = _laptop(tmp_path / "one.db", "Alex Morgan")
    commands.run_export(one, tmp_path / "store")
    two = Store(tmp_path / "two.db")
    two.open()
    try:
        notes.capture(two.con(), "jotted before the restore")  # the inbox does not claim the database
        assert commands.run_import(two, [tmp_path / "store"]).adopted_manager == mid
        services.add_rep(two, "Added on laptop two")
        services.plan_call(one, rep_id=services.add_rep(one, "Added on laptop one"), account="Later")
        commands.run_export(one, tmp_path / "store")
        r = commands.run_import(two, [tmp_path / "store"])
        assert r.adopted_manager is None and r.inserted == {"rep": 1, "call": 1}
        assert {row[0] for row in two.con().execute(
            "SELECT manager_id FROM rep UNION SELECT manager_id FROM call")} == {mid}
        assert [n.text for n in notes.inbox(two.con())] == ["jotted before the restore"]
    finally:
        one.close()
        two.close()


# --- a manager's figures, lists and exports are that manager's ---------------------------------

def test_figures_lists_and_exports_cover_the_managers_own_records(tmp_path):
    """A file that holds another manager's rows (an old file that imported a teammate's
    folder, then told apart) shows and exports its own manager's only."""
    import json
    from datetime import UTC, datetime, timedelta

    from fieldcoach import queries
    from fieldcoach.sync import commands

    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    mine, mid = _laptop(tmp_path / "mine.db", "Alex Morgan", reps=1, calls=0)
    con = mine.con()
    my_rep = con.execute("SELECT id FROM rep").fetchone()[0]
    call = services.plan_call(mine, rep_id=my_rep, account="Mine")
    services.start_call(mine, call, now=now - timedelta(hours=3))
    services.end_call(mine, call, now=now - timedelta(hours=2))
    other = "0b5e1a52-0d7e-4a43-9b55-5f6d1e2a3b4c"
    stamp = "2026-11-20T09:00:00.000000+00:00"
    with db.transaction(con):
        later = "2099-01-01T00:00:00.000000+00:00"  # the database's manager is its first row
        con.execute("INSERT INTO manager (id, created_at, updated_at, name) VALUES (?, ?, ?, 'Sam')",
                    (other, later, later))
        con.execute("INSERT INTO rep (id, created_at, updated_at, name, manager_id) "
                    "VALUES ('a1b2c3d4-0000-4000-8000-000000000001', ?, ?, 'Sams rep', ?)", (stamp, stamp, other))
        con.execute("INSERT INTO call (id, created_at, updated_at, rep_id, account, kind, status, started_at, "
                    "ended_at, scheduled_at, manager_id) VALUES ('a1b2c3d4-0000-4000-8000-000000000002', ?, ?, "
                    "'a1b2c3d4-0000-4000-8000-000000000001', 'Theirs', 'coaching', 'observing', ?, NULL, ?, ?)",
                    (stamp, stamp, "2026-11-26T09:00:00.000000+00:00", "2026-11-26T09:00:00.000000+00:00",
                     other))
    hs = queries.home_summary(con, now)
    assert [f.name for f in hs.focus] == ["Alex Morgan's rep 0"]
    assert [c.account for c in hs.in_progress] == ["Mine"]
    assert hs.coaching_calls == 1
    assert [r.name for r in queries.list_reps(con)] == ["Alex Morgan's rep 0"]
    assert notes.active_call(con) is None  # Sam's call being observed is not this manager's
    r = commands.run_export(mine, tmp_path / "store")
    assert sorted(r.written) == sorted([f"{mid}/calls/{call}.json", f"{mid}/reps.json", f"{mid}/manifest.json"])
    reps = json.loads((tmp_path / "store" / mid / "reps.json").read_text("utf-8"))
    assert [x["name"] for x in reps["reps"]] == ["Alex Morgan's rep 0"]
    manifest = json.loads((tmp_path / "store" / mid / "manifest.json").read_text("utf-8"))
    assert manifest["calls"] == 1
    mine.close()


async def test_the_sync_screen_refuses_a_teammates_documents(store, db_path, tmp_path):
    import json

    from tests.helpers import make_app, settle, text_of
    from tests.test_sync_screen import open_sync, submit

    sam = "0b5e1a52-0d7e-4a43-9b55-5f6d1e2a3b4c"
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"schema": "fieldcoach/1", "type": "manifest", "manager_id": sam,
                                    "manager_name": "Sam [b]Okafor[/b]", "calls": 0,
                                    "updated_at": "2026-11-20T09:00:00+00:00"}), "utf-8")
    before = _all_rows(store.con())
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_sync(app, pilot)
        await submit(app, pilot, "#import-path", str(manifest))
        await pilot.press("y")
        await settle(app, pilot)
        err = text_of(app.screen, "#err-import")
        assert f"Sam [b]Okafor[/b] ({sam})" in err and "another manager" in err  # shown literally
        assert "fieldcoach team" in err and "nothing changed" in err
    assert _all_rows(store.con()) == before
