"""Reps & goals: the roster, and one page per rep with the shared goal, the expectations
checklist, numbered coaching sessions (gaps in cadence show), skill and self-assessment
trends, and open next steps. Forms are modal and keep drafts as you type."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Input,
    Label,
    SelectionList,
    Static,
    TextArea,
)

from fieldcoach.text import visible
from screens.widgets.choices import CheckList
from screens.widgets.columns import Col
from screens.widgets.dialogs import (
    ConfirmDialog,
    clear_field_errors,
    field_error,
    show_field_error,
    warm_orm,
)
from screens.widgets.drafts import DraftKeeper
from screens.widgets.fields import TextBox, TextInput
from screens.widgets.footer import KeyFooter
from screens.widgets.formatting import fmt_day, sparkline
from screens.widgets.tables import FitTable

CADENCE_GAP_DAYS = 14  # a gap longer than two weeks between sessions is called out

# Dates and counts whole; on a narrow terminal territory and role give way first, then
# the shared goal, then the name (cut with an ellipsis); the shared goal takes spare width.
ROSTER_COLS = (Col("Name", "name", min=12, order=2), Col("Coached", "coached"),
               Col("Open steps", "steps"), Col("Territory", "territory", min=8),
               Col("Role", "role", min=8), Col("Shared goal", "goal", flex=True, min=16, order=1))
STEP_COLS = (Col("Due", "due"), Col("Who", "who"), Col("Next step", "step", flex=True, min=12))

FORM_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{
    width: 90%; max-width: 90; height: auto; max-height: 100%; padding: 0 2;
    border: thick $accent; background: $surface; overflow-y: auto;
}}
{cls} .form-buttons {{ height: auto; align-horizontal: right; }}
{cls} .form-buttons Button {{ margin-left: 2; }}
{cls} Label {{ margin: 0; color: $text-muted; }}
{cls} .field-error {{ height: 1; }}
"""


def _worker_error(screen, exc: Exception, default_field: str = "") -> None:
    """Report an error from a worker on the UI thread: at the field when it has one."""
    from fieldcoach.errors import FieldError

    if isinstance(exc, FieldError):
        screen.app.call_from_thread(show_field_error, screen, exc.field, exc.message, default_field)
    else:
        screen.app.call_from_thread(screen.notify, escape(str(exc)), severity="error")


