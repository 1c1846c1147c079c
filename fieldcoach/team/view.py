"""What the Team view reads, without a terminal in sight: the team database opened once
(off the event loop, by the screen's worker), the period figures of rollup.py, and the
drill-down only where the team policy switches rep detail on. The screen holds a
TeamData, never a connection or a query.

A SQLite team database as this fieldcoach wrote it opens on sqlite3 and its figures run
as compiled statements (dbapi.py): nothing here imports SQLAlchemy, so the figures show
about as soon as the window does. A server's, or a file that must first be migrated,
opens through SQLAlchemy (db.open_team_db), which also says why one cannot be opened."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TeamDbNotCurrent as NotCurrent
from ..errors import UserError
from .dbapi import TeamDb, open_sqlite
from .location import resolve_url, sqlite_file
from .policy import Policy

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .early import Early
    from .rollup import ManagerReps, Session, TeamFigures

DEFAULT_KIND = "4weeks"  # the period the Team view opens on
REP_DETAIL_OFF = "Rep detail is off in the team policy (team_view.rep_detail); figures stay per manager."
NO_DATABASE = "No team database yet. Load the team store with: fieldcoach team load STORE"


def on_view_opened(db: TeamDb, policy: Policy) -> None:
    """Called once each time the Team view has opened the team database (in a worker, or
    in the early reader of early.py): the one place the view is recorded as seen (the
    audit log's "view" entry)."""
    from .audit import record_view

    record_view(db, {"rep_detail": policy.rep_detail, "figures": list(policy.figures)})


@dataclass(frozen=True)
class Opened:
    ready: bool     # False: no team database, or nothing loaded into it yet
    managers: int


class Reading:
    """A team database opened to read its figures (and log who did): the TeamDb, and the
    engine under it when it is a server's."""

    def __init__(self, team: TeamDb, engine: Engine | None = None) -> None:
        self.team = team
        self.engine = engine

    def close(self) -> None:
        self.team.close()
        if self.engine is not None:
            self.engine.dispose()


def open_for_reading(url: str) -> Reading:
    """The database at url as this fieldcoach reads it: a SQLite file as it stands on
    sqlite3; else (a server's, or a file to migrate or to refuse) through SQLAlchemy,
    which also says why one cannot be opened. Nothing is created."""
    path = sqlite_file(url)
    if path is not None:
        try:
            return Reading(open_sqlite(path))
        except NotCurrent:
            pass
    from .db import open_team_db

    engine = open_team_db(url, create=False)
    if path is None:
        return Reading(TeamDb(engine.raw_connection(), "postgresql", engine.url.username, owned=True), engine)
    engine.dispose()  # migrated: sqlite3 reads it from here
    try:
        return Reading(open_sqlite(path))
    except NotCurrent as exc:
        raise UserError(f"cannot open the team database {path}: {exc}") from exc


class TeamData:
    def __init__(self, db: str | None, policy: Policy) -> None:
        """db: a URL or a file as given on the command line; None: FIELDCOACH_TEAM_DB, else
        the user data folder's team.db (resolved on the first read)."""
        self.db = db
        self.url: str | None = None
        self.policy = policy
        self.reading: Reading | None = None
        self.viewed = False  # the audit log has this opening of the view
        self._early: tuple[tuple[str, int], Early[tuple[Opened, TeamFigures | None, bool]]] | None = None

    def shown_url(self) -> str:
        url = self.url or self.db or ""
        if sqlite_file(url) is not None or "://" not in url:
            return url
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return make_url(url).render_as_string(hide_password=True)
        except ArgumentError:
            return url

    def open(self) -> Opened:
        """Open the database (once). A SQLite file that is not there yet is not created."""
        if self.url is None:
            self.url = resolve_url(self.db)
        if self.reading is None:
            if "://" not in self.url:
                raise UserError(f"not a database URL: {self.url}")
            path = sqlite_file(self.url)
            if path is not None and not Path(path).exists():
                return Opened(False, 0)
            self.reading = open_for_reading(self.url)
            if not self.viewed:
                on_view_opened(self.reading.team, self.policy)
                self.viewed = True
        with self.reading.team.transaction() as db:
            n = int(db.scalar("manager_count"))
        return Opened(n > 0, n)

    def opening(self, kind: str, back: int, now: datetime) -> tuple[Opened, TeamFigures | None]:
        """open(), then the period's figures when there are any: what the view shows first."""
        early, self._early = self._early, None
        if early is not None and early[0] == (kind, back):
            opened, figures, viewed = early[1].result()
            self.url = self.url or resolve_url(self.db)
            self.viewed = self.viewed or viewed
            return opened, figures
        if early is not None:  # read for another period: only whether it logged the view counts
            try:
                self.viewed = self.viewed or early[1].result()[2]
            except Exception:  # its error is not this period's: this read says its own
                pass
        return self._first(kind, back, now)

    def _first(self, kind: str, back: int, now: datetime) -> tuple[Opened, TeamFigures | None]:
        opened = self.open()
        return opened, self.figures(kind, back, now) if opened.ready else None

    def read_early(self, kind: str, back: int, now: datetime) -> None:
        """Start opening() now, before the window is made (early.py): the view's first
        worker takes the answer. Failures reach the view the same way as its own."""
        from .early import read_early

        parent = os.getpid()

        def first() -> tuple[Opened, TeamFigures | None, bool]:
            opened, figures = self._first(kind, back, now)
            if os.getpid() != parent:  # a child's connection ends with it: close it properly
                self.close()
            return opened, figures, self.viewed

        self._early = ((kind, back), read_early(first))

    def _db(self) -> TeamDb:
        if self.reading is None and self.viewed:  # the early reader opened it, in its own process
            self.open()
        if self.reading is None:
            raise UserError(NO_DATABASE)
        return self.reading.team

    def figures(self, kind: str, back: int, now: datetime) -> TeamFigures:
        from .rollup import period, team_figures

        with self._db().transaction() as db:
            return team_figures(db, period(kind, now, back), now)

    def reps(self, manager_id: str, kind: str, back: int, now: datetime) -> ManagerReps:
        if not self.policy.rep_detail:
            raise UserError(REP_DETAIL_OFF)
        from .rollup import manager_reps, period

        with self._db().transaction() as db:
            return manager_reps(db, manager_id, period(kind, now, back), now)

    def sessions(self, manager_id: str, rep_id: str, kind: str, back: int,
                 now: datetime) -> tuple[Session, ...]:
        if not self.policy.rep_detail:
            raise UserError(REP_DETAIL_OFF)
        from .rollup import period, rep_sessions

        with self._db().transaction() as db:
            return rep_sessions(db, manager_id, rep_id, period(kind, now, back), now)

    def close(self) -> None:
        early, self._early = self._early, None
        if early is not None:  # never taken: the view closed first
            early[1].close()
        if self.reading is not None:
            self.reading.close()
            self.reading = None
