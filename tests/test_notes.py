"""The note hot path: shorthand through storage, size limits, any Unicode round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldcoach import notes, queries, services
from fieldcoach.errors import FieldError
from fieldcoach.shorthand import parse_note
from fieldcoach.store import Store

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def live(store):
    sk = [k.id for k in queries.skills(store.con())]
    rep = services.add_rep(store, "Priya")
    cid = services.plan_call(store, rep_id=rep, account="Acme", skill_ids=sk[:3])
    services.start_call(store, cid, now=T0)
    return store, cid, sk[:3]


def test_shorthand_through_storage(live):
    store, cid, sk = live
    con = store.con()
    ctx = notes.active_call(con)
    assert ctx.id == cid and ctx.skill_ids == sk and len(ctx.skill_names) == 3
    cases = [("+2 great open question", "strength", sk[1], "great open question"),
             ("- 1 talked over buyer", "improve", sk[0], "talked over buyer"),
             ("? why the demo so early", "question", None, "why the demo so early"),
             ("-5% discount offered", "plain", None, "-5% discount offered"),
             ("9 people joined", "plain", None, "9 people joined"),
             ("[bold]x[/] \x1b[31mred", "plain", None, "[bold]x[/] \x1b[31mred")]
    for i, (raw, kind, skill, text) in enumerate(cases):
        row = notes.add_note(con, ctx, raw, now=T0 + timedelta(seconds=30 * (i + 1)))
        assert (row.kind, row.skill_id, row.text) == (kind, skill, text)
    stored = notes.call_notes(con, cid)
    assert [(n.kind, n.skill_id, n.text) for n in stored] == [c[1:] for c in cases]
    assert [n.offset_seconds for n in stored] == [30, 60, 90, 120, 150, 180]
    assert all(n.call_id == cid for n in stored)


def test_capture_goes_to_the_live_call_else_the_inbox(store, live):
    store, cid, _ = live
    con = store.con()
    row, call = notes.capture(con, "+ asked for the advance")
    assert call.id == cid and row.call_id == cid
    services.end_call(store, cid)
    row, call = notes.capture(con, "remember the CFO")
    assert call is None and row.call_id is None
    assert [n.text for n in notes.inbox(con)] == ["remember the CFO"]
    notes.file_inbox_note(con, row.id, cid)
    assert notes.inbox(con) == []
    assert [n.text for n in notes.call_notes(con, cid)][-1] == "remember the CFO"


def test_update_and_delete_last_note(live):
    store, cid, sk = live
    con = store.con()
    ctx = notes.call_context(con, cid)
    n = notes.add_note(con, ctx, "+1 gret open")
    fixed = notes.update_note(con, n.id, ctx, "+3 great opening")
    assert (fixed.text, fixed.kind, fixed.skill_id) == ("great opening", "strength", sk[2])
    with pytest.raises(FieldError):
        notes.update_note(con, n.id, ctx, "+ ")
    with pytest.raises(FieldError, match="no longer exists"):
        notes.update_note(con, "ghost", ctx, "x")
    notes.delete_note(con, n.id)
    assert notes.call_notes(con, cid) == []


def test_private_flag(live):
    store, cid, _ = live
    con = store.con()
    n = notes.add_note(con, notes.call_context(con, cid), "personal remark", private=True)
    assert notes.call_notes(con, cid)[0].private
    notes.set_private(con, n.id, False)
    assert not notes.call_notes(con, cid)[0].private


def test_empty_note_is_refused(store):
    for raw in ("", "   ", "+", "- ", "?\t"):
        with pytest.raises(FieldError) as info:
            notes.add_note(store.con(), None, raw)
        assert info.value.field == "note"
    assert notes.inbox(store.con()) == []


def test_call_context_of_a_missing_call(store):
    with pytest.raises(FieldError, match="no longer exists"):
        notes.call_context(store.con(), "ghost")


def test_100000_chars_accepted_100001_refused(store):
    con = store.con()
    ok = "a" * (notes.MAX_NOTE_CHARS - 1) + "é"
    row = notes.add_note(con, None, ok)
    assert notes.inbox(con)[0].text == ok and len(row.text) == 100_000
    with pytest.raises(FieldError) as info:
        notes.add_note(con, None, ok + "b")
    assert info.value.field == "note" and "100,000" in info.value.message
    assert len(notes.inbox(con)) == 1


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("uni") / "u.db")
    s.open()
    services.bootstrap(s)
    yield s
    s.close()


ANY_TEXT = st.text(alphabet=st.characters(), min_size=1, max_size=300)
TRICKY = st.sampled_from(["\x00", "\x07", "\x1b[2J", "\x1b]0;title\x07", "\u202e", "שלום", "مرحبا",
                          "👩‍👩‍👧‍👦", "🇬🇧", "[bold]x[/]", "[link=file:///etc]", "\r\n", "\u200b",
                          "e\u0301", "\ufeff", "\t", "%s%n", "'; DROP TABLE note; --"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.one_of(ANY_TEXT, TRICKY), min_size=1, max_size=5))
def test_any_unicode_round_trips_exactly(shared_store, parts):
    raw = "".join(parts)
    con = shared_store.con()
    expected = parse_note(raw, 0).text
    if any("\ud800" <= ch <= "\udfff" for ch in raw):  # not text: refused, not stored
        with pytest.raises(FieldError, match="not UTF-8"):
            notes.add_note(con, None, raw)
        return
    if not expected.strip():
        with pytest.raises(FieldError):
            notes.add_note(con, None, raw)
        return
    row = notes.add_note(con, None, raw)
    back = con.execute("SELECT text FROM note WHERE id = ?", (row.id,)).fetchone()[0]
    assert back == expected == row.text
    assert [n.text for n in notes.inbox(con, 1) if n.id == row.id] == [expected]
    if raw[0] not in "+-?#0123456789" and not raw[0].isspace() and not raw[-1].isspace():
        assert back == raw


def test_notes_on_a_call_keep_exact_text_through_call_detail(live):
    store, cid, _ = live
    con = store.con()
    text = "Buyer said \x1b[1m“no”\x1b[0m — [red]later[/] 👍 \u202eevil\u202c \x00end"
    notes.add_note(con, notes.call_context(con, cid), text)
    assert queries.call_detail(con, cid, T0).notes[-1].text == text


def test_stale_active_call_context_survives_call_deletion(live):
    store, cid, _ = live
    con = store.con()
    ctx = notes.call_context(con, cid)
    services.delete_call(store, cid)
    assert notes.active_call(con) is None
    # A note typed into a screen that still holds the context is not lost.
    row = notes.add_note(con, ctx, "still saved")
    assert con.execute("SELECT text FROM note WHERE id = ?", (row.id,)).fetchone()[0] == "still saved"


def test_hot_connection_leaves_checkpoints_to_a_worker(store):
    """Note saves on the hot connection never fold the WAL themselves; checkpoint() does."""
    from fieldcoach import notes as notes_mod

    con = store.hot_con()
    assert con.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    for i in range(300):
        notes_mod.add_note(con, None, f"inbox note {i} " + "x" * 2000)
    wal = store.path.with_name(store.path.name + "-wal")
    assert wal.stat().st_size > 1000 * 4096  # past the default autocheckpoint: nothing folded
    store.checkpoint()
    busy, log, done = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log == done and log > 0  # every frame already folded back
    assert len(notes_mod.inbox(con, 1000)) == 300
