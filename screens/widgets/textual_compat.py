"""Every place fieldcoach leans on Textual's private API, behind one fence.

Textual is pinned to the 8.2 series (pyproject.toml). Where its public API has no way to
do what launch speed or a fix needs, the private name is used here and nowhere else but
in the widget overrides listed in LEANS_ON; tests/test_textual_compat.py checks each lean
against the installed Textual and fails with a message naming it, so an upgrade breaks
there, not in a screen at run time.

Kept light: this module is on the way to the first frame (the footer and the default
screen use it), so it imports only what launch imports anyway.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported by textual.widgets

__all__ = ["FooterKey", "CrashHook", "footer_keys_at_compose", "footer_key_born", "replaceable_bottom"]

# (module, class, attribute, why): each private name used, and the reason. The widget
# overrides (fields, choices) must keep Textual's names to take effect at all.
LEANS_ON: tuple[tuple[str, str, str, str], ...] = (
    ("textual.widgets._footer", "FooterKey", "", "the footer's key widget, restyled as it is built"),
    ("textual.widgets._footer", "Footer", "_bindings_ready",
     "keys built in the screen's first layout, not in a second pass after it"),
    ("textual.screen", "Screen", "_push_result_callback",
     "the default screen can be switched away like a pushed one"),
    ("textual.screen", "Screen", "_pop_result_callback",
     "what switch_screen calls on the screen it replaces"),
    ("textual.app", "App", "_handle_exception", "drafts are kept before a crash exit"),
    ("textual.widgets._input", "Input", "_on_key", "typed zero-width joiners are kept"),
    ("textual.widgets._input", "Input", "_on_paste", "a paste is cut at real line breaks only"),
    ("textual.widgets._input", "Input", "_value", "stored control characters drawn as symbols"),
    ("textual.widgets._input", "Input", "_position_to_cell", "the cursor under a drawn symbol"),
    ("textual.widgets._input", "Input", "_restart_blink", "the cursor shows after a typed character"),
    ("textual.widgets._text_area", "TextArea", "_on_key", "typed zero-width joiners are kept"),
    ("textual.widgets._text_area", "TextArea", "_restart_blink", "the cursor shows after a typed character"),
    ("textual.widgets._text_area", "TextArea", "_replace_via_keyboard", "a typed character, undoable"),
    ("textual.widgets._toggle_button", "ToggleButton", "_button",
     "a chosen radio button reads without colour"),
)


def footer_keys_at_compose(footer: Footer) -> None:
    """Build the footer's keys in its first compose: Textual's Footer waits for a bindings
    signal and composes again after the screen's first frame."""
    footer.set_reactive(Footer._bindings_ready, True)


def footer_key_born(key: FooterKey, compact: bool) -> None:
    """Give a footer key the style its `compact` watcher would give it, before it mounts
    (nothing to restyle: each key restyled itself twice as it mounted)."""
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)


def replaceable_bottom(screen: Screen[Any]) -> Screen[Any]:
    """A screen for App.get_default_screen that switch_screen can replace.

    switch_screen takes a result callback off the screen it replaces; pushed screens carry
    one, the default screen does not (Textual 8.2), and switching it away would fail. The
    call opened at launch is the bottom screen and gives way to feedback or home."""
    screen._push_result_callback(screen, None)
    return screen


class CrashHook:
    """App mixin (before App in the bases): `before_crash_exit(error)` runs when an
    unhandled exception is about to end the app, then Textual exits as usual."""

    def before_crash_exit(self, error: Exception) -> None:  # pragma: no cover - overridden
        """Keep what can be kept; must not raise."""

    def _handle_exception(self, error: Exception) -> None:
        try:
            self.before_crash_exit(error)
        finally:
            super()._handle_exception(error)  # type: ignore[misc]  # mixin: the next base is App
