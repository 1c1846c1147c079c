"""Reps & goals through the UI: the roster, the rep form, the goal form, the rep page."""

from __future__ import annotations

from datetime import timedelta

from fieldcoach import queries, services
from fieldcoach.demo import write_demo
from screens.base import Failed, Loaded
from tests.helpers import FIXED, make_app, notifications, screen_text, settle


async def open_reps(app, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("r")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "RepsScreen"


async def type_into(pilot, selector: str, text: str) -> None:
    await pilot.click(selector)
    await pilot.press(*text) if text else None


async def test_add_rep_and_agree_goal(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_reps(app, pilot)
        assert "No reps yet" in screen_text(app.screen)
        await pilot.press("a")
        await pilot.pause()
        assert type(app.screen).__name__ == "RepForm"
        await pilot.press(*"Priya Shah")
        await pilot.press("tab", *"Account Executive", "tab", *"London North")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        reps = queries.list_reps(store.con())
        assert [(r.name, r.role, r.territory) for r in reps] == [("Priya Shah", "Account Executive", "London North")]
        assert type(app.screen).__name__ == "RepsScreen"
        assert "Priya Shah" in screen_text(app.screen) and "no agreed goal" in screen_text(app.screen)
        assert app.drafts.all() == []  # the draft went with the save

        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RepScreen"
        assert "No goal agreed yet" in screen_text(app.screen)
        await pilot.press("g")
        await pilot.pause()
        assert type(app.screen).__name__ == "GoalForm"
        await pilot.press(*"Ask before telling")
        await pilot.press("tab")          # into the skill list
        await pilot.press("space")        # first skill
        await pilot.press("down", "space")  # second skill
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        goal = queries.goal_for(store.con(), reps[0].id)
        skills = queries.skills(store.con())
        assert goal is not None and goal.statement == "Ask before telling"
        assert goal.skill_ids == [skills[0].id, skills[1].id]
        assert type(app.screen).__name__ == "RepScreen"
        text = screen_text(app.screen)
        assert "Ask before telling" in text and skills[0].name in text


async def test_goal_needs_one_to_three_skills(store, db_path):
    rep = services.add_rep(store, "Tom Becker")
    app = make_app(db_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_reps(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"Slow down before the demo")
        await pilot.press("ctrl+s")           # no skill picked
        await settle(app, pilot)
        assert type(app.screen).__name__ == "GoalForm"
        assert "Pick one to three focus skills" in screen_text(app.screen)
        await pilot.press("tab")
        for _ in range(4):                    # four skills
            await pilot.press("space", "down")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "GoalForm"
        assert "you picked 4" in screen_text(app.screen)
        assert queries.goal_for(store.con(), rep) is None


async def test_rep_name_that_looks_like_markup_is_shown_literally(store, db_path):
    services.add_rep(store, "[bold red]Eve[/] [link=x]")
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reps(app, pilot)
        assert "[bold red]Eve[/] [link=x]" in screen_text(app.screen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "[bold red]Eve[/] [link=x]" in screen_text(app.screen)


async def test_empty_name_gets_a_field_message(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reps(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RepForm"
        assert "Name is required." in str(app.screen.query_one("#err-name").render())
        assert queries.list_reps(store.con()) == []


async def test_edit_and_delete_rep_with_confirm(store, db_path):
    rep = services.add_rep(store, "Liam")
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reps(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("end", *" O'Connor", "ctrl+s")
        await settle(app, pilot)
        assert queries.list_reps(store.con())[0].name == "Liam O'Connor"
        await pilot.press("delete")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")                # keep
        await settle(app, pilot)
        assert len(queries.list_reps(store.con())) == 1
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert queries.list_reps(store.con()) == []
        assert "No reps yet" in screen_text(app.screen)
        assert rep


async def test_rep_page_shows_history_trends_and_steps(store, db_path):
    write_demo(store, calls=40, now=FIXED)
    reps = queries.list_reps(store.con())
    detail = max((queries.rep_detail(store.con(), r.id, FIXED) for r in reps), key=lambda d: len(d.sessions))
    app = make_app(db_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await open_reps(app, pilot)
        app.open_rep(detail.id)
        await settle(app, pilot)
        text = screen_text(app.screen)
        top = detail.sessions[0]
        assert f"#{top.number}" in text
        name, scores = next(iter(detail.skill_trend.items()))
        assert " ".join(str(s) for s in scores[-12:]) in text
        if detail.accuracy_trend:
            assert f"{detail.accuracy_trend[-1]:.1f}" in text
        for st in detail.steps:
            assert st.action in text
        for s in detail.sessions:             # gaps in cadence are called out
            if s.gap_days is not None and s.gap_days > 14:
                assert f"#{s.number}" in text and f"after {s.gap_days} days: gap" in text


async def test_expectations_and_step_done_on_rep_page(store, db_path):
    rep = services.add_rep(store, "Mei Chen")
    services.add_next_step(store, rep_id=rep, action="Prepare three impact questions",
                           due_at=FIXED + timedelta(days=3))
    app = make_app(db_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_reps(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"Research the account", "enter", *"Know the buyer's role")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [e.text for e in queries.expectations(store.con(), rep)] == [
            "Research the account", "Know the buyer's role"]
        assert "Know the buyer's role" in screen_text(app.screen)
        app.screen.query_one("#rep-steps").focus()
        await pilot.press("d")
        await settle(app, pilot)
        assert queries.open_steps(store.con(), FIXED, rep) == []


async def test_rep_form_draft_survives_and_is_restored(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reps(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Sofia")
        app.screen.flush_draft()            # what the half-second timer does
        assert app.drafts.get("rep:new").fields["name"] == "Sofia"
    app2 = make_app(db_path)                # "after a crash"
    async with app2.run_test(size=(80, 24)) as pilot:
        await open_reps(app2, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert app2.screen.query_one("#name").value == "Sofia"


# --- results arrive as messages -------------------------------------------------------------

def results(seen: list, what: str, kind: type = Loaded) -> list:
    """The Loaded (or Failed) messages named `what` the app saw, each once (a message
    bubbling from the screen to the app is seen at both)."""
    found: dict[int, object] = {}
    for m in seen:
        if isinstance(m, kind) and m.what == what:
            found[id(m)] = m
    return list(found.values())


async def test_roster_load_and_a_refused_removal_arrive_as_messages(store, db_path):
    rep = services.add_rep(store, "Nadia Haddad")
    seen: list = []
    app = make_app(db_path)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await open_reps(app, pilot)
        [loaded] = results(seen, "the roster")
        assert [r.name for r in loaded.value] == ["Nadia Haddad"]
        services.delete_rep(store, rep)       # another process removes her meanwhile
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        [failed] = results(seen, "the removal", Failed)
        assert (failed.field, failed.text) == ("rep", "That rep no longer exists.")
        assert "That rep no longer exists." in notifications(app)
        assert results(seen, "the removal") == []


async def test_rep_page_load_and_a_refused_step_arrive_as_messages(store, db_path):
    rep = services.add_rep(store, "Mei Chen")
    step = services.add_next_step(store, rep_id=rep, action="Send the pilot plan",
                                  due_at=FIXED + timedelta(days=3))
    seen: list = []
    app = make_app(db_path)
    async with app.run_test(size=(100, 40), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        app.open_rep(rep)
        await settle(app, pilot)
        [loaded] = results(seen, "the rep's page")
        assert loaded.value.detail.name == "Mei Chen" and loaded.value.skills
        assert "Send the pilot plan" in screen_text(app.screen)
        services.delete_step(store, step)     # gone behind the page's back
        app.screen.query_one("#rep-steps").focus()
        await pilot.press("d")
        await settle(app, pilot)
        [failed] = results(seen, "the step", Failed)
        assert failed.field == "step" and "no longer exists" in failed.text
        assert failed.text in notifications(app)
        assert type(app.screen).__name__ == "RepScreen"


async def test_each_form_save_and_refusal_arrive_as_messages(store, db_path):
    rep = services.add_rep(store, "Tom Becker")
    seen: list = []
    app = make_app(db_path)
    async with app.run_test(size=(100, 40), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        app.open_rep(rep)
        await settle(app, pilot)

        await pilot.press("e")                # the rep form
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RepForm"
        assert results(seen, "the ORM")       # warmed while the user types
        app.screen.query_one("#name").value = " "
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [failed] = results(seen, "the rep", Failed)
        assert failed.field == "name"
        assert "Name is required." in str(app.screen.query_one("#err-name").render())
        app.screen.query_one("#name").value = "Tom Becker-Ward"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert len(results(seen, "the rep")) == 1
        assert type(app.screen).__name__ == "RepScreen"
        assert "Saved Tom Becker-Ward." in notifications(app)

        await pilot.press("g")                # the goal form
        await settle(app, pilot)
        app.screen.query_one("#statement").value = "x" * 201
        await pilot.press("tab", "space", "ctrl+s")
        await settle(app, pilot)
        [failed] = results(seen, "the goal", Failed)
        assert failed.field == "statement"
        assert "Keep it under 200 characters" in str(app.screen.query_one("#err-statement").render())
        app.screen.query_one("#statement").value = "Ask before telling"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert len(results(seen, "the goal")) == 1
        assert queries.goal_for(store.con(), rep).statement == "Ask before telling"

        await pilot.press("x")                # the expectations form
        await settle(app, pilot)
        app.screen.query_one("#items").text = "Research the account\n" + "y" * 501
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [failed] = results(seen, "the expectations", Failed)
        assert failed.field == "expectations"
        assert "Keep it under 500 characters" in str(app.screen.query_one("#err-expectations").render())
        app.screen.query_one("#items").text = "Research the account"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert len(results(seen, "the expectations")) == 1
        assert [e.text for e in queries.expectations(store.con(), rep)] == ["Research the account"]
        assert type(app.screen).__name__ == "RepScreen"


async def test_the_rep_page_marks_a_session_where_the_rep_spoke(store, db_path):
    from test_recap import finished_call

    detail = finished_call(store)
    services.save_rep_voice(store, detail.call.id, acknowledged=True, comment="", now=FIXED)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_rep(detail.call.rep_id)
        await settle(app, pilot)
        line = next(ln for ln in screen_text(app.screen).splitlines() if "Kestrel" in ln)
        assert "rep's words" in line
