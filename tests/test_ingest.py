"""The ingestion engine (fieldcoach/sync/ingest.py, sqlite_sink.py): memory flat in the
number of files, unchanged files not read again, a refusal anywhere rolls everything
back, and the database's merge rule (newer wins, a tie keeps local, tombstones apply,
versions within one import settled the same whatever their order)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldcoach.db import transaction
from fieldcoach.store import Store
from fieldcoach.sync import commands
from fieldcoach.sync.ingest import columns
from fieldcoach.sync.sqlite_sink import SqliteSink
from fieldcoach.team_demo import write_team

MANAGER = "00000000-0000-4000-8000-0000000000aa"
REP = "00000000-0000-4000-8000-000000000001"
HOUR_AGO_NS = time.time_ns() - 3600 * 10**9


def stamp(h: int, m: int = 0) -> str:
    return f"2026-11-20T{h:02d}:{m:02d}:00.000000+00:00"


def _tables(con: sqlite3.Connection) -> dict[str, list[tuple]]:
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: sorted(tuple(r) for r in con.execute(f"SELECT * FROM {t}")) for t in names}


@pytest.fixture(scope="module")
def one_manager(tmp_path_factory) -> Path:
    """One demo manager's folder of the team store: 30 calls, exported by the real exporter."""
    root = tmp_path_factory.mktemp("team")
    write_team(root, managers=1, calls=30, seed=3)
    (folder,) = root.iterdir()
    return folder


def _copy_store(src: Path, dst: Path, mtime_ns: int | None = None) -> Path:
    for p in src.rglob("*.json"):
        out = dst / p.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(p.read_bytes())
        if mtime_ns is not None:
            os.utime(out, ns=(mtime_ns, mtime_ns))
    return dst


def _fresh(path: Path) -> Store:
    s = Store(path)
    s.open()
    return s


# --- memory: flat in the number of files ----------------------------------------------------------

def _store_of(n: int, template: dict, folder: Path) -> Path:
    """A manager's folder with n call documents: the template call under fresh ids."""
    calls = folder / MANAGER / "calls"
    calls.mkdir(parents=True)
    text = json.dumps(template)
    for _ in range(n):
        doc = json.loads(text)
        doc["id"] = doc["call"]["id"] = str(uuid.uuid4())
        for key in ("notes", "debrief_answers", "ratings", "next_steps"):
            for rec in doc[key]:
                rec["id"] = str(uuid.uuid4())
        (calls / f"{doc['id']}.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", "utf-8")
    return folder


