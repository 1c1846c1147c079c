"""What every step widget of the script shares: the step it shows, `submit` (the
screen's Next), the fields a draft keeps, and the one-line messages under its fields."""

from __future__ import annotations

from textual.containers import VerticalGroup
from textual.widgets import Static

from fieldcoach.debrief import DebriefStep
from fieldcoach.text import visible
from screens.feedback.messages import StepDone


class StepView(VerticalGroup):
    DEFAULT_CSS = """
    StepView .prompt { text-style: bold; margin: 1 0 1 0; height: auto; }
    StepView .hint { color: $text-muted; height: auto; }
    StepView .table { height: auto; margin: 0 0 1 0; }
    StepView .blank { display: none; }
    """

    def __init__(self, step: DebriefStep) -> None:
        super().__init__()
        self.step = step

    def submit(self) -> None:
        """The manager asks for the next step (ctrl+n)."""
        self.post_message(StepDone())

    def focus_first(self) -> None:
        """Give the keys to what the manager acts on first."""
        self.screen.set_focus(None)

    def draft_fields(self) -> dict[str, str]:
        """What a draft keeps of this step; compared with draft_baseline()."""
        return {}

    def draft_baseline(self) -> dict[str, str]:
        """The fields as stored: no draft is kept while they are unchanged."""
        return {}

    def say(self, selector: str, text: str) -> None:
        """Show text (stored or typed: control characters made visible) in a one-line
        message; an empty text hides the line."""
        for w in self.query(selector):
            if isinstance(w, Static):
                w.update(visible(text))
                w.set_class(not text, "blank")

    def clear_errors(self) -> None:
        for w in self.query(".field-error"):
            if isinstance(w, Static) and not w.has_class("blank"):
                w.update("")
                w.add_class("blank")
