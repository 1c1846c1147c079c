"""The rep's words at the end of the debrief, driven through the real app: after the next
step, the rep acknowledges (one key) and writes a comment; both are saved with the call and
shown, attributed to the rep, in the recap; hostile text shows literally; typing is kept
as a draft."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from textual.widgets import Input, TextArea

from fieldcoach import queries, services
from screens.feedback.screen import FeedbackScreen
from tests.helpers import FIXED as NOW
from tests.helpers import Clock, settle, text_of

HOSTILE = "ok \x1b]0;pwned\x07 [bold red]boss[/] \x1b[2J"


@pytest.fixture
def call_id(store):
    rep = services.add_rep(store, "Priya Shah")
    cid = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, cid, now=NOW - timedelta(minutes=40))
    services.end_call(store, cid, now=NOW - timedelta(minutes=5))
    return cid


async def _at_voice(app, pilot, call_id: str) -> FeedbackScreen:
    """Open the debrief, agree a next step, and go on: the rep's words."""
    await settle(app, pilot)
    app.open_feedback(call_id)
    await settle(app, pilot)
    fb = app.screen
    assert isinstance(fb, FeedbackScreen)
    await fb.go_to(next(i for i, st in enumerate(fb.steps) if st.kind == "next"))
    await settle(app, pilot)
    fb.query_one("#step-action", Input).value = "Send the pilot plan"
    await pilot.press("ctrl+a")
    await settle(app, pilot)  # saved: the form takes Next only then
    await pilot.press("ctrl+n")
    await settle(app, pilot)
    assert fb.step.kind == "voice"
    assert "Rep's words" in text_of(fb, "#fb-progress")
    return fb


async def test_the_rep_acknowledges_and_comments_and_the_recap_shows_it(store, db_path, call_id):
    from screens.app import FieldcoachApp

    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        fb = await _at_voice(app, pilot, call_id)
        await pilot.press("a")  # one key
        assert "Acknowledged by the rep" in text_of(fb, "#voice-ack")
        await pilot.press("c", *"Fair", "space", *"point")  # c: to the comment box, then typed
        assert fb.query_one("#voice-comment", TextArea).text == "Fair point"
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        d = queries.call_detail(store.con(), call_id, NOW)
        assert d.rep_comment == "Fair point"
        assert d.rep_acknowledged_at is not None and NOW < d.rep_acknowledged_at < NOW + timedelta(minutes=1)
        assert fb.step.kind == "recap" and d.call.status == "done"
        at = d.rep_acknowledged_at.astimezone(UTC).strftime("%H:%M")
        recap = text_of(fb, "#recap-text")
        assert f"Rep's words\n-----------\n* Acknowledged by the rep\n  Thu 26 Nov 2026 at {at}\n" in recap
        assert "* The rep's comment\n  Fair point" in recap
        assert "The rep's comment: Fair point" in text_of(fb, "#recap-steps")  # above the fold
        assert "Fair point" in fb.view.markdown  # what is copied and saved


async def test_skipping_says_nothing(store, db_path, call_id):
    from screens.app import FieldcoachApp

    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        fb = await _at_voice(app, pilot, call_id)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert fb.step.kind == "recap"
        d = queries.call_detail(store.con(), call_id, NOW)
        assert (d.rep_acknowledged_at, d.rep_comment) == (None, "")
        assert "Rep's words" not in text_of(fb, "#recap-text")


async def test_a_hostile_comment_is_saved_as_typed_and_shown_literally(store, db_path, call_id):
    from screens.app import FieldcoachApp

    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        fb = await _at_voice(app, pilot, call_id)
        fb.query_one("#voice-comment", TextArea).insert(HOSTILE)  # as pasted
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert queries.call_detail(store.con(), call_id, NOW).rep_comment == HOSTILE  # byte for byte
        for where in ("#recap-text", "#recap-steps"):
            shown = text_of(fb, where)
            assert "[bold red]boss[/]" in shown and "␛]0;pwned␇" in shown, where
            assert "\x1b" not in shown and "\x07" not in shown, where


async def test_the_comment_being_typed_is_kept_as_a_draft(store, db_path, call_id):
    from screens.app import FieldcoachApp

    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        fb = await _at_voice(app, pilot, call_id)
        await pilot.press("a", "c", *"half")
        fb.flush_draft()
        assert dict(app.drafts.get(fb.draft_key).fields) == {"rep_ack": "1", "rep_comment": "half"}
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)  # after a crash: offered back
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_feedback(call_id)
        await settle(app, pilot)
        fb = app.screen
        await fb.go_to(next(i for i, st in enumerate(fb.steps) if st.kind == "voice"))
        await settle(app, pilot)
        assert fb.query_one("#voice-comment", TextArea).text == "half"
        assert "Acknowledged by the rep" in text_of(fb, "#voice-ack")
