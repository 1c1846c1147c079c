"""Import: refusals leave the database unchanged; merge by id (newer wins, ties keep
local); tombstones delete; a missing file never deletes; idempotent and order-independent
(Hypothesis)."""

from __future__ import annotations

import json
import string
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from fieldcoach.cli import UserError
from fieldcoach.db import transaction
from fieldcoach.store import Store
from fieldcoach.sync import commands
from fieldcoach.sync.export import COLUMNS, export_bundle

from test_sync_export import CALL, MID, N1, N2, N3, REP, export, seed_fixed, ts

TABLES = tuple(COLUMNS) + ("manager",)


def dump(store: Store) -> dict[str, list[tuple]]:
    con = store.con()
    return {t: [tuple(r) for r in con.execute(f"SELECT * FROM {t} ORDER BY id")] for t in COLUMNS}


@pytest.fixture
def exported(fixed_store, tmp_path):
    folder = tmp_path / "store"
    export(fixed_store, folder)
    return folder


def call_file(folder: Path) -> Path:
    return folder / MID / "calls" / f"{CALL}.json"


def edit(path: Path, fn) -> None:
    doc = json.loads(path.read_text("utf-8"))
    fn(doc)
    path.write_text(json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n", "utf-8")


# --- refusals ------------------------------------------------------------------------------

def _bump(doc):  # a valid, newer change that must NOT land when another file is refused
    doc["call"]["account"] = "should not land"
    doc["call"]["updated_at"] = "2026-12-01T00:00:00.000000+00:00"


REFUSALS = {
    "invalid json": (lambda p: p.write_text('{"schema": "fieldcoach/1", "type": ', "utf-8"), "not valid JSON"),
    "not utf-8": (lambda p: p.write_bytes(b'{"x": "\xff"}'), "not valid JSON"),
    "unknown field": (lambda p: edit(p, lambda d: d["notes"][0].update(mood="happy")), "notes.0.mood: unknown field"),
    "naive datetime": (lambda p: edit(p, lambda d: d["notes"][1].update(taken_at="2026-11-20T10:12:30")),
                       "notes.1.taken_at: naive datetime"),
    "schema mismatch": (lambda p: edit(p, lambda d: d["ratings"][0].update(score=9)), "ratings.0.score"),
    "wrong type": (lambda p: edit(p, lambda d: d["call"].update(kind="lunch")), "call.kind"),
    "missing field": (lambda p: edit(p, lambda d: d["call"].pop("account")), "call.account"),
    "newer schema": (lambda p: edit(p, lambda d: d.update(schema="fieldcoach/2")), "newer fieldcoach"),
    "not a document": (lambda p: p.write_text("[1, 2]", "utf-8"), "expected a JSON object"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_every_refusal_names_file_and_field_and_changes_nothing(case, fixed_store, exported, tmp_path, capsys):
    breaker, expected = REFUSALS[case]
    other = tmp_path / "other"  # a second, valid path holding a newer change
    export(fixed_store, other)
    edit(call_file(other), _bump)
    bad = exported / MID / "reps.json"
    if case in ("unknown field", "naive datetime", "schema mismatch", "wrong type", "missing field"):
        bad = call_file(exported)
    breaker(bad)
    before = dump(fixed_store)
    state = fixed_store.con().execute("SELECT * FROM sync_state").fetchall()
    rc = commands_import(fixed_store, [other, exported], capsys)
    assert rc[0] == 1
    err = rc[1]
    assert err.count("\n") == 1 and str(bad) in err and expected in err and "nothing changed" in err
    assert dump(fixed_store) == before
    assert fixed_store.con().execute("SELECT * FROM sync_state").fetchall() == state


def commands_import(store: Store, paths, capsys) -> tuple[int, str]:
    """Through the real CLI error handling: one line on stderr, exit 1."""
    from fieldcoach.cli import main

    rc = main(["--db", str(store.path), "import", *map(str, paths)])
    return rc, capsys.readouterr().err


def test_missing_path_is_refused(fixed_store, tmp_path):
    with pytest.raises(UserError, match="no such file or folder"):
        commands.run_import(fixed_store, [tmp_path / "nope"])


def test_an_empty_or_missing_store_folder_deletes_nothing(fixed_store, exported, tmp_path):
    before = dump(fixed_store)
    (tmp_path / "empty").mkdir()
    r = commands.run_import(fixed_store, [tmp_path / "empty"])
    assert r.files == 0 and dump(fixed_store) == before
    call_file(exported).unlink()  # a sync client hiding a file is never a deletion
    commands.run_import(fixed_store, [exported])
    assert dump(fixed_store) == before


# --- merge rules ---------------------------------------------------------------------------------

def test_newer_wins_older_and_ties_keep_local(fixed_store, exported):
    con = fixed_store.con()
    edit(call_file(exported), lambda d: (d["call"].update(account="Newer Ltd", updated_at=ts(13)),
                                         d["notes"][0].update(text="older text", updated_at=ts(7)),
                                         d["notes"][1].update(text="same stamp, other text")))
    r = commands.run_import(fixed_store, [exported])
    assert con.execute("SELECT account FROM call WHERE id = ?", (CALL,)).fetchone()[0] == "Newer Ltd"
    assert con.execute("SELECT text FROM note WHERE id = ?", (N1,)).fetchone()[0] == "opened with a clear agenda"
    assert con.execute("SELECT text FROM note WHERE id = ?", (N2,)).fetchone()[0] == "[bold]talked over[/] the buyer — twice"
    assert r.updated == {"call": 1}


def test_tombstone_import_deletes_locally_and_keeps_private_flag(fixed_store, exported):
    con = fixed_store.con()
    edit(call_file(exported), lambda d: d["notes"][0].update(deleted_at=ts(14), updated_at=ts(14)))
    r = commands.run_import(fixed_store, [exported])
    assert r.deleted == 1
    assert con.execute("SELECT deleted_at FROM note WHERE id = ?", (N1,)).fetchone()[0] == ts(14)
    assert con.execute("SELECT private FROM note WHERE id = ?", (N3,)).fetchone()[0] == 1


def test_import_of_one_call_file_creates_its_rep_and_the_next_export_carries_it(tmp_path, fixed_store, exported):
    other = Store(tmp_path / "other.db")  # the manager's second laptop, before anything else
    other.open()
    r = commands.run_import(other, [call_file(exported)])  # just one call file, no reps.json
    assert r.inserted["call"] == 1 and r.adopted_manager == MID
    assert tuple(other.con().execute("SELECT name, manager_id FROM rep WHERE id = ?", (REP,)).fetchone()) == (
        "Zoë Dubois", MID)
    out = commands.run_export(other, tmp_path / "again")
    assert f"{MID}/calls/{CALL}.json" in out.written


OLD_CALL = "00000000-0000-4000-8000-00000000001d"


def test_import_rewinds_the_export_cursor_for_older_records(fixed_store, exported, tmp_path):
    """An imported record older than the export cursor still reaches the next export."""
    second = tmp_path / "second.db"
    s2 = Store(second)
    s2.open()
    commands.run_import(s2, [exported])
    export(s2, tmp_path / "s2store")
    s3 = Store(tmp_path / "third.db")  # a laptop holding a call stamped long before s2's cursor
    s3.open()
    seed_fixed(s3)
    with transaction(s3.con()):
        s3.con().execute("INSERT INTO call (id, created_at, updated_at, rep_id, manager_id) VALUES "
                         "(?, ?, ?, ?, ?)", (OLD_CALL, ts(1), ts(1), REP, MID))
    export(s3, tmp_path / "s3store")
    commands.run_import(s2, [tmp_path / "s3store"])
    r = export(s2, tmp_path / "s2store")
    assert f"{MID}/calls/{OLD_CALL}.json" in r.written


def test_cli_import_prints_a_summary(fixed_store, exported, tmp_path):
    out = subprocess.run([sys.executable, "-m", "fieldcoach", "--db", str(tmp_path / "new.db"), "import",
                          str(exported)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "this database now exports as manager " + MID in out.stdout
    assert "imported 3 files: " in out.stdout


# --- properties ---------------------------------------------------------------------------------

STAMPS = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                      timezones=st.just(timezone.utc))
TEXT = st.text(max_size=12)
IDS = st.text(alphabet=string.hexdigits.lower()[:16], min_size=6, max_size=6)


def _iso(d: datetime) -> str:
    return d.isoformat(timespec="microseconds")


@st.composite
def datasets(draw):
    """Random reps, calls and notes, any text, any stamps, some tombstones, some private."""
    n_reps = draw(st.integers(1, 3))
    reps = [(f"00000000-0000-4000-8000-{i:012x}", _iso(draw(STAMPS)), draw(TEXT)) for i in range(n_reps)]
    calls, notes = [], []
    for i in range(draw(st.integers(0, 4))):
        cid = f"00000000-0000-4000-8001-000000{draw(IDS)}"
        if any(c[0] == cid for c in calls):
            continue
        calls.append((cid, _iso(draw(STAMPS)), draw(st.sampled_from(reps))[0], draw(TEXT),
                      draw(st.sampled_from(["coaching", "selling"])),
                      _iso(draw(STAMPS)) if draw(st.booleans()) else None))
        for j in range(draw(st.integers(0, 3))):
            notes.append((f"00000000-0000-4000-8002-{cid[-6:]}{j:06x}", _iso(draw(STAMPS)), cid, draw(TEXT),
                          draw(st.sampled_from(["plain", "strength", "improve", "question"])),
                          int(draw(st.integers(0, 5)) == 0), _iso(draw(STAMPS)) if draw(st.booleans()) else None))
    return reps, calls, notes


def _load(store: Store, data, shift: timedelta = timedelta(0), suffix: str = "") -> None:
    reps, calls, notes = data

    def sh(s):
        return None if s is None else _iso(datetime.fromisoformat(s) + shift)

    con = store.con()
    with transaction(con):
        con.execute("INSERT OR IGNORE INTO manager (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                    (MID, ts(1), ts(1), "Alex"))
        for rid, at, name in reps:
            con.execute("INSERT INTO rep (id, created_at, updated_at, name, manager_id) VALUES (?,?,?,?,?)",
                        (rid, at, sh(at), name + suffix, MID))
        for cid, at, rid, account, kind, deleted in calls:
            con.execute("INSERT INTO call (id, created_at, updated_at, deleted_at, rep_id, account, kind, "
                        "manager_id) VALUES (?,?,?,?,?,?,?,?)",
                        (cid, at, sh(at), sh(deleted), rid, account + suffix, kind, MID))
        for nid, at, cid, text, kind, private, deleted in notes:
            con.execute("INSERT INTO note (id, created_at, updated_at, deleted_at, call_id, taken_at, text, kind, "
                        "private) VALUES (?,?,?,?,?,?,?,?,?)",
                        (nid, at, sh(at), sh(deleted), cid, at, text + suffix, kind, private))


def _bundle_of(data, folder: Path, name: str, **kw) -> Path:
    s = Store(folder / f"{name}.db")
    s.open()
    _load(s, data, **kw)
    path = folder / f"{name}.json"
    path.write_bytes(export_bundle(s.con(), MID, "Alex"))
    s.close()
    return path


def _fresh(folder: Path, name: str) -> Store:
    s = Store(folder / f"{name}.db")
    s.open()
    return s


PROPS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(datasets())
def test_random_data_round_trips_and_import_is_idempotent(data):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        bundle = _bundle_of(data, folder, "src")
        target = _fresh(folder, "target")
        commands.run_import(target, [bundle])
        assert export_bundle(target.con(), MID, "Alex") == bundle.read_bytes()
        once = dump(target)
        commands.run_import(target, [bundle])
        assert dump(target) == once
        target.close()


@PROPS
@given(datasets(), st.integers(-3, 3).filter(bool))
def test_import_order_does_not_change_the_result(data, hours):
    """Two versions of the same records, one shifted in time and edited: whichever order
    they are imported in (one command or two), the newer version of each record wins."""
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        a = _bundle_of(data, folder, "a")
        b = _bundle_of(data, folder, "b", shift=timedelta(hours=hours), suffix=" (edited)")
        results = []
        for name, batches in (("ab", [[a, b]]), ("ba", [[b, a]]), ("a-b", [[a], [b]]), ("b-a", [[b], [a]])):
            s = _fresh(folder, name)
            for paths in batches:
                commands.run_import(s, paths)
            results.append(dump(s))
            s.close()
        assert all(r == results[0] for r in results[1:])
