"""Settings: the manager, the coaching budget, the feedback-delay threshold, the team
store folder, date order, the skill catalogue, the feedback script and the theme.
ctrl+s saves everything; a bad value gets its message at the field."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, Static, Switch, TextArea

from screens.widgets.dialogs import clear_field_errors, field_error, show_field_error, warm_orm
from screens.widgets.drafts import DraftKeeper
from screens.widgets.fields import TextBox, TextInput
from screens.widgets.footer import KeyFooter

THEMES = (("Dark", "textual-dark"), ("Light", "textual-light"))
STAGE_HELP = "stages: self, observations, ratings, kss, next"


def parse_script(text: str) -> list[tuple[str, str]]:
    """'stage: question' per line -> pairs; raises ValueError naming the bad line."""
    from fieldcoach.coaching import STAGES

    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        stage, sep, question = line.partition(":")
        stage = stage.strip().lower()
        if not sep or stage not in STAGES:
            raise ValueError(f"Line {n}: start with a stage and a colon, e.g. “self: How did it go?” "
                             f"({STAGE_HELP}).")
        if not question.strip():
            raise ValueError(f"Line {n}: write the question after the colon.")
        out.append((stage, question.strip()))
    return out


class SettingsScreen(DraftKeeper, Screen[None]):
    draft_key = "settings"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings-save", tooltip="Save all settings"),
        Binding("escape", "leave", "Back", id="settings-back", tooltip="Go back without saving"),
    ]
    PALETTE = (("screen.save", "Save settings", "Save all settings on this screen"),)
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
                yield Static("ctrl+s saves · Escape goes back without saving", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Settings"
        warm_orm(self)
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="settings")
    def _load(self) -> None:
        from fieldcoach import queries

        try:
            con = self.app.store.con()
            s, skills, script = queries.settings(con), queries.skills(con), queries.script(con)
        except Exception as exc:
            self.app.call_from_thread(self.notify, escape(str(exc)), severity="error")
            return
        self.app.call_from_thread(self._show, s, skills, script)

    def _show(self, s, skills, script) -> None:
        base = {
            "name": s.name, "budget_minutes": str(s.budget_minutes), "late_minutes": str(s.late_minutes),
            "store_dir": s.store_dir or "", "dayfirst": "1" if s.dayfirst else "0",
            "theme": s.theme if s.theme in dict((v, k) for k, v in THEMES) else "textual-dark",
            "skills": "\n".join(k.name for k in skills),
            "script": "\n".join(f"{q.stage}: {q.text}" for q in script),
        }
        values = {**base, **(self.saved_draft() or {})}
        self._base = base
        self._set_fields(values)
        self._loaded = True
        self.query_one("#name", Input).focus()
        self.start_drafts(base)

    def _set_fields(self, v: dict[str, str]) -> None:
        for k in ("name", "budget_minutes", "late_minutes", "store_dir"):
            self.query_one(f"#{k}", Input).value = v.get(k, "")
        self.query_one("#dayfirst", Switch).value = v.get("dayfirst", "1") == "1"
        theme = v.get("theme", "textual-dark")
        self.query_one("#theme", Select).value = theme if theme in ("textual-dark", "textual-light") \
            else "textual-dark"
        self.query_one("#skills", TextArea).text = v.get("skills", "")
        self.query_one("#script", TextArea).text = v.get("script", "")

    def draft_fields(self) -> dict[str, str]:
        return {
            **{k: self.query_one(f"#{k}", Input).value
               for k in ("name", "budget_minutes", "late_minutes", "store_dir")},
            "dayfirst": "1" if self.query_one("#dayfirst", Switch).value else "0",
            "theme": str(self.query_one("#theme", Select).value),
            "skills": self.query_one("#skills", TextArea).text,
            "script": self.query_one("#script", TextArea).text,
        }

    @on(Switch.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.mark_dirty()

    def action_save(self) -> None:
        if not self._loaded:
            return
        clear_field_errors(self)
        f = self.draft_fields()
        errors: dict[str, str] = {}
        changes: dict[str, object] = {"name": f["name"], "dayfirst": f["dayfirst"] == "1", "theme": f["theme"]}
        for key, label in (("budget_minutes", "The budget"), ("late_minutes", "The threshold")):
            raw = f[key].strip()
            try:
                changes[key] = int(raw)
            except ValueError:
                errors[key] = f"{label} is a whole number of minutes, e.g. 120." if key == "budget_minutes" \
                    else f"{label} is a whole number of minutes, e.g. 30."
        store_dir = f["store_dir"].strip()
        if any(ord(ch) < 32 for ch in store_dir):
            errors["store_dir"] = "The folder name has a control character in it."
        changes["store_dir"] = store_dir or None
        skills = [ln.strip() for ln in f["skills"].splitlines() if ln.strip()]
        if not skills:
            errors["skills"] = "Keep at least one skill in the catalogue."
        try:
            script = parse_script(f["script"])
        except ValueError as exc:
            errors["script"] = str(exc)
            script = []
        for field, message in errors.items():
            show_field_error(self, field, message)
        if errors:
            self.notify("Not saved: see the fields in red", severity="error")
            return
        self._save(changes, skills, script)

    @work(thread=True, exit_on_error=False, exclusive=True, group="settings-save")
    def _save(self, changes: dict, skills: list[str], script: list[tuple[str, str]]) -> None:
        from fieldcoach import services
        from fieldcoach.errors import FieldError

        base = self._base
        try:
            services.update_settings(self.app.store, **changes)
            if "\n".join(skills) != base["skills"]:
                services.set_skills(self.app.store, skills)
            if "\n".join(f"{s}: {t}" for s, t in script) != base["script"]:
                services.set_script(self.app.store, script)
        except FieldError as exc:
            self.app.call_from_thread(show_field_error, self, exc.field, exc.message)
            self.app.call_from_thread(self.notify, "Not saved: see the message at the field.",
                                      severity="error")
            return
        except Exception as exc:
            self.app.call_from_thread(self.notify, escape(f"Settings not saved: {exc}"), severity="error")
            return
        self.app.call_from_thread(self._saved, str(changes["theme"]))

    def action_leave(self) -> None:
        self.discard_draft()
        self.app.pop_screen()

    def _saved(self, theme: str) -> None:
        self.discard_draft()
        if theme in self.app.available_themes:
            self.app.theme = theme
        self.notify("Settings saved.")
        self._load()
