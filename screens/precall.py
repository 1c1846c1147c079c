"""Pre-call setup: whom, where, when, coaching or selling, the rep's objective, advance
and prep answers, and the skills to observe. Every coaching call starts from the rep's
shared goal and the next steps still open from earlier calls.

The screen draws and collects; what it offers, what it shows of a rep, the checks and the
writes are `fieldcoach.call_plan`'s, run in workers and answered by Loaded / Failed.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Header, Input, Label, RadioButton, RadioSet, Select, SelectionList, Static

from fieldcoach import call_plan, coaching
from fieldcoach.call_plan import MAX_SKILLS, CallForm, PlanChoices, RepBrief
from fieldcoach.text import visible
from screens.base import BaseScreen, Failed, Loaded
from screens.widgets.choices import CheckList, Choice
from screens.widgets.drafts import DraftKeeper
from screens.widgets.fields import TextInput
from screens.widgets.footer import KeyFooter

TEXT_FIELDS = ("account", "contact", "when", "objective", "advance_min", "advance_stretch")
# Where a field's error is shown; any other is shown under the form.
ERROR_LINE = {"rep": "#rep-error", "account": "#account-error", "when": "#when-error",
              "skills": "#skills-error"}
# The follow-up of a saved plan, by the key that asked for it (see call_plan).
FOLLOW_UP = {call_plan.OBSERVE: "the start", call_plan.DONE: "the log"}


class PreCallScreen(DraftKeeper, BaseScreen[None]):
    DEFAULT_CSS = """
    PreCallScreen #pc-body { height: 1fr; }
    PreCallScreen #pc-form { width: 1fr; padding: 0 1; }
    PreCallScreen Label { margin-top: 1; color: $text-muted; width: 100%; }
    PreCallScreen .echo { color: $success; height: auto; padding: 0 1; }
    PreCallScreen .warn { color: $warning; height: auto; padding: 0 1; }
    PreCallScreen .field-error { padding: 0 1; }
    PreCallScreen #rep-info { height: auto; padding: 0 1; background: $boost; border-left: outer $primary; }
    PreCallScreen #rep-label { margin-top: 0; }
    PreCallScreen RadioSet { height: auto; layout: horizontal; }
    PreCallScreen #skills { height: auto; max-height: 12; }
    PreCallScreen #pc-status { height: auto; padding: 0 1; color: $success; text-style: bold; }
    PreCallScreen #prep { height: auto; }
    PreCallScreen .pair { height: auto; }
    PreCallScreen .pair > Vertical { width: 1fr; height: auto; }
    PreCallScreen .pair > Vertical:first-child { margin-right: 2; }
    PreCallScreen #prep Input { margin-bottom: 0; }
    PreCallScreen .blank { display: none; }
    PreCallScreen #pc-side { width: 44; display: none; border-left: solid $primary; padding: 0 1; }
    PreCallScreen.wide #pc-side { display: block; }
    PreCallScreen.wide #rep-info { display: none; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="pc-save", priority=True,
                tooltip="Save the call as planned"),
        Binding("ctrl+o", "observe", "Save & observe", id="pc-observe", priority=True,
                tooltip="Save the coaching call and start observing it now"),
        Binding("ctrl+l", "log_done", "Log selling done", id="pc-log-done", priority=True,
                tooltip="Save a selling call and log it as done (no observation or feedback)"),
        Binding("escape", "leave", "Back", id="pc-back",
                tooltip="Back home (unsaved text is kept as a draft)"),
    ]
    PALETTE = (
        ("screen.save", "Save the planned call", "Save the pre-call setup"),
        ("screen.observe", "Save and start observing", "Save the coaching call and observe it now"),
    )

    def __init__(self, rep_id: str | None = None) -> None:
        super().__init__()
        self.rep_id = rep_id
        self.choices: PlanChoices | None = None
        self.expectations: list[str] = list(coaching.DEFAULT_EXPECTATIONS)
        self.saved_call_id: str | None = None
        self.saved_kind: str | None = None
        self._busy = False
        self._mode = call_plan.PLAN  # what the key being served asked for
        self._saving_kind = coaching.COACHING

    draft_key = "precall:new"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="pc-body"):
            with VerticalScroll(id="pc-form"):
                yield Label("Rep", id="rep-label")
                yield Select([], prompt="Choose the rep", id="rep", compact=True)
                yield Static("", id="rep-error", classes="field-error blank", markup=False)
                yield Static("Choose a rep to see their goal and open next steps.", id="rep-info")
                with Horizontal(classes="pair"):
                    with Vertical():
                        yield Label("Account (required)")
                        yield TextInput(placeholder="Customer account", id="account", compact=True)
                        yield Static("", id="account-error", classes="field-error blank", markup=False)
                    with Vertical():
                        yield Label("Contact")
                        yield TextInput(placeholder="Who the rep meets", id="contact", compact=True)
                yield Label("When")
                yield TextInput(placeholder='e.g. "tomorrow 9:30", "fri 2pm", "2026-12-03 14:00"', id="when",
                                compact=True)
                yield Static("", id="when-echo", classes="echo blank", markup=False)
                yield Static("", id="when-error", classes="field-error blank", markup=False)
                yield Label("Kind of call: coaching (rep leads, you observe) or selling (you help sell)")
                with RadioSet(id="kind", compact=True):
                    yield Choice("Coaching", value=True, id="kind-coaching")
                    yield Choice("Selling", id="kind-selling")
                yield Label("The rep's objective for the call")
                yield TextInput(placeholder="What the rep wants from this call", id="objective", compact=True)
                with Horizontal(classes="pair"):
                    with Vertical():
                        yield Label("Advance planned: minimum")
                        yield TextInput(placeholder="The least the buyer should commit to", id="advance_min",
                                        compact=True)
                    with Vertical():
                        yield Label("Advance planned: stretch")
                        yield TextInput(placeholder="The best realistic commitment", id="advance_stretch",
                                        compact=True)
                yield Label("The rep's prep")
                yield Vertical(id="prep")
                yield Label(f"Skills to observe (at most {MAX_SKILLS}; the goal's by default)")
                yield CheckList(id="skills", compact=True)
                yield Static("", id="skills-error", classes="field-error blank", markup=False)
                yield Static("", id="pc-status", classes="blank", markup=False)
                yield Static("", id="save-error", classes="field-error blank", markup=False)
            yield VerticalScroll(Static("", id="pc-side-body"), id="pc-side")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Pre-call setup"
        self.run_blocking("the reps and skills", self.fc.store.read, call_plan.plan_choices)

    # --- results ----------------------------------------------------------------------------

    async def on_loaded(self, message: Loaded) -> None:
        if message.what == "the reps and skills":
            await self._show_choices(message.value)
        elif message.what == "the rep":
            await self._show_rep(message.value)
        elif message.what == "the plan":
            self.saved_call_id, self.saved_kind = message.value, self._saving_kind
            self.discard_draft()
            if self._mode in FOLLOW_UP:
                self.run_blocking(FOLLOW_UP[self._mode], call_plan.follow_plan, self.fc.store,
                                  message.value, self._mode, self.fc.now())
            else:
                self._written(message.value, self._mode)
        elif message.what in FOLLOW_UP.values():
            self._written(message.value, self._mode)

    def on_failed(self, message: Failed) -> None:
        if message.what in ("the reps and skills", "the rep"):
            self.notify(escape(message.text), severity="error")
            return
        self._busy = False  # the plan, the start or the log: said at its field and in a note
        self._say(ERROR_LINE.get(message.field, "#save-error"), message.text)
        self.notify(escape(message.text), severity="error")

    async def _show_choices(self, choices: PlanChoices) -> None:
        self.choices = choices
        sel = self.query_one("#rep", Select)
        sel.set_options([(Text(visible(r.name)), r.id) for r in choices.reps])
        sl = self.query_one("#skills", SelectionList)
        sl.clear_options()
        sl.add_options([(Text(visible(s.name)), s.id) for s in choices.skills])
        if not choices.reps:
            self.query_one("#rep-info", Static).update("No reps yet: add one under Reps & goals first.")
        draft = self.saved_draft()
        rep_id = self.rep_id
        if draft:
            for name in TEXT_FIELDS:
                if draft.get(name):
                    self.query_one(f"#{name}", Input).value = draft[name]
            if draft.get("kind") == coaching.SELLING:
                self.query_one("#kind-selling", RadioButton).value = True
            rep_id = rep_id or draft.get("rep_id") or None
            self.notify("Recovered draft")
        if rep_id and any(r.id == rep_id for r in choices.reps):
            sel.value = rep_id
        else:
            await self._build_prep(list(coaching.DEFAULT_EXPECTATIONS))
        self.start_drafts()
        self.query_one("#rep", Select).focus(scroll_visible=False)  # it is at the top already

    @on(Select.Changed, "#rep")
    def _rep_changed(self, event: Select.Changed) -> None:
        self._say("#rep-error", "")
        if event.value is Select.NULL or event.value is Select.BLANK:
            self.rep_id = None
            return
        self.rep_id = str(event.value)
        self.run_blocking("the rep", self.fc.store.read, call_plan.rep_brief, self.rep_id, self.fc.now())
        self.mark_dirty()

    async def _show_rep(self, brief: RepBrief) -> None:
        if brief.rep_id != self.rep_id:
            return
        goal, steps = brief.goal, brief.steps
        t = Text()
        if goal:
            t.append("Shared goal: ", style="bold")
            t.append(visible(goal.statement) + "\n")
            t.append("Focus skills: ", style="bold")
            t.append(visible(", ".join(goal.skill_names)) + "\n")
        else:
            t.append("No shared goal agreed yet.\n", style="italic")
        if steps:
            t.append(f"Open next steps ({len(steps)}):\n", style="bold")
            tz = self.fc.tz
            for s in steps:
                due = s.due_at.astimezone(tz).strftime("%a %d %b") if s.due_at else "no date"
                t.append("  • ")
                t.append(f"{'rep' if s.owner == 'rep' else 'manager'}: ", style="italic")
                t.append(visible(s.action) + " ")
                t.append(f"— {due}" + (" (overdue)" if s.overdue else ""),
                         style="red" if s.overdue else "dim")
                t.append("\n")
        else:
            t.append("No open next steps.\n", style="dim")
        t.rstrip()
        self.query_one("#rep-info", Static).update(t)
        self.query_one("#pc-side-body", Static).update(t)
        sl = self.query_one("#skills", SelectionList)
        sl.deselect_all()
        known = {s.id for s in self.choices.skills} if self.choices else set()
        for sid in (goal.skill_ids if goal else []):
            if sid in known:  # a skill since removed from the catalogue is left out
                sl.select(sid)
        await self._build_prep(brief.expectations)

    async def _build_prep(self, items: list[str]) -> None:
        self.expectations = items
        box = self.query_one("#prep", Vertical)
        await box.remove_children()
        fields = self.saved_draft() or {}
        widgets: list[Widget] = []
        for i, text in enumerate(items):
            widgets.append(Static(Text(f"{i + 1}. {visible(text)}"), classes="hint"))
            widgets.append(TextInput(value=fields.get(f"prep{i}", ""), placeholder="The rep's answer",
                                     id=f"prep{i}", classes="prep", compact=True))
        await box.mount_all(widgets)

    # --- live feedback on fields ------------------------------------------------------------

    def _echo_when(self, text: str) -> None:
        """Say back the date as understood, or why it is not (the save checks it again)."""
        from fieldcoach.dates import DateParseError, parse_when

        self._say("#when-error", "")
        self._say("#when-echo", "")
        self.query_one("#when-echo", Static).remove_class("warn")
        if not text.strip():
            return
        try:
            p = parse_when(text, self.fc.now(), tz=self.fc.tz, dayfirst=self._dayfirst())
        except DateParseError as exc:
            self._say("#when-error", str(exc))
            return
        if p.in_past:
            self._say("#when-echo", f"→ {p.describe()}  — that is in the past; check the date")
            self.query_one("#when-echo", Static).add_class("warn")
        else:
            self._say("#when-echo", f"→ {p.describe()}")

    def _dayfirst(self) -> bool:
        return self.choices.settings.dayfirst if self.choices else True

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id == "when":
            self._echo_when(event.value)
        elif event.input.id == "account" and event.value.strip():
            self._say("#account-error", "")

    @on(RadioSet.Changed, "#kind")
    def _kind_changed(self) -> None:
        self.mark_dirty()
        self.refresh_bindings()

    @on(SelectionList.SelectedChanged, "#skills")
    def _skills_changed(self) -> None:
        n = len(self.query_one("#skills", SelectionList).selected)
        self._say("#skills-error",
                  f"{n} chosen: keep it to {MAX_SKILLS} (one digit each)." if n > MAX_SKILLS else "")

    def mark_dirty(self) -> None:
        if not self.saved_call_id:  # once saved, the form is no draft
            super().mark_dirty()

    def draft_fields(self) -> dict[str, str]:
        f = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        for w in self.query("#prep Input").results(Input):
            f[w.id or ""] = w.value
        if any(v.strip() for v in f.values()):
            f["rep_id"] = self.rep_id or ""
            f["kind"] = self._kind()
        return f

    def _say(self, selector: str, text: str) -> None:
        """Show a message under a field, or hide the line when there is nothing to say."""
        w = self.query_one(selector, Static)
        w.update(visible(text))
        w.set_class(not text, "blank")

    def _kind(self) -> str:
        selling = self.query("#kind-selling").results(RadioButton)
        return coaching.SELLING if any(b.value for b in selling) else coaching.COACHING

    # --- saving -----------------------------------------------------------------------------

    def _form(self) -> CallForm:
        value = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        answers = []
        for i in range(len(self.expectations)):
            field = self.query(f"#prep{i}").results(Input)
            answers.append(next((w.value for w in field), ""))
        return CallForm(rep_id=self.rep_id, kind=self._kind(), expectations=tuple(self.expectations),
                        answers=tuple(answers),
                        skill_ids=tuple(str(s) for s in self.query_one("#skills", SelectionList).selected),
                        **value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "log_done":
            return self._kind() == coaching.SELLING
        if action == "observe":
            return self._kind() == coaching.COACHING
        return True

    def action_save(self) -> None:
        self._submit(call_plan.PLAN)

    def action_observe(self) -> None:
        if self.saved_call_id and self.saved_kind == coaching.COACHING:
            self.fc.open_observation(self.saved_call_id, replace=True)
            return
        if self._kind() == coaching.SELLING:
            self.notify("Selling call: save it or log it as done", severity="warning")
            return
        self._submit(call_plan.OBSERVE)

    def action_log_done(self) -> None:
        if self._kind() != coaching.SELLING:
            self.notify("Only a selling call is logged as done", severity="warning")
            return
        self._submit(call_plan.DONE)

    def _submit(self, mode: str) -> None:
        if self._busy:
            return
        if self.saved_call_id:
            if mode == call_plan.DONE and self.saved_kind == coaching.SELLING:
                self._busy, self._mode = True, mode
                self.run_blocking("the log", call_plan.follow_plan, self.fc.store, self.saved_call_id,
                                  mode, self.fc.now())
                return
            self.notify("This call is already saved.")
            return
        self._echo_when(self.query_one("#when", Input).value)
        check = call_plan.check_form(self._form(), self.fc.now(), self.fc.tz, dayfirst=self._dayfirst(),
                                     start_now=mode == call_plan.OBSERVE)
        for field, text in check.errors.items():
            self._say(ERROR_LINE.get(field, "#save-error"), text)
        if check.call is None:
            self.notify("Check the fields marked in red.", severity="warning")
            return
        self._busy, self._mode, self._saving_kind = True, mode, check.call.kind
        self._say("#save-error", "")
        self.run_blocking("the plan", call_plan.save_plan, self.fc.store, check.call)

    def _written(self, call_id: str, mode: str) -> None:
        self._busy = False
        status = self.query_one("#pc-status", Static)
        if mode == call_plan.OBSERVE:
            self.fc.open_observation(call_id, replace=True)
        elif mode == call_plan.DONE:
            status.update("Selling call logged as done.")
            self.notify("Selling call logged as done")
            self.fc.action_go_home()
        elif self.saved_kind == coaching.SELLING:
            status.update("Selling call planned. ctrl+l logs it as done; Escape goes home.")
            self.notify("Selling call planned")
        else:
            status.update("Call planned. ctrl+o starts observing now; Escape goes home.")
            self.notify("Call planned: ctrl+o observes it now")
        self.refresh_bindings()

    def action_leave(self) -> None:
        if not self.saved_call_id:
            self.flush_draft()
        self.fc.pop_screen()
