"""The text fields every form uses: Textual's Input and TextArea, keeping every character
a user types and drawing stored control characters as visible symbols.

Textual takes a key press as text only when `str.isprintable()` says so, which drops the
zero-width joiner inside 👨‍👩‍👧, zero-width and no-break spaces, bidi marks: a paste keeps
them, typing them lost them. Here any key that carries a character is typed, except a
control character. What the field holds (and saves) is never changed; only its drawing
goes through `visible`, one symbol per character, so the cursor stays where it belongs.

The multi-line TextBox lives in `screens.widgets.textbox` and is still importable from
here, loaded on first use: Textual's TextArea (its document model, ~8 ms of imports) is
then off the path to the note line, which needs only the one-line fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import Input

from fieldcoach.text import visible
from screens.widgets.keys import extra_typed, pasted_lines

if TYPE_CHECKING:
    from screens.widgets.textbox import TextBox

__all__ = ["NoteLine", "TextBox", "TextInput", "pasted_lines"]


def __getattr__(name: str) -> Any:
    if name == "TextBox":  # on first use (see the module docstring)
        from screens.widgets.textbox import TextBox

        return TextBox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class TextInput(Input):
    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return super().check_consume_key(key, character) or extra_typed(character)

    async def _on_key(self, event: events.Key) -> None:
        # Runs before Input's own handler, which stops here once the key is taken.
        if extra_typed(event.character):
            event.stop()
            event.prevent_default()
            self._restart_blink()
            if self.selection.is_empty:
                self.insert_text_at_cursor(event.character or "")
            else:
                self.replace(event.character or "", *self.selection)

    def _on_paste(self, event: events.Paste) -> None:
        # As Input's own (the first line of the paste), cut at a real line break only.
        if event.text:
            line = pasted_lines(event.text)[0]
            if self.selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *self.selection)
        event.prevent_default()
        event.stop()

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(visible(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text

    def _position_to_cell(self, position: int) -> int:
        return cell_len(visible(self.value[:position]))


class NoteLine(TextInput):
    """The note line: a pasted block of text is kept whole, its lines joined by spaces
    (a plain Input keeps only the first line of a paste)."""

    def _on_paste(self, event: events.Paste) -> None:
        if event.text:
            text = " ".join(part.strip() for part in pasted_lines(event.text) if part.strip())
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)
        event.prevent_default()  # not Input's own handler as well
        event.stop()
