"""Shared dialogs: quick capture, confirm a destructive act; the field-error lines every
form uses. Drafts are kept by `screens.widgets.drafts.DraftKeeper`."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.widgets.button import ButtonVariant

from fieldcoach.text import visible
from screens.base import BaseModal, Failed, Loaded
from screens.widgets.drafts import DraftKeeper
from screens.widgets.fields import TextInput
from screens.widgets.footer import KeyFooter


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


class CaptureDialog(DraftKeeper, BaseModal[bool]):
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

    def _save(self, text: str) -> None:
        from fieldcoach.notes import capture

        self.run_blocking("the note", self.fc.store.read, capture, text, now=self.fc.now())

    def on_loaded(self, message: Loaded) -> None:
        _row, call = message.value
        self.discard_draft()
        self.notify("Note saved to the call" if call is not None else "Note saved to the inbox")
        self.dismiss(True)

    def on_failed(self, message: Failed) -> None:
        if message.field:  # the text itself: say so under the field
            self.query_one("#err-note", Static).update(visible(message.text))
        else:  # locked/read-only database, full disk...
            self.notify(escape(message.text), severity="error")

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
                 variant: ButtonVariant = "error", focus_yes: bool = False, detail: str = "") -> None:
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
            message = (self.message if isinstance(self.message, Text)
                       else visible(self.message, keep_newlines=True))
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
