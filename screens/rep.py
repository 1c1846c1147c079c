"""One rep's page: the shared goal, the expectations checklist, open next steps, skill
and self-assessment trends, and numbered coaching sessions (gaps in cadence show). The
forms it opens (goal, expectations, the rep) are the App's to open; this page reloads
when they close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import Header, Static

from fieldcoach import queries
from fieldcoach.text import visible
from screens.base import BaseScreen, Failed, Loaded
from screens.widgets.columns import Col
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.footer import KeyFooter
from screens.widgets.formatting import fmt_day, sparkline
from screens.widgets.tables import FitTable

if TYPE_CHECKING:
    from fieldcoach.queries import RepDetail, SkillRow, StepRow
    from fieldcoach.store import Store

CADENCE_GAP_DAYS = 14  # a gap longer than two weeks between sessions is called out
STEP_COLS = (Col("Due", "due"), Col("Who", "who"), Col("Next step", "step", flex=True, min=12))

PAGE = "the rep's page"  # the page's load
STEP = "the step"        # marking a step done or deleting it


@dataclass(frozen=True)
class RepPage:
    """What the page shows (None: the rep is gone), and the skills the goal form offers."""

    detail: RepDetail | None
    skills: list[SkillRow]


def load_rep_page(store: Store, rep_id: str, now: datetime) -> RepPage:
    return RepPage(store.read(queries.rep_detail, rep_id, now), store.read(queries.skills))


def close_step(store: Store, step: StepRow, *, delete: bool, now: datetime) -> str:
    """Mark the step done (or delete it); returns the line that says so."""
    from fieldcoach import services  # the ORM: imported in the worker, off the UI thread

    if delete:
        services.delete_step(store, step.id)
    else:
        services.complete_step(store, step.id, now=now)
    return ("Deleted: " if delete else "Done: ") + step.action


class RepScreen(BaseScreen[None]):
    BINDINGS = [
        Binding("g", "goal", "Goal", id="rep-goal", tooltip="Agree or edit the shared goal and focus skills"),
        Binding("x", "expectations", "Expectations", id="rep-expectations",
                tooltip="Edit what the rep prepares before every call"),
        Binding("n", "new_call", "New call", id="rep-new-call", tooltip="Set up a call with this rep"),
        Binding("e", "edit", "Edit rep", id="rep-edit", tooltip="Name, role, territory"),
        Binding("d", "step_done", "Step done", id="rep-step-done",
                tooltip="Mark the selected next step done"),
        Binding("delete", "delete_step", "Delete step", id="rep-delete-step",
                tooltip="Delete the selected next step (asks first)"),
        Binding("F", "forget", "Forget rep", id="rep-forget", show=False,
                tooltip="Remove everything about this rep, here and in the team store (asks first)"),
    ]
    PALETTE = (
        ("screen.goal", "Agree goal", "Agree or edit this rep's shared goal"),
        ("screen.expectations", "Edit expectations", "What the rep prepares before every call"),
        ("screen.new_call", "New call with this rep", "Pre-call setup for this rep"),
        ("screen.forget", "Forget this rep",
         "Remove everything about this rep (data protection; asks first)"),
    )
    DEFAULT_CSS = """
    RepScreen #rep-body { height: 1fr; }
    RepScreen #rep-cols { height: auto; layout: vertical; }
    RepScreen.wide #rep-cols { layout: horizontal; }
    RepScreen .col { height: auto; padding: 0 1; }
    RepScreen.wide .col { width: 1fr; }
    RepScreen #rep-steps { height: auto; max-height: 10; }
    """

    def __init__(self, rep_id: str) -> None:
        super().__init__()
        self.rep_id = rep_id
        self.detail: RepDetail | None = None
        self.skills: list[SkillRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="rep-body"):
            with Vertical(id="rep-cols"):
                with Vertical(classes="col"):
                    yield Static("Loading…", id="rep-title")
                    yield Static("Shared goal (g)", classes="section-title")
                    yield Static("", id="rep-goal")
                    yield Static("Expectations before every call (x)", classes="section-title")
                    yield Static("", id="rep-expectations")
                    yield Static("Open next steps (d done, delete removes)", classes="section-title")
                    yield Static("", id="rep-steps-empty", classes="muted")
                    yield FitTable(STEP_COLS, id="rep-steps", cursor_type="row")
                with Vertical(classes="col"):
                    yield Static("Skill trend (manager's ratings, oldest first)", classes="section-title")
                    yield Static("", id="rep-trend")
                    yield Static("Self-assessment accuracy (gap to manager, per debrief)",
                                 classes="section-title")
                    yield Static("", id="rep-accuracy")
                    yield Static("Coaching sessions", classes="section-title")
                    yield Static("", id="rep-sessions")
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_blocking(PAGE, load_rep_page, self.fc.store, self.rep_id, self.fc.now())

    def on_loaded(self, message: Loaded) -> None:
        if message.what == PAGE:
            self._show(message.value)
        elif message.what == STEP:
            self.notify(escape(message.value))
            self.load()

    def on_failed(self, message: Failed) -> None:
        # The page has no field lines: a refusal (a step another process removed) is notified.
        self.notify(escape(message.text), severity="error")

    def _show(self, page: RepPage) -> None:
        d = page.detail
        if d is None:
            if self.leave():  # a read answering after the page was left (forgetting) leaves nothing
                self.notify("That rep no longer exists.", severity="warning")
            return
        self.detail, self.skills = d, page.skills
        tz = self.fc.tz
        self.sub_title = visible(d.name)
        title = Text(visible(d.name), style="bold")
        extra = visible(" · ".join(x for x in (d.role, d.territory) if x))
        if extra:
            title.append("  " + extra, style="dim")
        self.query_one("#rep-title", Static).update(title)

        if d.goal:
            goal = Text("“")
            goal.append(visible(d.goal.statement))
            goal.append("”\nFocus skills: ")
            goal.append(visible(", ".join(d.goal.skill_names)), style="bold")
        else:
            goal = Text("No goal agreed yet. Press g to agree one with the rep: it is where every "
                        "coaching call starts.", style="red")
        self.query_one("#rep-goal", Static).update(goal)

        exp = Text()
        for e in d.expectations:
            exp.append("☐ ")
            exp.append(visible(e.text))
            exp.append("\n")
        exp.rstrip()
        self.query_one("#rep-expectations", Static).update(
            exp if d.expectations else Text("None yet. Press x to list them.", style="dim"))

        table = self.query_one("#rep-steps", FitTable)
        table.clear()
        for st in d.steps:
            due = Text(fmt_day(st.due_at, tz) if st.due_at else "no date")
            if st.overdue:
                due = Text(f"overdue {fmt_day(st.due_at, tz)}", style="bold red")
            table.add_row(due, Text(st.owner), Text(visible(st.action)), key=st.id)
        table.fit()
        table.display = bool(d.steps)
        empty = self.query_one("#rep-steps-empty", Static)
        empty.update("" if d.steps else "No open next steps.")
        empty.display = not d.steps

        trend = Text()
        width = max((len(n) for n in d.skill_trend), default=0)
        for name, scores in sorted(d.skill_trend.items()):
            trend.append(visible(name).ljust(width) + "  ")
            trend.append(" ".join(str(s) for s in scores[-12:]), style="bold")
            trend.append("  " + sparkline(scores[-12:]), style="cyan")
            if len(scores) >= 2:
                delta = scores[-1] - scores[0]
                trend.append("  ↑" if delta > 0 else ("  ↓" if delta < 0 else "  →"),
                             style="green" if delta > 0 else ("red" if delta < 0 else ""))
            trend.append("\n")
        trend.rstrip()
        self.query_one("#rep-trend", Static).update(
            trend if d.skill_trend else Text("No ratings yet.", style="dim"))

        acc = Text()
        if d.accuracy_trend:
            acc.append(" ".join(f"{g:.1f}" for g in d.accuracy_trend[-12:]), style="bold")
            if len(d.accuracy_trend) >= 2:
                first, last = d.accuracy_trend[0], d.accuracy_trend[-1]
                if last < first:
                    acc.append("\nGap closing: the rep sees their own performance more clearly.",
                               style="green")
                elif last > first:
                    acc.append("\nGap widening: ask more, tell less.", style="red")
                else:
                    acc.append("\nGap steady.", style="dim")
        else:
            acc.append("No debrief with both ratings yet.", style="dim")
        self.query_one("#rep-accuracy", Static).update(acc)

        sess = Text()
        for s in d.sessions:
            sess.append(f"#{s.number:<3} ", style="bold")
            sess.append(fmt_day(s.call.ended_at, tz).ljust(7))
            sess.append("  ")
            sess.append(visible(s.call.account))
            if s.gap_days is not None and s.gap_days > CADENCE_GAP_DAYS:
                sess.append(f"  after {s.gap_days} days: gap", style="bold red")
            elif s.gap_days is not None:
                sess.append(f"  after {s.gap_days} days", style="dim")
            if s.rep_words:  # the recap (Enter on the call) shows what they said
                sess.append("  rep's words", style="italic")
            sess.append("\n")
        sess.rstrip()
        self.query_one("#rep-sessions", Static).update(
            sess if d.sessions else Text("No coaching sessions yet. Press n to plan one.", style="dim"))

    # --- actions -----------------------------------------------------------------------------

    def action_goal(self) -> None:
        if self.detail:
            self.fc.agree_goal(self.rep_id, self.detail.name, self.detail.goal, self.skills)

    def action_expectations(self) -> None:
        if self.detail:
            self.fc.edit_expectations(self.rep_id, self.detail.name,
                                      [e.text for e in self.detail.expectations])

    def action_edit(self) -> None:
        if self.detail:
            self.fc.edit_rep(self.detail)

    def action_new_call(self) -> None:
        self.fc.action_new_call(self.rep_id)

    def action_forget(self) -> None:
        if self.detail:
            self.fc.forget_rep(self.rep_id, self.detail.name)

    def _selected_step(self) -> StepRow | None:
        table = self.query_one("#rep-steps", FitTable)
        if not self.detail or not self.detail.steps or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((s for s in self.detail.steps if s.id == key), None)

    def action_step_done(self) -> None:
        step = self._selected_step()
        if step:
            self._close_step(step, delete=False)

    def action_delete_step(self) -> None:
        step = self._selected_step()
        if not step:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._close_step(step, delete=True)

        self.app.push_screen(ConfirmDialog(f"Delete the next step “{step.action}”?"), answered)

    def _close_step(self, step: StepRow, *, delete: bool) -> None:
        # Not exclusive: a second step closed quickly after the first must not cancel it.
        self.run_blocking(STEP, close_step, self.fc.store, step, delete=delete, now=self.fc.now(),
                          exclusive=False)
