"""The team database on SQLite and on PostgreSQL (the same tests on both where they do not
look into a SQLite file): `fieldcoach team load` and `team report` on a demo team store
of three managers, the figures checked against a count made from the store's JSON."""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from fieldcoach.cli import main
from fieldcoach.clock import from_db, to_db
from fieldcoach.team import schema
from fieldcoach.team.db import open_team_db
from fieldcoach.team.load import load
from fieldcoach.team.location import resolve_url
from fieldcoach.team.rollup import LATE_MINUTES, period, team_figures
from fieldcoach.team_demo import write_team
from tests.helpers import refused_in_one_line

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # a Thursday


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("team") / "store"
    write_team(folder, managers=3, calls=12, now=NOW)
    return folder


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    """A copy each test may change (copytree keeps the files' mtimes)."""
    return Path(shutil.copytree(demo_store, tmp_path / "store"))


def _url(tmp_path: Path) -> str:
    return resolve_url(str(tmp_path / "team.db"))


def _rows(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """What a plain connection to the database at url reads (no schema step on the way)."""
    engine = create_engine(url)
    try:
        with engine.begin() as con:
            res = con.execute(text(sql), params)
            return [tuple(r) for r in res] if res.returns_rows else []
    finally:
        engine.dispose()


def _columns(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def _docs(store: Path, kind: str) -> list[dict[str, Any]]:
    pattern = "*/calls/*.json" if kind == "call" else f"*/{kind}.json"
    return [json.loads(p.read_text("utf-8")) for p in sorted(store.glob(pattern))]


def _hand_count(store: Path, kind: str) -> dict[str, dict[str, Any]]:
    """The figures of every manager, counted from the JSON documents alone."""
    p = period(kind, NOW)
    s, e = p.start, p.end
    out: dict[str, dict[str, Any]] = {}
    rep_owner: dict[str, str] = {}
    steps: list[dict[str, Any]] = []
    for doc in _docs(store, "reps"):
        live = [r for r in doc["reps"] if r["deleted_at"] is None]
        rep_owner.update({r["id"]: doc["manager_id"] for r in doc["reps"]})
        out[doc["manager_id"]] = {"minutes": 0.0, "sessions": 0, "reps": len(live), "coached": set(),
                                  "delays": [], "late": 0, "selling": 0, "done": 0, "overdue": 0}
        steps += doc["next_steps"]
    for doc in _docs(store, "call"):
        c, m = doc["call"], out[doc["manager_id"]]
        steps += doc["next_steps"]
        if c["deleted_at"] is not None:
            continue
        if c["kind"] == "selling":
            at = c["scheduled_at"] and from_db(c["scheduled_at"])
            m["selling"] += c["status"] == "done" and at is not None and s <= at < e
            continue
        if c["started_at"] is None or not s <= from_db(c["started_at"]) < e:
            continue
        m["sessions"] += 1
        m["coached"].add(c["rep_id"])
        for a, b in (("started_at", "ended_at"), ("feedback_started_at", "feedback_ended_at")):
            if c[a] and c[b]:
                m["minutes"] += (from_db(c[b]) - from_db(c[a])).total_seconds() / 60
        if c["ended_at"] and c["feedback_started_at"]:
            d = (from_db(c["feedback_started_at"]) - from_db(c["ended_at"])).total_seconds() / 60
            m["delays"].append(d)
            m["late"] += d > LATE_MINUTES
    for st in steps:
        if st["deleted_at"] is not None:
            continue
        m = out[rep_owner[st["rep_id"]]]
        if st["done_at"] and s <= from_db(st["done_at"]) < e:
            m["done"] += 1
        if st["done_at"] is None and st["due_at"] and s <= from_db(st["due_at"]) < min(e, NOW):
            m["overdue"] += 1
    return out


@pytest.mark.parametrize("kind", ["week", "4weeks", "quarter"])
def test_report_figures_match_a_count_from_the_store(store: Path, team_url: str, kind: str) -> None:
    engine = open_team_db(team_url)
    load(engine, [store])
    with engine.connect() as con:
        got = team_figures(con, period(kind, NOW), NOW)
    want = _hand_count(store, kind)
    assert {m.manager_id for m in got.managers} == set(want)
    names = {d["manager_id"]: d["manager_name"] for d in _docs(store, "manifest")}
    for f in got.managers:
        w = want[f.manager_id]
        assert f.name == names[f.manager_id]
        assert (f.coaching_minutes, f.sessions, f.reps, f.reps_coached, f.late_debriefs, f.selling_calls,
                f.steps_done, f.steps_overdue) == (
            round(w["minutes"]), w["sessions"], w["reps"], len(w["coached"]), w["late"], w["selling"],
            w["done"], w["overdue"])
        assert f.median_delay_minutes == (statistics.median(w["delays"]) if w["delays"] else None)
    all_delays = [d for w in want.values() for d in w["delays"]]
    assert got.team.sessions == sum(w["sessions"] for w in want.values())
    assert got.team.reps_coached == sum(len(w["coached"]) for w in want.values())
    assert got.team.median_delay_minutes == (statistics.median(all_delays) if all_delays else None)
    if kind == "quarter":  # the demo coaches over these weeks: the figures are not all zero
        assert got.team.sessions > 0 and got.team.steps_done > 0 and all_delays


def test_skills_of_managers_do_not_collide(store: Path, team_url: str) -> None:
    engine = open_team_db(team_url)
    load(engine, [store])
    reps_docs = _docs(store, "reps")
    got = _rows(team_url, "SELECT count(*), count(DISTINCT id) FROM skill")[0]
    assert got == (sum(len(d["skills"]) for d in reps_docs), len(reps_docs[0]["skills"]))


def test_reload_with_nothing_changed_reads_no_file(store: Path, team_url: str) -> None:
    engine = open_team_db(team_url)
    first = load(engine, [store])
    again = load(engine, [store])
    assert first.loaded == first.files > 30
    assert (again.files, again.loaded, again.skipped, again.rows) == (first.files, 0, first.files, 0)


def _rewrite(path: Path, change: Any) -> None:
    doc = json.loads(path.read_text("utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")


def _later(doc: dict[str, Any]) -> str:
    return to_db(from_db(doc["updated_at"]).replace(year=2027))


def _a_call_with_notes(folder: Path) -> Path:
    return next(p for p in sorted((folder / "calls").glob("*.json"))
                if json.loads(p.read_text("utf-8"))["notes"])


def test_only_the_files_one_manager_exported_again_are_read(store: Path, team_url: str) -> None:
    engine = open_team_db(team_url)
    load(engine, [store])
    folder = sorted(p for p in store.iterdir())[1]
    call_file = _a_call_with_notes(folder)

    def edit(doc: dict[str, Any]) -> None:
        note = doc["notes"][0]
        note["text"], note["updated_at"] = "corrected on the second export", _later(note)

    _rewrite(call_file, edit)
    _rewrite(folder / "manifest.json", lambda d: d.update(manager_name="Renamed Manager"))
    again = load(engine, [store])
    assert (again.loaded, again.managers) == (2, 1)
    note_id = json.loads(call_file.read_text("utf-8"))["notes"][0]["id"]
    assert _rows(team_url, "SELECT text FROM note WHERE id = :id", id=note_id) == [
        ("corrected on the second export",)]
    assert _rows(team_url, "SELECT name FROM manager WHERE id = :id", id=folder.name) == [
        ("Renamed Manager",)]


def test_an_older_version_does_not_overwrite_a_newer_one(store: Path, team_url: str) -> None:
    engine = open_team_db(team_url)
    load(engine, [store])
    call_file = _a_call_with_notes(sorted(store.iterdir())[0])
    note_id = json.loads(call_file.read_text("utf-8"))["notes"][0]["id"]

    def older(doc: dict[str, Any]) -> None:
        doc["notes"][0]["text"] = "a stale copy"
        doc["notes"][0]["updated_at"] = "2001-01-01T00:00:00.000000+00:00"

    _rewrite(call_file, older)
    assert load(engine, [store]).loaded == 1
    got = _rows(team_url, "SELECT text FROM note WHERE id = :id", id=note_id)
    assert len(got) == 1 and got != [("a stale copy",)]


def test_an_invalid_file_is_skipped_and_named_while_the_rest_loads(
        store: Path, team_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = team_url
    assert main(["team", "load", str(store), "--db", db]) == 0
    capsys.readouterr()
    first, second = sorted(store.iterdir())[:2]
    bad = _a_call_with_notes(first)
    good = _a_call_with_notes(second)
    bad_note = json.loads(bad.read_text("utf-8"))["notes"][0]
    _rewrite(bad, lambda d: d["call"].update(kind=7, account="never loaded", updated_at=_later(d["call"])))

    def edit(doc: dict[str, Any]) -> None:
        doc["notes"][0]["text"], doc["notes"][0]["updated_at"] = "loaded", _later(doc["notes"][0])

    _rewrite(good, edit)
    assert main(["team", "load", str(store), "--db", db]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"fieldcoach: skipped {bad}: field call.kind: Input should be 'coaching' or 'selling'"]
    assert out.splitlines() == [out.strip()] and "1 loaded" in out and "1 invalid, skipped" in out
    # the version loaded before stays
    assert _rows(db, "SELECT text FROM note WHERE id = :id", id=bad_note["id"]) == [(bad_note["text"],)]
    assert _rows(db, """SELECT count(*) FROM "call" WHERE account = 'never loaded'""") == [(0,)]
    good_id = json.loads(good.read_text("utf-8"))["notes"][0]["id"]
    assert _rows(db, "SELECT text FROM note WHERE id = :id", id=good_id) == [("loaded",)]
    # not remembered: read again next time, and loaded once it is mended
    _rewrite(bad, lambda d: d["call"].update(kind="coaching"))
    assert main(["team", "load", str(store), "--db", db]) == 0
    assert "1 loaded" in capsys.readouterr().out
    assert _rows(db, """SELECT count(*) FROM "call" WHERE account = 'never loaded'""") == [(1,)]


def test_tombstones_and_retractions_apply(store: Path, team_url: str) -> None:
    engine = open_team_db(team_url)
    load(engine, [store])
    folder = sorted(store.iterdir())[2]
    done = next(p for p in sorted((folder / "calls").glob("*.json"))
                if (c := json.loads(p.read_text("utf-8"))["call"])["kind"] != "selling"
                and c["started_at"] and period("quarter", NOW).start <= from_db(c["started_at"]))
    with engine.connect() as con:
        before = team_figures(con, period("quarter", NOW), NOW)
    _rewrite(done, lambda d: d["call"].update(deleted_at=_later(d["call"]), updated_at=_later(d["call"])))
    noted = _a_call_with_notes(sorted(store.iterdir())[0])
    note = json.loads(noted.read_text("utf-8"))["notes"][0]
    _rewrite(noted, lambda d: d.update(notes=[{"id": note["id"], "deleted_at": _later(note)}] + d["notes"][1:]))
    result = load(engine, [store])
    assert result.retracted == 1
    with engine.connect() as con:
        after = team_figures(con, period("quarter", NOW), NOW)
    assert after.team.sessions == before.team.sessions - 1
    assert _rows(team_url, "SELECT text, deleted_at IS NOT NULL FROM note WHERE id = :id",
                 id=note["id"]) == [("", True)]


def test_command_line_errors_are_one_line(store: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "team.db"
    refused_in_one_line(capsys, ["team", "report", "--db", str(db)], "no team database at")
    assert not db.exists()
    refused_in_one_line(capsys, ["team", "load", str(tmp_path / "nowhere"), "--db", str(db)], "no such file")
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 10)
    refused_in_one_line(capsys, ["team", "report", "--db", str(tmp_path / "junk.db")], "file is not a database")
    err = refused_in_one_line(capsys, ["team", "report", "--db", "mysql://u:secret@h/db"],
                          "the team database is SQLite (a file) or PostgreSQL")
    assert "secret" not in err
    assert main(["team", "load", str(store), "--db", str(db)]) == 0
    capsys.readouterr()
    with sqlite3.connect(db) as con:
        con.execute("UPDATE schema_version SET version = 99")
    con.close()
    refused_in_one_line(capsys, ["team", "report", "--db", str(db)], "written by a newer fieldcoach")
    refused_in_one_line(capsys, ["team", "load", str(store), "--db", str(db)], "written by a newer fieldcoach")
    refused_in_one_line(capsys, ["team", "report", "--db", str(db), "--back", "-1"], "--back takes a number")
    refused_in_one_line(capsys, ["team", "report", "--db", str(db), "--now", "yesterday"], "--now takes")


def test_report_formats_print_the_same_figures(store: Path, team_url: str,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDCOACH_TEAM_DB", team_url)
    assert main(["team", "load", str(store)]) == 0
    capsys.readouterr()
    now = ["--period", "quarter", "--now", NOW.isoformat()]
    assert main(["team", "report", *now]) == 0
    table = capsys.readouterr().out.splitlines()
    assert main(["team", "report", "--csv", *now]) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.splitlines()]
    assert main(["team", "report", "--json", *now]) == 0
    data = json.loads(capsys.readouterr().out)
    with open_team_db(team_url).connect() as con:
        want = team_figures(con, period("quarter", NOW), NOW)
    assert data["team"]["sessions"] == want.team.sessions
    assert [m["name"] for m in data["managers"]] == [m.name for m in want.managers]
    assert rows[0][:4] == ["manager", "minutes", "budget", "sessions"] and len(rows) == 5
    assert [r[3] for r in rows[1:]] == [str(f.sessions) for f in (want.team, *want.managers)]
    # the table: a title, a header, the team on top, then a row per manager, columns aligned
    assert table[2].split()[0] == "Team" and len(table) == 6
    assert len({line.index("sessions") + len("sessions") for line in table[1:2]}) == 1
    ends = {len(line) for line in table[1:]}
    assert len(ends) == 1, table


def test_a_bundle_loads_as_its_store_folder_does(store: Path, tmp_path: Path) -> None:
    folder = sorted(store.iterdir())[0]
    bundle = {"schema": "fieldcoach/1", "type": "bundle",
              "manifest": json.loads((folder / "manifest.json").read_text("utf-8")),
              "reps": json.loads((folder / "reps.json").read_text("utf-8")),
              "calls": [json.loads(p.read_text("utf-8")) for p in sorted((folder / "calls").glob("*.json"))]}
    (tmp_path / "bundle.json").write_text(json.dumps(bundle), "utf-8")
    from_bundle, from_folder = open_team_db(_url(tmp_path)), open_team_db(resolve_url(str(tmp_path / "b.db")))
    assert load(from_bundle, [tmp_path / "bundle.json"]).loaded == 1
    load(from_folder, [folder])
    figures = []
    for engine in (from_bundle, from_folder):
        with engine.connect() as con:
            figures.append(team_figures(con, period("quarter", NOW), NOW))
    assert figures[0] == figures[1] and figures[0].team.sessions > 0


def test_stored_names_reach_the_report_harmless(store: Path, team_url: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "Ann \x1b]0;title\x07\x1b[31mRed[/b]\u202e"
    folder = sorted(store.iterdir())[0]
    _rewrite(folder / "manifest.json", lambda d: d.update(manager_name=hostile))
    db = team_url
    assert main(["team", "load", str(store), "--db", db]) == 0
    # stored as given
    assert _rows(db, "SELECT name FROM manager WHERE id = :id", id=folder.name) == [(hostile,)]
    capsys.readouterr()
    for fmt in ([], ["--csv"], ["--json"]):
        assert main(["team", "report", "--db", db, *fmt]) == 0
        out = capsys.readouterr().out
        assert not any(ord(ch) < 32 and ch != "\n" or 0x7f <= ord(ch) < 0xa0 for ch in out), fmt
        if fmt == ["--json"]:
            assert hostile in [m["name"] for m in json.loads(out)["managers"]]
        else:
            assert "Ann ␛]0;title" in out


def test_a_version_2_team_database_gets_the_covering_indexes(team_url: str) -> None:
    open_team_db(team_url).dispose()
    for sql in ("DROP INDEX ix_call_started_at_cover", "DROP INDEX ix_rating_call_id_cover",  # as version 2 was
                'CREATE INDEX ix_call_started_at ON "call" (started_at)',
                "CREATE INDEX ix_rating_call_id ON rating (call_id)", "UPDATE schema_version SET version = 2"):
        _rows(team_url, sql)
    open_team_db(team_url).dispose()
    assert _rows(team_url, "SELECT version FROM schema_version") == [(3,)]
    engine = create_engine(team_url)
    try:
        found = {t: {i["name"]: tuple(i["column_names"]) for i in inspect(engine).get_indexes(t)}
                 for t in ("call", "rating")}
    finally:
        engine.dispose()
    assert found["call"]["ix_call_started_at_cover"] == schema.CALLS_BY_START
    assert found["rating"] == {"ix_rating_call_id_cover": schema.RATINGS_BY_CALL}
    assert "ix_call_started_at" not in found["call"]


def test_a_version_1_team_database_migrates_and_keeps_its_rows(team_url: str) -> None:
    open_team_db(team_url).dispose()
    for sql in ("DROP TABLE audit_log", "UPDATE schema_version SET version = 1",  # as version 1 was shipped
                *(f'ALTER TABLE "{table}" DROP COLUMN {col}' for table, col in (
                    ("manager", "budget_minutes_week"), ("manager", "late_minutes"),
                    ("call", "rep_acknowledged_at"), ("call", "rep_comment"))),
                "INSERT INTO manager (id, name) VALUES ('m', 'Kept')"):
        _rows(team_url, sql)
    assert "rep_comment" not in _columns(team_url, "call")
    open_team_db(team_url).dispose()
    assert _rows(team_url, "SELECT version FROM schema_version") == [(schema.VERSION,)]
    assert _rows(team_url, "SELECT name, budget_minutes_week FROM manager") == [("Kept", None)]
    assert {"rep_acknowledged_at", "rep_comment"} <= _columns(team_url, "call")
    assert _rows(team_url, "SELECT count(*) FROM audit_log") == [(0,)]
