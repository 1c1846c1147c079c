from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ptyterm import Terminal


@pytest.fixture
def open_app() -> Iterator[Callable[..., Terminal]]:
    """Start `fieldcoach` (with arguments) in a pseudo-terminal for the user of a home
    folder; every process started is gone after the test, passed or failed."""
    started: list[Terminal] = []

    def start(home: Path, *args: str) -> Terminal:
        term = Terminal(home, *args)
        started.append(term)
        return term

    yield start
    for term in started:
        term.kill()


@pytest.fixture
def new_home(tmp_path: Path) -> Callable[[str], Path]:
    """An empty home folder, as on a new laptop."""

    def make(name: str) -> Path:
        home = tmp_path / name
        home.mkdir(mode=0o700)
        return home

    return make
