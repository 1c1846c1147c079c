"""Home: this week's coaching against the budget, calls in progress, upcoming coaching,
open next steps, whom to coach next, and the quick-capture inbox. One key per action.

Launch stays light: no ORM here; figures come from `queries.home_summary` in a thread
worker (a `Loaded` message brings them back), and the screen refreshes whenever it is
shown again. Marking a step done goes through `services` the same way.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Header, Static

from fieldcoach.errors import StoreError
from fieldcoach.text import visible
from screens.base import BaseScreen, Failed, Loaded
from screens.widgets.columns import Col
from screens.widgets.footer import KeyFooter
from screens.widgets.formatting import fmt_day, fmt_when

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from fieldcoach.lookups import Settings
    from fieldcoach.queries import HomeSummary
    from screens.widgets.tables import FitTable

BAR_WIDTH = 40

# Each column as wide as its widest cell; names and text give way (with an ellipsis) on a
# narrow terminal, dates and "Since end" never; the last text column takes the spare width.
IN_PROGRESS_COLS = (Col("Rep", "rep", min=8), Col("Account", "account", flex=True, min=8),
                    Col("Status", "status"), Col("Since end", "since"))
UPCOMING_COLS = (Col("When", "when"), Col("Rep", "rep", min=8),
                 Col("Account", "account", flex=True, min=8))
STEPS_COLS = (Col("Due", "due"), Col("Rep", "rep", min=8),
              Col("Next step (you: yours)", "step", flex=True, min=12))
FOCUS_COLS = (Col("Rep", "rep", min=8), Col("Why", "why", flex=True, min=12))


FIGURES, STEP_DONE = "this week's figures", "the next step"

Cells = tuple[Text, ...]


def _hidden(widget: Widget) -> Widget:
    """Hidden from the first layout (shown when its rows arrive), not restyled after it."""
    widget.display = False
    return widget


@dataclass(frozen=True)
class HomeData:
    summary: HomeSummary
    settings: Settings


def home_data(con: sqlite3.Connection, now: datetime, tz: tzinfo) -> HomeData:
    """What home shows, read in one go (run by Store.read in a worker)."""
    from fieldcoach.lookups import settings
    from fieldcoach.queries import home_summary  # off the way to the note line: home comes later there

    return HomeData(home_summary(con, now, tz), settings(con))


class HomeScreen(BaseScreen[None]):
    BINDINGS = [
        Binding("n", "app.new_call", "New call", id="home-new-call",
                tooltip="Set up a coaching or selling call"),
        Binding("c", "app.capture", "Quick note", id="home-capture",
                tooltip="Capture a note into the call in progress, else the inbox"),
        Binding("e", "app.open_sync", "Export", id="home-sync",
                tooltip="Export to the team store, import teammates' files"),
        Binding("r", "app.open_reps", "Reps", id="home-reps",
                tooltip="Roster, shared goals, expectations, coaching history"),
        Binding("s", "app.open_settings", "Settings", id="home-settings",
                tooltip="Manager, budget, skills, feedback script, store folder"),
        Binding("d", "step_done", "Step done", id="home-step-done",
                tooltip="Mark the selected next step as done"),
        Binding("enter", "open_selected", "Open", id="home-open",
                tooltip="Resume the call, open the rep, or the step's rep"),
    ]
    PALETTE = (
        ("screen.step_done", "Mark next step done", "Mark the selected next step on home as done"),
        ("screen.refresh_data", "Refresh home", "Reload this week's figures"),
    )
    DEFAULT_CSS = """
    HomeScreen #home-body { height: 1fr; }
    HomeScreen #home-cols { height: auto; layout: vertical; }
    HomeScreen.wide #home-cols { layout: horizontal; }
    HomeScreen .col { height: auto; padding: 0 1; }
    HomeScreen.wide #col-left { width: 46%; }
    HomeScreen.wide #col-right { width: 1fr; }
    HomeScreen DataTable { height: auto; max-height: 9; overflow-x: hidden; }
    HomeScreen .empty { color: $text-muted; }
    HomeScreen .section-title { margin: 1 0 0 0; }
    HomeScreen #title-budget { margin: 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: HomeData | None = None  # what is shown, once loaded

    def compose(self) -> ComposeResult:
        # imported here: with a call open at launch, home is built later and the note line
        # does not wait for DataTable's import
        from screens.widgets.tables import FitTable

        yield Header()
        with VerticalScroll(id="home-body"):
            with Vertical(id="home-cols"):
                with Vertical(classes="col", id="col-left"):
                    yield Static("Coaching time", classes="section-title", id="title-budget")
                    yield Static("Loading…", id="budget")
                    yield Static("In progress", classes="section-title")
                    yield Static("", id="in-progress-empty", classes="empty")
                    yield _hidden(FitTable(IN_PROGRESS_COLS, id="in-progress", cursor_type="row",
                                           zebra_stripes=False))
                    yield Static("Upcoming coaching calls", classes="section-title")
                    yield Static("", id="upcoming-empty", classes="empty")
                    yield _hidden(FitTable(UPCOMING_COLS, id="upcoming", cursor_type="row"))
                with Vertical(classes="col", id="col-right"):
                    yield Static("Next steps (d marks done)", classes="section-title")
                    yield Static("", id="steps-empty", classes="empty")
                    yield _hidden(FitTable(STEPS_COLS, id="steps", cursor_type="row"))
                    yield Static("Focus: whom to coach next", classes="section-title")
                    yield Static("", id="focus-empty", classes="empty")
                    yield _hidden(FitTable(FOCUS_COLS, id="focus", cursor_type="row"))
                    yield Static("Inbox (quick notes)", classes="section-title")
                    yield Static("", id="inbox")
        yield KeyFooter()

    def _table(self, table_id: str) -> FitTable:
        from screens.widgets.tables import FitTable

        return self.query_one(f"#{table_id}", FitTable)

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self.run_blocking(FIGURES, self.fc.store.read, home_data, self.fc.now(), self.fc.tz)

    action_refresh_data = refresh_data

    # --- results ---------------------------------------------------------------------------

    def on_loaded(self, message: Loaded) -> None:
        if message.what == FIGURES:
            self.data = message.value
            # One repaint for all the tables and labels shown or hidden below.
            with self.app.batch_update():
                self._render_summary(message.value)
        elif message.what == STEP_DONE:
            action = message.value
            self.notify(escape(f"Done: {action}" if action else "Step done."))
            self.refresh_data()

    def on_failed(self, message: Failed) -> None:
        if message.what == FIGURES:
            if isinstance(message.error, StoreError):  # the file cannot be used at all
                self.fc.fail_startup(message.text)
                return
            self.notify(escape(message.text), severity="error")
        elif message.what == STEP_DONE:
            self.notify(escape(message.text), severity="error")

    # --- rendering -------------------------------------------------------------------------

    def _render_summary(self, data: HomeData) -> None:
        from fieldcoach.coaching import feedback_delay

        s = data.summary
        tz = self.fc.tz
        now = self.fc.now()
        week = s.this_week
        pct = int(round(100 * week.ratio)) if s.budget_minutes else 0
        budget = Text()
        budget.append(f"{week.minutes:.0f} / {s.budget_minutes} min", style="bold")
        budget.append(" coaching this week")
        budget.append(f" ({pct}% of budget)\n", style="dim")
        filled = min(BAR_WIDTH, int(round(BAR_WIDTH * week.ratio))) if s.budget_minutes else 0
        budget.append("█" * filled, style="green" if week.ratio >= 1 else "bold blue")
        budget.append("░" * (BAR_WIDTH - filled), style="dim")
        budget.append("\n")
        empty = s.empty_weeks
        if empty:
            budget.append("No coaching: ", style="bold red")
            budget.append(", ".join(f"week of {fmt_day(w.start, tz)}" for w in empty))
        elif s.past_weeks:
            n = len(s.past_weeks)
            budget.append(f"Coaching happened in each of the last {n} weeks." if n > 1
                          else "Coaching happened last week.", style="green")
        else:  # the first week with fieldcoach: nothing to hold against the manager yet
            budget.append("First week: a week without coaching shows here once it is over.",
                          style="dim")
        budget.append("\n")
        budget.append(f"Coaching:selling {s.coaching_calls}:{s.selling_calls}")
        budget.append(" · ")
        budget.append(f"Late feedback {s.late_feedback}", style="bold red" if s.late_feedback else "")
        budget.append("  (8 weeks)", style="dim")
        self.query_one("#budget", Static).update(budget)

        late_min = data.settings.late_minutes
        rows: list[tuple[str, Cells]] = []
        for c in s.in_progress:
            if c.status == "observing":
                status, fb = Text("observing", style="bold"), Text("—")
            else:
                status = Text("debrief")
                d = feedback_delay(c.ended_at, c.feedback_started_at, late_min, now)
                if d is None:
                    fb = Text("—")
                else:
                    m = int(d.minutes)
                    took = f"{m}m" if m < 90 else f"{m // 60}h{m % 60:02d}"
                    fb = Text(f"{took} LATE" if d.late else f"{took} so far",
                              style="bold red" if d.late else "")
            rows.append((f"{c.id}|{c.status}",
                         (Text(visible(c.rep_name)), Text(visible(c.account)), status, fb)))
        self._fill("in-progress", rows, "Nothing in progress.")

        rows = [(c.id, (Text(fmt_when(c.scheduled_at, tz)), Text(visible(c.rep_name)),
                        Text(visible(c.account))))
                for c in s.upcoming if c.kind == "coaching"]
        self._fill("upcoming", rows, "No coaching calls planned: press n to set one up.")

        rows = []
        for st in s.steps:
            due = Text(fmt_day(st.due_at, tz) if st.due_at else "no date")
            if st.overdue:
                due = Text(f"overdue {fmt_day(st.due_at, tz)}", style="bold red")
            action = Text()
            if st.owner == "manager":
                action.append("you: ", style="bold")
            action.append(visible(st.action))
            rows.append((st.id, (due, Text(visible(st.rep_name)), action)))
        self._fill("steps", rows, "No open next steps.")

        rows = [(f.rep_id, (Text(visible(f.name)), Text(visible(f.reason)))) for f in s.focus]
        self._fill("focus", rows, "No reps yet: press r to add your team.")

        inbox = Text()
        for note in s.inbox:
            inbox.append(fmt_when(note.taken_at, tz) + "  ", style="dim")
            inbox.append(visible(note.text))
            inbox.append("\n")
        if not s.inbox:
            inbox.append("Empty. Press c to capture a note.", style="dim")
        inbox.rstrip()
        self.query_one("#inbox", Static).update(inbox)

        week_of = f"week of {fmt_day(week.start, tz)}"
        self.sub_title = f"{visible(s.manager_name)} · {week_of}" if s.manager_name else week_of

    def _fill(self, table_id: str, rows: list[tuple[str, Cells]], empty_text: str) -> None:
        from textual.coordinate import Coordinate
        from textual.widgets.data_table import CellDoesNotExist

        table = self._table(table_id)
        selected = None
        if table.row_count and table.cursor_row >= 0:
            try:
                selected = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
            except CellDoesNotExist:
                selected = None
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        table.fit()
        table.display = bool(rows)
        empty = self.query_one(f"#{table_id}-empty", Static)
        empty.update(empty_text if not rows else "")
        empty.display = not rows
        if selected is not None:
            keys = [k for k, _ in rows]
            if selected in keys:
                table.move_cursor(row=keys.index(selected), animate=False)

    # --- actions ---------------------------------------------------------------------------

    def _selected(self, table_id: str) -> str | None:
        from textual.coordinate import Coordinate

        table = self._table(table_id)
        if not table.row_count or not table.display:
            return None
        return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value

    def _open(self, table_id: str, key: str) -> None:
        if table_id == "in-progress":
            call_id, status = key.split("|", 1)
            self.fc.open_call(call_id, status)
        elif table_id == "upcoming":
            self.fc.open_call(key, "planned")
        elif table_id == "focus":
            self.fc.open_rep(key)
        elif table_id == "steps" and self.data:
            step = next((x for x in self.data.summary.steps if x.id == key), None)
            if step:
                self.fc.open_rep(step.rep_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id and event.row_key.value:
            self._open(event.data_table.id, event.row_key.value)

    def action_open_selected(self) -> None:
        from textual.widgets import DataTable

        focused = self.focused
        if isinstance(focused, DataTable) and focused.id:
            key = self._selected(focused.id)
            if key:
                self._open(focused.id, key)
            return
        for tid in ("in-progress", "upcoming", "steps", "focus"):
            table = self._table(tid)
            if table.display and table.row_count:
                table.focus()
                return

    def action_step_done(self) -> None:
        step_id = self._selected("steps")
        if not step_id:
            self.notify("No next step selected.", severity="warning")
            return
        steps = self.data.summary.steps if self.data else []
        action = next((x.action for x in steps if x.id == step_id), "")
        store, now = self.fc.store, self.fc.now()

        def complete() -> str:
            from fieldcoach import services  # the ORM: not on the way to home's first frame

            services.complete_step(store, step_id, now=now)
            return action

        self.run_blocking(STEP_DONE, complete)
