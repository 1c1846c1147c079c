"""The agreed next step(s): who does what, by when. At least one before the recap; the
date is read back as it is typed, and a date that cannot be read is refused at its field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, RadioButton, RadioSet, Static

from fieldcoach.debrief import DebriefStep
from fieldcoach.text import visible
from screens.feedback.messages import StepAdded, StepDone
from screens.feedback.step import StepView
from screens.widgets.choices import Choice
from screens.widgets.fields import TextInput

if TYPE_CHECKING:
    from fieldcoach.dates import ParsedWhen
    from fieldcoach.queries import StepRow


def steps_table(steps: Sequence[StepRow], tz: tzinfo) -> Text:
    """The next steps agreed on the call, one a line."""
    t = Text()
    if not steps:
        t.append("No next step agreed yet (at least one is needed).", style="dim")
        return t
    for s in steps:
        due = s.due_at.astimezone(tz).strftime("%a %d %b") if s.due_at else "no date"
        t.append("✓ ", style="green bold")
        t.append(f"{'Rep' if s.owner == 'rep' else 'Manager'}: ", style="bold")
        t.append(visible(s.action) + " ")
        t.append(f"— by {due}\n", style="dim")
    return t


class NextStepForm(StepView):
    DEFAULT_CSS = """
    NextStepForm RadioSet { height: auto; layout: horizontal; margin-bottom: 1; }
    NextStepForm #step-due { margin-top: 1; }
    """
    # priority: the action and date fields (Input) take ctrl+a for "home" otherwise
    BINDINGS = [
        Binding("ctrl+a", "add", "Add step", id="fb-add-step", priority=True,
                tooltip="Add the next step typed here"),
    ]

    def __init__(self, step: DebriefStep, *, steps: Sequence[StepRow], fields: dict[str, str],
                 tz: tzinfo, now: Callable[[], datetime], dayfirst: bool) -> None:
        """steps: agreed so far; fields: a draft's owner/action/due to start from."""
        super().__init__(step)
        self.steps = list(steps)
        self.fields = fields
        self.tz = tz
        self.now = now
        self.dayfirst = dayfirst

    def compose(self) -> ComposeResult:
        fields = self.fields
        yield Static(Text(visible(self.step.prompt)), classes="prompt")
        yield Static(steps_table(self.steps, self.tz), id="steps-table", classes="table")
        yield Static("Owner", classes="hint")
        yield RadioSet(Choice("Rep", value=fields.get("owner", "rep") == "rep", id="owner-rep"),
                       Choice("Manager", value=fields.get("owner") == "manager", id="owner-manager"),
                       id="step-owner", compact=True)
        yield TextInput(value=fields.get("action", ""), placeholder="What will be done", id="step-action",
                        compact=True)
        yield Static("", id="action-error", classes="field-error blank", markup=False)
        yield TextInput(value=fields.get("due", ""), placeholder='By when, e.g. "fri", "in 3 days"',
                        id="step-due", compact=True)
        yield Static("", id="due-echo", classes="hint blank", markup=False)
        yield Static("", id="due-error", classes="field-error blank", markup=False)
        yield Static("Enter in 'by when' or ctrl+a adds the step · ctrl+n: finish and recap",
                     classes="hint")

    def on_mount(self) -> None:
        self._echo_due(self._input("#step-due").value)

    def _input(self, selector: str) -> Input:
        return self.query_one(selector, Input)

    def focus_first(self) -> None:
        action = self._input("#step-action")
        action.focus()
        action.cursor_position = len(action.value)

    def typed(self) -> dict[str, str]:
        owner = "manager" if self.query_one("#owner-manager", RadioButton).value else "rep"
        return {"owner": owner, "action": self._input("#step-action").value,
                "due": self._input("#step-due").value}

    def draft_fields(self) -> dict[str, str]:
        fields = self.typed()
        if not any(fields[k].strip() for k in ("action", "due")):
            del fields["owner"]  # the owner alone is no draft
        return fields

    def draft_baseline(self) -> dict[str, str]:
        return {"action": "", "due": ""}

    def _echo_due(self, text: str) -> ParsedWhen | None:
        """Read the date back under its field; None when empty or unreadable (said at the
        field)."""
        from fieldcoach.dates import DateParseError, parse_due

        if not text.strip():
            self.say("#due-echo", "")
            return None
        try:
            p = parse_due(text, self.now(), tz=self.tz, dayfirst=self.dayfirst)
        except DateParseError as exc:
            self.say("#due-echo", "")
            self.say("#due-error", str(exc))
            return None
        self.say("#due-echo", f"→ {p.describe()}" + ("  (already past)" if p.in_past else ""))
        return p

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:  # goes on up: the screen keeps the draft
        self.clear_errors()
        if event.input.id == "step-due":
            self._echo_due(event.value)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "step-action":
            self._input("#step-due").focus()
        elif event.input.id == "step-due":
            self.action_add()

    def action_add(self, then_next: bool = False) -> None:
        """Check the step typed here and hand it to the screen to save."""
        fields = self.typed()
        action = fields["action"].strip()
        if not action:
            self.say("#action-error", "Say what will be done.")
            self._input("#step-action").focus()
            return
        due = None
        if fields["due"].strip():
            parsed = self._echo_due(fields["due"])
            if parsed is None:
                self._input("#step-due").focus()
                return
            due = parsed.at
        self.post_message(StepAdded(fields["owner"], action, due, then_next))

    def submit(self) -> None:
        """Next: a step still typed here is added first; without any step, refused."""
        fields = self.typed()
        if fields["action"].strip() or fields["due"].strip():
            self.action_add(then_next=True)
        elif not self.steps:
            self.say("#action-error", "Agree at least one next step: who does what, by when.")
        else:
            self.post_message(StepDone())

    def saved(self, steps: Sequence[StepRow]) -> None:
        """The step was saved: show it, empty the fields for another."""
        self.steps = list(steps)
        self.query_one("#steps-table", Static).update(steps_table(self.steps, self.tz))
        self._input("#step-action").value = ""
        self._input("#step-due").value = ""
        self._input("#step-action").focus()

    def refused(self, field: str, message: str) -> None:
        """The store refused the step: say why at its field."""
        self.say("#due-error" if field == "due" else "#action-error", message)
