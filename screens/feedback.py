"""The post-call feedback script: one question at a time, the rep speaks first.

Every answer is saved when the manager moves on (Next), so nothing typed is lost; the
answer being typed is kept as a draft. The script ends with the agreed next step(s)
and a recap to copy or save for the rep.
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, RadioButton, RadioSet, Static

from fieldcoach import coaching
from fieldcoach.debrief import (
    ANSWER,
    NEXT,
    RATE_MANAGER,
    RATE_REP,
    RECAP,
    DebriefStep,
    build_steps,
    stage_map,
)
from fieldcoach.text import visible
from screens.widgets.choices import Choice
from screens.widgets.fields import TextInput
from screens.widgets.footer import KeyFooter
from screens.widgets.formatting import note_line

RECAP_KEYS = "c copy text · m copy Markdown · s save file · Escape home"
RECAP_MORE = " · ↓ more below"


class FeedbackScreen(Screen[None]):
    DEFAULT_CSS = """
    FeedbackScreen #fb-top { height: auto; padding: 0 1; background: $boost; }
    FeedbackScreen #fb-title { width: 1fr; }
    FeedbackScreen #fb-delay { width: auto; }
    FeedbackScreen #fb-progress { height: 1; padding: 0 1; color: $accent; text-style: bold; }
    FeedbackScreen #fb-body { height: 1fr; }
    FeedbackScreen #fb-main { width: 1fr; padding: 0 1; }
    FeedbackScreen #fb-step { height: auto; }
    FeedbackScreen .prompt { text-style: bold; margin: 1 0 1 0; height: auto; }
    FeedbackScreen .hint { color: $text-muted; height: auto; }
    FeedbackScreen .table { height: auto; margin: 0 0 1 0; }
    FeedbackScreen #recap-text { height: auto; padding: 0 1; border: round $primary; }
    FeedbackScreen RadioSet { height: auto; layout: horizontal; margin-bottom: 1; }
    FeedbackScreen #step-due { margin-top: 1; }
    FeedbackScreen .blank { display: none; }
    FeedbackScreen #fb-side {
        width: 44; display: none; border-left: solid $primary; padding: 0 1;
    }
    FeedbackScreen.wide #fb-side { display: block; }
    """

    BINDINGS = [
        Binding("ctrl+n", "next", "Next", id="fb-next", priority=True,
                tooltip="Save this answer and go to the next question"),
        Binding("ctrl+b", "back", "Back", id="fb-back", priority=True,
                tooltip="Back to the previous question"),
        Binding("ctrl+a", "add_step", "Add step", id="fb-add-step", priority=True,
                tooltip="Add the next step typed here"),
        Binding("c", "copy('text')", "Copy text", id="fb-copy-text",
                tooltip="Copy the recap as plain text"),
        Binding("m", "copy('markdown')", "Copy Markdown", id="fb-copy-md",
                tooltip="Copy the recap as Markdown"),
        Binding("s", "save_recap", "Save file", id="fb-save-recap",
                tooltip="Save the recap as a Markdown file beside the database"),
        Binding("escape", "leave", "Home", id="fb-home",
                tooltip="Back home; answers so far are saved and the debrief can be resumed"),
    ]
    PALETTE = (
        ("screen.next", "Next question", "Save this answer and go on"),
        ("screen.back", "Previous question", "Go back one step"),
    )

    def __init__(self, call_id: str) -> None:
        super().__init__()
        self.call_id = call_id
        self.detail = None
        self.script: list = []
        self.steps: list[DebriefStep] = []
        self.index = 0
        self.answers: dict[tuple[str, str], str] = {}          # (question, by) -> saved text
        self.ratings: dict[str, dict[str, int]] = {"rep": {}, "manager": {}}
        self.cursor = 0
        self.next_steps: list = []
        self.settings = None
        self._draft_timer: Timer | None = None
        self._busy = False

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="fb-top"):
            yield Static("Feedback", id="fb-title", markup=False)
            yield Static("", id="fb-delay")
        yield Static("Loading…", id="fb-progress")
        with Horizontal(id="fb-body"):
            with VerticalScroll(id="fb-main"):
                yield Vertical(id="fb-step")
            yield VerticalScroll(Static("", id="fb-side-body"), id="fb-side")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._load()

    @property
    def step(self) -> DebriefStep | None:
        return self.steps[self.index] if self.steps else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        kind = self.step.kind if self.step else None
        if action in ("copy", "save_recap"):
            return kind == RECAP
        if action == "add_step":
            return kind == NEXT
        if action == "back":
            return kind is not None and kind != RECAP and self.index > 0
        if action == "next":
            return kind is not None and kind != RECAP
        return True

    # --- loading --------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="fb-load")
    def _load(self) -> None:
        from fieldcoach import queries
        from fieldcoach.db import read_failure

        con = self.app.store.con()
        try:
            detail = queries.call_detail(con, self.call_id, self.app.now())
            if detail is not None and detail.call.status == coaching.DEBRIEF \
                    and detail.call.feedback_started_at is None:
                from fieldcoach import services

                services.begin_feedback(self.app.store, self.call_id, now=self.app.now())
                detail = queries.call_detail(con, self.call_id, self.app.now())
            script = queries.script(con)
            settings = queries.settings(con)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, escape(read_failure(exc, "the debrief")),
                                      severity="error")
            return
        self.app.call_from_thread(self._loaded, detail, script, settings)

    async def _loaded(self, detail, script, settings) -> None:
        if detail is None:
            self.notify("That call no longer exists.", severity="error")
            self.app.pop_screen()
            return
        if detail.call.kind == coaching.SELLING:
            self.notify("A selling call has no debrief.", severity="warning")
            self.app.pop_screen()
            return
        self.detail, self.script, self.settings = detail, script, settings
        c = detail.call
        self.query_one("#fb-title", Static).update(
            visible(f"Feedback · {c.rep_name}" + (f" · {c.account}" if c.account else "")))
        delay = coaching.feedback_delay(c.ended_at, c.feedback_started_at, settings.late_minutes,
                                        now=self.app.now())
        d = self.query_one("#fb-delay", Static)
        if delay is not None:
            d.update(delay.describe())
            d.set_class(delay.late, "late")
        for a in detail.answers:
            self.answers[(a.question, a.by)] = a.answer
        for r in detail.ratings:
            self.ratings.setdefault(r.by, {})[r.skill_id] = r.score
        self.next_steps = list(detail.steps)
        self.steps = build_steps(script, detail.notes, [s.id for s in detail.skills])
        self._side()
        if c.status == coaching.DONE:
            self.index = len(self.steps) - 1
        elif c.status != coaching.DEBRIEF:
            self.notify(f"This call is {c.status}: end it first", severity="warning")
        await self._show()

    def _side(self) -> None:
        d = self.detail
        t = Text()
        if d.goal:
            t.append("Shared goal\n", style="bold")
            t.append(visible(d.goal.statement) + "\n")
            t.append(visible(", ".join(d.goal.skill_names)) + "\n\n", style="italic")
        if d.objective or d.advance_min:
            t.append("Objective\n", style="bold")
            t.append(visible(d.objective or "—") + "\n")
            t.append(f"advance: {visible(d.advance_min or '—')} / {visible(d.advance_stretch or '—')}\n\n")
        t.append("Your notes\n", style="bold")
        names = {s.id: s.name for s in d.skills}
        for n in d.notes:
            t.append_text(note_line(n, names))
            t.append("\n")
        if not d.notes:
            t.append("none\n", style="dim")
        self.query_one("#fb-side-body", Static).update(t)

    # --- showing a step -------------------------------------------------------------------

    def _draft_key(self) -> str:
        return f"answer:{self.call_id}:{self.index}"

    async def _show(self) -> None:
        step = self.step
        if step is None:
            return
        box = self.query_one("#fb-step", Vertical)
        await box.remove_children()
        self.query_one("#fb-progress", Static).update(
            visible(f"Step {self.index + 1} of {len(self.steps)} · {step.label}"))
        draft = self.app.drafts.get(self._draft_key())
        widgets: list = []
        focus = None
        if step.kind == ANSWER:
            who = "Ask the rep" if step.stage != coaching.STAGE_OBSERVATIONS else "Ask the rep (your note, as a question)"
            saved = self.answers.get((step.prompt, "rep"), "")
            value = saved
            if draft and draft.fields.get("answer", "").strip() and draft.fields["answer"] != saved:
                value = draft.fields["answer"]
                self.notify("Recovered draft")
            inp = TextInput(value=value, placeholder="The rep's answer (Enter: next; leave empty to skip)",
                        id="answer", compact=True)
            widgets = [Static(who, classes="hint"), Static(Text(visible(step.prompt)), classes="prompt"), inp,
                       Static("", id="answer-error", classes="field-error blank", markup=False),
                       Static("Enter or ctrl+n: next · ctrl+b: back", classes="hint")]
            focus = inp
        elif step.kind in (RATE_REP, RATE_MANAGER):
            self.cursor = 0
            widgets = [Static(Text(visible(step.prompt)), classes="prompt"),
                       Static(self._rating_table(step.kind), id="rating-table", classes="table"),
                       Static("1–5 rate the highlighted skill · 0 or space skips · ↑↓ move · ctrl+n next",
                              classes="hint")]
        elif step.kind == NEXT:
            fields = draft.fields if draft else {}
            if draft and not draft.empty:
                self.notify("Recovered draft")
            owner = RadioSet(Choice("Rep", value=fields.get("owner", "rep") == "rep", id="owner-rep"),
                             Choice("Manager", value=fields.get("owner") == "manager", id="owner-manager"),
                             id="step-owner", compact=True)
            action = TextInput(value=fields.get("action", ""), placeholder="What will be done", id="step-action",
                           compact=True)
            due = TextInput(value=fields.get("due", ""), placeholder='By when, e.g. "fri", "in 3 days"',
                        id="step-due", compact=True)
            widgets = [Static(Text(visible(step.prompt)), classes="prompt"),
                       Static(self._steps_table(), id="steps-table", classes="table"),
                       Static("Owner", classes="hint"), owner,
                       action, Static("", id="action-error", classes="field-error blank", markup=False),
                       due, Static("", id="due-echo", classes="hint blank", markup=False),
                       Static("", id="due-error", classes="field-error blank", markup=False),
                       Static("Enter in 'by when' or ctrl+a adds the step · ctrl+n: finish and recap",
                              classes="hint")]
            focus = action
        elif step.kind == RECAP:
            # At 80x24 the recap's next steps fell below the fold: they come first here, with
            # the keys, and the recap below says when it scrolls.
            widgets = [Static(RECAP_KEYS, id="recap-keys", classes="hint"),
                       Static("", id="recap-steps", classes="table"),
                       Static("Closing the debrief…", id="recap-text", markup=False)]
            focus = self.query_one("#fb-main", VerticalScroll)  # ↓ and PgDn scroll the recap
        await box.mount_all(widgets)
        if step.kind == NEXT and widgets:
            self._echo_due(self.query_one("#step-due", Input).value)
        if focus is not None:
            focus.focus()
            if isinstance(focus, Input):
                focus.cursor_position = len(focus.value)
        else:
            self.set_focus(None)
        self.query_one("#fb-main", VerticalScroll).scroll_home(animate=False)
        if step.kind == RECAP:
            self._finish()
        self.refresh_bindings()

    def _rating_table(self, kind: str) -> Text:
        t = Text()
        rep = self.ratings.get("rep", {})
        mgr = self.ratings.get("manager", {})
        for i, s in enumerate(self.detail.skills):
            mark = "▶ " if i == self.cursor else "  "
            t.append(mark, style="bold")
            t.append(f"{visible(s.name):<28.28}", style="bold" if i == self.cursor else "")
            rv = rep.get(s.id)
            if kind == RATE_REP:
                t.append(f" rep {rv if rv else '–'}/5", style="bold")
            else:
                mv = mgr.get(s.id)
                t.append(f" rep {rv if rv else '–'}/5", style="dim")
                t.append(f"   you {mv if mv else '–'}/5", style="bold")
            t.append("\n")
        return t

    def _steps_table(self) -> Text:
        t = Text()
        if not self.next_steps:
            t.append("No next step agreed yet (at least one is needed).", style="dim")
            return t
        tz = self.app.tz
        for s in self.next_steps:
            due = s.due_at.astimezone(tz).strftime("%a %d %b") if s.due_at else "no date"
            t.append("✓ ", style="green bold")
            t.append(f"{'Rep' if s.owner == 'rep' else 'Manager'}: ", style="bold")
            t.append(visible(s.action) + " ")
            t.append(f"— by {due}\n", style="dim")
        return t

    # --- typing ---------------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        for err in self.query(".field-error"):
            if isinstance(err, Static) and not err.has_class("blank"):
                err.update("")
                err.add_class("blank")
        if event.input.id == "step-due":
            self._echo_due(event.value)
        if self._draft_timer is None:  # at most 0.5 s behind, even while typing goes on
            self._draft_timer = self.set_timer(0.5, self._save_draft)

    def _say(self, selector: str, text: str) -> None:
        for w in self.query(selector):
            w.update(visible(text))
            w.set_class(not text, "blank")

    def _fields(self) -> dict[str, str]:
        step = self.step
        if step is None:
            return {}
        if step.kind == ANSWER:
            q = self.query("#answer")
            return {"answer": q.first(Input).value} if q else {}
        if step.kind == NEXT:
            try:
                owner = "manager" if self.query_one("#owner-manager", RadioButton).value else "rep"
                return {"owner": owner, "action": self.query_one("#step-action", Input).value,
                        "due": self.query_one("#step-due", Input).value}
            except Exception:  # noqa: BLE001 - not mounted yet
                return {}
        return {}

    def _save_draft(self) -> None:
        self._draft_timer = None
        if not self.is_mounted:
            return
        fields = self._fields()
        if not fields:
            return
        if self.step and self.step.kind == NEXT:
            fields = {k: v for k, v in fields.items() if k != "owner"} | (
                {"owner": fields["owner"]} if any(fields[k].strip() for k in ("action", "due")) else {})
        if self.step and self.step.kind == ANSWER and \
                fields.get("answer", "") == self.answers.get((self.step.prompt, "rep"), ""):
            self.app.drafts.discard(self._draft_key())
            return
        try:
            self.app.drafts.save(self._draft_key(), fields)
        except OSError as exc:
            self.notify(f"Could not keep a draft: {escape(str(exc))}", severity="warning")

    def _echo_due(self, text: str):
        from fieldcoach.dates import DateParseError, parse_due

        if not text.strip():
            self._say("#due-echo", "")
            return None
        try:
            p = parse_due(text, self.app.now(), tz=self.app.tz,
                          dayfirst=self.settings.dayfirst if self.settings else True)
        except DateParseError as exc:
            self._say("#due-echo", "")
            self._say("#due-error", str(exc))
            return False
        self._say("#due-echo", f"→ {p.describe()}" + ("  (already past)" if p.in_past else ""))
        return p

    @on(Input.Submitted)
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "answer":
            await self.action_next()
        elif event.input.id == "step-action":
            self.query_one("#step-due", Input).focus()
        elif event.input.id == "step-due":
            self.action_add_step()

    def on_key(self, event) -> None:
        step = self.step
        if step is None or step.kind not in (RATE_REP, RATE_MANAGER):
            return
        by = "rep" if step.kind == RATE_REP else "manager"
        skills = self.detail.skills
        if not skills:
            return
        key = event.key
        if key in ("1", "2", "3", "4", "5", "0", "space"):
            event.stop()
            sid = skills[self.cursor].id
            score = int(key) if key not in ("0", "space") else None
            if score is None:
                self.ratings[by].pop(sid, None)
            else:
                self.ratings[by][sid] = score
            self._save_rating(sid, by, score)
            self.cursor = min(self.cursor + 1, len(skills) - 1)
        elif key in ("down", "j"):
            event.stop()
            self.cursor = min(self.cursor + 1, len(skills) - 1)
        elif key in ("up", "k"):
            event.stop()
            self.cursor = max(self.cursor - 1, 0)
        else:
            return
        self.query_one("#rating-table", Static).update(self._rating_table(step.kind))

    # --- navigation -----------------------------------------------------------------------

    async def action_next(self) -> None:
        step = self.step
        if step is None or self._busy or step.kind == RECAP:
            return
        if step.kind == ANSWER:
            value = self.query_one("#answer", Input).value
            if len(value) > 20_000:
                self._say("#answer-error", "Keep an answer under 20,000 characters.")
                return
            key = (step.prompt, "rep")
            if value.strip() != self.answers.get(key, "").strip():
                self.answers[key] = value.strip()
                self._save_answer(step, value, self._draft_key())
            else:
                self.app.drafts.discard(self._draft_key())
        elif step.kind == NEXT:
            fields = self._fields()
            if fields.get("action", "").strip() or fields.get("due", "").strip():
                self.action_add_step(then_next=True)
                return
            if not self.next_steps:
                self._say("#action-error", "Agree at least one next step: who does what, by when.")
                return
        self.index = min(self.index + 1, len(self.steps) - 1)
        await self._show()

    async def action_back(self) -> None:
        if self.step is None or self.index == 0 or self.step.kind == RECAP:
            return
        if self.step.kind == ANSWER:
            self._save_draft()
        self.index -= 1
        await self._show()

    def action_leave(self) -> None:
        self._save_draft()
        if self.step is not None and self.step.kind != RECAP:
            self.notify("Answers saved: resume from home")
        self.app.action_go_home()

    # --- writes (thread workers) ----------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="fb-save")
    def _save_answer(self, step: DebriefStep, value: str, draft_key: str) -> None:
        from fieldcoach import services
        from fieldcoach.errors import FieldError

        try:
            services.save_answer(self.app.store, self.call_id, question=step.prompt, answer=value,
                                 by="rep", question_id=step.question_id, position=step.position)
        except FieldError as exc:
            self.app.call_from_thread(self.notify, f"Not saved: {escape(exc.message)}", severity="error")
            return
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, f"Not saved: {escape(str(exc))}", severity="error")
            return
        self.app.drafts.discard(draft_key)

    @work(thread=True, exit_on_error=False, group="fb-save")
    def _save_rating(self, skill_id: str, by: str, score: int | None) -> None:
        from fieldcoach import services

        try:
            services.save_rating(self.app.store, self.call_id, skill_id, by, score)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, f"Rating not saved: {escape(str(exc))}", severity="error")

    def action_add_step(self, then_next: bool = False) -> None:
        if self.step is None or self.step.kind != NEXT or self._busy:
            return
        fields = self._fields()
        action = fields.get("action", "").strip()
        if not action:
            self._say("#action-error", "Say what will be done.")
            self.query_one("#step-action", Input).focus()
            return
        due = None
        if fields.get("due", "").strip():
            parsed = self._echo_due(fields["due"])
            if not parsed:
                self.query_one("#step-due", Input).focus()
                return
            due = parsed.at
        self._busy = True
        self._add_step(fields.get("owner", "rep"), action, due, then_next)

    @work(thread=True, exit_on_error=False, group="fb-step")
    def _add_step(self, owner: str, action: str, due, then_next: bool) -> None:
        from fieldcoach import queries, services
        from fieldcoach.errors import FieldError

        try:
            services.add_next_step(self.app.store, rep_id=self.detail.call.rep_id, action=action,
                                   owner=owner, due_at=due, call_id=self.call_id)
            detail = queries.call_detail(self.app.store.con(), self.call_id, self.app.now())
        except FieldError as exc:
            self.app.call_from_thread(self._step_failed, exc.field, exc.message)
            return
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._step_failed, "action", str(exc))
            return
        self.app.call_from_thread(self._step_added, detail, then_next)

    def _step_failed(self, field: str, message: str) -> None:
        self._busy = False
        target = "#due-error" if field == "due" else "#action-error"
        for w in self.query(target):
            w.update(visible(message))
            w.remove_class("blank")

    async def _step_added(self, detail, then_next: bool) -> None:
        self._busy = False
        self.detail = detail
        self.next_steps = list(detail.steps)
        self.app.drafts.discard(self._draft_key())
        if self.step is None or self.step.kind != NEXT:
            return
        self.query_one("#steps-table", Static).update(self._steps_table())
        self.query_one("#step-action", Input).value = ""
        self.query_one("#step-due", Input).value = ""
        self.query_one("#step-action", Input).focus()
        self.notify("Next step agreed")
        if then_next:
            await self.action_next()

    @work(thread=True, exit_on_error=False, exclusive=True, group="fb-finish")
    def _finish(self) -> None:
        from fieldcoach import queries

        con = self.app.store.con()
        try:
            row = queries.find_call(con, self.call_id)
            if row is not None and row.status != coaching.DONE:
                from fieldcoach import services

                services.finish_call(self.app.store, self.call_id, now=self.app.now())
            detail = queries.call_detail(con, self.call_id, self.app.now())
        except Exception as exc:  # noqa: BLE001 - e.g. no next step: go back to it
            self.app.call_from_thread(self._finish_failed, str(exc))
            return
        self.app.call_from_thread(self._show_recap, detail)

    async def _finish_failed(self, message: str) -> None:
        self.notify(escape(message), severity="error")
        self.index = next((i for i, s in enumerate(self.steps) if s.kind == NEXT), 0)
        await self._show()

    def _show_recap(self, detail) -> None:
        from fieldcoach.recap import recap_markdown, recap_text

        self.detail = detail
        stages = stage_map(self.script)
        self.recap_plain = recap_text(detail, self.app.tz, stages)
        self.recap_md = recap_markdown(detail, self.app.tz, stages)
        for w in self.query("#recap-text"):
            w.update(Text(self.recap_plain))
        for w in self.query("#recap-steps"):
            steps = Text()
            steps.append("Agreed next steps\n", style="bold")
            steps.append_text(self._steps_table())
            steps.rstrip()
            w.update(steps)
        self.call_after_refresh(self._hint_more)
        self.query_one("#fb-progress", Static).update(
            f"Step {len(self.steps)} of {len(self.steps)} · Recap — the debrief is done")
        self.refresh_bindings()

    def _hint_more(self) -> None:
        """Say that the recap goes on below the fold, when it does."""
        main = self.query_one("#fb-main", VerticalScroll)
        more = main.max_scroll_y > 0
        for w in self.query("#recap-keys"):
            w.update(RECAP_KEYS + (RECAP_MORE if more else ""))

    def action_copy(self, fmt: str) -> None:
        text = getattr(self, "recap_md" if fmt == "markdown" else "recap_plain", None)
        if not text:
            return
        self.app.copy_to_clipboard(text)
        self.notify("Recap copied as " + ("Markdown" if fmt == "markdown" else "plain text"))

    def action_save_recap(self) -> None:
        from fieldcoach import recap

        text = getattr(self, "recap_md", None)
        if not text or self.detail is None:
            return
        c = self.detail.call
        when = (c.started_at or c.scheduled_at or self.app.now()).astimezone(self.app.tz)
        folder = Path(self.app.store.path).parent / "recaps"
        path = recap.file_path(folder, self.detail, when)
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Owner-only, like the database: a recap holds personal feedback.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            self.notify(f"Could not save the recap: {escape(str(exc))}", severity="error")
            return
        self.saved_recap = path
        self.notify(f"Recap saved: {escape(path.name)}")
