"""Home (placeholder until the screens land)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class HomeScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="home")
    def _load(self) -> None:
        from fieldcoach.db import StoreError
        from fieldcoach.queries import home_summary

        try:
            s = home_summary(self.app.store.con(), self.app.now(), self.app.tz)
        except StoreError as exc:
            self.app.call_from_thread(self.app.fail_startup, str(exc))
            return
        text = f"This week: {s.this_week.minutes:.0f} / {s.budget_minutes} min"
        self.app.call_from_thread(self.query_one("#summary", Static).update, text)
