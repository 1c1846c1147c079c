"""The command palette's one provider: the current screen's PALETTE, then the App's
PALETTE_ACTIONS; each entry is (action, title, help)."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

Entry = tuple[str, str, str]


class ActionsProvider(Provider):
    def _commands(self) -> list[Entry]:
        return list(getattr(self.screen, "PALETTE", ())) + list(getattr(self.app, "PALETTE_ACTIONS", ()))

    async def discover(self) -> Hits:
        for action, title, help_ in self._commands():
            yield DiscoveryHit(title, self._runner(action), help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, title, help_ in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_)

    def _runner(self, action: str) -> Callable[[], object]:
        return lambda: self.app.run_action(action, self.screen)
