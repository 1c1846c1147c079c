"""Every character a user types is kept: zero-width joiners and spaces, no-break and thin
spaces, bidi marks, typed key by key as a terminal sends them (Textual used to drop every
key whose character is not `str.isprintable()`)."""

from __future__ import annotations

from textual._xterm_parser import XTermParser
from textual.widgets import Input

from fieldcoach import notes, queries, services
from tests.helpers import make_app, settle
from tests.hostile import ZERO_WIDTH

TYPED = ZERO_WIDTH  # 👨‍👩‍👧, ZWSP, NBSP, thin space, BOM, ZWNJ, LRM


async def type_keys(pilot, text: str) -> None:
    """Each character through Textual's own terminal input parser, one key at a time, as
    typed (the Pilot's press() cannot carry a zero-width joiner: it names the key and
    loses the character)."""
    parser = XTermParser()
    for char in text:
        for event in parser.feed(char):
            pilot.app._driver.send_message(event)
    await pilot.pause()


async def test_note_line_keeps_every_typed_character(store, db_path):
    rep_id = services.add_rep(store, "Priya Shah")
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.action_new_call(rep_id)
        await settle(app, pilot)
        app.screen.query_one("#account", Input).value = "Kestrel"
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        obs = app.screen
        assert type(obs).__name__ == "ObservationScreen"
        await type_keys(pilot, TYPED)
        await pilot.press("enter")
        await pilot.pause()
        assert [n.text for n in notes.call_notes(store.con(), obs.call_id)] == [TYPED]


async def test_form_fields_and_text_areas_keep_every_typed_character(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_keys(pilot, "Zoë " + TYPED)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [rep] = queries.list_reps(store.con())
        assert rep.name == "Zoë " + TYPED

        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        await type_keys(pilot, TYPED)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [e.text for e in queries.expectations(store.con(), rep.id)] == [TYPED]
