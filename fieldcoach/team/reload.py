"""A `team load` that finds nothing changed, on a SQLite team database: the same walk
and the same test of each file's state as the ingestion engine's (sync/ingest.py), on
sqlite3 with the compiled statements (dbapi.py), and the audit log's row. The usual
reload of a shared folder costs a stat of each file, not the import of SQLAlchemy; at the
first file that may have changed (or anything else out of the ordinary) it answers None
and the whole load runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import ImportRefused
from ..errors import TeamDbNotCurrent as NotCurrent
from ..sync.ingest import source_files, unchanged
from .audit import record_load
from .dbapi import open_sqlite
from .load_state import LoadResult, SubtreeStates
from .location import sqlite_file
from .policy import Policy


def unchanged_load(url: str, paths: Sequence[str], policy: Policy) -> LoadResult | None:
    """The result of loading paths when every file is as the last load read it (recorded
    in the audit log); None when the whole load must run."""
    path = sqlite_file(url)
    if path is None:
        return None
    try:
        db = open_sqlite(path)
    except NotCurrent:
        return None  # no database yet, or one to migrate: the load does it
    try:
        states = SubtreeStates(lambda folder, lo, hi: db.rows("file_states", folder=folder, lo=lo, hi=hi))
        files = 0
        try:
            for f in source_files(paths, lambda _path, _st: None, states):
                if unchanged(f) is not True:
                    return None
                files += 1
        except ImportRefused:
            return None  # the load says why, in its own words
        result = LoadResult(files=files, skipped=files)
        with db.transaction(write=True):
            record_load(db, [Path(p) for p in paths], result, policy)
        return result
    finally:
        db.close()
