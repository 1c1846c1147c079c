"""The roster's modal forms: a rep (name, role, territory), the shared goal, the
expectations checklist. Each keeps a draft as the user types, saves through `services`
in a worker, and shows a refusal at its field. The App opens them (`edit_rep`,
`agree_goal`, `edit_expectations`); the screen underneath reloads when they close."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, SelectionList, Static, TextArea

from fieldcoach.text import visible
from screens.base import BaseModal, Failed, Loaded
from screens.widgets.choices import CheckList
from screens.widgets.dialogs import clear_field_errors, field_error, show_field_error
from screens.widgets.drafts import DraftKeeper
from screens.widgets.fields import TextBox, TextInput
from screens.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from fieldcoach.queries import GoalRow, RepDetail, RepRow, SkillRow
    from fieldcoach.store import Store

FORM_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{
    width: 90%; max-width: 90; height: auto; max-height: 100%; padding: 0 2;
    border: thick $accent; background: $surface; overflow-y: auto;
}}
{cls} .form-buttons {{ height: auto; align-horizontal: right; }}
{cls} .form-buttons Button {{ margin-left: 2; }}
{cls} Label {{ margin: 0; color: $text-muted; }}
{cls} .field-error {{ height: 1; }}
"""

WARM = "the ORM"  # the warm-up's name: it fails silently (the save reports any real problem)


# The writes, run in a worker: `services` imports the ORM, which stays off the UI thread.

def save_rep(store: Store, rep_id: str | None, name: str, role: str, territory: str) -> None:
    from fieldcoach import services

    if rep_id:
        services.update_rep(store, rep_id, name=name, role=role, territory=territory)
    else:
        services.add_rep(store, name, role, territory)


def set_goal(store: Store, rep_id: str, statement: str, skill_ids: list[str]) -> None:
    from fieldcoach import services

    services.set_goal(store, rep_id, statement, skill_ids)


def set_expectations(store: Store, rep_id: str, items: list[str]) -> None:
    from fieldcoach import services

    services.set_expectations(store, rep_id, items)


