"""The team database's statements: compiled_sql.py is what SQLAlchemy compiles from
statements.py today, and on SQLite a reload with nothing changed, the Team view's figures,
a report and the audit log run them on sqlite3 without importing SQLAlchemy (its import alone costs
about what a whole hello-world Textual app costs to launch)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldcoach.cli import main
from fieldcoach.team import dbapi, schema, statements
from fieldcoach.team_demo import write_team
from tests.team_seed import NOW

ROOT = Path(__file__).resolve().parent.parent


def _params(engine: str, sql: str) -> set[str]:
    """The parameters a compiled statement takes: :name for SQLite, %(name)s for psycopg."""
    return set(re.findall(r"(?<!:):(\w+)" if engine == "sqlite" else r"%\((\w+)\)s", sql))


def test_compiled_sql_is_what_the_statements_compile_to() -> None:
    import sqlalchemy

    from fieldcoach.team import compiled_sql

    if compiled_sql.SQLALCHEMY == sqlalchemy.__version__:
        assert statements.OUT.read_text(encoding="utf-8") == statements.source(), \
            "fieldcoach/team/compiled_sql.py is out of date: run `make sql`"
        return
    # Another SQLAlchemy may spell the same statements differently: the same statements,
    # taking the same parameters, with the same constants, are what matters.
    fresh = statements.compile_all()
    assert {e: set(v) for e, v in compiled_sql.SQL.items()} == {e: set(v) for e, v in fresh.items()}, \
        "statements added or removed: run `make sql`"
    for engine, stmts in fresh.items():
        for name, (sql, consts) in stmts.items():
            kept, kept_consts = compiled_sql.SQL[engine][name]
            assert (_params(engine, kept), kept_consts) == (_params(engine, sql), consts), f"{engine} {name}: run `make sql`"


def test_the_sqlite_reader_knows_the_schema_version() -> None:
    assert dbapi.SCHEMA_VERSION == schema.VERSION


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path]:
    store = tmp_path / "store"
    write_team(store, managers=2, calls=30, now=NOW)
    hour_ago = time.time() - 3600  # as on a shared folder: not written the moment it is read
    for p in store.rglob("*.json"):
        os.utime(p, (hour_ago, hour_ago))
    db = tmp_path / "team.db"
    assert main(["team", "load", str(store), "--db", str(db)]) == 0
    return store, db


CHILD = """
import json, sys
from datetime import datetime
from fieldcoach.cli import main
from fieldcoach.team.policy import load_policy
from fieldcoach.team.view import TeamData

store, db, now = sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])
out = {"reload": main(["team", "load", store, "--db", db])}
out["after_reload"] = "sqlalchemy" in sys.modules
data = TeamData(db, load_policy())
opened = data.open()
figures = data.figures("quarter", 0, now)
data.close()
out["managers"], out["sessions"] = opened.managers, figures.team.sessions
out["after_view"] = "sqlalchemy" in sys.modules
out["report"] = main(["team", "report", "--db", db, "--json", "--period", "quarter", "--now", sys.argv[3]])
out["after_report"] = "sqlalchemy" in sys.modules
out["log"] = main(["privacy", "log", "--db", db, "--json"])
out["after_log"] = "sqlalchemy" in sys.modules
print(json.dumps(out))
"""


def _child(tmp_path: Path, *args: str) -> tuple[dict[str, object], list[str]]:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDCOACH_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"))
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]), lines[:-1]


def test_reload_view_and_report_on_sqlite_never_import_sqlalchemy(loaded: tuple[Path, Path],
                                                                 tmp_path: Path) -> None:
    store, db = loaded
    out, printed = _child(tmp_path, str(store), str(db), NOW.isoformat())
    assert out["reload"] == 0 and out["report"] == 0 and out["log"] == 0
    assert out == {**out, "after_reload": False, "after_view": False, "after_report": False,
                   "after_log": False}
    files = len(list(store.rglob("*.json")))
    assert printed[0] == f"{files} files: 0 loaded, {files} unchanged; nothing new"
    assert out["managers"] == 2 and isinstance(out["sessions"], int) and out["sessions"] > 0
    report, _log = json.JSONDecoder().raw_decode("\n".join(printed[1:]))
    assert report["team"]["sessions"] == out["sessions"]
    # the quick reload, the view and the report each left their row in the audit log
    import sqlite3

    con = sqlite3.connect(db)
    try:
        actions = [a for (a,) in con.execute("SELECT action FROM audit_log ORDER BY id")]
    finally:
        con.close()
    assert actions == ["load", "load", "view", "export"]


def test_a_reload_after_a_change_runs_the_whole_load(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    store, db = loaded
    manifest = next(store.rglob("manifest.json"))
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    doc["manager_name"] = "Renamed Manager"
    manifest.write_text(json.dumps(doc), encoding="utf-8")
    out, printed = _child(tmp_path, str(store), str(db), NOW.isoformat())
    assert printed[0].startswith(f"{len(list(store.rglob('*.json')))} files: 1 loaded,")
    assert out["after_reload"] is True  # the load itself: SQLAlchemy
    import sqlite3

    con = sqlite3.connect(db)
    try:
        assert ("Renamed Manager",) in con.execute("SELECT name FROM manager").fetchall()
    finally:
        con.close()


def test_a_busy_sqlite_team_database_is_said_in_words() -> None:
    import sqlite3

    from fieldcoach.errors import TeamDbError

    line = str(dbapi.database_error(TeamDbError(sqlite3.OperationalError("database is locked"))))
    assert line.startswith("team database: it is busy") and "try again" in line


def test_the_load_summary_counts_in_words() -> None:
    from fieldcoach.team.load_state import LoadResult

    one = LoadResult(files=3, loaded=3, managers=1, rows=30, retracted=1).summary()
    assert one == "3 files: 3 loaded, 0 unchanged; 30 records from 1 manager, 1 note retracted"
