"""Sync: export to the team store (progress bar, summary), import teammates' or another
laptop's files after a confirmation. Thin: the work is fieldcoach.sync.commands, run in
thread workers; results come back with call_from_thread."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, ProgressBar, Static

from fieldcoach.text import visible
from screens.widgets.dialogs import ConfirmDialog, field_error
from screens.widgets.fields import TextInput
from screens.widgets.footer import KeyFooter

CONFLICTS_SHOWN = 8


class SyncScreen(Screen[None]):
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
        Binding("e", "export", "Export", id="sync-export", tooltip="Write what changed to the team store folder"),
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

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Team store", classes="section-title")
            yield Static("", id="store-layout", classes="muted", markup=False)
            with Horizontal(classes="row"):
                yield Label("Store folder")
                yield TextInput(id="store-dir", placeholder="e.g. ~/OneDrive/Sales coaching (Enter saves)")
                yield Button("Export (e)", id="export", variant="primary")
            yield field_error("store_dir")
            yield ProgressBar(id="progress", show_eta=False)
            yield Static("No export yet in this session.", id="export-summary", markup=False)
            yield Static("Import", classes="section-title")
            with Horizontal(classes="row"):
                yield Label("File or folder")
                yield TextInput(id="import-path", placeholder="a bundle .json or a store folder (Enter imports)")
                yield Button("Import (i)", id="import")
            yield field_error("import")
            yield Static("", id="import-summary", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.query_one("#export", Button).focus()
        self._load()

    # --- settings ---------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="sync-load")
    def _load(self) -> None:
        from fieldcoach.db import read_failure
        from fieldcoach.queries import settings

        try:
            s = settings(self.app.store.con())
        except Exception as exc:
            self.app.call_from_thread(self.notify, escape(read_failure(exc, "the settings")), severity="error")
            return
        self.app.call_from_thread(self._loaded, s.store_dir or "", s.manager_id)

    def _loaded(self, store_dir: str, manager_id: str) -> None:
        self._saved_dir = store_dir
        inp = self.query_one("#store-dir", Input)
        if not inp.value:
            inp.value = store_dir
        who = manager_id or "<your manager id>"
        self.query_one("#store-layout", Static).update(
            f"Your files go to FOLDER/{visible(who)}/: calls/<call-id>.json, reps.json, manifest.json. "
            "Private notes stay on this laptop.")

    @on(Input.Submitted, "#store-dir")
    def _store_dir_submitted(self) -> None:
        folder = self._folder()
        if folder is not None:
            self._save_dir(folder, then_export=False)

    def _folder(self) -> str | None:
        value = self.query_one("#store-dir", Input).value.strip()
        err = self.query_one("#err-store_dir", Static)
        if not value:
            err.update("Choose the team store folder first (a shared or synced folder).")
            return None
        if any(ord(ch) < 32 for ch in value):
            err.update("The folder name has a control character in it.")
            return None
        err.update("")
        return value

    @work(thread=True, exit_on_error=False, group="sync-settings")
    def _save_dir(self, folder: str, then_export: bool) -> None:
        from fieldcoach.services import update_settings

        try:
            if folder != self._saved_dir:
                update_settings(self.app.store, store_dir=folder)
                self._saved_dir = folder
                if not then_export:
                    self.app.call_from_thread(self.notify, escape(f"Team store folder set to {folder}."))
        except Exception as exc:
            self.app.call_from_thread(self.query_one("#err-store_dir", Static).update, visible(f"Not saved: {exc}"))
            return
        if then_export:
            self.app.call_from_thread(self._export, folder)

    # --- export -------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self.action_export()
        elif event.button.id == "import":
            self.action_import()

    def action_export(self) -> None:
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
        self._save_dir(folder, then_export=True)

    @work(thread=True, exit_on_error=False, exclusive=True, group="sync-run")
    def _export(self, folder: str) -> None:
        from fieldcoach.sync.commands import export_summary, run_export

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            result = run_export(self.app.store, folder, progress=progress)
        except Exception as exc:  # UserError (folder not writable...), StoreError, full disk
            self.app.call_from_thread(self._failed, "#export-summary", f"Export failed: {exc}")
            return
        lines = [f"Exported to {result.folder}", export_summary(result)]
        for c in result.conflicts[:CONFLICTS_SHOWN]:
            lines.append(f"kept {c.path}: the store's copy is newer")
        if len(result.conflicts) > CONFLICTS_SHOWN:
            lines.append(f"… and {len(result.conflicts) - CONFLICTS_SHOWN} more")
        if result.conflicts:
            lines.append(f"The store holds newer versions: import {result.folder.parent} to bring them in.")
        self.app.call_from_thread(self._exported, "\n".join(lines), len(result.written), bool(result.conflicts),
                                  str(result.folder.parent))

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)

    def _exported(self, summary: str, written: int, conflicts: bool, root: str) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False
        self.query_one("#export-summary", Static).update(visible(summary, keep_newlines=True))
        if conflicts:
            self.query_one("#import-path", Input).value = root
            self.notify("The store has newer files: import them", severity="warning")
        else:
            self.notify(f"Export done: {written} file{'s' * (written != 1)} written.")

    def _failed(self, target: str, message: str) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False
        self.query_one(target, Static).update(visible(message))
        self.notify(escape(message), severity="error")

    # --- import -------------------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    def _import_submitted(self) -> None:
        self.action_import()

    def action_import(self) -> None:
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
                self._import(path)

        question = Text.assemble("Import ", (visible(path), "bold"), " into this database?")
        self.app.push_screen(ConfirmDialog(
            question, "Import", variant="warning",
            detail="Every file is checked first; nothing changes unless all of it is valid. For each "
                   "record the newer version wins; yours is kept on a tie. Deletions arrive only as "
                   "deletions, never from a missing file."), answered)

    @work(thread=True, exit_on_error=False, exclusive=True, group="sync-run")
    def _import(self, path: str) -> None:
        import os

        from fieldcoach.sync.commands import import_summary, run_import

        try:
            result = run_import(self.app.store, [os.path.expanduser(path)])
        except Exception as exc:  # refused file: one line with the file and the field
            self.app.call_from_thread(self._import_failed, str(exc))
            return
        text = "Nothing to import there." if result.files == 0 else f"Imported {import_summary(result)}"
        self.app.call_from_thread(self._imported, text)

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
