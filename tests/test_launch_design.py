"""The launch design: a footer rebuilt only when its keys change, the cyclic GC back on
once the app is up, the note line before the ORM and DataTable, light single-row lookups."""

from __future__ import annotations

import gc
import subprocess
import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Button, Input

from fieldcoach import lookups, queries, services
from screens.app import FieldcoachApp
from screens.widgets.footer import KeyFooter
from screens.widgets.textual_compat import FooterKey


class XButton(Button):
    BINDINGS = [Binding("x", "something", "Xdesc", id="x", tooltip="Only here")]

    def action_something(self) -> None:
        pass


class KeysScreen(Screen[None]):
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="save", tooltip="Save it"),
                Binding("f6", "drop", "Drop", id="drop", tooltip="Drop it")]
    drop_allowed = True

    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")
        yield XButton("x", id="xb")
        yield KeyFooter()

    def action_save(self) -> None:
        pass

    def action_drop(self) -> None:
        pass

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None: shown but disabled (False would hide the key altogether)
        return None if action == "drop" and not self.drop_allowed else True


class KeysApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(KeysScreen())


def footer_keys(screen) -> dict[str, FooterKey]:
    return {k.description: k for k in screen.query(FooterKey)}


async def test_key_footer_rebuilds_only_when_its_keys_change():
    app = KeysApp()
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        scr = app.screen
        scr.query_one("#one", Input).focus()
        await pilot.pause()
        before = footer_keys(scr)
        assert {"Save", "Drop"} <= set(before) and "Xdesc" not in before
        assert not before["Drop"].has_class("-disabled")
        # same shown keys: the very same FooterKey widgets (a plain Footer rebuilds them)
        scr.query_one("#two", Input).focus()
        await pilot.pause()
        after = footer_keys(scr)
        assert set(after) == set(before)
        assert all(after[d] is before[d] for d in before)
        # a widget with its own shown key: the footer shows it, and drops it again
        scr.query_one("#xb").focus()
        await pilot.pause()
        assert "Xdesc" in footer_keys(scr)
        scr.query_one("#one", Input).focus()
        await pilot.pause()
        assert "Xdesc" not in footer_keys(scr) and "Save" in footer_keys(scr)
        # an action that becomes unavailable: its key is dimmed
        scr.drop_allowed = False
        scr.refresh_bindings()
        await pilot.pause()
        assert footer_keys(scr)["Drop"].has_class("-disabled")
        assert not footer_keys(scr)["Save"].has_class("-disabled")
        scr.drop_allowed = True
        scr.refresh_bindings()
        await pilot.pause()
        assert not footer_keys(scr)["Drop"].has_class("-disabled")


async def _until(pilot, cond, tries: int = 200) -> bool:
    """Wait on a condition, a bounded number of short pauses."""
    for _ in range(tries):
        if cond():
            return True
        await pilot.pause(0.01)
    return cond()


async def test_gc_disabled_at_launch_is_enabled_once_the_app_is_up(store, db_path, monkeypatch):
    monkeypatch.setattr(FieldcoachApp, "GC_SETTLE_S", 0.001)  # a Textual timer cannot be 0
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        app = FieldcoachApp(db_path)
        async with app.run_test(size=(80, 24)) as pilot:
            assert await _until(pilot, gc.isenabled)
            assert gc.get_freeze_count() > 0  # what launch built is frozen
    finally:
        gc.unfreeze()
        gc.enable() if was_enabled else gc.disable()


async def test_gc_enabled_at_launch_is_left_alone(store, db_path, monkeypatch):
    monkeypatch.setattr(FieldcoachApp, "GC_SETTLE_S", 0.001)
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        app = FieldcoachApp(db_path)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(10):
                await pilot.pause(0.01)  # well past the (unset) timer
            assert gc.isenabled()
    finally:
        gc.enable() if was_enabled else gc.disable()
    assert frozen == []


PROBE = """\
import asyncio, sys
from screens.app import FieldcoachApp
from screens.home import HomeScreen
from screens.observe import ObservationScreen
HEAVY = ('sqlalchemy', 'textual.widgets._data_table')
app = FieldcoachApp(sys.argv[1])
async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            if isinstance(app.screen, ObservationScreen):
                break
            await pilot.pause()
        print('SCREEN', type(app.screen).__name__)
        await pilot.press(*'+ hi', 'enter')
        await pilot.pause()
        print('NOTE-LINE', *[m for m in HEAVY if m in sys.modules])
        await pilot.press('escape')
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, HomeScreen) and app.screen.data is not None:
                break
        print('SCREEN', type(app.screen).__name__)
        print('HOME', *[m for m in HEAVY if m in sys.modules])
        print('BUDGET', app.screen.query_one('#budget').render())
asyncio.run(main())
"""


def test_launch_into_a_call_defers_the_orm_and_home_tables(store, db_path, tmp_path):
    from fieldcoach import notes

    rep = services.add_rep(store, "Priya Shah")
    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, call_id)
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(db_path)],
                         capture_output=True, text=True, timeout=90)
    lines = out.stdout.splitlines()
    why = out.stdout + out.stderr
    assert "SCREEN ObservationScreen" in lines, why
    assert "NOTE-LINE" in lines, why  # neither the ORM nor DataTable was imported
    assert [n.text for n in notes.call_notes(store.con(), call_id)] == ["hi"]
    assert "SCREEN HomeScreen" in lines, why
    home = next(x for x in lines if x.startswith("HOME"))
    assert "textual.widgets._data_table" in home.split(), why
    assert "coaching this week" in next(x for x in lines if x.startswith("BUDGET")), why


def test_lookups_are_what_queries_re_exports(store):
    con = store.con()
    assert queries.settings is lookups.settings and queries.find_call is lookups.find_call
    assert queries.Settings is lookups.Settings and queries.CallRow is lookups.CallRow
    assert lookups.settings(con) == queries.settings(con)
    assert lookups.settings(con).name == "Alex Morgan"
    rep = services.add_rep(store, "Priya Shah")
    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    row = lookups.find_call(con, call_id)
    assert row == queries.find_call(con, call_id)
    assert (row.rep_name, row.account, row.status) == ("Priya Shah", "Acme", "planned")
    assert lookups.find_call(con, "no-such-call") is None
