"""The feedback script screen: its results arrive as Loaded/Failed messages, each step
widget tells the screen what happened with its own message, and drafts are kept the one
way every form keeps them."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from textual.widgets import Input

from fieldcoach import queries, services
from screens.base import Failed, Loaded
from screens.feedback.messages import AnswerGiven, RatingSet, StepAdded, StepDone, VoiceGiven
from screens.feedback.screen import FeedbackScreen
from tests.helpers import FIXED as NOW
from tests.helpers import Clock, notifications, settle, text_of


@pytest.fixture
def call_id(store):
    """A coaching call ended five minutes ago, waiting for its debrief."""
    rep = services.add_rep(store, "Priya Shah")
    sk = queries.skills(store.con())
    services.set_goal(store, rep, "Ask before telling", [sk[0].id, sk[1].id])
    cid = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, cid, now=NOW - timedelta(minutes=40))
    services.end_call(store, cid, now=NOW - timedelta(minutes=5))
    return cid


def _posted(seen: list, kind: type, what: str | None = None) -> list:
    return [m for m in seen if isinstance(m, kind) and (what is None or m.what == what)]


async def _open(app, pilot, call_id: str) -> FeedbackScreen:
    await settle(app, pilot)
    app.open_feedback(call_id)
    await settle(app, pilot)
    fb = app.screen
    assert isinstance(fb, FeedbackScreen)
    return fb


async def _walk_to(fb: FeedbackScreen, app, pilot, kind: str) -> None:
    """Straight to the first step of that kind (pressing Next through every question is
    what test_screens_loop does)."""
    await fb.go_to(next(i for i, st in enumerate(fb.steps) if st.kind == kind))
    await settle(app, pilot)


async def test_the_debrief_arrives_as_a_message(store, db_path, call_id):
    from screens.app import FieldcoachApp

    seen: list = []
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        fb = await _open(app, pilot, call_id)
        [loaded] = _posted(seen, Loaded, "the debrief")
        assert loaded.value.detail.call.id == call_id
        assert "Step 1 of" in text_of(fb, "#fb-progress")
        assert queries.find_call(store.con(), call_id).feedback_started_at is not None


async def test_each_step_widget_speaks_with_its_own_message(store, db_path, call_id):
    from screens.app import FieldcoachApp

    seen: list = []
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(100, 36), message_hook=seen.append) as pilot:
        fb = await _open(app, pilot, call_id)
        fb.query_one("#answer", Input).value = "with a maybe"
        await pilot.press("enter")
        await settle(app, pilot)
        [given] = _posted(seen, AnswerGiven)
        assert given.text == "with a maybe" and given.step is fb.steps[0]
        assert _posted(seen, Loaded, "the answer")
        assert [a.answer for a in queries.call_detail(store.con(), call_id, NOW).answers] == ["with a maybe"]

        await _walk_to(fb, app, pilot, "rate_rep")
        await pilot.press("4")  # the rating widget owns the keys 1-5
        await settle(app, pilot)
        [rated] = _posted(seen, RatingSet)
        assert (rated.by, rated.score) == ("rep", 4)
        assert _posted(seen, Loaded, "the rating")
        assert "rep 4/5" in text_of(fb, "#rating-table")
        await pilot.press("ctrl+n")  # nothing left to save: the widget says it is done
        await settle(app, pilot)
        assert _posted(seen, StepDone) and fb.step.kind == "rate_manager"

        await _walk_to(fb, app, pilot, "next")
        fb.query_one("#step-action", Input).value = "Send the pilot plan"
        await pilot.press("ctrl+a")  # the next-step form owns ctrl+a
        await settle(app, pilot)
        [added] = _posted(seen, StepAdded)
        assert (added.owner, added.action, added.then_next) == ("rep", "Send the pilot plan", False)
        assert _posted(seen, Loaded, "the next step")
        assert "Send the pilot plan" in text_of(fb, "#steps-table")

        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert fb.step.kind == "voice"
        await pilot.press("ctrl+n")  # the rep skips: nothing said
        await settle(app, pilot)
        assert _posted(seen, VoiceGiven) and _posted(seen, Loaded, "the rep's words")
        assert fb.step.kind == "recap" and _posted(seen, Loaded, "the recap")
        assert "Send the pilot plan" in text_of(fb, "#recap-text")
        await pilot.press("s")  # the recap widget owns c, m and s
        await settle(app, pilot)
        [saved] = _posted(seen, Loaded, "saving the recap")
        assert saved.value == fb.saved_recap and saved.value.parent == db_path.parent / "recaps"
        assert saved.value.read_text(encoding="utf-8").startswith("# Coaching recap")


async def test_a_refused_step_arrives_as_a_failure_at_its_field(store, db_path, call_id):
    from screens.app import FieldcoachApp

    seen: list = []
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        fb = await _open(app, pilot, call_id)
        await _walk_to(fb, app, pilot, "next")
        fb.query_one("#step-action", Input).value = "x" * 501  # over the store's limit for one line
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        [failed] = _posted(seen, Failed, "the next step")
        assert failed.field == "action"
        assert "Keep it under 500 characters" in text_of(fb, "#action-error")
        assert queries.call_detail(store.con(), call_id, NOW).steps == []
        assert fb.step.kind == "next" and not fb.busy  # the manager can shorten it and add it


async def test_a_recap_that_cannot_be_saved_says_so(store, db_path, call_id):
    from screens.app import FieldcoachApp

    (db_path.parent / "recaps").write_text("a file where the folder would go")
    services.add_next_step(store, rep_id=queries.find_call(store.con(), call_id).rep_id,
                           action="Book the CFO", call_id=call_id)
    services.finish_call(store, call_id, now=NOW)
    seen: list = []
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        fb = await _open(app, pilot, call_id)
        await settle(app, pilot)
        assert fb.step.kind == "recap"
        await pilot.press("s")
        await settle(app, pilot)
        [failed] = _posted(seen, Failed, "saving the recap")
        assert isinstance(failed.error, OSError)
        assert fb.saved_recap is None
        assert any(n.startswith("Saving the recap failed") for n in notifications(app))


async def test_a_debrief_that_cannot_close_goes_back_to_the_next_step(store, db_path, call_id):
    """The step agreed here was deleted elsewhere before the recap: closing fails, and the
    script goes back to the next step instead of showing a recap."""
    from screens.app import FieldcoachApp

    seen: list = []
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        fb = await _open(app, pilot, call_id)
        await _walk_to(fb, app, pilot, "next")
        fb.query_one("#step-action", Input).value = "Book the CFO"
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        services.delete_step(store, queries.call_detail(store.con(), call_id, NOW).steps[0].id)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await pilot.press("ctrl+n")  # past the rep's words
        await settle(app, pilot)
        assert _posted(seen, Failed, "the recap")
        assert fb.step.kind == "next"
        assert queries.find_call(store.con(), call_id).status == "debrief"


async def test_answer_and_next_step_drafts_are_kept_and_offered_back(store, db_path, call_id):
    from screens.app import FieldcoachApp

    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        fb = await _open(app, pilot, call_id)
        fb.query_one("#answer", Input).insert_text_at_cursor("half an answe")
        await pilot.press("r")
        fb.flush_draft()  # what the half-second interval does
        assert app.drafts.get(f"answer:{call_id}:0").fields == {"answer": "half an answer"}
        await pilot.press("ctrl+n")
        await settle(app, pilot)  # Next saved the answer: its draft is gone
        assert app.drafts.get(f"answer:{call_id}:0") is None
        await _walk_to(fb, app, pilot, "next")
        next_index = fb.index
        fb.query_one("#step-action", Input).insert_text_at_cursor("Book the CF")
        await pilot.press("O")
        await pilot.press("escape")  # home keeps what was typed
        await settle(app, pilot)
        draft = app.drafts.get(f"answer:{call_id}:{next_index}")
        assert draft.fields == {"action": "Book the CFO", "due": "", "owner": "rep"}

        fb = await _open(app, pilot, call_id)
        await _walk_to(fb, app, pilot, "next")
        assert fb.query_one("#step-action", Input).value == "Book the CFO"
        assert "Recovered draft" in notifications(app)
        assert "half an answer" in [a.answer for a in queries.call_detail(store.con(), call_id, NOW).answers]