PEAK = """
import resource, subprocess, sys
subprocess.run([sys.executable, "-m", "fieldcoach", "--db", sys.argv[1], "import", sys.argv[2]],
               check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _peak_kib(db: Path, store: Path) -> int:
    """Peak RSS of a `fieldcoach import` process, read in a parent of its own (the test
    process's children's maximum would carry every earlier child)."""
    out = subprocess.run([sys.executable, "-c", PEAK, str(db), str(store)], capture_output=True, text=True,
                         check=True)
    return int(out.stdout)


def test_import_memory_does_not_grow_with_the_number_of_files(one_manager, tmp_path):
    template = max((json.loads(p.read_text("utf-8")) for p in (one_manager / "calls").iterdir()),
                   key=lambda d: len(d["notes"]))
    template["manager_id"] = MANAGER
    # the call with the most notes: about 8 KB a document
    small = _store_of(200, template, tmp_path / "small")
    large = _store_of(2000, template, tmp_path / "large")
    peak_small = _peak_kib(tmp_path / "small.db", small)
    peak_large = _peak_kib(tmp_path / "large.db", large)
    con = sqlite3.connect(tmp_path / "large.db")
    assert con.execute("SELECT count(*) FROM call").fetchone()[0] == 2000
    con.close()
    # held at once (before the engine), 1,800 more documents took over 70 MiB more
    assert peak_large <= peak_small * 1.2, (peak_small, peak_large)


# --- unchanged files are not read again ------------------------------------------------------------

def test_a_second_import_of_an_unchanged_store_reads_no_file(one_manager, tmp_path):
    store = _copy_store(one_manager, tmp_path / "store", mtime_ns=HOUR_AGO_NS)
    s = _fresh(tmp_path / "fieldcoach.db")
    first = commands.run_import(s, [store])
    assert first.parsed == first.files == 32 and first.skipped == 0
    before = _tables(s.con())
    again = commands.run_import(s, [store])
    assert (again.files, again.skipped, again.hashed, again.parsed) == (32, 32, 0, 0)
    assert again.changed == 0 and _tables(s.con()) == before
    assert "32 unchanged since the last import, not read" in commands.import_summary(again)
    # one file changed: that one is read, and only that one
    call = sorted((store / "calls").iterdir())[5]
    doc = json.loads(call.read_text("utf-8"))
    doc["call"]["account"] = "Renamed Ltd"
    doc["call"]["updated_at"] = doc["updated_at"] = "2030-01-01T00:00:00.000000+00:00"
    call.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", "utf-8")
    third = commands.run_import(s, [store])
    assert (third.skipped, third.parsed, third.updated) == (31, 1, {"call": 1})
    s.close()


def test_a_file_rewritten_in_the_same_clock_tick_is_told_by_its_hash(one_manager, tmp_path):
    """Same size, same mtime, new bytes: when the mtime is close to the last read, the
    size and mtime prove nothing and the content hash decides."""
    store = _copy_store(one_manager, tmp_path / "store")  # written just now: every mtime is racy
    s = _fresh(tmp_path / "fieldcoach.db")
    commands.run_import(s, [store])
    call = sorted((store / "calls").iterdir())[0]
    st = call.stat()
    doc = json.loads(call.read_text("utf-8"))
    doc["call"]["account"] = doc["call"]["account"][:-1] + "#"  # same length
    doc["call"]["updated_at"] = doc["updated_at"] = "2030-01-01T00:00:00.000000+00:00"
    data = (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")
    assert len(data) == st.st_size
    call.write_bytes(data)
    os.utime(call, ns=(st.st_atime_ns, st.st_mtime_ns))
    r = commands.run_import(s, [store])
    assert r.parsed == 1 and r.updated == {"call": 1}
    assert r.hashed == 32  # all of them were racy; the others matched and were not parsed
    # now recorded as read later than written: a third import trusts size and mtime
    for p in store.rglob("*.json"):
        os.utime(p, ns=(HOUR_AGO_NS, HOUR_AGO_NS))
    commands.run_import(s, [store])
    last = commands.run_import(s, [store])
    assert (last.skipped, last.hashed, last.parsed) == (32, 0, 0)
    s.close()


def test_file_states_are_kept_only_when_the_import_commits(one_manager, tmp_path):
    store = _copy_store(one_manager, tmp_path / "store", mtime_ns=HOUR_AGO_NS)
    bad = sorted((store / "calls").iterdir())[-1]
    good = bad.read_bytes()
    bad.write_text("{ not json", "utf-8")
    os.utime(bad, ns=(HOUR_AGO_NS, HOUR_AGO_NS))
    s = _fresh(tmp_path / "fieldcoach.db")
    with pytest.raises(Exception, match="not valid JSON"):
        commands.run_import(s, [store])
    assert s.con().execute("SELECT count(*) FROM ingest_file").fetchone()[0] == 0
    bad.write_bytes(good)
    r = commands.run_import(s, [store])
    assert r.parsed == 32 and r.skipped == 0
    s.close()


# --- all or nothing -------------------------------------------------------------------------------

def test_a_refusal_late_in_a_long_stream_rolls_back_everything(tmp_path):
    root = tmp_path / "team"
    write_team(root, managers=1, calls=200, seed=5)
    (folder,) = root.iterdir()
    # The last file read that holds a note (ids are random: the very last call may be a
    # selling or planned call without notes); thousands of rows are in by then.
    last, doc = next((f, d) for f in sorted((folder / "calls").iterdir(), reverse=True)
                     if (d := json.loads(f.read_text("utf-8")))["notes"])
    doc["notes"][0]["id"] = "../../../PWNED"
    last.write_text(json.dumps(doc), "utf-8")
    s = _fresh(tmp_path / "fieldcoach.db")
    before = _tables(s.con())
    with pytest.raises(Exception, match=r"PWNED.*|not a UUID") as err:
        commands.run_import(s, [folder])
    assert str(last) in str(err.value) and "notes.0.id" in str(err.value)
    assert _tables(s.con()) == before
    # and the connection is left as it was: the next import works
    last.write_text(json.dumps({**doc, "notes": doc["notes"][1:]}), "utf-8")
    r = commands.run_import(s, [folder])
    assert r.inserted["call"] == 200
    s.close()


# --- the merge rule, done by the database ----------------------------------------------------------

NOTE = "00000000-0000-4000-8000-0000000000d1"
CALL = "00000000-0000-4000-8000-0000000000c1"


def _note_row(at: str, text: str, deleted: str | None = None) -> tuple:
    rec = {"id": NOTE, "created_at": stamp(9), "updated_at": at, "deleted_at": deleted, "taken_at": stamp(9),
           "offset_seconds": 60, "text": text, "kind": "plain", "skill_id": None,
           "call_id": CALL, "shared": 1}
    return tuple(rec[c] for c in columns("note"))


def _with_call(con: sqlite3.Connection, local: tuple | None) -> None:
    with transaction(con):
        con.execute("INSERT OR IGNORE INTO manager (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                    (MANAGER, stamp(1), stamp(1), "Alex"))
        con.execute("INSERT OR IGNORE INTO rep (id, created_at, updated_at, name, manager_id) "
                    "VALUES (?,?,?,?,?)", (REP, stamp(1), stamp(1), "Priya", MANAGER))
        con.execute("INSERT OR IGNORE INTO call (id, created_at, updated_at, rep_id, manager_id) "
                    "VALUES (?,?,?,?,?)", (CALL, stamp(1), stamp(1), REP, MANAGER))
        if local is not None:
            SqliteSink(con).open()
            con.execute(f"INSERT INTO note ({', '.join(columns('note'))}) VALUES "
                        f"({', '.join('?' * len(columns('note')))})", local)


def _sink_import(con: sqlite3.Connection, batches: list[list[tuple]]) -> SqliteSink:
    sink = SqliteSink(con)
    try:
        with transaction(con):
            sink.open()
            for rows in batches:
                sink.put("note", rows)
            sink.close()
    finally:
        sink.drop()
    return sink


def _note(con: sqlite3.Connection) -> tuple:
    row = con.execute("SELECT updated_at, text, deleted_at FROM note WHERE id = ?", (NOTE,)).fetchone()
    return tuple(row)


def test_newer_wins_a_tie_keeps_local_and_a_tombstone_applies(tmp_path):
    s = _fresh(tmp_path / "fieldcoach.db")
    con = s.con()
    _with_call(con, _note_row(stamp(10), "local"))
    sink = _sink_import(con, [[_note_row(stamp(9), "older"), _note_row(stamp(10), "same stamp")]])
    assert _note(con) == (stamp(10), "local", None)
    assert sink.counts.applied == 0 and sink.counts.offered == 2
    sink = _sink_import(con, [[_note_row(stamp(11), "newer")]])
    assert _note(con) == (stamp(11), "newer", None) and sink.counts.updated == {"note": 1}
    sink = _sink_import(con, [[_note_row(stamp(12), "newer", deleted=stamp(12))]])
    assert _note(con) == (stamp(12), "newer", stamp(12)) and sink.counts.deleted == 1
    s.close()


VERSIONS = st.lists(st.tuples(st.integers(10, 13), st.sampled_from(["a", "b", "c"]), st.booleans()),
                    min_size=1, max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VERSIONS, st.one_of(st.none(), st.integers(10, 13)), st.randoms(use_true_random=False),
       st.integers(1, 4))
def test_versions_in_one_import_give_the_same_result_in_any_order(versions, local_hour, rnd, batch):
    """The newest version wins; between equal stamps written by this import the content
    decides; the local record is kept on a tie with it. Shuffled, in batches of any size."""
    rows = [_note_row(stamp(h), text, stamp(h) if dead else None) for h, text, dead in versions]
    local = None if local_hour is None else _note_row(stamp(local_hour), "local")
    rnd.shuffle(rows)
    with tempfile.TemporaryDirectory() as d:
        s = _fresh(Path(d) / "fieldcoach.db")
        con = s.con()
        _with_call(con, local)
        _sink_import(con, [rows[i:i + batch] for i in range(0, len(rows), batch)])
        got = _note(con)
        s.close()
    newest = max(r[2] for r in rows)
    if local is not None and local[2] >= newest:
        assert got == (local[2], "local", None)
    else:
        best = max((r for r in rows if r[2] == newest), key=lambda r: [(x is None, x) for x in r])
        assert got[:2] == (newest, best[6])


# --- the team demo -----------------------------------------------------------------------------------

def test_a_team_store_of_20_demo_managers_has_no_id_collision(tmp_path):
    from fieldcoach.defaults import SEEDED_SKILLS
    from fieldcoach.sync.models import DOCUMENT

    out = subprocess.run([sys.executable, "-m", "fieldcoach", "demo", "--team", str(tmp_path / "team"),
                          "--managers", "20", "--calls", "3"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "20 managers, 60 call documents" in out.stdout
    owner: dict[str, str] = {}
    names = set()
    seeded = {row[0] for row in SEEDED_SKILLS}  # the same defaults everywhere, on purpose

    def ids(doc, mid: str) -> None:
        if isinstance(doc, dict):
            rid = doc.get("id")
            if isinstance(rid, str) and rid not in seeded:
                assert owner.setdefault(rid, mid) == mid, f"{rid} in {owner[rid]} and {mid}"
            for v in doc.values():
                ids(v, mid)
        elif isinstance(doc, list):
            for v in doc:
                ids(v, mid)

    folders = sorted((tmp_path / "team").iterdir())
    assert len(folders) == 20
    for folder in folders:
        for p in folder.rglob("*.json"):
            DOCUMENT.validate_json(p.read_bytes())
            doc = json.loads(p.read_bytes())
            ids(doc, folder.name)
            if doc["type"] == "manifest":
                names.add(doc["manager_name"])
    assert len(names) == 20  # each manager their own name
    # one manager's folder imports into an empty database, which adopts that manager
    s = _fresh(tmp_path / "fieldcoach.db")
    r = commands.run_import(s, [folders[0]])
    assert r.adopted_manager == folders[0].name and r.inserted["call"] == 3
    s.close()


def test_team_managers_have_their_own_habits():
    from fieldcoach.team_demo import team

    managers = team(20)
    assert len({m.cadence for m in managers}) == 3 and len({m.debrief for m in managers}) == 3
    assert {m.habits.gap_closes for m in managers} == {True, False}
    assert len({m.budget_minutes for m in managers}) > 2
    reps = [r[0] for m in managers for r in m.habits.reps]
    assert len(reps) == len(set(reps))
