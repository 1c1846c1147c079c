"""Live observation: one always-focused line, Enter saves a timestamped note at once.

The hot path stays on the standard library: notes are written with `fieldcoach.notes`
on the UI thread (about a millisecond, committed before the line clears), so the
screen takes keys before the ORM has been imported. Only starting and ending the call
go through the services, in thread workers.
"""

from __future__ import annotations

import threading
from datetime import datetime

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static

from fieldcoach import notes as notes_mod
from fieldcoach.errors import FieldError
from fieldcoach.notes import ActiveCall, NoteRow
from fieldcoach.shorthand import legend
from fieldcoach.text import visible
from screens import WIDE
from screens.widgets.fields import TextInput, pasted_lines
from screens.widgets.footer import KeyFooter
from screens.widgets.formatting import MARKER_OF, mmss, note_line


class NoteLine(TextInput):
    """The note line: a pasted block of text is kept whole, its lines joined by spaces
    (a plain Input keeps only the first line of a paste)."""

    def _on_paste(self, event) -> None:
        if event.text:
            text = " ".join(part.strip() for part in pasted_lines(event.text) if part.strip())
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)
        event.prevent_default()  # not Input's own handler as well
        event.stop()


class ObservationScreen(Screen[None]):
    DEFAULT_CSS = """
    ObservationScreen #obs-top { height: 1; padding: 0 1; background: $boost; }
    ObservationScreen #obs-title { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    ObservationScreen #obs-clock { width: auto; padding-left: 2; text-style: bold; color: $accent; }
    ObservationScreen #obs-body { height: 1fr; }
    ObservationScreen #obs-main { width: 1fr; }
    ObservationScreen #obs-notes { height: 1fr; padding: 0 1; }
    ObservationScreen #obs-notes > Static { height: auto; }
    ObservationScreen #obs-notes > .-selected { border-left: outer $accent; background: $boost; text-style: bold; }
    ObservationScreen #obs-empty { color: $text-muted; }
    ObservationScreen #obs-legend { height: auto; padding: 0 1; color: $text-muted; border-bottom: solid $primary-darken-2; }
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
        self.active: ActiveCall | None = None
        self.shown: list[NoteRow] = []
        self.skill_by_id: dict[str, str] = {}
        self.editing: NoteRow | None = None
        self.picked: int | None = None  # index into shown; None: the last note, typing on
        self._draft_timer: Timer | None = None
        self._ending = False
        self._started = threading.Event()
        self._side_asked = False

    @property
    def draft_key(self) -> str:
        return f"note:{self.call_id}"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="obs-top"):
            yield Static("Observing", id="obs-title", markup=False)
            yield Static("--:--", id="obs-clock")
        with Horizontal(id="obs-body"):
            with Vertical(id="obs-main"):
                yield Static("", id="obs-mode", classes="blank")
                yield NoteLine(placeholder="Type a note, Enter saves  (+ strength  - work on  ? ask  1-9 skill)",
                               id="note-line")
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
        line = self.query_one("#note-line", Input)
        line.focus()
        from fieldcoach.lookups import find_call

        con = self.app.store.hot_con()
        row = find_call(con, self.call_id)
        if row is None:
            self.notify("That call no longer exists.", severity="error")
            self.app.pop_screen()
            return
        if row.kind == "selling":
            self.notify("A selling call is not observed.", severity="warning")
            self.app.pop_screen()
            return
        if row.status in ("debrief", "done"):
            self.app.open_feedback(self.call_id, replace=True)
            return
        ctx = notes_mod.call_context(con, self.call_id)
        if row.status == "planned":
            started = self.app.now()
            ctx = ActiveCall(ctx.id, started, ctx.skill_ids, ctx.skill_names)
            self._start(started)
        else:
            self._started.set()
        self.active = ctx
        self.skill_by_id = dict(zip(ctx.skill_ids, ctx.skill_names))
        when = f" · {row.account}" if row.account else ""
        self.query_one("#obs-title", Static).update(visible(f"Observing {row.rep_name}{when}"))
        self._show_legend()
        for n in notes_mod.call_notes(con, self.call_id):
            self._append(n)
        draft = self.app.drafts.get(self.draft_key)
        if draft and draft.fields.get("text", "").strip():
            line.value = draft.fields["text"]
            line.cursor_position = len(line.value)
            self.notify("Recovered draft")
        self._tick()
        self.set_interval(1, self._tick)
        self.set_interval(15, self._checkpoint)
        self._load_side_when_shown()

    def on_resize(self, event) -> None:
        self._load_side_when_shown()

    @work(thread=True, exit_on_error=False, exclusive=True, group="obs-checkpoint")
    def _checkpoint(self) -> None:
        """Checkpoints happen here, off the note line (see Store.hot_con)."""
        self.app.store.checkpoint()

    @work(thread=True, exit_on_error=False, group="obs-start")
    def _start(self, started: datetime) -> None:
        from fieldcoach import services

        try:
            services.start_call(self.app.store, self.call_id, now=started)
        except Exception as exc:  # noqa: BLE001 - shown, never fatal
            self.app.call_from_thread(self.notify, escape(str(exc)), severity="error")
        finally:
            self._started.set()

    def _load_side_when_shown(self) -> None:
        """The side panel (objective, goal, open steps) shows on wide terminals only: it is
        read the first time it is shown, once that frame is drawn (the note line first)."""
        if self.app.size.width >= WIDE and self.active is not None and not self._side_asked:
            self._side_asked = True
            if not self.query("#obs-side"):
                self.query_one("#obs-body").mount(self._side())
            self.call_after_refresh(self._load_side)

    @work(thread=True, exit_on_error=False, group="obs-side")
    def _load_side(self) -> None:
        from fieldcoach.queries import call_detail

        d = call_detail(self.app.store.con(), self.call_id, self.app.now())
        if d is None:
            return
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
        self.app.call_from_thread(self.query_one("#obs-side-body", Static).update, t)

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
        secs = int((self.app.now() - self.active.started_at).total_seconds())
        self.query_one("#obs-clock", Static).update(f"elapsed {mmss(secs)}")

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

    @on(Input.Changed, "#note-line")
    def _changed(self, event: Input.Changed) -> None:
        if self.picked is not None and self.editing is None and event.value:
            self._pick(None)  # typing goes back to the line
        if not self.query_one("#note-error", Static).has_class("blank"):
            self._say("#note-error", "")
        # One pending save at a time: the draft is written at most 0.5 s after the first
        # unsaved keystroke, even while typing goes on (a restarted timer never would).
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(0.5, self._save_draft)

    def _save_draft(self) -> None:
        self._draft_timer = None
        try:
            if not self.is_mounted:
                return
            text = self.query_one("#note-line", Input).value
            if self.editing is None:
                self.app.drafts.save(self.draft_key, {"text": text})
        except OSError as exc:
            self.notify(f"Could not keep a draft: {escape(str(exc))}", severity="warning")

    @on(Input.Submitted, "#note-line")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        raw = event.value
        if not raw.strip():
            return
        line = event.input
        con = self.app.store.con()
        try:
            if self.editing is not None:
                row = notes_mod.update_note(con, self.editing.id, self.active, raw, now=self.app.now())
                self._replace(self.editing.id, row)
                self.editing = None
                self._pick(None)
            else:
                row = notes_mod.add_note(con, self.active, raw, now=self.app.now())
                self._append(row)
        except FieldError as exc:
            self._say("#note-error", exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - disk full, locked…: the text stays in the line
            self._say("#note-error", f"Not saved: {exc}")
            return
        # Committed: now the line may clear.
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        line.value = ""
        self._say("#note-error", "")
        self.app.drafts.discard(self.draft_key)

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
        for w in self.query_one("#obs-notes", VerticalScroll).query(".note"):
            if w.name == note_id:
                return w  # type: ignore[return-value]
        return None

    def _replace(self, note_id: str, row: NoteRow) -> None:
        self.shown = [row if n.id == note_id else n for n in self.shown]
        w = self._note_widget(note_id)
        if w is not None:
            w.update(note_line(row, self.skill_by_id))

    # --- actions -------------------------------------------------------------------------

    def _raw_of(self, n: NoteRow) -> str:
        prefix = MARKER_OF.get(n.kind, "")
        if n.skill_id and self.active and n.skill_id in self.active.skill_ids:
            prefix += str(self.active.skill_ids.index(n.skill_id) + 1)
        return f"{prefix} {n.text}" if prefix else n.text

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
        note = self._target()
        if note is None:
            self.notify("No note to edit yet.")
            return
        self.editing = note
        line = self.query_one("#note-line", Input)
        line.value = self._raw_of(note)
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
            notes_mod.delete_note(self.app.store.con(), note.id, now=self.app.now())
        except Exception as exc:  # noqa: BLE001
            self.notify(f"Could not remove the note: {escape(str(exc))}", severity="error")
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
            notes_mod.set_private(self.app.store.con(), note.id, not note.private, now=self.app.now())
        except Exception as exc:  # noqa: BLE001
            self.notify(f"Could not change the note: {escape(str(exc))}", severity="error")
            return
        from dataclasses import replace

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
        self._save_draft()
        self.notify("Call still in progress: resume from home")
        self.app.action_go_home()

    def action_end_call(self) -> None:
        if self._ending:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._ending = True
                self._end()

        from screens.widgets.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog("End the call and start the feedback script now?",
                                           "Yes, end (y)", cancel_label="Keep observing (n)",
                                           variant="warning", focus_yes=True), answered)

    @work(thread=True, exit_on_error=False, exclusive=True, group="obs-end")
    def _end(self) -> None:
        from fieldcoach import services

        try:
            self._started.wait(30)  # the start (if any) is written before the end
            services.end_call(self.app.store, self.call_id, now=self.app.now())
        except Exception as exc:  # noqa: BLE001
            self._ending = False
            self.app.call_from_thread(self.notify, f"Could not end the call: {escape(str(exc))}",
                                      severity="error")
            return
        self.app.call_from_thread(self._to_feedback)

    def _to_feedback(self) -> None:
        self._save_draft()
        self.app.open_feedback(self.call_id, replace=True)
