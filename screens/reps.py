"""Reps & goals: the roster. Enter opens a rep's page, a adds a rep and e edits one
(through the App, which owns the forms); delete asks first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Static

from fieldcoach import queries
from fieldcoach.text import visible
from screens.base import BaseScreen, Failed, Loaded
from screens.widgets.columns import Col
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.footer import KeyFooter
from screens.widgets.formatting import fmt_day
from screens.widgets.tables import FitTable

if TYPE_CHECKING:
    from fieldcoach.queries import RepRow
    from fieldcoach.store import Store

# Dates and counts whole; on a narrow terminal territory and role give way first, then
# the shared goal, then the name (cut with an ellipsis); the shared goal takes spare width.
ROSTER_COLS = (Col("Name", "name", min=12, order=2), Col("Coached", "coached"),
               Col("Open steps", "steps"), Col("Territory", "territory", min=8),
               Col("Role", "role", min=8), Col("Shared goal", "goal", flex=True, min=16, order=1))

ROSTER = "the roster"    # the roster's load
REMOVAL = "the removal"  # deleting a rep


def delete_rep(store: Store, rep: RepRow) -> str:
    """Remove the rep from the roster; returns the line that says so."""
    from fieldcoach import services  # the ORM: imported in the worker, off the UI thread

    services.delete_rep(store, rep.id)
    return f"Removed {rep.name}."


class RepsScreen(BaseScreen[None]):
    BINDINGS = [
        Binding("a", "add", "Add rep", id="reps-add", tooltip="Add a rep to the roster"),
        Binding("e", "edit", "Edit", id="reps-edit",
                tooltip="Edit the selected rep's name, role, territory"),
        Binding("delete", "delete", "Delete", id="reps-delete",
                tooltip="Remove the selected rep (asks first)"),
        Binding("n", "new_call", "New call", id="reps-new-call",
                tooltip="Set up a call with the selected rep"),
        Binding("enter", "open", "Open", id="reps-open", tooltip="Goal, expectations, history, trends"),
    ]
    PALETTE = (
        ("screen.add", "Add rep", "Add a rep to the roster"),
        ("screen.edit", "Edit rep", "Edit the selected rep"),
        ("screen.delete", "Delete rep", "Remove the selected rep (asks first)"),
        ("screen.open", "Open rep", "The selected rep's goal, history and trends"),
    )
    DEFAULT_CSS = """
    RepsScreen #roster { height: 1fr; }
    RepsScreen #roster-empty { padding: 1 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.reps: list[RepRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="roster-empty")
        yield FitTable(ROSTER_COLS, id="roster", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Reps & goals"
        self.query_one("#roster", FitTable).focus()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_blocking(ROSTER, self.fc.store.read, queries.list_reps)

    def on_loaded(self, message: Loaded) -> None:
        if message.what == ROSTER:
            self._show(message.value)
        elif message.what == REMOVAL:
            self.notify(escape(message.value))
            self.load()

    def on_failed(self, message: Failed) -> None:
        # The roster has no field lines: a refusal (a rep another process removed) is notified.
        self.notify(escape(message.text), severity="error")

    def _show(self, reps: list[RepRow]) -> None:
        self.reps = reps
        table = self.query_one("#roster", FitTable)
        row = table.cursor_row
        table.clear()
        tz = self.fc.tz
        for r in reps:
            goal = Text(visible(r.goal)) if r.goal else Text("no agreed goal", style="red")
            coached = fmt_day(r.last_coached, tz) if r.last_coached else "never"
            table.add_row(Text(visible(r.name)), Text(coached), Text(str(r.open_steps), justify="right"),
                          Text(visible(r.territory)), Text(visible(r.role)), goal, key=r.id)
        table.fit()
        if reps:
            table.move_cursor(row=min(max(row, 0), len(reps) - 1), animate=False)
        empty = self.query_one("#roster-empty", Static)
        empty.update("" if reps else "No reps yet. Press a to add the first one.")
        empty.display = not reps

    def _selected(self) -> RepRow | None:
        table = self.query_one("#roster", FitTable)
        if not self.reps or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((r for r in self.reps if r.id == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_add(self) -> None:
        self.fc.edit_rep()

    def action_edit(self) -> None:
        rep = self._selected()
        if rep:
            self.fc.edit_rep(rep)

    def action_open(self) -> None:
        rep = self._selected()
        if rep:
            self.fc.open_rep(rep.id)

    def action_new_call(self) -> None:
        rep = self._selected()
        self.fc.action_new_call(rep.id if rep else "")

    def action_delete(self) -> None:
        rep = self._selected()
        if not rep:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_blocking(REMOVAL, delete_rep, self.fc.store, rep, exclusive=False)

        self.app.push_screen(ConfirmDialog(
            f"Remove {rep.name} from the roster? Their coaching history stays in the team store "
            "as a deletion record."), answered)
