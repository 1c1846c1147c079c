"""Forgetting and retention through a PostgreSQL team database. After `fieldcoach privacy forget`,
`fieldcoach export --store` and `fieldcoach team load --db postgresql://...`, no row of
any table holds the rep's name or the texts about them, in a team database that had
loaded the store before and in one that loads it for the first time. Every column of
every table is searched, read as text. The same for what the manager's retention purge
removed.

The rows are one thing, the table files another: PostgreSQL leaves an updated row's old
version in the file until VACUUM, and a plain VACUUM can leave its bytes in a page's free
space. The README's Privacy section asks the operator for a VACUUM FULL of the record
tables after a load that applied a forgetting; the test checks at its end that it is enough."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pg_server import USER, PgServer
from privacy_seed import ACCOUNT, KEPT, MARKERS, NAME, NOTE, seed
from sqlalchemy import create_engine, inspect, text

from fieldcoach.cli import main
from fieldcoach.clock import to_db
from fieldcoach.privacy.retention import save_retention


def _rows_holding(url: str, markers: tuple[str, ...] = MARKERS) -> dict[str, set[str]]:
    """For each marker, the tables a row of which holds it (any column)."""
    engine = create_engine(url)
    found: dict[str, set[str]] = {}
    try:
        with engine.connect() as con:
            for table in inspect(con).get_table_names():
                for (row,) in con.execute(text(f'SELECT CAST(t AS text) FROM "{table}" AS t')):
                    for m in markers:
                        if m in row:
                            found.setdefault(m, set()).add(table)
    finally:
        engine.dispose()
    return found


# The tables the documents fill: where a forgotten rep's words were.
RECORD_TABLES = ("rep", "goal", "expectation", "call", "note", "debrief_answer", "rating", "next_step")


def _file_bytes(pg_server: PgServer, url: str) -> bytes:
    """Every file of the database's own folder, after a checkpoint has written them out."""
    import psycopg

    with psycopg.connect(host=str(pg_server.socket_dir), port=pg_server.port, user=USER,
                         dbname=url.rsplit("/", 1)[1], autocommit=True) as con:
        con.execute("CHECKPOINT")
        row = con.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()
    assert row is not None
    folder = pg_server.data / "base" / str(row[0])
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def _load(store_dir: Path, url: str) -> None:
    assert main(["team", "load", str(store_dir), "--db", url]) == 0


def test_a_forgotten_rep_leaves_no_row_of_the_postgresql_team_database(
        tmp_path: Path, pg_server: PgServer, capsys: pytest.CaptureFixture[str]) -> None:
    seeded = seed(tmp_path / "data" / "fieldcoach.db")
    db, store_dir, team = str(seeded.store.path), tmp_path / "store", pg_server.new_database()
    try:
        assert main(["export", "--store", str(store_dir), "--db", db]) == 0
        _load(store_dir, team)
        before = _rows_holding(team)
        assert {NAME, NOTE} <= set(before) and {"rep", "call", "note"} <= set().union(*before.values())

        assert main(["privacy", "forget", NAME, "--yes", "--db", db]) == 0
        assert main(["export", "--store", str(store_dir), "--db", db]) == 0
        _load(store_dir, team)
        assert _rows_holding(team) == {}
        assert _rows_holding(team, (KEPT,)) == {KEPT: {"note"}}  # the other rep stays
        fresh = pg_server.new_database()  # loads the store for the first time
        _load(store_dir, fresh)
        assert _rows_holding(fresh) == {}

        # the old row versions are still in the table files: the operator's VACUUM FULL
        assert NAME.encode() in _file_bytes(pg_server, team)
        engine = create_engine(team, isolation_level="AUTOCOMMIT")  # VACUUM runs outside a transaction
        try:
            with engine.connect() as con:
                con.execute(text("VACUUM FULL " + ", ".join(f'"{t}"' for t in RECORD_TABLES)))
        finally:
            engine.dispose()
        on_disk = _file_bytes(pg_server, team)
        assert [m for m in MARKERS if m.encode() in on_disk] == []
        assert KEPT.encode() in on_disk
    finally:
        seeded.store.close()


def test_what_retention_purged_leaves_no_row_of_the_postgresql_team_database(
        tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    seeded = seed(tmp_path / "data" / "fieldcoach.db")
    db, store_dir = str(seeded.store.path), tmp_path / "store"
    con = seeded.store.con()
    old = to_db(datetime.now(UTC) - timedelta(days=100))
    con.execute("UPDATE note SET taken_at = ? WHERE text = ?", (old, NOTE))
    con.execute("UPDATE call SET started_at = ? WHERE id = ?", (old, seeded.other_call))
    purged = (NOTE, KEPT, "Other account")  # a shared note; the other rep's whole call
    try:
        assert main(["export", "--store", str(store_dir), "--db", db]) == 0
        _load(store_dir, pg_url)
        assert set(_rows_holding(pg_url, purged)) == set(purged)

        save_retention(seeded.store, {"private_notes": None, "notes": 30, "ratings": None,
                                      "calls": 90, "inbox": None})
        assert main(["privacy", "purge", "--db", db]) == 0
        assert main(["export", "--store", str(store_dir), "--db", db]) == 0
        _load(store_dir, pg_url)
        assert _rows_holding(pg_url, purged) == {}
        assert set(_rows_holding(pg_url, (NAME, ACCOUNT))) == {NAME, ACCOUNT}  # the rest stays
    finally:
        seeded.store.close()
