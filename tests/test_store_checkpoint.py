"""The Store's checkpoint policy: keystroke-path writes never fold the WAL themselves; the
Store folds them from its own thread after enough of them or a pause, and rests after."""

from __future__ import annotations

from fieldcoach import notes

LIMIT = 20.0  # seconds: an upper bound on each wait, never a timing assumption


def test_enough_hot_writes_are_folded_by_the_store_itself(store):
    store.checkpoint_every, store.checkpoint_idle_s = 5, 1e6  # no pause will ever count
    for i in range(4):
        store.write_now(notes.add_note, None, f"inbox note {i}")
    folding = store._checkpointer
    assert folding is not None and folding.is_alive() and store.checkpoints == 0  # four wait
    store.write_now(notes.add_note, None, "the fifth")
    assert store.wait_checkpoint(1, LIMIT)
    folding.join(LIMIT)
    assert not folding.is_alive()  # nothing left to fold: the thread ends, its connection closed
    assert len(notes.inbox(store.con(), 100)) == 5


def test_a_pause_after_a_hot_write_folds_it(store):
    store.checkpoint_every, store.checkpoint_idle_s = 1000, 0.01
    con = store.hot_con()
    assert con.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0  # the write path never folds
    store.write_now(notes.add_note, None, "one note, then quiet")
    assert store.wait_checkpoint(1, LIMIT)
    busy, log, done = store.last_checkpoint  # the store's own checkpoint folded the note back
    assert busy == 0 and log > 0 and done == log


def test_closing_the_store_stops_its_checkpoint_thread(store):
    store.checkpoint_every, store.checkpoint_idle_s = 1000, 1e6
    store.write_now(notes.add_note, None, "waiting to be folded")
    folding = store._checkpointer
    assert folding is not None and folding.is_alive()
    store.close()
    assert not folding.is_alive() and store._checkpointer is None
    # The store opens again and its writes are folded as before.
    store.checkpoint_idle_s = 0.01
    store.write_now(notes.add_note, None, "after reopening")
    assert store.wait_checkpoint(1, LIMIT)
    assert [n.text for n in notes.inbox(store.con())] == ["after reopening", "waiting to be folded"]
