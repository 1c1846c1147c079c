"""Pre-call setup: whom, where, when, coaching or selling, the rep's objective, advance
and prep answers, and the skills to observe. Every coaching call starts from the rep's
shared goal and the next steps still open from earlier calls."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Label, RadioButton, RadioSet, Select, SelectionList, Static

from fieldcoach import coaching
from fieldcoach.text import visible
from screens.widgets.choices import CheckList, Choice
from screens.widgets.fields import TextInput
from screens.widgets.footer import KeyFooter

MAX_SKILLS = 9
TEXT_FIELDS = ("account", "contact", "when", "objective", "advance_min", "advance_stretch")


class PreCallScreen(Screen[None]):
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
        Binding("escape", "leave", "Back", id="pc-back", tooltip="Back home (unsaved text is kept as a draft)"),
    ]
    PALETTE = (
        ("screen.save", "Save the planned call", "Save the pre-call setup"),
        ("screen.observe", "Save and start observing", "Save the coaching call and observe it now"),
    )

    def __init__(self, rep_id: str | None = None) -> None:
        super().__init__()
        self.rep_id = rep_id
        self.settings = None
        self.skills: list = []
        self.expectations: list[str] = list(coaching.DEFAULT_EXPECTATIONS)
        self.saved_call_id: str | None = None
        self.saved_kind: str | None = None
        self._busy = False
        self._draft_timer: Timer | None = None
        self._restoring: dict[str, str] | None = None
        self._rep_loads = 0

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
        self._load()

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="pc-load")
    def _load(self) -> None:
        from fieldcoach import queries
        from fieldcoach.db import read_failure

        con = self.app.store.con()
        try:
            reps = queries.list_reps(con)
            skills = queries.skills(con)
            settings = queries.settings(con)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, escape(read_failure(exc, "the reps and skills")),
                                      severity="error")
            return
        self.app.call_from_thread(self._loaded, reps, skills, settings)

    async def _loaded(self, reps, skills, settings) -> None:
        self.settings, self.skills = settings, skills
        sel = self.query_one("#rep", Select)
        sel.set_options([(Text(visible(r.name)), r.id) for r in reps])
        sl = self.query_one("#skills", SelectionList)
        sl.clear_options()
        sl.add_options([(Text(visible(s.name)), s.id) for s in skills])
        if not reps:
            self.query_one("#rep-info", Static).update("No reps yet: add one under Reps & goals first.")
        draft = self.app.drafts.get(self.draft_key)
        rep_id = self.rep_id
        if draft and not draft.empty:
            for name in TEXT_FIELDS:
                if draft.fields.get(name):
                    self.query_one(f"#{name}", Input).value = draft.fields[name]
            if draft.fields.get("kind") == coaching.SELLING:
                self.query_one("#kind-selling", RadioButton).value = True
            rep_id = rep_id or draft.fields.get("rep_id") or None
            self.notify("Recovered draft")
        if rep_id and any(r.id == rep_id for r in reps):
            sel.value = rep_id
        else:
            await self._build_prep(list(coaching.DEFAULT_EXPECTATIONS))
        self.query_one("#rep", Select).focus(scroll_visible=False)  # it is at the top already

    @on(Select.Changed, "#rep")
    def _rep_changed(self, event: Select.Changed) -> None:
        self._say("#rep-error", "")
        if event.value is Select.NULL or event.value is Select.BLANK:
            self.rep_id = None
            return
        self.rep_id = str(event.value)
        self._load_rep(self.rep_id)
        self._queue_draft()

    @work(thread=True, exit_on_error=False, exclusive=True, group="pc-rep")
    def _load_rep(self, rep_id: str) -> None:
        from fieldcoach import queries
        from fieldcoach.db import read_failure

        con = self.app.store.con()
        try:
            goal = queries.goal_for(con, rep_id)
            steps = queries.open_steps(con, self.app.now(), rep_id)
            exps = queries.expectations(con, rep_id)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, escape(read_failure(exc, "the rep")),
                                      severity="error")
            return
        self.app.call_from_thread(self._rep_loaded, rep_id, goal, steps, exps)

    async def _rep_loaded(self, rep_id, goal, steps, exps) -> None:
        if rep_id != self.rep_id:
            return
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
            tz = self.app.tz
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
        for sid in (goal.skill_ids if goal else []):
            try:
                sl.select(sid)
            except Exception:  # noqa: BLE001 - a skill since removed from the catalogue
                pass
        await self._build_prep([e.text for e in exps] or list(coaching.DEFAULT_EXPECTATIONS))

    async def _build_prep(self, items: list[str]) -> None:
        self.expectations = items
        box = self.query_one("#prep", Vertical)
        await box.remove_children()
        draft = self.app.drafts.get(self.draft_key)
        fields = draft.fields if draft else {}
        widgets = []
        for i, text in enumerate(items):
            widgets.append(Static(Text(f"{i + 1}. {visible(text)}"), classes="hint"))
            widgets.append(TextInput(value=fields.get(f"prep{i}", ""), placeholder="The rep's answer",
                                 id=f"prep{i}", classes="prep", compact=True))
        await box.mount_all(widgets)

    # --- live feedback on fields ------------------------------------------------------------

    def _parse_when(self, text: str):
        from fieldcoach.dates import DateParseError, parse_when

        self._say("#when-error", "")
        self._say("#when-echo", "")
        self.query_one("#when-echo", Static).remove_class("warn")
        if not text.strip():
            return None
        try:
            p = parse_when(text, self.app.now(), tz=self.app.tz,
                           dayfirst=self.settings.dayfirst if self.settings else True)
        except DateParseError as exc:
            self._say("#when-error", str(exc))
            return False
        if p.in_past:
            self._say("#when-echo", f"→ {p.describe()}  — that is in the past; check the date")
            self.query_one("#when-echo", Static).add_class("warn")
        else:
            self._say("#when-echo", f"→ {p.describe()}")
        return p

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id == "when":
            self._parse_when(event.value)
        elif event.input.id == "account" and event.value.strip():
            self._say("#account-error", "")
        self._queue_draft()

    @on(RadioSet.Changed, "#kind")
    def _kind_changed(self) -> None:
        self._queue_draft()
        self.refresh_bindings()

    @on(SelectionList.SelectedChanged, "#skills")
    def _skills_changed(self) -> None:
        n = len(self.query_one("#skills", SelectionList).selected)
        self._say("#skills-error",
            f"{n} chosen: keep it to {MAX_SKILLS} (one digit each)." if n > MAX_SKILLS else "")

    def _queue_draft(self) -> None:
        if self.saved_call_id:
            return
        if self._draft_timer is None:  # at most 0.5 s behind, even while typing goes on
            self._draft_timer = self.set_timer(0.5, self._save_draft)

    def _draft_fields(self) -> dict[str, str]:
        f = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        for w in self.query("#prep Input"):
            f[w.id or ""] = w.value  # type: ignore[attr-defined]
        if any(v.strip() for v in f.values()):
            f["rep_id"] = self.rep_id or ""
            f["kind"] = self._kind()
        return f

    def _save_draft(self) -> None:
        self._draft_timer = None
        if not self.is_mounted or self.saved_call_id:
            return
        try:
            self.app.drafts.save(self.draft_key, self._draft_fields())
        except OSError as exc:
            self.notify(f"Could not keep a draft: {escape(str(exc))}", severity="warning")

    def _say(self, selector: str, text) -> None:
        """Show a message under a field, or hide the line when there is nothing to say."""
        w = self.query_one(selector, Static)
        w.update(visible(text) if isinstance(text, str) else text)
        w.set_class(not text, "blank")

    def _kind(self) -> str:
        return coaching.SELLING if self.query_one("#kind-selling", RadioButton).value else coaching.COACHING

    # --- saving -----------------------------------------------------------------------------

    def _collect(self) -> dict | None:
        ok = True
        if not self.rep_id:
            self._say("#rep-error", "Choose the rep.")
            ok = False
        account = self.query_one("#account", Input).value
        if not account.strip():
            self._say("#account-error", "Account is required.")
            ok = False
        when = self._parse_when(self.query_one("#when", Input).value)
        if when is False:
            ok = False
        selected = list(self.query_one("#skills", SelectionList).selected)
        if len(selected) > MAX_SKILLS:
            self._say("#skills-error", f"Observe at most {MAX_SKILLS} skills.")
            ok = False
        if not ok:
            self.notify("Check the fields marked in red.", severity="warning")
            return None
        prep = []
        for i, text in enumerate(self.expectations):
            q = self.query(f"#prep{i}")
            prep.append({"text": text, "answer": q.first(Input).value.strip() if q else ""})
        return dict(rep_id=self.rep_id, kind=self._kind(), scheduled_at=when.at if when else None,
                    account=account, contact=self.query_one("#contact", Input).value,
                    objective=self.query_one("#objective", Input).value,
                    advance_min=self.query_one("#advance_min", Input).value,
                    advance_stretch=self.query_one("#advance_stretch", Input).value,
                    prep_answers=prep, skill_ids=selected)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "log_done":
            try:
                return self._kind() == coaching.SELLING
            except Exception:  # noqa: BLE001 - before compose
                return False
        if action == "observe":
            try:
                return self._kind() == coaching.COACHING
            except Exception:  # noqa: BLE001
                return True
        return True

    def action_save(self) -> None:
        self._submit("plan")

    def action_observe(self) -> None:
        if self.saved_call_id and self.saved_kind == coaching.COACHING:
            self._go_observe(self.saved_call_id)
            return
        if self._kind() == coaching.SELLING:
            self.notify("Selling call: save it or log it as done", severity="warning")
            return
        self._submit("observe")

    def action_log_done(self) -> None:
        if self._kind() != coaching.SELLING:
            self.notify("Only a selling call is logged as done", severity="warning")
            return
        self._submit("done")

    def _submit(self, mode: str) -> None:
        if self._busy:
            return
        if self.saved_call_id:
            if mode == "done" and self.saved_kind == coaching.SELLING:
                self._busy = True
                self._write(None, mode)
                return
            self.notify("This call is already saved.")
            return
        data = self._collect()
        if data is None:
            return
        if mode == "observe" and data["scheduled_at"] is None:
            data["scheduled_at"] = self.app.now()
        self._busy = True
        self._say("#save-error", "")
        self._write(data, mode)

    @work(thread=True, exit_on_error=False, exclusive=True, group="pc-save")
    def _write(self, data: dict | None, mode: str) -> None:
        from fieldcoach import services
        from fieldcoach.errors import FieldError

        try:
            call_id = self.saved_call_id
            if data is not None:
                call_id = services.plan_call(self.app.store, **data)
                self.app.call_from_thread(self._planned, call_id, data["kind"])
            if mode == "observe":
                services.start_call(self.app.store, call_id, now=self.app.now())
            elif mode == "done":
                services.finish_call(self.app.store, call_id, now=self.app.now())
        except FieldError as exc:
            self.app.call_from_thread(self._failed, exc.field, exc.message)
            return
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._failed, "save", str(exc))
            return
        self.app.call_from_thread(self._written, call_id, mode)

    def _planned(self, call_id: str, kind: str) -> None:
        self.saved_call_id, self.saved_kind = call_id, kind
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self.app.drafts.discard(self.draft_key)

    def _failed(self, field: str, message: str) -> None:
        self._busy = False
        target = {"account": "#account-error", "skills": "#skills-error", "rep": "#rep-error"}.get(
            field, "#save-error")
        self._say(target, message)
        self.notify(escape(message), severity="error")

    def _written(self, call_id: str, mode: str) -> None:
        self._busy = False
        status = self.query_one("#pc-status", Static)
        if mode == "observe":
            self._go_observe(call_id)
        elif mode == "done":
            status.update("Selling call logged as done.")
            self.notify("Selling call logged as done")
            self.app.action_go_home()
        elif self.saved_kind == coaching.SELLING:
            status.update("Selling call planned. ctrl+l logs it as done; Escape goes home.")
            self.notify("Selling call planned")
        else:
            status.update("Call planned. ctrl+o starts observing now; Escape goes home.")
            self.notify("Call planned: ctrl+o observes it now")
        self.refresh_bindings()

    def _go_observe(self, call_id: str) -> None:
        self.app.open_observation(call_id, replace=True)

    def action_leave(self) -> None:
        if not self.saved_call_id:
            self._save_draft()
        self.app.pop_screen()
