"""What the Team view reads, without a terminal in sight: the team database opened once
(off the event loop, by the screen's worker), the period figures of rollup.py, and the
drill-down only where the team policy switches rep detail on. The screen holds a
TeamData, never a connection or a query.

SQLAlchemy and the queries are imported by the first read (in the worker), not with this
module: the Team view draws its first frame without them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError
from .policy import Policy

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .rollup import ManagerReps, Session, TeamFigures

DEFAULT_KIND = "4weeks"  # the period the Team view opens on
REP_DETAIL_OFF = "Rep detail is off in the team policy (team_view.rep_detail); figures stay per manager."
NO_DATABASE = "No team database yet. Load the team store with: fieldcoach team load STORE"


def on_view_opened(engine: Engine, policy: Policy) -> None:
    """Called once each time the Team view has opened the team database (in a worker):
    the one place the view is recorded as seen (the audit log's "view" entry)."""
    from .audit import record_view

    record_view(engine, {"rep_detail": policy.rep_detail, "figures": list(policy.figures)})


@dataclass(frozen=True)
class Opened:
    ready: bool     # False: no team database, or nothing loaded into it yet
    managers: int


class TeamData:
    def __init__(self, db: str | None, policy: Policy) -> None:
        """db: a URL or a file as given on the command line; None: FIELDCOACH_TEAM_DB, else
        the user data folder's team.db (resolved on the first read)."""
        self.db = db
        self.url: str | None = None
        self.policy = policy
        self.engine: Engine | None = None

    def shown_url(self) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        url = self.url or self.db or ""
        try:
            return make_url(url).render_as_string(hide_password=True)
        except ArgumentError:
            return url

    def open(self) -> Opened:
        """Open the database (once). A SQLite file that is not there yet is not created."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        from .db import open_team_db, resolve_url

        if self.url is None:
            self.url = resolve_url(self.db)
        if self.engine is None:
            try:
                parsed = make_url(self.url)
            except ArgumentError as exc:
                raise UserError(f"not a database URL: {self.url}") from exc
            sqlite_file = parsed.database if parsed.get_backend_name() == "sqlite" else None
            if sqlite_file and not Path(sqlite_file).exists():
                return Opened(False, 0)
            self.engine = open_team_db(self.url, create=False)
            on_view_opened(self.engine, self.policy)
        from sqlalchemy import func, select

        from . import schema

        with self.engine.connect() as con:
            n = con.execute(select(func.count()).select_from(schema.manager)).scalar_one()
        return Opened(n > 0, n)

    def _engine(self) -> Engine:
        if self.engine is None:
            raise UserError(NO_DATABASE)
        return self.engine

    def figures(self, kind: str, back: int, now: datetime) -> TeamFigures:
        from .rollup import period, team_figures

        with self._engine().connect() as con:
            return team_figures(con, period(kind, now, back), now)

    def reps(self, manager_id: str, kind: str, back: int, now: datetime) -> ManagerReps:
        if not self.policy.rep_detail:
            raise UserError(REP_DETAIL_OFF)
        from .rollup import manager_reps, period

        with self._engine().connect() as con:
            return manager_reps(con, manager_id, period(kind, now, back), now)

    def sessions(self, manager_id: str, rep_id: str, kind: str, back: int,
                 now: datetime) -> tuple[Session, ...]:
        if not self.policy.rep_detail:
            raise UserError(REP_DETAIL_OFF)
        from .rollup import period, rep_sessions

        with self._engine().connect() as con:
            return rep_sessions(con, manager_id, rep_id, period(kind, now, back), now)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
