"""The key footer every screen shows.

Textual's Footer throws its keys away and builds them again on every bindings signal:
each focus move and screen resume, several times before a screen's first frame, and each
key restyles itself twice as it mounts. This one rebuilds only when what it would show
has changed, which keeps launch and focus moves cheap. What it needs of Footer's
internals goes through `textual_compat` (tests/test_textual_compat.py checks it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from screens.widgets.textual_compat import FooterKey, footer_key_born, footer_keys_at_compose

ShownKeys = frozenset[tuple[str, str, str, bool, str]]


def _shown_keys(screen: Screen[Any]) -> ShownKeys:
    """What the footer would show for this screen: each visible key with its state. A set:
    the order of the same keys shifts as focus moves, and is not worth a rebuild."""
    palette = screen.app.COMMAND_PALETTE_BINDING
    return frozenset((key, b.action, b.description, enabled, tooltip)
                     for key, (_node, b, enabled, tooltip) in screen.active_bindings.items()
                     if b.show or key == palette)


class KeyFooter(Footer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._built_for: ShownKeys | None = None
        footer_keys_at_compose(self)

    def compose(self) -> Iterator[Widget]:
        self._built_for = _shown_keys(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Born with the style its compact watcher would give it (the footer's, or
                # compact for the palette key, which is not bound), so nothing to restyle.
                footer_key_born(widget, True if widget.has_class("-command-palette") else self.compact)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            keys = _shown_keys(screen)
            if keys == self._built_for:
                return
            self._built_for = keys
        super().bindings_changed(screen)
