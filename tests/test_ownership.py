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
    return [tuple(r) for r in con.execute(f"SELECT * FROM {table} ORDER BY id")]


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
