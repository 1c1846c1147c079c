"""Shared dialogs: quick capture, confirm a destructive act, and the draft keeping every
form uses (what is typed is saved every half second, discarded once saved for real)."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from fieldcoach.text import visible
from screens.fields import TextInput
from screens.footer import KeyFooter

DRAFT_EVERY = 0.5  # seconds: a crash costs at most this much typing


class DraftKeeper:
    """Mixin for a screen owning a form.

    The screen sets `draft_key`, implements `draft_fields()`, calls `start_drafts()` once
    its fields hold their starting values, and `discard_draft()` after a successful save.
    Typing marks the form dirty; a half-second interval writes the draft.
    """

    draft_key: str = ""
    _draft_dirty: bool = False
    _draft_baseline: dict[str, str] | None = None

    def draft_fields(self) -> dict[str, str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def saved_draft(self) -> dict[str, str] | None:
        d = self.app.drafts.get(self.draft_key)  # type: ignore[attr-defined]
        return dict(d.fields) if d and not d.empty else None

    def start_drafts(self, baseline: dict[str, str] | None = None) -> None:
        """Begin keeping drafts; fields equal to baseline (what is stored) are no draft."""
        self._draft_baseline = baseline
        if getattr(self, "_draft_timer", None) is None:
            self._draft_timer = self.set_interval(DRAFT_EVERY, self.flush_draft)  # type: ignore[attr-defined]

    def mark_dirty(self) -> None:
        self._draft_dirty = True

    def on_input_changed(self) -> None:
        self.mark_dirty()

    def on_text_area_changed(self) -> None:
        self.mark_dirty()

    def flush_draft(self) -> None:
        if not self._draft_dirty or not self.draft_key:
            return
        self._draft_dirty = False
        drafts = self.app.drafts  # type: ignore[attr-defined]
        try:
            fields = self.draft_fields()
            if self._draft_baseline is not None and fields == self._draft_baseline:
                drafts.discard(self.draft_key)
            else:
                drafts.save(self.draft_key, fields)
        except OSError:
            pass  # a full disk must not stop typing; the save itself reports errors

    def discard_draft(self) -> None:
        self._draft_dirty = False
        try:
            self.app.drafts.discard(self.draft_key)  # type: ignore[attr-defined]
        except OSError:
            pass


def warm_orm(screen) -> None:
    """Import the ORM in a thread while the user types into a form, so saving is quick.

    Not done at launch: home stays light (memory and time) until a form needs the ORM.
    """

    def warm() -> None:
        try:
            _ = screen.app.store.engine
        except Exception:
            pass

    screen.run_worker(warm, thread=True, exit_on_error=False, group="warm-orm")


def field_error(field: str) -> Static:
    """The empty line under a field where show_field_error puts its message."""
    return Static("", id=f"err-{field}", classes="field-error", markup=False)


def show_field_error(screen, field: str, message: str, default: str = "") -> None:
    """Put message under the field (a Static with id `err-<field>`), else notify it."""
    from textual.css.query import NoMatches

    try:
        screen.query_one(f"#err-{field}", Static).update(visible(message))
    except NoMatches:
        if default:
            try:
                screen.query_one(f"#err-{default}", Static).update(visible(message))
                return
            except NoMatches:
                pass
        screen.notify(escape(message), severity="error")


def clear_field_errors(screen) -> None:
    for w in screen.query(".field-error"):
        w.update("")


class CaptureDialog(DraftKeeper, ModalScreen[bool]):
    """Quick note: into the call being observed, else the inbox on home."""

    draft_key = "capture"
    DEFAULT_CSS = """
    CaptureDialog { align: center middle; }
    CaptureDialog > Vertical {
        width: 90%; max-width: 90; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="capture-cancel",
                        tooltip="Close without saving the note")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Quick note: Enter saves it to the call in progress, else to the inbox.")
            yield TextInput(placeholder="+ strength  - to work on  ? question  1-9 skill", id="capture-text")
            yield field_error("note")
        yield KeyFooter()

    def on_mount(self) -> None:
        inp = self.query_one("#capture-text", Input)
        draft = self.saved_draft()
        if draft:
            inp.value = draft.get("text", "")
        inp.focus()
        self.start_drafts()

    def draft_fields(self) -> dict[str, str]:
        return {"text": self.query_one("#capture-text", Input).value}

    @on(Input.Submitted, "#capture-text")
    def _submit(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#err-note", Static).update("Type a note first (Escape closes).")
            return
        self._save(event.value)

    @work(thread=True, exit_on_error=False, exclusive=True, group="capture")
    def _save(self, text: str) -> None:
        from fieldcoach.errors import FieldError
        from fieldcoach.notes import capture

        try:
            _row, call = capture(self.app.store.con(), text, now=self.app.now())
        except FieldError as exc:
            self.app.call_from_thread(self.query_one("#err-note", Static).update, visible(exc.message))
            return
        except Exception as exc:  # locked/read-only database, full disk...
            self.app.call_from_thread(self.notify, escape(f"Note not saved: {exc}"), severity="error")
            return
        self.app.call_from_thread(self._saved, call is not None)

    def _saved(self, to_call: bool) -> None:
        self.discard_draft()
        self.notify("Note saved to the call" if to_call else "Note saved to the inbox")
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.discard_draft()
        self.dismiss(False)


class ConfirmDialog(ModalScreen[bool]):
    """Yes/no before a destructive act; the message is shown literally."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical {
        width: 90%; max-width: 76; height: auto; padding: 1 2;
        border: thick $error; background: $surface;
    }
    ConfirmDialog.-warning > Vertical { border: thick $warning; }
    ConfirmDialog.-primary > Vertical { border: thick $primary; }
    ConfirmDialog #confirm-detail { color: $text-muted; margin-top: 1; }
    ConfirmDialog Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes", tooltip="Go ahead"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no", tooltip="Keep it"),
    ]

    def __init__(self, message: str | Text, confirm_label: str = "Delete", *, cancel_label: str = "Cancel",
                 variant: str = "error", focus_yes: bool = False, detail: str = "") -> None:
        """message: a plain string (shown literally) or a rich Text; detail: a muted
        paragraph under it; variant: the confirm button's and the border's colour."""
        super().__init__(classes=f"-{variant}")
        self.message = message
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label
        self.variant = variant
        self.focus_yes = focus_yes
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical():
            message = self.message if isinstance(self.message, Text) else visible(self.message, keep_newlines=True)
            yield Static(message, markup=False, id="confirm-message")
            if self.detail:
                yield Static(visible(self.detail, keep_newlines=True), markup=False, id="confirm-detail")
            with Horizontal():
                yield Button(self.cancel_label, id="no")
                yield Button(self.confirm_label, variant=self.variant, id="yes")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#yes" if self.focus_yes else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
