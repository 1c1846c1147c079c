"""A question of the script the rep answers: the self-assessment, each observation put
as a question, keep / stop / start. Enter (or ctrl+n) gives the answer; empty skips."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from fieldcoach import coaching
from fieldcoach.debrief import DebriefStep
from fieldcoach.text import visible
from screens.feedback.messages import AnswerGiven
from screens.feedback.step import StepView
from screens.widgets.fields import TextInput

ANSWER_LIMIT = 20_000  # characters, as the store allows


class AnswerStep(StepView):
    def __init__(self, step: DebriefStep, *, saved: str, value: str) -> None:
        """saved: the answer as stored; value: what the field starts with (a draft)."""
        super().__init__(step)
        self.saved = saved
        self.value = value

    def compose(self) -> ComposeResult:
        who = ("Ask the rep" if self.step.stage != coaching.STAGE_OBSERVATIONS
               else "Ask the rep (your note, as a question)")
        yield Static(who, classes="hint")
        yield Static(Text(visible(self.step.prompt)), classes="prompt")
        yield TextInput(value=self.value, placeholder="The rep's answer (Enter: next; leave empty to skip)",
                        id="answer", compact=True)
        yield Static("", id="answer-error", classes="field-error blank", markup=False)
        yield Static("Enter or ctrl+n: next · ctrl+b: back", classes="hint")

    @property
    def field(self) -> Input:
        return self.query_one("#answer", Input)

    def focus_first(self) -> None:
        self.field.focus()
        self.field.cursor_position = len(self.field.value)

    def submit(self) -> None:
        value = self.field.value
        if len(value) > ANSWER_LIMIT:
            self.say("#answer-error", "Keep an answer under 20,000 characters.")
            return
        self.post_message(AnswerGiven(self.step, value))

    @on(Input.Submitted, "#answer")
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Input.Changed)
    def _typed(self) -> None:  # the message goes on up: the screen keeps the draft
        self.clear_errors()

    def draft_fields(self) -> dict[str, str]:
        return {"answer": self.field.value}

    def draft_baseline(self) -> dict[str, str]:
        return {"answer": self.saved}
