"""Textual's private API, as fieldcoach leans on it (screens/widgets/textual_compat.py).

Each test names the private name it checks: after a Textual upgrade, a failure here says
what moved, and the fence module is the one place to change."""

from __future__ import annotations

import importlib
import inspect

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from screens.widgets.footer import KeyFooter
from screens.widgets.textual_compat import (
    LEANS_ON,
    CrashHook,
    FooterKey,
    footer_keys_at_compose,
    replaceable_bottom,
)


@pytest.mark.parametrize(("module", "cls", "attr", "why"), LEANS_ON,
                         ids=[f"{c}.{a}" if a else c for _m, c, a, _w in LEANS_ON])
def test_every_private_name_we_lean_on_is_still_there(module, cls, attr, why):
    where = f"{module}.{cls}{'.' + attr if attr else ''}"
    try:
        owner = getattr(importlib.import_module(module), cls)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"Textual no longer has {module}.{cls} ({why}): {exc}. "
                    "Change screens/widgets/textual_compat.py.")
    if attr:
        assert hasattr(owner, attr), (f"Textual no longer has {where}, which fieldcoach leans on "
                                      f"({why}). Change screens/widgets/textual_compat.py.")


def test_the_result_callback_methods_take_what_we_pass():
    push = inspect.signature(Screen._push_result_callback)
    assert list(push.parameters)[:3] == ["self", "requester", "callback"], (
        f"Screen._push_result_callback changed its signature to {push}: "
        "textual_compat.replaceable_bottom calls it as (screen, None).")
    assert list(inspect.signature(Screen._pop_result_callback).parameters) == ["self"], (
        "Screen._pop_result_callback changed: switch_screen may no longer need a callback to take off.")


class Named(Screen[None]):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def compose(self) -> ComposeResult:
        yield Static(self.label)


class BottomApp(App[None]):
    prepared = True

    def get_default_screen(self) -> Screen:
        screen = Named("bottom")
        return replaceable_bottom(screen) if self.prepared else screen


async def test_the_default_screen_can_be_switched_away():
    app = BottomApp()
    async with app.run_test(size=(40, 8)) as pilot:
        await app.switch_screen(Named("next"))
        await pilot.pause()
        assert isinstance(app.screen, Named) and app.screen.label == "next"
        assert len(app.screen_stack) == 1


async def test_the_lean_is_still_needed_to_switch_the_default_screen():
    """If Textual lets the default screen be switched as it is, replaceable_bottom (and its
    private call) can go: this test says so by failing."""
    app = BottomApp()
    app.prepared = False
    with pytest.raises(IndexError):
        async with app.run_test(size=(40, 8)) as pilot:
            await app.switch_screen(Named("next"))
            await pilot.pause()


class KeysScreen(Screen[None]):
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="save", tooltip="Save it")]

    def compose(self) -> ComposeResult:
        yield Static("x")
        yield KeyFooter()

    def action_save(self) -> None:
        pass


class KeysApp(App[None]):
    def get_default_screen(self) -> Screen:
        return KeysScreen()


async def test_the_footer_builds_its_keys_in_its_first_compose_born_with_their_style():
    built: list[int] = []

    class Counting(KeyFooter):
        def compose(self):
            widgets = list(super().compose())
            built.append(sum(isinstance(w, FooterKey) for w in widgets))
            yield from widgets

    class Screen1(KeysScreen):
        def compose(self) -> ComposeResult:
            yield Static("x")
            yield Counting()

    class App1(App[None]):
        def get_default_screen(self) -> Screen:
            return Screen1()

    async with App1().run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        assert built and built[0] > 0, ("Footer._bindings_ready no longer makes the footer build its keys "
                                        "in its first compose (textual_compat.footer_keys_at_compose)")
        keys = list(pilot.app.screen.query(FooterKey))
        assert keys and {k.description for k in keys} >= {"Save"}
        for key in keys:
            assert key.has_class("-compact") == key.compact, "FooterKey.compact no longer sets -compact"


async def test_a_plain_footer_waits_for_the_bindings_signal():
    """What footer_keys_at_compose changes: Textual's own Footer composes nothing at first."""
    footer = Footer()
    assert list(footer.compose()) == []
    footer_keys_at_compose(footer)
    assert footer._bindings_ready is True


async def test_the_crash_hook_runs_before_textual_exits():
    seen: list[str] = []

    class Boom(Screen[None]):
        def on_mount(self) -> None:
            raise RuntimeError("boom")

    class CrashApp(CrashHook, App[None]):
        def get_default_screen(self) -> Screen:
            return Boom()

        def before_crash_exit(self, error: Exception) -> None:
            seen.append(str(error))

    app = CrashApp()
    with pytest.raises(RuntimeError, match="boom"):
        async with app.run_test(size=(40, 8)) as pilot:
            await pilot.pause()
    assert seen == ["boom"], "App._handle_exception no longer reaches CrashHook.before_crash_exit"
    assert app.return_code == 1


def test_no_other_module_of_the_screens_reaches_textual_internals():
    """Private Textual modules are imported, and the fenced private calls made, only in the
    fence (the widget overrides of LEANS_ON keep Textual's names by necessity)."""
    import ast
    from pathlib import Path

    import screens

    root = Path(screens.__file__).parent
    fenced = {"_push_result_callback", "_pop_result_callback", "_bindings_ready", "_handle_exception"}
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "textual_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: imports {n}" for n in names
                          if n.startswith("textual.") and any(p.startswith("_") for p in n.split("."))]
            if isinstance(node, ast.Attribute) and node.attr in fenced:
                offenders.append(f"{path.name}:{node.lineno}: uses {node.attr}")
            if isinstance(node, ast.FunctionDef) and node.name in fenced:
                offenders.append(f"{path.name}:{node.lineno}: overrides {node.name}")
    assert offenders == [], "use screens/widgets/textual_compat.py instead: " + "; ".join(offenders)
