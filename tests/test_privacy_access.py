"""Subject access (PRODUCT.md section 9): everything the manager's database holds about a
rep, or about the manager, as JSON that validates against its own schema and is
complete, and as Markdown a person can read."""

from __future__ import annotations

import json

import jsonschema
import pytest
from privacy_seed import INBOX, MARKERS, NAME, OTHER, seed

from fieldcoach import notes
from fieldcoach.cli import main
from fieldcoach.privacy.access_files import SCHEMA_NAME
from fieldcoach.privacy.tombstones import TABLES


@pytest.fixture
def seeded(tmp_path):
    s = seed(tmp_path / "data" / "fieldcoach.db")
    # another rep's call note that names the rep, and a control character in stored text
    con = s.store.con()
    con.execute("UPDATE note SET text = ? WHERE text = 'tom private'", (f"ask {NAME} how she did it \x1b[2J",))
    notes.add_note(con, None, f"{NAME}: send the case study")
    yield s
    s.store.close()


def _report(out, kind: str):
    [path] = out.glob(f"access-{kind}-*.json")
    report = json.loads(path.read_text("utf-8"))
    schema = json.loads((out / SCHEMA_NAME).read_text("utf-8"))
    jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    return report, path.with_suffix(".md").read_text("utf-8")


def test_everything_about_a_rep_is_in_the_report(seeded, tmp_path, capsys):
    s = seeded
    out = tmp_path / "out"
    assert main(["privacy", "access", NAME.lower(), "--out", str(out), "--db", str(s.store.path)]) == 0
    assert "records about" in capsys.readouterr().out
    report, md = _report(out, "rep")
    assert report["subject"] == {"kind": "rep", "id": s.rep, "name": NAME}
    found = {(sec["table"], r["id"]) for sec in report["sections"] for r in sec["records"]}
    con = s.store.con()
    # every record of every table that is about the rep, found from the database itself
    expected = {("rep", s.rep)}
    for table in TABLES[1:]:
        cols = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
        where = " OR ".join(w for c, w in (("rep_id", "rep_id = :r"),
                                           ("call_id", "call_id IN (SELECT id FROM call WHERE rep_id = :r)"))
                            if c in cols)
        expected |= {(table, r[0]) for r in con.execute(f"SELECT id FROM {table} WHERE {where}", {"r": s.rep})}
    assert expected <= found
    assert len(expected) == sum(len(v) for v in s.ids.values())  # the seed's own list agrees
    # private notes too, and the notes elsewhere that name the rep
    texts = [r.get("text") for sec in report["sections"] for r in sec["records"]]
    assert any("private worry" in (t or "") for t in texts)
    assert any((t or "").startswith(f"ask {NAME}") for t in texts)
    assert any((t or "").startswith(f"{NAME}: send") for t in texts)
    assert not any("tom answer" in json.dumps(sec) for sec in report["sections"])  # nothing of Tom's own
    shown = md.replace("\\", "")  # Markdown escapes its special characters
    for m in MARKERS:
        assert m in shown, m
    # stored text kept byte for byte in the JSON, harmless in the Markdown
    assert any("\x1b[2J" in (t or "") for t in texts) and "\x1b" not in md


def test_the_manager_gets_their_own_records(seeded, tmp_path):
    s = seeded
    out = tmp_path / "out"
    assert main(["privacy", "access", "me", "--out", str(out), "--db", str(s.store.path)]) == 0
    report, md = _report(out, "manager")
    assert report["subject"]["name"] == "Alex Morgan" and report["subject"]["kind"] == "manager"
    tables = {sec["table"]: sec["records"] for sec in report["sections"]}
    assert tables["manager"][0]["keep_notes_days"] is None
    assert any(r["text"] == INBOX for r in tables["note"])
    assert {r["by"] for r in tables["rating"]} == {"manager"} and len(tables["rating"]) == 2
    assert "Data held about Alex Morgan (the manager)" in md
    assert OTHER not in json.dumps(report)


def test_access_names_one_person(seeded, tmp_path, capsys):
    assert main(["privacy", "access", "--out", str(tmp_path), "--db", str(seeded.store.path)]) == 1
    assert "name the person" in capsys.readouterr().err
