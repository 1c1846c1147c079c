"""The multi-line text field (Textual's TextArea) keeping every character a user types and
drawing stored control characters as visible symbols; see `screens.widgets.fields`."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import TextArea

from fieldcoach.text import visible
from screens.widgets.keys import extra_typed


class TextBox(TextArea):
    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return super().check_consume_key(key, character) or (not self.read_only and extra_typed(character))

    async def _on_key(self, event: events.Key) -> None:
        if not self.read_only and extra_typed(event.character):
            event.stop()
            event.prevent_default()
            self._restart_blink()
            start, end = self.selection
            self._replace_via_keyboard(event.character or "", start, end)

    def get_line(self, line_index: int) -> Text:
        return Text(visible(self.document.get_line(line_index)), end="", no_wrap=True)
