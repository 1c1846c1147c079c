"""The file itself: the ORM over the migrated file, migrations, refusals that leave the
file byte-identical, private modes."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from fieldcoach import db, models, notes, schema_sql
from fieldcoach.db import StoreError
from fieldcoach.drafts import Drafts
from fieldcoach.store import Store


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> dict[str, str | None]:
    return {suffix: (sha(Path(f"{path}{suffix}")) if Path(f"{path}{suffix}").exists() else None)
            for suffix in ("-wal", "-shm", "-journal")}


def populated(path: Path) -> Path:
    """A real fieldcoach file with a few rows, all connections closed (WAL checkpointed)."""
    con = db.connect(path)
    for i in range(50):
        notes.add_note(con, None, f"note {i} " + "x" * 200)
    con.close()
    assert not Path(f"{path}-wal").exists()
    return path


def assert_refused(path: Path, match: str) -> None:
    before, sides = sha(path), side_files(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    with pytest.raises(StoreError, match=match) as info:
        db.connect(path)
    assert "\n" not in str(info.value)
    assert sha(path) == before
    assert side_files(path) == sides
    assert stat.S_IMODE(path.stat().st_mode) == mode


# --- schema parity (the columns themselves: test_schema_sources.py) -------------------------

def test_orm_round_trips_every_table(store):
    """Each model can be written and read back through the SQL schema (types agree)."""
    from fieldcoach import services

    rep = services.add_rep(store, "Priya")
    with store.session() as s:
        for model in models.TABLES:
            assert s.exec(__import__("sqlmodel").select(model)).all() is not None
    assert rep


# --- creation and migrations ------------------------------------------------------------

def test_empty_file_at_version_0_is_created(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    con = db.connect(db_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == schema_sql.SCHEMA_VERSION
    assert con.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_sqlite_file_with_no_tables_at_version_0_is_adopted(db_path):
    db_path.parent.mkdir(parents=True)
    sqlite3.connect(db_path).execute("PRAGMA page_size = 4096").connection.execute("VACUUM").connection.close()
    assert db_path.stat().st_size > 0
    con = db.connect(db_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == schema_sql.SCHEMA_VERSION
    con.close()


NEXT = schema_sql.SCHEMA_VERSION + 1  # a future step, added after the real ones
V2 = "ALTER TABLE rep ADD COLUMN nickname TEXT NOT NULL DEFAULT '';\nCREATE INDEX ix_rep_nick ON rep(nickname);"


def test_older_file_is_migrated_forward_keeping_data(db_path, monkeypatch):
    con = db.connect(db_path)
    notes.add_note(con, None, "kept across the upgrade")
    con.close()
    monkeypatch.setattr(db, "STEPS", [*schema_sql.STEPS, V2])
    monkeypatch.setattr(db, "SCHEMA_VERSION", NEXT)
    con = db.connect(db_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == NEXT
    cols = {r[1] for r in con.execute("PRAGMA table_info(rep)")}
    assert "nickname" in cols
    assert [n.text for n in notes.inbox(con)] == ["kept across the upgrade"]
    con.close()


def test_a_failing_migration_changes_nothing(db_path, monkeypatch):
    con = db.connect(db_path)
    notes.add_note(con, None, "still here")
    con.close()
    broken = "ALTER TABLE rep ADD COLUMN nickname TEXT;\nCREATE TABLE rep (id TEXT)"  # 2nd fails
    monkeypatch.setattr(db, "STEPS", [*schema_sql.STEPS, broken])
    monkeypatch.setattr(db, "SCHEMA_VERSION", NEXT)
    with pytest.raises(StoreError):
        db.connect(db_path)
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == schema_sql.SCHEMA_VERSION
    assert "nickname" not in {r[1] for r in raw.execute("PRAGMA table_info(rep)")}
    assert raw.execute("SELECT text FROM note").fetchall() == [("still here",)]
    raw.close()


def test_newer_file_is_refused_untouched(db_path):
    populated(db_path)
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {schema_sql.SCHEMA_VERSION + 1}")
    raw.close()
    assert_refused(db_path, "newer fieldcoach")
    assert not Path(f"{db_path}-wal").exists()


def test_newer_file_refused_through_store_too(db_path):
    populated(db_path)
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    before = sha(db_path)
    with pytest.raises(StoreError, match="newer"):
        Store(db_path).open()
    assert sha(db_path) == before


# --- refusals ---------------------------------------------------------------------------------

def test_non_sqlite_file_is_refused_untouched(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_text("name,notes\nPriya,great call\n")
    assert_refused(db_path, "not an SQLite file")


def test_truncated_file_is_refused_untouched(db_path):
    populated(db_path)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    assert_refused(db_path, "damaged")


def test_a_file_another_instance_is_still_writing_is_not_judged_truncated(db_path, monkeypatch):
    """Folding a WAL back in writes the header (with the new page count) before the pages
    that make the file that long: an instance opening the file at that moment waits for
    it to be written instead of calling it damaged."""
    populated(db_path)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])  # the header is in, the rest is on its way
    pauses = []

    def the_other_instance_finishes(seconds: float) -> None:
        pauses.append(seconds)
        db_path.write_bytes(data)

    monkeypatch.setattr(db.time, "sleep", the_other_instance_finishes)
    con = db.connect(db_path)
    try:
        assert con.execute("SELECT count(*) FROM note").fetchone()[0] > 0
    finally:
        con.close()
    assert pauses  # it did look twice


def test_truncated_header_is_refused(db_path):
    populated(db_path)
    db_path.write_bytes(db_path.read_bytes()[:60])
    assert_refused(db_path, "damaged")


def test_overwritten_first_page_is_refused_untouched(db_path):
    populated(db_path)
    data = bytearray(db_path.read_bytes())
    data[100:4096] = os.urandom(3996)
    db_path.write_bytes(bytes(data))
    assert_refused(db_path, "damaged|not a database")


def test_sqlite_file_of_another_application_is_refused(db_path):
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE contacts (name TEXT)")
    raw.execute("INSERT INTO contacts VALUES ('x')")
    raw.commit()
    raw.close()
    assert_refused(db_path, "another application")


def test_read_only_file_is_refused_untouched(db_path):
    populated(db_path)
    db_path.chmod(0o400)
    assert_refused(db_path, "read-only")


def test_read_only_folder_is_refused(db_path):
    populated(db_path)
    db_path.parent.chmod(0o500)
    try:
        assert_refused(db_path, "read-only")
        assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o500
        with pytest.raises(StoreError, match="read-only"):
            db.connect(db_path.parent / "other.db")
        assert not (db_path.parent / "other.db").exists()
    finally:
        db_path.parent.chmod(0o700)


@pytest.mark.parametrize("mode", [0o1777, 0o755, 0o750])
def test_existing_folder_is_never_chmodded(tmp_path, mode):
    """A shared folder (/tmp), the user's own folder, even / as root: not ours to change."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    db.connect(shared / "x.db").close()
    assert stat.S_IMODE(shared.stat().st_mode) == mode
    assert stat.S_IMODE((shared / "x.db").stat().st_mode) == 0o600


