"""Ids become store paths (calls/<id>.json, <manager-id>/): only UUIDs pass the schema and
the import, and the export refuses to build a path from anything else, even an id a
database already holds."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from fieldcoach.cli import main
from fieldcoach.db import transaction
from fieldcoach.store import Store
from fieldcoach.sync import commands
from fieldcoach.sync.export import export_bundle
from fieldcoach.sync.ids import UUID_PATTERN, UnsafePath, inside, is_uuid
from fieldcoach.sync.models import json_schema

from test_sync_export import CALL, MID, N1, REP, ts
from test_sync_import import dump

GOOD = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"
BAD_IDS = {
    "parent folders": "../../../PWNED",
    "absolute path": "/tmp/PWNED",
    "a folder": "a/b",
    "backslash": "..\\..\\PWNED",
    "dot dot": "..",
    "uppercase": GOOD.upper(),
    "leading space": " " + GOOD,
    "trailing newline": GOOD + "\n",
    "NUL": GOOD[:8] + "\x00" + GOOD[9:],
    "no hyphens": GOOD.replace("-", ""),
    "escape sequence": "\x1b]0;owned\x07",
}


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


# --- the schema and the import ----------------------------------------------------------------

def test_the_schema_says_ids_are_uuids():
    schema = json_schema()
    defs = schema["$defs"]
    for model, prop in (("CallDocument", "id"), ("CallDocument", "manager_id"), ("Manifest", "manager_id"),
                        ("Note", "id"), ("Call", "rep_id")):
        assert defs[model]["properties"][prop]["pattern"] == UUID_PATTERN, (model, prop)
    ids = [(m, k, v) for m, d in defs.items() for k, v in d.get("properties", {}).items()
           if k == "id" or k.endswith("_id") or k.endswith("_ids")]
    assert len(ids) > 20
    for model, prop, spec in ids:  # every id, single, optional or in a list
        assert UUID_PATTERN in json.dumps(spec), (model, prop)


@pytest.fixture
def bundle(fixed_store, tmp_path) -> dict:
    return json.loads(export_bundle(fixed_store.con(), MID, "Alex Morgan"))


PLACES = {
    "calls.0.id": lambda b, v: b["calls"][0].update(id=v),
    "calls.0.call.id": lambda b, v: b["calls"][0]["call"].update(id=v),
    "manifest.manager_id": lambda b, v: b["manifest"].update(manager_id=v),
    "calls.0.manager_id": lambda b, v: b["calls"][0].update(manager_id=v),
    "reps.reps.0.id": lambda b, v: b["reps"]["reps"][0].update(id=v),
    "calls.0.notes.0.id": lambda b, v: b["calls"][0]["notes"][0].update(id=v),
}


# every bad id in the call id (the file name), and a path in every other place
REFUSED = [("calls.0.id", c) for c in sorted(BAD_IDS)] + [(p, "parent folders") for p in sorted(PLACES)
                                                          if p != "calls.0.id"]


@pytest.mark.parametrize(("place", "case"), REFUSED)
def test_a_bundle_with_a_bad_id_is_refused_and_nothing_is_written(place, case, bundle, tmp_path, capsys):
    target = Store(tmp_path / "target.db")
    target.open()
    before = dump(target)
    PLACES[place](bundle, BAD_IDS[case])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle), "utf-8")
    rc = main(["--db", str(target.path), "import", str(path)])
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1
    assert f"{path}: field {place}: not a UUID" in err and "nothing changed" in err
    assert "\x1b" not in err and "\x00" not in err  # the bad value is shown escaped
    assert dump(target) == before
    assert target.con().execute("SELECT count(*) FROM manager").fetchone()[0] == 0  # no identity taken
    target.close()


def test_the_pwned_bundle_cannot_reach_outside_the_store(bundle, tmp_path, capsys):
    """The reported attack, end to end: import refused, so the next export writes inside."""
    bundle["calls"][0]["id"] = bundle["calls"][0]["call"]["id"] = "../../../PWNED"
    (tmp_path / "evil.json").write_text(json.dumps(bundle), "utf-8")
    db = str(tmp_path / "new.db")
    assert main(["--db", db, "import", str(tmp_path / "evil.json")]) == 1
    assert main(["--db", db, "export", "--store", str(tmp_path / "team" / "store")]) == 0
    capsys.readouterr()
    assert not list(tmp_path.rglob("PWNED*"))


def test_a_good_uuid_of_another_version_is_accepted(bundle, tmp_path):
    """Any lowercase UUID passes (seeded defaults may carry fixed ones)."""
    fixed = str(uuid.uuid5(uuid.NAMESPACE_URL, "fieldcoach:skill:discovery"))
    bundle["calls"][0]["notes"][0]["id"] = fixed
    (tmp_path / "ok.json").write_text(json.dumps(bundle), "utf-8")
    target = Store(tmp_path / "t.db")
    target.open()
    commands.run_import(target, [tmp_path / "ok.json"])
    assert target.con().execute("SELECT count(*) FROM note WHERE id = ?", (fixed,)).fetchone()[0] == 1
    target.close()


# --- the export, on a database that already holds a bad id -------------------------------------

@pytest.mark.parametrize("case", ["parent folders", "absolute path", "uppercase", "NUL", "trailing newline",
                                  "dot dot"])
def test_export_refuses_a_call_whose_id_is_not_a_uuid(case, fixed_store, tmp_path, capsys):
    bad = str(tmp_path / "PWNED") if case == "absolute path" else BAD_IDS[case]
    con = fixed_store.con()
    with transaction(con):
        con.execute("INSERT INTO call (id, created_at, updated_at, rep_id, manager_id) VALUES (?,?,?,?,?)",
                    (bad, ts(12), ts(12), REP, MID))
    root = tmp_path / "team"
    store_dir = root / "a" / "b" / "store"
    assert main(["--db", str(fixed_store.path), "export", "--store", str(store_dir)]) == 0
    out = capsys.readouterr()
    assert "1 refused (unsafe id)" in out.out and "not a UUID" in out.err and "\x00" not in out.err
    assert files_under(root) == {"a", "a/b", "a/b/store", f"a/b/store/{MID}", f"a/b/store/{MID}/calls",
                                 f"a/b/store/{MID}/calls/{CALL}.json", f"a/b/store/{MID}/reps.json",
                                 f"a/b/store/{MID}/manifest.json"}
    assert not list(tmp_path.rglob("PWNED*"))


def test_export_refuses_a_manager_id_that_is_not_a_uuid(fixed_store, tmp_path, capsys):
    con = fixed_store.con()
    with transaction(con):
        con.execute("PRAGMA defer_foreign_keys = ON")  # its reps and calls follow it
        con.execute("UPDATE manager SET id = '../../escaped'")
        con.execute("UPDATE rep SET manager_id = '../../escaped'")
        con.execute("UPDATE call SET manager_id = '../../escaped'")
    root = tmp_path / "team"
    rc = main(["--db", str(fixed_store.path), "export", "--store", str(root / "x" / "store")])
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1 and "not a UUID" in err and "'../../escaped'" in err
    assert not root.exists() and not (tmp_path / "escaped").exists()


def test_a_refused_call_does_not_stop_the_rest(fixed_store, tmp_path):
    con = fixed_store.con()
    with transaction(con):
        con.execute("INSERT INTO call (id, created_at, updated_at, rep_id, manager_id) VALUES (?,?,?,?,?)",
                    ("../x", ts(12), ts(12), REP, MID))
        con.execute("UPDATE note SET text = 'changed', updated_at = ? WHERE id = ?", (ts(13), N1))
    r = commands.run_export(fixed_store, tmp_path / "store")
    assert f"{MID}/calls/{CALL}.json" in r.written and len(r.refused) == 1 and "'../x'" in r.refused[0]


# --- the checks themselves ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../a", "a\\b", "a\x00b", "/abs"])
def test_inside_refuses_anything_but_one_plain_name(name, tmp_path):
    with pytest.raises(UnsafePath):
        inside(tmp_path, name)


@given(st.text(max_size=40) | st.uuids().map(str))
def test_is_uuid_accepts_exactly_the_canonical_text_of_a_uuid(text):
    try:
        canonical = str(uuid.UUID(text)) == text
    except ValueError:
        canonical = False
    assert is_uuid(text) == canonical
    if canonical:
        assert inside(Path("/store"), text + ".json") == Path("/store") / (text + ".json")
