"""The Team view's own App (`fieldcoach team`): it needs no manager's database, only the
team database and the team policy. It holds the period shown (kind and how many periods
back), which the drill-down screens share, and routes between the screens of
`screens.team`, imported when first shown."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime, tzinfo

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from fieldcoach.clock import local_tz, utcnow
from fieldcoach.team.policy import Policy
from fieldcoach.team.view import DEFAULT_KIND, TeamData
from fieldcoach.text import visible
from screens import WIDE
from screens.widgets.palette import ActionsProvider

ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("app.toggle_dark", "Toggle light/dark theme", "Switch between the light and the dark theme"),
    ("app.help", "Show keys", "Show (or hide) the keys of the current screen"),
    ("app.quit", "Quit", "Leave the Team view"),
)


class TeamApp(App[None]):
    TITLE = "fieldcoach team"
    CSS_PATH = "app.tcss"
    COMMANDS = {ActionsProvider}
    PALETTE_ACTIONS = ACTIONS
    HORIZONTAL_BREAKPOINTS = [(WIDE, "wide")]
    NOTIFY_SECONDS = {"information": 2.5, "warning": 3.5, "error": 6.0}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="team-quit", tooltip="Leave the Team view"),
        Binding("ctrl+q", "quit", "Quit", id="quit", show=False),
        Binding("f1", "help", "Keys", id="help", show=False),
        Binding("escape", "back", "Back", id="back", tooltip="Go back to the previous screen"),
    ]

    def __init__(self, url: str | None, policy: Policy, *, clock: Callable[[], datetime] = utcnow,
                 tz: tzinfo | None = None, data: TeamData | None = None) -> None:
        """url: a URL or a file, None for the default (resolved by the first read); data:
        the TeamData of url when the command line has begun reading it."""
        super().__init__()
        self.data = data or TeamData(url, policy)
        self.clock = clock
        self._tz = tz
        self.kind = DEFAULT_KIND   # the period shown: its kind, and how many periods back
        self.back = 0
        self.startup_error: str | None = None

    @property
    def policy(self) -> Policy:
        return self.data.policy

    def now(self) -> datetime:
        return self.clock()

    @property
    def tz(self) -> tzinfo:
        if self._tz is None:
            self._tz = local_tz()
        return self._tz

    def get_default_screen(self) -> Screen:
        from screens.team import TeamScreen

        return TeamScreen()

    def figures_shown(self) -> None:
        """The first figures (or what stopped them) are on screen: the cyclic GC, off for
        launch when the command line turned it off, comes back on."""
        if not gc.isenabled():
            # What launch built lives as long as the app: frozen, later collections skip it.
            gc.freeze()
            gc.enable()

    def on_unmount(self) -> None:
        self.data.close()

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = True) -> None:
        """As the main app's: brief, and stored text in it drawn with control characters visible."""
        if timeout is None:
            timeout = self.NOTIFY_SECONDS.get(severity, self.NOTIFY_SECONDS["information"])
        super().notify(visible(message, keep_newlines=True), title=visible(title), severity=severity,
                       timeout=timeout, markup=markup)

    # --- the period every screen shows ----------------------------------------------------

    def next_kind(self) -> None:
        """Week, 4 weeks, quarter, week...: the current one of the new kind."""
        from fieldcoach.team.rollup import PERIOD_KINDS

        self.kind = PERIOD_KINDS[(PERIOD_KINDS.index(self.kind) + 1) % len(PERIOD_KINDS)]
        self.back = 0

    def step(self, by: int) -> bool:
        """One period back (by=1) or forward (by=-1); never past the current one."""
        back = self.back + by
        if back < 0 or back > 1000:
            return False
        self.back = back
        return True

    # --- navigation: screens never import one another --------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return len(self.screen_stack) > 1
        return True

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def open_reps(self, manager_id: str, name: str) -> None:
        """A manager's reps, figures per rep (only where the policy allows rep detail)."""
        from screens.team import ManagerRepsScreen

        self.push_screen(ManagerRepsScreen(manager_id, name))

    def open_sessions(self, manager_id: str, rep_id: str, name: str) -> None:
        """A rep's sessions in the period."""
        from screens.team import RepSessionsScreen

        self.push_screen(RepSessionsScreen(manager_id, rep_id, name))
