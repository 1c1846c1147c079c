"""The recap of a finished debrief: the agreed next steps first (above the fold at 80x24),
then the whole recap, which scrolls; copy it as text or Markdown, or save it as a file."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.css.query import NoMatches
from textual.widgets import Static

from fieldcoach.recap import REP_WORDS, rep_voice
from fieldcoach.text import visible
from screens.feedback.messages import RecapSaveAsked
from screens.feedback.next_step import steps_table
from screens.feedback.step import StepView

if TYPE_CHECKING:
    from fieldcoach.feedback import ClosedDebrief

RECAP_KEYS = "c copy text · m copy Markdown · s save file · Escape home"
RECAP_MORE = " · ↓ more below"


class RecapView(StepView, can_focus=True):
    """Focused, so its keys apply; ↓ and PgDn reach the scrolling column around it."""

    DEFAULT_CSS = """
    RecapView #recap-text { height: auto; padding: 0 1; border: round $primary; }
    """
    BINDINGS = [
        Binding("c", "copy('text')", "Copy text", id="fb-copy-text",
                tooltip="Copy the recap as plain text"),
        Binding("m", "copy('markdown')", "Copy Markdown", id="fb-copy-md",
                tooltip="Copy the recap as Markdown"),
        Binding("s", "save", "Save file", id="fb-save-recap",
                tooltip="Save the recap as a Markdown file beside the database"),
    ]

    text = ""       # the recap as plain text, once the debrief is closed
    markdown = ""   # and as Markdown

    def compose(self) -> ComposeResult:
        yield Static(RECAP_KEYS, id="recap-keys", classes="hint")
        yield Static("", id="recap-steps", classes="table")
        yield Static("Closing the debrief…", id="recap-text", markup=False)

    def focus_first(self) -> None:
        self.focus()

    def show(self, closed: ClosedDebrief, tz: tzinfo) -> None:
        self.text, self.markdown = closed.text, closed.markdown
        self.query_one("#recap-text", Static).update(Text(closed.text))
        steps = Text()
        steps.append("Agreed next steps\n", style="bold")
        steps.append_text(steps_table(closed.detail.steps, tz))
        voice = rep_voice(closed.detail, tz)
        if voice:  # the rep's own words, above the fold too
            steps.append(f"\n{REP_WORDS}\n", style="bold")
            for label, said in voice:
                steps.append(f"{label}: ", style="italic")
                steps.append(visible(said) + "\n")
        steps.rstrip()
        self.query_one("#recap-steps", Static).update(steps)
        self.call_after_refresh(self._hint_more)

    def _hint_more(self) -> None:
        """Say that the recap goes on below the fold, when it does."""
        try:
            column = self.query_ancestor(ScrollableContainer)
        except NoMatches:
            return
        more = column.max_scroll_y > 0
        self.query_one("#recap-keys", Static).update(RECAP_KEYS + (RECAP_MORE if more else ""))

    def action_copy(self, fmt: str) -> None:
        text = self.markdown if fmt == "markdown" else self.text
        if not text:
            return
        self.app.copy_to_clipboard(text)
        self.notify("Recap copied as " + ("Markdown" if fmt == "markdown" else "plain text"))

    def action_save(self) -> None:
        if self.markdown:
            self.post_message(RecapSaveAsked())
