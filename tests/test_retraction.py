"""A note made private after it was shared is retracted (PRODUCT.md section 5): the next
export carries it as an id-only tombstone, and every importer removes its text. A note
private from the start never leaves at all, not even as a tombstone."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from fieldcoach import notes, services
from fieldcoach.store import Store
from fieldcoach.sync import commands
from fieldcoach.sync.export import export_bundle

SECRET = "Tom froze when the CFO asked about ROI"
AGENDA = "opened with a clear agenda"


def _open(path: Path) -> Store:
    s = Store(path)
    s.open()
    return s


@pytest.fixture
def laptop_a(tmp_path):
    """Laptop A: a call with two notes, exported to the team store."""
    a = _open(tmp_path / "a.db")
    services.bootstrap(a, manager_name="Alex Morgan")
    rep = services.add_rep(a, "Tom Becker")
    call = services.plan_call(a, rep_id=rep, account="Kestrel")
    services.start_call(a, call)
    secret = notes.add_note(a.con(), notes.active_call(a.con()), SECRET).id
    agenda = notes.add_note(a.con(), notes.active_call(a.con()), f"+ {AGENDA}").id
    # more of the call around the note, as a real one has: its page is not rewritten whole
    for i in range(30):
        notes.add_note(a.con(), notes.active_call(a.con()), f"- note {i} of the call, kept as it is")
    commands.run_export(a, tmp_path / "store")
    yield {"store": a, "call": call, "secret": secret, "agenda": agenda, "dir": tmp_path / "store",
           "mid": services.bootstrap(a)}
    a.close()


def _call_doc(a: dict) -> str:
    return (a["dir"] / a["mid"] / "calls" / f"{a['call']}.json").read_text("utf-8")


def _file_bytes(store: Store) -> bytes:
    """The database as it lies on disk, the WAL folded in and emptied."""
    store.con().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wal = Path(f"{store.path}-wal")
    return store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_a_note_made_private_after_export_is_removed_from_the_second_laptop(laptop_a, tmp_path):
    a = laptop_a
    b = _open(tmp_path / "b.db")  # A's second laptop
    try:
        commands.run_import(b, [a["dir"]])
        assert SECRET.encode() in _file_bytes(b)

        notes.set_private(a["store"].con(), a["secret"], True)
        r = commands.run_export(a["store"], a["dir"])
        raw = _call_doc(a)
        assert SECRET not in raw and AGENDA in raw
        doc = json.loads(raw)
        assert doc["notes"][-1]["id"] == a["secret"] and set(doc["notes"][-1]) == {"id", "deleted_at"}
        assert r.written == [f"{a['mid']}/calls/{a['call']}.json", f"{a['mid']}/manifest.json"]

        result = commands.run_import(b, [a["dir"]])
        assert result.retracted == 1
        text, deleted = b.con().execute("SELECT text, deleted_at FROM note WHERE id = ?",
                                        (a["secret"],)).fetchone()
        assert text == "" and deleted is not None
        assert a["secret"] not in [n.id for n in notes.call_notes(b.con(), a["call"])]
        assert a["agenda"] in [n.id for n in notes.call_notes(b.con(), a["call"])]
        on_disk = _file_bytes(b)
        assert SECRET.encode() not in on_disk  # gone from the file, not only hidden
        assert AGENDA.encode() in on_disk

        # B's own export carries the same retraction: the store's document is unchanged
        before = _call_doc(a)
        commands.run_export(b, a["dir"])
        assert _call_doc(a) == before
    finally:
        b.close()


def test_the_author_keeps_the_private_note(laptop_a):
    a = laptop_a
    notes.set_private(a["store"].con(), a["secret"], True)
    commands.run_export(a["store"], a["dir"])
    commands.run_import(a["store"], [a["dir"]])  # e.g. a restore from the store
    row = a["store"].con().execute("SELECT text, private, deleted_at FROM note WHERE id = ?",
                                   (a["secret"],)).fetchone()
    assert tuple(row) == (SECRET, 1, None)


def test_a_note_private_from_the_start_never_leaves_not_even_as_a_tombstone(laptop_a):
    a = laptop_a
    con = a["store"].con()
    call = notes.active_call(con)
    hidden = notes.add_note(con, call, "private from the start").id
    notes.set_private(con, hidden, True)
    commands.run_export(a["store"], a["dir"])
    raw = _call_doc(a)
    assert hidden not in raw and "private from the start" not in raw
    bundle = export_bundle(con, a["mid"], "Alex Morgan").decode()
    assert hidden not in bundle
    assert a["secret"] in raw and a["secret"] in bundle  # the shared one is still there


def test_a_retracted_note_made_public_again_comes_back(laptop_a, tmp_path):
    a = laptop_a
    b = _open(tmp_path / "b.db")
    try:
        commands.run_import(b, [a["dir"]])
        notes.set_private(a["store"].con(), a["secret"], True)
        commands.run_export(a["store"], a["dir"])
        commands.run_import(b, [a["dir"]])
        notes.set_private(a["store"].con(), a["secret"], False)
        commands.run_export(a["store"], a["dir"])
        commands.run_import(b, [a["dir"]])
        row = b.con().execute("SELECT text, private, deleted_at FROM note WHERE id = ?",
                              (a["secret"],)).fetchone()
        assert tuple(row) == (SECRET, 0, None)
    finally:
        b.close()


def test_a_retraction_validates_against_the_published_schema(laptop_a):
    import jsonschema

    from fieldcoach.sync.models import json_schema

    a = laptop_a
    notes.set_private(a["store"].con(), a["secret"], True)
    commands.run_export(a["store"], a["dir"])
    jsonschema.Draft202012Validator(json_schema()).validate(json.loads(_call_doc(a)))


def test_an_old_file_that_exported_counts_its_notes_as_shared(tmp_path):
    from test_ownership import _version_3_file

    path = tmp_path / "old.db"
    _version_3_file(path, manager=True)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO note (id, created_at, updated_at, call_id, taken_at, text) "
                "VALUES ('n1', 'x', 'x', 'call-0', 'x', 'said in the car')")
    con.execute("INSERT INTO sync_state (key, value) VALUES ('export:/some/store', '{}')")
    con.commit()
    con.close()
    s = _open(path)
    try:
        assert s.con().execute("SELECT shared FROM note WHERE id = 'n1'").fetchone()[0] == 1
        assert s.con().execute("SELECT shared FROM note WHERE call_id IS NULL").fetchone()[0] == 0
    finally:
        s.close()
