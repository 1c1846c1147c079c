"""The whole coaching loop through the real app: plan, observe, debrief, recap, carry over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Input, RadioButton, Select, Static

from fieldcoach import notes, queries, services
from screens.app import FieldcoachApp
from screens.feedback.screen import FeedbackScreen
from screens.observe import ObservationScreen
from screens.precall import PreCallScreen
from tests.helpers import FIXED as NOW
from tests.helpers import Clock, screen_text, settle, text_of


async def type_into(pilot, widget: Input, text: str) -> None:
    """Focus the field and type: the last few characters as real key presses."""
    widget.focus()
    await pilot.pause()
    widget.insert_text_at_cursor(text[:-3])
    await pilot.press(*text[-3:])


@pytest.fixture
def rep(store):
    rep_id = services.add_rep(store, "Priya Shah")
    sk = queries.skills(store.con())
    services.set_goal(store, rep_id, "Ask before telling", [sk[0].id, sk[1].id])
    return rep_id


async def open_precall(app, pilot, rep_id: str | None = None) -> PreCallScreen:
    app.push_screen(PreCallScreen(rep_id=rep_id))
    await settle(app, pilot)
    scr = app.screen
    assert isinstance(scr, PreCallScreen)
    return scr


async def test_whole_loop(store, db_path, rep):
    con = store.con()
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        pc = await open_precall(app, pilot)
        pc.query_one("#rep", Select).value = rep
        await settle(app, pilot)
        assert "Ask before telling" in text_of(pc, "#rep-info")
        await type_into(pilot, pc.query_one("#account", Input), "Kestrel Insurance")
        await type_into(pilot, pc.query_one("#when", Input), "tomorrow 9:30")
        await pilot.pause()
        assert "Fri 27 Nov 2026, 09:30" in text_of(pc, "#when-echo")
        await type_into(pilot, pc.query_one("#objective", Input), "Agree a pilot")
        await type_into(pilot, pc.query_one("#prep0", Input), "done")
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        obs = app.screen
        assert isinstance(obs, ObservationScreen)
        call = queries.call_detail(con, obs.call_id, NOW)
        assert call.call.scheduled_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
        assert call.call.status == "observing" and call.call.kind == "coaching"
        assert call.objective == "Agree a pilot" and call.prep_answers[0]["answer"] == "done"
        assert len(call.skills) == 2
        line = obs.query_one("#note-line", Input)
        assert app.focused is line and "Type a note" in line.placeholder

        typed = [("+ opened with an agenda", "strength", None),
                 ("- talked over the buyer", "improve", None),
                 ("? why the demo so early", "question", None),
                 ("2 good layered question", "plain", call.skills[1].id),
                 ("buyer late by ten minutes", "plain", None),
                 ("[bold]x[/]", "plain", None)]
        for i, (raw, kind, skill) in enumerate(typed, 1):
            if i == 1:
                await pilot.press(*raw)
            else:
                line.insert_text_at_cursor(raw)
            await pilot.press("enter")
            saved = notes.call_notes(con, obs.call_id)
            assert len(saved) == i, raw
            assert saved[-1].kind == kind and saved[-1].skill_id == skill
            assert line.value == ""
        await pilot.pause()
        shown = screen_text(obs)
        assert "[bold]x[/]" in shown  # markup shown literally
        assert "opened with an agenda" in shown and "Discovery questions" in shown
        assert app.focused is line

        # undo the last note: tombstoned, gone from the screen
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [n.text for n in notes.call_notes(con, obs.call_id)][-1] == "buyer late by ten minutes"
        assert "[bold]x[/]" not in screen_text(obs)

        # edit the last note
        await pilot.press("ctrl+e")
        assert line.value == "buyer late by ten minutes"
        await pilot.press("backspace", *"s", "enter")
        assert notes.call_notes(con, obs.call_id)[-1].text == "buyer late by ten minutes"[:-1] + "s"

        # end the call -> feedback
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        fb = app.screen
        assert isinstance(fb, FeedbackScreen)
        await settle(app, pilot)
        row = queries.find_call(con, obs.call_id)
        assert row.status == "debrief" and row.ended_at and row.feedback_started_at
        assert "after the call" in text_of(fb, "#fb-delay")
        total = len(fb.steps)
        assert "Step 1 of" in text_of(fb, "#fb-progress")
        assert "How did the call end?" in screen_text(fb)

        answered = 0
        while fb.step.kind == "answer":
            prompt = fb.step.prompt
            answered += 1
            fb.query_one("#answer", Input).value = f"answer {answered}"
            await pilot.press("enter")
            await settle(app, pilot)
            assert f"Step {answered + 1} of {total}" in text_of(fb, "#fb-progress"), prompt
        # the observations came as questions: strengths first
        assert fb.step.kind == "rate_rep"
        assert "rep –/5" in text_of(fb, "#rating-table")
        await pilot.press("4", "3")
        await settle(app, pilot)
        assert "rep 4/5" in text_of(fb, "#rating-table")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert fb.step.kind == "rate_manager"
        assert "rep 4/5" in text_of(fb, "#rating-table")  # revealed beside the manager's
        await pilot.press("3", "space")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        while fb.step.kind == "answer":  # keep / stop / start
            fb.query_one("#answer", Input).value = "keep asking"
            await pilot.press("enter")
            await settle(app, pilot)
        assert fb.step.kind == "next"
        # next step is required
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "at least one next step" in text_of(fb, "#action-error")
        await type_into(pilot, fb.query_one("#step-action", Input), "Send the pilot plan")
        due = fb.query_one("#step-due", Input)
        await type_into(pilot, due, "someday soon")
        await pilot.press("enter")  # refused at the field, nothing saved
        await settle(app, pilot)
        assert "Could not read" in text_of(fb, "#due-error")
        assert queries.call_detail(con, obs.call_id, NOW).steps == []
        due.value = ""
        await type_into(pilot, due, "fri")
        await pilot.pause()
        assert "Fri 27 Nov 2026" in text_of(fb, "#due-echo")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Send the pilot plan" in text_of(fb, "#steps-table")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert fb.step.kind == "voice"  # the laptop turned to the rep: they acknowledge
        await pilot.press("a", "ctrl+n")
        await settle(app, pilot)
        assert fb.step.kind == "recap"
        recap = text_of(fb, "#recap-text")
        assert "Acknowledged by the rep" in recap
        assert "Coaching recap: Priya Shah at Kestrel Insurance" in recap
        assert "Send the pilot plan" in recap and "answer 1" in recap

        d = queries.call_detail(con, obs.call_id, NOW)
        assert d.call.status == "done"
        rep_answers = [a for a in d.answers if a.by == "rep"]
        assert len(rep_answers) == answered + 3
        assert any(a.question.startswith("You did this: “opened with an agenda”") for a in rep_answers)
        rt = {(r.by, r.skill_id): r.score for r in d.ratings}
        assert rt == {("rep", d.skills[0].id): 4, ("rep", d.skills[1].id): 3,
                      ("manager", d.skills[0].id): 3}
        assert [(s.action, s.owner) for s in d.steps] == [("Send the pilot plan", "rep")]
        assert d.steps[0].due_at == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)

        await pilot.press("m")
        await pilot.press("s")
        await settle(app, pilot)  # the file is written in a worker
        assert fb.saved_recap.read_text(encoding="utf-8").startswith("# Coaching recap")

        # the step carries over into the rep's next pre-call setup
        await pilot.press("escape")
        await settle(app, pilot)
        pc2 = await open_precall(app, pilot, rep_id=rep)
        await settle(app, pilot)
        assert "Send the pilot plan" in text_of(pc2, "#rep-info")


async def test_selling_call_never_enters_observation(store, db_path, rep):
    con = store.con()
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        pc = await open_precall(app, pilot, rep_id=rep)
        await type_into(pilot, pc.query_one("#account", Input), "Harbour Foods")
        pc.query_one("#kind-selling", RadioButton).value = True
        await pilot.pause()
        await pilot.press("ctrl+o")  # refused for a selling call
        await settle(app, pilot)
        assert app.screen is pc
        assert con.execute("SELECT count(*) FROM call").fetchone()[0] == 0
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert not isinstance(app.screen, (ObservationScreen, FeedbackScreen, PreCallScreen))
        kind, status, started = con.execute("SELECT kind, status, started_at FROM call").fetchone()
        assert (kind, status, started) == ("selling", "done", None)


async def test_bad_date_shows_message_and_saves_nothing(store, db_path, rep):
    con = store.con()
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        pc = await open_precall(app, pilot, rep_id=rep)
        await type_into(pilot, pc.query_one("#account", Input), "Acme")
        await type_into(pilot, pc.query_one("#when", Input), "whenever suits")
        await pilot.pause()
        assert "Could not read" in text_of(pc, "#when-error")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert con.execute("SELECT count(*) FROM call").fetchone()[0] == 0
        assert "Could not read" in text_of(pc, "#when-error")
        assert app.screen is pc
        pc.query_one("#when", Input).value = "yesterday 9:00"
        await pilot.pause()
        assert "Wed 25 Nov 2026, 09:00" in text_of(pc, "#when-echo")
        assert "in the past" in text_of(pc, "#when-echo")
        assert not pc.query_one("#when-error", Static).display


async def test_empty_account_is_refused_at_the_field(store, db_path, rep):
    con = store.con()
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        pc = await open_precall(app, pilot, rep_id=rep)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Account is required" in text_of(pc, "#account-error")
        assert con.execute("SELECT count(*) FROM call").fetchone()[0] == 0


async def test_note_errors_and_draft_recovery(store, db_path, rep):
    con = store.con()
    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    app.drafts.save(f"note:{call_id}", {"text": "half a thought"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ObservationScreen(call_id))
        await settle(app, pilot)
        obs = app.screen
        line = obs.query_one("#note-line", Input)
        assert line.value == "half a thought"  # recovered
        assert queries.find_call(con, call_id).status == "observing"  # started on open
        line.value = ""
        await pilot.press("+", "enter")
        assert "after the marker" in text_of(obs, "#note-error")
        assert notes.call_notes(con, call_id) == []
        assert line.value == "+"  # kept, not lost
        # escape leaves it observing, resumable
        await pilot.press("escape")
        await settle(app, pilot)
        assert queries.find_call(con, call_id).status == "observing"


async def test_done_call_opens_on_the_recap(store, db_path, rep):
    con = store.con()
    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, call_id, now=NOW)
    notes.add_note(con, notes.call_context(con, call_id), "+ clear agenda", now=NOW)
    services.end_call(store, call_id, now=NOW + timedelta(minutes=30))
    for q, a in (("How did the call end?", "Agreed a pilot"), ("What went well?", "The agenda")):
        services.save_answer(store, call_id, question=q, answer=a, by="rep")
    services.add_next_step(store, rep_id=rep, action="Book the CFO", call_id=call_id)
    services.finish_call(store, call_id, now=NOW + timedelta(minutes=40))
    app = FieldcoachApp(db_path, clock=Clock(NOW + timedelta(hours=1)), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_call(call_id, "done")
        await settle(app, pilot)
        await settle(app, pilot)
        fb = app.screen
        assert isinstance(fb, FeedbackScreen) and fb.step.kind == "recap"
        assert "Book the CFO" in text_of(fb, "#recap-text")
        # At 80x24 the agreed next step and the keys are above the fold, and the screen says
        # that the recap goes on below; ↓ scrolls it.
        for selector, expected in (("#recap-steps", "Book the CFO"), ("#recap-keys", "more below")):
            shown = fb.find_widget(fb.query_one(selector)).visible_region
            assert shown.height and shown.bottom <= 23 and expected in text_of(fb, selector)
        main = fb.query_one("#fb-main")
        assert main.max_scroll_y > 0 and main.scroll_y == 0
        await pilot.press("down")
        await pilot.pause()
        assert main.scroll_y > 0


async def test_private_toggle_edit_cancel_and_focus_kept(store, db_path, rep):
    con = store.con()
    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        app.push_screen(ObservationScreen(call_id))
        await settle(app, pilot)
        obs = app.screen
        line = obs.query_one("#note-line", Input)
        line.insert_text_at_cursor("1 looked at the clock")
        await pilot.press("enter")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert notes.call_notes(con, call_id)[0].private is True
        assert "(private)" in screen_text(obs)
        # clicking elsewhere never takes the focus off the note line
        await pilot.click("#obs-notes")
        await pilot.pause()
        assert app.focused is line
        # Escape while editing cancels the edit and stays on the screen
        await pilot.press("ctrl+e")
        assert line.value == "1 looked at the clock"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is obs and line.value == ""
        assert notes.call_notes(con, call_id)[0].text == "looked at the clock"
        assert obs.has_class("wide")  # side panel at 120 columns


async def test_feedback_answer_draft_is_recovered(store, db_path, rep):
    con = store.con()
    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, call_id, now=NOW)
    services.end_call(store, call_id, now=NOW + timedelta(minutes=20))
    app = FieldcoachApp(db_path, clock=Clock(NOW + timedelta(minutes=25)), tz=UTC)
    app.drafts.save(f"answer:{call_id}:0", {"answer": "it ended with a maybe"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_call(call_id, "debrief")
        await settle(app, pilot)
        await settle(app, pilot)
        fb = app.screen
        assert fb.query_one("#answer", Input).value == "it ended with a maybe"
        assert "5 min after the call" in text_of(fb, "#fb-delay")
        assert "late" not in text_of(fb, "#fb-delay")
        await pilot.press("enter")
        await settle(app, pilot)
        answers = queries.call_detail(con, call_id, NOW).answers
        assert [(a.question, a.answer, a.by) for a in answers] == [
            ("How did the call end?", "it ended with a maybe", "rep")]
        assert app.drafts.get(f"answer:{call_id}:0") is None
        # back shows the saved answer
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert fb.query_one("#answer", Input).value == "it ended with a maybe"


async def test_pasted_lines_are_kept_whole(store, db_path, rep):
    from textual import events

    con = store.con()
    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ObservationScreen(call_id))
        await settle(app, pilot)
        line = app.screen.query_one("#note-line", Input)
        line.post_message(events.Paste("- buyer asked about price\nrep answered at once\n"))
        await pilot.pause()
        assert line.value == "- buyer asked about price rep answered at once"
        await pilot.press("enter")
        n = notes.call_notes(con, call_id)[0]
        assert (n.kind, n.text) == ("improve", "buyer asked about price rep answered at once")


def test_note_line_path_does_not_load_the_orm(store, db_path, rep, tmp_path):
    """The observation screen takes and saves notes before SQLAlchemy/SQLModel is imported."""
    import subprocess
    import sys

    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, call_id)
    script = tmp_path / "probe.py"
    script.write_text(
        "import asyncio, sys\n"
        "from screens.app import FieldcoachApp\n"
        "from screens.observe import ObservationScreen\n"
        f"app = FieldcoachApp({str(db_path)!r})\n"
        "async def main():\n"
        "    async with app.run_test() as pilot:\n"
        f"        app.push_screen(ObservationScreen({call_id!r}))\n"
        "        await pilot.pause()\n"
        "        await pilot.press(*'+ hi', 'enter')\n"
        "        await pilot.pause()\n"
        "        print('ORM' if 'sqlalchemy' in sys.modules else 'NO-ORM')\n"
        "asyncio.run(main())\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert "NO-ORM" in out.stdout, out.stdout + out.stderr
    assert [n.text for n in notes.call_notes(store.con(), call_id)] == ["hi"]


async def test_precall_draft_survives_and_is_offered_back(store, db_path, rep):
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        pc = await open_precall(app, pilot, rep_id=rep)
        pc.query_one("#account", Input).value = "Zenith Telecom"
        pc.query_one("#objective", Input).value = "Meet the CFO"
        await pilot.pause()
        pc.flush_draft()  # what the half-second interval does
        await pilot.press("escape")
        await settle(app, pilot)
    assert app.drafts.get("precall:new").fields["account"] == "Zenith Telecom"
    app2 = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app2.run_test(size=(80, 24)) as pilot:
        await settle(app2, pilot)
        pc = await open_precall(app2, pilot)
        await settle(app2, pilot)
        assert pc.query_one("#account", Input).value == "Zenith Telecom"
        assert pc.query_one("#objective", Input).value == "Meet the CFO"
        assert pc.query_one("#rep", Select).value == rep
        await pilot.press("ctrl+s")
        await settle(app2, pilot)
        assert "ctrl+o starts observing" in text_of(pc, "#pc-status")
        assert app2.drafts.get("precall:new") is None
        await pilot.press("ctrl+o")
        await settle(app2, pilot)
        assert isinstance(app2.screen, ObservationScreen)
        assert queries.find_call(store.con(), app2.screen.call_id).status == "observing"


async def test_side_panel_is_built_and_read_only_when_wide(store, db_path, rep):
    call_id = services.plan_call(store, rep_id=rep, account="Acme", objective="Agree a pilot")
    services.start_call(store, call_id, now=NOW)
    app = FieldcoachApp(db_path, clock=Clock(NOW + timedelta(minutes=3)), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        obs = app.screen
        assert isinstance(obs, ObservationScreen)
        assert not obs.query("#obs-side")          # narrow: no panel, nothing read for it
        await pilot.resize_terminal(120, 36)
        await settle(app, pilot)
        await settle(app, pilot)
        side = obs.query_one("#obs-side")
        assert side.display and side.region.width > 0
        assert "Agree a pilot" in text_of(obs, "#obs-side-body")
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert not obs.query_one("#obs-side").display
