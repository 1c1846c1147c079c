"""The rep's words, after the next step is agreed: with the laptop turned to them, the rep
acknowledges the recap (one key) and/or writes a comment of their own, or skips. What
they say travels with the call and shows, attributed to them, in the recap."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TextArea

from fieldcoach.debrief import REP_COMMENT_LIMIT, DebriefStep
from screens.feedback.messages import VoiceAcknowledged, VoiceGiven
from screens.feedback.next_step import steps_table
from screens.feedback.step import StepView
from screens.widgets.textbox import TextBox

if TYPE_CHECKING:
    from fieldcoach.queries import StepRow

VOICE_KEYS = "a: acknowledge · c or Tab: comment · ctrl+n: done (or skip) · ctrl+b: back"


class VoiceStep(StepView, can_focus=True):
    """Focused first, so `a` acknowledges at once; the comment box takes every key typed."""

    DEFAULT_CSS = """
    VoiceStep #voice-ack { height: 1; margin: 0 0 1 0; }
    VoiceStep #voice-ack.done { color: $success; text-style: bold; }
    VoiceStep #voice-comment { height: 5; }
    VoiceStep:focus #voice-ack { background: $boost; }
    """
    BINDINGS = [
        Binding("a", "acknowledge", "Acknowledge", id="fb-rep-ack",
                tooltip="The rep acknowledges the recap (press again to withdraw)"),
        Binding("c", "comment", "Comment", id="fb-rep-comment",
                tooltip="The rep writes a comment in their own words"),
    ]

    def __init__(self, step: DebriefStep, *, steps: list[StepRow], acknowledged_at: datetime | None,
                 comment: str, fields: dict[str, str], tz: tzinfo) -> None:
        """acknowledged_at, comment: as stored; fields: a draft's rep_ack/rep_comment to start from."""
        super().__init__(step)
        self.steps = steps
        self.stored_at = acknowledged_at
        self.stored_comment = comment
        self.acknowledged = fields.get("rep_ack", "1" if acknowledged_at else "") == "1"
        self.start_comment = fields.get("rep_comment", comment)
        self.tz = tz

    def compose(self) -> ComposeResult:
        yield Static("Turn the laptop to the rep.", classes="hint")
        yield Static("Rep's words: acknowledge the recap, add a comment in your own words, "
                     "or both.", classes="prompt")
        agreed = Text("Agreed next steps\n", style="bold")
        agreed.append_text(steps_table(self.steps, self.tz))
        agreed.rstrip()
        yield Static(agreed, classes="table")
        yield Static("", id="voice-ack")
        yield Static("The rep's comment (optional)", classes="hint")
        yield TextBox(self.start_comment, id="voice-comment", soft_wrap=True, show_line_numbers=False,
                      placeholder="The rep's comment (optional)")
        yield Static("", id="voice-error", classes="field-error blank", markup=False)
        yield Static(VOICE_KEYS, classes="hint")

    def on_mount(self) -> None:
        self._show_ack()

    def _show_ack(self) -> None:
        w = self.query_one("#voice-ack", Static)
        if self.acknowledged:
            at = self.stored_at.astimezone(self.tz).strftime(" at %H:%M") if self.stored_at else ""
            w.update(f"☑ Acknowledged by the rep{at}  (a: withdraw)")
        else:
            w.update("☐ Not acknowledged  (a: the rep acknowledges the recap)")
        w.set_class(self.acknowledged, "done")

    @property
    def comment(self) -> TextArea:
        return self.query_one("#voice-comment", TextArea)

    def focus_first(self) -> None:
        self.focus()

    def action_acknowledge(self) -> None:
        self.acknowledged = not self.acknowledged
        self._show_ack()
        self.post_message(VoiceAcknowledged())

    def action_comment(self) -> None:
        self.comment.focus()

    def submit(self) -> None:
        text = self.comment.text
        if len(text) > REP_COMMENT_LIMIT:
            self.say("#voice-error", f"Keep the comment under {REP_COMMENT_LIMIT:,} characters.")
            return
        self.post_message(VoiceGiven(self.acknowledged, text))

    def refused(self, text: str) -> None:
        self.say("#voice-error", text)

    @on(TextArea.Changed)
    def _typed(self) -> None:  # the message goes on up: the screen keeps the draft
        self.clear_errors()

    def draft_fields(self) -> dict[str, str]:
        return {"rep_ack": "1" if self.acknowledged else "", "rep_comment": self.comment.text}

    def draft_baseline(self) -> dict[str, str]:
        return {"rep_ack": "1" if self.stored_at else "", "rep_comment": self.stored_comment}
