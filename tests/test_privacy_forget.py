"""Forget a rep (PRODUCT.md section 9): after `fieldcoach privacy forget`, the next export
and a team load, the rep's name and the unique texts about them are in no byte of the
database file or its WAL, the drafts, the recaps, the team store, or a team database
that had loaded the store before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from privacy_seed import ACCOUNT, KEPT, MARKERS, NAME, NOTE, OTHER, raw_bytes, seed, tree_bytes

from fieldcoach.cli import main
from fieldcoach.paths import drafts_dir, recaps_dir
from fieldcoach.privacy.tombstones import receipts
from fieldcoach.sync import commands
from fieldcoach.sync.models import DOCUMENT


def _found(data: bytes, markers=MARKERS) -> list[str]:
    return [m for m in markers if m.encode() in data]


def _team_bytes(path: Path) -> bytes:
    return raw_bytes(path)


@pytest.fixture
def world(tmp_path):
    s = seed(tmp_path / "data" / "fieldcoach.db")
    store_dir = tmp_path / "store"
    team = tmp_path / "team.db"
    commands.run_export(s.store, store_dir)
    assert main(["team", "load", str(store_dir), "--db", str(team)]) == 0
    yield s, store_dir, team
    s.store.close()


def test_before_forgetting_every_place_holds_the_rep(world):
    """The places the next test searches do hold the markers first (so it can fail)."""
    s, store_dir, team = world
    s.store.con().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert set(_found(raw_bytes(s.store.path))) == set(MARKERS)
    assert _found(tree_bytes(store_dir)) and NAME in _found(tree_bytes(store_dir))
    assert NAME in _found(_team_bytes(team)) and NOTE in _found(_team_bytes(team))
    assert _found(tree_bytes(drafts_dir(s.store.path)))
    assert _found(tree_bytes(recaps_dir(s.store.path)))


def test_forgotten_rep_is_nowhere(world, capsys):
    s, store_dir, team = world
    db = str(s.store.path)
    assert main(["privacy", "forget", NAME.upper(), "--yes", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Forgotten: 1 rep, 1 goal, 1 expectation, 1 call, 2 notes, 1 debrief answer, " \
           "2 ratings, 2 next steps, 4 draft or recap files" in out
    assert not _found(out.encode())  # the receipt says how many, not what
    # the database as it lies on disk right after, WAL included
    assert _found(raw_bytes(s.store.path)) == []
    assert _found(tree_bytes(drafts_dir(s.store.path))) == []
    assert _found(tree_bytes(recaps_dir(s.store.path))) == []
    # what is not about the rep stays
    assert KEPT.encode() in tree_bytes(drafts_dir(s.store.path))
    assert OTHER.lower().split()[0].encode() in tree_bytes(recaps_dir(s.store.path))

    assert main(["export", "--store", str(store_dir), "--db", db]) == 0
    assert _found(tree_bytes(store_dir)) == []
    assert KEPT.encode() in tree_bytes(store_dir)
    for p in store_dir.rglob("*.json"):  # tombstones are valid documents of the format
        DOCUMENT.validate_json(p.read_bytes())
    call = json.loads((store_dir / s.store.con().execute("SELECT id FROM manager").fetchone()[0]
                       / "calls" / f"{s.call}.json").read_text())
    assert call["call"]["deleted_at"] and call["rep"]["name"] == ""
    assert all(n["deleted_at"] for n in call["notes"])

    assert main(["team", "load", str(store_dir), "--db", str(team)]) == 0
    assert _found(_team_bytes(team)) == []
    assert KEPT.encode() in _team_bytes(team)
    # a team database that loads the store for the first time never sees them either
    fresh = team.with_name("fresh.db")
    assert main(["team", "load", str(store_dir), "--db", str(fresh)]) == 0
    assert _found(_team_bytes(fresh)) == []

    [r] = receipts(s.store.con())
    assert r.action == "forget" and r.counts["calls"] == 1 and r.files == 4
    assert ACCOUNT not in json.dumps(r.counts)


def test_forget_asks_for_the_name_and_refuses_a_wrong_one(world, monkeypatch, capsys):
    s, _, _ = world
    from fieldcoach.privacy import commands as privacy

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    with pytest.raises(Exception, match="does not match: nothing removed"):
        privacy.forget(s.store, NAME, yes=False, ask=lambda _prompt: "Dana")
    assert s.store.con().execute("SELECT name FROM rep WHERE id = ?", (s.rep,)).fetchone()[0] == NAME
    assert privacy.forget(s.store, s.rep, yes=False, ask=lambda _prompt: f"  {NAME.lower()} ") == 0
    assert s.store.con().execute("SELECT name FROM rep WHERE id = ?", (s.rep,)).fetchone()[0] == ""


def test_forget_without_a_terminal_needs_yes(world, capsys):
    s, _, _ = world
    assert main(["privacy", "forget", NAME, "--db", str(s.store.path)]) == 1
    assert "add --yes" in capsys.readouterr().err
    assert main(["privacy", "forget", "Nobody Atall", "--yes", "--db", str(s.store.path)]) == 1
    assert "no rep is named" in capsys.readouterr().err
