"""The post-call feedback script: one question at a time, the rep speaks first.

The screen loads the call and the script, walks the steps built by
`fieldcoach.debrief.build_steps` (Next, Back, Home) and saves what the step widgets tell
it, in workers (`fieldcoach.feedback`). Every answer is saved when the manager moves on,
so nothing typed is lost; the answer being typed is kept as a draft. The script ends
with the agreed next step(s), the rep's words (an acknowledgement, a comment), and a
recap to copy or save for the rep.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Static

from fieldcoach import coaching, feedback
from fieldcoach.debrief import (
    ANSWER,
    NEXT,
    RATE_MANAGER,
    RATE_REP,
    RECAP,
    VOICE,
    DebriefStep,
    build_steps,
    stage_map,
)
from fieldcoach.text import visible
from screens.base import BaseScreen, Failed, Loaded
from screens.feedback.answer import AnswerStep
from screens.feedback.messages import (
    AnswerGiven,
    RatingSet,
    RecapSaveAsked,
    StepAdded,
    StepDone,
    VoiceAcknowledged,
    VoiceGiven,
)
from screens.feedback.next_step import NextStepForm
from screens.feedback.rating import RatingStep
from screens.feedback.recap import RecapView
from screens.feedback.step import StepView
from screens.feedback.voice import VoiceStep
from screens.widgets.drafts import DraftKeeper
from screens.widgets.footer import KeyFooter
from screens.widgets.formatting import note_line

if TYPE_CHECKING:
    from fieldcoach.lookups import Settings
    from fieldcoach.queries import CallDetail, QuestionRow, StepRow

# What each piece of blocking work is called (Loaded.what / Failed.what).
LOAD, ANSWER_SAVE, RATING_SAVE = "the debrief", "the answer", "the rating"
STEP_SAVE, CLOSE, RECAP_FILE = "the next step", "the recap", "saving the recap"
VOICE_SAVE = "the rep's words"


class FeedbackScreen(DraftKeeper, BaseScreen[None]):
    DEFAULT_CSS = """
    FeedbackScreen #fb-top { height: auto; padding: 0 1; background: $boost; }
    FeedbackScreen #fb-title { width: 1fr; }
    FeedbackScreen #fb-delay { width: auto; }
    FeedbackScreen #fb-progress { height: 1; padding: 0 1; color: $accent; text-style: bold; }
    FeedbackScreen #fb-body { height: 1fr; }
    FeedbackScreen #fb-main { width: 1fr; padding: 0 1; }
    FeedbackScreen #fb-step { height: auto; }
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
        self.detail: CallDetail | None = None
        self.script: list[QuestionRow] = []
        self.settings: Settings | None = None
        self.steps: list[DebriefStep] = []
        self.index = 0
        self.answers: dict[tuple[str, str], str] = {}          # (question, by) -> saved text
        self.ratings: dict[str, dict[str, int]] = {"rep": {}, "manager": {}}
        self.next_steps: list[StepRow] = []
        self.view: StepView | None = None                       # the step shown
        self.busy = False                # a next step or the rep's words are being saved
        self.then_next = False           # ... and the script moves on once it is
        self.saved_recap: Path | None = None   # where the recap file went, once saved

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
        self.run_blocking(LOAD, feedback.open_debrief, self.fc.store, self.call_id, self.fc.now())

    @property
    def step(self) -> DebriefStep | None:
        return self.steps[self.index] if self.steps else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        kind = self.step.kind if self.step else None
        if action == "back":
            return kind is not None and kind != RECAP and self.index > 0
        if action == "next":
            return kind is not None and kind != RECAP
        return True

    # --- results of the workers -----------------------------------------------------------

    async def on_loaded(self, message: Loaded) -> None:
        if message.what == LOAD:
            await self._opened(message.value)
        elif message.what == ANSWER_SAVE:
            step: DebriefStep = message.value
            if step in self.steps:
                self.fc.drafts.discard(self._draft_key_at(self.steps.index(step)))
        elif message.what == STEP_SAVE:
            await self._step_saved(message.value)
        elif message.what == VOICE_SAVE:
            self.busy = False
            self.detail = message.value
            self.discard_draft()
            if isinstance(self.view, VoiceStep):
                await self.go_to(self.index + 1)
        elif message.what == CLOSE:
            self._show_recap(message.value)
        elif message.what == RECAP_FILE:
            self.saved_recap = message.value
            self.notify(f"Recap saved: {escape(message.value.name)}")

    async def on_failed(self, message: Failed) -> None:
        text = escape(message.text)
        if message.what == ANSWER_SAVE:
            self.notify(f"Not saved: {text}", severity="error")
        elif message.what == RATING_SAVE:
            self.notify(f"Rating not saved: {text}", severity="error")
        elif message.what == STEP_SAVE:
            self.busy = False
            if isinstance(self.view, NextStepForm):
                self.view.refused(message.field, message.text)
        elif message.what == VOICE_SAVE:
            self.busy = False
            if isinstance(self.view, VoiceStep):
                self.view.refused(message.text)
        elif message.what == CLOSE:  # e.g. no next step after all: back to it
            self.notify(text, severity="error")
            await self.go_to(next((i for i, s in enumerate(self.steps) if s.kind == NEXT), 0))
        else:
            self.notify(text, severity="error")

    async def _opened(self, opened: feedback.Debrief) -> None:
        detail, settings = opened.detail, opened.settings
        if detail is None:
            if self.leave():
                self.notify("That call no longer exists.", severity="error")
            return
        if detail.call.kind == coaching.SELLING:
            if self.leave():
                self.notify("A selling call has no debrief.", severity="warning")
            return
        self.detail, self.script, self.settings = detail, opened.script, settings
        c = detail.call
        self.query_one("#fb-title", Static).update(
            visible(f"Feedback · {c.rep_name}" + (f" · {c.account}" if c.account else "")))
        delay = coaching.feedback_delay(c.ended_at, c.feedback_started_at, settings.late_minutes,
                                        now=self.fc.now())
        d = self.query_one("#fb-delay", Static)
        if delay is not None:
            d.update(delay.describe())
            d.set_class(delay.late, "late")
        for a in detail.answers:
            self.answers[(a.question, a.by)] = a.answer
        for r in detail.ratings:
            self.ratings.setdefault(r.by, {})[r.skill_id] = r.score
        self.next_steps = list(detail.steps)
        self.steps = build_steps(opened.script, detail.notes, [s.id for s in detail.skills])
        self._side()
        if c.status == coaching.DONE:
            self.index = len(self.steps) - 1
        elif c.status != coaching.DEBRIEF:
            self.notify(f"This call is {c.status}: end it first", severity="warning")
        await self.show_step()

    def _side(self) -> None:
        d = self.detail
        if d is None:
            return
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

    def _draft_key_at(self, index: int) -> str:
        return f"answer:{self.call_id}:{index}"

    def draft_fields(self) -> dict[str, str]:
        return self.view.draft_fields() if self.view is not None and self.view.is_attached else {}

    def _view_for(self, step: DebriefStep) -> StepView:
        draft = self.saved_draft()
        if step.kind == ANSWER:
            saved = self.answers.get((step.prompt, "rep"), "")
            value = saved
            if draft and draft.get("answer", "").strip() and draft["answer"] != saved:
                value = draft["answer"]
                self.notify("Recovered draft")
            return AnswerStep(step, saved=saved, value=value)
        if step.kind in (RATE_REP, RATE_MANAGER):
            return RatingStep(step, skills=self.detail.skills if self.detail else [], ratings=self.ratings)
        if step.kind == NEXT:
            if draft:
                self.notify("Recovered draft")
            return NextStepForm(step, steps=self.next_steps, fields=draft or {}, tz=self.fc.tz,
                                now=self.fc.now, dayfirst=self.settings.dayfirst if self.settings else True)
        if step.kind == VOICE:
            if draft:
                self.notify("Recovered draft")
            d = self.detail
            return VoiceStep(step, steps=self.next_steps, fields=draft or {}, tz=self.fc.tz,
                             acknowledged_at=d.rep_acknowledged_at if d else None,
                             comment=d.rep_comment if d else "")
        return RecapView(step)

    async def show_step(self) -> None:
        """Show the current step (self.index) in place of the one shown."""
        step = self.step
        if step is None:
            return
        box = self.query_one("#fb-step", Vertical)
        await box.remove_children()
        self.view = None
        self.query_one("#fb-progress", Static).update(
            visible(f"Step {self.index + 1} of {len(self.steps)} · {step.label}"))
        self.draft_key = self._draft_key_at(self.index)
        view = self._view_for(step)
        await box.mount(view)
        self.view = view
        view.focus_first()
        self.query_one("#fb-main", VerticalScroll).scroll_home(animate=False)
        self.start_drafts(view.draft_baseline())
        if step.kind == RECAP:
            self.run_blocking(CLOSE, feedback.close_debrief, self.fc.store, self.call_id, self.fc.now(),
                              self.fc.tz, stage_map(self.script))
        self.refresh_bindings()

    async def go_to(self, index: int) -> None:
        """Leave the step shown (its typing kept as a draft) for another."""
        self.flush_draft()
        self.index = max(0, min(index, len(self.steps) - 1))
        await self.show_step()

    # --- what the step widgets say --------------------------------------------------------

    @on(StepDone)
    async def _step_done(self) -> None:
        await self.go_to(self.index + 1)

    @on(AnswerGiven)
    async def _answer_given(self, message: AnswerGiven) -> None:
        step = message.step
        if step is not self.step:
            return  # the script moved on meanwhile (a key pressed twice)
        key = (step.prompt, "rep")
        if message.text.strip() != self.answers.get(key, "").strip():
            self.answers[key] = message.text.strip()
            # The draft stays until the answer is saved (Loaded discards it).
            self.flush_draft()
            self.run_blocking(ANSWER_SAVE, feedback.save_answer, self.fc.store, self.call_id, step,
                              message.text, exclusive=False)
        else:
            self.discard_draft()
        await self.go_to(self.index + 1)

    @on(RatingSet)
    def _rating_set(self, message: RatingSet) -> None:
        if message.score is None:
            self.ratings[message.by].pop(message.skill_id, None)
        else:
            self.ratings[message.by][message.skill_id] = message.score
        self.run_blocking(RATING_SAVE, feedback.save_rating, self.fc.store, self.call_id, message.skill_id,
                          message.by, message.score, exclusive=False)

    @on(StepAdded)
    def _step_added(self, message: StepAdded) -> None:
        if self.busy or self.detail is None:
            return
        self.busy, self.then_next = True, message.then_next
        self.run_blocking(STEP_SAVE, feedback.agree_step, self.fc.store, self.call_id,
                          rep_id=self.detail.call.rep_id, owner=message.owner, action=message.action,
                          due_at=message.due_at, now=self.fc.now())

    async def _step_saved(self, detail: CallDetail) -> None:
        self.busy = False
        self.detail = detail
        self.next_steps = list(detail.steps)
        if not isinstance(self.view, NextStepForm):
            return
        self.view.saved(self.next_steps)
        self.discard_draft()
        self.notify("Next step agreed")
        if self.then_next:
            await self.go_to(self.index + 1)

    @on(VoiceGiven)
    def _voice_given(self, message: VoiceGiven) -> None:
        if self.busy:
            return
        self.busy = True
        self.flush_draft()  # kept until the save lands (Loaded discards it)
        self.run_blocking(VOICE_SAVE, feedback.save_rep_voice, self.fc.store, self.call_id,
                          acknowledged=message.acknowledged, comment=message.comment, now=self.fc.now())

    @on(VoiceAcknowledged)
    def _voice_acknowledged(self) -> None:
        self.mark_dirty()

    def _show_recap(self, closed: feedback.ClosedDebrief) -> None:
        self.detail = closed.detail
        if isinstance(self.view, RecapView):
            self.view.show(closed, self.fc.tz)
        self.query_one("#fb-progress", Static).update(
            f"Step {len(self.steps)} of {len(self.steps)} · Recap — the debrief is done")
        self.refresh_bindings()

    @on(RecapSaveAsked)
    def _save_recap(self) -> None:
        from fieldcoach.paths import recaps_dir
        from fieldcoach.recap import save_recap

        if not isinstance(self.view, RecapView) or self.detail is None:
            return
        folder = recaps_dir(self.fc.store.path)
        self.run_blocking(RECAP_FILE, save_recap, folder, self.detail, self.view.markdown,
                          now=self.fc.now(), tz=self.fc.tz)

    # --- navigation -----------------------------------------------------------------------

    def action_next(self) -> None:
        step = self.step
        if step is None or self.busy or step.kind == RECAP or self.view is None:
            return
        self.view.submit()  # the widget answers with a message: AnswerGiven, StepAdded, StepDone

    async def action_back(self) -> None:
        if self.step is None or self.index == 0 or self.step.kind == RECAP:
            return
        await self.go_to(self.index - 1)

    def action_leave(self) -> None:
        self.flush_draft()
        if self.step is not None and self.step.kind != RECAP:
            self.notify("Answers saved: resume from home")
        self.fc.action_go_home()
