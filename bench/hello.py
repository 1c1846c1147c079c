"""The baseline for launch figures: a hello-world Textual app (Header, Static, Footer).

It shows MARKER once mounted, and echoes typed characters into the Static so that
"accepting keys" is measured the same way as on the note line (type, wait for echo).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.events import Key
from textual.widgets import Footer, Header, Static

MARKER = "hello bench ready"


class HelloApp(App[None]):
    TITLE = "hello"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(MARKER, id="text", markup=False)
        yield Footer()

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isprintable():
            static = self.query_one("#text", Static)
            static.update(f"{MARKER} {self._typed + event.character}")
            self._typed += event.character

    _typed = ""


if __name__ == "__main__":
    HelloApp().run()
