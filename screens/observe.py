"""Live observation: one always-focused line, Enter saves a timestamped note at once.

The hot path stays on the standard library: a note (and its edit, removal or privacy,
one-row writes of the same kind) is written with `fieldcoach.notes` through
`Store.write_now` on the UI thread, about a millisecond and committed before the line
clears, so the screen takes keys before the ORM has been imported and a note whose Enter
was pressed survives a kill the next instant. The Store folds the WAL back on its own
(see `fieldcoach.store`). Starting and ending the call and the side panel run in workers
(`run_blocking`) and come back as `Loaded` / `Failed` messages.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from rich.markup import escape
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Static

from fieldcoach import notes as notes_mod
from fieldcoach.errors import FieldError
from fieldcoach.notes import ActiveCall, NoteRow
from fieldcoach.shorthand import legend
from fieldcoach.text import visible
from screens import WIDE
from screens.base import BaseScreen, Failed, Loaded, describe_failure
from screens.widgets.drafts import DraftKeeper
from screens.widgets.fields import NoteLine
from screens.widgets.footer import KeyFooter
from screens.widgets.formatting import mmss, note_line


class ObservationScreen(DraftKeeper, BaseScreen[None]):
    DEFAULT_CSS = """
    ObservationScreen #obs-top { height: 1; padding: 0 1; background: $boost; }
    ObservationScreen #obs-title { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    ObservationScreen #obs-clock { width: auto; padding-left: 2; text-style: bold; color: $accent; }
    ObservationScreen #obs-body { height: 1fr; }
    ObservationScreen #obs-main { width: 1fr; }
    ObservationScreen #obs-notes { height: 1fr; padding: 0 1; }
    ObservationScreen #obs-notes > Static { height: auto; }
    ObservationScreen #obs-notes > .-selected {
        border-left: outer $accent; background: $boost; text-style: bold;
    }
    ObservationScreen #obs-empty { color: $text-muted; }
    ObservationScreen #obs-legend {
        height: auto; padding: 0 1; color: $text-muted; border-bottom: solid $primary-darken-2;
    }
    ObservationScreen #note-line { margin: 0 0; }
    ObservationScreen #note-error { padding: 0 1; height: auto; }
    ObservationScreen #obs-mode { padding: 0 1; height: auto; color: $warning; }
    ObservationScreen .blank { display: none; }
    ObservationScreen #obs-side {
        width: 40; display: none; border-left: solid $primary; padding: 0 1;
    }
    ObservationScreen.wide #obs-side { display: block; }
    """

    BINDINGS = [
        # priority: the note line (an Input, a scroll view) holds ↑↓ for scrolling it never does
        Binding("up", "pick(-1)", "Pick note", id="obs-pick-up", key_display="↑↓", priority=True,
                tooltip="Pick an earlier note for ctrl+e, ctrl+z or ctrl+t (the last by default)"),
        Binding("down", "pick(1)", "Next note", id="obs-pick-down", show=False, priority=True,
                tooltip="Pick a later note; past the last, back to typing"),
        Binding("ctrl+e", "edit_last", "Edit", id="obs-edit-last", priority=True,
                tooltip="Put the picked note (the last by default) back in the line to correct it"),
        Binding("ctrl+z", "undo_last", "Undo", id="obs-undo-last", priority=True,
                tooltip="Remove the picked note (the last by default)"),
        Binding("ctrl+t", "toggle_private", "Private", id="obs-private", priority=True,
                tooltip="Mark the picked note (the last by default) private: it stays on this laptop"),
        Binding("ctrl+d", "end_call", "End call", id="obs-end-call", priority=True,
                tooltip="End the observation and start the feedback script"),
        Binding("escape", "leave", "Home", id="obs-home",
                tooltip="Back home; the call stays in progress and can be resumed"),
    ]
    PALETTE = (
        ("screen.end_call", "End the call", "End the observation and start the feedback script"),
        ("screen.undo_last", "Undo note", "Remove the picked note (the last by default)"),
        ("screen.edit_last", "Edit note", "Correct the picked note (the last by default)"),
        ("screen.toggle_private", "Private note", "Mark the picked note private, or shared again"),
    )

    def __init__(self, call_id: str) -> None:
        super().__init__()
        self.call_id = call_id
        self.draft_key = f"note:{call_id}"
        self.active: ActiveCall | None = None
        self.shown: list[NoteRow] = []
        self._seen_version = 0  # PRAGMA data_version when the notes were last read
        self.skill_by_id: dict[str, str] = {}
        self.editing: NoteRow | None = None
        self.picked: int | None = None  # index into shown; None: the last note, typing on
        self._starting = False  # the start is being written; the end waits for it
        self._ending = False
        self._end_after_start = False
        self._side_asked = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="obs-top"):
            yield Static("Observing", id="obs-title", markup=False)
            yield Static("--:--", id="obs-clock")
        with Horizontal(id="obs-body"):
            with Vertical(id="obs-main"):
                yield Static("", id="obs-mode", classes="blank")
                yield NoteLine(id="note-line", placeholder="Type a note, Enter saves  "
                               "(+ strength  - work on  ? ask  1-9 skill)")
                yield Static("", id="note-error", classes="field-error blank", markup=False)
                yield Static("", id="obs-legend")
                with VerticalScroll(id="obs-notes"):
                    yield Static("No notes yet.", id="obs-empty")
            if self.app.size.width >= WIDE:
                yield self._side()
        yield KeyFooter()

    @staticmethod
    def _side() -> VerticalScroll:
        """The side panel, built only on a terminal wide enough to show it."""
        return VerticalScroll(Static("", id="obs-side-body"), id="obs-side")

    # --- lifecycle -----------------------------------------------------------------------

    def on_mount(self) -> None:
        from fieldcoach.observation import data_version, open_observation, start_call

        line = self.query_one("#note-line", Input)
        line.focus()
        # Read here, before the first frame, not in a worker: the line must know its call
        # before the first Enter (three indexed reads, about a millisecond).
        opened = self.fc.store.read(open_observation, self.call_id)
        if opened is None:
            self.notify("That call no longer exists.", severity="error")
            self.fc.pop_screen()
            return
        row = opened.call
        if row.kind == "selling":
            self.notify("A selling call is not observed.", severity="warning")
            self.fc.pop_screen()
            return
        if row.status in ("debrief", "done"):
            self.fc.open_feedback(self.call_id, replace=True)
            return
        ctx = opened.context
        if row.status == "planned":
            started = self.fc.now()
            ctx = replace(ctx, started_at=started)
            self._starting = True
            self.run_blocking("the start", start_call, self.fc.store, self.call_id, started)
        self.active = ctx
        self.skill_by_id = dict(zip(ctx.skill_ids, ctx.skill_names, strict=False))
        when = f" · {row.account}" if row.account else ""
        self.query_one("#obs-title", Static).update(visible(f"Observing {row.rep_name}{when}"))
        self._show_legend()
        for n in opened.notes:
            self._append(n)
        draft = self.saved_draft()
        if draft and draft.get("text", "").strip():
            line.value = draft["text"]
            line.cursor_position = len(line.value)
            self.notify("Recovered draft")
        self.start_drafts()
        self._seen_version = self.fc.store.read(data_version)
        self._tick()
        self.set_interval(1, self._tick)
        self._load_side_when_shown()

    def on_resize(self, event: events.Resize) -> None:
        self._load_side_when_shown()

    def _load_side_when_shown(self) -> None:
        """The side panel (objective, goal, open steps) shows on wide terminals only: it is
        read the first time it is shown, once that frame is drawn (the note line first)."""
        if self.app.size.width >= WIDE and self.active is not None and not self._side_asked:
            self._side_asked = True
            if not self.query("#obs-side"):
                self.query_one("#obs-body").mount(self._side())
            self.call_after_refresh(self._load_side)

    def _load_side(self) -> None:
        from fieldcoach.observation import call_brief

        self.run_blocking("the side panel", self.fc.store.read, call_brief, self.call_id, self.fc.now())

    def on_loaded(self, message: Loaded) -> None:
        if message.what == "the start":
            self._starting = False
            if self._end_after_start:
                self._end()
        elif message.what == "the side panel" and message.value is not None:
            self.query_one("#obs-side-body", Static).update(self._side_text(message.value))
        elif message.what == "the end":
            self.flush_draft()
            self.fc.open_feedback(self.call_id, replace=True)

    def on_failed(self, message: Failed) -> None:
        if message.what == "the start":  # shown, never fatal: notes still go to the call
            self._starting = False
            self.notify(escape(message.text), severity="error")
            if self._end_after_start:
                self._end()
        elif message.what == "the side panel":
            from fieldcoach.db import read_failure

            self.notify(escape(read_failure(message.error, "the call's plan")), severity="error")
        elif message.what == "the end":
            self._ending = False
            self.notify(f"Could not end the call: {escape(message.text)}", severity="error")

    @staticmethod
    def _side_text(d) -> Text:
        t = Text()
        t.append("Objective\n", style="bold")
        t.append(visible(d.objective or "—") + "\n\n")
        t.append("Advance\n", style="bold")
        t.append(f"min: {visible(d.advance_min or '—')}\nstretch: {visible(d.advance_stretch or '—')}\n\n")
        if d.goal:
            t.append("Shared goal\n", style="bold")
            t.append(visible(d.goal.statement) + "\n")
            t.append(visible(", ".join(d.goal.skill_names)) + "\n\n", style="italic")
        if d.carried:
            t.append("Open next steps\n", style="bold")
            for s in d.carried[:6]:
                t.append(f"• {visible(s.action)} ({s.owner})\n")
        return t

    def _show_legend(self) -> None:
        names = self.active.skill_names if self.active else []
        t = Text()
        for i, (key, label) in enumerate(legend(names)):
            if i:
                t.append("  ")
            t.append(key, style="bold")
            t.append(f" {visible(label)}")
        self.query_one("#obs-legend", Static).update(t)

    def _tick(self) -> None:
        if self.active is None or self.active.started_at is None:
            return
        secs = int((self.fc.now() - self.active.started_at).total_seconds())
        self.query_one("#obs-clock", Static).update(f"elapsed {mmss(secs)}")
        self._show_notes_added_beside()

    def _show_notes_added_beside(self) -> None:
        """Notes another process added to this call (`fieldcoach note` in a shell) join the
        list; the app's own are shown as they are saved."""
        from fieldcoach.observation import notes_if_changed

        try:
            self._seen_version, fresh = self.fc.store.read(notes_if_changed, self.call_id, self._seen_version)
        except sqlite3.Error:  # a busy moment: the next second looks again
            return
        known = {n.id for n in self.shown}
        for n in fresh or ():
            if n.id not in known:
                self._append(n)

    # --- the note line ---------------------------------------------------------------------

    @on(Input.Blurred, "#note-line")
    def _keep_focus(self) -> None:
        if self.app.screen is self:
            self.call_after_refresh(self._refocus)

    def _refocus(self) -> None:
        if self.app.screen is self and self.is_mounted:
            self.query_one("#note-line", Input).focus()

    def on_screen_resume(self) -> None:
        self._refocus()

    def draft_fields(self) -> dict[str, str]:
        return {"text": self.query_one("#note-line", Input).value}

    def mark_dirty(self) -> None:
        if self.editing is None:  # a note being corrected is no draft: it is saved already
            super().mark_dirty()

    @on(Input.Changed, "#note-line")
    def _changed(self, event: Input.Changed) -> None:
        if self.picked is not None and self.editing is None and event.value:
            self._pick(None)  # typing goes back to the line
        if not self.query_one("#note-error", Static).has_class("blank"):
            self._say("#note-error", "")

    @on(Input.Submitted, "#note-line")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        raw = event.value
        if not raw.strip():
            return
        line = event.input
        store, now = self.fc.store, self.fc.now()
        try:
            if self.editing is not None:
                row = store.write_now(notes_mod.update_note, self.editing.id, self.active, raw, now=now)
                self._replace(self.editing.id, row)
                self.editing = None
                self._pick(None)
            else:
                row = store.write_now(notes_mod.add_note, self.active, raw, now=now)
                self._append(row)
        except Exception as exc:  # refused, disk full, locked...: said at the line, the text kept
            text, _field = describe_failure("the note", exc)
            self._say("#note-error", text if isinstance(exc, FieldError) else f"Not saved: {text}")
            return
        # Committed: now the line may clear, but for what was typed after Enter and before
        # this handler ran (a fast typist's next note).
        typed_after = line.value[len(raw):] if line.value.startswith(raw) else ""
        line.value = typed_after
        self._say("#note-error", "")
        if not typed_after:
            self.discard_draft()

    def _say(self, selector: str, text: str) -> None:
        """Show a message line, or hide it when there is nothing to say (80x24 is tight)."""
        w = self.query_one(selector, Static)
        w.update(visible(text))
        w.set_class(not text, "blank")

    def _append(self, n: NoteRow) -> None:
        box = self.query_one("#obs-notes", VerticalScroll)
        for empty in box.query("#obs-empty"):
            empty.remove()
        self.shown.append(n)
        box.mount(Static(note_line(n, self.skill_by_id), classes="note", name=n.id))
        box.scroll_end(animate=False)

    def _note_widget(self, note_id: str) -> Static | None:
        for w in self.query_one("#obs-notes", VerticalScroll).query(".note").results(Static):
            if w.name == note_id:
                return w
        return None

    def _replace(self, note_id: str, row: NoteRow) -> None:
        self.shown = [row if n.id == note_id else n for n in self.shown]
        w = self._note_widget(note_id)
        if w is not None:
            w.update(note_line(row, self.skill_by_id))

    # --- actions -------------------------------------------------------------------------

    # Ctrl+E, Ctrl+Z and Ctrl+T act on the picked note: the last one unless ↑/↓ picked
    # another. The note line keeps the focus throughout (typing speed); the pick is shown
    # by a bar and a shade on the note, and a line saying which note it is.

    def _target(self) -> NoteRow | None:
        if not self.shown:
            return None
        if self.picked is None or self.picked >= len(self.shown):
            return self.shown[-1]
        return self.shown[self.picked]

    def action_pick(self, step: int) -> None:
        if not self.shown or self.editing is not None:
            return
        at = len(self.shown) if self.picked is None else self.picked
        at += step
        self._pick(None if at >= len(self.shown) else max(0, at))

    def _pick(self, index: int | None) -> None:
        self.picked = index
        chosen = self.shown[index].id if index is not None else None
        for w in self.query_one("#obs-notes", VerticalScroll).query(".note"):
            w.set_class(w.name == chosen, "-selected")
            if w.name == chosen:
                w.scroll_visible(animate=False)
        if index is None:
            self._say("#obs-mode", "")
        else:
            self._say("#obs-mode", f"Note {index + 1} of {len(self.shown)}: ctrl+e edit · ctrl+z remove · "
                                   "ctrl+t private · Esc back to typing")

    def action_edit_last(self) -> None:
        from fieldcoach.observation import as_typed

        note = self._target()
        if note is None:
            self.notify("No note to edit yet.")
            return
        self.flush_draft()  # what was typed so far stays a draft; the line now holds the note
        self.editing = note
        line = self.query_one("#note-line", Input)
        line.value = as_typed(note, self.active.skill_ids if self.active else [])
        line.cursor_position = len(line.value)
        which = "the last note" if note is self.shown[-1] else f"note {self.shown.index(note) + 1}"
        self._say("#obs-mode", f"Editing {which} — Enter saves, Escape cancels")

    def action_undo_last(self) -> None:
        note = self._target()
        if note is None:
            self.notify("No note to undo.")
            return
        if note is self.shown[-1]:
            self._remove(note)  # the last note goes at once, as it always did
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(note)

        # An earlier note is out of sight of the manager's flow: ask before it goes.
        from screens.widgets.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog(Text.assemble("Remove this note?\n", (note.text[:200], "italic")),
                                           "Remove (y)", cancel_label="Keep (n)"), answered)

    def _remove(self, note: NoteRow) -> None:
        try:
            self.fc.store.write_now(notes_mod.delete_note, note.id, now=self.fc.now())
        except Exception as exc:  # disk full, locked...: said, the note stays
            text, _field = describe_failure("the removal", exc)
            self.notify(f"Could not remove the note: {escape(text)}", severity="error")
            return
        self.shown = [n for n in self.shown if n.id != note.id]
        w = self._note_widget(note.id)
        if w is not None:
            w.remove()
        if self.editing is not None and self.editing.id == note.id:
            self._cancel_edit()
        self._pick(None)
        self.notify(f"Removed: {escape(note.text[:60])}")

    def action_toggle_private(self) -> None:
        note = self._target()
        if note is None:
            self.notify("No note to mark private.")
            return
        try:
            self.fc.store.write_now(notes_mod.set_private, note.id, not note.private, now=self.fc.now())
        except Exception as exc:  # disk full, locked...: said, the note unchanged
            text, _field = describe_failure("the change", exc)
            self.notify(f"Could not change the note: {escape(text)}", severity="error")
            return
        self._replace(note.id, replace(note, private=not note.private))
        self.notify("Note is private: stays on this laptop" if not note.private
                    else "Note is shared again")

    def _cancel_edit(self) -> None:
        self.editing = None
        self.query_one("#note-line", Input).value = ""
        self._pick(None)

    def action_leave(self) -> None:
        if self.editing is not None:
            self._cancel_edit()
            return
        if self.picked is not None:
            self._pick(None)
            return
        self.flush_draft()
        self.notify("Call still in progress: resume from home")
        self.fc.action_go_home()

    def action_end_call(self) -> None:
        if self._ending:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._ending = True
                if self._starting:  # the start is written before the end
                    self._end_after_start = True
                else:
                    self._end()

        from screens.widgets.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog("End the call and start the feedback script now?",
                                           "Yes, end (y)", cancel_label="Keep observing (n)",
                                           variant="warning", focus_yes=True), answered)

    def _end(self) -> None:
        from fieldcoach.observation import end_call

        self._end_after_start = False
        self.run_blocking("the end", end_call, self.fc.store, self.call_id, self.fc.now())
