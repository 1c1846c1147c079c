"""The Textual app: owns the Store, routes between screens, offers every action in the
command palette. Screens live in the top-level `screens` package and are imported when
first shown, so launch pays only for home (or the observation screen), which is the
bottom of the screen stack."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from fieldcoach.clock import local_tz, utcnow
from fieldcoach.drafts import Drafts
from fieldcoach.paths import drafts_dir
from fieldcoach.store import Store
from fieldcoach.text import how_many, visible
from screens import WIDE
from screens.widgets.drafts import DraftKeeper
from screens.widgets.palette import ActionsProvider
from screens.widgets.textual_compat import CrashHook, replaceable_bottom

if TYPE_CHECKING:
    from fieldcoach.queries import GoalRow, RepDetail, RepRow, SkillRow

DARK_THEME, LIGHT_THEME = "textual-dark", "textual-light"

# (action, title, help) — the palette offers each; screens bind the keys.
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("app.go_home", "Home", "This week's coaching, focus list, next steps"),
    ("app.new_call", "New call", "Pre-call setup for a coaching or selling call"),
    ("app.capture", "Quick note", "Capture a note into the call in progress or the inbox"),
    ("app.open_reps", "Reps & goals", "Roster, shared goals, expectations, history"),
    ("app.open_sync", "Sync", "Export to the team store, import teammates' files"),
    ("app.open_settings", "Settings", "Manager, budget, skills, feedback script, store folder"),
    ("app.toggle_dark", "Toggle light/dark theme", "Switch between the light and the dark theme"),
    ("app.help", "Show keys", "Show (or hide) the keys of the current screen"),
    ("app.quit", "Quit", "Leave fieldcoach (everything is already saved)"),
)


class FieldcoachApp(CrashHook, App[None]):
    TITLE = "fieldcoach"
    CSS_PATH = "app.tcss"  # beside this module
    COMMANDS = {ActionsProvider}
    PALETTE_ACTIONS = ACTIONS
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = [(WIDE, "wide")]  # screens lay out in two columns from WIDE up
    # Seconds a notification stays (Textual's 5 s for all kept them over what the manager
    # was reading); an error a little longer, it may say what to do.
    NOTIFY_SECONDS = {"information": 2.5, "warning": 3.5, "error": 6.0}
    GC_SETTLE_S = 1.0  # after the first frame, the cyclic GC comes back on (see on_ready)
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Leave fieldcoach; everything is saved"),
        Binding("f1", "help", "Keys", id="help", show=False),
        Binding("escape", "back", "Back", id="back", tooltip="Go back to the previous screen"),
    ]

    def __init__(self, db_path: Path | str, *, clock: Callable[[], datetime] = utcnow,
                 tz: tzinfo | None = None) -> None:
        super().__init__()
        self.store = Store(db_path)
        self.drafts = Drafts(drafts_dir(Path(db_path)))
        self.clock = clock
        self._tz = tz
        self.startup_error: str | None = None

    def now(self) -> datetime:
        return self.clock()

    @property
    def tz(self) -> tzinfo:
        """The zone times are shown in; found when first needed (zoneinfo is not on the
        way to the note line)."""
        if self._tz is None:
            self._tz = local_tz()
        return self._tz

    def get_default_screen(self) -> Screen:
        """The first screen, built in the app's own first layout pass: home, or, when a call
        is being observed, its note line at once (home is built when first asked for).
        Also opens the store and applies the saved theme."""
        from fieldcoach.db import StoreError

        observing: str | None = None
        try:
            # Two indexed reads on the connection the note line will use anyway (~1 ms).
            from fieldcoach.lookups import settings
            from fieldcoach.notes import active_call

            theme = self.store.read(settings).theme
            if theme in (DARK_THEME, LIGHT_THEME) and theme != self.theme:
                self.theme = theme
            active = self.store.read(active_call)
            observing = active.id if active else None
        except StoreError as exc:
            self.call_later(self.fail_startup, str(exc))
            return Screen()
        except Exception:  # home's own load reports what is wrong
            observing = None
        if observing:
            from screens.observe import ObservationScreen

            screen: Screen = ObservationScreen(observing)
        else:
            from screens.home import HomeScreen

            screen = HomeScreen()
        # The call opened at launch is the bottom screen and is switched away (to feedback
        # or home) like a pushed one.
        return replaceable_bottom(screen)

    def on_mount(self) -> None:
        self.call_after_refresh(self._announce_drafts)
        self.call_after_refresh(self._apply_retention)

    def on_ready(self) -> None:
        if not gc.isenabled():  # the command line turned it off for launch
            self.set_timer(self.GC_SETTLE_S, self._enable_gc)

    @staticmethod
    def _enable_gc() -> None:
        # What launch built lives as long as the app: frozen, later collections skip it.
        gc.freeze()
        gc.enable()

    @work(thread=True, exit_on_error=False, group="drafts")
    def _announce_drafts(self) -> None:
        """Typed but unsaved text from a previous run: each form offers its own draft back."""
        try:
            n = len(self.drafts.all())
        except OSError:
            return
        if n:
            self.call_from_thread(
                self.notify, f"Recovered {how_many(n, 'unsaved drafts')}: open the form")

    @work(thread=True, exit_on_error=False, group="retention")
    def _apply_retention(self) -> None:
        """Records past their retention period go at start, after the first frame (one
        row read when every class is kept forever, the default)."""
        from fieldcoach.privacy.retention import apply_retention

        try:
            receipt = apply_retention(self.store, self.now())
        except Exception as exc:  # the next start (or Settings, ctrl+r) tries again
            self.call_from_thread(self.notify, f"Retention purge not done: {escape(str(exc))}",
                                  severity="warning")
            return
        if receipt is not None and receipt.total:
            self.call_from_thread(self.notify,
                                  f"Retention: removed {receipt.total} records past their period")

    def before_crash_exit(self, error: Exception) -> None:
        """A crash: first keep what was typed (every screen's pending draft); Textual then
        exits with a non-zero code."""
        for screen in list(self.screen_stack):
            if isinstance(screen, DraftKeeper):
                try:
                    screen.flush_draft()
                except Exception:  # a failing flush must never mask the original error
                    pass

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification of every screen passes here: brief, with a timeout by severity
        (Widget.notify passes None unless asked), and stored text in it (a note, a name, a
        file's path) drawn with its control characters visible."""
        if timeout is None:
            timeout = self.NOTIFY_SECONDS.get(severity, self.NOTIFY_SECONDS["information"])
        super().notify(visible(message, keep_newlines=True), title=visible(title), severity=severity,
                       timeout=timeout, markup=markup)

    def fail_startup(self, message: str) -> None:
        """The database cannot be used: leave cleanly and let the CLI print one line."""
        self.startup_error = message
        self.exit(return_code=1)

    # --- navigation ---------------------------------------------------------------------

    def action_go_home(self) -> None:
        from screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_data()
        else:  # the call opened at launch is the bottom screen: home was never built
            self.switch_screen(HomeScreen())

    def pop_screen(self):
        """As Textual's, except that the bottom screen (a call opened at launch) gives way
        to home instead of failing."""
        if len(self.screen_stack) <= 1:
            from screens.home import HomeScreen

            return self.switch_screen(HomeScreen())
        return super().pop_screen()

    def action_new_call(self, rep_id: str = "") -> None:
        from screens.precall import PreCallScreen

        self.push_screen(PreCallScreen(rep_id=rep_id or None))

    def action_capture(self) -> None:
        from screens.widgets.dialogs import CaptureDialog

        self.push_screen(CaptureDialog())

    def action_open_reps(self) -> None:
        from screens.reps import RepsScreen

        self.push_screen(RepsScreen())

    def action_open_sync(self) -> None:
        from screens.sync import SyncScreen

        self.push_screen(SyncScreen())

    def action_open_settings(self) -> None:
        from screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME
        self._save_theme(self.theme)

    @work(thread=True, exit_on_error=False, group="theme")
    def _save_theme(self, theme: str) -> None:
        from fieldcoach.services import update_settings

        try:
            update_settings(self.store, theme=theme)
        except Exception as exc:  # the theme still applies for this session
            self.call_from_thread(self.notify, f"Theme not saved: {escape(str(exc))}", severity="warning")

    def _on_home(self) -> bool:
        """Is home the current screen? Without importing home: the footer asks on every
        bindings refresh, and the note line opened at launch never builds home."""
        home = sys.modules.get("screens.home")
        return home is not None and isinstance(self.screen, home.HomeScreen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return not self._on_home() and len(self.screen_stack) > 1
        return True

    def action_help(self) -> None:
        """Show (or hide) the keys of the focused screen and widget."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1 and not self._on_home():
            self.pop_screen()

    # Screens never import one another: they ask the App to open the next one.

    def open_rep(self, rep_id: str) -> None:
        """A rep's page: goal, expectations, sessions, trends, open next steps."""
        from screens.rep import RepScreen

        self.push_screen(RepScreen(rep_id))

    def forget_rep(self, rep_id: str, name: str) -> None:
        """Forget a rep, after a confirmation: everything about them leaves this laptop and,
        as tombstones, the team store on the next export. Back to the roster after."""
        from screens.widgets.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._forget_rep(rep_id)

        self.push_screen(ConfirmDialog(
            f"Forget {name}? Everything about them goes: goals, calls, notes, ratings, next steps, "
            "drafts and recap files.", "Forget",
            detail="Their records become tombstones without content, sent to the team store on the "
                   "next export. A receipt keeps only how many records went and when. This cannot be "
                   "undone."), answered)

    @work(thread=True, exit_on_error=False, group="forget")
    def _forget_rep(self, rep_id: str) -> None:
        from fieldcoach.privacy.forget import forget_rep, forget_summary

        try:
            receipt = forget_rep(self.store, rep_id, self.now())
        except Exception as exc:
            self.call_from_thread(self.notify, f"Not forgotten: {escape(str(exc))}", severity="error")
            return
        self.call_from_thread(self._forgotten, rep_id, forget_summary(receipt))

    def _forgotten(self, rep_id: str, summary: str) -> None:
        if getattr(self.screen, "rep_id", None) == rep_id:
            self.pop_screen()  # the roster below reloads as it comes back
        self.notify(escape(summary))

    def edit_rep(self, rep: RepRow | RepDetail | None = None) -> None:
        """The rep form: add a rep (None), or edit one's name, role and territory."""
        from screens.forms import RepForm

        self.push_screen(RepForm(rep))

    def agree_goal(self, rep_id: str, rep_name: str, goal: GoalRow | None,
                   skills: Sequence[SkillRow]) -> None:
        """The goal form: the shared goal's statement and one to three of `skills`."""
        from screens.forms import GoalForm

        self.push_screen(GoalForm(rep_id, rep_name, goal, skills))

    def edit_expectations(self, rep_id: str, rep_name: str, items: Sequence[str]) -> None:
        """The expectations form: what the rep prepares before every call."""
        from screens.forms import ExpectationsForm

        self.push_screen(ExpectationsForm(rep_id, rep_name, items))

    def open_observation(self, call_id: str, *, replace: bool = False) -> None:
        """The note line of a call; `replace` puts it in place of the current screen."""
        from screens.observe import ObservationScreen

        screen = ObservationScreen(call_id)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_feedback(self, call_id: str, *, replace: bool = False) -> None:
        """The feedback script of a call (its recap once done)."""
        from screens.feedback.screen import FeedbackScreen

        screen = FeedbackScreen(call_id)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_call(self, call_id: str, status: str) -> None:
        """Resume a call where it stands: observe it, debrief it, or read its recap."""
        if status in ("planned", "observing"):
            self.open_observation(call_id)
        else:
            self.open_feedback(call_id)
