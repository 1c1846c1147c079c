"""What a team load knows before it writes anything, without SQLAlchemy: the file states
the last load kept, read a folder's subtree at a time, and the tally a load reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..sync.ingest import FileState
from ..text import how_many

# (folder, lo, hi) -> the rows of ingest_file with lo <= path < hi, in FileState's order
Fetch = Callable[[str, str, str], Sequence[Sequence[Any]]]


class SubtreeStates:
    """The ingestion engine's file_states(folder, directory). The walk asks for a
    directory, then for each folder under it: one read takes the whole subtree, held by
    directory until asked for, so each row is read once."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._held: tuple[str, str, dict[str, dict[str, FileState]]] | None = None

    def __call__(self, folder: str, directory: str) -> dict[str, FileState]:
        held = self._held
        if held and held[0] == folder and directory.startswith(held[1]) and directory != held[1]:
            return held[2].pop(directory, {})
        end = directory[:-1] + "0" if directory else "\U0010ffff"  # paths under directory: "/" + 1 == "0"
        groups: dict[str, dict[str, FileState]] = {}
        for r in self._fetch(folder, directory, end):
            path = r[1]
            groups.setdefault(path[:path.rfind("/") + 1], {})[path] = FileState._make(r)
        self._held = (folder, directory, groups)
        return groups.pop(directory, {})


@dataclass
class LoadResult:
    files: int = 0
    skipped: int = 0        # unchanged since the last load: not read
    loaded: int = 0         # read and merged
    invalid: list[str] = field(default_factory=list)  # one line each: file and field
    managers: int = 0       # managers named by the documents read
    rows: int = 0           # records offered to the merge
    retracted: int = 0

    def summary(self) -> str:
        parts = [f"{self.files} files: {self.loaded} loaded, {self.skipped} unchanged"]
        if self.invalid:
            parts.append(f"{len(self.invalid)} invalid, skipped")
        if not self.loaded:
            return ", ".join(parts) + "; nothing new"
        return (", ".join(parts) + f"; {how_many(self.rows, 'records')} from "
                f"{how_many(self.managers, 'managers')}"
                + (f", {how_many(self.retracted, 'notes')} retracted" if self.retracted else ""))
