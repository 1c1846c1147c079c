"""Hostile text through every text field and back out through every screen and command
that shows it: stored byte for byte (or refused at the field when too long), drawn with
its control characters as visible symbols, never as control characters.

One app run per part of the loop, with every field given its own hostile string."""

from __future__ import annotations

from datetime import UTC

from textual import events
from textual.widgets import Input, Static, TextArea

from fieldcoach import cli, notes, queries, services
from fieldcoach.store import Store
from screens.app import FieldcoachApp
from tests.helpers import FIXED, Clock, make_app, notifications, screen_text, settle
from tests.hostile import LONG, harmless, hostile


def drawn(app) -> str:
    """Every character the current screen sends to the terminal (notifications included),
    one line per row."""
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def assert_shown_harmlessly(app, *, cells_cut: bool = False) -> None:
    """Nothing drawn, nothing in any Static or table (scrolled out of view too) that a
    terminal would obey; and the stored escapes do show, as symbols (in the widgets' text
    where table cells end in an ellipsis before them, `cells_cut`)."""
    on_screen = drawn(app)
    assert harmless(on_screen, lines=True), [c for c in on_screen if not harmless(c, lines=True)][:5]
    held = screen_text(app.screen)
    assert harmless(held, lines=True)
    assert harmless(f"{app.screen.title or ''}{app.screen.sub_title or ''}")
    assert "␛" in (held if cells_cut else on_screen)


async def paste(pilot, widget, text: str) -> None:
    """What the terminal delivers for a paste into the focused field."""
    widget.focus()
    await pilot.pause()
    pilot.app._driver.send_message(events.Paste(text))
    await pilot.pause()


async def test_rep_goal_expectations_and_settings_fields(store, db_path):
    name, role, territory = hostile("name", 120), hostile("role"), hostile("territory")
    statement = hostile("statement", 200)
    # TextArea cuts lines at every str.splitlines() break: expectations are lines anyway
    expectations = [hostile("exp1").replace("\x85", "").translate({c: None for c in range(0x1c, 0x1f)})
                    .replace("\x0b", "").replace("\x0c", ""), "exp2 \x1b[2J plain"]
    manager = hostile("manager", 120)
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        await paste(pilot, form.query_one("#name", Input), LONG)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Keep it under 120 characters" in str(form.query_one("#err-name", Static).render())
        assert queries.list_reps(store.con()) == []  # refused at the field, nothing written
        form.query_one("#name", Input).value = ""
        await paste(pilot, form.query_one("#name", Input), name)
        await paste(pilot, form.query_one("#role", Input), role)
        await paste(pilot, form.query_one("#territory", Input), territory)
        assert harmless(drawn(app), lines=True)  # the fields themselves draw the pasted text harmlessly
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [rep] = queries.list_reps(store.con())
        assert (rep.name, rep.role, rep.territory) == (name, role, territory)
        assert type(app.screen).__name__ == "RepsScreen"
        assert_shown_harmlessly(app)
        assert any(name[:5] in n for n in notifications(app))  # "Added <name>."

        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("g")
        await pilot.pause()
        await paste(pilot, app.screen.query_one("#statement", Input), statement)
        await pilot.press("tab", "space", "ctrl+s")
        await settle(app, pilot)
        assert queries.goal_for(store.con(), rep.id).statement == statement

        await pilot.press("x")
        await pilot.pause()
        items = app.screen.query_one("#items")
        items.text = ""
        await paste(pilot, items, "\n".join(expectations))
        assert harmless(drawn(app), lines=True)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [e.text for e in queries.expectations(store.con(), rep.id)] == expectations
        assert type(app.screen).__name__ == "RepScreen"
        assert_shown_harmlessly(app)
        assert "statement:" in screen_text(app.screen) and "exp1:" in screen_text(app.screen)

        app.action_go_home()
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        field = app.screen.query_one("#name", Input)
        field.value = ""
        await paste(pilot, field, manager)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert queries.settings(store.con()).name == manager
        app.action_go_home()
        await settle(app, pilot)
        assert manager[:8] in app.screen.sub_title
        assert_shown_harmlessly(app)  # the focus list names the rep, the header the manager


