"""Saving a recap as a file, and the calls the feedback script makes (fieldcoach.feedback):
no UI, a real store."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest

from fieldcoach import feedback, queries, services
from fieldcoach.debrief import build_steps
from fieldcoach.errors import CoachingError
from fieldcoach.recap import save_recap

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.fixture
def ended(store):
    """A coaching call on one focus skill, ended, waiting for its debrief."""
    rep = services.add_rep(store, "Zoë Dubois")
    sk = queries.skills(store.con())
    services.set_goal(store, rep, "Ask before telling", [sk[0].id])
    cid = services.plan_call(store, rep_id=rep, account="Kestrel/Insurance")
    services.start_call(store, cid, now=NOW - timedelta(hours=1))
    services.end_call(store, cid, now=NOW - timedelta(minutes=20))
    return cid


def test_a_recap_is_saved_owner_only_named_by_the_local_day(store, ended, tmp_path):
    services.add_next_step(store, rep_id=queries.find_call(store.con(), ended).rep_id, action="x", call_id=ended)
    detail = queries.call_detail(store.con(), ended, NOW)
    folder = tmp_path / "recaps"
    # the call started at 14:00 UTC: already the next day in UTC+11
    path = save_recap(folder, detail, "# Coaching recap\n", now=NOW, tz=timezone(timedelta(hours=11)))
    assert path.parent == folder
    assert path.name.startswith("2026-11-27-zoë-dubois-kestrel-insurance-")
    assert path.read_text(encoding="utf-8") == "# Coaching recap\n"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    again = save_recap(folder, detail, "# Coaching recap, again\n", now=NOW, tz=UTC)
    assert again.name.startswith("2026-11-26-") and again.read_text(encoding="utf-8").endswith("again\n")
    assert save_recap(folder, detail, "# replaced\n", now=NOW, tz=UTC) == again
    assert again.read_text(encoding="utf-8") == "# replaced\n"
    assert sorted(os.listdir(folder)) == sorted([path.name, again.name])  # no temporary file left


def test_a_recap_that_cannot_be_written_leaves_nothing(store, ended, tmp_path):
    detail = queries.call_detail(store.con(), ended, NOW)
    blocked = tmp_path / "recaps"
    blocked.write_text("a file, not a folder")
    with pytest.raises(OSError):
        save_recap(blocked, detail, "# Coaching recap\n", now=NOW, tz=UTC)
    assert not list(tmp_path.glob("**/*.tmp-*"))  # no temporary file, whatever its name
    assert blocked.read_text() == "a file, not a folder"

    # A write that fails half-way (text that cannot be encoded) leaves neither the
    # temporary file nor a recap behind.
    folder = tmp_path / "recaps2"
    with pytest.raises(UnicodeEncodeError):
        save_recap(folder, detail, "# Coaching recap\n\ud800", now=NOW, tz=UTC)
    assert os.listdir(folder) == []


def test_the_debrief_from_open_to_recap(store, ended):
    opened = feedback.open_debrief(store, ended, NOW)
    assert opened.detail.call.feedback_started_at == NOW  # the delay is measured to here
    assert feedback.open_debrief(store, ended, NOW + timedelta(minutes=5)).detail.call.feedback_started_at == NOW
    steps = build_steps(opened.script, opened.detail.notes, [s.id for s in opened.detail.skills])
    assert feedback.save_answer(store, ended, steps[0], "Well") is steps[0]
    feedback.save_rating(store, ended, opened.detail.skills[0].id, "rep", 4)
    with pytest.raises(CoachingError):  # no next step agreed yet
        feedback.close_debrief(store, ended, NOW, UTC, {})
    detail = feedback.agree_step(store, ended, rep_id=opened.detail.call.rep_id, owner="manager",
                                 action="Send the plan", due_at=None, now=NOW)
    assert [(s.owner, s.action) for s in detail.steps] == [("manager", "Send the plan")]
    closed = feedback.close_debrief(store, ended, NOW, UTC, {})
    assert closed.detail.call.status == "done"
    assert "Well" in closed.text and "Send the plan" in closed.markdown
    assert feedback.close_debrief(store, ended, NOW, UTC, {}).detail.call.status == "done"  # again: the recap


def test_a_call_that_is_gone_opens_as_none(store):
    assert feedback.open_debrief(store, "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b", NOW).detail is None
