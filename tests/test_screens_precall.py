"""Pre-call setup through the real app: what it reads and writes arrives as Loaded / Failed
messages, a failed save is said at its field, and the draft is kept the one way."""

from __future__ import annotations

from datetime import UTC

from textual.widgets import Input

from fieldcoach import queries, services
from screens.app import FieldcoachApp
from screens.base import Failed, Loaded
from tests.helpers import FIXED as NOW
from tests.helpers import Clock, settle, text_of


def whats(seen: list, kind: type) -> set[str]:
    return {m.what for m in seen if isinstance(m, kind)}


async def test_the_form_loads_and_saves_through_messages(store, db_path):
    rep = services.add_rep(store, "Priya Shah")
    sk = queries.skills(store.con())
    services.set_goal(store, rep, "Ask before telling", [sk[0].id])
    seen: list = []
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        app.action_new_call(rep)
        await settle(app, pilot)
        await settle(app, pilot)
        pc = app.screen
        assert whats(seen, Loaded) >= {"the reps and skills", "the rep"}
        assert "Ask before telling" in text_of(pc, "#rep-info")
        pc.query_one("#account", Input).value = "Kestrel Insurance"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "the plan" in whats(seen, Loaded) and not whats(seen, Failed)
        call = queries.find_call(store.con(), pc.saved_call_id)
        assert (call.account, call.status) == ("Kestrel Insurance", "planned")


async def test_a_rep_removed_meanwhile_is_said_at_the_rep_field(store, db_path):
    rep = services.add_rep(store, "Priya Shah")
    seen: list = []
    app = FieldcoachApp(db_path, clock=Clock(NOW), tz=UTC)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        app.action_new_call(rep)
        await settle(app, pilot)
        await settle(app, pilot)
        pc = app.screen
        pc.query_one("#account", Input).value = "Kestrel Insurance"
        services.delete_rep(store, rep)  # from another screen's worker or a teammate's import
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert whats(seen, Failed) == {"the plan"}
        failed = next(m for m in seen if isinstance(m, Failed))
        assert failed.field == "rep"
        assert "no longer exists" in text_of(pc, "#rep-error")
        assert pc.saved_call_id is None and not pc._busy  # ctrl+s may be pressed again
        assert store.con().execute("SELECT count(*) FROM call").fetchone()[0] == 0
        # Escape keeps what was typed as a draft.
        await pilot.press("escape")
        await settle(app, pilot)
    assert app.drafts.get("precall:new").fields["account"] == "Kestrel Insurance"
