"""Settings: the manager, the coaching budget, the feedback-delay threshold, the team
store folder, date order, the skill catalogue, the feedback script, the theme and the
retention periods. ctrl+s saves everything; a bad value gets its message at the field.
What the next purge would remove (per class, with the oldest date) shows under the
periods as saved; ctrl+r purges exactly that, after a confirmation.

Thin: the screen collects the field texts; `fieldcoach.settings_form` reads them, checks
them and saves them (in a worker, the result back as a Loaded or Failed message)."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, Select, Static, Switch, TextArea

from fieldcoach import settings_form
from fieldcoach.errors import FormErrors
from fieldcoach.privacy import retention
from fieldcoach.settings_form import DEFAULT_THEME, STAGE_HELP, THEMES
from screens.base import BaseScreen, Failed, Loaded
from screens.widgets.dialogs import ConfirmDialog, clear_field_errors, field_error, show_field_error
from screens.widgets.drafts import DraftKeeper
from screens.widgets.fields import TextBox, TextInput
from screens.widgets.footer import KeyFooter

LOAD, SAVE, WARM = "the settings", "the settings change", "the ORM warm-up"
PREVIEW, PURGE = "what the next purge removes", "the purge"
TEXT_FIELDS = ("name", "budget_minutes", "late_minutes", "store_dir", *settings_form.RETENTION_FIELDS)


class SettingsScreen(DraftKeeper, BaseScreen[None]):
    draft_key = "settings"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings-save", tooltip="Save all settings"),
        Binding("escape", "leave", "Back", id="settings-back", tooltip="Go back without saving"),
        Binding("ctrl+r", "purge", "Purge", id="settings-purge",
                tooltip="Remove the records past their retention period (asks first)"),
    ]
    PALETTE = (("screen.save", "Save settings", "Save all settings on this screen"),
               ("screen.purge", "Purge old records", "Remove what is past its retention period (asks first)"))
    DEFAULT_CSS = """
    SettingsScreen #settings-body { height: 1fr; padding: 0 2; }
    SettingsScreen Label { margin: 0; text-style: bold; }
    SettingsScreen .field-error { height: 1; }
    SettingsScreen #settings-cols { height: auto; layout: vertical; }
    SettingsScreen.wide #settings-cols { layout: horizontal; }
    SettingsScreen .col { height: auto; }
    SettingsScreen.wide .col { width: 1fr; padding-right: 2; }
    SettingsScreen .hint { color: $text-muted; }
    SettingsScreen Input { width: 100%; max-width: 80; }
    SettingsScreen #budget_minutes, SettingsScreen #late_minutes { max-width: 20; }
    SettingsScreen .keep Input { width: 12; }
    SettingsScreen .keep Label { width: 18; text-style: none; }
    SettingsScreen .keep { height: 1; }
    SettingsScreen TextArea { height: 8; max-width: 110; }
    SettingsScreen #script { height: 12; }
    SettingsScreen .row { height: auto; margin: 0 0 1 0; }
    SettingsScreen .row Label { margin: 0 1 0 0; }
    SettingsScreen Switch { border: none; height: 1; padding: 0 1; background: $boost; }
    SettingsScreen Switch:focus { border: none; background: $primary 35%; }
    SettingsScreen Select { max-width: 30; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._loaded = False
        self._stored: dict[str, str] = {}
        self._plan: retention.PurgePlan | None = None
    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-body"), Vertical(id="settings-cols"):
            with Vertical(classes="col"):
                yield Label("Your name (the coach)")
                yield TextInput(id="name", compact=True, placeholder="e.g. Alex Morgan")
                yield field_error("name")
                yield Label("Coaching budget, minutes per week")
                yield TextInput(id="budget_minutes", compact=True, type="text", placeholder="120")
                yield field_error("budget_minutes")
                yield Label("Feedback is late after (minutes from the end of the call)")
                yield TextInput(id="late_minutes", compact=True, placeholder="30")
                yield field_error("late_minutes")
                yield Label("Team store folder (synced folder shared with your team)")
                yield TextInput(id="store_dir", compact=True, placeholder="e.g. ~/OneDrive/Sales coaching")
                yield field_error("store_dir")
                with Horizontal(classes="row"):
                    yield Label("Dates day first (3/12 = 3 December)")
                    yield Switch(id="dayfirst", value=True)
                with Horizontal(classes="row"):
                    yield Label("Theme")
                    yield Select(THEMES, id="theme", allow_blank=False, value="textual-dark", compact=True)
            with Vertical(classes="col"):
                yield Label("Skill catalogue (one skill per line)")
                yield TextBox(id="skills", show_line_numbers=False)
                yield field_error("skills")
                yield Label("Feedback script (one question per line, “stage: question”)")
                yield Static(STAGE_HELP + " — the rep's self-assessment comes first.", classes="hint")
                yield TextBox(id="script", show_line_numbers=False, soft_wrap=True)
                yield field_error("script")
                yield Label("Keep records for (days; empty keeps forever)")
                for c in retention.CLASSES:
                    with Horizontal(classes="keep"):
                        yield Label(c.label)
                        yield TextInput(id=f"keep_{c.key}", compact=True, placeholder="forever")
                    yield field_error(f"keep_{c.key}")
                yield Static("", id="purge-preview", classes="hint")
                yield Static("ctrl+s saves · ctrl+r purges what is shown above · Escape goes back "
                             "without saving", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Settings"
        # the ORM's imports while the user reads the form, so saving is quick
        self.run_blocking(WARM, self.fc.store.warm)
        self._load()

    def _load(self) -> None:
        self.run_blocking(LOAD, self.fc.store.read, settings_form.form_fields)
        self._preview()

    def _preview(self) -> None:
        self.run_blocking(PREVIEW, self.fc.store.read, retention.next_purge, self.fc.now(), exclusive=False)

    def on_loaded(self, message: Loaded) -> None:
        if message.what == LOAD:
            self._show(message.value)
        elif message.what == SAVE:
            self._saved(message.value)
        elif message.what == PREVIEW:
            self._show_plan(message.value)
        elif message.what == PURGE:
            self.notify(f"Purged: {message.value.line()}")
            self._preview()

    def on_failed(self, message: Failed) -> None:
        if message.what in (LOAD, PREVIEW, PURGE):
            self.notify(escape(message.text), severity="error")
        elif message.what == SAVE:
            if message.field:
                show_field_error(self, message.field, message.text)
                self.notify("Not saved: see the message at the field.", severity="error")
            else:
                self.notify(escape(message.text), severity="error")
        # WARM: nothing to say; the save itself reports what is wrong

    def _show(self, stored: dict[str, str]) -> None:
        self._stored = stored
        self._set_fields({**stored, **(self.saved_draft() or {})})
        self._loaded = True
        self.query_one("#name", Input).focus()
        self.start_drafts(stored)

    def _set_fields(self, v: dict[str, str]) -> None:
        for k in TEXT_FIELDS:
            self.query_one(f"#{k}", Input).value = v.get(k, "")
        self.query_one("#dayfirst", Switch).value = v.get("dayfirst", "1") == "1"
        theme = v.get("theme", DEFAULT_THEME)
        self.query_one("#theme", Select).value = theme if theme in dict(THEMES).values() else DEFAULT_THEME
        self.query_one("#skills", TextArea).text = v.get("skills", "")
        self.query_one("#script", TextArea).text = v.get("script", "")

    def draft_fields(self) -> dict[str, str]:
        return {
            **{k: self.query_one(f"#{k}", Input).value for k in TEXT_FIELDS},
            "dayfirst": "1" if self.query_one("#dayfirst", Switch).value else "0",
            "theme": str(self.query_one("#theme", Select).value),
            "skills": self.query_one("#skills", TextArea).text,
            "script": self.query_one("#script", TextArea).text,
        }

    def on_switch_changed(self) -> None:
        self.mark_dirty()

    def on_select_changed(self) -> None:
        self.mark_dirty()

    def action_save(self) -> None:
        if not self._loaded:
            return
        clear_field_errors(self)
        try:
            change = settings_form.parse_settings(self.draft_fields(), self._stored)
        except FormErrors as exc:
            for field, text in exc.errors.items():
                show_field_error(self, field, text)
            self.notify(str(exc), severity="error")
            return
        self.run_blocking(SAVE, settings_form.save_settings, self.fc.store, change)

    def _show_plan(self, plan: retention.PurgePlan) -> None:
        self._plan = plan
        lines = ["Next purge (as saved):", *plan.lines(self.fc.tz)]
        self.query_one("#purge-preview", Static).update(escape("\n".join(lines)))

    def action_purge(self) -> None:
        plan = self._plan
        if plan is None:
            return
        if plan.total == 0:
            self.notify("Nothing is past its retention period." if not plan.kept_forever
                        else "Every class is kept forever: set a number of days and save first.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_blocking(PURGE, retention.purge, self.fc.store, plan)

        self.app.push_screen(ConfirmDialog(
            f"Remove the {plan.total} records past their retention period, as listed?", "Purge",
            detail="Their text is erased from this laptop; the team store gets tombstones without "
                   "content on the next export. This cannot be undone."), answered)

    def action_leave(self) -> None:
        self.discard_draft()
        self.app.pop_screen()

    def _saved(self, change: settings_form.SettingsChange) -> None:
        self.discard_draft()
        if change.theme in self.app.available_themes:
            self.app.theme = change.theme
        self.notify("Settings saved.")
        self._load()
