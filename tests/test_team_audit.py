"""Who saw what: each load, report, export, subject access and Team view opening leaves one
row in the team database's audit log; the database refuses to change a row; the retention
purge removes only old rows; `fieldcoach privacy log` prints the log. Real SQLite and
PostgreSQL team databases loaded from a demo team store."""

from __future__ import annotations

import getpass
import json
import shutil
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError
from team_sql import dialect, execute, query

from fieldcoach.cli import main
from fieldcoach.clock import to_db
from fieldcoach.team import audit
from fieldcoach.team.db import open_team_db
from fieldcoach.team.location import resolve_url
from fieldcoach.team_demo import write_team

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("audit") / "store"
    write_team(folder, managers=2, calls=6, now=NOW)
    return folder


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_store, tmp_path / "store"))


@pytest.fixture
def db(team_url: str) -> str:
    """An empty team database on each engine, by URL."""
    return team_url


@pytest.fixture
def policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.toml"
    monkeypatch.setenv("FIELDCOACH_TEAM_POLICY", str(path))
    return path


def _log(db: str) -> list[dict[str, Any]]:
    rows = query(db, "SELECT id, at, who, action, scope FROM audit_log ORDER BY id")
    return [{"id": r[0], "at": r[1], "who": r[2], "action": r[3], "scope": json.loads(r[4])} for r in rows]


def _loaded(store: Path, db: str) -> None:
    assert main(["team", "load", str(store), "--db", str(db)]) == 0


