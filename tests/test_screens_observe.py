"""Live observation: ↑/↓ pick any note of the call for edit, undo and private; the note
line keeps the focus and the last note stays the default."""

from __future__ import annotations

from datetime import UTC

import pytest
from textual.widgets import Input

from fieldcoach import notes, queries, services
from screens.app import FieldcoachApp
from screens.observe import ObservationScreen
from tests.helpers import FIXED as NOW
from tests.helpers import Clock, notifications, settle, text_of


@pytest.fixture
def call_id(store):
    rep = services.add_rep(store, "Priya Shah")
    sk = queries.skills(store.con())
    services.set_goal(store, rep, "Ask before telling", [sk[0].id, sk[1].id])
    return services.plan_call(store, rep_id=rep, account="Acme")


async def observe(app, pilot, call_id: str, typed: list[str]) -> ObservationScreen:
    app.push_screen(ObservationScreen(call_id))
    await settle(app, pilot)
    obs = app.screen
    line = obs.query_one("#note-line", Input)
    for text in typed:
        line.insert_text_at_cursor(text)
        await pilot.press("enter")
    await pilot.pause()
    return obs


def stored(store, call_id: str) -> list[tuple[str, bool, bool]]:
    """(text, private, removed) of every note of the call, in the order taken."""
    return [(r[0], bool(r[1]), r[2] is not None) for r in store.con().execute(
        "SELECT text, private, deleted_at FROM note WHERE call_id = ? ORDER BY taken_at, rowid", (call_id,))]


async def test_up_up_ctrl_t_makes_the_second_to_last_note_private(store, db_path, call_id):
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        obs = await observe(app, pilot, call_id, ["+ clear agenda", "- talked over the buyer", "? why no price"])
        line = obs.query_one("#note-line", Input)
        await pilot.press("up", "up", "ctrl+t")
        await pilot.pause()
        assert stored(store, call_id) == [("clear agenda", False, False), ("talked over the buyer", True, False),
                                          ("why no price", False, False)]
        picked = [w for w in obs.query(".note") if w.has_class("-selected")]
        assert [w.name for w in picked] == [obs.shown[1].id]
        assert "(private)" in str(picked[0].render())
        assert "Note 2 of 3" in text_of(obs, "#obs-mode")
        assert app.focused is line
        # Escape goes back to typing (the screen stays); then the last note is the default again
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is obs and not obs.query(".-selected") and obs.picked is None
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert [p for _, p, _ in stored(store, call_id)] == [False, True, True]


async def test_the_first_note_can_be_corrected_and_typing_drops_the_pick(store, db_path, call_id):
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        obs = await observe(app, pilot, call_id, ["1 good opening", "talked over the buyer"])
        line = obs.query_one("#note-line", Input)
        await pilot.press("up", "up", "up", "ctrl+e")  # ↑ past the first note stays on it
        assert line.value == "1 good opening"
        await pilot.press("end", *" agenda", "enter")
        await pilot.pause()
        assert stored(store, call_id)[0] == ("good opening agenda", False, False)
        assert notes.call_notes(store.con(), call_id)[0].skill_id  # the skill digit kept
        assert obs.picked is None and line.value == ""
        # picking, then typing: the pick goes, the new note is a new note
        await pilot.press("up", "x", "enter")
        await pilot.pause()
        assert obs.picked is None and [t for t, _, _ in stored(store, call_id)][-1] == "x"
        # ↓ past the last note is back on the line
        await pilot.press("up", "down")
        assert obs.picked is None


async def test_removing_an_earlier_note_asks_first(store, db_path, call_id):
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        obs = await observe(app, pilot, call_id, ["first", "second", "third"])
        await pilot.press("up", "up", "ctrl+z")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is obs and not any(r for _, _, r in stored(store, call_id))
        await pilot.press("ctrl+z")  # still picked: ask again, and yes
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert stored(store, call_id) == [("first", False, False), ("second", False, True),
                                          ("third", False, False)]
        assert [n.text for n in obs.shown] == ["first", "third"] and obs.picked is None
        assert app.focused is obs.query_one("#note-line", Input)
        # the last note goes at once, as before
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [r for _, _, r in stored(store, call_id)] == [False, True, True]


async def test_the_start_and_the_side_panel_arrive_as_messages(store, db_path):
    from screens.base import Loaded

    rep = services.add_rep(store, "Priya Shah")
    call_id = services.plan_call(store, rep_id=rep, account="Acme", objective="Agree a pilot")
    seen: list = []
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        app.open_observation(call_id)
        await settle(app, pilot)
        await settle(app, pilot)
        loaded = {m.what: m.value for m in seen if isinstance(m, Loaded)}
        assert set(loaded) >= {"the start", "the side panel"}
        assert loaded["the side panel"].objective == "Agree a pilot"
        assert "Agree a pilot" in text_of(app.screen, "#obs-side-body")
        assert queries.find_call(store.con(), call_id).status == "observing"


async def test_a_call_ended_elsewhere_fails_to_end_here_and_stays_open(store, db_path, call_id):
    from screens.base import Failed

    services.start_call(store, call_id, now=NOW)
    seen: list = []
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        obs = app.screen
        assert isinstance(obs, ObservationScreen)
        services.end_call(store, call_id, now=NOW)  # as another laptop's sync or a shell would
        await pilot.press("ctrl+d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        failed = [m for m in seen if isinstance(m, Failed)]
        assert {m.what for m in failed} == {"the end"} and failed[0].text  # (it bubbles: seen twice)
        assert app.screen is obs and not obs._ending  # still here; ctrl+d may be pressed again
        assert any(n.startswith("Could not end the call: ") for n in notifications(app))


async def test_keys_typed_after_enter_before_the_save_stay_in_the_line(store, db_path, call_id):
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24)) as pilot:
        obs = await observe(app, pilot, call_id, [])
        line = obs.query_one("#note-line", Input)
        line.value = "+ clear agenda"
        line.post_message(Input.Submitted(line, line.value))  # Enter...
        line.insert_text_at_cursor("- tal")  # ...and the next note begun before it was handled
        await pilot.pause()
        assert stored(store, call_id) == [("clear agenda", False, False)]
        assert line.value == "- tal"