async def test_call_fields_notes_debrief_and_recap(store, db_path):
    rep_id = services.add_rep(store, hostile("rep", 120))
    sk = queries.skills(store.con())
    services.set_goal(store, rep_id, hostile("goal", 200), [sk[0].id])
    services.set_expectations(store, rep_id, [hostile("expectation")])
    fields = {f: hostile(f) for f in ("account", "contact", "objective", "advance_min", "advance_stretch")}
    prep, note, quick, answer, action = (hostile(x) for x in ("prep", "note", "quick", "answer", "action"))
    app = FieldcoachApp(db_path, clock=Clock(FIXED), tz=UTC)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.action_new_call(rep_id)
        await settle(app, pilot)
        pc = app.screen
        for f, text in fields.items():
            await paste(pilot, pc.query_one(f"#{f}", Input), text)
        await paste(pilot, pc.query_one("#prep0", Input), prep)
        pc.query_one("#when", Input).value = "tomorrow 9:30"
        await settle(app, pilot)
        assert_shown_harmlessly(app)  # rep, goal and expectation on the pre-call screen
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        obs = app.screen
        assert type(obs).__name__ == "ObservationScreen"
        d = queries.call_detail(store.con(), obs.call_id, FIXED)
        assert (d.call.account, d.call.contact, d.objective, d.advance_min, d.advance_stretch) == \
            tuple(fields.values())
        assert d.prep_answers[0]["answer"] == prep

        line = obs.query_one("#note-line", Input)
        await paste(pilot, line, LONG + "x")
        await pilot.press("enter")
        await pilot.pause()
        assert "a note holds at most" in str(obs.query_one("#note-error", Static).render())
        line.value = ""
        await paste(pilot, line, LONG)  # the longest note there is
        await pilot.press("enter")
        await pilot.pause()
        assert [n.text for n in notes.call_notes(store.con(), obs.call_id)] == [LONG]
        await pilot.press("ctrl+z")  # undone: the debrief below need not wade through it
        await pilot.pause()
        await paste(pilot, line, note)
        await pilot.press("enter")
        await pilot.pause()
        app.action_capture()
        await pilot.pause()
        await paste(pilot, app.screen.query_one("#capture-text", Input), quick)
        await pilot.press("enter")
        await settle(app, pilot)
        assert [n.text for n in notes.call_notes(store.con(), obs.call_id)] == [note, quick]
        assert_shown_harmlessly(app)  # title, notes, legend, side panel, notifications

        await pilot.press("ctrl+d", "y")
        await settle(app, pilot)
        fb = app.screen
        assert type(fb).__name__ == "FeedbackScreen"
        await paste(pilot, fb.query_one("#answer", Input), answer)
        assert_shown_harmlessly(app)  # the side panel shows the notes, the goal, the objective
        await pilot.press("ctrl+n")  # saves the answer
        await settle(app, pilot)
        for kind, prompt_has in (("answer", "note:"), ("next", "")):  # on to the steps that show stored text
            fb.index = next(i for i, st in enumerate(fb.steps) if st.kind == kind and prompt_has in st.prompt)
            await fb.show_step()
            await settle(app, pilot)
            assert_shown_harmlessly(app)
        await paste(pilot, fb.query_one("#step-action", Input), action)
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert_shown_harmlessly(app)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert fb.step.kind == "voice"
        fb.query_one("#voice-comment", TextArea).insert(action)  # the rep's words, pasted
        assert_shown_harmlessly(app)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert fb.step.kind == "recap"
        assert_shown_harmlessly(app)
        await pilot.press("c")
        await pilot.pause()
        assert harmless(app.clipboard, lines=True) and "answer:" in app.clipboard

        d = queries.call_detail(store.con(), obs.call_id, FIXED)
        assert answer in [a.answer for a in d.answers]
        assert [s.action for s in d.steps] == [action]

        app.action_go_home()
        await settle(app, pilot)
        assert_shown_harmlessly(app, cells_cut=True)  # next steps, focus list
        app.notify(hostile("notice"), title=hostile("title"))
        await pilot.pause()
        assert_shown_harmlessly(app, cells_cut=True)


def test_command_output_and_errors(store, db_path, tmp_path, capsys):
    store.close()
    text = hostile("cli")
    assert cli.main(["--db", str(db_path), "note", text]) == 0
    out = capsys.readouterr().out
    assert harmless(out, lines=True) and "␛" in out
    s = Store(db_path)
    s.open()
    stored = [r[0] for r in s.con().execute("SELECT text FROM note")]
    s.close()
    assert stored == [text]

    hostile_dir = tmp_path / "store\x1b]0;pwned\x07"
    assert cli.main(["--db", str(db_path), "export", "--store", str(hostile_dir)]) == 0
    out = capsys.readouterr().out
    assert harmless(out, lines=True) and "␛]0;pwned␇" in out

    bad = tmp_path / "bad\x1b[2J.json"
    bad.write_text("{not json")
    assert cli.main(["--db", str(db_path), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert harmless(err, lines=True) and err.count("\n") == 1 and "␛[2J" in err
