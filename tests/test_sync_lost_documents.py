"""A store that lost documents (a sync client or a colleague emptied it): the next
incremental export notices and writes them again, byte-identical, without touching what
is still there; a missing file is never a deletion, and with nothing lost or changed the
export writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_sync_export import FIXED, export, snapshot

from fieldcoach.db import transaction
from fieldcoach.demo import write_demo
from fieldcoach.store import Store
from fieldcoach.sync import commands

CALLS = 12


@pytest.fixture
def exported(store, tmp_path):
    write_demo(store, calls=CALLS, now=FIXED)
    folder = tmp_path / "store"
    first = export(store, folder)
    assert len(first.written) == CALLS + 2
    return store, folder, first.folder.name, snapshot(folder)


def _calls(folder: Path, mid: str) -> list[Path]:
    return sorted((folder / mid / "calls").glob("*.json"))


LOSSES = {
    "the whole store folder": lambda folder, mid: [shutil.rmtree(folder)] and CALLS + 2,
    "the manager's folder": lambda folder, mid: [shutil.rmtree(folder / mid)] and CALLS + 2,
    "the calls folder": lambda folder, mid: [shutil.rmtree(folder / mid / "calls")] and CALLS,
    "the manifest": lambda folder, mid: [(folder / mid / "manifest.json").unlink()] and 1,
    "the roster": lambda folder, mid: [(folder / mid / "reps.json").unlink()] and 1,
    "three call files": lambda folder, mid: [p.unlink() for p in _calls(folder, mid)[3:6]] and 3,
}


@pytest.mark.parametrize("lost", sorted(LOSSES))
def test_lost_documents_are_written_again_byte_identical(lost, exported, capsys):
    store, folder, mid, before = exported
    n = LOSSES[lost](folder, mid)
    kept = snapshot(folder) if folder.exists() else {}

    assert commands.export(store, store_dir=str(folder)) == 0
    out = capsys.readouterr().out
    assert f"the store had lost {n} document{'s' * (n != 1)}: written again" in out
    after = snapshot(folder)
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}
    assert {k: after[k] for k in kept} == kept  # what was still there was not rewritten

    again = export(store, folder)  # nothing lost, nothing changed: nothing written
    assert again.written == [] and again.restored == 0 and snapshot(folder) == after


def test_lost_and_changed_documents_in_one_export(exported):
    store, folder, mid, before = exported
    con = store.con()
    changed = con.execute("SELECT id FROM call ORDER BY id LIMIT 1").fetchone()[0]
    lost = _calls(folder, mid)[-1]
    lost.unlink()
    with transaction(con):
        con.execute("UPDATE call SET objective = 'Agree a pilot', updated_at = ? WHERE id = ?",
                    ("2026-11-27T09:00:00.000000+00:00", changed))
    r = export(store, folder)
    assert sorted(p for p in r.written if "/calls/" in p) == sorted([f"{mid}/calls/{changed}.json",
                                                                      str(lost.relative_to(folder))])
    assert r.restored == 1 and lost.read_bytes() == before[str(lost.relative_to(folder))][0]
    assert json.loads((folder / mid / "calls" / f"{changed}.json").read_text("utf-8"))["call"]["objective"] == \
        "Agree a pilot"
    assert export(store, folder).written == []


def test_a_lost_file_is_never_read_as_a_deletion(exported, tmp_path):
    store, folder, mid, _ = exported
    rows = store.con().execute("SELECT id, updated_at, deleted_at FROM call ORDER BY id").fetchall()
    shutil.rmtree(folder / mid / "calls")
    export(store, folder)
    assert store.con().execute("SELECT id, updated_at, deleted_at FROM call ORDER BY id").fetchall() == rows
    # and importing the partial store elsewhere deletes nothing either
    other = Store(tmp_path / "other.db")
    other.open()
    commands.run_import(other, [folder])
    assert other.con().execute("SELECT count(*) FROM call WHERE deleted_at IS NULL").fetchone()[0] == \
        store.con().execute("SELECT count(*) FROM call WHERE deleted_at IS NULL").fetchone()[0]
    other.close()


def test_an_interrupted_restore_keeps_the_cursor_and_finishes_next_time(exported, monkeypatch):
    """Lost documents are older than the cursor: writing them must never move it back, and a
    run stopped half way leaves the rest to the next run."""
    from fieldcoach.sync import export as export_mod

    store, folder, mid, before = exported
    key = export_mod.cursor_key(folder.resolve())
    cursor = export_mod.read_cursor(store.con(), key)
    shutil.rmtree(folder / mid / "calls")
    monkeypatch.setattr(export_mod, "BATCH", 4)

    class Stop(Exception):
        pass

    def stop_after_first_batch(done, total):
        if done == 4:
            raise Stop

    with pytest.raises(Stop):
        export(store, folder, progress=stop_after_first_batch)
    assert len(_calls(folder, mid)) == 4
    assert export_mod.read_cursor(store.con(), key)["calls"] == cursor["calls"]
    r = export(store, folder)
    assert r.restored == CALLS - 4 and len(_calls(folder, mid)) == CALLS
    assert {k: v[0] for k, v in snapshot(folder).items()} == {k: v[0] for k, v in before.items()}


def test_a_newer_copy_in_the_store_is_still_kept(exported):
    """Only missing files are written again: a present file, newer in the store, stays."""
    store, folder, mid, _ = exported
    first, second = _calls(folder, mid)[:2]
    doc = json.loads(first.read_text("utf-8"))
    doc["updated_at"] = "2027-01-01T00:00:00.000000+00:00"
    newer = (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    first.write_bytes(newer)
    second.unlink()
    r = export(store, folder)
    assert r.written == [str(second.relative_to(folder))]  # the manifest is the same
    assert first.read_bytes() == newer and r.restored == 1
