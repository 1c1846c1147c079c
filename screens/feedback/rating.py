"""The ratings of the call's focus skills, 1 to 5: the rep's first, then the manager's
beside them (hidden until the rep has rated). Each key saves at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from fieldcoach.debrief import RATE_REP, DebriefStep
from fieldcoach.text import visible
from screens.feedback.messages import RatingSet
from screens.feedback.step import StepView

if TYPE_CHECKING:
    from fieldcoach.queries import SkillRow


def _rate(score: int) -> Binding:
    return Binding(str(score), f"rate({score})", f"Rate {score}", show=False, id=f"fb-rate-{score}",
                   tooltip=f"Rate the highlighted skill {score} of 5")


class RatingStep(StepView, can_focus=True):
    BINDINGS = [
        *(_rate(n) for n in range(1, 6)),
        Binding("0,space", "rate(0)", "Skip", show=False, id="fb-rate-skip",
                tooltip="Leave the highlighted skill unrated"),
        Binding("down,j", "move(1)", "Down", show=False, id="fb-rate-down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="fb-rate-up"),
    ]

    def __init__(self, step: DebriefStep, *, skills: Sequence[SkillRow],
                 ratings: dict[str, dict[str, int]]) -> None:
        """ratings: by ("rep", "manager") -> skill id -> score, as saved so far."""
        super().__init__(step)
        self.skills = list(skills)
        self.ratings = {by: dict(scores) for by, scores in ratings.items()}
        self.by = "rep" if step.kind == RATE_REP else "manager"
        self.cursor = 0

    def compose(self) -> ComposeResult:
        yield Static(Text(visible(self.step.prompt)), classes="prompt")
        yield Static(self.table(), id="rating-table", classes="table")
        yield Static("1–5 rate the highlighted skill · 0 or space skips · ↑↓ move · ctrl+n next",
                     classes="hint")

    def focus_first(self) -> None:
        self.focus()

    def table(self) -> Text:
        t = Text()
        rep = self.ratings.get("rep", {})
        mgr = self.ratings.get("manager", {})
        for i, s in enumerate(self.skills):
            t.append("▶ " if i == self.cursor else "  ", style="bold")
            t.append(f"{visible(s.name):<28.28}", style="bold" if i == self.cursor else "")
            rv = rep.get(s.id)
            if self.by == "rep":
                t.append(f" rep {rv if rv else '–'}/5", style="bold")
            else:
                mv = mgr.get(s.id)
                t.append(f" rep {rv if rv else '–'}/5", style="dim")
                t.append(f"   you {mv if mv else '–'}/5", style="bold")
            t.append("\n")
        return t

    def _redraw(self) -> None:
        self.query_one("#rating-table", Static).update(self.table())

    def action_rate(self, score: int) -> None:
        """Rate the highlighted skill (0 clears it) and move down."""
        if not self.skills:
            return
        sid = self.skills[self.cursor].id
        mine = self.ratings.setdefault(self.by, {})
        if score:
            mine[sid] = score
        else:
            mine.pop(sid, None)
        self.post_message(RatingSet(sid, self.by, score or None))
        self.action_move(1)

    def action_move(self, delta: int) -> None:
        if self.skills:
            self.cursor = min(max(self.cursor + delta, 0), len(self.skills) - 1)
            self._redraw()
