"""Retention (PRODUCT.md section 9): per record class a number of days or keep forever;
the plan shows what the next purge removes, the purge removes exactly that, the text
leaves the file and its WAL, and the removed records leave as tombstones without
content on the next export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from privacy_seed import ACCOUNT, INBOX, KEPT, NOTE, PRIVATE, raw_bytes, seed

from fieldcoach.cli import main
from fieldcoach.clock import to_db
from fieldcoach.errors import FormErrors
from fieldcoach.paths import recaps_dir
from fieldcoach.privacy import retention
from fieldcoach.privacy.retention import plan_purge, purge, read_retention, save_retention
from fieldcoach.sync import commands
from fieldcoach.sync.models import DOCUMENT

LATE = "late-marker-4d4d aged after the plan"
NOW = datetime.now(UTC) + timedelta(days=1)


def _age(con, table: str, column: str, ids, days: int) -> None:
    for i in ids:
        con.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (to_db(NOW - timedelta(days=days)), i))


@pytest.fixture
def world(tmp_path):
    s = seed(tmp_path / "data" / "fieldcoach.db")
    con = s.store.con()
    shared, private = s.ids["note"]
    inbox = con.execute("SELECT id FROM note WHERE call_id IS NULL").fetchone()[0]
    _age(con, "note", "taken_at", [shared, private, inbox], 40)
    _age(con, "rating", "created_at", s.ids["rating"][:1], 40)
    _age(con, "call", "started_at", [s.other_call], 100)
    yield s, {"shared": shared, "private": private, "inbox": inbox}
    s.store.close()


def test_every_class_is_kept_forever_by_default(world):
    s, _ = world
    plan = plan_purge(s.store.con(), read_retention(s.store.con()), NOW + timedelta(days=10_000))
    assert plan.kept_forever and plan.total == 0
    assert all(line.endswith("kept forever") for line in plan.lines())


def test_the_plan_counts_each_class_and_the_purge_removes_exactly_that(world, tmp_path):
    s, n = world
    con = s.store.con()
    commands.run_export(s.store, tmp_path / "store")
    save_retention(s.store, {"private_notes": 30, "notes": 30, "ratings": 30, "calls": 90, "inbox": 30})
    plan = plan_purge(con, read_retention(con), NOW)
    by = {c.cls.key: c for c in plan.classes}
    assert by["private_notes"].ids == (n["private"],)
    assert by["notes"].ids == (n["shared"],)
    assert by["ratings"].ids == (s.ids["rating"][0],)
    assert by["calls"].ids == (s.other_call,)
    assert by["inbox"].ids == (n["inbox"],)
    assert by["notes"].oldest is not None and by["notes"].oldest.date() == (NOW - timedelta(days=40)).date()
    assert "Whole calls: kept 90 days; 1 to remove, oldest" in "\n".join(plan.lines())

    # a note that ages past its period after the plan was shown is not purged with it
    late, stamp = "0d6c3f4e-8a1b-4c2d-9e0f-112233445566", to_db(NOW - timedelta(days=31))
    con.execute("INSERT INTO note (id, created_at, updated_at, call_id, taken_at, text) VALUES (?, ?, ?, ?, ?, ?)",
                (late, stamp, stamp, s.call, stamp, LATE))
    # a newer note is not in the plan at all
    fresh = [s.ids["rating"][1]]

    before_calls = [r[0] for t in ("note", "rating", "debrief_answer", "next_step") for r in con.execute(
        f"SELECT id FROM {t} WHERE call_id = ?", (s.other_call,))]
    receipt = purge(s.store, plan)
    assert {k: receipt.counts[k] for k in retention.BY_KEY} == {c.cls.key: c.count for c in plan.classes}
    planned = {i for c in plan.classes for i in c.ids}
    inside_calls = set(before_calls)
    tombstoned = {r[0] for t in ("note", "rating", "call", "debrief_answer", "next_step")
                  for r in con.execute(f"SELECT id FROM {t} WHERE deleted_at IS NOT NULL")}
    held = {r[0] for t in ("note", "rating", "call", "debrief_answer", "next_step")
            for r in con.execute(f"SELECT id FROM {t}")}
    deleted = (planned | inside_calls) - held
    gone = tombstoned | deleted
    assert gone == planned | inside_calls
    tom_private = con.execute("SELECT 1 FROM note WHERE text = 'tom private'").fetchone()
    assert tom_private is None and len(deleted) == 3  # never left the laptop: deleted outright
    assert {n["private"], n["inbox"]} <= deleted
    assert late not in gone and not set(fresh) & gone
    assert con.execute("SELECT text FROM note WHERE id = ?", (late,)).fetchone()[0] == LATE

    # the text is gone from the file and its WAL; the rest is there
    data = raw_bytes(s.store.path)
    for marker in (PRIVATE, INBOX, KEPT, "Other account"):
        assert marker.encode() not in data, marker
    assert NOTE.encode() not in data and LATE.encode() in data  # the note that was not in the plan stays
    assert ACCOUNT.encode() in data
    assert not [p for p in recaps_dir(s.store.path).iterdir() if "other-account" in p.name]

    # the next export carries tombstones without content, valid documents of the format
    commands.run_export(s.store, tmp_path / "store")
    mid = con.execute("SELECT id FROM manager").fetchone()[0]
    other = (tmp_path / "store" / mid / "calls" / f"{s.other_call}.json").read_bytes()
    DOCUMENT.validate_json(other)
    doc = json.loads(other)
    assert doc["call"]["deleted_at"] and doc["call"]["account"] == "" and doc["call"]["started_at"] is None
    assert KEPT.encode() not in other and b"tom answer" not in other and b"tom step" not in other
    mine = json.loads((tmp_path / "store" / mid / "calls" / f"{s.call}.json").read_bytes())
    [shared] = [x for x in mine["notes"] if x["id"] == n["shared"]]
    assert shared["deleted_at"] and shared["text"] == ""
    [rating] = [x for x in mine["ratings"] if x["id"] == s.ids["rating"][0]]
    assert rating["deleted_at"] and rating["score"] == 1


def test_purge_dry_run_removes_nothing_and_purge_keeps_a_receipt(world, capsys):
    s, n = world
    save_retention(s.store, {"private_notes": None, "notes": 30, "ratings": None, "calls": None, "inbox": 30})
    db = str(s.store.path)
    before = s.store.con().execute("SELECT count(*) FROM note WHERE deleted_at IS NULL").fetchone()[0]
    assert main(["privacy", "purge", "--dry-run", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Notes (shared): kept 30 days; 1 to remove" in out and "Inbox notes: kept 30 days; 1 to remove" in out
    assert "Dry run: 2 records would be removed" in out
    assert s.store.con().execute("SELECT count(*) FROM note WHERE deleted_at IS NULL").fetchone()[0] == before
    assert main(["privacy", "purge", "--db", db]) == 0
    assert "Removed 2 records" in capsys.readouterr().out
    counts = json.loads(s.store.con().execute("SELECT counts FROM privacy_receipt").fetchone()[0])
    assert counts == {"inbox": 1, "notes": 1}
    assert main(["privacy", "purge", "--db", db]) == 0
    assert "Nothing to remove." in capsys.readouterr().out
    assert main(["privacy", "receipts", "--db", db]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("purge at ") and line.endswith(": 1 inbox, 1 note")


def test_retention_fields_are_checked():
    assert retention.parse_retention({"keep_notes": " 365 ", "keep_calls": "forever"})["notes"] == 365
    with pytest.raises(FormErrors) as e:
        retention.parse_retention({"keep_notes": "a year", "keep_ratings": "0"})
    assert set(e.value.errors) == {"keep_notes", "keep_ratings"}


def test_a_long_purge_commits_batch_by_batch(tmp_path, monkeypatch):
    """A note's Enter waits for one batch, not for the whole purge: each batch of calls is
    committed (seen by another connection) before the next one starts."""
    import sqlite3

    from fieldcoach.demo import write_demo
    from fieldcoach.store import Store

    store = Store(tmp_path / "fieldcoach.db")
    store.open()
    try:
        write_demo(store, calls=20, now=NOW - timedelta(days=400))
        save_retention(store, {"calls": 30})
        plan = plan_purge(store.con(), read_retention(store.con()), NOW)
        calls = {c.cls.key: c.count for c in plan.classes}["calls"]
        assert calls >= 7
        monkeypatch.setattr(retention, "CALLS_PER_BATCH", 3)
        other = sqlite3.connect(store.path)
        gone_before: list[int] = []
        real = retention.remove_calls

        def spy(con, ids, now):
            gone_before.append(other.execute("SELECT count(*) FROM call WHERE deleted_at IS NOT NULL").fetchone()[0])
            return real(con, ids, now)

        monkeypatch.setattr(retention, "remove_calls", spy)
        receipt = purge(store, plan)
        other.close()
        assert receipt.counts["calls"] == calls
        assert len(gone_before) == -(-calls // 3)
        assert gone_before == [gone_before[0] + 3 * i for i in range(len(gone_before))]
    finally:
        store.close()
