"""Sync: export to the team store (progress bar, summary), import teammates' or another
laptop's files after a confirmation. Thin: the work is fieldcoach.sync.commands, run by
`run_blocking`; results come back as Loaded/Failed messages, progress as ExportProgress."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Header, Input, Label, ProgressBar, Static

from fieldcoach.errors import FieldError
from fieldcoach.lookups import Settings, settings
from fieldcoach.settings_form import store_folder
from fieldcoach.text import visible
from screens.base import BaseScreen, Failed, Loaded
from screens.widgets.dialogs import ConfirmDialog, field_error
from screens.widgets.fields import TextInput
from screens.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from fieldcoach.store import Store

CONFLICTS_SHOWN = 8
LOAD, FOLDER, EXPORT, IMPORT = "the settings", "the store folder", "the export", "the import"


class ExportProgress(Message):
    """Posted from the export's worker thread as files are written."""

    bubble = False

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


@dataclass(frozen=True)
class ExportDone:
    summary: str
    written: int
    conflicts: bool
    root: str
    manager_id: str  # the manager's folder in the store (made by the first export)


def save_folder(store: Store, folder: str, saved: str) -> str:
    """Keep folder as the store folder (when it changed); the folder, to export to."""
    if folder != saved:
        from fieldcoach.services import update_settings

        update_settings(store, store_dir=folder)
    return folder


def export_to(store: Store, folder: str, progress: Callable[[int, int], None]) -> ExportDone:
    from fieldcoach.sync.commands import export_summary, run_export

    result = run_export(store, folder, progress=progress)
    lines = [f"Exported to {result.folder}", export_summary(result)]
    for c in result.conflicts[:CONFLICTS_SHOWN]:
        lines.append(f"kept {c.path}: the store's copy is newer")
    if len(result.conflicts) > CONFLICTS_SHOWN:
        lines.append(f"… and {len(result.conflicts) - CONFLICTS_SHOWN} more")
    if result.conflicts:
        lines.append(f"The store holds newer versions: import {result.folder.parent} to bring them in.")
    return ExportDone("\n".join(lines), len(result.written), bool(result.conflicts),
                      str(result.folder.parent), result.folder.name)


def import_from(store: Store, path: str) -> str:
    from fieldcoach.sync.commands import import_summary, run_import

    result = run_import(store, [os.path.expanduser(path)])
    return "Nothing to import there." if result.files == 0 else f"Imported {import_summary(result)}"


class SyncScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    SyncScreen > VerticalScroll { padding: 0 2; }
    SyncScreen .row { height: auto; margin-top: 1; }
    SyncScreen .row Label { width: 16; padding-top: 1; }
    SyncScreen .row Input { width: 1fr; }
    SyncScreen .row Button { margin-left: 1; }
    SyncScreen #progress { margin-top: 1; }
    SyncScreen #export-summary, SyncScreen #import-summary { height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding("e", "export", "Export", id="sync-export",
                tooltip="Write what changed to the team store folder"),
        Binding("i", "import", "Import", id="sync-import", tooltip="Merge the file or folder given below"),
        Binding("escape", "back", "Back", id="sync-back", tooltip="Back to the previous screen"),
    ]
    PALETTE = (
        ("screen.export", "Export to the team store", "Write what changed since the last export"),
        ("screen.import", "Import files", "Merge a bundle or a store folder into this database"),
    )

    def __init__(self) -> None:
        super().__init__()
        self._saved_dir = ""
        self.busy = False
        self.ready = False  # the settings are read: until then no key exports or imports

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Team store", classes="section-title")
            yield Static("", id="store-layout", classes="muted", markup=False)
            with Horizontal(classes="row"):
                yield Label("Store folder")
                yield TextInput(id="store-dir", placeholder="~/OneDrive/Coaching (Enter exports)",
                                disabled=True)
                yield Button("Export (e)", id="export", variant="primary")
            yield field_error("store_dir")
            yield ProgressBar(id="progress", show_eta=False)
            yield Static("No export yet in this session.", id="export-summary", markup=False)
            yield Static("Import", classes="section-title")
            with Horizontal(classes="row"):
                yield Label("File or folder")
                yield TextInput(id="import-path",
                                placeholder="a bundle or a folder (Enter imports)")
                yield Button("Import (i)", id="import")
            yield field_error("import")
            yield Static("", id="import-summary", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.run_blocking(LOAD, self.fc.store.read, settings)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Until the saved folder is known, e and i do nothing (shown greyed out): a key
        # typed at once must not export to, or import from, a folder not yet shown.
        if action in ("export", "import") and not self.ready:
            return None
        return True

    # --- results --------------------------------------------------------------------------------

    def on_loaded(self, message: Loaded) -> None:
        if message.what == LOAD:
            self._show_settings(message.value)
        elif message.what == FOLDER:
            self._folder_saved(message.value)
        elif message.what == EXPORT:
            self._exported(message.value)
        elif message.what == IMPORT:
            self._imported(message.value)

    def on_failed(self, message: Failed) -> None:
        if message.what == LOAD:
            self.notify(escape(message.text), severity="error")
        elif message.what == FOLDER:
            self._end_run()
            self.query_one("#export-summary", Static).update("")
            self.query_one("#err-store_dir", Static).update(visible(f"Not saved: {message.error}"))
        elif message.what == EXPORT:  # UserError (folder not writable...), StoreError, full disk
            self._failed("#export-summary", f"Export failed: {message.error}")
        elif message.what == IMPORT:  # refused file: one line with the file and the field
            self._import_failed(str(message.error))

    def on_export_progress(self, message: ExportProgress) -> None:
        self.query_one("#progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)

    # --- settings ---------------------------------------------------------------------------

    def _show_settings(self, s: Settings) -> None:
        self._saved_dir = s.store_dir or ""
        inp = self.query_one("#store-dir", Input)
        if not inp.value:
            inp.value = self._saved_dir
        inp.disabled = False
        self.ready = True
        self.refresh_bindings()
        # the first time, the folder is what to fill in; after that, Export is one key away
        (self.query_one("#export", Button) if self._saved_dir else inp).focus()
        self._show_layout(s.manager_id)

    def _show_layout(self, manager_id: str | None) -> None:
        who = manager_id or "<your manager id>"
        self.query_one("#store-layout", Static).update(
            f"Your files go to FOLDER/{visible(who)}/: calls/<call-id>.json, reps.json, manifest.json. "
            "Private notes stay on this laptop.")

    @on(Input.Submitted, "#store-dir")
    def _store_dir_submitted(self) -> None:
        self.action_export()  # the folder is saved on the way

    def _folder(self) -> str | None:
        err = self.query_one("#err-store_dir", Static)
        try:
            folder = store_folder(self.query_one("#store-dir", Input).value, required=True)
        except FieldError as exc:
            err.update(exc.message)
            return None
        err.update("")
        return folder

    def _folder_saved(self, folder: str) -> None:
        self._saved_dir = folder
        self._export(folder)

    # --- export -------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self.action_export()
        elif event.button.id == "import":
            self.action_import()

    def action_export(self) -> None:
        if not self.ready:  # the Export button, pressed before the settings are read
            return
        if self.busy:
            self.notify("Sync is already running.", severity="warning")
            return
        folder = self._folder()
        if folder is None:
            self.query_one("#store-dir", Input).focus()
            return
        self.busy = True
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#export-summary", Static).update("Exporting…")
        self.run_blocking(FOLDER, save_folder, self.fc.store, folder, self._saved_dir)

    def _export(self, folder: str) -> None:
        def progress(done: int, total: int) -> None:  # in the worker's thread
            self.post_message(ExportProgress(done, total))

        self.run_blocking(EXPORT, export_to, self.fc.store, folder, progress)

    def _exported(self, done: ExportDone) -> None:
        self._end_run()
        self._show_layout(done.manager_id)
        self.query_one("#export-summary", Static).update(visible(done.summary, keep_newlines=True))
        if done.conflicts:
            self.query_one("#import-path", Input).value = done.root
            self.notify("The store has newer files: import them", severity="warning")
        else:
            self.notify(f"Export done: {done.written} file{'s' * (done.written != 1)} written.")

    def _end_run(self) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False

    def _failed(self, target: str, message: str) -> None:
        self._end_run()
        self.query_one(target, Static).update(visible(message))
        self.notify(escape(message), severity="error")

    # --- import -------------------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    def _import_submitted(self) -> None:
        self.action_import()

    def action_import(self) -> None:
        if not self.ready:
            return
        if self.busy:
            self.notify("Sync is already running.", severity="warning")
            return
        path = self.query_one("#import-path", Input).value.strip()
        err = self.query_one("#err-import", Static)
        if not path:
            err.update("Give a bundle file or a store folder to import.")
            self.query_one("#import-path", Input).focus()
            return
        err.update("")

        def answered(yes: bool | None) -> None:
            if yes:
                self.busy = True
                self.query_one("#import-summary", Static).update("Importing…")
                self.run_blocking(IMPORT, import_from, self.fc.store, path)

        question = Text.assemble("Import ", (visible(path), "bold"), " into this database?")
        self.app.push_screen(ConfirmDialog(
            question, "Import", variant="warning",
            detail="Every file is checked first; nothing changes unless all of it is valid. For each "
                   "record the newer version wins; yours is kept on a tie. Deletions arrive only as "
                   "deletions, never from a missing file."), answered)

    def _import_failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#err-import", Static).update(visible(message))
        self.query_one("#import-summary", Static).update("")
        self.notify(escape(message), severity="error")

    def _imported(self, text: str) -> None:
        self.busy = False
        self.query_one("#import-summary", Static).update(visible(text))
        self.notify("Import done: see the summary")

    def action_back(self) -> None:
        self.app.pop_screen()
