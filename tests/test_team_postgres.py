"""The team database on PostgreSQL where it differs from SQLite: what a user is told when
the server or the database is not what was asked for, the COPY path's merge of one key
sent twice in a batch, and a whole demo team loaded into both engines reporting the same."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from fieldcoach.cli import main
from fieldcoach.team import schema
from fieldcoach.team.db import open_team_db
from fieldcoach.team.load import team_sink
from fieldcoach.team_demo import write_team
from tests.helpers import refused_in_one_line

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _execute(url: str, sql: str) -> None:
    engine = create_engine(url)
    with engine.begin() as con:
        con.execute(text(sql))
    engine.dispose()


def test_what_the_user_is_told_when_the_server_says_no(
        pg_server: Any, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pg_server import PASSWORD, USER

    monkeypatch.chdir(tmp_path)
    base = pg_url.rsplit("/", 1)[0]
    wrong = pg_url.replace(f":{PASSWORD}@", ":not-the-password@")
    err = refused_in_one_line(capsys, ["team", "report", "--db", wrong], "password authentication failed")
    assert "not-the-password" not in err and PASSWORD not in err
    err = refused_in_one_line(capsys, ["team", "load", str(tmp_path), "--db", f"{base}/nested/nowhere"],
                          'database "nested/nowhere" does not exist')
    assert PASSWORD not in err
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    refused_in_one_line(capsys, ["team", "report", "--db", f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{closed}/x"],
                    "Connection refused")
    refused_in_one_line(capsys, ["team", "report", "--db", f"postgresql://{USER}:{PASSWORD}@no-such-host.invalid/x"],
                    "no-such-host.invalid")
    assert list(tmp_path.iterdir()) == []  # no folder made for a server's database
    # an empty database is not a team database for a report, which only reads
    refused_in_one_line(capsys, ["team", "report", "--db", pg_url], "run `fieldcoach team load STORE` first")
    _execute(pg_url, "CREATE TABLE invoices (id integer)")
    err = refused_in_one_line(capsys, ["team", "report", "--db", pg_url], "is not a fieldcoach team database")
    assert PASSWORD not in err


def test_a_newer_team_database_is_refused_and_left_as_it_is(pg_url: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    open_team_db(pg_url.replace("postgresql+psycopg://", "postgresql://")).dispose()  # the plain form works
    _execute(pg_url, "UPDATE schema_version SET version = 99")
    refused_in_one_line(capsys, ["team", "report", "--db", pg_url], "written by a newer fieldcoach")
    refused_in_one_line(capsys, ["team", "load", "/nowhere", "--db", pg_url], "written by a newer fieldcoach")
    engine = create_engine(pg_url)
    with engine.connect() as con:
        assert con.execute(select(schema.schema_version.c.version)).scalar_one() == 99
    engine.dispose()


def _note(nid: str, stamp: str, words: str) -> tuple[Any, ...]:
    row = dict.fromkeys(schema.SENT["note"])
    row.update(id=nid, created_at=stamp, updated_at=f"2026-11-0{stamp}T10:00:00.000000+00:00",
               taken_at=stamp, text=words, call_id="c", shared=1)
    return tuple(row.values())


@pytest.mark.parametrize("batches", [
    [[("a", "2", "older"), ("a", "4", "newest"), ("a", "4", "as new, later"), ("a", "3", "between")]],
    [[("a", "4", "newest")], [("a", "4", "as new, next batch"), ("a", "1", "oldest")]],
    [[("a", "1", "first"), ("b", "5", "b only")], [("a", "2", "second"), ("a", "2", "same, later")]],
    # a key already there in the second batch: its other rows still arrive
    [[("a", "4", "newest")], [("b", "1", "b, next batch"), ("a", "1", "older"), ("c", "2", "c too")]],
])
def test_one_key_twice_in_a_batch_ends_as_on_sqlite(team_url: str, batches: list[list[tuple[str, str, str]]]) -> None:
    """SQLite applies a batch row after row; PostgreSQL merges it in one statement: the
    newest stamp wins, an equal one does not replace the row that came first."""
    engine = open_team_db(team_url)
    with engine.begin() as con:
        sink = team_sink(con)
        for batch in batches:
            sink.put("note", [_note(*r) for r in batch])
    with engine.connect() as con:
        got = dict(con.execute(select(schema.note.c.id, schema.note.c.text).order_by(schema.note.c.id)).all())
    engine.dispose()
    rows = [r for b in batches for r in b]
    want = {}
    for nid in {r[0] for r in rows}:
        mine = [r for r in rows if r[0] == nid]
        newest = max(r[1] for r in mine)
        want[nid] = next(r[2] for r in mine if r[1] == newest)
    assert got == want


def _report(url: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    outs = []
    for fmt in ([], ["--csv"], ["--json"]):
        for kind in ("week", "quarter"):
            assert main(["team", "report", "--db", url, "--period", kind, "--now", NOW.isoformat(), *fmt]) == 0
            outs.append(capsys.readouterr().out)
    return outs


def _records(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    with engine.connect() as con:
        out = {name: [tuple(r) for r in con.execute(select(t).order_by(*t.primary_key.columns))]
               for name, t in {**schema.RECORDS, "manager": schema.manager}.items()}
    engine.dispose()
    return out


def test_a_demo_team_loads_and_reports_the_same_on_both_engines(
        pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    write_team(store, managers=10, calls=30, now=NOW)
    lite = f"sqlite:///{tmp_path / 'team.db'}"
    for url in (lite, pg_url):
        assert main(["team", "load", str(store), "--db", url]) == 0
    loaded = capsys.readouterr().out.splitlines()
    assert loaded[0] == loaded[1] and "10 managers" in loaded[0]
    on_sqlite, on_postgres = _records(lite), _records(pg_url)
    assert sum(map(len, on_sqlite.values())) > 1000
    for name, rows in on_sqlite.items():
        assert on_postgres[name] == rows, name
    reports = _report(lite, capsys)
    assert '"sessions": 0' not in reports[-1].split('"managers"')[0]  # the quarter's figures are not empty
    assert _report(pg_url, capsys) == reports
