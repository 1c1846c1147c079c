"""The key footer every screen shows.

Textual's Footer throws its keys away and builds them again on every bindings signal:
each focus move and screen resume, several times before a screen's first frame, and each
key restyles itself twice as it mounts. This one rebuilds only when what it would show
has changed, which keeps launch and focus moves cheap. It leans on Footer internals of
Textual 8 (`_bindings_ready`, FooterKey's `compact`); tests/test_launch_design.py and the
snapshots notice if they move.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def _shown_keys(screen: Screen) -> frozenset:
    """What the footer would show for this screen: each visible key with its state. A set:
    the order of the same keys shifts as focus moves, and is not worth a rebuild."""
    palette = screen.app.COMMAND_PALETTE_BINDING
    return frozenset((key, b.action, b.description, enabled, tooltip)
                 for key, (_node, b, enabled, tooltip) in screen.active_bindings.items()
                 if b.show or key == palette)


class KeyFooter(Footer):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._built_for: frozenset | None = None
        # keys built with the screen's first layout rather than in a second pass after it
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self):
        self._built_for = _shown_keys(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Born with the style its compact watcher would give it (the footer's, or
                # compact for the palette key, which is not bound), so nothing to restyle.
                compact = True if widget.has_class("-command-palette") else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            keys = _shown_keys(screen)
            if keys == self._built_for:
                return
            self._built_for = keys
        super().bindings_changed(screen)
