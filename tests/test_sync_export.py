"""Export to the team store: golden call document, deterministic bytes, incremental
cursor, tombstones, private notes, newer store files kept, file modes, JSON Schema."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from fieldcoach import notes, services
from fieldcoach.db import transaction
from fieldcoach.demo import write_demo
from fieldcoach.store import Store
from fieldcoach.sync import commands
from fieldcoach.sync.export import export_bundle
from fieldcoach.sync.models import json_schema

GOLDEN = Path(__file__).parent / "golden"
FIXED = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
MID = "00000000-0000-4000-8000-0000000000aa"
REP = "00000000-0000-4000-8000-000000000001"
CALL = "00000000-0000-4000-8000-0000000000c1"
SK1, SK2 = "00000000-0000-4000-8000-0000000000f1", "00000000-0000-4000-8000-0000000000f2"
GOAL, EXP, ANSWER, STEP = (f"00000000-0000-4000-8000-000000000{n}" for n in ("901", "e01", "a01", "501"))
N1, N2, N3, N4 = (f"00000000-0000-4000-8000-000000000d0{i}" for i in range(1, 5))
R1, R2 = "00000000-0000-4000-8000-000000000b01", "00000000-0000-4000-8000-000000000b02"


def ts(h: int, m: int = 0, s: int = 0, us: int = 0) -> str:
    return datetime(2026, 11, 20, h, m, s, us, tzinfo=UTC).isoformat(timespec="microseconds")


def seed_fixed(store: Store) -> None:
    """A small, fully fixed database: every id and stamp known, so bytes are known."""
    con = store.con()
    with transaction(con):
        con.execute("DELETE FROM skill")  # its own catalogue instead of the seeded one
        con.execute("DELETE FROM script_question")
        con.execute("INSERT INTO manager (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                    (MID, ts(8), ts(8), "Alex Morgan"))
        for i, (sid, name) in enumerate(((SK1, "Discovery"), (SK2, "Handling objections"))):
            con.execute("INSERT INTO skill (id, created_at, updated_at, name, description, position) "
                        "VALUES (?,?,?,?,?,?)", (sid, ts(8), ts(8), name, "", i))
        con.execute("INSERT INTO rep (id, created_at, updated_at, name, role, territory, manager_id) "
                    "VALUES (?,?,?,?,?,?,?)", (REP, ts(8), ts(8), "Zoë Dubois", "Account Executive",
                                               "Home Counties", MID))
        con.execute("INSERT INTO goal (id, created_at, updated_at, rep_id, statement, skill_ids) "
                    "VALUES (?,?,?,?,?,?)", (GOAL, ts(8), ts(8, 5), REP, "Ask before telling", json.dumps([SK1])))
        con.execute("INSERT INTO expectation (id, created_at, updated_at, rep_id, text, position) "
                    "VALUES (?,?,?,?,?,?)", (EXP, ts(8), ts(8), REP, "Research the account", 0))
        con.execute(
            "INSERT INTO call (id, created_at, updated_at, rep_id, account, contact, kind, status, "
            "scheduled_at, started_at, ended_at, feedback_started_at, feedback_ended_at, objective, "
            "advance_min, advance_stretch, prep_answers, skill_ids, manager_id, rep_acknowledged_at, "
            "rep_comment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (CALL, ts(9), ts(11), REP, "Kestrel Insurance", "Mark Ellis (CFO)", "coaching", "done", ts(10),
             ts(10), ts(10, 45), ts(10, 50), ts(11), "Handle the pricing concern", "Second meeting",
             "Pilot agreed", json.dumps([{"text": "Research the account", "answer": "yes"}]),
             json.dumps([SK1, SK2]), MID, ts(10, 59), "Fair — I'll [b]slow down[/b] on price."))
        rows = [(N1, ts(10, 5), "opened with a clear agenda", "strength", SK1, 0, None),
                (N2, ts(10, 12, 30, 250), "[bold]talked over[/] the buyer — twice", "improve", SK2, 0, None),
                (N3, ts(10, 20), "private: seems tired", "plain", None, 1, None),
                (N4, ts(10, 30), "wrong call", "plain", None, 0, ts(10, 31))]
        for nid, at, text, kind, skill, private, deleted in rows:
            con.execute("INSERT INTO note (id, created_at, updated_at, deleted_at, call_id, taken_at, "
                        "offset_seconds, text, kind, skill_id, private) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (nid, at, deleted or at, deleted, CALL, at, 300, text, kind, skill, private))
        con.execute("INSERT INTO debrief_answer (id, created_at, updated_at, call_id, question_id, question, "
                    "answer, by, position) VALUES (?,?,?,?,?,?,?,?,?)",
                    (ANSWER, ts(10, 51), ts(10, 51), CALL, None, "How did the call end?", "Well: a follow-up.",
                     "rep", 0))
        for rid, by, score in ((R1, "rep", 4), (R2, "manager", 3)):
            con.execute("INSERT INTO rating (id, created_at, updated_at, call_id, skill_id, by, score) "
                        "VALUES (?,?,?,?,?,?,?)", (rid, ts(10, 55), ts(10, 55), CALL, SK1, by, score))
        con.execute("INSERT INTO next_step (id, created_at, updated_at, call_id, rep_id, owner, action, due_at) "
                    "VALUES (?,?,?,?,?,?,?,?)", (STEP, ts(10, 58), ts(11), CALL, REP, "rep", "Send recap",
                                                   ts(17)))


@pytest.fixture
def demo_store(store):
    write_demo(store, calls=40, now=FIXED)
    return store


def export(store: Store, folder: Path, **kw):
    return commands.run_export(store, folder, **kw)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# --- the golden document --------------------------------------------------------------------

def test_call_document_matches_the_golden_file(fixed_store, tmp_path):
    export(fixed_store, tmp_path / "store")
    got = (tmp_path / "store" / MID / "calls" / f"{CALL}.json").read_bytes()
    golden = GOLDEN / "call_document.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(got)
    assert got == golden.read_bytes()
    doc = json.loads(got)
    assert doc["schema"] == "fieldcoach/1.1" and doc["rep"] == {"id": REP, "name": "Zoë Dubois"}
    assert [n["id"] for n in doc["notes"]] == [N1, N2, N4]  # private n3 stays on the laptop
    assert "private" not in got.decode() and "seems tired" not in got.decode()
    assert doc["updated_at"] == ts(11)  # the latest change to anything in the call
    assert got.endswith(b"}\n") and "Zoë".encode() in got  # UTF-8, not \u escapes
    assert (doc["call"]["rep_acknowledged_at"], doc["call"]["rep_comment"]) == (
        ts(10, 59), "Fair — I'll [b]slow down[/b] on price.")  # the rep's voice (fieldcoach/1.1)


def test_reps_and_manifest_documents(fixed_store, tmp_path):
    export(fixed_store, tmp_path / "store")
    reps = json.loads((tmp_path / "store" / MID / "reps.json").read_text("utf-8"))
    assert [r["name"] for r in reps["reps"]] == ["Zoë Dubois"]
    assert reps["goals"][0]["skill_ids"] == [SK1] and [s["name"] for s in reps["skills"]] == [
        "Discovery", "Handling objections"]
    manifest = json.loads((tmp_path / "store" / MID / "manifest.json").read_text("utf-8"))
    assert manifest == {"schema": "fieldcoach/1.1", "type": "manifest", "manager_id": MID,
                        "manager_name": "Alex Morgan", "calls": 1, "updated_at": ts(11),
                        "budget_minutes_week": 120, "late_minutes": 30}


# --- deterministic bytes --------------------------------------------------------------------

def test_second_export_writes_nothing_and_keeps_bytes_and_mtimes(demo_store, tmp_path):
    folder = tmp_path / "store"
    first = export(demo_store, folder)
    assert len(first.written) == 40 + 2  # the calls, reps.json, manifest.json
    before = snapshot(folder)
    second = export(demo_store, folder)
    assert second.written == [] and snapshot(folder) == before
    full = export(demo_store, folder, full=True)  # --full recomputes all, finds every file identical
    assert full.written == [] and full.unchanged == len(before) and snapshot(folder) == before


def test_export_into_two_folders_is_byte_identical(demo_store, tmp_path):
    export(demo_store, tmp_path / "a")
    export(demo_store, tmp_path / "b", full=True)
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}


def test_round_trip_export_import_export_is_identical(demo_store, tmp_path):
    export(demo_store, tmp_path / "a")
    fresh = Store(tmp_path / "fresh.db")
    fresh.open()
    commands.run_import(fresh, [tmp_path / "a"])
    export(fresh, tmp_path / "b")
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert len(a) == 42 and {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}
    # the bundle round-trips too
    mid = next(iter(os.listdir(tmp_path / "a")))
    assert export_bundle(fresh.con(), mid, "Alex Morgan") == export_bundle(demo_store.con(), mid, "Alex Morgan")


# --- incremental --------------------------------------------------------------------------------

def test_incremental_export_writes_only_the_changed_call(demo_store, tmp_path):
    folder = tmp_path / "store"
    export(demo_store, folder)
    con = demo_store.con()
    call_id = con.execute("SELECT call_id FROM note WHERE call_id IS NOT NULL AND private = 0 "
                          "ORDER BY id LIMIT 1").fetchone()[0]
    note_id = con.execute("SELECT id FROM note WHERE call_id = ? AND private = 0 LIMIT 1",
                          (call_id,)).fetchone()[0]
    notes.delete_note(con, note_id)
    r = export(demo_store, folder)
    mid = r.folder.name
    assert r.written == [f"{mid}/calls/{call_id}.json", f"{mid}/manifest.json"]
    doc = json.loads((folder / r.written[0]).read_text("utf-8"))
    tomb = next(n for n in doc["notes"] if n["id"] == note_id)
    assert tomb["deleted_at"] is not None and doc["updated_at"] == tomb["updated_at"]


def test_cursor_does_not_skip_calls_sharing_the_same_stamp(fixed_store, tmp_path, monkeypatch):
    """Two calls changed at the same instant: an export stopped between them resumes with the
    second, because the cursor is (stamp, id), not the stamp alone."""
    from fieldcoach.sync import export as export_mod

    folder = tmp_path / "store"
    con = fixed_store.con()
    twins = ("00000000-0000-4000-8000-000000000000", "ffffffff-0000-4000-8000-000000000000")
    with transaction(con):
        for cid in twins:
            con.execute("INSERT INTO call (id, created_at, updated_at, rep_id, manager_id) VALUES (?,?,?,?,?)",
                        (cid, ts(12), ts(12), REP, MID))
    monkeypatch.setattr(export_mod, "BATCH", 1)

    class Stop(Exception):
        pass

    def stop_after_second_batch(done, total):
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        export(fixed_store, folder, progress=stop_after_second_batch)
    cursor = json.loads(con.execute("SELECT value FROM sync_state").fetchone()[0])["calls"]
    assert cursor == [ts(12), twins[0]]  # CALL (11:00), then the first twin; the second is pending
    r = export(fixed_store, folder)
    assert [p for p in r.written if "/calls/" in p] == [f"{MID}/calls/{twins[1]}.json"]
    assert sorted(os.listdir(folder / MID / "calls")) == sorted([f"{CALL}.json"] + [f"{t}.json" for t in twins])


def test_making_a_note_private_removes_it_from_the_store(fixed_store, tmp_path):
    folder = tmp_path / "store"
    export(fixed_store, folder)
    notes.set_private(fixed_store.con(), N1, True)
    r = export(fixed_store, folder)
    assert f"{MID}/calls/{CALL}.json" in r.written
    raw = (folder / MID / "calls" / f"{CALL}.json").read_text("utf-8")
    doc = json.loads(raw)
    # it had been shared: it leaves as an id-only retraction (tests/test_retraction.py)
    assert [n["id"] for n in doc["notes"]] == [N2, N4, N1]
    assert set(doc["notes"][-1]) == {"id", "deleted_at"}
    assert "opened with a clear agenda" not in raw


def test_deleted_call_exports_as_tombstone(demo_store, tmp_path):
    folder = tmp_path / "store"
    export(demo_store, folder)
    call_id = demo_store.con().execute("SELECT id FROM call ORDER BY id LIMIT 1").fetchone()[0]
    services.delete_call(demo_store, call_id)
    r = export(demo_store, folder)
    assert r.deleted == 1
    doc = json.loads((r.folder / "calls" / f"{call_id}.json").read_text("utf-8"))
    assert doc["call"]["deleted_at"] is not None


def test_rep_rename_rewrites_that_reps_calls(fixed_store, tmp_path):
    folder = tmp_path / "store"
    export(fixed_store, folder)
    services.update_rep(fixed_store, REP, name="Zoé Dubois-Martin")
    r = export(fixed_store, folder)
    assert f"{MID}/calls/{CALL}.json" in r.written and f"{MID}/reps.json" in r.written
    assert json.loads((folder / MID / "calls" / f"{CALL}.json").read_text("utf-8"))["rep"]["name"] == \
        "Zoé Dubois-Martin"


# --- the shared store -----------------------------------------------------------------------------

def test_a_newer_store_file_is_kept_and_reported(fixed_store, tmp_path, capsys):
    folder = tmp_path / "store"
    export(fixed_store, folder)
    path = folder / MID / "calls" / f"{CALL}.json"
    doc = json.loads(path.read_text("utf-8"))
    doc["updated_at"] = "2026-12-01T09:00:00.000000+00:00"  # the other laptop's newer copy
    doc["call"]["objective"] = "changed on the other laptop"
    newer = (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    path.write_bytes(newer)
    with transaction(fixed_store.con()):
        fixed_store.con().execute("UPDATE call SET account = 'Kestrel plc', updated_at = ? WHERE id = ?",
                                  (ts(12), CALL))
    assert commands.export(fixed_store, store_dir=str(folder)) == 0
    out = capsys.readouterr()
    assert path.read_bytes() == newer
    assert f"kept {MID}/calls/{CALL}.json" in out.err and "fieldcoach import" in out.err
    assert "1 kept newer in the store" in out.out


def test_store_files_are_readable_by_the_team_and_no_temp_files_remain(demo_store, tmp_path):
    old = os.umask(0o077)
    try:
        r = export(demo_store, tmp_path / "store")
    finally:
        os.umask(old)
    files = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in files)
    assert stat.S_IMODE(r.folder.stat().st_mode) == 0o755
    assert not [p for p in files if ".tmp-" in p.name]
    assert stat.S_IMODE(demo_store.path.stat().st_mode) == 0o600  # the database stays private


def test_stale_temp_files_of_a_killed_run_are_removed(demo_store, tmp_path):
    r = export(demo_store, tmp_path / "store")
    stale = r.folder / "calls" / ".x.json.tmp-deadbeef"
    stale.write_bytes(b'{"half')
    export(demo_store, tmp_path / "store")
    assert not stale.exists()


# --- schema ---------------------------------------------------------------------------------------

def test_every_exported_file_validates_against_the_published_schema(demo_store, tmp_path, capsys):
    assert commands.schema() == 0
    published = json.loads(capsys.readouterr().out)
    assert published == json_schema()
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    v = validator()
    export(demo_store, tmp_path / "store")
    files = list((tmp_path / "store").rglob("*.json"))
    assert len(files) == 42
    for f in files:
        v.validate(json.loads(f.read_text("utf-8")))
    v.validate(json.loads(export_bundle(demo_store.con(), MID, "Alex")))
    bad = json.loads(files[0].read_text("utf-8"))
    bad["surprise"] = 1
    assert not v.is_valid(bad)


def test_cli_export_bundle_to_stdout_and_file(tmp_path, fixed_store):
    db = str(fixed_store.path)
    out = subprocess.run([sys.executable, "-m", "fieldcoach", "--db", db, "export", "--out", "-"],
                         capture_output=True, check=True)
    bundle = json.loads(out.stdout)
    assert bundle["type"] == "bundle" and bundle["calls"][0]["id"] == CALL
    validator().validate(bundle)
    target = tmp_path / "b.json"
    subprocess.run([sys.executable, "-m", "fieldcoach", "--db", db, "export", "--out", str(target)],
                   capture_output=True, check=True)
    assert target.read_bytes() == out.stdout


def test_cli_export_to_a_file_instead_of_a_folder_is_one_clear_line(tmp_path, fixed_store):
    (tmp_path / "f").write_text("x")
    out = subprocess.run([sys.executable, "-m", "fieldcoach", "--db", str(fixed_store.path), "export",
                          "--store", str(tmp_path / "f")], capture_output=True, text=True)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "not a folder" in out.stderr


def test_an_old_row_without_an_offset_still_exports_an_aware_stamp(fixed_store, tmp_path):
    with transaction(fixed_store.con()):
        fixed_store.con().execute("UPDATE note SET taken_at = '2026-11-20T10:05:00' WHERE id = ?", (N1,))
    export(fixed_store, tmp_path / "store")
    doc = json.loads((tmp_path / "store" / MID / "calls" / f"{CALL}.json").read_text("utf-8"))
    assert doc["notes"][0]["taken_at"] == "2026-11-20T10:05:00.000000+00:00"
    validator().validate(doc)
