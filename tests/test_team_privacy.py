"""`fieldcoach privacy policy` (the works agreement as a page, and --init) and subject access
from the team database (everything it holds about one rep or manager), on real SQLite and
PostgreSQL team databases loaded from a demo team store."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from team_sql import execute, query

from fieldcoach.cli import main
from fieldcoach.errors import UserError
from fieldcoach.team.access import SCHEMA, as_markdown, subject_access
from fieldcoach.team.db import open_team_db
from fieldcoach.team.load import load
from fieldcoach.team.location import resolve_url
from fieldcoach.team.policy import FIGURES, Policy, load_policy
from fieldcoach.team.policy_page import default_file
from fieldcoach.team_demo import write_team

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


# --- the works agreement page -------------------------------------------------------------------

def _page(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["privacy", "policy", *argv]) == 0
    return capsys.readouterr().out


def test_without_a_file_the_page_says_defaults_every_figure_and_no_rep_detail(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = _page(capsys, "--policy", str(tmp_path / "none.toml"), "--db", str(tmp_path / "t.db"))
    assert f"No policy file: the defaults (it would be read from `{tmp_path / 'none.toml'}`)" in page
    assert f"sqlite:///{tmp_path / 't.db'}" in page
    for key, text in FIGURES.items():
        assert f"- **{key}**: {text}" in page
    assert "**Off.**" in page and "**On.**" not in page
    assert "never ranks reps across managers" in page
    assert "- Sales director" in page and "kept for 730 days" in page


def test_the_page_follows_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "policy.toml"
    f.write_text('[team_view]\nrep_detail = true\nfigures = ["gap", "minutes"]\n'
                 'viewers = ["Regional director \\u001b[2J"]\n[retention]\naudit_log_days = 0\n',
                 encoding="utf-8")
    page = _page(capsys, "--policy", str(f))
    assert f"Policy file: `{f}`" in page
    assert [line for line in page.splitlines() if line.startswith("- **")] == [
        f"- **minutes**: {FIGURES['minutes']}", f"- **gap**: {FIGURES['gap']}"]
    assert "Not shown (not agreed): sessions, coverage, delay, late, ratio, steps, skills." in page
    assert "**On.**" in page and "**Off.**" not in page
    assert "- Regional director ␛[2J" in page and "\x1b" not in page
    assert "kept without limit" in page


def test_init_writes_the_default_commented_file_and_never_overwrites(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "conf" / "team-policy.toml"
    assert main(["privacy", "policy", "--init", "--policy", str(f)]) == 0
    assert load_policy(str(f)) == Policy()
    assert f.read_text("utf-8") == default_file() and "# coaching minutes against budget" in default_file()
    f.write_text("[team_view]\nrep_detail = true\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["privacy", "policy", "--init", "--policy", str(f)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and err.count("\n") == 1
    assert f.read_text("utf-8") == "[team_view]\nrep_detail = true\n"


# --- subject access -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("access") / "store"
    write_team(folder, managers=2, calls=8, now=NOW)
    return folder


@pytest.fixture
def db(demo_store: Path, team_url: str) -> str:
    """A team database of two managers on each engine, by URL."""
    engine = open_team_db(resolve_url(team_url))
    try:
        load(engine, [demo_store])
    finally:
        engine.dispose()
    return team_url


def _access(db: str, person: str) -> dict[str, Any]:
    engine = open_team_db(resolve_url(str(db)), create=False)
    try:
        return subject_access(engine, person, NOW)
    finally:
        engine.dispose()


def _busiest_rep(db: str) -> tuple[str, str]:
    [(rid, name)] = query(db, "SELECT r.id, r.name FROM rep r JOIN call c ON c.rep_id = r.id "
                              "GROUP BY r.id, r.name ORDER BY count(*) DESC, r.id LIMIT 1")
    return rid, name


def test_a_reps_document_holds_every_record_about_the_rep_and_validates(db: str) -> None:
    rid, name = _busiest_rep(db)
    doc = json.loads(json.dumps(_access(db, rid)))  # JSON-able as it stands
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["subject"] == {"kind": "rep", "id": rid, "name": name}
    assert doc["rep"]["id"] == rid
    calls = {c["id"]: c for c in doc["calls"]}
    ids = {"call": set(calls), "goal": {g["id"] for g in doc["goals"]},
           "expectation": {e["id"] for e in doc["expectations"]},
           "next_step": {s["id"] for s in doc["next_steps"]},
           "note": {n["id"] for c in calls.values() for n in c["notes"]},
           "debrief_answer": {a["id"] for c in calls.values() for a in c["debrief_answers"]},
           "rating": {r["id"] for c in calls.values() for r in c["ratings"]}}
    for table in ("call", "goal", "expectation", "next_step"):
        assert ids[table] == {r[0] for r in query(db, f"SELECT id FROM {table} WHERE rep_id = :rid", rid=rid)}, table
    in_calls = f"call_id IN (SELECT id FROM call WHERE rep_id = '{rid}')"
    for table in ("note", "debrief_answer", "rating"):
        assert ids[table] == {r[0] for r in query(db, f"SELECT id FROM {table} WHERE {in_calls}")}, table
    assert ids["call"] and ids["note"] and ids["rating"] and ids["goal"]
    # whole records, as stored
    [(text,)] = query(db, "SELECT text FROM note WHERE id = :id", id=sorted(ids["note"])[0])
    assert [n["text"] for c in calls.values() for n in c["notes"] if n["id"] == sorted(ids["note"])[0]] == [text]
    named = {s["id"] for s in doc["skills"]}
    assert {r["skill_id"] for c in calls.values() for r in c["ratings"]} <= named
    assert all(isinstance(c["skill_ids"], list) for c in calls.values())


def test_a_managers_document_holds_their_record_reps_and_calls_only(db: str) -> None:
    [(mid, name), *_] = query(db, "SELECT id, name FROM manager ORDER BY id")
    doc = _access(db, name.upper())  # a name in any case
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["subject"]["kind"] == "manager" and doc["manager"]["id"] == mid
    assert {r["id"] for r in doc["reps"]} == {r[0] for r in query(db, "SELECT id FROM rep WHERE manager_id = :mid", mid=mid)}
    assert {c["id"] for c in doc["calls"]} == {r[0] for r in query(db, "SELECT id FROM call WHERE manager_id = :mid", mid=mid)}
    assert {r["by"] for c in doc["calls"] for r in c["ratings"]} == {"manager"}


def test_a_name_two_managers_share_is_refused_with_the_candidates_on_one_line(db: str) -> None:
    reps = query(db, "SELECT min(r.id), min(m.name) FROM rep r JOIN manager m ON m.id = r.manager_id "
                     "GROUP BY r.manager_id ORDER BY 1")
    for rid, _ in reps:
        execute(db, "UPDATE rep SET name = 'Sam Lee' WHERE id = :rid", rid=rid)
    with pytest.raises(UserError) as err:
        _access(db, "sam lee")
    said = str(err.value)
    assert "\n" not in said and "give the id" in said
    for rid, manager in reps:
        assert rid in said and manager in said
    assert _access(db, reps[0][0])["rep"]["name"] == "Sam Lee"  # the id settles it


def test_access_writes_json_and_markdown_for_the_owner_only_and_is_logged(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rid, name = _busiest_rep(db)
    out = tmp_path / "out"
    assert main(["privacy", "access", rid, "--team", "--db", str(db), "--out", str(out)]) == 0
    json_file, md_file = out / f"team-access-rep-{rid}.json", out / f"team-access-rep-{rid}.md"
    assert str(json_file) in capsys.readouterr().out
    written = json.loads(json_file.read_text("utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(written)
    assert stat.S_IMODE(json_file.stat().st_mode) == stat.S_IMODE(md_file.stat().st_mode) == 0o600
    md = md_file.read_text("utf-8")
    assert md.startswith(f"# What the team database holds about {name}")
    notes = [n for c in written["calls"] for n in c["notes"] if n["text"]]
    assert notes and all(n["text"] in md for n in notes)
    [(action, scope)] = query(db, "SELECT action, scope FROM audit_log")
    assert action == "access"
    assert json.loads(scope) == {"subject": {"kind": "rep", "id": rid}, "out": str(out.resolve()),
                                 "formats": ["json", "markdown"]}
    # the next access shows the one before
    assert [e["action"] for e in _access(db, rid)["audit_log"]] == ["access"]


def test_markdown_shows_control_characters_of_stored_text_as_symbols(db: str) -> None:
    rid, _ = _busiest_rep(db)
    execute(db, "UPDATE rep SET name = :name WHERE id = :rid", name="Eve \x1b[2J\x07", rid=rid)
    md = as_markdown(_access(db, rid))
    assert "\x1b" not in md and "\x07" not in md and "Eve ␛[2J" in md


@pytest.mark.parametrize("person, says", [("Nobody Here", "no rep or manager called"),
                                          ("", "no rep or manager called")])
def test_access_errors_are_one_line_and_write_nothing(db: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      person: str, says: str) -> None:
    out = tmp_path / "out"
    assert main(["privacy", "access", person, "--team", "--db", str(db), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1
    assert not out.exists()
    assert query(db, "SELECT count(*) FROM audit_log") == [(0,)]


def test_the_team_actions_join_a_privacy_group_the_managers_side_made_first() -> None:
    import argparse

    from fieldcoach.cli import _privacy_team_parsers

    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command")
    actions = sub.add_parser("privacy").add_subparsers(dest="privacy_command", required=True)
    acc = actions.add_parser("access")
    acc.add_argument("person")
    acc.add_argument("--out", required=True)
    acc.add_argument("--db", metavar="PATH")
    _privacy_team_parsers(sub, "team database")
    args = p.parse_args(["privacy", "access", "Sam", "--out", "o", "--team", "--db", "t.db"])
    assert (args.person, args.out, args.team, args.db) == ("Sam", "o", True, "t.db")
    assert p.parse_args(["privacy", "log", "--json"]).privacy_command == "log"