class FormScreen(DraftKeeper, BaseModal[bool]):
    """A modal form: ctrl+s saves, Escape cancels (and drops the draft).

    A form names its save `SAVING` (it reads in messages: "the goal was not saved") and
    the field a refusal goes under when the field it names is not on the form."""

    SAVING = "the form"
    DEFAULT_FIELD = ""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form-save", tooltip="Save this form"),
        Binding("escape", "cancel", "Cancel", id="form-cancel", tooltip="Close without saving"),
    ]

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="form-buttons"):
            yield Button("Cancel", id="cancel", compact=True)
            yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)

    def on_mount(self) -> None:
        # The ORM's imports, while the user types, so the save is quick; not at launch.
        self.run_blocking(WARM, self.fc.store.warm)
        self.load_form()

    def load_form(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.discard_draft()
        self.dismiss(False)

    def action_save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def saved_message(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def on_loaded(self, message: Loaded) -> None:
        if message.what == self.SAVING:
            self.discard_draft()
            self.notify(escape(self.saved_message()))
            self.dismiss(True)

    def on_failed(self, message: Failed) -> None:
        if message.what == WARM:
            return
        if message.field:
            show_field_error(self, message.field, message.text, self.DEFAULT_FIELD)
        else:
            self.notify(escape(message.text), severity="error")


class RepForm(FormScreen):
    """Add a rep, or edit one's name, role and territory."""

    SAVING = "the rep"
    DEFAULT_FIELD = "name"
    DEFAULT_CSS = FORM_CSS.format(cls="RepForm")
    FIELDS = ("name", "role", "territory")

    def __init__(self, rep: RepRow | RepDetail | None = None) -> None:
        super().__init__()
        self.rep = rep
        self.draft_key = f"rep:{rep.id}" if rep else "rep:new"
        self.saving_name = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Edit rep" if self.rep else "Add a rep", style="bold"))
            yield Label("Name")
            yield TextInput(id="name", compact=True, placeholder="e.g. Priya Shah")
            yield field_error("name")
            yield Label("Role")
            yield TextInput(id="role", compact=True, placeholder="e.g. Account Executive")
            yield field_error("role")
            yield Label("Territory")
            yield TextInput(id="territory", compact=True, placeholder="e.g. London North")
            yield field_error("territory")
            yield from self.compose_buttons()
        yield KeyFooter()

    def load_form(self) -> None:
        base = ({"name": self.rep.name, "role": self.rep.role, "territory": self.rep.territory}
                if self.rep else dict.fromkeys(self.FIELDS, ""))
        values = {**base, **(self.saved_draft() or {})}
        for k in self.FIELDS:
            self.query_one(f"#{k}", Input).value = values.get(k, "")
        self.query_one("#name", Input).focus()
        self.start_drafts(base)

    def draft_fields(self) -> dict[str, str]:
        return {k: self.query_one(f"#{k}", Input).value for k in self.FIELDS}

    def action_save(self) -> None:
        clear_field_errors(self)
        f = self.draft_fields()
        self.saving_name = f["name"].strip()
        self.run_blocking(self.SAVING, save_rep, self.fc.store, self.rep.id if self.rep else None,
                          f["name"], f["role"], f["territory"])

    def saved_message(self) -> str:
        return f"Saved {self.saving_name}." if self.rep else f"Added {self.saving_name}."


class GoalForm(FormScreen):
    """Agree the shared goal: a one-line statement and one to three focus skills."""

    SAVING = "the goal"
    DEFAULT_FIELD = "statement"
    DEFAULT_CSS = FORM_CSS.format(cls="GoalForm") + """
    GoalForm SelectionList { height: auto; max-height: 12; }
    """

    def __init__(self, rep_id: str, rep_name: str, goal: GoalRow | None, skills: Sequence[SkillRow]) -> None:
        super().__init__()
        self.rep_id, self.rep_name, self.goal, self.skills = rep_id, rep_name, goal, skills
        self.draft_key = f"goal:{rep_id}"

    def compose(self) -> ComposeResult:
        chosen = set(self.goal.skill_ids) if self.goal else set()
        with Vertical():
            title = Text("Shared goal with ", style="bold")
            title.append(visible(self.rep_name))
            yield Static(title)
            yield Label("Goal statement (one line, agreed with the rep)")
            yield TextInput(id="statement", compact=True,
                            placeholder="e.g. Win the next meeting by asking before telling")
            yield field_error("statement")
            yield Label("Focus skills (pick 1 to 3; space toggles)")
            yield CheckList[str](*[(Text(visible(k.name)), k.id, k.id in chosen) for k in self.skills],
                                 id="skills", compact=True)
            yield field_error("skills")
            yield from self.compose_buttons()
        yield KeyFooter()

    def load_form(self) -> None:
        base = {"statement": self.goal.statement if self.goal else "",
                "skills": ",".join(self.goal.skill_ids) if self.goal else ""}
        draft = self.saved_draft()
        self.query_one("#statement", Input).value = (draft or base).get("statement", "")
        if draft is not None:
            wanted = [s for s in draft.get("skills", "").split(",") if s]
            sl = self._skill_list()
            sl.deselect_all()
            for sid in wanted:
                if any(k.id == sid for k in self.skills):
                    sl.select(sid)
        self.query_one("#statement", Input).focus()
        self.start_drafts(base)

    def _skill_list(self) -> SelectionList[str]:
        return self.query_one("#skills", SelectionList)

    @on(SelectionList.SelectedChanged)
    def _skills_changed(self) -> None:
        self.mark_dirty()
        n = len(self._skill_list().selected)
        self.query_one("#err-skills", Static).update("" if 1 <= n <= 3 else "Pick one to three focus skills.")

    def draft_fields(self) -> dict[str, str]:
        return {"statement": self.query_one("#statement", Input).value,
                "skills": ",".join(self._skill_list().selected)}

    def action_save(self) -> None:
        clear_field_errors(self)
        statement = self.query_one("#statement", Input).value
        ids = list(self._skill_list().selected)
        bad = False
        if not statement.strip():
            self.query_one("#err-statement", Static).update("Write the goal in one line.")
            bad = True
        if not 1 <= len(ids) <= 3:
            self.query_one("#err-skills", Static).update(
                f"Pick one to three focus skills (you picked {len(ids)}).")
            bad = True
        if not bad:
            self.run_blocking(self.SAVING, set_goal, self.fc.store, self.rep_id, statement, ids)

    def saved_message(self) -> str:
        return f"Goal agreed with {self.rep_name}."


class ExpectationsForm(FormScreen):
    """The rep's prep responsibilities before every call, one per line."""

    SAVING = "the expectations"
    DEFAULT_FIELD = "expectations"
    DEFAULT_CSS = FORM_CSS.format(cls="ExpectationsForm") + """
    ExpectationsForm TextArea { height: 10; }
    """

    def __init__(self, rep_id: str, rep_name: str, items: Sequence[str]) -> None:
        super().__init__()
        self.rep_id, self.rep_name, self.items = rep_id, rep_name, list(items)
        self.draft_key = f"expectations:{rep_id}"

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text("What ", style="bold")
            title.append(visible(self.rep_name))
            title.append(" prepares before every call (one per line)", style="bold")
            yield Static(title)
            yield TextBox(id="items", soft_wrap=True, show_line_numbers=False)
            yield field_error("expectations")
            yield from self.compose_buttons()
        yield KeyFooter()

    def load_form(self) -> None:
        base = {"items": "\n".join(self.items)}
        ta = self.query_one("#items", TextArea)
        ta.text = (self.saved_draft() or base).get("items", "")
        ta.focus()
        self.start_drafts(base)

    def draft_fields(self) -> dict[str, str]:
        return {"items": self.query_one("#items", TextArea).text}

    def action_save(self) -> None:
        clear_field_errors(self)
        items = [ln for ln in self.query_one("#items", TextArea).text.splitlines() if ln.strip()]
        self.run_blocking(self.SAVING, set_expectations, self.fc.store, self.rep_id, items)

    def saved_message(self) -> str:
        return f"Expectations saved for {self.rep_name}."