def test_a_load_records_one_row_with_its_folders_files_and_managers(store: Path, db: str,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _loaded(store, db)
    [row] = _log(db)
    assert row["action"] == "load"
    on_server = "" if dialect(db) == "sqlite" else " (database user fieldcoach)"
    assert row["who"] == f"{getpass.getuser()}@{socket.gethostname()}{on_server}"
    assert row["scope"]["folders"] == [str(store.resolve())]
    assert row["scope"]["managers"] == 2
    files = row["scope"]["files"]
    assert files["loaded"] == files["seen"] > 0 and files["unchanged"] == files["invalid"] == 0
    at = datetime.fromisoformat(row["at"])
    assert at.utcoffset() == timedelta(0) and abs(datetime.now(UTC) - at) < timedelta(minutes=5)
    _loaded(store, db)  # nothing new: still one row for the second load
    second = _log(db)[1]
    assert second["scope"]["files"]["unchanged"] == files["seen"] and second["scope"]["files"]["loaded"] == 0


@pytest.mark.parametrize("flag, action, fmt", [([], "report", "table"), (["--csv"], "export", "csv"),
                                               (["--json"], "export", "json")])
def test_a_report_records_its_period_format_and_the_agreed_figures(
        store: Path, db: str, policy: Path, capsys: pytest.CaptureFixture[str],
        flag: list[str], action: str, fmt: str) -> None:
    policy.write_text('[team_view]\nrep_detail = true\nfigures = ["minutes", "gap"]\n', encoding="utf-8")
    _loaded(store, db)
    assert main(["team", "report", "--db", str(db), "--period", "week", "--now", NOW.isoformat(), *flag]) == 0
    row = _log(db)[-1]
    assert len(_log(db)) == 2
    assert row["action"] == action
    assert row["scope"] == {"period": {"kind": "week", "start": "2026-11-23T00:00:00+00:00",
                                       "end": "2026-11-30T00:00:00+00:00"},
                            "format": fmt, "figures": ["minutes", "gap"], "rep_detail": True, "managers": 2}


def test_the_team_views_start_up_records_a_view(store: Path, db: str) -> None:
    engine = open_team_db(resolve_url(str(db)))
    try:
        audit.record_view(engine, {"period": "4weeks", "rep_detail": False})
    finally:
        engine.dispose()
    [row] = _log(db)
    assert (row["action"], row["scope"]) == ("view", {"period": "4weeks", "rep_detail": False})


TRIGGERS = {"sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
            "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"}


def test_the_database_refuses_to_change_a_row(store: Path, db: str) -> None:
    _loaded(store, db)
    with pytest.raises(DBAPIError, match="append-only"):
        execute(db, "UPDATE audit_log SET who = 'someone else'")
    assert _log(db)[0]["who"] != "someone else"


def test_a_version_1_database_gets_the_refusal_with_its_audit_log(db: str) -> None:
    open_team_db(resolve_url(str(db))).dispose()
    execute(db, "DROP TABLE audit_log",
            *(f'ALTER TABLE "{table}" DROP COLUMN {col}'
              for table, col in (("manager", "budget_minutes_week"), ("manager", "late_minutes"),
                                 ("call", "rep_acknowledged_at"), ("call", "rep_comment"))),
            "UPDATE schema_version SET version = 1")
    if dialect(db) == "postgresql":  # the function outlives the table's trigger: drop it too
        execute(db, "DROP FUNCTION audit_log_refuse_update()")
    open_team_db(resolve_url(str(db))).dispose()  # migrates to version 2
    assert query(db, TRIGGERS[dialect(db)]) == [("audit_log_append_only",)]
    _aged(db, [1])
    with pytest.raises(DBAPIError, match="append-only"):
        execute(db, "UPDATE audit_log SET action = 'nothing'")


def test_a_database_without_the_refusal_gets_it_at_the_next_load(store: Path, db: str) -> None:
    open_team_db(resolve_url(str(db))).dispose()
    execute(db, "DROP TRIGGER audit_log_append_only"
            + (" ON audit_log" if dialect(db) == "postgresql" else ""))
    assert query(db, TRIGGERS[dialect(db)]) == []
    _aged(db, [1])
    execute(db, "UPDATE audit_log SET action = 'nothing'")  # nothing refuses it now
    _loaded(store, db)
    with pytest.raises(DBAPIError, match="append-only"):
        execute(db, "UPDATE audit_log SET action = 'nothing'")


def _aged(db: str, days: list[int]) -> None:
    engine = open_team_db(resolve_url(str(db)))
    try:
        with engine.begin() as con:
            for d in days:
                audit.record(con, "report", {"age": d}, now=datetime.now(UTC) - timedelta(days=d))
    finally:
        engine.dispose()


@pytest.mark.parametrize("days, kept", [(30, [29, "load"]), (0, [400, 31, 29, "load"])])
def test_each_load_purges_only_the_rows_older_than_the_retention(
        store: Path, db: str, policy: Path, days: int, kept: list[Any]) -> None:
    policy.write_text(f"[retention]\naudit_log_days = {days}\n", encoding="utf-8")
    _aged(db, [400, 31, 29])
    _loaded(store, db)
    assert [r["scope"].get("age", r["action"]) for r in _log(db)] == kept


def test_privacy_log_prints_an_aligned_table_in_local_time(store: Path, db: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    hostile = Path(shutil.copytree(store, tmp_path / "st\x1b]0;owned\x07ore"))
    _loaded(hostile, db)
    assert main(["team", "report", "--db", str(db), "--now", NOW.isoformat(), "--csv"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # no summer time: +09:00 whatever the day
    time.tzset()
    try:
        assert main(["privacy", "log", "--db", str(db)]) == 0
    finally:
        monkeypatch.undo()
        time.tzset()
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["when", "who", "action", "scope"]
    column = lines[0].index("action")  # the who column has spaces on a server
    assert [line[column:].split()[0] for line in lines[1:]] == ["load", "export"]
    assert len({line.index(" load ") if " load " in line else line.index(" export ") for line in lines[1:]}) == 1
    assert "\x1b" not in out and "\x07" not in out and "owned" in out
    stamp = datetime.fromisoformat(_log(db)[0]["at"])
    assert lines[1].startswith(f"{stamp + timedelta(hours=9):%Y-%m-%d %H:%M}  ")  # Tokyo, not UTC
    assert "format csv" in lines[2] and "figures minutes, sessions" in lines[2]


def test_privacy_log_since_a_date_and_as_json(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _aged(db, [10, 1])
    since = (datetime.now(UTC) - timedelta(days=5)).date().isoformat()
    assert main(["privacy", "log", "--db", str(db), "--since", since, "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["scope"] == {"age": 1} and entry["action"] == "report"
    assert datetime.fromisoformat(entry["at"]).utcoffset() == timedelta(0)


@pytest.mark.parametrize("argv, says", [
    (["privacy", "log", "--since", "last week"], "--since takes a date"),
    (["privacy", "log"], "no team database at"),
])
def test_privacy_log_errors_are_one_line(db: str, capsys: pytest.CaptureFixture[str],
                                         argv: list[str], says: str) -> None:
    assert main([*argv, "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_stored_stamp_sorts_as_time(db: str) -> None:
    """The purge and --since compare stored text: it must order as the times do."""
    a, b = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(2026, 1, 2, 3, 4, 5, 1, tzinfo=UTC)
    assert to_db(a) < to_db(b)


def test_a_load_the_log_cannot_record_does_not_happen(store: Path, db: str, policy: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The load and its audit row commit together: a database that refuses the row keeps
    none of the load either (and the next load reads every file again)."""
    open_team_db(resolve_url(db)).dispose()
    if dialect(db) == "sqlite":
        execute(db, "CREATE TRIGGER no_rows BEFORE INSERT ON audit_log BEGIN "
                    "SELECT RAISE(ABORT, 'audit log full'); END")
    else:
        execute(db, "CREATE FUNCTION no_rows() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'audit log full'; END $$",
                "CREATE TRIGGER no_rows BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION no_rows()")
    assert main(["team", "load", str(store), "--db", db]) == 1
    err = capsys.readouterr().err
    assert "audit log full" in err and len(err.strip().splitlines()) == 1
    assert query(db, 'SELECT count(*) FROM "call"') == [(0,)]
    assert query(db, "SELECT count(*) FROM ingest_file") == [(0,)]
    execute(db, "DROP TRIGGER no_rows" + ("" if dialect(db) == "sqlite" else " ON audit_log"))
    assert main(["team", "load", str(store), "--db", db]) == 0
    assert query(db, 'SELECT count(*) FROM "call"')[0][0] > 0
    assert [e["action"] for e in _log(db)] == ["load"]