# --- private modes --------------------------------------------------------------------------

@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_database_and_side_files_are_private(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = tmp_path / "deep" / "data" / "fieldcoach.db"
        con = db.connect(path)
        notes.add_note(con, None, "private")
        other = db.connect(path)  # a reader keeps -wal/-shm alive
        notes.inbox(other)
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert p.exists(), p
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        drafts = Drafts(path.parent / ".drafts")
        drafts.save("note:x", {"text": "half a thought"})
        assert stat.S_IMODE(drafts.folder.stat().st_mode) == 0o700
        for f in drafts.folder.iterdir():
            assert stat.S_IMODE(f.stat().st_mode) == 0o600
        con.close()
        other.close()
    finally:
        os.umask(old)


def test_existing_loose_file_is_tightened(db_path):
    populated(db_path)
    db_path.chmod(0o644)
    db.connect(db_path).close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_newer_version_still_in_the_wal_is_refused(db_path):
    """Another instance has the file open and its change is not checkpointed yet."""
    populated(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("PRAGMA user_version = 99")
    assert Path(f"{db_path}-wal").exists()
    try:
        with pytest.raises(StoreError, match="newer"):
            db.connect(db_path)
    finally:
        other.close()


def test_open_while_another_instance_writes(db_path):
    first = db.connect(db_path)
    notes.add_note(first, None, "one")
    second = db.connect(db_path)  # -wal present: the locked read path
    assert [n.text for n in notes.inbox(second)] == ["one"]
    first.close()
    second.close()


V2_TRICKY = """
ALTER TABLE rep ADD COLUMN motto TEXT NOT NULL DEFAULT 'ask; then listen';
CREATE TRIGGER rep_touch AFTER UPDATE OF name ON rep BEGIN
    UPDATE rep SET motto = 'renamed; still asking' WHERE id = NEW.id;
END;
-- a comment; with a semicolon
"""


def test_migration_steps_may_hold_semicolons_in_literals_and_triggers(db_path, monkeypatch):
    con = db.connect(db_path)
    con.execute("INSERT INTO rep (id, created_at, updated_at, name) VALUES ('r', 'x', 'x', 'A')")
    con.close()
    monkeypatch.setattr(db, "STEPS", [*schema_sql.STEPS, V2_TRICKY])
    monkeypatch.setattr(db, "SCHEMA_VERSION", NEXT)
    con = db.connect(db_path)
    assert con.execute("SELECT motto FROM rep").fetchone()[0] == "ask; then listen"
    con.execute("UPDATE rep SET name = 'B'")
    assert con.execute("SELECT motto FROM rep").fetchone()[0] == "renamed; still asking"
    con.close()


def test_every_real_step_splits_into_complete_statements():
    for step in schema_sql.STEPS:
        parts = list(db._split(step))
        assert parts and all(sqlite3.complete_statement(p) for p in parts)
        assert sum(p.count("CREATE TABLE") for p in parts) == step.count("CREATE TABLE")


def test_a_version_1_file_gains_the_home_index(db_path, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(db, "STEPS", [schema_sql.V1])
        m.setattr(db, "SCHEMA_VERSION", 1)
        con = db.connect(db_path)
        notes.add_note(con, None, "written by version 1")
        con.close()
    con = db.connect(db_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == schema_sql.SCHEMA_VERSION >= 2
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ix_call_rep_kind" in indexes
    assert [n.text for n in notes.inbox(con)] == ["written by version 1"]
    con.close()


def test_an_instance_migrating_meanwhile_is_not_another_application(db_path, monkeypatch):
    """Opening a new file while another instance makes its first migration: the look at
    the file's owner, version and tables must come from one moment, or the tables could be
    seen without the mark that says whose they are."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    first = sqlite3.connect(db_path, isolation_level=None)  # the other instance, not migrated yet
    first.execute("PRAGMA journal_mode = WAL")
    first.execute("CREATE TABLE scratch (x)")  # the file has pages, and no table, as a new one does
    first.execute("DROP TABLE scratch")
    first.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert db_path.stat().st_size > 0
    real_connect = sqlite3.connect

    class Looking:
        """Our look at the file: the other instance commits its migration between the
        look's second and third statements, if it has three."""

        def __init__(self, con):
            self.con, self.reads = con, 0

        def execute(self, *args):
            self.reads += 1
            if self.reads == 3:
                db.migrate_forward(first)
            return self.con.execute(*args)

        def close(self):
            self.con.close()

    def connect(*args, **kwargs):
        con = real_connect(*args, **kwargs)
        return Looking(con) if kwargs.get("uri") else con

    monkeypatch.setattr(db.sqlite3, "connect", connect)
    con = db.connect(db_path)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
    finally:
        con.close()
        first.close()