class FormScreen(DraftKeeper, ModalScreen[bool]):
    """A modal form: ctrl+s saves, Escape cancels (and drops the draft)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form-save", tooltip="Save this form"),
        Binding("escape", "cancel", "Cancel", id="form-cancel", tooltip="Close without saving"),
    ]

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="form-buttons"):
            yield Button("Cancel", id="cancel", compact=True)
            yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)

    def on_mount(self) -> None:
        warm_orm(self)
        self.load_form()

    def load_form(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.discard_draft()
        self.dismiss(False)

    def action_save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def saved(self, message: str) -> None:
        self.discard_draft()
        self.notify(escape(message))
        self.dismiss(True)


# --- forms -----------------------------------------------------------------------------------

class RepForm(FormScreen):
    DEFAULT_CSS = FORM_CSS.format(cls="RepForm")

    def __init__(self, rep=None) -> None:  # rep: queries.RepRow | RepDetail | None
        super().__init__()
        self.rep = rep
        self.draft_key = f"rep:{rep.id}" if rep else "rep:new"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Edit rep" if self.rep else "Add a rep", style="bold"))
            yield Label("Name")
            yield TextInput(id="name", compact=True, placeholder="e.g. Priya Shah")
            yield field_error("name")
            yield Label("Role")
            yield TextInput(id="role", compact=True, placeholder="e.g. Account Executive")
            yield field_error("role")
            yield Label("Territory")
            yield TextInput(id="territory", compact=True, placeholder="e.g. London North")
            yield field_error("territory")
            yield from self.compose_buttons()
        yield KeyFooter()

    def load_form(self) -> None:
        base = {"name": self.rep.name, "role": self.rep.role, "territory": self.rep.territory} \
            if self.rep else {"name": "", "role": "", "territory": ""}
        values = {**base, **(self.saved_draft() or {})}
        for k in ("name", "role", "territory"):
            self.query_one(f"#{k}", Input).value = values.get(k, "")
        self.query_one("#name", Input).focus()
        self.start_drafts(base)

    def draft_fields(self) -> dict[str, str]:
        return {k: self.query_one(f"#{k}", Input).value for k in ("name", "role", "territory")}

    def action_save(self) -> None:
        clear_field_errors(self)
        self._save(self.draft_fields())

    @work(thread=True, exit_on_error=False, exclusive=True, group="form")
    def _save(self, f: dict[str, str]) -> None:
        from fieldcoach import services

        try:
            if self.rep:
                services.update_rep(self.app.store, self.rep.id, **f)
            else:
                services.add_rep(self.app.store, f["name"], f["role"], f["territory"])
        except Exception as exc:
            _worker_error(self, exc, "name")
            return
        name = f["name"].strip()
        self.app.call_from_thread(self.saved, f"Saved {name}." if self.rep else f"Added {name}.")


class GoalForm(FormScreen):
    """Agree the shared goal: a one-line statement and one to three focus skills."""

    DEFAULT_CSS = FORM_CSS.format(cls="GoalForm") + """
    GoalForm SelectionList { height: auto; max-height: 12; }
    """

    def __init__(self, rep_id: str, rep_name: str, goal, skills) -> None:
        super().__init__()
        self.rep_id, self.rep_name, self.goal, self.skills = rep_id, rep_name, goal, skills
        self.draft_key = f"goal:{rep_id}"

    def compose(self) -> ComposeResult:
        chosen = set(self.goal.skill_ids) if self.goal else set()
        with Vertical():
            title = Text("Shared goal with ", style="bold")
            title.append(visible(self.rep_name))
            yield Static(title)
            yield Label("Goal statement (one line, agreed with the rep)")
            yield TextInput(id="statement", compact=True, placeholder="e.g. Win the next meeting by asking before telling")
            yield field_error("statement")
            yield Label("Focus skills (pick 1 to 3; space toggles)")
            yield CheckList[str](*[(Text(visible(k.name)), k.id, k.id in chosen) for k in self.skills],
                                 id="skills", compact=True)
            yield field_error("skills")
            yield from self.compose_buttons()
        yield KeyFooter()

    def load_form(self) -> None:
        base = {"statement": self.goal.statement if self.goal else "",
                "skills": ",".join(self.goal.skill_ids) if self.goal else ""}
        draft = self.saved_draft()
        self.query_one("#statement", Input).value = (draft or base).get("statement", "")
        if draft is not None:
            wanted = [s for s in draft.get("skills", "").split(",") if s]
            sl = self.query_one("#skills", SelectionList)
            sl.deselect_all()
            for sid in wanted:
                if any(k.id == sid for k in self.skills):
                    sl.select(sid)
        self.query_one("#statement", Input).focus()
        self.start_drafts(base)

    @on(SelectionList.SelectedChanged)
    def _skills_changed(self) -> None:
        self.mark_dirty()
        n = len(self.query_one("#skills", SelectionList).selected)
        self.query_one("#err-skills", Static).update("" if 1 <= n <= 3 else "Pick one to three focus skills.")

    def draft_fields(self) -> dict[str, str]:
        return {"statement": self.query_one("#statement", Input).value,
                "skills": ",".join(self.query_one("#skills", SelectionList).selected)}

    def action_save(self) -> None:
        clear_field_errors(self)
        statement = self.query_one("#statement", Input).value
        ids = list(self.query_one("#skills", SelectionList).selected)
        bad = False
        if not statement.strip():
            self.query_one("#err-statement", Static).update("Write the goal in one line.")
            bad = True
        if not 1 <= len(ids) <= 3:
            self.query_one("#err-skills", Static).update(
                f"Pick one to three focus skills (you picked {len(ids)}).")
            bad = True
        if not bad:
            self._save(statement, ids)

    @work(thread=True, exit_on_error=False, exclusive=True, group="form")
    def _save(self, statement: str, ids: list[str]) -> None:
        from fieldcoach import services

        try:
            services.set_goal(self.app.store, self.rep_id, statement, ids)
        except Exception as exc:
            _worker_error(self, exc, "statement")
            return
        self.app.call_from_thread(self.saved, f"Goal agreed with {self.rep_name}.")


class ExpectationsForm(FormScreen):
    """The rep's prep responsibilities before every call, one per line."""

    DEFAULT_CSS = FORM_CSS.format(cls="ExpectationsForm") + """
    ExpectationsForm TextArea { height: 10; }
    """

    def __init__(self, rep_id: str, rep_name: str, items: list[str]) -> None:
        super().__init__()
        self.rep_id, self.rep_name, self.items = rep_id, rep_name, items
        self.draft_key = f"expectations:{rep_id}"

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text("What ", style="bold")
            title.append(visible(self.rep_name))
            title.append(" prepares before every call (one per line)", style="bold")
            yield Static(title)
            yield TextBox(id="items", soft_wrap=True, show_line_numbers=False)
            yield field_error("expectations")
            yield from self.compose_buttons()
        yield KeyFooter()

    def load_form(self) -> None:
        base = {"items": "\n".join(self.items)}
        ta = self.query_one("#items", TextArea)
        ta.text = (self.saved_draft() or base).get("items", "")
        ta.focus()
        self.start_drafts(base)

    def draft_fields(self) -> dict[str, str]:
        return {"items": self.query_one("#items", TextArea).text}

    def action_save(self) -> None:
        clear_field_errors(self)
        self._save([ln for ln in self.query_one("#items", TextArea).text.splitlines() if ln.strip()])

    @work(thread=True, exit_on_error=False, exclusive=True, group="form")
    def _save(self, items: list[str]) -> None:
        from fieldcoach import services

        try:
            services.set_expectations(self.app.store, self.rep_id, items)
        except Exception as exc:
            _worker_error(self, exc, "expectations")
            return
        self.app.call_from_thread(self.saved, f"Expectations saved for {self.rep_name}.")


