"""The command line, as a user runs it: a real process, real files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldcoach import __version__

PY = str(Path(sys.executable))


def run(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([PY, "-m", "fieldcoach", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout)


def one_line_error(res: subprocess.CompletedProcess) -> str:
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("fieldcoach"), res.stderr
    return res.stderr


def count(path: Path, table: str, where: str = "1") -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
    finally:
        con.close()


def test_version_and_help():
    v = run("--version")
    assert v.returncode == 0 and v.stdout.strip() == f"fieldcoach {__version__}"
    h = run("--help")
    assert h.returncode == 0
    for word in ("demo", "note", "export", "import", "schema", "--db", "--version"):
        assert word in h.stdout
    hd = run("demo", "--help")
    assert hd.returncode == 0 and "--calls" in hd.stdout and "--db" in hd.stdout


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_before_or_after_the_subcommand(tmp_path, where):
    path = tmp_path / "d" / "fc.db"
    args = ["--db", str(path), "demo", "--calls", "12"] if where == "before" else \
        ["demo", "--calls", "12", "--db", str(path)]
    res = run(*args)
    assert res.returncode == 0, res.stderr
    assert str(path) in res.stdout
    assert count(path, "call") == 12
    assert not (tmp_path / "default").exists()  # the FIELDCOACH_DB of the test env is untouched


def test_fieldcoach_db_environment_and_db_wins(tmp_path):
    env_path = tmp_path / "env" / "fc.db"
    res = run("note", "from the env", env={"FIELDCOACH_DB": str(env_path)})
    assert res.returncode == 0, res.stderr
    assert count(env_path, "note", "text = 'from the env'") == 1
    flag_path = tmp_path / "flag" / "fc.db"
    res = run("--db", str(flag_path), "note", "from the flag", env={"FIELDCOACH_DB": str(env_path)})
    assert res.returncode == 0
    assert count(flag_path, "note") == 1 and count(env_path, "note") == 1


def test_default_location_is_the_user_data_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "FIELDCOACH_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env["HOME"] = str(tmp_path / "home")
    res = subprocess.run([PY, "-m", "fieldcoach", "note", "where am I"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert res.returncode == 0, res.stderr
    assert count(tmp_path / "xdg" / "fieldcoach" / "fieldcoach.db", "note") == 1


def test_demo_default_writes_about_40_calls(tmp_path):
    path = tmp_path / "fc.db"
    res = run("--db", str(path), "demo")
    assert res.returncode == 0, res.stderr
    assert count(path, "call") == 40
    assert count(path, "rep") >= 3 and count(path, "note") > 100
    assert count(path, "next_step") > 0 and count(path, "debrief_answer") > 0
    assert count(path, "goal") > 0 and count(path, "rating") > 0


def test_demo_10000_calls(tmp_path):
    path = tmp_path / "big.db"
    res = run("--db", str(path), "demo", "--calls", "10000", timeout=120)
    assert res.returncode == 0, res.stderr
    assert count(path, "call") == 10000
    assert count(path, "note") > 50_000


def test_note_goes_to_the_inbox_then_to_the_observing_call(tmp_path):
    path = tmp_path / "fc.db"
    res = run("--db", str(path), "note", "?", "ask", "Tom", "about", "the", "tender")
    assert res.returncode == 0, res.stderr
    assert "inbox" in res.stdout and "question" in res.stdout
    con = sqlite3.connect(path)
    assert con.execute("SELECT text, kind, call_id FROM note").fetchall() == \
        [("ask Tom about the tender", "question", None)]
    con.close()
    code = ("import sys\nfrom fieldcoach.store import Store\nfrom fieldcoach import services, queries\n"
            "s = Store(sys.argv[1]); s.open(); services.bootstrap(s)\n"
            "r = services.add_rep(s, 'Priya'); sk = [k.id for k in queries.skills(s.con())]\n"
            "c = services.plan_call(s, rep_id=r, account='Acme', skill_ids=sk[:2])\n"
            "services.start_call(s, c); print(c, sk[1])\n")
    call_id, skill = subprocess.run([PY, "-c", code, str(path)], capture_output=True, text=True,
                                    check=True).stdout.split()
    res = run("--db", str(path), "note", "+2 [bold]great[/] open question")
    assert res.returncode == 0, res.stderr
    assert "call in progress" in res.stdout and "[bold]great[/]" in res.stdout
    con = sqlite3.connect(path)
    assert con.execute("SELECT text, kind, skill_id FROM note WHERE call_id = ?", (call_id,)).fetchall() == \
        [("[bold]great[/] open question", "strength", skill)]
    con.close()


@pytest.mark.parametrize("args", [
    ["demo", "--calls", "abc"], ["demo", "--calls", "-5"], ["demo", "--calls", "2000000"],
    ["frobnicate"], ["note"], ["note", "+"], ["--no-such-flag"], ["note", "x" * 100_001]])
def test_user_errors_are_one_line_on_stderr(tmp_path, args):
    path = tmp_path / "fc.db"
    res = run("--db", str(path), *args)
    one_line_error(res)
    if path.exists():
        assert count(path, "note") == 0 and count(path, "call") == 0


def test_newer_database_is_one_line_and_untouched(tmp_path):
    path = tmp_path / "fc.db"
    assert run("--db", str(path), "note", "hello").returncode == 0
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 999")
    con.close()
    before = path.read_bytes()
    for args in (["note", "again"], ["demo"]):
        err = one_line_error(run("--db", str(path), *args))
        assert "newer" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize("kind", ["folder", "text", "readonly"])
def test_unusable_database_paths_are_one_line(tmp_path, kind):
    path = tmp_path / "fc.db"
    if kind == "folder":
        path.mkdir()
    elif kind == "text":
        path.write_text("hello")
    else:
        assert run("--db", str(path), "note", "hello").returncode == 0
        path.chmod(0o400)
    err = one_line_error(run("--db", str(path), "note", "x"))
    assert str(path) in err


def test_note_with_bytes_that_are_not_utf8_is_refused_in_one_line(tmp_path):
    path = tmp_path / "fc.db"
    # a Latin-1 terminal: "café" arrives as the byte 0xE9, which Python keeps as a surrogate
    res = subprocess.run([os.fsencode(PY), b"-m", b"fieldcoach", b"--db", os.fsencode(path), b"note",
                          b"caf\xe9 with the buyer"], capture_output=True, text=True,
                         env={**os.environ, "LC_ALL": "C.UTF-8"}, timeout=60)
    assert "not UTF-8" in one_line_error(res)
    assert count(path, "note") == 0
