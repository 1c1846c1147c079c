"""One handle on the database for the app and the command line.

Plain sqlite3 connections (one per thread) serve the hot paths and every read; the ORM
engine is created only when something asks for it, so the SQLAlchemy import stays off
the path to the first keystroke.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from . import db

P = ParamSpec("P")
R = TypeVar("R")

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._opened = False

    def open(self) -> None:
        """Create, migrate or refuse the file (raises db.StoreError)."""
        self.con()

    def con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = db.connect(self.path, migrate=not self._opened)
            self._opened = True
            self._local.con = con
        return con

    def hot_con(self) -> sqlite3.Connection:
        """This thread's connection for the keystroke path (the note line).

        It never runs a WAL checkpoint itself, so a note save never pays for one (tens
        of ms now and then); the screen calls checkpoint() from a worker instead.
        """
        con = self.con()
        con.execute("PRAGMA wal_autocheckpoint = 0")
        return con

    def checkpoint(self) -> None:
        """Fold the WAL back into the file without waiting for readers (PASSIVE)."""
        self.con().execute("PRAGMA wal_checkpoint(PASSIVE)")

    def read(self, query: Callable[Concatenate[sqlite3.Connection, P], R], *args: P.args,
             **kwargs: P.kwargs) -> R:
        """Run a query function (`queries`, `lookups`, `notes`: first argument a connection)
        on this thread's connection. The screens' way in: they never hold a connection."""
        return query(self.con(), *args, **kwargs)

    def write_now(self, write: Callable[Concatenate[sqlite3.Connection, P], R], *args: P.args,
                  **kwargs: P.kwargs) -> R:
        """Run a one-row write (`notes.add_note`...) on the keystroke path's connection,
        which never checkpoints on its own (see hot_con)."""
        return write(self.hot_con(), *args, **kwargs)

    def warm(self) -> None:
        """Import the ORM and build its engine ahead of a form's first save (about 1 s of
        imports on a small laptop), from a worker while the user types."""
        _ = self.engine

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                from .orm import make_engine

                self._engine = make_engine(self.path)
            return self._engine

    def session(self) -> Session:
        from sqlmodel import Session

        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
        if self._engine is not None:
            self._engine.dispose()
