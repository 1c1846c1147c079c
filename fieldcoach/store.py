"""One handle on the database for the app and the command line.

Plain sqlite3 connections (one per thread) serve the hot paths and every read; the ORM
engine is created only when something asks for it, so the SQLAlchemy import stays off
the path to the first keystroke.

Checkpoints are the Store's business. The keystroke path (`write_now`) never folds the
WAL back into the file itself (that costs tens of ms now and then, on a note's Enter);
the Store counts those writes and folds them from a thread of its own once
CHECKPOINT_EVERY have gathered or CHECKPOINT_IDLE_S after the last one. The thread lives
only while such writes wait, so a Store at rest holds no thread and no extra connection.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from . import db

P = ParamSpec("P")
R = TypeVar("R")

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

# A note adds two or three pages to the WAL: fifty keep it well under SQLite's own
# autocheckpoint (1000 pages), and a pause in typing of a few seconds folds whatever is there.
CHECKPOINT_EVERY = 50  # keystroke-path writes
CHECKPOINT_IDLE_S = 3.0  # seconds after the last of them


class Store:
    checkpoint_every = CHECKPOINT_EVERY
    checkpoint_idle_s = CHECKPOINT_IDLE_S

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._opened = False
        # The checkpoint policy: writes waiting to be folded, when the last one came, the
        # thread that folds them (None at rest), and how many checkpoints it has run.
        self._hot = threading.Condition()
        self._hot_pending = 0
        self._hot_last = 0.0
        self._checkpointer: threading.Thread | None = None
        self._stopping = False
        self.checkpoints = 0
        self.last_checkpoint: tuple[int, int, int] | None = None

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
        of ms now and then); the Store's own thread does (see write_now).
        """
        con = self.con()
        con.execute("PRAGMA wal_autocheckpoint = 0")
        return con

    def checkpoint(self) -> tuple[int, int, int]:
        """Fold the WAL back into the file without waiting for readers (PASSIVE): SQLite's
        (busy, frames in the WAL, frames folded back)."""
        busy, log, done = self.con().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(log), int(done)

    def read(self, query: Callable[Concatenate[sqlite3.Connection, P], R], *args: P.args,
             **kwargs: P.kwargs) -> R:
        """Run a query function (`queries`, `lookups`, `notes`: first argument a connection)
        on this thread's connection. The screens' way in: they never hold a connection."""
        return query(self.con(), *args, **kwargs)

    def write_now(self, write: Callable[Concatenate[sqlite3.Connection, P], R], *args: P.args,
                  **kwargs: P.kwargs) -> R:
        """Run a one-row write (`notes.add_note`...) on the keystroke path's connection,
        which never checkpoints on its own (see hot_con); the Store folds the WAL later,
        from its own thread."""
        result = write(self.hot_con(), *args, **kwargs)
        self._wrote_hot()
        return result

    def _wrote_hot(self) -> None:
        with self._hot:
            self._hot_pending += 1
            self._hot_last = time.monotonic()
            if self._checkpointer is None and not self._stopping:
                self._checkpointer = threading.Thread(target=self._fold_hot_writes,
                                                      name="fieldcoach-checkpoint", daemon=True)
                self._checkpointer.start()
            self._hot.notify_all()

    def _fold_hot_writes(self) -> None:
        """The checkpoint thread: wait until enough writes gathered or typing paused, fold
        them, and end once none are waiting (its connection closed with it)."""
        try:
            while True:
                with self._hot:
                    while True:
                        if self._stopping or self._hot_pending == 0:
                            self._checkpointer = None
                            return
                        quiet = time.monotonic() - self._hot_last
                        if self._hot_pending >= self.checkpoint_every or quiet >= self.checkpoint_idle_s:
                            break
                        self._hot.wait(self.checkpoint_idle_s - quiet)
                    self._hot_pending = 0
                try:
                    folded = self.checkpoint()
                except sqlite3.Error:
                    folded = None  # busy or failing: the WAL stays whole, the next write asks again
                with self._hot:
                    self.checkpoints += 1
                    self.last_checkpoint = folded
                    self._hot.notify_all()
        finally:
            con = getattr(self._local, "con", None)
            if con is not None:
                self._local.con = None
                con.close()

    def wait_checkpoint(self, count: int, timeout: float) -> bool:
        """Wait until the Store has run `count` checkpoints of its own (tests; shutdown)."""
        with self._hot:
            return self._hot.wait_for(lambda: self.checkpoints >= count, timeout)

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
        with self._hot:
            self._stopping = True
            self._hot.notify_all()
            folding = self._checkpointer
        if folding is not None and folding is not threading.current_thread():
            folding.join()
        with self._hot:
            self._stopping = False  # a Store closed may be opened again (con() reconnects)
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
        if self._engine is not None:
            self._engine.dispose()