# --- roster ----------------------------------------------------------------------------------

class RepsScreen(Screen[None]):
    BINDINGS = [
        Binding("a", "add", "Add rep", id="reps-add", tooltip="Add a rep to the roster"),
        Binding("e", "edit", "Edit", id="reps-edit", tooltip="Edit the selected rep's name, role, territory"),
        Binding("delete", "delete", "Delete", id="reps-delete", tooltip="Remove the selected rep (asks first)"),
        Binding("n", "new_call", "New call", id="reps-new-call", tooltip="Set up a call with the selected rep"),
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
        self.reps: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="roster-empty")
        yield FitTable(ROSTER_COLS, id="roster", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Reps & goals"
        self.query_one("#roster", DataTable).focus()

    def on_screen_resume(self) -> None:
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="reps")
    def _load(self) -> None:
        from fieldcoach import queries

        try:
            reps = queries.list_reps(self.app.store.con())
        except Exception as exc:
            self.app.call_from_thread(self.notify, escape(str(exc)), severity="error")
            return
        self.app.call_from_thread(self._show, reps)

    def _show(self, reps: list) -> None:
        self.reps = reps
        table = self.query_one("#roster", DataTable)
        row = table.cursor_row
        table.clear()
        tz = self.app.tz
        for r in reps:
            goal = Text(visible(r.goal)) if r.goal else Text("no agreed goal", style="red")
            table.add_row(Text(visible(r.name)), Text(fmt_day(r.last_coached, tz) if r.last_coached else "never"),
                          Text(str(r.open_steps), justify="right"), Text(visible(r.territory)), Text(visible(r.role)),
                          goal, key=r.id)
        table.fit()
        if reps:
            table.move_cursor(row=min(max(row, 0), len(reps) - 1), animate=False)
        empty = self.query_one("#roster-empty", Static)
        empty.update("" if reps else "No reps yet. Press a to add the first one.")
        empty.display = not reps

    def _selected(self):
        table = self.query_one("#roster", DataTable)
        if not self.reps or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((r for r in self.reps if r.id == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_add(self) -> None:
        self.app.push_screen(RepForm())

    def action_edit(self) -> None:
        rep = self._selected()
        if rep:
            self.app.push_screen(RepForm(rep))

    def action_open(self) -> None:
        rep = self._selected()
        if rep:
            self.app.push_screen(RepScreen(rep.id))

    def action_new_call(self) -> None:
        rep = self._selected()
        self.app.action_new_call(rep.id if rep else "")

    def action_delete(self) -> None:
        rep = self._selected()
        if not rep:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(rep.id, rep.name)

        self.app.push_screen(ConfirmDialog(
            f"Remove {rep.name} from the roster? Their coaching history stays in the team store "
            "as a deletion record."), answered)

    @work(thread=True, exit_on_error=False, group="reps-write")
    def _delete(self, rep_id: str, name: str) -> None:
        from fieldcoach import services

        try:
            services.delete_rep(self.app.store, rep_id)
        except Exception as exc:
            _worker_error(self, exc)
            return
        self.app.call_from_thread(self.notify, escape(f"Removed {name}."))
        self.app.call_from_thread(self._load)


# --- one rep ---------------------------------------------------------------------------------

class RepScreen(Screen[None]):
    BINDINGS = [
        Binding("g", "goal", "Goal", id="rep-goal", tooltip="Agree or edit the shared goal and focus skills"),
        Binding("x", "expectations", "Expectations", id="rep-expectations",
                tooltip="Edit what the rep prepares before every call"),
        Binding("n", "new_call", "New call", id="rep-new-call", tooltip="Set up a call with this rep"),
        Binding("e", "edit", "Edit rep", id="rep-edit", tooltip="Name, role, territory"),
        Binding("d", "step_done", "Step done", id="rep-step-done", tooltip="Mark the selected next step done"),
        Binding("delete", "delete_step", "Delete step", id="rep-delete-step",
                tooltip="Delete the selected next step (asks first)"),
    ]
    PALETTE = (
        ("screen.goal", "Agree goal", "Agree or edit this rep's shared goal"),
        ("screen.expectations", "Edit expectations", "What the rep prepares before every call"),
        ("screen.new_call", "New call with this rep", "Pre-call setup for this rep"),
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
        self.detail = None
        self.skills: list = []

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
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="rep")
    def _load(self) -> None:
        from fieldcoach import queries

        try:
            con = self.app.store.con()
            detail = queries.rep_detail(con, self.rep_id, self.app.now())
            skills = queries.skills(con)
        except Exception as exc:
            self.app.call_from_thread(self.notify, escape(str(exc)), severity="error")
            return
        self.app.call_from_thread(self._show, detail, skills)

    def _show(self, d, skills) -> None:
        if d is None:
            self.notify("That rep no longer exists.", severity="warning")
            self.app.pop_screen()
            return
        self.detail, self.skills = d, skills
        tz = self.app.tz
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

        table = self.query_one("#rep-steps", DataTable)
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
                    acc.append("\nGap closing: the rep sees their own performance more clearly.", style="green")
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
            sess.append("\n")
        sess.rstrip()
        self.query_one("#rep-sessions", Static).update(
            sess if d.sessions else Text("No coaching sessions yet. Press n to plan one.",
                                                  style="dim"))

    # --- actions -----------------------------------------------------------------------------

    def action_goal(self) -> None:
        if self.detail:
            self.app.push_screen(GoalForm(self.rep_id, self.detail.name, self.detail.goal, self.skills))

    def action_expectations(self) -> None:
        if self.detail:
            self.app.push_screen(ExpectationsForm(self.rep_id, self.detail.name,
                                                  [e.text for e in self.detail.expectations]))

    def action_edit(self) -> None:
        if self.detail:
            self.app.push_screen(RepForm(self.detail))

    def action_new_call(self) -> None:
        self.app.action_new_call(self.rep_id)

    def _selected_step(self):
        table = self.query_one("#rep-steps", DataTable)
        if not self.detail or not self.detail.steps or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((s for s in self.detail.steps if s.id == key), None)

    def action_step_done(self) -> None:
        step = self._selected_step()
        if step:
            self._write_step(step.id, step.action, delete=False)

    def action_delete_step(self) -> None:
        step = self._selected_step()
        if not step:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._write_step(step.id, step.action, delete=True)

        self.app.push_screen(ConfirmDialog(f"Delete the next step “{step.action}”?"), answered)

    @work(thread=True, exit_on_error=False, group="rep-write")
    def _write_step(self, step_id: str, action: str, delete: bool) -> None:
        from fieldcoach import services

        try:
            if delete:
                services.delete_step(self.app.store, step_id)
            else:
                services.complete_step(self.app.store, step_id, now=self.app.now())
        except Exception as exc:
            _worker_error(self, exc)
            return
        self.app.call_from_thread(self.notify, escape(("Deleted: " if delete else "Done: ") + action))
        self.app.call_from_thread(self._load)
